"""What the person asked to erase is erased; only counts stay (issue 7, section 5), and a
mediator removes a person from their own space only (section 1).

Found after ``/moi/effacer``: co-animation notes (free text staff wrote about the person)
survived; the person's contribution texts and the device hash survived, so their board
answers stayed linkable; and every attendance row kept the person's key, a trail across
spaces and years. Found too: a phone that joined boards but was never checked in could
neither see nor erase what it sent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from facilitation.audit import services as audit
from facilitation.audit.models import AuditEntry
from facilitation.core.exceptions import Forbidden, NotFound
from facilitation.extensions import db
from facilitation.live import services as live
from facilitation.live.models import Activity, Answer, Contribution, LiveParticipant
from facilitation.participants import services
from facilitation.participants.models import (
    Attendance,
    AttendanceStatus,
    CoAnimation,
    Participant,
    ParticipantDevice,
    ParticipantLink,
    SpaceParticipant,
)
from facilitation.workshops.models import Cycle, WorkshopSession

from .. import factories
from ..conftest import text_of
from .helpers import board_of, count, phone

SECRETS = (
    "Zéphyrine",  # her pseudonym
    "Vient avec sa fille",  # the Arnaud Bernard team's notes
    "Parle peu en groupe",  # the Les Izards team's notes
    "A animé le photolangage",  # a co-animation note
    "Un médecin qui parle tigrinya",  # her post-it
    "Pourquoi tant d'attente ?",  # her question
    "fatigue",  # her word in the word cloud
)


def staff(world):
    return live.Actor(user=world.mediator)


def open_activity(world, board, kind, prompt, config):
    activity = live.add_activity(world.mediator, board, kind=kind, prompt=prompt, config=config)
    live.control(staff(world), board, "goto", {"activity_id": activity.id})
    live.control(staff(world), board, "open")
    return activity


def everything_stored() -> str:
    """Every row of every table, as text (to look for what must be gone)."""
    db.session.expire_all()
    return "\n".join(
        repr(row)
        for table in db.metadata.sorted_tables
        for row in db.session.execute(table.select())
    )


def distinct_per_space_and_year() -> dict[tuple[int, int], int]:
    """Distinct people present per (space, calendar year): what a yearly report counts."""
    db.session.expire_all()
    people: dict[tuple[int, int], set] = defaultdict(set)
    for key, participant_id, space_id, day in db.session.execute(
        sa.select(
            Attendance.person_key,
            Attendance.participant_id,
            Cycle.space_id,
            WorkshopSession.starts_on,
        )
        .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
        .join(Cycle, Cycle.id == WorkshopSession.cycle_id)
        .where(Attendance.status == AttendanceStatus.PRESENT)
    ):
        people[(space_id, day.year)].add(key or participant_id)
    return {k: len(v) for k, v in people.items()}


def overview(world, cycle) -> list[tuple]:
    o = services.cycle_overview(world.coordinator, cycle)
    lines = [(line.session.id, line.came, line.new, line.co_animated) for line in o.lines]
    return [*lines, (o.people, o.co_animators, o.moved_to_co_animating)]


@dataclass
class Story:
    zephyrine: Participant
    cycles: list[Cycle]
    sessions: dict[str, WorkshopSession]
    boards: list
    old_key: str
    other_texts: tuple[str, ...]


def zephyrines_story(world) -> Story:
    """Zéphyrine came to Arnaud Bernard in 2030 and 2031 (one cycle runs across New Year),
    to Les Izards in 2030; both teams wrote notes; she co-animated; on the boards she wrote
    a post-it, a question and a word, and answered a poll; an old board still holds her
    phone from before her check-in; she has a second phone and an unused link. Atlas
    took part too: nothing of his may change."""
    ab_2030 = factories.cycle(world.space, "Tronc commun 2030")
    ab_winter = factories.cycle(world.space, "Hiver 2031-2032")
    s = {
        "ab-2030-a": factories.session(ab_2030, theme="Accueil", starts_on=date(2030, 3, 4)),
        "ab-2030-b": factories.session(ab_2030, theme="Nos droits", starts_on=date(2030, 3, 11)),
        "ab-2031-dec": factories.session(ab_winter, theme="Le froid", starts_on=date(2031, 12, 8)),
        "ab-2032-jan": factories.session(ab_winter, theme="La suite", starts_on=date(2032, 1, 12)),
        "izards-2030": factories.session(
            world.other_cycle, theme="Les voisins", starts_on=date(2030, 5, 6)
        ),
    }
    atlas = factories.participant(world.space, "Atlas")
    for key in ("ab-2030-a", "ab-2030-b", "ab-2031-dec"):
        services.record_attendance(world.mediator, s[key], atlas, "present")

    # Before her check-in, her phone took part in a board (and never came back to it).
    old_board = board_of(world, s["ab-2030-a"])
    early = phone(old_board, "zephyrine-phone", "Zéphyrine")
    poll = open_activity(world, old_board, "poll", "D'accord ?", {"choices": ["Oui", "Non"]})
    live.submit_answer(early, poll.id, "client-z-poll", [0])
    atlas_phone = phone(old_board, "atlas-phone", "Atlas")
    live.submit_answer(atlas_phone, poll.id, "client-a-poll", [1])

    board = board_of(world, s["ab-2030-b"])
    on_board = phone(board, "zephyrine-phone", "Zéphyrine")
    zephyrine = services.confirm_check_in(world.mediator, s["ab-2030-b"], on_board.id)
    services.record_attendance(world.mediator, s["ab-2030-a"], zephyrine, "present")
    ideas = open_activity(world, board, "ideas", "Ce qui manque", {"dots": 3})
    live.contribute(on_board, ideas.id, "client-z-idea", "Un médecin qui parle tigrinya")
    atlas_here = phone(board, "atlas-phone", "Atlas")
    live.contribute(atlas_here, ideas.id, "client-a-idea", "Des horaires le soir")
    questions = open_activity(world, board, "questions", "Vos questions", {})
    live.contribute(on_board, questions.id, "client-z-question", "Pourquoi tant d'attente ?")
    cloud = open_activity(world, board, "wordcloud", "Un mot", {"max_words": 3})
    live.submit_answer(on_board, cloud.id, "client-z-word", ["fatigue"])
    live.submit_answer(atlas_here, cloud.id, "client-a-word", ["soleil"])
    services.add_co_animation(
        world.mediator,
        zephyrine,
        kind="animated_tool",
        space=world.space,
        occurred_on=s["ab-2030-b"].starts_on,
        session=s["ab-2030-b"],
        note="A animé le photolangage",
    )
    for key in ("ab-2031-dec", "ab-2032-jan"):
        services.record_attendance(world.mediator, s[key], zephyrine, "present")
    services.record_attendance(world.coordinator, s["izards-2030"], zephyrine, "present")
    services.update_participant(
        world.coordinator,
        zephyrine,
        services.ParticipantData(
            pseudonym="Zéphyrine",
            notes={
                world.space.id: "Vient avec sa fille",
                world.other_space.id: "Parle peu en groupe",
            },
        ),
    )
    services.create_sign_in_link(world.mediator, zephyrine)  # a second phone, via a link
    token = services.create_sign_in_link(world.mediator, zephyrine)
    services.use_sign_in_link(token, "zephyrine-second-phone")
    services.create_sign_in_link(world.mediator, zephyrine)  # never used
    db.session.refresh(zephyrine)
    return Story(
        zephyrine,
        [ab_2030, ab_winter, world.other_cycle],
        s,
        [old_board, board],
        zephyrine.anon_key,
        ("Atlas", "Des horaires le soir", "soleil"),
    )


def her_rows(story: Story):
    """Her former attendance and co-animation rows (found by their sessions: no link left)."""
    ids = {s.id for s in story.sessions.values()}
    atlas = db.session.scalar(sa.select(Participant.id).where(Participant.pseudonym == "Atlas"))
    attendances = list(
        db.session.scalars(
            sa.select(Attendance).where(
                Attendance.session_id.in_(ids), Attendance.participant_id.is_distinct_from(atlas)
            )
        )
    )
    co = list(db.session.scalars(sa.select(CoAnimation)))
    return attendances, co


@pytest.mark.parametrize("who", ["self", "coordinator"])
def test_erasure_leaves_no_free_text_and_no_linkable_device(world, who):
    story = zephyrines_story(world)
    her_id = story.zephyrine.id
    her_hashes = {live.hash_device(k) for k in ("zephyrine-phone", "zephyrine-second-phone")}
    assert all(text in everything_stored() for text in SECRETS)  # the set-up holds them
    rows_before = {m: count(m) for m in (LiveParticipant, Contribution, Answer, Attendance)}

    if who == "self":
        services.self_erase(services.participant_for_device("zephyrine-phone"))
    else:
        services.staff_erase(world.coordinator, story.zephyrine)

    stored = everything_stored()
    for text in SECRETS:
        assert text not in stored, text
    for text in story.other_texts:  # Atlas's post-it, word and pseudonym stay
        assert text in stored, text
    assert db.session.get(Participant, her_id) is None
    assert count(ParticipantDevice) == 0 and count(ParticipantLink) == 0
    assert count(SpaceParticipant, SpaceParticipant.participant_id == her_id) == 0
    # Her board identities: no phone's hash, no pseudonym, no person — on every board.
    for on_board in db.session.scalars(sa.select(LiveParticipant)):
        assert on_board.device_hash not in her_hashes
    assert count(LiveParticipant, LiveParticipant.participant_id.is_not(None)) == 0
    assert services.phone_traces("zephyrine-phone") == []
    # Rows and counts stay: results still count her answers, her post-its keep their place.
    assert {m: count(m) for m in rows_before} == rows_before
    poll = db.session.scalar(
        sa.select(Answer.activity_id).where(Answer.client_id == "client-z-poll")
    )
    assert live.results(db.session.get(Activity, poll)) == {"total": 2, "counts": [1, 1]}
    cloud = db.session.scalar(
        sa.select(Answer.activity_id).where(Answer.client_id == "client-z-word")
    )
    words = live.results(db.session.get(Activity, cloud))
    assert (words["total"], [w["text"] for w in words["words"]]) == (2, ["soleil"])


def test_erasure_keeps_every_count_and_leaves_no_trail_across_spaces_or_years(world):
    story = zephyrines_story(world)
    before_overviews = [overview(world, c) for c in story.cycles]
    before_yearly = distinct_per_space_and_year()
    assert before_yearly == {
        (world.space.id, 2030): 2,
        (world.space.id, 2031): 2,
        (world.space.id, 2032): 1,
        (world.other_space.id, 2030): 1,
    }

    services.self_erase(story.zephyrine)

    assert [overview(world, c) for c in story.cycles] == before_overviews
    assert distinct_per_space_and_year() == before_yearly
    attendances, co = her_rows(story)
    assert all(a.participant_id is None for a in attendances) and attendances
    key_of = {a.session_id: a.person_key for a in attendances}
    s = story.sessions
    assert story.old_key not in set(key_of.values()) | {c.person_key for c in co}
    # One key per space and year; a cycle across New Year keeps one key for its rows.
    assert key_of[s["ab-2030-a"].id] == key_of[s["ab-2030-b"].id]
    assert key_of[s["ab-2031-dec"].id] == key_of[s["ab-2032-jan"].id]
    assert key_of[s["ab-2030-a"].id] != key_of[s["ab-2031-dec"].id]  # years not linked
    assert key_of[s["izards-2030"].id] not in {  # spaces not linked
        key_of[s["ab-2030-a"].id],
        key_of[s["ab-2031-dec"].id],
    }
    # Her co-animation counts with her 2030 Arnaud Bernard sessions, note blanked.
    (co_row,) = co
    assert (co_row.person_key, co_row.note, co_row.participant_id) == (
        key_of[s["ab-2030-a"].id],
        "",
        None,
    )
    # What may now count her twice, as documented: distinct people over spaces and years.
    structure_wide = len({a.person_key for a in attendances})
    assert structure_wide == 3


def test_fresh_keys_group_rows_by_space_and_year_or_cycle():
    rows = [
        ("a", 1, 10, 2030),
        ("b", 1, 11, 2030),  # same space and year as a
        ("c", 1, 12, 2031),  # cycle 12 runs across New Year…
        ("d", 1, 12, 2032),  # …so c and d share a key
        ("e", 2, 20, 2030),  # another space: never a's key
        ("f", 1, None, 2032),  # off-app co-animation of 2032: with d (same space and year)
    ]
    keys = services.fresh_keys(rows)
    assert keys["a"] == keys["b"]
    assert keys["c"] == keys["d"] == keys["f"]
    assert len({keys["a"], keys["c"], keys["e"]}) == 3
    assert services.fresh_keys(rows)["a"] != keys["a"]  # random each time


# --- only the coordinator erases or merges; a mediator removes from their space ----------------


def test_a_mediator_gets_403_on_erase_and_merge(client, auth, world):
    nour = factories.participant(world.space, "Nour")
    noor = factories.participant(world.space, "Noor")
    auth.login(world.mediator)
    for method, path, data in (
        ("GET", f"/participants/{nour.id}/effacer", {}),
        ("POST", f"/participants/{nour.id}/effacer", {"confirm": "Nour"}),
        ("GET", f"/participants/{nour.id}/fusionner?avec={noor.id}", {}),
        ("POST", f"/participants/{nour.id}/fusionner", {"avec": noor.id, "confirm": "1"}),
    ):
        assert client.open(path, method=method, data=data).status_code == 403, path
    assert count(Participant) == 2
    with pytest.raises(Forbidden):
        services.staff_erase(world.mediator, nour)


def test_a_mediator_removes_a_person_from_their_space_and_the_counts_stay(client, auth, world):
    story = zephyrines_story(world)
    her_id = story.zephyrine.id
    s = story.sessions
    before_overviews = [overview(world, c) for c in story.cycles]
    before_yearly = distinct_per_space_and_year()
    present_before = services.roll_call(world.mediator, s["ab-2030-b"]).present
    auth.login(world.mediator)
    assert client.get(f"/participants/{her_id}/espaces/{world.space.id}/retirer").status_code == 200

    response = client.post(f"/participants/{her_id}/espaces/{world.space.id}/retirer")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/espaces/{world.space.id}/participants")
    assert [overview(world, c) for c in story.cycles] == before_overviews
    assert distinct_per_space_and_year() == before_yearly
    assert services.roll_call(world.mediator, s["ab-2030-b"]).present == present_before
    # Arnaud Bernard no longer knows her; Les Izards still does, with its part intact.
    assert client.get(f"/participants/{her_id}").status_code == 404
    with pytest.raises(NotFound):
        services.get_participant(world.mediator, her_id)
    journey = services.staff_journey(world.other_mediator, story.zephyrine)
    assert [(e.kind, e.space) for e in journey.events] == [("attended", "Les Izards")]
    stored = everything_stored()
    assert "Vient avec sa fille" not in stored and "A animé le photolangage" not in stored
    assert "Parle peu en groupe" in stored  # the other team's notes are not theirs to remove
    # Her Arnaud Bernard board identities are unlinked; her phone stays hers.
    assert services.participant_for_device("zephyrine-phone").id == her_id
    for board in story.boards:
        assert (
            count(
                LiveParticipant,
                LiveParticipant.board_id == board.id,
                LiveParticipant.device_hash == live.hash_device("zephyrine-phone"),
            )
            == 0
        )
    (entry,) = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == audit.REMOVE_FROM_SPACE)
    )
    assert (entry.actor_id, entry.participant_public_id, entry.details) == (
        world.mediator.id,
        db.session.get(Participant, her_id).public_id,
        {"space": world.space.id},
    )
    # She comes back to Les Izards: that is not a "first time" in the structure again.
    later = factories.session(world.other_cycle, theme="Encore", starts_on=date(2033, 1, 3))
    services.record_attendance(world.other_mediator, later, story.zephyrine, "present")
    assert count(Attendance, Attendance.participant_id == her_id, Attendance.first_visit) == 0


def test_a_mediator_cannot_remove_someone_from_a_space_not_theirs(world):
    nour = factories.participant(world.space, "Nour")
    services.record_attendance(world.coordinator, world.other_session, nour, "present")
    with pytest.raises(NotFound):
        services.remove_from_space(world.mediator, nour, world.other_space)
    assert count(SpaceParticipant, SpaceParticipant.participant_id == nour.id) == 2


# --- a phone that is no one's sees and erases what it sent --------------------------------------


def test_a_phone_never_checked_in_sees_what_it_sent_and_nothing_of_others(app, world):
    story_board = board_of(world, world.session)
    mine = phone(story_board, "lonely-phone", "Tilleul")
    theirs = phone(story_board, "other-phone", "Baobab")
    poll = open_activity(
        world, story_board, "poll", "Avez-vous un médecin ?", {"choices": ["Oui", "Non"]}
    )
    live.submit_answer(mine, poll.id, "client-m-1", [0])
    live.submit_answer(theirs, poll.id, "client-t-1", [1])
    ideas = open_activity(world, story_board, "ideas", "Ce qui manque", {"dots": 3})
    live.contribute(mine, ideas.id, "client-m-2", "Plus de traducteurs")
    live.contribute(theirs, ideas.id, "client-t-2", "Un lieu calme")
    me = app.test_client()
    me.set_cookie("fac_device", "lonely-phone")

    page = me.get("/moi/")

    text = text_of(page)
    assert page.status_code == 200
    assert world.session.theme in text and "Avez-vous un médecin ? — Oui" in text
    assert "Plus de traducteurs" in text
    for other in ("Baobab", "Un lieu calme", "Arnaud Bernard"):  # others; the space's name
        assert other not in page.get_data(as_text=True), other
    assert "n’est encore lié à aucun parcours" not in text  # not "unknown" any more


def test_a_phone_never_checked_in_erases_what_it_sent(app, world):
    board = board_of(world, world.session)
    mine = phone(board, "lonely-phone", "Tilleul")
    ideas = open_activity(world, board, "ideas", "Ce qui manque", {"dots": 3})
    live.contribute(mine, ideas.id, "client-m-2", "Plus de traducteurs")
    me = app.test_client()
    me.set_cookie("fac_device", "lonely-phone")
    assert me.get("/moi/effacer").status_code == 200

    response = me.post("/moi/effacer")

    assert response.status_code == 302
    assert me.get_cookie("fac_device") is None
    db.session.expire_all()
    row = db.session.get(LiveParticipant, mine.id)
    assert (row.pseudonym, row.participant_id) == (None, None)
    assert row.device_hash != live.hash_device("lonely-phone")
    assert db.session.scalar(sa.select(Contribution.text)) == ""
    assert count(Contribution) == 1  # the post-it's place (and its dots) stays
    assert services.phone_traces("lonely-phone") == []
    (entry,) = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == audit.PHONE_ERASE)
    )
    assert (entry.actor_id, entry.participant_public_id, entry.details) == (
        None,
        None,
        {"boards": 1},
    )
