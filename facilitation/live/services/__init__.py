"""Rules of the live board, by capability; every public name is re-exported here.

Callers keep ``from facilitation.live import services`` and ``services.submit_answer(...)``.

- :mod:`.boards`      boards and join codes (created with the session, found by code)
- :mod:`.access`      who reaches a board by its code: join window, wrong-code limits
- :mod:`.activities`  the activities staff prepare, edit, reorder
- :mod:`.presence`    phones joining, who is connected now
- :mod:`.answers`     answers, contributions, results
- :mod:`.driving`     control actions (staff, or a participant the board is handed to)
- :mod:`.reuse`       duplicate an activity, copy it to another session, reset its answers
- :mod:`.timer`       the countdown of an activity (answers may close at its end)
- :mod:`.views`       the states sent to phones, screens and controls

Everything that changes what clients see is committed first, then published on
:mod:`..bus` — so an acknowledgement or a broadcast never announces an unsaved answer.
Imports flow routes/events → services → models.
"""

from .access import (
    REOPEN_HOURS,
    board_to_join,
    count_wrong_code,
    join_window,
    joining_open,
    joining_status,
    participant_for_code,
    reopen_joining,
    too_many_wrong_codes,
)
from .activities import add_activity, delete_activity, get_activity, move_activity, update_activity
from .answers import (
    MAX_CONTRIBUTIONS,
    Phone,
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
    connection_closed,
    connection_opened,
    forget_process,
    heartbeat,
    join,
    page_seen,
    participant_for_device,
    process_key,
)
from .reuse import ACTIVITY_RESET, copy_activity, duplicate_activity, reset_activity
from .timer import TIMER_MAX, TIMER_MIN, timer_of
from .timer import expire as expire_timer
from .views import activity_summary, participant_state, screen_state, who_answered

__all__ = [
    "ACTIONS",
    "ACTIVITY_RESET",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "MAX_CONTRIBUTIONS",
    "PSEUDONYM_MAX",
    "REOPEN_HOURS",
    "STAFF_ONLY",
    "TIMER_MAX",
    "TIMER_MIN",
    "Actor",
    "Phone",
    "Stored",
    "active_handover",
    "activity_summary",
    "add_activity",
    "answer_count",
    "board_for_session",
    "board_to_join",
    "can_control",
    "clean_pseudonym",
    "connected_count",
    "connected_participants",
    "connection_closed",
    "connection_opened",
    "contribute",
    "contributions",
    "control",
    "copy_activity",
    "count_wrong_code",
    "delete_activity",
    "duplicate_activity",
    "expire_timer",
    "find_board",
    "find_board_for_screen",
    "forget_process",
    "get_activity",
    "get_board_for_staff",
    "hash_device",
    "heartbeat",
    "join",
    "join_window",
    "joining_open",
    "joining_status",
    "move_activity",
    "my_answer",
    "new_join_code",
    "normalise_code",
    "page_seen",
    "participant_for_code",
    "participant_for_device",
    "participant_state",
    "process_key",
    "reopen_joining",
    "reset_activity",
    "results",
    "screen_state",
    "submit_answer",
    "timer_of",
    "too_many_wrong_codes",
    "update_activity",
    "who_answered",
]
