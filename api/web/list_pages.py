"""A list page shown a page at a time: the page asked for (``?page=``), the slice of the list
on it, and the links to the pages before and after, keeping the page's other query values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from api.web.context import Web

PAGE_SIZE = 20
MOST_PAGES = 100_000
T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    page_no: int
    pages: int
    total: int
    path: str
    query: tuple[tuple[str, str], ...]

    def href(self, page_no: int) -> str:
        return f"{self.path}?{urlencode([*self.query, ('page', str(page_no))])}"


def paginate(
    web: Web, items: list[T], size: int = PAGE_SIZE, *, path: str | None = None
) -> tuple[list[T], Paging]:
    """The items on the page the request asks for (the last page when it asks past the end);
    ``path`` is the list's own address when a form posted elsewhere shows it again."""
    asked = web.request.query_params.get("page", "1")
    pages = max(1, -(-len(items) // size))
    page_no = min(max(1, int(asked) if asked.isdigit() else 1), pages, MOST_PAGES)
    kept = tuple(
        (k, v) for k, v in web.request.query_params.multi_items() if k not in ("page", "done")
    )
    paging = Paging(page_no, pages, len(items), path or web.request.url.path, kept)
    return items[(page_no - 1) * size : page_no * size], paging
