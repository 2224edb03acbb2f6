"""Open311 GeoReport v2 as the spec writes it: discovery, public reads without an api_key,
errors as the spec's list, and the location fields kept and returned."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID
from xml.etree import ElementTree as ET

from domain.case import Case
from domain.policy import Open311Policy
from tests.e2e.api_world import World, world

__all__ = ["world"]

LOCATED = {
    "service_code": "complaint",
    "description": "路灯损坏，施工许可审批超时",
    "first_name": "伟",
    "last_name": "张",
    "email": "zhang.wei@example.cn",
    "phone": "138-0000-0000",
    "lat": "22.5431",
    "long": "114.0579",
    "address_string": "深圳市福田区福中三路市民中心",
    "address_id": "440304-0001",
    "media_url": "https://photos.example.cn/lamp.jpg",
}


def file(world: World, login: str, fmt: str = "json", **form: str) -> str:
    created = world.client.post(
        f"/open311/v2/requests.{fmt}", data={"api_key": world.tokens[login], **form}
    )
    assert created.status_code == 201, created.text
    if fmt == "xml":
        return str(ET.fromstring(created.content).findtext("request/service_request_id"))
    return str(created.json()[0]["service_request_id"])


def test_discovery_names_the_endpoint_its_specification_and_formats(world: World) -> None:
    found = world.client.get("/open311/discovery.json")
    assert found.status_code == 200
    document = found.json()
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    xml = ET.fromstring(world.client.get("/open311/discovery.xml").content)
    assert xml.tag == "discovery"
    assert xml.findtext("endpoints/endpoint/specification") == endpoint["specification"]
    assert [f.text for f in xml.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert world.client.get(endpoint["url"] + "/services.json").status_code == 200


def test_location_fields_are_kept_and_returned_in_json_and_xml(world: World) -> None:
    request_id = file(world, "example-co", **LOCATED)
    [found] = world.client.get(
        f"/open311/v2/requests/{request_id}.json", params={"api_key": world.tokens["example-co"]}
    ).json()
    assert (found["lat"], found["long"]) == (22.5431, 114.0579)
    assert found["address"] == LOCATED["address_string"]
    assert found["address_id"] == LOCATED["address_id"]
    assert found["media_url"] == LOCATED["media_url"]
    xml = ET.fromstring(world.client.get(f"/open311/v2/requests/{request_id}.xml").content)
    assert xml.findtext("request/lat") == "22.5431"
    assert xml.findtext("request/address") == LOCATED["address_string"]
    # Recorded on the filing itself, so a rebuilt read model shows them again.
    case: Case = world.container.app.repository.get(UUID(request_id))
    assert case.location is not None
    assert case.location.address_id == "440304-0001"


def test_a_bad_location_is_refused_in_the_specs_format_and_nothing_is_filed(
    world: World,
) -> None:
    head = world.container.app.recorder.max_notification_id()
    for bad in (
        {"lat": "91", "long": "10"},
        {"lat": "22.5"},
        {"lat": "north", "long": "10"},
        {"media_url": "javascript:alert(1)"},
    ):
        answer = world.client.post(
            "/open311/v2/requests.json",
            data={
                "api_key": world.tokens["example-co"],
                "service_code": "help",
                "description": "x",
                **bad,
            },
        )
        assert answer.status_code in (400, 422), (bad, answer.text)
        [error] = answer.json()
        assert error["code"] == answer.status_code
        assert error["description"]
    assert world.container.app.recorder.max_notification_id() == head


def test_errors_are_the_specs_list_with_the_http_status(world: World) -> None:
    missing = world.client.get("/open311/v2/services/parking.xml")
    assert missing.status_code == 404
    root = ET.fromstring(missing.content)
    assert root.tag == "errors"
    assert [e.findtext("code") for e in root.findall("error")] == ["404"]
    assert "unknown-service" in str(root.findtext("error/description"))
    json_missing = world.client.get("/open311/v2/requests/not-a-uuid.json")
    assert json_missing.status_code == 422
    assert all(set(e) == {"code", "description"} for e in json_missing.json())
    bad_key = world.client.get("/open311/v2/requests.json", params={"api_key": "ctk_x_y"})
    assert bad_key.status_code == 401
    assert bad_key.json()[0]["code"] == 401
    documented = world.client.get("/openapi.json").json()["paths"]
    listed = documented["/open311/v2/requests.{fmt}"]["get"]["responses"]
    assert "security" not in documented["/open311/v2/requests.{fmt}"]["get"]  # no key needed
    assert set(listed["401"]["content"]) == {"application/json", "application/xml"}


def test_reads_without_a_key_show_public_requests_and_public_fields_only(world: World) -> None:
    public = file(world, "example-co", **LOCATED)
    confidential = file(
        world,
        "example-co",
        service_code="help",
        description="举报内容",
        **{"attribute[confidential]": "true"},
    )
    anonymous = world.client.get("/open311/v2/requests.json")
    assert anonymous.status_code == 200
    listed = {r["service_request_id"]: r for r in anonymous.json()}
    assert set(listed) == {public}
    shown = listed[public]
    assert shown["description"] is None  # the shipped policy keeps a demand's words private
    text = anonymous.text
    for secret in ("伟", "张", "zhang.wei", "138-0000", "91440300MA5EXAMPLE"):
        assert secret not in text
    assert world.client.get(f"/open311/v2/requests/{confidential}.json").status_code == 404
    keyed = world.client.get(
        "/open311/v2/requests.json", params={"api_key": world.tokens["example-co"]}
    ).json()
    assert [r["description"] for r in keyed] == [LOCATED["description"]]
    token = world.client.get(f"/open311/v2/tokens/{public}.xml")
    assert ET.fromstring(token.content).findtext("request/token") == public


def test_policy_decides_whether_requests_are_public_and_described(world: World) -> None:
    request_id = file(world, "example-co", **LOCATED)
    app = world.container.app
    described = replace(app.policy, open311=Open311Policy(public_descriptions=True))
    app.policy = described
    [shown] = world.client.get("/open311/v2/requests.json").json()
    assert shown["description"] == LOCATED["description"]
    app.policy = replace(described, open311=Open311Policy(public_requests=False))
    for path in ("/open311/v2/requests.json", f"/open311/v2/requests/{request_id}.xml"):
        closed = world.client.get(path)
        assert closed.status_code == 401, path
    assert world.client.get("/open311/v2/services.json").status_code == 200
    keyed = world.client.get(
        "/open311/v2/requests.json", params={"api_key": world.tokens["data-platform"]}
    )
    assert [r["service_request_id"] for r in keyed.json()] == [request_id]
