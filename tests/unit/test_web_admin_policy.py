"""The admin's policy page lists every section of the policy in force (the quarterly
evaluation's form and weight among them), each under a heading in the page's language."""

from __future__ import annotations

import re

import pytest

from api.web.i18n import LANGUAGES, Locale
from api.web.routes.admin import policy_tables
from api.web.security import LANG_COOKIE
from domain.policy import Policy
from infra.container import Container
from tests.support.clock import CHINA
from tests.unit.test_web_pages import container, signed_in

__all__ = ["container"]


def section(html: str, name: str) -> str:
    found = re.search(rf'id="policy-{name}">(.*?)</div>', html, re.S)
    assert found, f"no {name} section on the policy page"
    return found.group(1)


def test_the_policy_page_lists_the_quarterly_evaluation_and_every_other_section(
    container: Container,
) -> None:
    admin = signed_in(container, "root")
    html = admin.get("/admin/policy").text
    policy = container.app.policy
    quarterly = section(html, "quarterly_evaluation")
    assert "市场主体季度评价" in quarterly
    # The policy file's keys and values, as the file writes them (not to be translated).
    assert '<code translate="no">ranking_weight</code>' in quarterly
    weight = policy.quarterly_evaluation.ranking_weight
    assert f'<td class="num" translate="no">{weight}</td>' in quarterly
    for question in policy.quarterly_evaluation.questions:
        assert f'<code translate="no">questions.{question}</code>' in quarterly
    for name in policy_tables(policy):
        section(html, name)
    assert "紧急诉求派单" in html
    admin.cookies.set(LANG_COOKIE, "en")
    english = admin.get("/admin/policy").text
    assert "Quarterly evaluation by market entities" in section(english, "quarterly_evaluation")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_policy_section_has_a_heading(lang: str) -> None:
    locale = Locale(lang, CHINA)
    for name in policy_tables(Policy("x", "x")):
        assert locale.t(f"policy.{name}") != f"policy.{name}", f"no heading for {name}"
