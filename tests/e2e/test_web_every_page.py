"""Every page, as every role that may open it, in Chinese and in English: no id in the text a
person reads and, on a Chinese page, no English message.

The pages are read from the app (every GET route of the web), so a page added later is swept
too; its path parameters are filled from a demo city (``seed_demo``). A route the sweep cannot
fill is listed in ``NOT_SWEPT`` with the reason, and a route neither swept nor listed fails the
test. Each address must be opened by at least one of the sweep's people, so a wrong fill (a 404
for everyone) fails instead of sweeping nothing.

Visible text is what the browser draws: the text of the document, without attributes, scripts,
styles and elements marked ``hidden``. On a Chinese page a Latin word is allowed when it is a
code meant to be Latin (it holds a digit or a dot or is upper case: a credit code, a unit code,
a login, CSV), in the short ``LATIN_ALLOWED`` list, or inside an element that says it is not to
be translated (``translate="no"``: a login, a key a person types) or is in another language
(``lang="en"``: the language switch's "English"); any other English word is a message in the
wrong language. A staff login shows only in brackets after the person's name, never in a
name's place.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any, get_args
from uuid import UUID

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.schemas.directory import Kind as DirectoryKind
from api.web import site
from api.web.security import LANG_COOKIE, SESSION_COOKIE
from domain.actors import Role
from infra.container import Container, build_container
from infra.demo.run import SimClock
from infra.demo.seed import seed_demo
from projections.cases import CaseProjection
from projections.directory import DirectoryProjection
from projections.registry import all_projections
from tests.e2e.api_world import FAST_HASHER, PASSWORD, settings_for
from tests.support.app import ADMIN, official_years
from tests.support.clock import CHINA
from tests.support.text import UUID_TEXT

END = datetime(2026, 11, 20, 17, 0, tzinfo=CHINA)
CASES = 40
LANGUAGES = ("zh-CN", "en")

NOT_SWEPT = {
    "/dashboards/{name}.{fmt}": "a CSV or XLSX download, not a page (see test_web_exports.py)",
}
"""Routes the sweep does not visit, with the reason: keep this short."""

LATIN_ALLOWED = frozenset({"Casetrail"})  # the product's name
"""Latin words a Chinese page may show that are neither codes nor English messages."""

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.@'’:/-]*[A-Za-z0-9]|[A-Za-z]")
VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
})  # fmt: skip
UNSEEN = frozenset({"script", "style", "template"})


class VisibleText(HTMLParser):
    """The text a browser draws from a document: no attributes, scripts, styles, hidden parts."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.parts: list[str] = []
        self.untranslated: list[str] = []
        self._open: list[tuple[str, bool, bool]] = []

    @property
    def _hidden(self) -> bool:
        return any(hidden for _, hidden, _ in self._open)

    @property
    def _untranslated(self) -> bool:
        return any(kept for _, _, kept in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        values = dict(attrs)
        kept = values.get("translate") == "no" or values.get("lang", self.language) not in (
            self.language,
            "",
        )
        self._open.append((tag, tag in UNSEEN or "hidden" in values, kept))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())
            if not self._untranslated:
                self.untranslated.append(data.strip())


def visible_text(html: str, language: str = "zh-CN") -> tuple[str, str]:
    """All the visible text, and the part of it in the page's ``language`` (the rest is marked
    as not to be translated or as in another language)."""
    parser = VisibleText(language)
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts), "\n".join(parser.untranslated)


LOGIN = re.compile(r"(?<![\w.@-])([a-z][a-z0-9-]*\.[a-z0-9.-]*[a-z0-9])(?![\w@-])")


def bare_logins(text: str, logins: frozenset[str]) -> list[str]:
    """Staff logins shown where a person's name belongs: a login is shown only in brackets
    after the name ("李娜 (li.na)"), or marked as not to be translated (a login's own page)."""
    opening, closing = ("(", "（"), (")", "）")
    return [
        m.group(1)
        for m in LOGIN.finditer(text)
        if m.group(1) in logins
        and not (text[: m.start()].endswith(opening) and text[m.end() :].startswith(closing))
    ]


def code_like(word: str) -> bool:
    """A code or key meant to be Latin: it holds a digit, it is upper case (AMR, CSV), or it
    is a login, whose parts a dot joins (wang.qiang, shown after the person's name)."""
    return any(c.isdigit() for c in word) or word.upper() == word or "." in word


def english_words(text: str) -> list[str]:
    """The Latin words of ``text`` that are neither codes nor allowed names."""
    return [
        word
        for word in LATIN_WORD.findall(text)
        if not code_like(word) and word not in LATIN_ALLOWED
    ]


