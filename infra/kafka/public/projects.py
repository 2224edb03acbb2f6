"""Key projects (重点项目) on the public stream: withheld for now.

A project's events name the staff who answer for each task, their progress notes, blockage
reasons and the leader's decisions: working records of a task force, not facts other systems
consume yet. They stay in the store (and the projects read model, served on the views API)
until a public form is agreed and published as a versioned type.
"""

from __future__ import annotations

from domain.project import Project
from infra.kafka.public.spec import Publication, Withheld

PUBLICATIONS: tuple[Publication, ...] = ()
WORKING_RECORD = "a key project's working record (task force, notes, decisions); no public form yet"
WITHHELD: tuple[Withheld, ...] = tuple(
    Withheld(event_class, WORKING_RECORD)
    for event_class in (
        Project.Opened,
        Project.TaskForceSet,
        Project.TaskAdded,
        Project.ProgressReported,
        Project.TaskCompleted,
        Project.TaskBlocked,
        Project.BlockageAnswered,
        Project.TaskAlerted,
        Project.Linked,
        Project.Closed,
    )
)
