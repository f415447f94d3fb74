"""Participants, attendance, co-animation and journeys. Staff see a participant only
through their own spaces; a participant sees their own journey from their phone.

Attendance is information, never a score: nothing here ranks people.

One module per capability; the public names are re-exported here, so callers keep
``from ..participants import services`` and ``services.f(...)``.
"""

from .attendance import (
    add_newcomer,
    clear_attendance,
    recompute_first_visits,
    record_attendance,
    session_attendance,
)
from .co_animation import add_co_animation
from .erasure import _erase, self_erase, staff_erase
from .journeys import (
    Journey,
    JourneyEvent,
    export_data,
    own_journey,
    staff_export,
    staff_journey,
)
from .merge import MergePreview, merge, merge_preview
from .overview import CycleOverview, SessionLine, cycle_overview
from .people import (
    PSEUDONYM_MAX,
    ParticipantData,
    clean_pseudonym,
    create_participant,
    list_space_participants,
    update_participant,
)
from .phones import (
    LINK_VALID_DAYS,
    create_sign_in_link,
    hash_token,
    participant_for_device,
    use_sign_in_link,
)
from .roll_call import (
    CheckIn,
    RollCall,
    RollCallRow,
    confirm_check_in,
    link_live_participant,
    roll_call,
)
from .visibility import get_participant

__all__ = [
    "LINK_VALID_DAYS",
    "PSEUDONYM_MAX",
    "CheckIn",
    "CycleOverview",
    "Journey",
    "JourneyEvent",
    "MergePreview",
    "ParticipantData",
    "RollCall",
    "RollCallRow",
    "SessionLine",
    "_erase",
    "add_co_animation",
    "add_newcomer",
    "clean_pseudonym",
    "clear_attendance",
    "confirm_check_in",
    "create_participant",
    "create_sign_in_link",
    "cycle_overview",
    "export_data",
    "get_participant",
    "hash_token",
    "link_live_participant",
    "list_space_participants",
    "merge",
    "merge_preview",
    "own_journey",
    "participant_for_device",
    "recompute_first_visits",
    "record_attendance",
    "roll_call",
    "self_erase",
    "session_attendance",
    "staff_erase",
    "staff_export",
    "staff_journey",
    "update_participant",
    "use_sign_in_link",
]
