"""The admin's directory pages: one page per kind of entry (list, search, pages, a form to
register one, edit, deactivate), the import of a CSV or XLSX file with its report, and the
users who sign in (list, create a login).

Every form goes through the same rules as the API and the CLI (``Casetrail.put_entry``); a
refusal is shown beside the field it concerns, in the page's language.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile
from pydantic import BaseModel

from api.web.context import ADMIN, WebDep
from api.web.field_refusals import Refusal, field_label, refusal, refusal_text
from api.web.names import Names, load_names
from api.web.render import WebRoute, page, redirect
from domain.actors import Role
from domain.directory import LEADER_LEVELS, OWNERSHIPS
from domain.directory_rows import FIELDS, KINDS, REQUIRED, STAFF_ROLE_NAMES
from domain.errors import AlreadyExistsError, DomainError
from infra.directory_import import ALL, MAX_BYTES, import_directory
from infra.directory_list import TABLES, list_entries, list_users

router = APIRouter(route_class=WebRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
KEY_FIELD = {"units": "code", "windows": "code", "staff": "login", "enterprises": "credit_code",
             "leaders": "code"}  # fmt: skip
VIEWS = ["directory", "engagement"]


class EntryForm(BaseModel):
    csrf: str = ""
    code: str = ""
    name: str = ""
    unit: str = ""
    window: str = ""
    login: str = ""
    role: str = ""
    credit_code: str = ""
    ownership: str = ""
    key_enterprise: str = ""
    title: str = ""
    level: str = ""
    leader: str = ""
    enterprise: str = ""
    note: str = ""

    def row(self, kind: str) -> dict[str, str]:
        values = {name: getattr(self, name) for name in FIELDS[kind]}
        if "key_enterprise" in values:
            values["key_enterprise"] = "yes" if self.key_enterprise else "no"
        return values


FormDep = Annotated[EntryForm, Form()]


def _kind(kind: str) -> str:
    if kind not in FIELDS:
        from domain.errors import NotFoundError  # noqa: PLC0415 - only on a wrong address

        raise NotFoundError(f"no directory kind {kind!r}")
    return kind


# The list of one kind, with its form.


@router.get("/admin/directory/{kind}")
def entries(
    web: WebDep, kind: str, *, q: str = "", cursor: str = "", done: str = "", key: str = ""
) -> Response:
    web.require(ADMIN)
    return _entries(web, _kind(kind), q=q[:100], cursor=cursor[:400], done=done, key=key[:200])


@router.post("/admin/directory/{kind}")
def create(web: WebDep, kind: str, form: FormDep) -> Response:
    web.check_csrf(form.csrf)
    admin = web.require(ADMIN)
    _kind(kind)
    try:
        put = web.app.put_entry(kind, form.row(kind), actor=admin.actor)
    except DomainError as error:
        return _entries(web, kind, values=form.row(kind), error=_beside(web, kind, error),
                        status=422)  # fmt: skip
    web.read_your_write(put.position, VIEWS)
    return redirect(web, f"/admin/directory/{kind}?done=created&key={put.key}")


@router.get("/admin/directory/{kind}/edit")
def edit(web: WebDep, kind: str, key: str = "") -> Response:
    web.require(ADMIN)
    if _kind(kind) not in TABLES:
        return redirect(web, f"/admin/directory/{kind}")
    names = load_names(web.container.read)
    row = _find(names, kind, key)
    return _edit(web, kind, names, _values(kind, row, names))


@router.post("/admin/directory/{kind}/edit")
def amend(web: WebDep, kind: str, form: FormDep) -> Response:
    web.check_csrf(form.csrf)
    admin = web.require(ADMIN)
    _kind(kind)
    try:
        put = web.app.put_entry(kind, form.row(kind), actor=admin.actor, mode="update")
    except DomainError as error:
        names = load_names(web.container.read)
        error_at = _beside(web, kind, error)
        return _edit(web, kind, names, form.row(kind), error=error_at, status=422)
    web.read_your_write(put.position, VIEWS)
    return redirect(web, f"/admin/directory/{kind}?done={put.outcome}&key={put.key}")


@router.post("/admin/directory/{kind}/active")
def set_active(
    web: WebDep, kind: str, *, csrf: Text = "", key: Text = "", active: Text = "",
    reason: Text = "",
) -> Response:  # fmt: skip
    web.check_csrf(csrf)
    admin = web.require(ADMIN)
    _kind(kind)
    on = active == "yes"
    try:
        put = web.app.set_entry_active(kind, key, on, reason, actor=admin.actor)
    except DomainError as error:
        return _entries(web, kind, error=_beside(web, kind, error), status=422)
    web.read_your_write(put.position, VIEWS)
    done = "reactivated" if on else "deactivated"
    return redirect(web, f"/admin/directory/{kind}?done={done}&key={key}")


@router.post("/admin/directory/{kind}/end")
def end_link(
    web: WebDep, kind: str, *, csrf: Text = "", first: Text = "", enterprise: Text = "",
    reason: Text = "",
) -> Response:  # fmt: skip
    """End a leader's link or a stationing, with a reason (the past link stays on record)."""
    web.check_csrf(csrf)
    admin = web.require(ADMIN)
    try:
        if _kind(kind) == "links":
            saved = web.app.unlink_leader(first, enterprise, reason, actor=admin.actor)
        else:
            saved = web.app.withdraw_staff(first, enterprise, reason, actor=admin.actor)
    except DomainError as error:
        return _entries(web, kind, error=_beside(web, kind, error), status=422)
    web.read_your_write(saved.position, VIEWS)
    return redirect(web, f"/admin/directory/{kind}?done=ended")