def test_the_text_check_sees_what_a_reader_sees() -> None:
    html = (
        '<html lang="zh-CN"><head><title>案件</title><style>p{color:red}</style></head><body>'
        '<p title="Case">案件 AMR-W1 91440300000DEMO0X</p><script>var status = "open";</script>'
        '<input type="hidden" name="id" value="0b7e1a64-1111-4f00-9a00-0123456789ab">'
        "<div hidden><p>in progress</p></div><br><span>状态：in_progress</span>"
        '<p>0b7e1a64-1111-4f00-9a00-0123456789ab</p><button lang="en">English</button>'
        '<span translate="no">root</span><p>Submit</p></body></html>'
    )
    text, own = visible_text(html)
    assert english_words(own) == ["in_progress", "Submit"]
    assert UUID_TEXT.findall(text) == ["0b7e1a64-1111-4f00-9a00-0123456789ab"]
    assert "Case" not in text
    assert "open" not in text
    assert "English" in text
    assert "root" in text


@dataclass
class City:
    container: Container
    logins: dict[str, Role]
    urls: list[str]
    staff_logins: frozenset[str] = frozenset()


def _rows(container: Container, projection: Any, table: str) -> list[dict[str, Any]]:
    return list(container.read.store.rows(projection.table(table)))


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    home = tmp_path_factory.mktemp("every-page") / "home"
    clock = SimClock(END)
    container = build_container(
        settings_for(home), clock=clock, official_years=official_years, hasher=FAST_HASHER
    )
    summary = seed_demo(container.app, clock, cases=CASES, end=END)
    clock.now = END
    container.read.refresh([p.name for p in all_projections()])
    app = container.app
    units = {str(r["id"]): r for r in _rows(container, DirectoryProjection(), "units")}
    # The unit whose people the sweep signs in as: the one with a rectification (差评整改).
    rectification: Any = app.repository.get(UUID(summary.samples["rectifications"]))
    unit = str(units[str(rectification.unit_id)]["code"])
    visit: Any = app.repository.get(UUID(summary.samples["visits"]))
    # In the order they were filed, so that each run sweeps the same cases.
    cases = sorted(_rows(container, CaseProjection(), "cases"), key=lambda c: c["filed_at"])
    ours = [c for c in cases if c["lead_unit_id"] == str(rectification.unit_id)]
    # The enterprise signed in as: the one whose 差评 that is, when it rated a case of its own.
    rated_case = str(app.evaluation(rectification.evaluation_id).case_id)
    enterprise_id = next(
        c["enterprise_id"]
        for c in [c for c in cases if c["id"] == rated_case] + ours + cases
        if c["enterprise_id"]
    )
    enterprises = {str(r["id"]): r for r in _rows(container, DirectoryProjection(), "enterprises")}
    credit_code = str(enterprises[enterprise_id]["credit_code"])
    people: dict[str, tuple[Role, str | None, str | None]] = {
        f"{unit.lower()}.clerk1": (Role.WINDOW_STAFF, None, None),
        f"{unit.lower()}.head": (Role.UNIT_HEAD, None, None),
        "duchashi1": (Role.SUPERVISOR, None, None),
        "jijian1": (Role.INSPECTOR, None, None),
        visit.leader_code: (Role.LEADER, None, visit.leader_code),
        "qiye": (Role.ENTERPRISE, credit_code, None),
        "data-platform": (Role.API_CONSUMER, None, None),
        "root": (Role.ADMIN, None, None),
    }
    for login, (role, enterprise, leader) in people.items():
        container.accounts.add_user(
            login, role, actor=ADMIN, enterprise=enterprise, leader=leader, password=PASSWORD
        )
    samples = _samples(
        container, demo=summary.samples, cases=cases, ours=ours, enterprise_id=enterprise_id,
        unit=unit,
    )  # fmt: skip
    staff = frozenset(str(r["login"]) for r in _rows(container, DirectoryProjection(), "staff"))
    city = City(container, {login: p[0] for login, p in people.items()}, _urls(samples), staff)
    yield city
    container.close()


def _samples(
    container: Container,
    *,
    demo: dict[str, str],
    cases: list[dict[str, Any]],
    ours: list[dict[str, Any]],
    enterprise_id: str,
    unit: str,
) -> dict[str, list[str]]:
    """The values each path parameter is swept with."""
    by_status: dict[str, str] = {}
    for case in ours + cases:
        by_status.setdefault(str(case["status"]), str(case["id"]))
    app = container.app
    order: Any = app.repository.get(UUID(demo["supervisions"]))
    matter: Any = app.repository.get(UUID(demo["accountability_matters"]))
    case_ids = [*by_status.values(), str(order.target_id), str(matter.subject_id)]
    own = [str(c["id"]) for c in cases if c["enterprise_id"] == enterprise_id]
    case_ids.append(own[0])
    rectification_rows = _rows(container, _projection("reviews"), "rectifications")
    rectifications = [str(r["id"]) for r in rectification_rows]
    # The enterprise's cases whose 差评 is rectified come first: their page shows it.
    rectified = {
        str(app.evaluation(UUID(str(r["evaluation_id"]))).case_id) for r in rectification_rows
    }
    own.sort(key=lambda case_id: case_id not in rectified)
    oversight = _projection("oversight")
    orders = [str(r["id"]) for r in _rows(container, oversight, "supervision_orders")]
    return {
        "case_id": list(dict.fromkeys(case_ids)),
        "order_id": orders,
        "visit_id": [demo["visits"]],
        "rectification_id": rectifications,
        "kind": [str(kind) for kind in get_args(DirectoryKind)],
        "unit": [unit],
        "own_case_id": own[:6],
        "matter_id": [demo[k] for k in ("accountability_matters", "accuser_matters") if k in demo],
        "project_id": [demo["projects"]],
        "code": [unit],  # a department the enterprise rates each quarter
        "login": [f"{unit.lower()}.clerk1", "qiye"],
    }


