"""Open311 GeoReport v2, written from the spec: services, service definitions, requests and
tokens, in JSON and in XML (root elements <services>, <service_definition>, <service_requests>)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from tests.e2e.api_world import World, world

__all__ = ["world"]

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def post_request(world: World, login: str, fmt: str = "json", **extra: str) -> str:
    form = {
        "api_key": world.tokens[login],
        "service_code": "complaint",
        "description": "施工许可审批超时",
        "first_name": "伟",
        "last_name": "张",
        **extra,
    }
    created = world.client.post(f"/open311/v2/requests.{fmt}", data=form)
    assert created.status_code == 201, created.text
    if fmt == "xml":
        return str(ET.fromstring(created.content).findtext("request/service_request_id"))
    return str(created.json()[0]["service_request_id"])


def test_services_are_the_demand_types_in_json_and_xml(world: World) -> None:
    listed = world.client.get("/open311/v2/services.json", params={"jurisdiction_id": "national"})
    codes = [s["service_code"] for s in listed.json()]
    assert codes == ["consultation", "help", "complaint", "report", "suggestion"]
    assert set(listed.json()[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    xml = ET.fromstring(world.client.get("/open311/v2/services.xml").content)
    assert xml.tag == "services"
    assert [s.findtext("service_code") for s in xml.findall("service")] == codes
    assert xml.find("service/metadata").text == "true"  # type: ignore[union-attr]


def test_a_service_definition_lists_its_attributes(world: World) -> None:
    definition = world.client.get("/open311/v2/services/complaint.json").json()
    assert definition["service_code"] == "complaint"
    assert [a["code"] for a in definition["attributes"]] == [
        "enterprise",
        "service_item",
        "real_name",
        "confidential",
        "emergency",
    ]
    xml = ET.fromstring(world.client.get("/open311/v2/services/complaint.xml").content)
    assert xml.tag == "service_definition"
    emergency = xml.findall("attributes/attribute")[4]
    assert emergency.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in emergency.findall("values/value")] == ["true", "false"]
    assert world.client.get("/open311/v2/services/parking.json").status_code == 404


def test_an_enterprise_posts_a_request_and_follows_it(world: World) -> None:
    request_id = post_request(world, "example-co")
    found = world.client.get(
        f"/open311/v2/requests/{request_id}.json", params={"api_key": world.tokens["example-co"]}
    ).json()
    assert len(found) == 1
    request = found[0]
    assert list(request) == REQUEST_FIELDS
    assert (request["status"], request["status_notes"], request["service_code"]) == (
        "open",
        "received",
        "complaint",
    )
    # Filed Monday 2 March 2026 09:00 in China: 15 working days, due by 24:00 on 23 March.
    assert request["requested_datetime"] == "2026-03-02T09:00:00+08:00"
    assert request["expected_datetime"] == "2026-03-24T00:00:00+08:00"
    hidden = world.client.get(
        f"/open311/v2/requests/{request_id}.json", params={"api_key": world.tokens["other-co"]}
    )
    assert hidden.status_code == 404


def test_requests_show_the_lead_unit_and_closed_status_in_xml(world: World) -> None:
    request_id = post_request(
        world, "li.na", "xml", **{"attribute[enterprise]": "91440300MA5EXAMPLE"}
    )
    case = f"/api/v1/cases/{request_id}"
    world.step("li.na", f"{case}/dispatch", {"lead_unit": "AMR"})
    world.step("li.na", f"{case}/sign-for")
    world.step("li.na", f"{case}/reply", {"text": "已办结"})
    world.step("li.na", f"{case}/close", {"outcome": "solved", "reason": "企业确认"})
    listed = world.client.get(
        "/open311/v2/requests.xml",
        params={
            "api_key": world.tokens["data-platform"],
            "status": "closed",
            "service_code": "complaint",
        },
    )
    root = ET.fromstring(listed.content)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == request_id
    assert request.findtext("status") == "closed"
    assert request.findtext("status_notes") == "closed: solved (已解决)"
    assert request.findtext("agency_responsible") == "市场监督管理局"
    assert [child.tag for child in request] == REQUEST_FIELDS
    still_open = world.client.get(
        "/open311/v2/requests.json",
        params={"api_key": world.tokens["data-platform"], "status": "open"},
    )
    assert still_open.json() == []


def test_tokens_name_the_request_and_confidential_requests_are_never_listed(world: World) -> None:
    request_id = post_request(world, "example-co", **{"attribute[confidential]": "true"})
    listed = world.client.get(
        "/open311/v2/requests.json", params={"api_key": world.tokens["data-platform"]}
    )
    assert listed.json() == []
    visible = post_request(world, "example-co")
    token = world.client.get(
        f"/open311/v2/tokens/{visible}.xml", params={"api_key": world.tokens["example-co"]}
    )
    root = ET.fromstring(token.content)
    assert (root.tag, root.findtext("request/token")) == ("service_requests", visible)
    assert request_id != visible


def test_errors_come_in_the_specs_format_for_the_requested_suffix(world: World) -> None:
    anonymous = world.client.post("/open311/v2/requests.xml", data={"service_code": "complaint"})
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/xml")
    errors = ET.fromstring(anonymous.content)
    assert (errors.tag, errors.findtext("error/code")) == ("errors", "401")
    consumer = world.client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": world.tokens["data-platform"],
            "service_code": "complaint",
            "description": "x",
        },
    )
    assert consumer.status_code == 403  # an API consumer reads; it does not file
    elsewhere = world.client.get("/open311/v2/services.json", params={"jurisdiction_id": "mars"})
    assert elsewhere.status_code == 404


def test_an_overlong_description_is_refused_and_nothing_is_filed(world: World) -> None:
    head = world.container.app.recorder.max_notification_id()
    refused = world.client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": world.tokens["example-co"],
            "service_code": "complaint",
            "description": "长" * 4001,
        },
    )
    assert refused.status_code == 400, refused.text
    assert "at most 4000" in refused.text
    assert world.container.app.recorder.max_notification_id() == head
