"""The demo's year of history for the indicators: past cycles in the three spaces with
their attendance, co-animations and people brought by others, a T0/T1 self-assessment
(and the partner professionals' T1), the activity log of the mediation work, the two
quality grids filled on two dates, SMART objectives and barriers passed on.

New pseudonymous people only: the demo's regulars (Soleil, Mimosa…) and their journeys
stay as the other pages show them. Everything ends five weeks before today, so this
month's calendar and the upcoming sessions are the demo's own.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, time, timedelta

from flask import url_for

from ..accounts.models import Organisation, User
from ..extensions import db
from ..indicators import grids
from ..indicators.models import (
    ActivityLogEntry,
    Barrier,
    BarrierCategory,
    BarrierState,
    GridLine,
    GridName,
    GridVersion,
    LogKind,
    Objective,
    ScopeKind,
)
from ..live import kinds
from ..live.models import Activity, ActivityKind, ActivityStatus, Answer, Board, LiveParticipant
from ..live.services import hash_device, new_join_code
from ..participants import services as participants_services
from ..participants.models import (
    Attendance,
    AttendanceStatus,
    CoAnimation,
    CoAnimationKind,
    Participant,
    SpaceParticipant,
)
from ..spaces.models import Space
from ..workshops.models import Cycle, WorkshopSession
from . import indicator_projects

PEOPLE = [
    "Amandier", "Bambou", "Capucine", "Dune", "Églantine", "Figuier", "Gingembre", "Hibiscus",
    "Iris", "Jonquille", "Kiwi", "Lavande", "Magnolia", "Nénuphar", "Orchidée", "Pivoine",
    "Quetsche", "Romarin", "Safran", "Tulipe", "Ulysse", "Verveine", "Wassabi", "Yucca",
    "Zinnia", "Acacia", "Bleuet", "Cannelle", "Dahlia", "Épicéa", "Fougère", "Glycine",
    "Houx", "Ivoire", "Jade", "Kaki",
]  # fmt: skip


def demo_year(today: date) -> int:
    """The year the demo's history fills: this one, or the last one early in the year."""
    return today.year if today >= date(today.year, 4, 15) else today.year - 1


def _sessions(cycle, author, first: date, count: int, every: int, theme: str, end: date):
    out = []
    for i in range(count):
        day = first + timedelta(weeks=every * i)
        if day > end:
            break
        out.append(
            WorkshopSession(
                cycle=cycle,
                theme=f"{theme} ({i + 1})",
                starts_on=day,
                starts_at=time(14, 0),
                ends_at=time(16, 0),
                place="Case de Santé"
                if cycle.space.name == "Arnaud Bernard"
                else "Maison de quartier",
                created_by_id=author.id,
            )
        )
    return out


def _board(session: WorkshopSession) -> Board:
    board = Board(session=session, join_code=new_join_code(), screen_key=secrets.token_urlsafe(24))
    db.session.add(board)
    db.session.flush()
    return board


def _self_assessment(board: Board, position: int, moment: str, statements, audience="participants"):
    config = kinds.get(ActivityKind.SELF_ASSESSMENT).clean_config(
        {"statements": statements, "moment": moment, "audience": audience}
    )
    activity = Activity(
        board_id=board.id,
        position=position,
        kind=ActivityKind.SELF_ASSESSMENT,
        prompt="Où j'en suis aujourd'hui" + (" (fin du cycle)" if moment == "t1" else ""),
        config=config,
        state={},
        status=ActivityStatus.CLOSED,
        results_visible=True,
    )
    db.session.add(activity)
    db.session.flush()
    return activity


def _phone(board: Board, key: str, participant: Participant | None) -> LiveParticipant:
    phone = LiveParticipant(
        board_id=board.id,
        device_hash=hash_device(key),
        participant_id=participant.id if participant else None,
        language="fr",
    )
    db.session.add(phone)
    db.session.flush()
    return phone


def _answer(activity: Activity, phone: LiveParticipant, value) -> None:
    kind = kinds.get(activity.kind)
    db.session.add(
        Answer(
            activity_id=activity.id,
            participant_id=phone.id,
            client_id=secrets.token_hex(8),
            value=kind.clean_answer(activity.config, activity.state, value, None),
        )
    )