# Import.


@router.get("/admin/import")
def import_form(web: WebDep) -> Response:
    web.require(ADMIN)
    return page(web, "admin_import.html", kinds=(ALL, *KINDS), kind=ALL, report=None,
                error=None, filename="")  # fmt: skip


@router.post("/admin/import")
def import_file(
    web: WebDep, *, csrf: Text = "", kind: Text = ALL,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:  # fmt: skip
    web.check_csrf(csrf)
    admin = web.require(ADMIN)
    content = file.file.read(MAX_BYTES + 1) if file is not None else b""
    filename = (file.filename or "") if file is not None else ""
    values: dict[str, Any] = {"kinds": (ALL, *KINDS), "kind": kind, "filename": filename}
    if not content:
        error = Refusal("file", web.locale.t("import.file_needed"))
        return page(web, "admin_import.html", status=422, report=None, error=error, **values)
    try:
        report = import_directory(web.app, kind, filename, content, actor=admin.actor)
    except DomainError as error:
        return page(web, "admin_import.html", status=422, report=None,
                    error=refusal(web.locale, error), **values)  # fmt: skip
    web.read_your_write(report.position, VIEWS)
    refused = [
        {"kind": r.kind, "row": r.row, "field": field_label(web.locale, r.field),
         "reason": refusal_text(web.locale, r.code, r.params)}
        for r in report.refused
    ]  # fmt: skip
    return page(web, "admin_import.html", report=report, refused=refused, error=None, **values)


# Users and their logins.


@router.get("/admin/users")
def users(
    web: WebDep, *, q: str = "", cursor: str = "", done: str = "", login: str = ""
) -> Response:
    web.require(ADMIN)
    return _users(web, q=q[:100], cursor=cursor[:400], done=done, login=login[:200])


@router.post("/admin/users")
def add_user(
    web: WebDep, *, csrf: Text = "", who: Text = "", login: Text = "", password: Text = ""
) -> Response:
    web.check_csrf(csrf)
    admin = web.require(ADMIN)
    values = {"who": who, "login": login}
    kind, _, key = who.partition(":")
    names = load_names(web.container.read)
    if kind not in ("staff", "leader", "enterprise") or not key:
        return _users(web, values=values, error=Refusal("who", web.locale.t("users.who_needed")))
    if kind == "staff":
        login = key  # a staff member signs in as their login in the directory
    if not login.strip():
        needed = Refusal("login", web.locale.t("users.login_needed"))
        return _users(web, values=values, error=needed)
    if len(password) < 8:
        return _users(web, values=values, error=Refusal("password", web.locale.t("users.short")))
    role = Role(names.staff[key]["role"]) if kind == "staff" else Role(kind)
    try:
        saved = web.container.accounts.add_user(
            login.strip(), role, actor=admin.actor,
            leader=key if kind == "leader" else None,
            enterprise=key if kind == "enterprise" else None, password=password,
        )  # fmt: skip
    except AlreadyExistsError:
        error = Refusal("login", web.locale.t("users.exists", login=login.strip()))
        return _users(web, values=values, error=error)
    except DomainError as error:
        return _users(web, values=values, error=refusal(web.locale, error))
    del saved
    return redirect(web, f"/admin/users?done=added&login={login.strip()}")


# Rendering.


def _beside(web: WebDep, kind: str, error: DomainError) -> Refusal:
    found = refusal(web.locale, error)
    if found.field is None and isinstance(error, AlreadyExistsError):
        return Refusal(KEY_FIELD.get(kind), found.text)
    return found


def _entries(
    web: WebDep, kind: str, *, q: str = "", cursor: str = "", done: str = "", key: str = "",
    values: dict[str, str] | None = None, error: Refusal | None = None, status: int = 200,
) -> Response:  # fmt: skip
    names = load_names(web.container.read)
    try:
        found = list_entries(web.container.read, kind, search=q, cursor=cursor or None)
    except DomainError:
        found = list_entries(web.container.read, kind, search=q)
    rows = [_display(kind, r, names, web) for r in found.rows]
    return page(
        web, "admin_entries.html", status=status, kind=kind, kinds=KINDS, q=q, rows=rows,
        next=found.next, done=done, key=key, error=error, editing=False,
        fields=_form(kind, names, values or {}, web, editing=False),
        columns=COLUMNS[kind], has_status=kind in TABLES,
    )  # fmt: skip


def _edit(
    web: WebDep, kind: str, names: Names, values: dict[str, str], *,
    error: Refusal | None = None, status: int = 200,
) -> Response:  # fmt: skip
    return page(
        web, "admin_entry_edit.html", status=status, kind=kind, error=error, names=names,
        fields=_form(kind, names, values, web, editing=True), key=values.get(KEY_FIELD[kind], ""),
    )  # fmt: skip


def _users(
    web: WebDep, *, q: str = "", cursor: str = "", done: str = "", login: str = "",
    values: dict[str, str] | None = None, error: Refusal | None = None,
) -> Response:  # fmt: skip
    names = load_names(web.container.read)
    try:
        found = list_users(web.app, search=q, cursor=cursor or None)
    except DomainError:
        found = list_users(web.app, search=q)
    rows = [
        {"login": u["login"], "role": u["role"], "who": _acts_as(u, names),
         "disabled": u["disabled"]}
        for u in found.rows
    ]  # fmt: skip
    return page(
        web, "admin_users.html", status=422 if error else 200, rows=rows, q=q, next=found.next,
        done=done, login=login, error=error, values=values or {}, options=_people(names, web),
    )  # fmt: skip


COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("code", "name", "window_count", "staff_count"),
    "windows": ("code", "name", "unit", "staff_count"),
    "staff": ("login", "name", "role", "unit", "window"),
    "enterprises": ("credit_code", "name", "ownership", "key_enterprise"),
    "leaders": ("code", "name", "title", "level", "unit"),
    "links": ("leader", "enterprise"),
    "stationed": ("login", "enterprise"),
}


