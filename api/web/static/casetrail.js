// Small helpers; every page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A bad review (差评) needs a reason: mark the field required once such a level is chosen.
  for (const form of document.querySelectorAll(".rating-form")) {
    const reason = form.querySelector("textarea[name=reason]");
    const update = () => {
      const chosen = form.querySelector("input[name=level]:checked");
      reason.required = Boolean(chosen && chosen.dataset.bad === "yes");
    };
    form.addEventListener("change", update);
    update();
  }
  // The dossier's print button (without scripts, the browser's own print does the same).
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  // Stop a second click from sending a form twice while the first is on its way.
  for (const form of document.querySelectorAll("form[method=post]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type=submit]")) {
        button.setAttribute("aria-disabled", "true");
      }
      form.addEventListener("submit", (event) => event.preventDefault());
    });
  }
});