def seed(
    org: Organisation,
    users: dict[str, User],
    spaces: dict[str, Space],
    today: date,
    rng: random.Random,
) -> dict:
    year = demo_year(today)
    end = min(date(year, 12, 31), today - timedelta(days=35))
    coordinator, amina, julien = users["coordinator"], users["amina"], users["julien"]
    arnaud, izards, douleurs = spaces["arnaud"], spaces["izards"], spaces["douleurs"]

    def monday_after(day: date, weekday: int) -> date:
        return day + timedelta(days=(weekday - day.weekday()) % 7)

    last_year = Cycle(
        space=arnaud,
        title=f"Cycle d'automne {year - 1} (tronc commun)",
        description="Le cycle de l'an dernier.",
        created_by_id=amina.id,
    )
    spring = Cycle(
        space=arnaud,
        title=f"Cycle du printemps {year} (tronc commun)",
        description="Le cycle du printemps.",
        created_by_id=amina.id,
    )
    autumn = Cycle(
        space=arnaud,
        title=f"Cycle d'automne {year} (tronc commun)",
        description="Le cycle de la rentrée.",
        created_by_id=amina.id,
    )
    housing = Cycle(
        space=izards,
        title=f"Santé et logement — {year}",
        description="Un atelier tous les quinze jours.",
        created_by_id=julien.id,
    )
    pain = Cycle(
        space=douleurs,
        title=f"Groupe douleur — {year}",
        description="Une rencontre par mois.",
        created_by_id=amina.id,
    )
    for finished in (last_year, spring, autumn, housing, pain):
        # Finished cycles, archived: the spaces' pages list the current ones first.
        finished.archived_at = datetime.combine(end, time(18, 0), tzinfo=UTC)
    db.session.add_all([last_year, spring, autumn, housing, pain])
    sessions = {
        last_year: _sessions(
            last_year, amina, monday_after(date(year - 1, 9, 15), 1), 6, 1, "Tronc commun", end
        ),
        spring: _sessions(
            spring, amina, monday_after(date(year, 1, 13), 1), 8, 1, "Tronc commun", end
        ),
        autumn: _sessions(
            autumn, amina, monday_after(date(year, 9, 15), 1), 6, 1, "Tronc commun", end
        ),
        housing: _sessions(
            housing, julien, monday_after(date(year, 2, 5), 3), 10, 2, "Santé et logement", end
        ),
        pain: _sessions(
            pain, amina, monday_after(date(year, 1, 20), 2), 10, 4, "Parler de sa douleur", end
        ),
    }
    for items in sessions.values():
        db.session.add_all(items)
    db.session.flush()

    people = [Participant(organisation_id=org.id, pseudonym=name) for name in PEOPLE]
    db.session.add_all(people)
    db.session.flush()
    homes = {arnaud: people[:16], izards: people[16:28], douleurs: people[28:]}
    both = people[14:18]  # in Arnaud Bernard and in Les Izards
    for space, members in homes.items():
        for person in members:
            db.session.add(SpaceParticipant(space_id=space.id, participant_id=person.id))
    for person in both:
        other = izards if person in homes[arnaud] else arnaud
        db.session.add(SpaceParticipant(space_id=other.id, participant_id=person.id))
    members_of = {
        last_year: homes[arnaud][:10],
        spring: homes[arnaud] + both[2:],
        autumn: homes[arnaud][4:] + both[2:],
        housing: homes[izards] + both[:2],
        pain: homes[douleurs],
    }
    for cycle, items in sessions.items():
        regulars = members_of[cycle]
        for index, session in enumerate(items):
            for n, person in enumerate(regulars):
                # Some come to every session, some to a few: assiduité vs réalités de vie.
                likely = 0.85 if n % 3 == 0 else (0.55 if n % 3 == 1 else 0.25)
                if index == 0 and n % 3 != 2:
                    likely = 0.95
                roll = rng.random()
                if roll < likely:
                    status = AttendanceStatus.PRESENT
                elif roll < likely + 0.1:
                    status = AttendanceStatus.EXCUSED
                else:
                    continue
                db.session.add(
                    Attendance(
                        session_id=session.id,
                        participant_id=person.id,
                        person_key=person.anon_key,
                        status=status,
                        recorded_by_id=amina.id,
                    )
                )
    db.session.flush()
    for person in people:
        participants_services.recompute_first_visits(person.id)
    # Mobilisation: people brought by others.
    for brought, by in [(5, 0), (7, 0), (9, 3), (20, 16), (22, 18), (30, 28)]:
        people[brought].brought_by_id = people[by].id
    # Co-animation: regulars animating a tool or the board, a proposal of a space.
    co = [
        (people[0], arnaud, sessions[spring][3], CoAnimationKind.ANIMATED_TOOL),
        (people[3], arnaud, sessions[spring][5], CoAnimationKind.BOARD),
        (people[6], arnaud, sessions[spring][6], CoAnimationKind.ANIMATED_TOOL),
        (people[16], izards, sessions[housing][4], CoAnimationKind.ANIMATED_TOOL),
        (people[19], izards, sessions[housing][6], CoAnimationKind.BOARD),
        (people[28], douleurs, sessions[pain][3], CoAnimationKind.ANIMATED_TOOL),
    ]
    for person, space, session, kind in co:
        db.session.add(
            CoAnimation(
                organisation_id=org.id,
                participant_id=person.id,
                person_key=person.anon_key,
                space_id=space.id,
                session_id=session.id,
                kind=kind,
                occurred_on=session.starts_on,
                recorded_by_id=amina.id,
            )
        )
    db.session.add(
        CoAnimation(
            organisation_id=org.id,
            participant_id=people[0].id,
            person_key=people[0].anon_key,
            space_id=arnaud.id,
            kind=CoAnimationKind.REUSED_TOOL,
            note="A repris le photolangage avec son association",
            occurred_on=sessions[spring][-1].starts_on + timedelta(days=10),
            recorded_by_id=amina.id,
        )
    )

    _outcomes(sessions[spring], members_of[spring], rng)
    _activity_log(
        org,
        {"arnaud": arnaud, "izards": izards, "douleurs": douleurs},
        [amina, julien],
        year,
        end,
        rng,
    )
    _grids(org, coordinator, year, end)
    _objectives(org, coordinator, year, arnaud, spring)
    _barriers(org, [amina, julien], arnaud, izards, douleurs, year, end)
    indicator_projects.seed(
        arnaud=arnaud,
        douleurs=douleurs,
        staff=amina,
        spring=sessions[spring],
        pain=sessions[pain],
        arnaud_people=homes[arnaud],
        pain_people=homes[douleurs],
        end=end,
    )
    db.session.commit()
    args = {"annee": year}
    return {
        "year": year,
        "url": url_for("indicators.index", **args, _external=True),
        "ods_url": url_for("indicators.export", fmt="ods", **args, _external=True),
        "xlsx_url": url_for("indicators.export", fmt="xlsx", **args, _external=True),
        "csv_url": url_for("indicators.export", fmt="csv", **args, _external=True),
        "pdf_url": url_for("indicators.export", fmt="pdf", **args, _external=True),
        "report_pdf_url": url_for("indicators.annual_report", **args, _external=True),
    }


