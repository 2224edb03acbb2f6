"""The third-party Open311 client (``georeport`` on PyPI) against a running Casetrail: it lists
services and requests without an api_key, as it does on every GET, in JSON and in XML; a
request filed with a key is then found by it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from georeport import GeoReport

from tests.e2e.api_world import World, open_world, settings_for
from tests.e2e.test_web_world import LiveServer
from tests.support.clock import FakeClock

FORM = {
    "service_code": "complaint",
    "description": "施工许可审批超时",
    "first_name": "伟",
    "last_name": "张",
    "lat": "22.5431",
    "long": "114.0579",
    "address_string": "深圳市福田区市民中心",
}


@pytest.fixture
def served(tmp_path: Path, clock: FakeClock) -> Iterator[tuple[World, str]]:
    world = open_world(settings_for(tmp_path / "home"), clock)
    try:
        with LiveServer(world.container) as server:
            yield world, f"{server.base}/open311/v2"
    finally:
        world.container.close()


def file_with_key(root: str, api_key: str, fmt: str) -> None:
    """georeport 0.3.1 has no call to create a request (its README says so); the POST goes to
    the address the client was given, as the spec's form, with the client's key."""
    created = requests.post(f"{root}/requests.{fmt}", data={"api_key": api_key, **FORM}, timeout=10)
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_without_a_key_and_finds_a_filed_request(
    served: tuple[World, str], fmt: str
) -> None:
    world, root = served
    client = GeoReport(root, jurisdiction="national", output_format=fmt)
    assert client.api_key is None or client.api_key == ""
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == [
        "consultation",
        "help",
        "complaint",
        "report",
        "suggestion",
    ]
    definition = client.get_service_definition("complaint")
    assert definition["service_code"] == "complaint"

    keyed = GeoReport(root, api_key=world.tokens["example-co"], output_format=fmt)
    file_with_key(keyed.root_address, str(keyed.api_key), fmt)

    listed = client.get_service_requests(status="open", service_code="complaint")
    # xmltodict gives one element as a dict, several as a list.
    rows = listed if isinstance(listed, list) else [listed]
    assert len(rows) == 1
    [request] = rows
    assert request["service_code"] == "complaint"
    assert str(request["lat"]) == "22.5431"
    assert request["address"] == FORM["address_string"]
    assert not request.get("description")  # public reads leave a demand's words out
    one = client.get_service_request(str(request["service_request_id"]))
    if isinstance(one, list):
        [one] = one
    assert one["service_request_id"] == request["service_request_id"]
