"""The live board's rules without HTTP: boards, activities, joining, answering, control.

Real rows through the services on the test database (SQLite, or PostgreSQL with
``--database-url``).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from facilitation.core.exceptions import NotFound, ValidationError
from facilitation.extensions import db
from facilitation.live import bus, services
from facilitation.live.kinds import Refused
from facilitation.live.models import (
    Activity,
    ActivityStatus,
    Answer,
    Board,
    Contribution,
    Handover,
    LiveParticipant,
)
from facilitation.live.services import Actor

from .conftest import Recorded, add, answer_rows, client_id, phone

AMBIGUOUS = "0O1IL2Z5S8B"


def staff(world) -> Actor:
    return Actor(user=world.mediator)


def refused(code: str, call, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.message
    assert error.value.message
    return error.value


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- boards -----------------------------------------------------------------------------------


def test_a_session_gets_one_board_with_a_code_read_easily_from_the_back_of_the_room(world):
    board = services.board_for_session(world.mediator, world.session)
    assert len(board.join_code) == services.CODE_LENGTH == 6
    assert set(board.join_code) <= set(services.CODE_ALPHABET)
    assert not set(services.CODE_ALPHABET) & set(AMBIGUOUS)
    assert len(board.screen_key) >= 32
    again = services.board_for_session(world.mediator, world.session)
    by_coordinator = services.board_for_session(world.coordinator, world.session)
    assert again.id == by_coordinator.id == board.id
    assert again.join_code == board.join_code
    assert count(Board) == 1


def test_join_codes_only_use_unambiguous_characters():
    codes = {services.new_join_code() for _ in range(300)}
    assert len(codes) > 290  # random, not a sequence
    for code in codes:
        assert len(code) == 6 and set(code) <= set(services.CODE_ALPHABET)


def test_each_session_has_its_own_board_and_code(world, board, other_board):
    assert other_board.id != board.id and other_board.join_code != board.join_code
    assert count(Board) == 2


def test_a_mediator_of_another_space_cannot_reach_the_board(world, board):
    with pytest.raises(NotFound):
        services.board_for_session(world.other_mediator, world.session)
    with pytest.raises(NotFound):
        services.get_board_for_staff(world.other_mediator, board.id)
    with pytest.raises(NotFound):
        services.add_activity(world.other_mediator, board, kind="scale", prompt="Intrus", config={})
    with pytest.raises(NotFound):
        services.get_board_for_staff(world.mediator, board.id + 999)
    assert count(Activity) == 0
    assert count(Board) == 1


def test_a_phone_finds_the_board_by_its_code_however_typed(board):
    code = board.join_code
    typed = f" {code[:3].lower()}-{code[3:].lower()} "
    assert services.find_board(typed).id == board.id
    with pytest.raises(NotFound):
        services.find_board("AAAAAA" if code != "AAAAAA" else "CCCCCC")
    with pytest.raises(NotFound):
        services.find_board("")
    assert services.find_board_for_screen(code, board.screen_key).id == board.id
    for key in ("", "wrong", board.screen_key[:-1]):
        with pytest.raises(NotFound):
            services.find_board_for_screen(code, key)


# --- activities -------------------------------------------------------------------------------


def test_activities_are_added_in_order_and_the_first_goes_on_the_board(world, board):
    poll = add(world.mediator, board, prompt="  Qui  a un médecin traitant ?  ")
    scale = add(world.mediator, board, "scale", "Comment ça va ?", {"style": "weather"})
    cloud = add(world.mediator, board, "wordcloud", "Un mot", {"max_words": 2})
    assert [a.position for a in (poll, scale, cloud)] == [0, 1, 2]
    assert poll.prompt == "Qui a un médecin traitant ?"
    assert poll.status is ActivityStatus.DRAFT and not poll.results_visible
    db.session.refresh(board)
    assert board.current_activity_id == poll.id
    assert scale.config == {"style": "weather"}
    assert add(world.mediator, board, "debate", "Débat", {}).state == {"phase": "first"}


@pytest.mark.parametrize(
    ("kind", "prompt", "config", "field"),
    [
        ("poll", "Une question", {"choices": ["Un seul choix"]}, "config"),
        ("quiz", "Une question", {"choices": ["A", "B"]}, "config"),
        ("scale", "   ", {}, "prompt"),
        ("scale", "x" * 301, {}, "prompt"),
    ],
)
def test_a_refused_activity_says_which_field_and_stores_nothing(
    world, board, kind, prompt, config, field
):
    with pytest.raises(ValidationError) as error:
        services.add_activity(world.mediator, board, kind=kind, prompt=prompt, config=config)
    assert error.value.field == field and error.value.message
    db.session.rollback()
    assert count(Activity) == 0


def test_settings_are_frozen_once_people_answered_but_the_wording_can_change(world, board):
    poll = add(world.mediator, board, open_it=True)
    services.update_activity(
        world.mediator, poll, prompt="Avant", config={"choices": ["Oui", "Non", "Peut-être"]}
    )
    assert poll.config["choices"][2]["label"] == "Peut-être"
    services.submit_answer(phone(board), poll.id, client_id(), [2])

    services.update_activity(world.mediator, poll, prompt="Après les réponses", config=poll.config)
    db.session.refresh(poll)
    assert poll.prompt == "Après les réponses"
    with pytest.raises(ValidationError) as error:
        services.update_activity(
            world.mediator, poll, prompt="Encore", config={"choices": ["Oui", "Non"]}
        )
    assert error.value.field == "config"
    db.session.rollback()
    db.session.refresh(poll)
    assert [c["label"] for c in poll.config["choices"]] == ["Oui", "Non", "Peut-être"]
    assert poll.prompt == "Après les réponses"
    assert services.results(poll)["counts"] == [0, 0, 1]


def test_settings_are_frozen_once_an_idea_was_posted(world, board):
    wall = add(world.mediator, board, "ideas", "Vos idées", {"dots": 3}, open_it=True)
    services.contribute(phone(board), wall.id, client_id(), "Une idée")
    with pytest.raises(ValidationError):
        services.update_activity(world.mediator, wall, prompt="Vos idées", config={"dots": 5})


def test_deleting_an_activity_removes_its_answers_and_closes_the_gap(world, board):
    first = add(world.mediator, board, open_it=True)
    second = add(world.mediator, board, "scale", "Humeur", {})
    third = add(world.mediator, board, "scale", "Fatigue", {})
    services.submit_answer(phone(board), first.id, client_id(), [0])
    services.delete_activity(world.mediator, first)
    db.session.expire_all()
    assert count(Answer) == 0
    assert [(a.id, a.position) for a in board.activities] == [(second.id, 0), (third.id, 1)]
    assert board.current_activity_id == second.id  # the one that took its place
    state = services.participant_state(board, None)
    assert state["activity"]["id"] == second.id


def test_other_staff_cannot_change_or_delete_an_activity(world, board):
    poll = add(world.mediator, board)
    with pytest.raises(NotFound):
        services.update_activity(world.other_mediator, poll, prompt="Piraté", config=poll.config)
    with pytest.raises(NotFound):
        services.delete_activity(world.other_mediator, poll)
    with pytest.raises(NotFound):
        services.move_activity(world.other_mediator, poll, 1)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Activity, poll.id).prompt == "Êtes-vous d'accord ?"


def test_activities_move_up_and_down_in_the_plan(world, board):
    a = add(world.mediator, board, prompt="A")
    b = add(world.mediator, board, prompt="B")
    c = add(world.mediator, board, prompt="C")
    services.move_activity(world.mediator, c, -1)
    db.session.expire_all()
    assert [x.prompt for x in board.activities] == ["A", "C", "B"]
    services.move_activity(world.mediator, a, -1)  # already first: nothing moves
    services.move_activity(world.mediator, b, +1)  # already last
    db.session.expire_all()
    assert [x.prompt for x in board.activities] == ["A", "C", "B"]
    services.move_activity(world.mediator, a, +1)
    db.session.expire_all()
    assert [x.prompt for x in board.activities] == ["C", "A", "B"]
    assert [x.position for x in board.activities] == [0, 1, 2]


# --- joining ----------------------------------------------------------------------------------


def test_the_same_phone_stays_the_same_participant(board, other_board):
    key = "clé-de-ce-téléphone-" + "x" * 20
    first = phone(board, "Colibri", key)
    again = phone(board, "  Colibri   bleu ", key)
    assert again.id == first.id
    assert again.pseudonym == "Colibri bleu"
    assert count(LiveParticipant, LiveParticipant.board_id == board.id) == 1
    elsewhere = phone(other_board, "Colibri", key)
    assert elsewhere.id != first.id
    stranger = phone(board, "Colibri")
    assert stranger.id != first.id
    assert services.participant_for_device(board, key).id == first.id
    assert services.participant_for_device(board, "une autre clé") is None
    assert services.participant_for_device(board, None) is None


def test_only_a_hash_of_the_device_key_is_stored(board):
    key = "secret-device-key-0123456789"
    participant = phone(board, key=key)
    assert participant.device_hash == services.hash_device(key) != key
    rows = db.session.execute(sa.select(LiveParticipant.__table__)).all()
    assert key not in repr(rows)


def test_a_participant_may_stay_anonymous(board):
    assert phone(board).pseudonym is None
    assert phone(board, "   ").pseudonym is None
    key = "anonyme-puis-nomme-0123456789"
    assert phone(board, "Rose", key).pseudonym == "Rose"
    assert phone(board, "", key).pseudonym is None  # changed their mind


def test_a_pseudonym_too_long_is_refused(board):
    with pytest.raises(ValidationError) as error:
        phone(board, "x" * (services.PSEUDONYM_MAX + 1))
    assert error.value.field == "pseudonym"
    db.session.rollback()
    assert count(LiveParticipant) == 0
    assert phone(board, "x" * services.PSEUDONYM_MAX).pseudonym == "x" * 40


# --- answering --------------------------------------------------------------------------------


def test_an_answer_is_stored_and_counted(world, board):
    poll = add(world.mediator, board, open_it=True)
    participant = phone(board)
    stored = services.submit_answer(participant, poll.id, client_id(), [1])
    assert stored == services.Stored(poll.id, duplicate=False)
    assert services.my_answer(participant, poll) == [1]
    assert services.results(poll) == {"total": 1, "counts": [0, 1, 0]}
    assert services.answer_count(poll) == 1


def test_a_retry_of_the_same_answer_is_counted_once(world, board):
    poll = add(world.mediator, board, open_it=True)
    participant = phone(board)
    cid = client_id()
    assert services.submit_answer(participant, poll.id, cid, [1]).duplicate is False
    assert services.submit_answer(participant, poll.id, cid, [1]).duplicate is True
    # even if the retry's value differs, the same submission is not applied twice
    assert services.submit_answer(participant, poll.id, cid, [2]).duplicate is True
    assert answer_rows(poll) == 1
    assert services.results(poll)["counts"] == [0, 1, 0]


def test_a_new_submission_changes_the_answer_in_place(world, board):
    poll = add(world.mediator, board, open_it=True)
    participant = phone(board)
    services.submit_answer(participant, poll.id, client_id(), [1])
    again = services.submit_answer(participant, poll.id, client_id(), [2])
    assert again.duplicate is False
    assert answer_rows(poll) == 1
    assert services.my_answer(participant, poll) == [2]
    assert services.results(poll) == {"total": 1, "counts": [0, 0, 1]}


def test_answers_of_several_people_add_up(world, board):
    poll = add(world.mediator, board, open_it=True)
    for choice in (0, 0, 2, 0):
        services.submit_answer(phone(board), poll.id, client_id(), [choice])
    assert services.results(poll) == {"total": 4, "counts": [3, 0, 1]}


@pytest.mark.parametrize("status", [ActivityStatus.DRAFT, ActivityStatus.CLOSED])
def test_answers_are_refused_unless_the_activity_is_open(world, board, status):
    poll = add(world.mediator, board)
    poll.status = status
    db.session.commit()
    refused("closed", services.submit_answer, phone(board), poll.id, client_id(), [0])
    assert answer_rows(poll) == 0


def test_an_answer_sent_again_after_closing_is_acknowledged_as_already_stored(world, board):
    """The ack was lost, the activity closed, the phone retries: it was stored, say so."""
    poll = add(world.mediator, board, open_it=True)
    participant = phone(board)
    cid = client_id()
    services.submit_answer(participant, poll.id, cid, [1])
    services.control(staff(world), board, "close")
    assert services.submit_answer(participant, poll.id, cid, [1]).duplicate is True
    refused("closed", services.submit_answer, participant, poll.id, client_id(), [2])
    assert services.my_answer(participant, poll) == [1]


def test_an_activity_of_another_board_is_not_found(world, board, other_board):
    theirs = add(world.other_mediator, other_board, open_it=True)
    participant = phone(board)
    refused("not_found", services.submit_answer, participant, theirs.id, client_id(), [0])
    refused("not_found", services.submit_answer, participant, theirs.id + 999, client_id(), [0])
    # Not an id at all (a text, a boolean, too large for the database): unreadable.
    refused("invalid", services.submit_answer, participant, str(theirs.id), client_id(), [0])
    refused("invalid", services.submit_answer, participant, True, client_id(), [0])
    refused("invalid", services.submit_answer, participant, 2**63, client_id(), [0])
    assert answer_rows(theirs) == 0


@pytest.mark.parametrize("value", [[7], "Oui", None, [True], {"choice": 1}])
def test_an_invalid_answer_is_refused(world, board, value):
    poll = add(world.mediator, board, open_it=True)
    refused("invalid", services.submit_answer, phone(board), poll.id, client_id(), value)
    assert answer_rows(poll) == 0


@pytest.mark.parametrize("cid", [None, "", "court", 12345678, "x" * 65])
def test_an_answer_without_a_usable_client_id_is_refused(world, board, cid):
    poll = add(world.mediator, board, open_it=True)
    refused("invalid", services.submit_answer, phone(board), poll.id, cid, [0])
    assert answer_rows(poll) == 0


def test_too_long_text_is_refused_with_its_own_code(world, board):
    cloud = add(world.mediator, board, "wordcloud", "Un mot", {"max_words": 1}, open_it=True)
    refused("too_long", services.submit_answer, phone(board), cloud.id, client_id(), "x" * 31)
    assert answer_rows(cloud) == 0


def test_the_database_keeps_one_answer_per_person_and_activity(world, board):
    poll = add(world.mediator, board, open_it=True)
    participant = phone(board)
    for cid in ("premier-envoi", "second-envoi"):
        db.session.add(
            Answer(activity_id=poll.id, participant_id=participant.id, client_id=cid, value=[0])
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert answer_rows(poll) == 0


# --- contributions ----------------------------------------------------------------------------


def test_a_contribution_sent_twice_is_stored_once(world, board):
    wall = add(world.mediator, board, "ideas", "Vos idées", {"dots": 3}, open_it=True)
    participant = phone(board)
    cid = client_id()
    first = services.contribute(participant, wall.id, cid, "  Un  médecin le soir ")
    again = services.contribute(participant, wall.id, cid, "Un médecin le soir")
    assert first.duplicate is False and again.duplicate is True
    assert again.contribution_id == first.contribution_id
    assert count(Contribution) == 1
    assert [i["text"] for i in services.results(wall)["ideas"]] == ["Un médecin le soir"]


def test_a_person_can_post_a_bounded_number_of_contributions(world, board):
    questions = add(world.mediator, board, "questions", "Vos questions", {}, open_it=True)
    participant = phone(board)
    for n in range(services.MAX_CONTRIBUTIONS):
        services.contribute(participant, questions.id, client_id(), f"Question {n}")
    refused("limit_reached", services.contribute, participant, questions.id, client_id(), "Encore")
    assert count(Contribution) == services.MAX_CONTRIBUTIONS
    services.contribute(phone(board), questions.id, client_id(), "Quelqu'un d'autre")
    assert count(Contribution) == services.MAX_CONTRIBUTIONS + 1


def test_contributions_are_refused_where_they_do_not_belong(world, board):
    poll = add(world.mediator, board, open_it=True)
    wall = add(world.mediator, board, "ideas", "Idées", {}, open_it=True)
    participant = phone(board)
    refused("invalid", services.contribute, participant, poll.id, client_id(), "Texte")
    refused("invalid", services.contribute, participant, wall.id, client_id(), "   ")
    refused("too_long", services.contribute, participant, wall.id, client_id(), "x" * 281)
    services.control(staff(world), board, "goto", {"activity_id": wall.id})
    services.control(staff(world), board, "phase", {"phase": "vote"})
    refused("closed", services.contribute, participant, wall.id, client_id(), "Trop tard")
    assert count(Contribution) == 0


# --- control ----------------------------------------------------------------------------------


def test_only_staff_of_the_space_drive_the_board(world, board):
    add(world.mediator, board)
    participant = phone(board)
    version = board.version
    refused("forbidden", services.control, Actor(participant=participant), board, "open")
    refused("forbidden", services.control, Actor(user=world.other_mediator), board, "open")
    refused("forbidden", services.control, Actor(), board, "open")
    db.session.refresh(board)
    assert board.version == version
    assert board.current_activity.status is ActivityStatus.DRAFT
    services.control(Actor(user=world.coordinator), board, "open")
    assert board.current_activity.status is ActivityStatus.OPEN
    assert board.version == version + 1
    refused("invalid", services.control, staff(world), board, "explode")


def test_a_handover_for_the_session_lets_the_participant_drive_until_taken_back(world, board):
    add(world.mediator, board, prompt="A")
    second = add(world.mediator, board, prompt="B")
    participant = phone(board, "Co-animatrice")
    other = phone(board, "Voisin")
    services.control(
        staff(world), board, "handover", {"participant_id": participant.id, "scope": "session"}
    )
    assert services.participant_state(board, participant)["control"] is True
    assert services.participant_state(board, other)["control"] is False
    services.control(Actor(participant=participant), board, "next")
    services.control(Actor(participant=participant), board, "open")
    assert board.current_activity_id == second.id
    assert board.current_activity.status is ActivityStatus.OPEN
    refused("forbidden", services.control, Actor(participant=other), board, "previous")
    services.control(staff(world), board, "take_back")
    refused("forbidden", services.control, Actor(participant=participant), board, "previous")
    assert services.participant_state(board, participant)["control"] is False
    assert count(Handover, Handover.ended_at.is_(None)) == 0


def test_a_handover_for_one_activity_ends_when_the_board_moves_on(world, board):
    first = add(world.mediator, board, prompt="A")
    add(world.mediator, board, prompt="B")
    participant = phone(board)
    services.control(
        staff(world), board, "handover", {"participant_id": participant.id, "scope": "activity"}
    )
    services.control(Actor(participant=participant), board, "open")
    assert first.status is ActivityStatus.OPEN
    services.control(staff(world), board, "next")
    refused("forbidden", services.control, Actor(participant=participant), board, "open")
    services.control(staff(world), board, "previous")  # back on their activity
    services.control(Actor(participant=participant), board, "close")
    assert first.status is ActivityStatus.CLOSED


def test_participants_can_never_hand_over_or_take_back(world, board):
    add(world.mediator, board)
    participant, friend = phone(board), phone(board)
    services.control(staff(world), board, "handover", {"participant_id": participant.id})
    driver = Actor(participant=participant)
    refused("forbidden", services.control, driver, board, "handover", {"participant_id": friend.id})
    refused("forbidden", services.control, driver, board, "take_back")
    assert services.participant_state(board, friend)["control"] is False
    assert services.participant_state(board, participant)["control"] is True


def test_a_handover_only_goes_to_a_participant_of_this_board(world, board, other_board):
    add(world.mediator, board)
    stranger = phone(other_board)
    refused(
        "not_found",
        services.control,
        staff(world),
        board,
        "handover",
        {"participant_id": stranger.id},
    )
    refused("invalid", services.control, staff(world), board, "handover", {"participant_id": "1"})
    big = {"participant_id": 2**63}
    refused("invalid", services.control, staff(world), board, "handover", big)
    assert count(Handover) == 0


def test_next_previous_and_goto_change_what_phones_show(world, board):
    a = add(world.mediator, board, prompt="A")
    b = add(world.mediator, board, "scale", "B", {})
    c = add(world.mediator, board, "wordcloud", "C", {})
    driver = staff(world)

    def current():
        return services.participant_state(board, None)["activity"]["id"]

    assert current() == a.id
    services.control(driver, board, "next")
    assert current() == b.id
    services.control(driver, board, "next")
    services.control(driver, board, "next")  # stays on the last one
    assert current() == c.id
    services.control(driver, board, "previous")
    assert current() == b.id
    services.control(driver, board, "goto", {"activity_id": a.id})
    assert current() == a.id
    services.control(driver, board, "previous")  # stays on the first
    assert current() == a.id
    refused("invalid", services.control, driver, board, "goto", {"activity_id": "2"})
    refused("not_found", services.control, driver, board, "goto", {"activity_id": 99_999})
    assert services.participant_state(board, None)["activity"]["kind"] == "poll"


def test_the_board_version_grows_with_every_change_phones_follow(world, board):
    add(world.mediator, board)
    versions = [services.participant_state(board, None)["version"]]
    for action in ("open", "reveal", "close"):
        services.control(staff(world), board, action)
        versions.append(services.participant_state(board, None)["version"])
    assert versions == sorted(set(versions))


def test_open_close_and_reveal_change_what_phones_and_screens_are_told(world, board):
    poll = add(world.mediator, board)
    participant = phone(board)
    driver = staff(world)
    summary = services.participant_state(board, participant)["activity"]
    assert summary == {
        "id": poll.id,
        "kind": "poll",
        "status": "draft",
        "revealed": False,
        "phase": None,
        "timer": None,
    }
    services.control(driver, board, "open")
    services.submit_answer(participant, poll.id, client_id(), [2])
    state = services.participant_state(board, participant)
    assert state["activity"]["status"] == "open" and state["activity"]["revealed"] is False
    # the state a phone gets never carries results: only whether they are shown
    assert set(state) == {"code", "version", "activity", "control"}
    assert "results" not in state["activity"] and "counts" not in repr(state)
    assert services.screen_state(board)["count"] == 1
    services.control(driver, board, "reveal")
    assert services.participant_state(board, participant)["activity"]["revealed"] is True
    services.control(driver, board, "hide")
    assert services.participant_state(board, participant)["activity"]["revealed"] is False
    services.control(driver, board, "close")
    assert services.participant_state(board, participant)["activity"]["status"] == "closed"
    refused("closed", services.submit_answer, participant, poll.id, client_id(), [0])
    assert services.results(poll)["counts"] == [0, 0, 1]


def test_control_without_any_activity_is_refused_politely(world, board):
    for action in ("open", "next", "reveal"):
        refused("invalid", services.control, staff(world), board, action)


def test_the_debate_phases_keep_the_first_positions(world, board):
    debate = add(world.mediator, board, "debate", "On peut tout dire au médecin", {}, open_it=True)
    driver = staff(world)
    stays, moves, late = phone(board), phone(board), phone(board)
    services.submit_answer(stays, debate.id, client_id(), 1)
    services.submit_answer(moves, debate.id, client_id(), 2)
    refused("invalid", services.control, driver, board, "phase", {"phase": "vote"})
    services.control(driver, board, "phase", {"phase": "final"})
    assert services.participant_state(board, None)["activity"]["phase"] == "final"
    services.submit_answer(moves, debate.id, client_id(), 5)
    services.submit_answer(late, debate.id, client_id(), 3)
    result = services.results(debate)
    assert result["first"] == [1, 1, 0, 0, 0]
    assert result["final"] == [1, 0, 1, 0, 1]
    assert result["moved"] == 1 and result["phase"] == "final"
    assert services.my_answer(moves, debate) == {"first": 2, "final": 5}


def test_the_quiz_answer_is_revealed_on_command(world, board):
    quiz = add(
        world.mediator,
        board,
        "quiz",
        "Qui rembourse ?",
        {"choices": ["La mairie", "La CPAM"], "correct": [1]},
        open_it=True,
    )
    services.submit_answer(phone(board), quiz.id, client_id(), [0])
    assert "correct" not in services.results(quiz)
    services.control(staff(world), board, "reveal_answer")
    assert services.results(quiz)["correct"] == [1]
    services.control(staff(world), board, "reveal_answer", {"revealed": False})
    assert "correct" not in services.results(quiz)


def test_reveal_answer_is_only_for_a_quiz(world, board):
    add(world.mediator, board)
    refused("invalid", services.control, staff(world), board, "reveal_answer")


def test_hiding_a_word_takes_it_off_the_cloud(world, board):
    cloud = add(world.mediator, board, "wordcloud", "Un mot", {"max_words": 2}, open_it=True)
    for words in (["Santé", "bêtise"], ["sante"], ["BÊTISE"]):
        services.submit_answer(phone(board), cloud.id, client_id(), words)
    assert {w["key"] for w in services.results(cloud)["words"]} == {"sante", "betise"}
    services.control(staff(world), board, "hide_word", {"word": "Bêtise"})
    assert [w["text"] for w in services.results(cloud)["words"]] == ["Santé"]
    services.control(staff(world), board, "hide_word", {"word": "betise", "hidden": False})
    assert {w["key"] for w in services.results(cloud)["words"]} == {"sante", "betise"}
    refused("invalid", services.control, staff(world), board, "hide_word", {"word": " "})


def test_moderation_columns_and_dot_voting_on_the_idea_wall(world, board):
    wall = add(world.mediator, board, "ideas", "Vos idées", {"dots": 2}, open_it=True)
    driver = staff(world)
    author, voter = phone(board), phone(board)
    ids = [
        services.contribute(author, wall.id, client_id(), text).contribution_id
        for text in ("Des horaires le soir", "Insulte", "Un interprète")
    ]
    evening, insult, interpreter = ids
    assert services.answer_count(wall) == 3
    services.control(driver, board, "moderate", {"contribution_id": insult})
    assert [i["id"] for i in services.results(wall)["ideas"]] == [evening, interpreter]
    assert services.answer_count(wall) == 2
    services.control(driver, board, "add_column", {"name": "Accès"})
    services.control(driver, board, "add_column", {"name": "Accès"})  # once
    services.control(driver, board, "group", {"contribution_id": evening, "column": "Accès"})
    refused(
        "invalid",
        services.control,
        driver,
        board,
        "group",
        {"contribution_id": evening, "column": "Inconnue"},
    )
    result = services.results(wall)
    assert result["columns"] == ["Accès"]
    assert {i["id"]: i["column"] for i in result["ideas"]} == {evening: "Accès", interpreter: None}

    refused("closed", services.submit_answer, voter, wall.id, client_id(), {str(evening): 1})
    services.control(driver, board, "phase", {"phase": "vote"})
    refused("invalid", services.submit_answer, voter, wall.id, client_id(), {str(insult): 1})
    refused(
        "invalid",
        services.submit_answer,
        voter,
        wall.id,
        client_id(),
        {str(evening): 2, str(interpreter): 1},
    )
    services.submit_answer(voter, wall.id, client_id(), {str(interpreter): 2})
    services.submit_answer(author, wall.id, client_id(), {str(evening): 1})
    ideas = services.results(wall)["ideas"]
    assert [(i["id"], i["dots"]) for i in ideas] == [(interpreter, 2), (evening, 1)]


def test_questions_are_moderated_upvoted_and_marked_answered(world, board):
    questions = add(world.mediator, board, "questions", "Vos questions", {}, open_it=True)
    driver = staff(world)
    asker = phone(board)
    first, second, rude = (
        services.contribute(asker, questions.id, client_id(), text).contribution_id
        for text in ("La CMU ?", "Le tiers payant ?", "Grossièreté")
    )
    services.control(driver, board, "moderate", {"contribution_id": rude})
    refused("invalid", services.submit_answer, phone(board), questions.id, client_id(), [rude])
    for _ in range(2):
        services.submit_answer(phone(board), questions.id, client_id(), [first])
    services.submit_answer(phone(board), questions.id, client_id(), [second])
    order = [q["id"] for q in services.results(questions)["questions"]]
    assert order == [first, second]
    services.control(driver, board, "mark_answered", {"contribution_id": first})
    listed = services.results(questions)["questions"]
    assert [(q["id"], q["answered"]) for q in listed] == [(second, False), (first, True)]
    services.control(driver, board, "moderate", {"contribution_id": rude, "hidden": False})
    assert len(services.results(questions)["questions"]) == 3


def test_yes_no_fields_sent_as_strings_are_read_as_a_form_means_them(world, board):
    questions = add(world.mediator, board, "questions", "Q", {}, open_it=True)
    asked = services.contribute(phone(board), questions.id, client_id(), "Ma question")
    driver, target = staff(world), {"contribution_id": asked.contribution_id}
    services.control(driver, board, "moderate", {**target, "hidden": "1"})
    assert services.results(questions)["questions"] == []
    services.control(driver, board, "moderate", {**target, "hidden": "0"})  # "Show again"
    assert len(services.results(questions)["questions"]) == 1
    services.control(driver, board, "mark_answered", {**target, "answered": "false"})
    assert services.results(questions)["questions"][0]["answered"] is False


def test_moderating_a_contribution_of_another_board_is_not_found(world, board, other_board):
    add(world.mediator, board, "questions", "Q", {}, open_it=True)
    theirs = add(world.other_mediator, other_board, "questions", "Q", {}, open_it=True)
    stored = services.contribute(phone(other_board), theirs.id, client_id(), "Leur question")
    refused(
        "not_found",
        services.control,
        staff(world),
        board,
        "moderate",
        {"contribution_id": stored.contribution_id},
    )
    refused(
        "invalid",
        services.control,
        staff(world),
        board,
        "mark_answered",
        {"contribution_id": str(stored.contribution_id)},
    )
    assert count(Contribution, Contribution.hidden.is_(True)) == 0


# --- what is published, and when --------------------------------------------------------------


@pytest.fixture
def recorder(app):
    """Records what the services publish, reading the answers from another connection."""
    engine = sa.create_engine(db.engine.url)
    seen: list[Recorded] = []

    def make(topic):
        def handler(board_id, **_):
            with engine.connect() as conn:
                stored = conn.scalar(sa.select(sa.func.count()).select_from(Answer.__table__))
            seen.append(Recorded(topic, board_id, stored))

        return handler

    handlers = {topic: make(topic) for topic in (bus.STATE, bus.RESULTS, bus.CONTROL)}
    for topic, handler in handlers.items():
        bus.subscribe(topic, handler)
    yield seen
    for topic, handler in handlers.items():
        bus.unsubscribe(topic, handler)
    engine.dispose()


def test_results_are_published_after_the_answer_is_committed(world, board, recorder):
    poll = add(world.mediator, board, open_it=True)
    participant = phone(board)
    recorder.clear()
    cid = client_id()
    services.submit_answer(participant, poll.id, cid, [0])
    assert recorder == [Recorded(bus.RESULTS, board.id, 1)]  # seen stored by another connection
    services.submit_answer(participant, poll.id, cid, [0])  # a retry: nothing new to tell
    refused("invalid", services.submit_answer, participant, poll.id, client_id(), [9])
    assert len(recorder) == 1


def test_control_publishes_state_for_phones_after_committing(world, board, recorder):
    add(world.mediator, board)
    add(world.mediator, board, "scale", "B", {})
    recorder.clear()
    services.control(staff(world), board, "next")
    topics = [r.topic for r in recorder]
    assert bus.STATE in topics and bus.RESULTS in topics
    refused("forbidden", services.control, Actor(participant=phone(board)), board, "next")
    assert [r.topic for r in recorder] == topics  # a refusal tells nobody anything


def test_deleting_the_current_activity_shows_the_one_that_took_its_place(world, board):
    first = services.add_activity(
        world.mediator, board, kind="scale", prompt="Météo", config={"style": "weather"}
    )
    second = services.add_activity(
        world.mediator, board, kind="wordcloud", prompt="Un mot", config={"max_words": 1}
    )
    assert board.current_activity_id == first.id
    services.delete_activity(world.mediator, first)
    db.session.refresh(board)
    assert board.current_activity_id == second.id
    services.delete_activity(world.mediator, second)
    db.session.refresh(board)
    assert board.current_activity_id is None