STATEMENTS = ["know_where_care", "steps_alone", "talk_carer", "know_rights"]


def _outcomes(spring: list[WorkshopSession], members: list[Participant], rng) -> None:
    """T0 at the first session of the spring cycle, T1 at its last; guests at the last."""
    if len(spring) < 2:
        return
    first, last = _board(spring[0]), _board(spring[-1])
    t0 = _self_assessment(first, 0, "t0", [{"key": k} for k in STATEMENTS])
    t1 = _self_assessment(last, 0, "t1", [{"key": k} for k in STATEMENTS])
    pro = _self_assessment(
        last, 1, "t1", [{"key": "know_public"}, {"key": "changed_practice"}], "professionals"
    )
    for n, person in enumerate(members[:14]):
        start = {str(i): rng.choice([1, 2, 2, 3, 3, 4]) for i in range(len(STATEMENTS))}
        _answer(t0, _phone(first, f"demo-sa-{n}", person), start)
        if n % 7 == 6:
            continue  # did not come back for the T1
        later = {
            key: max(1, min(5, point + rng.choice([-1, 0, 1, 1, 1, 2])))
            for key, point in start.items()
        }
        _answer(t1, _phone(last, f"demo-sa-{n}", person), later)
    for n in range(2):  # phones not linked to a record: counted, never paired
        _answer(t0, _phone(first, f"demo-sa-anon-{n}", None), {"0": 3, "1": 2})
    for n, (know, changed) in enumerate([(5, 4), (4, 4), (5, 3), (4, 5), (3, 2), (5, 4)]):
        _answer(pro, _phone(last, f"demo-guest-{n}", None), {"0": know, "1": changed})