def _projection(name: str) -> Any:
    return next(p for p in all_projections() if p.name == name)


VARIANTS = (
    "/inspect?q=%E4%BC%81%E4%B8%9A&page=2",
    "/inspect?status=closed",
    "/portal?q=%E4%BC%81%E4%B8%9A",
    "/portal?status=closed&page=2",
    "/desk/rectifications?page=2",
    "/admin/users?q=a",
    "/admin/directory/staff?q=clerk",
)

EDIT_KEYS = {
    "units": "AMR",
    "windows": "AMR-W1",
    "staff": "amr.clerk1",
    "enterprises": "91440300000DEMO0X",
    "leaders": "L-AMR",
}


def web_routes() -> list[APIRoute]:
    routes = []
    for name in site.PAGES:
        for route in importlib.import_module(f"api.web.routes.{name}").router.routes:
            if isinstance(route, APIRoute) and "GET" in (route.methods or ()):
                routes.append(route)
    return routes


def _urls(samples: dict[str, list[str]]) -> list[str]:
    unit = samples["unit"][0]
    special = {
        # The enterprise's portal shows its own cases only.
        "/portal/cases/{case_id}": [f"/portal/cases/{c}" for c in samples["own_case_id"]],
        "/admin/directory/{kind}/edit": [
            f"/admin/directory/{k}/edit?key={v}" for k, v in EDIT_KEYS.items()
        ],
        # A unit's, a window's and a person's record (the competition's three kinds).
        "/records/{kind}/{who}": [
            f"/records/unit/{unit}", f"/records/window/{unit}-W1",
            f"/records/staff/{unit.lower()}.clerk1",
        ],
    }  # fmt: skip
    urls: list[str] = []
    for route in web_routes():
        if route.path in NOT_SWEPT:
            continue
        if route.path in special:
            urls += special[route.path]
            continue
        params = re.findall(r"{(\w+)}", route.path)
        unfilled = [p for p in params if p not in samples]
        assert not unfilled, f"{route.path}: fill {unfilled} or list it in NOT_SWEPT"
        filled = [route.path]
        for param in params:
            filled = [
                path.replace(f"{{{param}}}", value) for path in filled for value in samples[param]
            ]
        urls += filled
    # Lists as a search, a filter or a later page shows them.
    return [*urls, *VARIANTS]


def _client(city: City, login: str, language: str) -> TestClient:
    """A browser of ``login`` (nobody signed in for "") that reads ``language``."""
    client = TestClient(create_app(city.container), raise_server_exceptions=False)
    client.cookies.set(LANG_COOKIE, language)
    if not login:
        return client
    token = city.container.accounts.issue_token(login, actor=ADMIN).token
    signer = client.app.state.web.signer  # type: ignore[attr-defined]
    client.cookies.set(SESSION_COOKIE, signer.sign(token))
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_reads_clean_in_its_language(city: City, language: str) -> None:
    opened: set[str] = set()
    found: dict[str, set[str]] = {}
    for login in ("", *city.logins):
        client = _client(city, login, language)
        for url in city.urls:
            response = client.get(url, follow_redirects=False)
            assert response.status_code < 500, (login, url, response.text[:300])
            moved = response.headers.get("location", "")
            if response.is_redirect and not moved.startswith("/login"):
                opened.add(url)  # a page that sends its visitor on, such as / to the desk
            if response.status_code != 200:
                continue
            opened.add(url)
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            text, own = visible_text(response.text, language)
            where = f"{url} as {login or 'visitor'}"
            for uuid in UUID_TEXT.findall(text):
                found.setdefault(where, set()).add(f"id {uuid}")
            for bare in bare_logins(own, city.staff_logins):
                found.setdefault(where, set()).add(f"login {bare}")
            if language == "zh-CN":
                for word in english_words(own):
                    found.setdefault(where, set()).add(word)
    never = [url for url in city.urls if url not in opened]
    assert not never, f"no one could open (fill them better): {never}"
    report = "\n".join(f"{where}: {sorted(words)[:12]}" for where, words in sorted(found.items()))
    assert not found, f"{len(found)} pages show ids or English:\n{report}"
