"""The two catalogues say the same things, every message the pages ask for exists, gettext's
tools read the catalogues as they are, and dates and numbers are written the way each language
writes them."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from babel import Locale as CldrLocale
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from api.web.i18n import CATALOGUES, DOMAIN, GETTEXT, LANGUAGES, Locale, catalogue, catalogue_path
from api.web.routes.portal import PUBLIC_EVENTS
from api.web.steps import FIELDS
from domain.actors import Role
from domain.base import Tracked
from domain.case import Case
from domain.case_rules import CASE_TYPES, CHANNELS, OUTCOMES, PAUSE_KINDS, CaseStatus
from domain.directory import LEADER_LEVELS
from domain.evaluation import Level
from domain.policy import Policy
from projections.figures.board import STATES

WEB = Path(__file__).resolve().parents[2] / "api" / "web"
TEMPLATE = CATALOGUES / f"{DOMAIN}.pot"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Values a translation leaves out on purpose: the domain words them in English ("doing"), so the
# Chinese sentence says the same without them. Each entry says so to its translators.
LEFT_OUT = {
    "zh-CN": {"refusal.role-may-not": {"who", "doing"}, "refusal.visit-by-its-leader": {"doing"}},
    "en": {},
}
CHINA = timezone(timedelta(hours=8))
# t("some.key") and t('some.key') with a literal key, in templates and in the code.
LITERAL = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.]+)["']""")
LABEL = re.compile(r"""\blabel\(\s*["']([a-z_]+)["']""")


def used_literally() -> set[str]:
    keys: set[str] = set()
    for path in [*WEB.glob("templates/*.html"), *WEB.rglob("*.py")]:
        keys |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    # A key ending in "." or "_" is the start of one built from a value (tested below).
    return {k for k in keys if not k.endswith((".", "_"))}


def case_events() -> set[str]:
    """The events a case records (its own event classes, not the library's bases)."""
    return {
        name
        for name, kind in vars(Case).items()
        if isinstance(kind, type) and issubclass(kind, Tracked.Event)
    } - {"Event", "Created"}


def read(path: Path) -> Catalog:
    """A catalogue as Babel reads it, stopping at the first line it cannot parse; the header's
    ``Language`` and ``Plural-Forms`` are taken from the file, not given."""
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def entries(catalog: Catalog) -> dict[str, Message]:
    """The catalogue's messages by key (``msgctxt``), the header left out."""
    found = {}
    for message in catalog:
        if message.id:
            assert message.context, f"{message.id!r} has no key (msgctxt)"
            assert message.context not in found, f"{message.context} twice"
            found[message.context] = message
    return found


def forms(message: Message) -> list[str]:
    string = message.string
    return [str(s) for s in string] if isinstance(string, tuple | list) else [str(string)]


def placeholders(texts: list[str]) -> set[str]:
    return {name for text in texts for name in PLACEHOLDER.findall(text)}


def sources(message: Message) -> list[str]:
    return [str(i) for i in message.id] if isinstance(message.id, tuple | list) else [message.id]


def test_both_languages_have_the_templates_messages() -> None:
    """Same keys, same English (msgid, msgid_plural): ``pybabel update`` from the template
    would change nothing but wording."""
    template = {key: m.id for key, m in entries(read(TEMPLATE)).items()}
    assert len(template) > 1000
    for lang in LANGUAGES:
        found = {key: m.id for key, m in entries(read(catalogue_path(lang))).items()}
        assert sorted(set(template) - set(found)) == [], f"{lang} lacks these"
        assert sorted(set(found) - set(template)) == [], f"{lang} has these the template lacks"
        assert found == template, f"{lang}'s English differs from the template's"
    chinese, english = catalogue("zh-CN"), catalogue("en")
    assert set(chinese) == set(english) == set(template)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_header_names_the_language_its_cldr_plural_forms_and_utf_8(lang: str) -> None:
    catalog = read(catalogue_path(lang))
    cldr = get_plural(GETTEXT[lang])
    assert catalog.locale_identifier == GETTEXT[lang]
    assert (catalog.num_plurals, catalog.plural_expr) == (cldr.num_plurals, cldr.plural_expr)
    assert catalog.charset == "utf-8"
    header = catalogue_path(lang).read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert f'"Language: {GETTEXT[lang]}\\n"' in header
    assert f'"Plural-Forms: {cldr.plural_forms}\\n"' in header
    assert '"Content-Type: text/plain; charset=utf-8\\n"' in header


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_none_fuzzy_and_babel_finds_no_error(lang: str) -> None:
    catalog = read(catalogue_path(lang))
    assert not catalog.fuzzy  # the header: a fuzzy header makes gettext ignore Plural-Forms
    found = entries(catalog).values()
    assert [m.context for m in found if m.fuzzy] == []
    assert [m.context for m in found if not all(forms(m))] == []
    assert [(m.context, errors) for m, errors in catalog.check()] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_counted_message_has_every_plural_form_of_its_language(lang: str) -> None:
    """One msgstr[n] per gettext form, and the gettext forms are CLDR's categories: every whole
    number of one CLDR category takes the same form, and each category its own."""
    rule = get_plural(GETTEXT[lang])
    pick = gettext.c2py(rule.plural_expr)
    cldr = CldrLocale.parse(GETTEXT[lang])
    form_of: dict[str, set[int]] = {}
    for n in range(1000):
        form_of.setdefault(cldr.plural_form(n), set()).add(pick(n))
    assert all(len(f) == 1 for f in form_of.values()), form_of
    assert len(form_of) == rule.num_plurals
    counted = [m for m in entries(read(catalogue_path(lang))).values() if m.pluralizable]
    assert len(counted) > 10
    for message in counted:
        assert len(forms(message)) == rule.num_plurals, message.context
        assert all(forms(message)), message.context


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_the_same_in_every_language(lang: str) -> None:
    """A translation fills in the values its English names, no other (a value the code does
    not give would fail to format), and leaves none out but those listed on purpose."""
    for key, message in entries(read(catalogue_path(lang))).items():
        wanted = placeholders(sources(message))
        said = placeholders(forms(message))
        assert said <= wanted, f"{lang} {key} names {said - wanted}, which the code never gives"
        assert wanted - said == LEFT_OUT[lang].get(key, set()), f"{lang} {key}"
        if key in LEFT_OUT[lang]:
            assert any("on purpose" in note for note in message.auto_comments), key
    for key in LEFT_OUT[lang]:
        assert key in catalogue(lang), key