def _activity_log(org, spaces: dict, staff: list[User], year: int, end: date, rng) -> None:
    plans = [  # (space, kind, entries in the year, people per entry)
        ("arnaud", LogKind.ORIENTATION, 26, (1, 2)),
        ("arnaud", LogKind.ACCOMPANIMENT, 12, (1, 1)),
        ("arnaud", LogKind.INTERVIEW, 30, (1, 1)),
        ("arnaud", LogKind.PARTNER_MEETING, 6, (3, 8)),
        ("izards", LogKind.OUTREACH, 10, (6, 18)),
        ("izards", LogKind.ORIENTATION, 14, (1, 3)),
        ("izards", LogKind.INFORMATION_SESSION, 4, (8, 15)),
        ("douleurs", LogKind.INTERVIEW, 8, (1, 1)),
        ("douleurs", LogKind.PARTNER_MEETING, 2, (2, 5)),
    ]
    partners = {
        LogKind.ORIENTATION: ["PASS de l'hôpital", "CPAM", "Centre de santé", ""],
        LogKind.ACCOMPANIMENT: ["PASS de l'hôpital", "CPAM", "Pharmacie"],
        LogKind.PARTNER_MEETING: ["CPAM", "CCAS", "Réseau santé précarité"],
        LogKind.OUTREACH: ["", "Accueil de jour"],
        LogKind.INFORMATION_SESSION: ["Maison de quartier"],
        LogKind.INTERVIEW: [""],
    }
    span = max((end - date(year, 1, 2)).days, 1)
    for space, kind, count, (low, high) in plans:
        for _n in range(count):
            db.session.add(
                ActivityLogEntry(
                    organisation_id=org.id,
                    space_id=spaces[space].id,
                    occurred_on=date(year, 1, 2) + timedelta(days=rng.randrange(span)),
                    kind=kind,
                    people=rng.randint(low, high),
                    partner=rng.choice(partners[kind]),
                    recorded_by_id=rng.choice(staff).id,
                )
            )


def _grid_version(org, author, grid: GridName, day: date, ratings: dict, comments: dict):
    version = GridVersion(
        organisation_id=org.id,
        grid=grid,
        scope_key="structure",
        filled_on=day,
        filled_by_id=author.id,
    )
    version.lines = [
        GridLine(
            item=item.key, rating=ratings.get(item.key, ""), comment=comments.get(item.key, "")
        )
        for item in grids.GRIDS[grid].items
    ]
    db.session.add(version)


def _grids(org, author, year: int, end: date) -> None:
    early, late = min(date(year, 3, 15), end), min(date(year, 10, 15), end)
    first = {
        "diagnostic": "met", "acculturation": "in_progress", "means": "in_progress",
        "ethics": "in_progress", "monitoring_tools": "not_met", "veille_protocol": "not_met",
        "public_and_professionals": "met", "participation": "met",
        "individual_and_collective": "met",
    }  # fmt: skip
    second = {**first, "monitoring_tools": "in_progress", "veille_protocol": "met", "ethics": "met"}
    comments = {
        "diagnostic": "Diagnostic partagé avec le contrat local de santé.",
        "veille_protocol": "Les dysfonctionnements sont maintenant saisis dans la veille.",
        "participation": "Co-animation des ateliers par des participant·es.",
    }
    _grid_version(org, author, GridName.ANNEX5, early, first, {})
    if late > early:
        _grid_version(org, author, GridName.ANNEX5, late, second, comments)
    six = {item.key: "yes" for item in grids.ANNEX6.items}
    six.update({"outreach_professionals": "partly", "watch": "partly", "rights": "yes"})
    _grid_version(
        org,
        author,
        GridName.ANNEX6,
        min(date(year, 6, 30), end),
        six,
        {"barriers": "Remontée trimestrielle à la délégation territoriale de l'ARS."},
    )


