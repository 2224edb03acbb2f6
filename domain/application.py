"""The Casetrail application: every area's commands over one event store and one log."""

from __future__ import annotations

from domain.services.calendar import CalendarService
from domain.services.cases import CaseService
from domain.services.directory import DirectoryService


class Casetrail(CaseService, CalendarService, DirectoryService):
    """Load, act, save: the one entry point for commands, used by the API, the CLI and tests."""
