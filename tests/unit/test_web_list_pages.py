"""A list shown a page at a time: the page asked for, clamped to the pages there are, and links
that keep the list's other query values (but not a one-off ``done`` message)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from starlette.requests import Request

from api.web.context import Web
from api.web.list_pages import paginate


def asking(query: str, path: str = "/desk/rectifications") -> Web:
    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode(),
             "headers": []}  # fmt: skip
    return cast(Web, SimpleNamespace(request=Request(cast(Any, scope))))


def test_a_page_holds_its_slice_and_links_its_neighbours() -> None:
    items = list(range(45))
    shown, paging = paginate(asking("q=%E6%89%A7%E7%85%A7&page=2&done=filed"), items)
    assert shown == list(range(20, 40))
    assert (paging.page_no, paging.pages, paging.total) == (2, 3, 45)
    assert paging.href(3) == "/desk/rectifications?q=%E6%89%A7%E7%85%A7&page=3"


def test_a_page_past_the_end_or_nonsense_shows_a_real_page() -> None:
    items = list(range(45))
    assert paginate(asking("page=9"), items)[0] == list(range(40, 45))
    assert paginate(asking("page=-1"), items)[0] == list(range(20))
    assert paginate(asking("page=abc"), items)[0] == list(range(20))
    nothing: list[int] = []
    shown, paging = paginate(asking(""), nothing)
    assert (shown, paging.pages) == ([], 1)


def test_a_list_shown_again_after_a_form_links_to_its_own_address() -> None:
    _, paging = paginate(asking("", path="/leader/visits"), list(range(30)), path="/leader")
    assert paging.href(2) == "/leader?page=2"
