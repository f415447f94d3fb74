"""Fill an empty database with a realistic demo (a Case-de-Santé-like structure)."""

from __future__ import annotations

import random
import secrets
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask import url_for

from ..accounts import services as accounts
from ..accounts.models import Organisation, Role, User
from ..core.database import utcnow
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
from ..planning.models import PlanItem, SessionTemplate, Tool
from ..spaces.models import Space, SpaceKind, SpaceMembership
from ..workshops.models import Cycle, WorkshopSession
from . import indicators as demo_indicators
from . import photos as demo_photos
from . import reports as demo_reports

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
                    person_key=participant.anon_key,
                    status=status,
                    recorded_by_id=users["amina"].id,
                )
            )
    photos = demo_photos.demo_library(org.id, users["amina"].id)
    board = _demo_board(next(s for s in sessions if s.starts_on >= today), photos)
    _demo_planning(org, users["amina"], board.session)
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
                person_key=soleil.anon_key,
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
                person_key=soleil.anon_key,
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
    # The last session held has a used board: its compte rendu has results of every kind.
    reported = [s for s in sessions if s.starts_on < today][-1]
    demo_reports.seed(reported)
    from . import bilans as demo_bilans

    bilan = demo_bilans.seed(users["amina"], reported)
    from .projects import seed_project

    project = seed_project(
        space=izards, staff=users["julien"], people=participants[11:], today=today
    )
    spaces = {"arnaud": arnaud, "izards": izards, "douleurs": douleurs}
    indicators = demo_indicators.seed(org, users, spaces, today, rng)

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
        "project": project,
        "live": {
            "join_code": board.join_code,
            "join_url": url_for("live.board", code=board.join_code, _external=True),
            "screen_url": url_for(
                "live.screen", code=board.join_code, key=board.screen_key, _external=True
            ),
            "control_url": url_for("live.control", session_id=board.session_id, _external=True),
        },
        "session_report": demo_reports.urls(reported),
        "bilan": bilan,
        "indicators": indicators,
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


def _demo_board(session: WorkshopSession, photos: list) -> Board:
    """A live board with one activity of each type; the first, a poll, is open. The
    photolangage uses the demo's photo library, and the quiz shows one of its photos."""
    board = Board(
        session=session,
        join_code=new_join_code(),
        screen_key=secrets.token_urlsafe(24),
        # The demo's next session may be days away: phones can try the board this week.
        join_open_until=utcnow() + timedelta(days=7),
    )
    db.session.add(board)
    db.session.flush()
    activities = []
    specs = [
        *DEMO_ACTIVITIES,
        (
            ActivityKind.PHOTOLANGAGE,
            "Choisissez une photo qui vous fait penser à l'accès aux soins",
            {"photos": [p.id for p in photos], "picks": 2, "word": True},
        ),
    ]
    for position, (kind, prompt, raw) in enumerate(specs):
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
        if kind is ActivityKind.QUIZ and photos:
            activities[-1].config = {**activities[-1].config, "image_id": photos[0].id}
    activities[0].status = ActivityStatus.OPEN
    db.session.add_all(activities)
    db.session.flush()
    board.current_activity_id = activities[0].id
    return board


# --- preparing workshops: the tools of the field, a template, one session's plan ----------

