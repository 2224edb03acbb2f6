"""Where a demand is about: a point, an address or the id of one, and a photo's address.

Open311 clients send these with a request (``lat``/``long``, ``address_string``, ``address_id``,
``media_url``); they are recorded with the filing so the answer can show them again. All are
optional: most demands to a service window concern a procedure, not a place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from domain.errors import InvalidInputError

LIMITS = {"address_string": 400, "address_id": 200, "media_url": 2000}


@dataclass(frozen=True)
class Location:
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    media_url: str | None = None

    def __post_init__(self) -> None:
        if (self.lat is None) != (self.long is None):
            raise InvalidInputError(
                "a point needs both lat and long", code="point-incomplete", params={}
            )
        for name, value, bound in (("lat", self.lat, 90.0), ("long", self.long, 180.0)):
            if value is not None and not -bound <= value <= bound:
                raise InvalidInputError(
                    f"{name} must be between -{bound:g} and {bound:g}, not {value:g}",
                    code="coordinate-out-of-range",
                    params={"field": name, "value": value, "bound": bound},
                )
        for name, most in LIMITS.items():
            text = getattr(self, name)
            if text is not None and len(text) > most:
                raise InvalidInputError(
                    f"{name} has {len(text)} characters; at most {most}",
                    code="too-long",
                    params={"field": name, "length": len(text), "most": most},
                )
        if self.media_url is not None and not self.media_url.startswith(("https://", "http://")):
            raise InvalidInputError(
                "media_url must be an http or https address",
                code="media-url-not-http",
                params={"field": "media_url"},
            )

    @property
    def empty(self) -> bool:
        return all(value is None for value in asdict(self).values())

    def to_data(self) -> dict[str, Any]:
        """As recorded on the filed event: only what was given."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> Location | None:
        return cls(**data) if data else None
