"""Every model, imported once so that the metadata (and Alembic) knows all tables."""

from .accounts.models import Invitation, Organisation, Role, User, invitation_spaces
from .audit.models import AuditEntry
from .core.uploads import Upload
from .images.models import LibraryImage
from .indicators.models import (
    ActivityLogEntry,
    Barrier,
    GridLine,
    GridVersion,
    IndicatorSettings,
    Objective,
)
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
from .participants.models import (
    Attendance,
    AttendanceStatus,
    CoAnimation,
    CoAnimationKind,
    Participant,
    ParticipantDevice,
    ParticipantLink,
    SpaceParticipant,
)
from .planning.models import PlanItem, SessionTemplate, Tool
from .projects.models import (
    Attachment,
    CustomDeterminant,
    Decision,
    Project,
    ProjectAction,
    ProjectDeterminant,
    ProjectMeeting,
    ProjectMember,
    Step,
)
from .spaces.models import Space, SpaceKind, SpaceMembership
from .workshops.models import Cycle, WorkshopSession

__all__ = [
    "Activity",
    "ActivityKind",
    "ActivityLogEntry",
    "ActivityStatus",
    "Answer",
    "Attachment",
    "Attendance",
    "AttendanceStatus",
    "AuditEntry",
    "Barrier",
    "Board",
    "CoAnimation",
    "CoAnimationKind",
    "Contribution",
    "CustomDeterminant",
    "Cycle",
    "Decision",
    "GridLine",
    "GridVersion",
    "Handover",
    "IndicatorSettings",
    "Invitation",
    "LibraryImage",
    "LiveParticipant",
    "Objective",
    "Organisation",
    "Participant",
    "ParticipantDevice",
    "ParticipantLink",
    "PlanItem",
    "Project",
    "ProjectAction",
    "ProjectDeterminant",
    "ProjectMeeting",
    "ProjectMember",
    "Role",
    "SessionTemplate",
    "Space",
    "SpaceKind",
    "SpaceMembership",
    "SpaceParticipant",
    "Step",
    "Tool",
    "Upload",
    "User",
    "WorkshopSession",
    "invitation_spaces",
]
