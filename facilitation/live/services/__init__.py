"""Rules of the live board, by capability; every public name is re-exported here.

Callers keep ``from facilitation.live import services`` and ``services.submit_answer(...)``.

- :mod:`.boards`      boards and join codes (created with the session, found by code)
- :mod:`.activities`  the activities staff prepare, edit, reorder
- :mod:`.presence`    phones joining, who is connected now
- :mod:`.answers`     answers, contributions, results
- :mod:`.driving`     control actions (staff, or a participant the board is handed to)
- :mod:`.views`       the states sent to phones, screens and controls

Everything that changes what clients see is committed first, then published on
:mod:`..bus` — so an acknowledgement or a broadcast never announces an unsaved answer.
Imports flow routes/events → services → models.
"""

from .activities import add_activity, delete_activity, get_activity, move_activity, update_activity
from .answers import (
    MAX_CONTRIBUTIONS,
    Stored,
    answer_count,
    contribute,
    contributions,
    my_answer,
    results,
    submit_answer,
)
from .boards import (
    CODE_ALPHABET,
    CODE_LENGTH,
    board_for_session,
    find_board,
    find_board_for_screen,
    get_board_for_staff,
    hash_device,
    new_join_code,
    normalise_code,
)
from .driving import ACTIONS, STAFF_ONLY, Actor, active_handover, can_control, control
from .presence import (
    PSEUDONYM_MAX,
    clean_pseudonym,
    connected_count,
    connected_participants,
    join,
    participant_for_device,
    set_connected,
)
from .views import activity_summary, participant_state, screen_state

__all__ = [
    "ACTIONS",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "MAX_CONTRIBUTIONS",
    "PSEUDONYM_MAX",
    "STAFF_ONLY",
    "Actor",
    "Stored",
    "active_handover",
    "activity_summary",
    "add_activity",
    "answer_count",
    "board_for_session",
    "can_control",
    "clean_pseudonym",
    "connected_count",
    "connected_participants",
    "contribute",
    "contributions",
    "control",
    "delete_activity",
    "find_board",
    "find_board_for_screen",
    "get_activity",
    "get_board_for_staff",
    "hash_device",
    "join",
    "move_activity",
    "my_answer",
    "new_join_code",
    "normalise_code",
    "participant_for_device",
    "participant_state",
    "results",
    "screen_state",
    "set_connected",
    "submit_answer",
    "update_activity",
]