def test_pybabel_compiles_the_catalogues_and_gettext_reads_them(tmp_path: Path) -> None:
    """What a deployment or a translator's tool does: ``pybabel compile`` (stopping at any
    error) and gettext's own reader; the compiled messages read as the pages read them."""
    shutil.copytree(CATALOGUES, tmp_path / "i18n")
    done = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(tmp_path / "i18n"),
         "-D", DOMAIN, "--statistics"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    translated = re.findall(r"(\d+) of (\d+) messages \((\d+)%\) translated", done.stderr)
    assert len(translated) == len(LANGUAGES), done.stderr
    assert all(n == m and percent == "100" for n, m, percent in translated), done.stderr
    for lang in LANGUAGES:
        compiled = gettext.translation(DOMAIN, tmp_path / "i18n", languages=[GETTEXT[lang]])
        loc = Locale(lang, CHINA)
        assert compiled.pgettext("desk.title", "Desk") == loc.t("desk.title")
        left = ("{days} working day left", "{days} working days left")
        for days in (0, 1, 2, 11):
            said = compiled.npgettext("case.left", *left, days).format(days=days)
            assert said == loc.t("case.left", days=days)


def test_pybabel_update_from_the_template_changes_nothing(tmp_path: Path) -> None:
    """The catalogues are in step with the template and written as Babel writes them, so a
    translator's ``pybabel update`` shows only what they changed."""
    shutil.copytree(CATALOGUES, tmp_path / "i18n")
    done = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "update", "-D", DOMAIN,
         "-i", str(tmp_path / "i18n" / TEMPLATE.name), "-d", str(tmp_path / "i18n")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for lang in LANGUAGES:
        updated = tmp_path / "i18n" / catalogue_path(lang).relative_to(CATALOGUES)
        assert updated.read_bytes() == catalogue_path(lang).read_bytes(), lang


