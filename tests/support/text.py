"""What a reader must never see on a page or in a report meant for people: an id."""

from __future__ import annotations

import re

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
