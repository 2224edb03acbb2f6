"""The Casetrail application: every area's commands over one event store and one log."""

from __future__ import annotations

from domain.services.administration import AdministrationService
from domain.services.calendar import CalendarService
from domain.services.case_clock import CaseClockService
from domain.services.cases import CaseService
from domain.services.directory import DirectoryService
from domain.services.engagement import EngagementService
from domain.services.handling import HandlingService
from domain.services.merit import MeritService
from domain.services.oversight import OversightService
from domain.services.privacy import PrivacyService
from domain.services.projects import ProjectService
from domain.services.publishing import PublishingService
from domain.services.quarterly import QuarterlyEvaluationService
from domain.services.reviews import ReviewService
from domain.services.stationed import StationedService


class Casetrail(
    AdministrationService,
    QuarterlyEvaluationService,
    ReviewService,
    StationedService,
    EngagementService,
    OversightService,
    MeritService,
    PublishingService,
    ProjectService,
    PrivacyService,
    HandlingService,
    CaseClockService,
    CaseService,
    CalendarService,
    DirectoryService,
):
    """Load, act, save: the one entry point for commands, used by the API, the CLI and tests."""