def _display(kind: str, row: dict[str, Any], names: Names, web: WebDep) -> dict[str, Any]:
    """A row as the page shows it: names and words, never ids or raw values."""
    loc = web.locale
    cells: dict[str, Any] = {
        "code": row.get("code"), "name": row.get("name"), "login": row.get("login"),
        "credit_code": row.get("credit_code"), "title": row.get("title"),
        "window_count": row.get("window_count"), "staff_count": row.get("staff_count"),
        "unit": names.unit(row["unit_id"]) if row.get("unit_id") else "—",
        "window": names.window(row["window_id"]) if row.get("window_id") else "—",
        "role": loc.label("role", row.get("role")),
        "level": loc.label("leader_level", row.get("level")),
        "ownership": loc.label("ownership", row.get("ownership")),
        "key_enterprise": loc.t("directory.key_yes") if row.get("key_enterprise") else "—",
        "leader": names.leader(row["leader_id"]) if row.get("leader_id") else "—",
        "enterprise": names.enterprise(row["enterprise_id"]) if row.get("enterprise_id") else "—",
    }  # fmt: skip
    if kind == "stationed":
        cells["login"] = names.person(row.get("login"))
    ends: dict[str, str] = {}
    if kind == "links":
        leader = names.leaders.get(str(row.get("leader_id")), {})
        ends = {"first": str(leader.get("code", "")), "enterprise": _credit(names, row)}
    elif kind == "stationed":
        ends = {"first": str(row.get("login")), "enterprise": _credit(names, row)}
    key = str(row.get(KEY_FIELD[kind], "")) if kind in KEY_FIELD else ""
    return {"cells": cells, "key": key, "active": row.get("active", True), "ends": ends,
            "row_id": str(row.get("id") or f"{ends.get('first')}-{ends.get('enterprise')}")}


