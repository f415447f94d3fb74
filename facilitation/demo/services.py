"""Fill an empty database with a realistic demo (a Case-de-Santé-like structure)."""

from __future__ import annotations

import random
import secrets
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask import url_for

from ..accounts import services as accounts
from ..accounts.models import Organisation, Role, User
from ..core.exceptions import ValidationError
from ..extensions import db
from ..live import kinds
from ..live.models import Activity, ActivityKind, ActivityStatus, Board
from ..live.services import new_join_code
from ..participants import services as participants_services
from ..participants.models import (
    Attendance,
    AttendanceStatus,
    CoAnimation,
    CoAnimationKind,
    Participant,
    SpaceParticipant,
)
from ..spaces.models import Space, SpaceKind, SpaceMembership
from ..workshops.models import Cycle, WorkshopSession

PSEUDONYMS = [
    "Soleil",
    "Mimosa",
    "Atlas",
    "Baobab",
    "Colibri",
    "Olivier",
    "Nour",
    "Tilleul",
    "Zèbre",
    "Corail",
    "Lune",
    "Cèdre",
    "Papillon",
    "Sirocco",
    "Jasmin",
]

TRONC_COMMUN = [
    ("Faire connaissance, nos attentes (météo, photolangage)", "Jeu de cartes photolangage"),
    ("Le système de santé : qui fait quoi ?", "Plateau de jeu, cartes acteurs"),
    ("Mes droits : PUMa, complémentaire santé solidaire, AME", "Quiz, fiches droits"),
    ("La relation avec les soignants (jeu de rôle)", "Scénarios de jeu de rôle"),
    ("Santé et conditions de vie (débat mouvant)", "Affirmations pour le débat"),
    ("Bilan partagé du cycle", "Post-its, grille de bilan"),
]


class DatabaseNotEmpty(ValidationError):
    pass