def _objectives(org, author, year: int, arnaud: Space, spring: Cycle) -> None:
    db.session.add_all(
        [
            Objective(
                organisation_id=org.id,
                year=year,
                scope_kind=ScopeKind.STRUCTURE,
                indicator="distinct_people",
                target=60,
                created_by_id=author.id,
                title=f"60 personnes distinctes accueillies en {year}",
            ),
            Objective(
                organisation_id=org.id,
                year=year,
                scope_kind=ScopeKind.STRUCTURE,
                indicator="log_orientation",
                target=80,
                created_by_id=author.id,
                title=f"80 orientations en {year}",
            ),
            Objective(
                organisation_id=org.id,
                year=year,
                scope_kind=ScopeKind.STRUCTURE,
                indicator="went_on_to_co_animate",
                target=8,
                created_by_id=author.id,
                title="8 participant·es passé·es à la co-animation",
            ),
            Objective(
                organisation_id=org.id,
                year=year,
                scope_kind=ScopeKind.CYCLE,
                space_id=arnaud.id,
                cycle_id=spring.id,
                indicator="distinct_people",
                target=15,
                created_by_id=author.id,
                title="15 personnes distinctes dans le tronc commun du printemps",
            ),
        ]
    )


def _barriers(org, staff, arnaud, izards, douleurs, year: int, end: date) -> None:
    items = [
        (
            arnaud,
            2,
            10,
            BarrierCategory.REFUSAL_OF_CARE,
            "Cabinet dentaire du quartier",
            "Rendez-vous refusé à deux personnes bénéficiaires de la complémentaire santé "
            "solidaire.",
            2,
            "CPAM — conciliateur",
            "answered",
        ),
        (
            arnaud,
            3,
            4,
            BarrierCategory.NO_INTERPRETER,
            "Service des urgences",
            "Consultation sans interprète : la personne n'a pas compris le traitement prescrit.",
            1,
            "Direction de l'hôpital",
            "no_answer",
        ),
        (
            izards,
            4,
            18,
            BarrierCategory.DIGITAL,
            "CAF",
            "Démarche possible uniquement en ligne, sans accompagnement au guichet.",
            6,
            "Délégation territoriale de l'ARS",
            "transmitted",
        ),
        (
            izards,
            5,
            22,
            BarrierCategory.DOMICILIATION,
            "CCAS",
            "Délai de plus de deux mois pour obtenir une domiciliation.",
            4,
            "",
            "reported",
        ),
        (
            douleurs,
            6,
            12,
            BarrierCategory.RIGHTS_DELAY,
            "CPAM",
            "Plus de trois mois pour l'ouverture des droits à l'AME.",
            3,
            "Délégation territoriale de l'ARS",
            "answered",
        ),
        (
            arnaud,
            9,
            29,
            BarrierCategory.COST,
            "Opticien",
            "Dépassements d'honoraires demandés malgré la complémentaire santé solidaire.",
            2,
            "",
            "reported",
        ),
    ]
    for space, month, day, category, institution, text, people, to, state in items:
        occurred = min(date(year, month, day), end)
        barrier = Barrier(
            organisation_id=org.id,
            space_id=space.id,
            occurred_on=occurred,
            category=category,
            institution=institution,
            description=text,
            people=people,
            state=BarrierState(state),
            transmitted_to=to,
            recorded_by_id=staff[0].id if space is not izards else staff[1].id,
        )
        if to:
            barrier.transmitted_on = min(occurred + timedelta(days=7), end)
        if state in ("answered", "no_answer"):
            barrier.answered_on = min(occurred + timedelta(days=40), end)
        if state == "answered":
            barrier.answer = "Rappel des règles envoyé aux professionnels concernés."
        db.session.add(barrier)
