"""Every refusal the domain can give reads as a sentence of the page's language: each code has a
sentence in both catalogues, its parameters are worded as the pages word them, and a code
without a sentence falls back to its kind of refusal, never to the English message."""

from __future__ import annotations

import ast
import re
import string
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from api.web.i18n import LANGUAGES, Locale, catalogue
from api.web.refusals import refusal
from domain.errors import DomainError, IllegalStepError, InvalidInputError, NotPermittedError
from domain.refusals import StepRefusedError

ROOT = Path(__file__).resolve().parents[2]
CHINA = timezone(timedelta(hours=8))
ZH, EN = Locale("zh-CN", CHINA), Locale("en", CHINA)
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def codes_in_the_code() -> set[str]:
    """Every literal ``code="…"`` a refusal is raised with, and every class's default code."""
    codes: set[str] = set()
    for folder in ("domain", "api", "infra"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.keyword) and node.arg == "code":
                    value = node.value
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        codes.add(value.value)
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name) and target.id == "default_code":
                        assert isinstance(node.value, ast.Constant)
                        codes.add(str(node.value.value))
    return codes


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_refusal_code_has_a_sentence_in_every_language() -> None:
    codes = codes_in_the_code()
    assert len(codes) > 100  # the scan finds the codes, not nothing
    for lang in LANGUAGES:
        keys = set(catalogue(lang))
        missing = sorted(c for c in codes if f"refusal.{c}" not in keys)
        assert missing == [], f"{lang} has no sentence for {missing}"


def test_both_languages_fill_in_the_same_parameters() -> None:
    zh, en = catalogue("zh-CN"), catalogue("en")
    for key in (k for k in zh if k.startswith("refusal.")):
        assert placeholders(zh[key]) <= placeholders(en[key]) | {"state", "allowed"}, key


def test_a_step_refused_in_a_state_names_both_and_what_is_allowed_in_chinese() -> None:
    error = IllegalStepError("hand over", "closed", ["reopen", "record_callback"])
    said = refusal(ZH, error)
    assert said == "当前状态（已办结）下不能移交。现在可以：记录回访、重办"
    assert refusal(EN, error) == (
        "Not allowed while Closed: Hand over. Allowed now: Record the callback, Reopen."
    )


def test_times_are_written_in_the_readers_calendar() -> None:
    error = InvalidInputError(
        "the deadline passed at 2026-03-16T16:00:00+00:00; …",
        code="pause-after-deadline",
        params={"due_at": "2026-03-16T16:00:00+00:00"},
    )
    assert "2026年3月17日 00:00" in refusal(ZH, error)
    assert "17 Mar 2026, 00:00" in refusal(EN, error)


def test_roles_and_lists_are_worded_by_their_labels() -> None:
    error = NotPermittedError(
        "only a supervisor may publish lists, not window_staff",
        code="role-may-not",
        params={"role": "window_staff", "who": "supervisor", "doing": "publish lists"},
    )
    assert refusal(ZH, error) == "窗口工作人员不能执行此操作。"
    three = InvalidInputError(
        "classify on each…",
        code="three-distinctions-incomplete",
        params={"missing": ["a", "b"], "unknown": []},
    )
    assert "缺少：a、b；无法识别：—" in refusal(ZH, three)


@pytest.mark.parametrize("kind", [InvalidInputError, NotPermittedError, DomainError])
def test_a_code_without_a_sentence_falls_back_to_its_kind_never_to_english(
    kind: type[DomainError],
) -> None:
    error = kind("an English sentence about widgets", code="a-code-nobody-wrote")
    said = refusal(ZH, error)
    assert "widgets" not in said
    assert not LATIN_WORD.search(said)
    assert said == catalogue("zh-CN")[f"refusal.{kind.default_code}"]


def test_a_refusal_with_its_own_words_keeps_its_step_labelled() -> None:
    error = StepRefusedError(
        "record measures", "awaiting callback", "…", code="measures-after-verification"
    )
    assert refusal(ZH, error) == "整改尚待回访核实；请先记录回访和核实，再记录整改措施。"