DEMO_TOOLS = [
    {
        "name": "Jeu de plateau « Le parcours de soins »",
        "duration_minutes": 60,
        "description": (
            "Un plateau qui représente le système de santé : on avance de case en case "
            "(médecin traitant, pharmacie, urgences, PASS, PMI, CPAM, hôpital) en tirant des "
            "cartes situations (« J'ai mal aux dents et pas de complémentaire », « On me demande "
            "d'avancer les frais »). À chaque carte, le groupe cherche ensemble vers qui se "
            "tourner et quels droits faire valoir : chacun·e apporte ce qu'il ou elle sait "
            "déjà des démarches."
        ),
        "material": (
            "Plateau imprimé (A1), cartes situations, cartes acteurs, pions, un dé, "
            "fiches repères PUMa / C2S / AME"
        ),
        "activity_kinds": ["poll"],
        "co_built": True,
    },
    {
        "name": "Jeu de rôle : la consultation chez le médecin",
        "duration_minutes": 45,
        "description": (
            "Deux ou trois volontaires jouent une consultation à partir d'un scénario "
            "(expliquer sa douleur, demander à comprendre une ordonnance, demander un "
            "interprète, refuser un examen). Le reste du groupe observe, puis on débriefe : "
            "qu'est-ce qui a aidé, qu'est-ce qui a bloqué, que peut-on dire ou demander ? "
            "On rejoue en inversant les rôles. Personne n'est obligé de jouer."
        ),
        "material": "Scénarios imprimés, une table et deux chaises, fiches d'observation",
        "activity_kinds": ["ideas"],
        "co_built": False,
    },
    {
        "name": "Entretiens mutuels",
        "duration_minutes": 30,
        "description": (
            "Par deux, chacun·e interroge l'autre pendant cinq minutes à partir de trois "
            "questions (« Qu'est-ce qui compte pour toi dans ta santé ? », « Une fois où tu "
            "t'es senti·e bien accueilli·e ? », « Qu'attends-tu du groupe ? »), puis présente "
            "son binôme au groupe, avec son accord. Pour se connaître et prendre la parole "
            "sans s'exposer."
        ),
        "material": "Cartes questions, un minuteur, binômes de même langue ou interprète si besoin",
        "activity_kinds": [],
        "co_built": False,
    },
    {
        "name": "Débat mouvant",
        "duration_minutes": 30,
        "description": (
            "On lit une affirmation (« On peut toujours choisir son médecin », « La santé, "
            "c'est d'abord le logement »). Chacun·e se place d'un côté de la salle (d'accord / "
            "pas d'accord) ou au milieu, les personnes argumentent et peuvent changer de "
            "place. Sur le tableau en direct, l'écran montre le déplacement avant et après "
            "la discussion."
        ),
        "material": "Salle dégagée, ruban adhésif au sol, 4 à 6 affirmations préparées",
        "activity_kinds": ["debate"],
        "co_built": False,
    },
    {
        "name": "Photolangage",
        "duration_minutes": 40,
        "description": (
            "Des photos variées sont étalées sur une table. Chacun·e en choisit une qui "
            "répond à la question (« Pour moi, être en bonne santé, c'est… ») et explique son "
            "choix. Les images aident à parler, y compris avec peu de français."
        ),
        "material": (
            "Jeu de 40 à 60 photos (visages, lieux, objets, scènes du quotidien), une grande table"
        ),
        "activity_kinds": ["wordcloud"],
        "co_built": False,
    },
    {
        "name": "Météo d'arrivée",
        "duration_minutes": 10,
        "description": (
            "En début d'atelier, chacun·e dit comment il ou elle arrive avec une image de "
            "météo (soleil, nuages, pluie, orage), sans avoir à se justifier. Pose un climat "
            "de confiance et aide à repérer qui a besoin d'attention. Se refait en fin "
            "d'atelier (météo de départ)."
        ),
        "material": "Cartes météo (pictogrammes), ou les téléphones avec le tableau en direct",
        "activity_kinds": ["scale"],
        "co_built": True,
    },
    {
        "name": "Arbre à problèmes / mur d'idées",
        "duration_minutes": 45,
        "description": (
            "Le groupe part d'un problème commun (« Se soigner est difficile »), écrit les "
            "causes (les racines) et les conséquences (les branches) sur des post-its, les "
            "regroupe, puis vote avec des gommettes pour choisir les priorités. Pour "
            "identifier les besoins et faire naître un projet collectif."
        ),
        "material": (
            "Grande feuille avec un arbre dessiné, post-its de deux couleurs, feutres, gommettes"
        ),
        "activity_kinds": ["ideas", "ranking"],
        "co_built": False,
    },
    {
        "name": "Quiz « Vrai ou faux sur mes droits »",
        "duration_minutes": 30,
        "description": (
            "Une série d'affirmations sur les droits en santé (« L'AME permet d'être "
            "soigné·e sans avancer les frais », « Un médecin peut refuser un patient parce "
            "qu'il a la C2S »). Chacun·e répond vrai ou faux, puis on révèle la réponse et on "
            "en discute. Information = pouvoir : on repart avec les fiches repères."
        ),
        "material": (
            "Cartes vrai / faux ou les téléphones, fiches repères (PUMa, C2S, AME, refus de soins)"
        ),
        "activity_kinds": ["quiz"],
        "co_built": True,
    },
    {
        "name": "Bilan partagé",
        "duration_minutes": 45,
        "description": (
            "En fin de cycle, le groupe écrit ensemble son bilan en quatre colonnes : ce qui "
            "a marché, ce qui n'a pas marché, ce que nous avons appris, ce que nous voulons "
            "pour la suite. Chacun·e contribue (post-its ou téléphone), puis on choisit "
            "ensemble les priorités du prochain cycle."
        ),
        "material": "Grille de bilan en quatre colonnes, post-its, feutres, gommettes",
        "activity_kinds": ["ideas", "scale", "ranking"],
        "co_built": True,
    },
]


