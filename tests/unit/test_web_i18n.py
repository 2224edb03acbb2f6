"""The two catalogues say the same things, every message the pages ask for exists, and dates
and numbers are written the way each language writes them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from api.web.i18n import LANGUAGES, Locale, catalogue
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


def test_both_languages_have_the_same_messages() -> None:
    chinese, english = catalogue("zh-CN"), catalogue("en")
    assert set(chinese) - set(english) == set()
    assert set(english) - set(chinese) == set()


def messages(lang: str) -> set[str]:
    """The catalogue's keys, a message with plural forms under its own key too."""
    keys = set(catalogue(lang))
    return keys | {k.rsplit(".", 1)[0] for k in keys if k.endswith(".other")}


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
