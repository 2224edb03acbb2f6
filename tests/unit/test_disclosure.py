"""The one disclosure rule: what any read withholds of a confidential case's filer."""

from __future__ import annotations

from uuid import uuid4

from domain import disclosure
from domain.case import Case
from domain.visit import Visit
from infra.kafka.public import publication_of
from tests.support.event_samples import sample_event


def test_a_confidential_record_loses_what_names_its_filer_and_keeps_the_rest() -> None:
    enterprise, visit = str(uuid4()), str(uuid4())
    row = {"confidential": True, "enterprise_id": enterprise, "source_visit_id": visit,
           "status": "received"}
    assert disclosure.row(row) == {"confidential": True, "enterprise_id": None,
                                   "source_visit_id": None, "status": "received"}
    assert disclosure.row({**row, "confidential": False}) == {**row, "confidential": False}


def test_a_record_tied_to_a_confidential_case_is_withheld_on_the_case_s_word() -> None:
    rating = {"case_id": str(uuid4()), "rater": "91440300MA5EXAMPLE", "level": "satisfied"}
    assert disclosure.row(rating, confidential=True)["rater"] is None
    assert disclosure.row(rating, confidential=False) == rating


def test_the_filer_acting_itself_is_withheld_from_a_history_and_handlers_are_not() -> None:
    assert disclosure.actor("91440300MA5EXAMPLE", "enterprise", confidential=True) == (
        disclosure.CONFIDENTIAL
    )
    assert disclosure.actor("county-01", "leader", confidential=True) == disclosure.CONFIDENTIAL
    assert disclosure.actor("li.na", "window_staff", confidential=True) == "li.na"
    assert disclosure.actor("91440300MA5EXAMPLE", "enterprise", confidential=False) == (
        "91440300MA5EXAMPLE"
    )


def test_a_leader_filing_a_report_is_not_named_on_the_stream() -> None:
    filed = sample_event(Case.Filed, role="leader", confidential=True, case_type="report")
    data = publication_of(filed).data(filed)  # type: ignore[union-attr]
    assert data["actor"] == {"role": "leader", "id": None}
    open_case = sample_event(Case.Filed, role="leader", confidential=False)
    assert publication_of(open_case).data(open_case)["actor"]["id"] == "li.na"  # type: ignore[union-attr]


def test_a_visit_s_tie_to_a_confidential_case_is_not_published() -> None:
    tied = sample_event(Visit.FindingCaseOpened, role="leader", confidential=True)
    assert publication_of(tied).data(tied)["case_id"] is None  # type: ignore[union-attr]
    open_tie = sample_event(Visit.FindingCaseOpened, role="leader", confidential=False)
    published = publication_of(open_tie).data(open_tie)  # type: ignore[union-attr]
    assert published["case_id"] == str(open_tie.case_id)


def test_the_place_a_confidential_demand_is_about_is_withheld_from_its_history() -> None:
    place = {"address_string": "深圳市南山区某路1号", "lat": 22.5, "long": 113.9}
    fields = {"case_type": "report", "location": place}
    assert disclosure.event_fields(fields, confidential=True)["location"] == (
        disclosure.CONFIDENTIAL
    )
    assert disclosure.event_fields(fields, confidential=False)["location"] == place
