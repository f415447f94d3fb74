"""Every model, imported once so that the metadata (and Alembic) knows all tables."""

from .accounts.models import Invitation, Organisation, Role, User, invitation_spaces
from .live.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Answer,
    Board,
    Contribution,
    Handover,
    LiveParticipant,
)
from .participants.models import Attendance, AttendanceStatus, Participant, SpaceParticipant
from .spaces.models import Space, SpaceKind, SpaceMembership
from .workshops.models import Cycle, WorkshopSession

__all__ = [
    "Activity",
    "ActivityKind",
    "ActivityStatus",
    "Answer",
    "Attendance",
    "AttendanceStatus",
    "Board",
    "Contribution",
    "Cycle",
    "Handover",
    "Invitation",
    "LiveParticipant",
    "Organisation",
    "Participant",
    "Role",
    "Space",
    "SpaceKind",
    "SpaceMembership",
    "SpaceParticipant",
    "User",
    "WorkshopSession",
    "invitation_spaces",
]