def _password() -> str:
    return secrets.token_urlsafe(12)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def seed(today: date, *, rng_seed: int = 2016) -> dict:
    """Create the demo and return its logins and entry points (URLs need a request context)."""
    if db.session.scalar(sa.select(sa.func.count(User.id))):
        raise DatabaseNotEmpty(
            "The database already has accounts: the demo is only for an empty one."
        )
    rng = random.Random(rng_seed)  # noqa: S311  (reproducible demo, not security)
    org = Organisation(name="Case de Santé (démo)")
    db.session.add(org)

    logins = {
        "coordinator": ("coordination@example.org", "Camille (coordination)", Role.COORDINATOR),
        "amina": ("amina@example.org", "Amina", Role.MEDIATOR),
        "julien": ("julien@example.org", "Julien", Role.MEDIATOR),
    }
    users: dict[str, User] = {}
    passwords: dict[str, str] = {}
    for key, (email, name, role) in logins.items():
        passwords[key] = _password()
        users[key] = accounts.create_user(
            org, email=email, password=passwords[key], display_name=name, role=role, commit=False
        )

    arnaud = Space(
        organisation=org,
        name="Arnaud Bernard",
        kind=SpaceKind.TERRITORIAL,
        description="Espace collectif du quartier Arnaud Bernard.",
    )
    izards = Space(
        organisation=org,
        name="Les Izards",
        kind=SpaceKind.TERRITORIAL,
        description="Espace collectif du quartier des Izards.",
    )
    douleurs = Space(
        organisation=org,
        name="Douleurs chroniques",
        kind=SpaceKind.THEMATIC,
        description="Groupe thématique autour des douleurs chroniques.",
    )
    db.session.add_all([arnaud, izards, douleurs])
    db.session.flush()
    for space, user in [(arnaud, "amina"), (douleurs, "amina"), (izards, "julien")]:
        db.session.add(SpaceMembership(space_id=space.id, user_id=users[user].id))

    # The tronc commun: weekly on Tuesdays, half done, half to come.
    first = _weekday_on_or_after(today, 1) - timedelta(weeks=3)
    tronc = Cycle(
        space=arnaud,
        title="Tronc commun — reprendre la main sur sa santé",
        description="Six ateliers pour mieux connaître le système de santé et ses droits.",
        created_by_id=users["amina"].id,
    )
    sessions = [
        WorkshopSession(
            cycle=tronc,
            theme=theme,
            starts_on=first + timedelta(weeks=i),
            starts_at=time(14, 0),
            ends_at=time(16, 30),
            place="Case de Santé, salle commune",
            notes=f"Matériel : {material}.",
            created_by_id=users["amina"].id,
        )
        for i, (theme, material) in enumerate(TRONC_COMMUN)
    ]
    izards_cycle = Cycle(
        space=izards,
        title="Santé et logement",
        description="Ateliers sur le lien entre logement et santé.",
        created_by_id=users["julien"].id,
    )
    izards_sessions = [
        WorkshopSession(
            cycle=izards_cycle,
            theme=theme,
            starts_on=today + timedelta(days=d),
            starts_at=time(10, 0),
            ends_at=time(12, 0),
            place="Maison de quartier",
            created_by_id=users["julien"].id,
        )
        for theme, d in [
            ("Humidité, chauffage : ce qui nous rend malades", 2),
            ("Nos droits de locataires", 9),
        ]
    ]
    douleurs_cycle = Cycle(
        space=douleurs,
        title="Vivre avec la douleur",
        description="Échanges entre pairs et outils pour en parler aux soignants.",
        created_by_id=users["amina"].id,
    )
    douleurs_sessions = [
        WorkshopSession(
            cycle=douleurs_cycle,
            theme="Parler de sa douleur : la météo du corps",
            starts_on=today + timedelta(days=4),
            starts_at=time(17, 30),
            ends_at=time(19, 0),
            place="Case de Santé, petite salle",
            created_by_id=users["amina"].id,
        )
    ]
    db.session.add_all(
        [tronc, izards_cycle, douleurs_cycle, *sessions, *izards_sessions, *douleurs_sessions]
    )

    participants = [Participant(organisation=org, pseudonym=p) for p in PSEUDONYMS]
    db.session.add_all(participants)
    db.session.flush()
    for i, participant in enumerate(participants):
        space = arnaud if i < 11 else izards
        db.session.add(SpaceParticipant(space_id=space.id, participant_id=participant.id))
    # Attendance history for the tronc commun sessions already held.
    for session in sessions:
        if session.starts_on >= today:
            continue
        for participant in participants[:11]:
            roll = rng.random()
            if roll < 0.65:
                status = AttendanceStatus.PRESENT
            elif roll < 0.8:
                status = AttendanceStatus.EXCUSED
            else:
                continue
            db.session.add(
                Attendance(
                    session_id=session.id,
                    participant_id=participant.id,
                    status=status,
                    recorded_by_id=users["amina"].id,
                )
            )
    board = _demo_board(next(s for s in sessions if s.starts_on >= today))
    db.session.commit()
    for participant in participants:
        participants_services.recompute_first_visits(participant.id)
    # Soleil brought Mimosa, animated the météo at the second session, proposed a space.
    soleil, mimosa = participants[0], participants[1]
    mimosa.brought_by_id = soleil.id
    db.session.add_all(
        [
            CoAnimation(
                organisation_id=org.id,
                participant_id=soleil.id,
                space_id=arnaud.id,
                session_id=sessions[1].id,
                kind=CoAnimationKind.ANIMATED_TOOL,
                note="A animé la météo d'arrivée",
                occurred_on=sessions[1].starts_on,
                recorded_by_id=users["amina"].id,
            ),
            CoAnimation(
                organisation_id=org.id,
                participant_id=soleil.id,
                space_id=arnaud.id,
                kind=CoAnimationKind.PROPOSED_SPACE,
                note="Propose un groupe « santé des femmes »",
                occurred_on=sessions[2].starts_on,
                recorded_by_id=users["amina"].id,
            ),
        ]
    )
    db.session.commit()
    journey_token = participants_services.create_sign_in_link(None, soleil)

    def space_entry(space: Space) -> dict:
        return {
            "id": space.id,
            "name": space.name,
            "url": url_for("spaces.detail", space_id=space.id, _external=True),
        }

    return {
        "login_url": url_for("accounts.login", _external=True),
        "coordinator": {"email": users["coordinator"].email, "password": passwords["coordinator"]},
        "mediators": [
            {
                "email": users["amina"].email,
                "password": passwords["amina"],
                "spaces": [space_entry(arnaud), space_entry(douleurs)],
            },
            {
                "email": users["julien"].email,
                "password": passwords["julien"],
                "spaces": [space_entry(izards)],
            },
        ],
        "other_space_url": url_for("spaces.detail", space_id=izards.id, _external=True),
        "participant": {
            "pseudonym": soleil.pseudonym,
            "journey_url": url_for("me.sign_in", token=journey_token, _external=True),
        },
        "live": {
            "join_code": board.join_code,
            "join_url": url_for("live.board", code=board.join_code, _external=True),
            "screen_url": url_for(
                "live.screen", code=board.join_code, key=board.screen_key, _external=True
            ),
            "control_url": url_for("live.control", session_id=board.session_id, _external=True),
        },
    }