def _typeset(text: str) -> str:
    """French typography: a no-break space inside guillemets and before : ; ? !"""
    for plain, fixed in (
        ("« ", "«\u00a0"),
        (" »", "\u00a0»"),
        (" :", "\u00a0:"),
        (" ;", "\u00a0;"),
    ):
        text = text.replace(plain, fixed)
    return text.replace(" ?", "\u00a0?").replace(" !", "\u00a0!")


def _demo_planning(org: Organisation, author: User, session: WorkshopSession) -> None:
    """The tools library, a template and the plan of the next tronc commun session."""
    tools = {
        spec["name"]: Tool(
            organisation_id=org.id,
            **{
                **spec,
                "description": _typeset(spec["description"]),
                "material": _typeset(spec["material"]),
            },
        )
        for spec in DEMO_TOOLS
    }
    db.session.add_all(tools.values())
    db.session.flush()
    meteo = tools["Météo d'arrivée"]
    plateau = tools["Jeu de plateau « Le parcours de soins »"]
    quiz = tools["Quiz « Vrai ou faux sur mes droits »"]
    steps = [
        ("Accueil, météo d'arrivée", meteo, 15, "Café, thé. Présenter les personnes nouvelles."),
        (plateau.name, plateau, 60, "Deux équipes ; une médiatrice par équipe."),
        ("Pause", None, 15, ""),
        (quiz.name, quiz, 30, "Distribuer les fiches repères à la fin."),
        ("Météo de départ, prochaine séance", meteo, 15, ""),
    ]
    db.session.add(
        SessionTemplate(
            organisation_id=org.id,
            name="Découvrir le système de santé",
            description=(
                "Un atelier type du tronc commun : qui fait quoi, et quels sont mes droits."
            ),
            steps=[
                {
                    "title": t,
                    "tool_id": tool.id if tool else None,
                    "duration_minutes": d,
                    "notes": n,
                }
                for t, tool, d, n in steps
            ],
            activities=[
                {
                    "kind": ActivityKind.SCALE.value,
                    "prompt": "Quelle est votre météo aujourd'hui ?",
                    "config": kinds.get(ActivityKind.SCALE).clean_config({"style": "weather"}),
                },
                {
                    "kind": ActivityKind.QUIZ.value,
                    "prompt": "L'AME permet d'être soigné·e sans avancer les frais. Vrai ou faux ?",
                    "config": kinds.get(ActivityKind.QUIZ).clean_config(
                        {
                            "choices": [
                                {"icon": "✅", "label": "Vrai"},
                                {"icon": "❌", "label": "Faux"},
                            ],
                            "correct": [0],
                        }
                    ),
                },
            ],
            created_by_id=author.id,
        )
    )
    role_play = tools["Jeu de rôle : la consultation chez le médecin"]
    debate = tools["Débat mouvant"]
    plan = [
        (
            "Accueil, météo d'arrivée",
            meteo,
            15,
            "Rappeler les règles du groupe : confidentialité, bienveillance.",
        ),
        (
            role_play.name,
            role_play,
            45,
            "Scénarios 1 et 3 ; proposer à Nour de co-animer le débrief.",
        ),
        ("Pause", None, 15, ""),
        (
            debate.name,
            debate,
            30,
            "Affirmations : choisir son médecin, interprète, dépassements d'honoraires.",
        ),
        (quiz.name, quiz, 25, ""),
        ("Météo de départ, prochaine séance", meteo, 20, ""),
    ]
    db.session.add_all(
        PlanItem(
            session_id=session.id,
            position=position,
            title=title,
            tool_id=tool.id if tool else None,
            duration_minutes=minutes,
            notes=notes,
        )
        for position, (title, tool, minutes, notes) in enumerate(plan)
    )
