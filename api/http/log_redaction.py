"""Secrets never reach the logs: query parameters that carry one are redacted in every line.

Open311 clients send their token as ``api_key`` in the query string, and the server's access log
writes each request's target as it came; without this filter a log reader could sign in as
anyone who used Open311. The filter sits on the server's loggers (``install``), so it holds for
every route, whatever a client puts in the query.
"""

from __future__ import annotations

import logging
import re

SECRET_PARAMETERS = ("api_key", "access_token", "token", "password", "secret", "rating_code")
REDACTED = "[redacted]"
_SECRET = re.compile(
    r"(?i)([?&](?:" + "|".join(SECRET_PARAMETERS) + r")=)[^&#\s\"]*",
)
LOGGERS = ("uvicorn.access", "uvicorn.error", "casetrail")


def redact(text: str) -> str:
    """``text`` with the value of every secret query parameter replaced."""
    return _SECRET.sub(rf"\1{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and arguments before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install() -> None:
    """Put the filter on the server's loggers (after the server has configured logging)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