def test_gnu_msgfmt_checks_the_catalogues_as_poedit_does() -> None:
    """``msgfmt --check`` (what Poedit runs on saving) finds nothing but the values left out on
    purpose. Needs GNU gettext's msgfmt."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed")
    for lang in LANGUAGES:
        path = catalogue_path(lang)
        done = subprocess.run(
            [msgfmt, "--check", "-o", "/dev/null", str(path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        lines = path.read_text(encoding="utf-8").splitlines()
        complaints = set()
        for line in done.stderr.splitlines():
            found = re.match(r".*\.po:(\d+): .*argument '(\w+)' doesn't exist in 'msgstr'", line)
            if found is None:
                continue
            at = int(found.group(1))
            key = next(s.split('"')[1] for s in reversed(lines[:at]) if s.startswith("msgctxt "))
            complaints.add((key, found.group(2)))
        expected = {(k, name) for k, names in LEFT_OUT[lang].items() for name in names}
        # msgfmt names the first value missing in each message
        assert complaints <= expected, done.stderr
        assert {k for k, _ in complaints} == set(LEFT_OUT[lang]), done.stderr
        other = [
            line for line in done.stderr.splitlines()
            if "doesn't exist in 'msgstr'" not in line and "fatal error" not in line
        ]  # fmt: skip
        assert other == [], done.stderr


def messages(lang: str) -> set[str]:
    """The catalogue's keys (a counted message is one key, whatever its forms)."""
    return set(catalogue(lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_a_page_names_exists(lang: str) -> None:
    assert used_literally() - messages(lang) == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_built_from_a_value_exists(lang: str) -> None:
    """Keys built in templates (``t("step." ~ step)``) from the domain's own vocabularies."""
    built = (
        {f"step.{s}" for s in FIELDS}
        | {f"step_hint.{s}" for s in FIELDS}
        | {f"field.{f.name}" for fields in FIELDS.values() for f in fields}
        | {f"event.{name}" for name in case_events()}
        | {f"public.{e}" for e in PUBLIC_EVENTS}
        | {f"status.{s.value}" for s in CaseStatus}
        | {f"case_type.{t}" for t in CASE_TYPES}
        | {f"case_type_hint.{t}" for t in CASE_TYPES}
        | {f"channel.{c}" for c in CHANNELS}
        | {f"outcome.{o}" for o in OUTCOMES}
        | {f"pause_kind.{p}" for p in PAUSE_KINDS}
        | {f"level.{level.value}" for level in Level}
        | {f"role.{role.value}" for role in Role}
        | {f"time_state.{s}" for s in STATES}
        | {f"leader_level.{v}" for v in LEADER_LEVELS}
        | {f"coverage.unit_{v}" for v in LEADER_LEVELS}
        | {f"rate.{k}" for k in Policy("x", "x").assessment_weights}
        | {f"dash.{k}" for k in ("board", "reviews", "lists", "coverage", "ranking")}
        | {f"admin.{k}" for k in ("directory", "calendar", "policy")}
        | {f"lists.{k}" for k in ("unit", "window", "staff")}
        | {f"weekday.{n}" for n in range(7)}
        | {f"{kind}.{answer}" for kind in ("decision", "yesno") for answer in ("yes", "no")}
    )
    assert built - messages(lang) == set()


def test_every_label_group_a_page_uses_is_in_the_catalogue() -> None:
    groups = set()
    for path in WEB.glob("templates/*.html"):
        groups |= set(LABEL.findall(path.read_text(encoding="utf-8")))
    known = {key.split(".")[0] for key in catalogue("zh-CN")}
    assert groups - known == set()


def test_dates_are_written_the_chinese_way_and_the_english_way() -> None:
    chinese, english = Locale("zh-CN", CHINA), Locale("en", CHINA)
    assert chinese.date(date(2026, 3, 2)) == "2026年3月2日"
    assert english.date(date(2026, 3, 2)) == "2 Mar 2026"
    assert chinese.date("2026-03-23") == "2026年3月23日"
    # 17:30 UTC on 1 March is 01:30 on 2 March in China: the day changes too.
    late = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    assert chinese.datetime(late) == "2026年3月2日 01:30"
    assert english.datetime(late) == "2 Mar 2026, 01:30"
    assert english.datetime("2026-03-02T09:00:00+08:00") == "2 Mar 2026, 09:00"
    assert chinese.weekday(date(2026, 3, 2)) == "星期一"
    assert english.weekday("2026-03-08") == "Sunday"


def test_numbers_and_rates_and_nothing_counted() -> None:
    chinese = Locale("zh-CN", CHINA)
    assert chinese.number(12345) == "12,345"
    assert chinese.number(0.78661, 3) == "0.787"
    assert chinese.percent(0.8567) == "85.7%"
    assert chinese.percent(2 / 3, 0) == "67%"
    assert chinese.percent(None) == "—"  # nothing counted is not 0 %
    assert chinese.date(None) == "—"


def test_a_count_takes_its_languages_plural_form() -> None:
    english, chinese = Locale("en", CHINA), Locale("zh-CN", CHINA)
    assert english.t("case.left", days=1) == "1 working day left"
    assert english.t("case.left", days=3) == "3 working days left"
    assert english.t("case.left", days=0) == "0 working days left"
    assert chinese.t("case.left", days=1) == chinese.t("case.left", days=3).replace("3", "1")


def test_months_are_named_with_their_year() -> None:
    assert Locale("zh-CN", CHINA).month("2026-11") == "2026年11月"
    assert Locale("en", CHINA).month("2026-11") == "Nov 2026"


def test_a_message_fills_its_placeholders_and_a_missing_one_shows_its_key() -> None:
    english = Locale("en", CHINA)
    assert english.t("case.done", step="Sign for") == "Recorded: Sign for."
    assert english.t("no.such.message") == "no.such.message"
    assert english.label("status", "in_progress") == "In progress"
    assert english.label("status", "something_new") == "something_new"
    assert english.label("status", None) == "—"
