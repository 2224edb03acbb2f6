"""The public events of the directory and the working calendar.

Units, windows, enterprises and leaders are public bodies and office holders: their names are
published. Staff are published by login and role only; their personal names stay in the store.
"""

from __future__ import annotations

from domain.calendar import WorkCalendar
from domain.directory import DirectoryEntry, Enterprise, Leader, Staff, Unit, Window
from domain.engagement import Engagement
from infra.kafka.public.spec import Field, Publication, Withheld

PUBLICATIONS: tuple[Publication, ...] = (
    Publication(
        Unit.Registered, "unit.registered", "A unit (department) was registered.",
        (Field("code", "string"), Field("name", "string")),
    ),
    Publication(Unit.Renamed, "unit.renamed", "A unit was renamed.", (Field("name", "string"),)),
    Publication(
        Window.Opened, "window.opened", "A service window was opened in a unit.",
        (Field("code", "string"), Field("name", "string"), Field("unit_id", "uuid")),
    ),
    Publication(
        Staff.Enrolled, "staff.enrolled", "A staff member was enrolled (by login; no name).",
        (
            Field("login", "string"),
            Field("role", "string"),
            Field("unit_id", "uuid", nullable=True),
            Field("window_id", "uuid", nullable=True),
        ),
    ),
    Publication(
        Staff.Reassigned, "staff.reassigned", "A staff member moved role, unit or window.",
        (
            Field("role", "string"),
            Field("unit_id", "uuid", nullable=True),
            Field("window_id", "uuid", nullable=True),
        ),
    ),
    Publication(
        Leader.Appointed, "leader.appointed", "A leader (领导干部) was appointed.",
        (
            Field("code", "string"),
            Field("name", "string"),
            Field("title", "string"),
            Field("level", "string"),
            Field("unit_id", "uuid", nullable=True),
        ),
    ),
    Publication(
        Enterprise.Registered, "enterprise.registered", "An enterprise was registered.",
        (
            Field("credit_code", "string", description="unified social credit code"),
            Field("name", "string"),
            Field("key_enterprise", "boolean"),
        ),
    ),
    Publication(
        Enterprise.KeyFlagSet, "enterprise.key_flag_set", "An enterprise became key, or not.",
        (Field("key_enterprise", "boolean"),),
    ),
    Publication(
        Engagement.Opened, "engagement.opened", "An enterprise's engagement record was opened.",
        (Field("enterprise_id", "uuid"),),
    ),
    Publication(
        Engagement.LeaderLinked, "engagement.leader_linked",
        "A leader was linked to the enterprise (挂钩联系).", (Field("leader_id", "uuid"),),
    ),
    Publication(
        Engagement.LeaderUnlinked, "engagement.leader_unlinked",
        "A leader's link to the enterprise ended.", (Field("leader_id", "uuid"),),
    ),
    Publication(
        Engagement.StaffStationed, "engagement.staff_stationed",
        "A staff member was stationed at the enterprise (驻企服务).",
        (Field("staff_id", "uuid"), Field("login", "string")),
    ),
    Publication(
        Engagement.StaffWithdrawn, "engagement.staff_withdrawn",
        "A stationed staff member was withdrawn.",
        (Field("staff_id", "uuid"), Field("login", "string")),
    ),
    Publication(
        WorkCalendar.Opened, "calendar.opened", "A jurisdiction's working calendar was opened.",
        (Field("jurisdiction", "string"),),
    ),
    Publication(
        WorkCalendar.YearPublished, "calendar.year_published",
        "A year's official arrangement: rest days and make-up working days (调休).",
        (
            Field("year", "integer"),
            Field("rest_days", "string_map", description="date -> holiday name"),
            Field("working_days", "string_map", description="make-up working date -> holiday name"),
            Field("source", "string", description="the notice it comes from"),
        ),
    ),
    Publication(
        WorkCalendar.OverlayAdded, "calendar.overlay_added", "Local extra rest days were added.",
        (Field("name", "string"), Field("rest_days", "strings"), Field("source", "string")),
    ),
)

ENTRIES: tuple[tuple[type[DirectoryEntry], str], ...] = (
    (Unit, "unit"), (Window, "window"), (Staff, "staff"), (Leader, "leader"),
    (Enterprise, "enterprise"),
)  # fmt: skip
# Amendments name the attributes that changed, not their values: a staff member's name is
# personal, and one public shape for every kind is simpler for consumers, who re-read the entry.
PUBLICATIONS += tuple(
    publication
    for kind, name in ENTRIES
    for publication in (
        Publication(
            kind.Amended, f"{name}.amended", f"A {name}'s details were amended.",
            (Field("changed", "strings", read=lambda e: sorted(e.changes),
                   description="the attributes that changed"),),
        ),
        Publication(
            kind.Deactivated, f"{name}.deactivated",
            f"A {name} was deactivated: it keeps its history and takes no new work.",
        ),
        Publication(kind.Reactivated, f"{name}.reactivated", f"A {name} was brought back."),
    )
)  # fmt: skip

WITHHELD: tuple[Withheld, ...] = tuple(
    Withheld(base, "the shared base of each kind's event; never recorded itself")
    for base in (DirectoryEntry.Amended, DirectoryEntry.Deactivated, DirectoryEntry.Reactivated)
)
