"""Participants, attendance, co-animation and journeys. Staff see a participant only
through their own spaces (``visibility``: the one start of every read); a participant
sees their whole journey from their phone.

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
from .board import BoardTrace, board_traces_of, erase_phone, phone_traces
from .co_animation import add_co_animation
from .erasure import (
    RemovalPreview,
    _erase,
    erasable,
    erase_person,
    fresh_keys,
    removal_preview,
    remove_from_space,
    self_erase,
    staff_erase,
)
from .journeys import (
    Journey,
    JourneyEvent,
    export_data,
    own_journey,
    staff_export,
    staff_journey,
)
from .merge import MergePreview, merge, merge_candidates, merge_preview
from .overview import CycleOverview, SessionLine, cycle_overview
from .people import (
    PSEUDONYM_MAX,
    DuplicatePseudonym,
    Match,
    ParticipantData,
    clean_pseudonym,
    create_participant,
    fold,
    likely_matches,
    list_space_participants,
    update_participant,
)
from .phones import (
    LINK_VALID_DAYS,
    Phone,
    check_sign_in_link,
    confirm_phone,
    create_sign_in_link,
    device_for_key,
    hash_token,
    participant_for_device,
    phones_of,
    revoke_unconfirmed_bindings_by,
    unlink_phone,
    use_sign_in_link,
)
from .roll_call import (
    CheckIn,
    CheckInNeedsChoice,
    RollCall,
    RollCallRow,
    confirm_check_in,
    link_live_participant,
    roll_call,
    view_roll_call,
)
from .visibility import (
    EVERYTHING,
    PersonView,
    Scope,
    get_participant,
    own_view,
    person_view,
    scope_of,
    visible_space_ids,
)

__all__ = [
    "EVERYTHING",
    "LINK_VALID_DAYS",
    "PSEUDONYM_MAX",
    "BoardTrace",
    "CheckIn",
    "CheckInNeedsChoice",
    "CycleOverview",
    "DuplicatePseudonym",
    "Journey",
    "JourneyEvent",
    "Match",
    "MergePreview",
    "ParticipantData",
    "PersonView",
    "Phone",
    "RemovalPreview",
    "RollCall",
    "RollCallRow",
    "Scope",
    "SessionLine",
    "_erase",
    "add_co_animation",
    "add_newcomer",
    "board_traces_of",
    "check_sign_in_link",
    "clean_pseudonym",
    "clear_attendance",
    "confirm_check_in",
    "confirm_phone",
    "create_participant",
    "create_sign_in_link",
    "cycle_overview",
    "device_for_key",
    "erasable",
    "erase_person",
    "erase_phone",
    "export_data",
    "fold",
    "fresh_keys",
    "get_participant",
    "hash_token",
    "likely_matches",
    "link_live_participant",
    "list_space_participants",
    "merge",
    "merge_candidates",
    "merge_preview",
    "own_journey",
    "own_view",
    "participant_for_device",
    "person_view",
    "phone_traces",
    "phones_of",
    "recompute_first_visits",
    "record_attendance",
    "removal_preview",
    "remove_from_space",
    "revoke_unconfirmed_bindings_by",
    "roll_call",
    "scope_of",
    "self_erase",
    "session_attendance",
    "staff_erase",
    "staff_export",
    "staff_journey",
    "unlink_phone",
    "update_participant",
    "use_sign_in_link",
    "view_roll_call",
    "visible_space_ids",
]