DEMO_ACTIVITIES = [
    (
        ActivityKind.POLL,
        "Quand vous êtes malade, qui voyez-vous en premier ?",
        {
            "choices": [
                {"icon": "🩺", "label": "Un médecin"},
                {"icon": "💊", "label": "La pharmacie"},
                {"icon": "🏥", "label": "Les urgences"},
                {"icon": "🤝", "label": "Une association"},
                {"icon": "🏠", "label": "Je me soigne seul·e"},
            ],
            "multiple": False,
        },
    ),
    (ActivityKind.SCALE, "Quelle est votre météo aujourd'hui ?", {"style": "weather"}),
    (ActivityKind.WORDCLOUD, "Un mot pour dire « santé » ?", {"max_words": 3}),
    (ActivityKind.IDEAS, "Qu'est-ce qui rend difficile l'accès aux soins ?", {"dots": 3}),
    (
        ActivityKind.RANKING,
        "Nos priorités pour le prochain cycle",
        {
            "items": ["Logement", "Droits et papiers", "Alimentation", "Santé mentale"],
        },
    ),
    (
        ActivityKind.QUIZ,
        "L'AME permet d'être soigné·e sans avancer les frais. Vrai ou faux ?",
        {
            "choices": [{"icon": "✅", "label": "Vrai"}, {"icon": "❌", "label": "Faux"}],
            "correct": [0],
        },
    ),
    (
        ActivityKind.DEBATE,
        "On peut toujours choisir son médecin.",
        {
            "left": "Pas d'accord",
            "right": "D'accord",
        },
    ),
    (ActivityKind.QUESTIONS, "Vos questions pour la pharmacienne invitée", {}),
]


def _demo_board(session: WorkshopSession) -> Board:
    """A live board with one activity of each type; the first, a poll, is open."""
    board = Board(session=session, join_code=new_join_code(), screen_key=secrets.token_urlsafe(24))
    db.session.add(board)
    db.session.flush()
    activities = []
    for position, (kind, prompt, raw) in enumerate(DEMO_ACTIVITIES):
        activities.append(
            Activity(
                board_id=board.id,
                position=position,
                kind=kind,
                prompt=prompt,
                config=kinds.get(kind).clean_config(raw),
                state=kinds.initial_state(kind),
            )
        )
    activities[0].status = ActivityStatus.OPEN
    db.session.add_all(activities)
    db.session.flush()
    board.current_activity_id = activities[0].id
    return board