def _credit(names: Names, row: dict[str, Any]) -> str:
    return str(names.enterprises.get(str(row.get("enterprise_id")), {}).get("credit_code", ""))


def _find(names: Names, kind: str, key: str) -> dict[str, Any]:
    table: dict[str, dict[str, Any]] = getattr(names, kind)
    for row in table.values():
        if str(row.get(KEY_FIELD[kind], "")).lower() == key.strip().lower():
            return row
    from domain.errors import NotFoundError  # noqa: PLC0415 - only on a wrong address

    raise NotFoundError(f"no {kind} {key!r}")


def _values(kind: str, row: dict[str, Any], names: Names) -> dict[str, str]:
    values = {f: "" if row.get(f) is None else str(row.get(f)) for f in FIELDS[kind]}
    if row.get("unit_id") and "unit" in values:
        values["unit"] = str(names.units.get(str(row["unit_id"]), {}).get("code", ""))
    if row.get("window_id") and "window" in values:
        values["window"] = str(names.windows.get(str(row["window_id"]), {}).get("code", ""))
    if kind == "enterprises":
        values["key_enterprise"] = "yes" if row.get("key_enterprise") else ""
    return values


def _options(rows: dict[str, dict[str, Any]], key: str, label: Any) -> list[tuple[str, str]]:
    active = [r for r in rows.values() if r.get("active", True)]
    return sorted(((str(r[key]), label(r)) for r in active), key=lambda o: o[0])


def _form(
    kind: str, names: Names, values: dict[str, str], web: WebDep, *, editing: bool
) -> list[dict[str, Any]]:
    """The form's fields: their widget, options, whether required, and value."""
    loc = web.locale
    choices: dict[str, list[tuple[str, str]]] = {
        "role": [(r, loc.label("role", r)) for r in STAFF_ROLE_NAMES],
        "level": [(v, loc.label("leader_level", v)) for v in LEADER_LEVELS],
        "ownership": [(v, loc.label("ownership", v)) for v in OWNERSHIPS],
        "unit": _options(names.units, "code", lambda r: r["name"]),
        "window": _options(names.windows, "code",
                           lambda r: f"{r['name']}（{names.unit(r['unit_id'])}）"),
        "leader": _options(names.leaders, "code", lambda r: f"{r['name']}（{r['title']}）"),
        "enterprise": _options(names.enterprises, "credit_code", lambda r: r["name"]),
    }  # fmt: skip
    if kind == "stationed":
        key_ones = {k: r for k, r in names.enterprises.items() if r.get("key_enterprise")}
        choices["enterprise"] = _options(key_ones, "credit_code", lambda r: r["name"])
        choices["login"] = _options(names.staff, "login", lambda r: f"{r['name']}（{r['login']}）")
    fields = []
    for name in FIELDS[kind]:
        widget = "select" if name in choices else "text"
        if name == "key_enterprise":
            widget = "checkbox"
        fields.append({
            "name": name, "widget": widget, "options": choices.get(name, []),
            "required": name in REQUIRED[kind], "value": values.get(name, ""),
            "readonly": editing and name == KEY_FIELD.get(kind),
        })  # fmt: skip
    return fields


def _acts_as(user: dict[str, Any], names: Names) -> str:
    role, acts_as = user["role"], str(user["acts_as"])
    if role == "enterprise":
        return names.enterprise_by_code(acts_as) or acts_as
    if role == "leader":
        found = next((r for r in names.leaders.values() if r["code"] == acts_as), None)
        return f"{found['name']}（{found['title']}）" if found else acts_as
    row = names.staff.get(acts_as)
    # An admin's or a data platform's login acts for no one in the directory.
    return str(row["name"]) if row else "—"


def _people(names: Names, web: WebDep) -> list[tuple[str, list[tuple[str, str]]]]:
    """Whom a login may be for, grouped: staff, leaders, enterprises (active ones)."""
    loc = web.locale
    staff = _options(names.staff, "login",
                     lambda r: f"{r['name']}（{loc.label('role', r['role'])}）")  # fmt: skip
    leaders = _options(names.leaders, "code", lambda r: f"{r['name']}（{r['title']}）")
    enterprises = _options(names.enterprises, "credit_code", lambda r: r["name"])
    return [
        (loc.t("directory.staff"), [(f"staff:{k}", v) for k, v in staff]),
        (loc.t("directory.leaders"), [(f"leader:{k}", v) for k, v in leaders]),
        (loc.t("directory.enterprises"), [(f"enterprise:{k}", v) for k, v in enterprises]),
    ]
