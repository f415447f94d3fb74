"""Every route × every role: who gets the page, who is refused, and refusals change nothing.

Roles: anonymous, mediator of the space, mediator of another space, coordinator.
A mediator outside a space gets 404 (the space's existence is private); a mediator
asking for a coordinator-only action inside their own space gets 403.

The live board's phone and screen pages are public (a join code, a screen key, a device
cookie — never a staff login): the same status for every role, and since no phone joined
in these tests, every request to them is a refusal or a read that changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from facilitation.accounts import services as accounts
from facilitation.extensions import db
from facilitation.live import services as live

from .factories import PASSWORD, World

ROLES = ("anonymous", "mediator", "other_mediator", "coordinator")
SESSION_FORM = {"theme": "Atelier", "starts_on": "2030-03-05", "starts_at": "14:00"}
SPACE_FORM = {"name": "Nouveau nom", "kind": "thematic", "description": ""}
CYCLE_FORM = {"title": "Cycle", "description": ""}
ACTIVITY_FORM = {
    "kind": "poll",
    "prompt": "Avez-vous un médecin traitant ?",
    "choices": "Oui\nNon",
    "style": "faces",
    "max_words": "3",
    "dots": "3",
    "left": "",
    "right": "",
}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: str  # formatted with the world's ids
    expect: dict  # role -> status
    data: dict = field(default_factory=dict)
    public: bool = False  # a live-board page for phones or the screen, not a staff page


def _staff(ok: int, *, other: int | None = None, mediator: int | None = None) -> dict:
    """Expected statuses for a staff page inside `world.space`."""
    return {
        "anonymous": 302,
        "mediator": ok if mediator is None else mediator,
        "other_mediator": ok if other is None else other,
        "coordinator": ok,
    }


def _public(status: int) -> dict:
    """A public live-board page: every role gets the same answer."""
    return {role: status for role in ROLES}


IN_SPACE = {"other": 404}
COORDINATION = {"mediator": 403, "other": 403}
SPACE_COORDINATION = {"mediator": 403, "other": 404}

CASES = [
    Case("main.index", "GET", "/", {r: 302 for r in ROLES}),
    Case("main.dashboard", "GET", "/tableau-de-bord", _staff(200)),
    Case("main.set_language", "GET", "/langue/en", {r: 302 for r in ROLES}),
    Case("main.health", "GET", "/sante", {r: 200 for r in ROLES}),
    # Off by default (METRICS=1 turns it on, tests/live/test_metrics.py): 404 for everyone.
    Case("metrics.metrics", "GET", "/metrics", {r: 404 for r in ROLES}),
    Case("static", "GET", "/static/css/app.css", {r: 200 for r in ROLES}),
    Case("pictograms.credits", "GET", "/credits", _public(200), public=True),
    Case("pictograms.picker", "GET", "/pictogrammes?q=sante", _staff(200)),
    Case(
        "accounts.login",
        "GET",
        "/connexion",
        {"anonymous": 200, "mediator": 302, "other_mediator": 302, "coordinator": 302},
    ),
    Case("accounts.logout", "POST", "/deconnexion", _staff(302)),
    Case("accounts.setup", "GET", "/installation", {r: 404 for r in ROLES}),
    Case("accounts.accept_invitation", "GET", "/invitation/not-a-token", {r: 404 for r in ROLES}),
    Case("accounts.account", "GET", "/mon-compte", _staff(200)),
    Case("accounts.team", "GET", "/equipe", _staff(200, **COORDINATION)),
    Case(
        "accounts.team",
        "POST",
        "/equipe",
        _staff(200, **COORDINATION),
        {"label": "Sam", "role": "mediator"},
    ),
    Case(
        "accounts.revoke_invitation",
        "POST",
        "/equipe/invitations/{invitation}/revoquer",
        _staff(302, **COORDINATION),
    ),
    Case(
        "accounts.toggle_active",
        "POST",
        "/equipe/{other_mediator}/activer",
        _staff(302, **COORDINATION),
        {"active": "0"},
    ),
    Case("spaces.index", "GET", "/espaces/", _staff(200)),
    Case("spaces.create", "GET", "/espaces/nouveau", _staff(200, **COORDINATION)),
    Case(
        "spaces.create",
        "POST",
        "/espaces/nouveau",
        _staff(302, **COORDINATION),
        {"name": "Les Minimes", "kind": "territorial"},
    ),
    Case("spaces.detail", "GET", "/espaces/{space}", _staff(200, **IN_SPACE)),
    Case("spaces.edit", "GET", "/espaces/{space}/modifier", _staff(200, **SPACE_COORDINATION)),
    Case(
        "spaces.edit",
        "POST",
        "/espaces/{space}/modifier",
        _staff(302, **SPACE_COORDINATION),
        SPACE_FORM,
    ),
    Case("spaces.archive", "POST", "/espaces/{space}/archiver", _staff(302, **SPACE_COORDINATION)),
    Case("spaces.members", "GET", "/espaces/{space}/equipe", _staff(200, **SPACE_COORDINATION)),
    Case(
        "spaces.members",
        "POST",
        "/espaces/{space}/equipe",
        _staff(302, **SPACE_COORDINATION),
        {"members": ["{mediator}"]},
    ),
    Case(
        "workshops.create_cycle", "GET", "/espaces/{space}/cycles/nouveau", _staff(200, **IN_SPACE)
    ),
    Case(
        "workshops.create_cycle",
        "POST",
        "/espaces/{space}/cycles/nouveau",
        _staff(302, **IN_SPACE),
        CYCLE_FORM,
    ),
    Case("workshops.cycle", "GET", "/cycles/{cycle}", _staff(200, **IN_SPACE)),
    Case("workshops.edit_cycle", "GET", "/cycles/{cycle}/modifier", _staff(200, **IN_SPACE)),
    Case(
        "workshops.edit_cycle",
        "POST",
        "/cycles/{cycle}/modifier",
        _staff(302, **IN_SPACE),
        CYCLE_FORM,
    ),
    Case("workshops.archive_cycle", "POST", "/cycles/{cycle}/archiver", _staff(302, **IN_SPACE)),
    Case(
        "workshops.create_session",
        "GET",
        "/cycles/{cycle}/seances/nouvelle",
        _staff(200, **IN_SPACE),
    ),
    Case(
        "workshops.create_session",
        "POST",
        "/cycles/{cycle}/seances/nouvelle",
        _staff(302, **IN_SPACE),
        SESSION_FORM,
    ),
    Case("workshops.session", "GET", "/seances/{session}", _staff(200, **IN_SPACE)),
    Case("workshops.edit_session", "GET", "/seances/{session}/modifier", _staff(200, **IN_SPACE)),
    Case(
        "workshops.edit_session",
        "POST",
        "/seances/{session}/modifier",
        _staff(302, **IN_SPACE),
        SESSION_FORM,
    ),
    Case(
        "workshops.archive_session", "POST", "/seances/{session}/archiver", _staff(302, **IN_SPACE)
    ),
    # live board, staff side
    Case("live.control", "GET", "/seances/{session}/tableau", _staff(200, **IN_SPACE)),
    Case("live.panel", "GET", "/tableaux/{board}/panneau", _staff(200, **IN_SPACE)),
    Case(
        "live.add_activity",
        "POST",
        "/tableaux/{board}/activites",
        _staff(302, **IN_SPACE),
        ACTIVITY_FORM,
    ),
    Case("live.edit_activity", "GET", "/activites/{activity}/modifier", _staff(200, **IN_SPACE)),
    Case(
        "live.edit_activity",
        "POST",
        "/activites/{activity}/modifier",
        _staff(302, **IN_SPACE),
        ACTIVITY_FORM,
    ),
    Case(
        "live.move_activity",
        "POST",
        "/activites/{activity}/deplacer",
        _staff(302, **IN_SPACE),
        {"to": "down"},
    ),
    Case(
        "live.delete_activity", "POST", "/activites/{activity}/supprimer", _staff(302, **IN_SPACE)
    ),
    Case(
        "live.command",
        "POST",
        "/tableaux/{board}/commande",
        _staff(302, **IN_SPACE),
        {"action": "open"},
    ),
    Case(
        "live.reopen", "POST", "/tableaux/{board}/ouvrir", _staff(302, **IN_SPACE), {"heures": "3"}
    ),
    # live board, public side: the projector (by its key) and the phones (by the code)
    Case("live.screen", "GET", "/ecran/{code}/{key}", _public(200), public=True),
    Case("live.screen", "GET", "/ecran/{code}/mauvaise-cle", _public(404), public=True),
    Case("live.screen_content", "GET", "/ecran/{code}/{key}/contenu", _public(200), public=True),
    Case(
        "live.screen_content",
        "GET",
        "/ecran/{code}/mauvaise-cle/contenu",
        _public(404),
        public=True,
    ),
    Case("live.join_code", "GET", "/j", _public(200), public=True),
    Case("live.join_code", "POST", "/j", _public(302), {"code": ["{code}"]}, public=True),
    Case("live.join_code", "POST", "/j", _public(422), {"code": "QQQQQQQQ"}, public=True),
    Case("live.board", "GET", "/j/{code}", _public(200), public=True),
    Case(
        "live.board",
        "POST",
        "/j/{code}",
        _public(422),
        {"pseudonym": "Colibri", "language": "klingon"},
        public=True,
    ),
    Case("live.phone_activity", "GET", "/j/{code}/activite", _public(302), public=True),
    Case(
        "live.phone_answer",
        "POST",
        "/j/{code}/repondre",
        _public(302),
        {"activity_id": ["{activity}"], "client_id": "matrix-answer-1", "choice": "0"},
        public=True,
    ),
    Case(
        "live.phone_contribute",
        "POST",
        "/j/{code}/contribuer",
        _public(302),
        {"activity_id": ["{activity}"], "client_id": "matrix-idea-1", "text": "Une idée"},
        public=True,
    ),
    Case(
        "live.phone_command",
        "POST",
        "/j/{code}/commande",
        _public(302),
        {"action": "open"},
        public=True,
    ),
    Case("live.leave", "POST", "/j/{code}/quitter", _public(302), public=True),
]


def _ids(world: World) -> dict:
    invitation = accounts.create_invitation(world.coordinator).invitation
    board = live.board_for_session(world.mediator, world.session)
    live.reopen_joining(world.mediator, board, 24)  # the session is in 3 days: phones may join
    activity = live.add_activity(
        world.mediator,
        board,
        kind="poll",
        prompt="Qui a une mutuelle ?",
        config={"choices": ["Oui", "Non"]},
    )
    return {
        "board": board.id,
        "code": board.join_code,
        "key": board.screen_key,
        "activity": activity.id,
        "space": world.space.id,
        "cycle": world.cycle.id,
        "session": world.session.id,
        "mediator": world.mediator.id,
        "other_mediator": world.other_mediator.id,
        "invitation": invitation.id,
    }


def _snapshot() -> dict:
    """Every row of every table: a refused request must leave this unchanged."""
    return {
        table.name: sorted(map(repr, db.session.execute(sa.select(table)).all()))
        for table in db.metadata.sorted_tables
    }


def test_every_route_is_in_the_matrix(app):
    covered = {case.endpoint for case in CASES}
    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routed - covered == set(), "add the new routes to the authorisation matrix"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.path}")
def test_route_by_role(client, auth, world, case, role):
    ids = _ids(world)
    if role != "anonymous":
        response = auth.login(getattr(world, role))
        assert response.status_code == 302, "login failed in the test set-up"
    path = case.path.format(**ids)
    data = {
        key: [v.format(**ids) for v in value] if isinstance(value, list) else value
        for key, value in case.data.items()
    }
    db.session.expire_all()
    before = _snapshot() if case.method == "POST" else None
    response = client.open(path, method=case.method, data=data)
    expected = case.expect[role]
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if (
        role == "anonymous"
        and expected == 302
        and not case.public
        and case.endpoint not in {"main.index", "main.set_language"}
    ):
        assert "/connexion" in response.headers["Location"]
    if case.public and expected == 302:
        assert "/connexion" not in response.headers["Location"]  # phones never log in
    if before is not None and (expected in (403, 404) or role == "anonymous" or case.public):
        db.session.expire_all()
        assert _snapshot() == before, "a refused request changed the database"


# --- planning: tools library, session plans, templates, duplication, calendar, sheet -------
# Tools and templates belong to the organisation (every staff role gets them); plans,
# sheets, calendars and duplications follow the space. The rows they need are added to
# the ids by wrapping `_ids` (kept in this block so the table above stays as it is).

PLAN_STEP_FORM = {"step-title": "Accueil", "step-duration_minutes": "15"}
TOOL_FORM = {"name": "Photolangage", "duration_minutes": "40", "activity_kinds": ["wordcloud"]}

CASES.extend(
    [
        Case("planning.tools", "GET", "/outils", _staff(200)),
        Case("planning.create_tool", "GET", "/outils/nouveau", _staff(200)),
        Case("planning.create_tool", "POST", "/outils/nouveau", _staff(302), TOOL_FORM),
        Case("planning.edit_tool", "GET", "/outils/{tool}/modifier", _staff(200)),
        Case(
            "planning.edit_tool",
            "POST",
            "/outils/{tool}/modifier",
            _staff(302),
            {"name": "Débat mouvant", "duration_minutes": "35"},
        ),
        Case(
            "planning.plan_item_form",
            "GET",
            "/seances/{session}/plan/etape",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "planning.add_plan_item",
            "POST",
            "/seances/{session}/plan",
            _staff(302, **IN_SPACE),
            PLAN_STEP_FORM,
        ),
        Case(
            "planning.edit_plan_item",
            "GET",
            "/etapes/{plan_item}/modifier",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "planning.edit_plan_item",
            "POST",
            "/etapes/{plan_item}/modifier",
            _staff(302, **IN_SPACE),
            PLAN_STEP_FORM,
        ),
        Case(
            "planning.move_plan_item",
            "POST",
            "/etapes/{plan_item}/deplacer",
            _staff(302, **IN_SPACE),
            {"to": "up"},
        ),
        Case(
            "planning.remove_plan_item",
            "POST",
            "/etapes/{plan_item}/supprimer",
            _staff(302, **IN_SPACE),
        ),
        Case("planning.templates", "GET", "/modeles", _staff(200)),
        Case("planning.save_template", "GET", "/seances/{session}/modele", _staff(200, **IN_SPACE)),
        Case(
            "planning.save_template",
            "POST",
            "/seances/{session}/modele",
            _staff(302, **IN_SPACE),
            {"template-name": "Nouveau modèle"},
        ),
        Case(
            "planning.apply_template",
            "GET",
            "/seances/{session}/appliquer-modele",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "planning.apply_template",
            "POST",
            "/seances/{session}/appliquer-modele",
            _staff(302, **IN_SPACE),
            {"apply-template_id": ["{template}"]},
        ),
        Case("planning.delete_template", "POST", "/modeles/{template}/supprimer", _staff(302)),
        Case(
            "planning.duplicate_cycle", "GET", "/cycles/{cycle}/dupliquer", _staff(200, **IN_SPACE)
        ),
        Case(
            "planning.duplicate_cycle",
            "POST",
            "/cycles/{cycle}/dupliquer",
            _staff(302, **IN_SPACE),
            {"title": "Tronc commun 2031", "first_session_on": "2031-09-02"},
        ),
        Case("planning.calendar", "GET", "/espaces/{space}/calendrier", _staff(200, **IN_SPACE)),
        Case(
            "planning.calendar",
            "GET",
            "/espaces/{space}/calendrier?vue=liste",
            _staff(200, **IN_SPACE),
        ),
        Case("planning.sheet", "GET", "/seances/{session}/fiche", _staff(200, **IN_SPACE)),
    ]
)


def _planning_ids(world: World) -> dict:
    from facilitation.planning.models import PlanItem, SessionTemplate, Tool

    tool = Tool(organisation_id=world.org.id, name="Débat mouvant", duration_minutes=30)
    db.session.add(tool)
    db.session.flush()
    item = PlanItem(session_id=world.session.id, position=0, title="Débat", tool_id=tool.id)
    template = SessionTemplate(
        organisation_id=world.org.id,
        name="Atelier type",
        steps=[{"title": "Accueil", "tool_id": tool.id, "duration_minutes": 15, "notes": ""}],
        activities=[
            {"kind": "poll", "prompt": "Oui ou non ?", "config": {"choices": ["Oui", "Non"]}}
        ],
    )
    db.session.add_all([item, template])
    db.session.commit()
    return {"tool": tool.id, "plan_item": item.id, "template": template.id}


_ids_without_planning = _ids


def _ids(world: World) -> dict:  # the ids above, and the planning rows
    return {**_ids_without_planning(world), **_planning_ids(world)}


# --- participants: roll call, journeys, merge, export, erasure, audit log; "mon parcours" -----
# Staff pages follow the space of the participant or session (404 outside it); the audit
# log (the journal and its CSV export, blueprint ``audit``) is for coordinators only (403).
# The participant's own pages (/moi) are public, recognised by the device cookie only:
# the same answer for every role (no cookie here: "not linked yet").
# The phone to confirm is on another session's board, so world.session's board stays empty.

CASES.extend(
    [
        Case(
            "participants.roll_call", "GET", "/seances/{session}/presences", _staff(200, **IN_SPACE)
        ),
        Case(
            "participants.mark",
            "POST",
            "/seances/{session}/presences/{participant}",
            _staff(302, **IN_SPACE),
            {"status": "present"},
        ),
        Case(
            "participants.newcomer",
            "POST",
            "/seances/{session}/presences/nouveau",
            _staff(302, **IN_SPACE),
            {"pseudonym": "Mimosa", "brought_by": ["{participant}"]},
        ),
        Case(
            "participants.confirm_check_in",
            "POST",
            "/seances/{checkin_session}/presences/telephone/{phone}",
            _staff(302, **IN_SPACE),
        ),
        Case(
            "participants.space_participants",
            "GET",
            "/espaces/{space}/participants",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "participants.participant",
            "GET",
            "/participants/{participant}",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "participants.participant",
            "POST",
            "/participants/{participant}",
            _staff(302, **IN_SPACE),
            {"pseudonym": "Colibri", "languages": "arabe", "notes": "", "brought_by": ""},
        ),
        Case(
            "participants.add_co_animation",
            "POST",
            "/participants/{participant}/co-animation",
            _staff(302, **IN_SPACE),
            {"kind": "animated_tool", "space": ["{space}"], "occurred_on": "2030-01-15"},
        ),
        Case(
            "participants.export",
            "GET",
            "/participants/{participant}/export.json",
            _staff(200, **IN_SPACE),
        ),
        # Erasing and merging change the person for the whole structure: the coordinator's
        # (a mediator of the space gets 403); a mediator removes them from their space.
        Case(
            "participants.erase",
            "GET",
            "/participants/{participant}/effacer",
            _staff(200, **SPACE_COORDINATION),
        ),
        Case(
            "participants.erase",
            "POST",
            "/participants/{participant}/effacer",
            _staff(302, **SPACE_COORDINATION),
            {"confirm": "Colibri"},
        ),
        Case(
            "participants.merge",
            "GET",
            "/participants/{participant}/fusionner?avec={duplicate}",
            _staff(200, **SPACE_COORDINATION),
        ),
        Case(
            "participants.merge",
            "POST",
            "/participants/{participant}/fusionner",
            _staff(302, **SPACE_COORDINATION),
            {"avec": ["{duplicate}"], "confirm": "1"},
        ),
        Case(
            "participants.remove_from_space",
            "GET",
            "/participants/{participant}/espaces/{space}/retirer",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "participants.remove_from_space",
            "POST",
            "/participants/{participant}/espaces/{space}/retirer",
            _staff(302, **IN_SPACE),
        ),
        Case(
            "participants.sign_in_link",
            "POST",
            "/participants/{participant}/lien",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "participants.cycle_overview",
            "GET",
            "/cycles/{cycle}/vue-d-ensemble",
            _staff(200, **IN_SPACE),
        ),
        Case("audit.journal", "GET", "/journal", _staff(200, **COORDINATION)),
        Case(
            "audit.journal",
            "GET",
            "/journal?personne=Colibri&action=view_journey&du=2030-01-01&page=2",
            _staff(200, **COORDINATION),
        ),
        Case("audit.export", "GET", "/journal/export.csv", _staff(200, **COORDINATION)),
        Case("me.journey", "GET", "/moi/", _public(200), public=True),
        Case("me.data", "GET", "/moi/donnees", _public(302), public=True),
        Case("me.data", "GET", "/moi/donnees?format=json", _public(302), public=True),
        Case("me.erase", "GET", "/moi/effacer", _public(302), public=True),
        Case("me.erase", "POST", "/moi/effacer", _public(302), public=True),
        Case("me.confirm_phone", "POST", "/moi/confirmer", _public(302), public=True),
        Case(
            "me.unlink_phone", "POST", "/moi/telephones/{device}/retirer", _public(302), public=True
        ),
        # The link's page is a button (a link preview must not spend it); the POST spends it.
        Case("me.sign_in", "GET", "/moi/lien/{link_token}", _public(200), public=True),
        Case("me.sign_in", "GET", "/moi/lien/pas-un-jeton", _public(404), public=True),
        Case("me.sign_in", "POST", "/moi/lien/pas-un-jeton", _public(404), public=True),
    ]
)


def _participant_ids(world: World) -> dict:
    from datetime import date

    from facilitation.participants import services as participants

    from . import factories

    colibri = participants.create_participant(world.mediator, world.space, "Colibri")
    duplicate = participants.create_participant(world.mediator, world.space, "Colibri bis")
    participants.record_attendance(world.mediator, world.session, duplicate, "present")
    checkin_session = factories.session(world.cycle, theme="La suite", starts_on=date(2030, 1, 8))
    board = live.board_for_session(world.mediator, checkin_session)
    phone = live.join(board, "matrix-phone-key", pseudonym="Nour", language="fr")
    # A phone of Colibri's (no request here carries its cookie: /moi refuses to touch it).
    linked = live.join(board, "matrix-linked-key", pseudonym="Colibri", language="fr")
    participants.link_live_participant(world.mediator, linked, colibri)
    device = participants.device_for_key("matrix-linked-key")
    return {
        "participant": colibri.id,
        "duplicate": duplicate.id,
        "checkin_session": checkin_session.id,
        "phone": phone.id,
        "device": device.id,
        "link_token": participants.create_sign_in_link(world.mediator, colibri),
    }


_ids_without_participants = _ids


def _ids(world: World) -> dict:  # the ids above, and participants, a phone, a sign-in link
    return {**_ids_without_participants(world), **_participant_ids(world)}


# --- reports: the compte rendu de séance and its exports (staff of the session's space) ---

CASES.extend(
    [
        Case(
            "reports.session_report",
            "GET",
            "/seances/{session}/compte-rendu",
            _staff(200, **IN_SPACE),
        ),
        *(
            Case(
                "reports.session_export",
                "GET",
                f"/seances/{{session}}/compte-rendu.{fmt}",
                _staff(200, **IN_SPACE),
            )
            for fmt in ("csv", "ods", "xlsx", "pdf")
        ),
    ]
)
# --- staff accounts: two-step login, password confirmation, own sessions, 2FA, team roles ----
# A login through `auth.login` types the password, so every session of the matrix above is a
# fresh login: the routes behind `require_fresh_login` are exercised for real. The test after
# this block tries each of them again on a session whose password was typed too long ago.
# `{staff_session}` is another open session of the mediator: only they may end it.

CASES.extend(
    [
        Case("accounts.login_code", "GET", "/connexion/code", {r: 302 for r in ROLES}),
        Case(
            "accounts.login_code",
            "POST",
            "/connexion/code",
            {r: 302 for r in ROLES},
            {"code": "123456"},
        ),
        Case("accounts.confirm_password", "GET", "/confirmer-mot-de-passe", _staff(200)),
        Case(
            "accounts.confirm_password",
            "POST",
            "/confirmer-mot-de-passe",
            _staff(302),
            {"password": PASSWORD},
        ),
        Case(
            "accounts.end_session",
            "POST",
            "/mon-compte/sessions/{staff_session}/terminer",
            {"anonymous": 302, "mediator": 302, "other_mediator": 404, "coordinator": 404},
        ),
        Case(
            "accounts.end_other_sessions",
            "POST",
            "/mon-compte/sessions/terminer-les-autres",
            _staff(302),
        ),
        Case(
            "accounts.two_factor_setup", "GET", "/mon-compte/double-authentification", _staff(200)
        ),
        Case(
            "accounts.two_factor_setup",
            "POST",
            "/mon-compte/double-authentification",
            _staff(422),
            {"code": "000000"},
        ),
        Case(
            "accounts.two_factor_disable",
            "POST",
            "/mon-compte/double-authentification/desactiver",
            _staff(302),
            {"code": "000000"},
        ),
        Case(
            "accounts.recovery_codes",
            "POST",
            "/mon-compte/double-authentification/codes-de-secours",
            _staff(302),
        ),
        Case(
            "accounts.change_role",
            "POST",
            "/equipe/{other_mediator}/role",
            _staff(302, **COORDINATION),
            {"role": "coordinator"},
        ),
        Case(
            "accounts.two_factor_requirement",
            "POST",
            "/equipe/securite",
            _staff(302, **COORDINATION),
            {"required": "y"},
        ),
    ]
)


def _account_ids(world: World) -> dict:
    from facilitation.accounts.models import StaffSession
    from facilitation.core.database import utcnow

    now = utcnow()
    other = StaffSession(
        user_id=world.mediator.id,
        token_hash="0" * 64,
        authenticated_at=now,
        last_seen_at=now,
        device="Firefox · Android",
    )
    db.session.add(other)
    db.session.commit()
    return {"staff_session": other.id}


_ids_without_accounts = _ids


def _ids(world: World) -> dict:  # the ids above, and another session of the mediator
    return {**_ids_without_accounts(world), **_account_ids(world)}


def _fresh_login_cases(app) -> list[Case]:
    """The cases whose view asks for the password again (marked by `require_fresh_login`)."""
    views = app.view_functions
    cases = []
    for case in CASES:
        methods = getattr(views.get(case.endpoint), "fresh_login_methods", False)
        if methods is not False and (methods is None or case.method in methods):
            cases.append(case)
    return cases


def test_the_sensitive_routes_ask_for_a_fresh_login(app):
    """Exporting, erasing, merging a person; the team; one's security settings."""
    protected = {(c.endpoint, c.method) for c in _fresh_login_cases(app)}
    assert {
        ("participants.export", "GET"),
        ("participants.erase", "GET"),
        ("participants.erase", "POST"),
        ("participants.merge", "GET"),
        ("participants.merge", "POST"),
        ("accounts.team", "POST"),
        ("accounts.revoke_invitation", "POST"),
        ("accounts.toggle_active", "POST"),
        ("accounts.change_role", "POST"),
        ("accounts.two_factor_requirement", "POST"),
        ("accounts.end_session", "POST"),
        ("accounts.end_other_sessions", "POST"),
        ("accounts.two_factor_setup", "GET"),
        ("accounts.two_factor_setup", "POST"),
        ("accounts.two_factor_disable", "POST"),
        ("accounts.recovery_codes", "POST"),
    } <= protected


@pytest.mark.parametrize("role", ROLES[1:])
def test_a_stale_session_is_asked_for_the_password_before_sensitive_routes(
    app, client, auth, world, role
):
    from datetime import timedelta

    from facilitation.accounts.models import StaffSession
    from facilitation.core.database import utcnow

    ids = _ids(world)
    user = getattr(world, role)
    assert auth.login(user).status_code == 302
    for case in _fresh_login_cases(app):
        db.session.execute(
            sa.update(StaffSession)
            .where(StaffSession.user_id == user.id)
            .values(authenticated_at=utcnow() - timedelta(minutes=11))
        )
        db.session.commit()
        path = case.path.format(**ids)
        data = {
            key: [v.format(**ids) for v in value] if isinstance(value, list) else value
            for key, value in case.data.items()
        }
        db.session.expire_all()
        before = _snapshot()
        response = client.open(path, method=case.method, data=data)
        assert response.status_code in (302, 303), f"{case.method} {path}"
        assert "/confirmer-mot-de-passe" in response.headers["Location"], f"{case.method} {path}"
        db.session.expire_all()
        assert _snapshot() == before, f"{case.method} {path} changed the database"


# --- collective projects: staff pages, and the members' phones (/moi/projets) -------------
# Staff pages follow the project's space (404 outside it, even for a proposal); the list of
# determinants is the coordinator's. The phone pages answer to the device cookie only:
# without a member's phone, every project is "not found" (its existence stays private).
# The roles of phones (a member, a person of the space who is not a member, a person of
# another space, a board guest whose phone is linked to nobody) are in the test below.

PROJECT_STEP = {"title": "Appeler le bailleur", "version": "1"}
PROJECT_ACTION = {"kind": "letter", "title": "Lettre", "happened_on": "2030-01-01"}

CASES.extend(
    [
        Case("projects.space_projects", "GET", "/espaces/{space}/projets", _staff(200, **IN_SPACE)),
        Case("projects.create", "GET", "/espaces/{space}/projets/nouveau", _staff(200, **IN_SPACE)),
        Case(
            "projects.create",
            "POST",
            "/espaces/{space}/projets/nouveau",
            _staff(302, **IN_SPACE),
            {"title": "Jardin partagé", "status": "idea", "porteurs": ["{member_participant}"]},
        ),
        Case("projects.detail", "GET", "/projets/{project}", _staff(200, **IN_SPACE)),
        Case("projects.detail", "GET", "/projets/{proposal}", _staff(200, **IN_SPACE)),
        Case("projects.edit", "GET", "/projets/{project}/modifier", _staff(200, **IN_SPACE)),
        Case(
            "projects.edit",
            "POST",
            "/projets/{project}/modifier",
            _staff(302, **IN_SPACE),
            {"title": "Logement", "status": "running", "determinants": ["housing"]},
        ),
        Case("projects.accept", "POST", "/projets/{proposal}/accepter", _staff(302, **IN_SPACE)),
        Case("projects.decline", "POST", "/projets/{proposal}/refuser", _staff(302, **IN_SPACE)),
        Case("projects.members", "GET", "/projets/{project}/membres", _staff(200, **IN_SPACE)),
        Case(
            "projects.add_member",
            "POST",
            "/projets/{project}/membres",
            _staff(302, **IN_SPACE),
            {"kind": "guest", "name": "Sophie", "organisation": "CCAS"},
        ),
        Case(
            "projects.update_member",
            "POST",
            "/projets/{project}/membres/{member}",
            _staff(302, **IN_SPACE),
            {"porteur": "1", "shown_on_screen": "1"},
        ),
        Case(
            "projects.remove_member",
            "POST",
            "/projets/{project}/membres/{guest}/retirer",
            _staff(302, **IN_SPACE),
        ),
        Case("projects.determinants", "GET", "/projets/determinants", _staff(200, **COORDINATION)),
        Case(
            "projects.determinants",
            "POST",
            "/projets/determinants",
            _staff(302, **COORDINATION),
            {"label": "Transports", "icon": "🚌"},
        ),
        Case("projects.timeline", "GET", "/projets/{project}/historique", _staff(200, **IN_SPACE)),
        Case("projects.bin", "GET", "/projets/{project}/corbeille", _staff(200, **IN_SPACE)),
        Case(
            "projects.restore",
            "POST",
            "/projets/{project}/corbeille/step/{deleted_step}/restaurer",
            _staff(302, **IN_SPACE),
        ),
        Case("projects.screen", "GET", "/projets/{project}/ecran", _staff(200, **IN_SPACE)),
        Case(
            "projects.add_step",
            "POST",
            "/projets/{project}/etapes",
            _staff(302, **IN_SPACE),
            {"title": "Écrire"},
        ),
        Case(
            "projects.edit_step",
            "GET",
            "/projets/{project}/etapes/{step}/modifier",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "projects.edit_step",
            "POST",
            "/projets/{project}/etapes/{step}/modifier",
            _staff(302, **IN_SPACE),
            PROJECT_STEP,
        ),
        Case(
            "projects.move_step",
            "POST",
            "/projets/{project}/etapes/{step}/etat",
            _staff(302, **IN_SPACE),
            {"state": "doing", "version": "1"},
        ),
        Case(
            "projects.delete_step",
            "POST",
            "/projets/{project}/etapes/{step}/supprimer",
            _staff(302, **IN_SPACE),
        ),
        Case("projects.decide", "GET", "/projets/{project}/decider", _staff(200, **IN_SPACE)),
        Case(
            "projects.decide",
            "POST",
            "/projets/{project}/decider",
            _staff(302, **IN_SPACE),
            {"question": "On écrit au bailleur ?", "kind": "senscheck", "meeting": ["{meeting}"]},
        ),
        Case(
            "projects.note_decision",
            "POST",
            "/projets/{project}/decisions/noter",
            _staff(302, **IN_SPACE),
            {"question": "Quand ?", "text": "Le 5 mars."},
        ),
        Case(
            "projects.decision",
            "GET",
            "/projets/{project}/decisions/{decision}",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "projects.close_vote",
            "POST",
            "/projets/{project}/decisions/{decision}/clore",
            _staff(302, **IN_SPACE),
        ),
        Case(
            "projects.record_decision",
            "POST",
            "/projets/{project}/decisions/{decision}",
            _staff(302, **IN_SPACE),
            {"text": "On écrit une lettre commune."},
        ),
        Case(
            "projects.cancel_vote",
            "POST",
            "/projets/{project}/decisions/{decision}/annuler",
            _staff(302, **IN_SPACE),
        ),
        Case(
            "projects.add_action",
            "POST",
            "/projets/{project}/actions",
            _staff(302, **IN_SPACE),
            PROJECT_ACTION,
        ),
        Case(
            "projects.edit_action",
            "GET",
            "/projets/{project}/actions/{action}/modifier",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "projects.edit_action",
            "POST",
            "/projets/{project}/actions/{action}/modifier",
            _staff(302, **IN_SPACE),
            PROJECT_ACTION,
        ),
        Case(
            "projects.confirm_action",
            "POST",
            "/projets/{project}/actions/{action}/valider",
            _staff(302, **IN_SPACE),
        ),
        Case(
            "projects.delete_action",
            "POST",
            "/projets/{project}/actions/{action}/supprimer",
            _staff(302, **IN_SPACE),
        ),
        # Without a file: refused (422) for the staff who may, hidden from the others.
        Case(
            "projects.add_attachment",
            "POST",
            "/projets/{project}/actions/{action}/pieces",
            _staff(422, **IN_SPACE),
        ),
        Case(
            "projects.delete_attachment",
            "POST",
            "/projets/{project}/pieces/{attachment}/supprimer",
            _staff(302, **IN_SPACE),
        ),
        Case(
            "projects.attachment",
            "GET",
            "/projets/{project}/pieces/{attachment}",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "projects.add_meeting",
            "POST",
            "/projets/{project}/reunions",
            _staff(302, **IN_SPACE),
            {"starts_on": "2030-03-05", "starts_at": "14:00"},
        ),
        Case(
            "projects.link_meeting",
            "POST",
            "/projets/{project}/reunions/relier",
            _staff(302, **IN_SPACE),
            {"session": ["{session}"]},
        ),
        Case(
            "projects.unlink_meeting",
            "POST",
            "/projets/{project}/reunions/{meeting}/delier",
            _staff(302, **IN_SPACE),
        ),
        # The members' phones, seen by staff browsers (no device cookie): nothing to see.
        Case("my_projects.index", "GET", "/moi/projets/", _public(302), public=True),
        Case("my_projects.propose", "GET", "/moi/projets/idee", _public(302), public=True),
        Case(
            "my_projects.propose",
            "POST",
            "/moi/projets/idee",
            _public(302),
            {"title": "Un jardin", "space": ["{space}"]},
            public=True,
        ),
        Case("my_projects.project", "GET", "/moi/projets/{project}", _public(404), public=True),
        Case(
            "my_projects.add_step",
            "POST",
            "/moi/projets/{project}/etapes",
            _public(404),
            {"title": "Écrire"},
            public=True,
        ),
        Case(
            "my_projects.move_step",
            "POST",
            "/moi/projets/{project}/etapes/{step}/etat",
            _public(404),
            {"state": "done", "version": "1"},
            public=True,
        ),
        Case(
            "my_projects.propose_action",
            "GET",
            "/moi/projets/{project}/action",
            _public(404),
            public=True,
        ),
        Case(
            "my_projects.propose_action",
            "POST",
            "/moi/projets/{project}/action",
            _public(404),
            PROJECT_ACTION,
            public=True,
        ),
        Case(
            "my_projects.screen_consent",
            "POST",
            "/moi/projets/{project}/ecran",
            _public(404),
            {"shown": "1"},
            public=True,
        ),
        Case(
            "my_projects.attachment",
            "GET",
            "/moi/projets/{project}/pieces/{attachment}",
            _public(404),
            public=True,
        ),
    ]
)

MEMBER_PHONE_KEY = "matrix-member-phone-key"
STRANGER_PHONE_KEY = "matrix-stranger-phone-key"  # known in the space, not a member
OUTSIDER_PHONE_KEY = "matrix-outsider-phone-key"  # known in another space
BOARD_GUEST_KEY = "matrix-board-guest-key"  # on a board, linked to nobody


def _project_ids(world: World) -> dict:
    import io
    from datetime import date, time

    from werkzeug.datastructures import FileStorage

    from facilitation.participants.models import ParticipantDevice
    from facilitation.participants.services import hash_token
    from facilitation.projects import services as projects

    from . import factories

    cedre = factories.participant(world.space, "Cèdre")
    stranger = factories.participant(world.space, "Jasmin")
    outsider = factories.participant(world.other_space, "Sirocco")
    for person, key in ((cedre, MEMBER_PHONE_KEY), (stranger, STRANGER_PHONE_KEY)):
        db.session.add(ParticipantDevice(device_hash=hash_token(key), participant_id=person.id))
    db.session.add(
        ParticipantDevice(device_hash=hash_token(OUTSIDER_PHONE_KEY), participant_id=outsider.id)
    )
    db.session.commit()
    live.join(
        live.board_for_session(world.other_mediator, world.other_session),
        BOARD_GUEST_KEY,
        pseudonym="Invitée",
        language="fr",
    )
    project = projects.create_project(
        world.mediator,
        world.space,
        projects.ProjectData(title="Logement et santé", status="running"),
        porteurs=[cedre.id],
    )
    staff = projects.Viewer(user=world.mediator)
    step = projects.add_step(staff, project, projects.StepData("Écrire la lettre"))
    deleted = projects.add_step(staff, project, projects.StepData("Effacée"))
    projects.delete_step(staff, deleted)
    meeting = projects.create_meeting(
        world.mediator, project, starts_on=date(2030, 3, 5), starts_at=time(14, 0)
    )
    decision = projects.start_vote(
        world.mediator, project, meeting, question="On y va ?", kind="senscheck"
    )
    action = projects.add_action(
        staff,
        project,
        projects.ActionData(kind="letter", title="Lettre", happened_on=date(2030, 1, 1)),
        [FileStorage(stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="lettre.pdf")],
    )
    guest = projects.add_guest(world.mediator, project, name="Sophie", organisation="CCAS")
    proposal = projects.propose_project(stranger, world.space.id, title="Un jardin")
    return {
        "project": project.id,
        "proposal": proposal.id,
        "step": step.id,
        "deleted_step": deleted.id,
        "meeting": meeting.id,
        "decision": decision.id,
        "action": action.id,
        "attachment": projects.live_attachments(action)[0].id,
        "member": projects.member_for(cedre, project.id).id,
        "member_participant": cedre.id,
        "guest": guest.id,
    }


_ids_without_projects = _ids


def _ids(world: World) -> dict:  # the ids above, and a project with its members' phones
    return {**_ids_without_projects(world), **_project_ids(world)}


PHONE_ROLES = ("member_phone", "stranger_phone", "outsider_phone", "board_guest_phone")
PHONE_KEYS = {
    "member_phone": MEMBER_PHONE_KEY,
    "stranger_phone": STRANGER_PHONE_KEY,
    "outsider_phone": OUTSIDER_PHONE_KEY,
    "board_guest_phone": BOARD_GUEST_KEY,
}


def _phones(member: int, known: int, unknown: int) -> dict:
    """A member's phone; a phone known to the app (same or other space); a board guest's."""
    return {
        "member_phone": member,
        "stranger_phone": known,
        "outsider_phone": known,
        "board_guest_phone": unknown,
    }


PHONE_CASES = [
    ("GET", "/moi/projets/", {}, _phones(200, 200, 302)),
    ("GET", "/moi/projets/idee", {}, _phones(200, 200, 302)),
    ("GET", "/moi/projets/{project}", {}, _phones(200, 404, 404)),
    ("GET", "/moi/projets/{proposal}", {}, _phones(404, 404, 404)),  # not accepted yet
    ("POST", "/moi/projets/{project}/etapes", {"title": "Écrire"}, _phones(302, 404, 404)),
    (
        "POST",
        "/moi/projets/{project}/etapes/{step}/etat",
        {"state": "done", "version": "1"},
        _phones(302, 404, 404),
    ),
    ("GET", "/moi/projets/{project}/action", {}, _phones(200, 404, 404)),
    ("POST", "/moi/projets/{project}/action", PROJECT_ACTION, _phones(302, 404, 404)),
    ("POST", "/moi/projets/{project}/ecran", {"shown": "1"}, _phones(302, 404, 404)),
    ("GET", "/moi/projets/{project}/pieces/{attachment}", {}, _phones(200, 404, 404)),
    # Staff pages: a phone never logs in.
    ("GET", "/projets/{project}", {}, _phones(302, 302, 302)),
    ("GET", "/projets/{project}/ecran", {}, _phones(302, 302, 302)),
    ("GET", "/projets/{project}/pieces/{attachment}", {}, _phones(302, 302, 302)),
    ("POST", "/projets/{project}/etapes", {"title": "Écrire"}, _phones(302, 302, 302)),
]


@pytest.mark.parametrize("role", PHONE_ROLES)
@pytest.mark.parametrize("case", PHONE_CASES, ids=lambda c: f"{c[0]} {c[1]}")
def test_project_route_by_phone(client, world, case, role):
    method, path, data, expect = case
    ids = _ids(world)
    client.set_cookie("fac_device", PHONE_KEYS[role])
    path = path.format(**ids)
    db.session.expire_all()
    before = _snapshot() if method == "POST" else None
    response = client.open(path, method=method, data=data)
    assert response.status_code == expect[role], response.get_data(as_text=True)[:500]
    refused = expect[role] == 404 or path.startswith("/projets/")
    if response.status_code == 302 and path.startswith("/projets/"):
        assert "/connexion" in response.headers["Location"]  # phones never log in
    if before is not None and refused:
        db.session.expire_all()
        assert _snapshot() == before, "a refused request changed the database"


# --- indicators: the page and its exports follow the scope (a mediator: their spaces; the
# structure: the coordinator); grids, objectives (changes) and the threshold are the
# coordinator's; the activity log and the veille follow the space of each entry. ---------

SPACE_SCOPE = "perimetre=espace&espace={space}"
STRUCTURE_ONLY = {"mediator": 403, "other": 403}
LOG_FORM = {
    "kind": "orientation",
    "space_id": ["{space}"],
    "occurred_on": "2025-01-06",
    "people": "2",
}
WEEK_FORM = {
    "space_id": ["{space}"],
    "monday": "2025-01-06",
    "day_0": "1",
    "kind_0": "interview",
    "people_0": "1",
}
BARRIER_FORM = {
    "category": "cost",
    "space_id": ["{space}"],
    "occurred_on": "2025-02-01",
    "institution": "Opticien du quartier",
    "description": "Dépassements d'honoraires demandés.",
    "people": "1",
}
OBJECTIVE_FORM = {
    "year": "2026",
    "scope": "structure",
    "indicator": "distinct_people",
    "target": "30",
}
# A mediator outside the space picks a space that is not theirs: the form says so (422).
OTHERS_SPACE = {"other": 422}

CASES.extend(
    [
        Case("indicators.index", "GET", "/indicateurs", _staff(200)),
        Case(
            "indicators.index",
            "GET",
            "/indicateurs?perimetre=structure",
            _staff(200, **STRUCTURE_ONLY),
        ),
        Case("indicators.index", "GET", f"/indicateurs?{SPACE_SCOPE}", _staff(200, **IN_SPACE)),
        Case(
            "indicators.index", "GET", "/indicateurs?cible=cycle:{cycle}", _staff(200, **IN_SPACE)
        ),
        *(
            Case(
                "indicators.export",
                "GET",
                f"/indicateurs.{fmt}?{SPACE_SCOPE}",
                _staff(200, **IN_SPACE),
            )
            for fmt in ("csv", "ods", "xlsx", "pdf")
        ),
        Case(
            "indicators.export",
            "GET",
            "/indicateurs.ods?perimetre=structure",
            _staff(200, **STRUCTURE_ONLY),
        ),
        Case(
            "indicators.annual_report",
            "GET",
            f"/indicateurs/rapport-d-activite.pdf?annee=2026&{SPACE_SCOPE}",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "indicators.annual_report",
            "GET",
            "/indicateurs/rapport-d-activite.pdf?annee=2026&perimetre=structure",
            _staff(200, **STRUCTURE_ONLY),
        ),
        Case("indicators.threshold", "GET", "/indicateurs/seuil", _staff(200, **COORDINATION)),
        Case(
            "indicators.threshold",
            "POST",
            "/indicateurs/seuil",
            _staff(302, **COORDINATION),
            {"threshold": "6"},
        ),
        Case("indicators.log", "GET", "/activite-mediation", _staff(200)),
        Case("indicators.log_new", "GET", "/activite-mediation/nouvelle", _staff(200)),
        Case(
            "indicators.log_new",
            "POST",
            "/activite-mediation/nouvelle",
            _staff(302, **OTHERS_SPACE),
            LOG_FORM,
        ),
        Case("indicators.log_week", "GET", "/activite-mediation/semaine", _staff(200)),
        Case(
            "indicators.log_week",
            "POST",
            "/activite-mediation/semaine",
            _staff(302, **OTHERS_SPACE),
            WEEK_FORM,
        ),
        Case(
            "indicators.log_delete",
            "POST",
            "/activite-mediation/{log_entry}/supprimer",
            _staff(302, **IN_SPACE),
        ),
        Case("indicators.grids_index", "GET", "/grilles", _staff(200, **STRUCTURE_ONLY)),
        Case(
            "indicators.grid_fill",
            "GET",
            "/grilles/annexe-5/remplir",
            _staff(200, **STRUCTURE_ONLY),
        ),
        Case(
            "indicators.grid_fill",
            "GET",
            "/grilles/annexe-6/remplir?espace={space}",
            _staff(200, **STRUCTURE_ONLY),
        ),
        Case(
            "indicators.grid_fill",
            "POST",
            "/grilles/annexe-5/remplir",
            _staff(302, **STRUCTURE_ONLY),
            {"filled_on": "2025-01-10", "diagnostic-rating": "met"},
        ),
        Case(
            "indicators.grid_version",
            "GET",
            "/grilles/versions/{grid_version}",
            _staff(200, **STRUCTURE_ONLY),
        ),
        Case(
            "indicators.grid_compare",
            "GET",
            "/grilles/annexe-5/comparer?a={grid_version}&b={grid_version_later}",
            _staff(200, **STRUCTURE_ONLY),
        ),
        Case("indicators.objectives_index", "GET", "/objectifs", _staff(200)),
        Case(
            "indicators.objectives_index",
            "POST",
            "/objectifs",
            _staff(302, **STRUCTURE_ONLY),
            OBJECTIVE_FORM,
        ),
        Case(
            "indicators.objective_edit",
            "GET",
            "/objectifs/{objective}/modifier",
            _staff(200, **STRUCTURE_ONLY),
        ),
        Case(
            "indicators.objective_edit",
            "POST",
            "/objectifs/{objective}/modifier",
            _staff(302, **STRUCTURE_ONLY),
            OBJECTIVE_FORM,
        ),
        Case(
            "indicators.objective_delete",
            "POST",
            "/objectifs/{objective}/supprimer",
            _staff(302, **STRUCTURE_ONLY),
        ),
        Case("indicators.barriers_index", "GET", "/veille", _staff(200)),
        *(
            Case("indicators.barriers_export", "GET", f"/veille.{fmt}", _staff(200))
            for fmt in ("csv", "ods", "xlsx")
        ),
        Case("indicators.barrier_new", "GET", "/veille/nouveau", _staff(200)),
        Case(
            "indicators.barrier_new",
            "POST",
            "/veille/nouveau",
            _staff(302, **OTHERS_SPACE),
            BARRIER_FORM,
        ),
        Case("indicators.barrier", "GET", "/veille/{barrier}", _staff(200, **IN_SPACE)),
        Case(
            "indicators.barrier_transmit",
            "POST",
            "/veille/{barrier}/transmis",
            _staff(302, **IN_SPACE),
            {"to": "Délégation territoriale de l'ARS", "on": "2025-03-01"},
        ),
        Case(
            "indicators.barrier_close",
            "POST",
            "/veille/{barrier_sent}/suite",
            _staff(302, **IN_SPACE),
            {"outcome": "no_answer", "on": "2025-04-01"},
        ),
        Case(
            "indicators.session_notes",
            "GET",
            "/seances/{session}/ce-qui-bloque",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "indicators.self_assessment",
            "GET",
            "/seances/{session}/auto-evaluation",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "indicators.self_assessment",
            "POST",
            "/seances/{session}/auto-evaluation",
            _staff(302, **IN_SPACE),
            {"moment": "t0", "statements": ["know_rights"], "prompt": "Où j'en suis"},
        ),
    ]
)


def _indicator_ids(world: World) -> dict:
    from datetime import date

    from facilitation.indicators.models import (
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

    entry = ActivityLogEntry(
        organisation_id=world.org.id,
        space_id=world.space.id,
        occurred_on=date(2025, 1, 3),
        kind=LogKind.ACCOMPANIMENT,
        people=1,
    )
    versions = [
        GridVersion(
            organisation_id=world.org.id,
            grid=GridName.ANNEX5,
            scope_key="structure",
            filled_on=day,
            lines=[GridLine(item="diagnostic", rating=rating, comment="")],
        )
        for day, rating in ((date(2025, 1, 1), "in_progress"), (date(2025, 6, 1), "met"))
    ]
    objective = Objective(
        organisation_id=world.org.id,
        year=2026,
        scope_kind=ScopeKind.STRUCTURE,
        indicator="sessions_held",
        target=20,
        title="20 séances",
    )
    barriers = [
        Barrier(
            organisation_id=world.org.id,
            space_id=world.space.id,
            occurred_on=date(2025, 1, 15),
            category=BarrierCategory.NO_INTERPRETER,
            institution="Urgences",
            description="Pas d'interprète.",
            people=1,
            state=state,
            transmitted_to="ARS" if state is BarrierState.TRANSMITTED else "",
            transmitted_on=date(2025, 1, 20) if state is BarrierState.TRANSMITTED else None,
        )
        for state in (BarrierState.REPORTED, BarrierState.TRANSMITTED)
    ]
    db.session.add_all([entry, *versions, objective, *barriers])
    db.session.commit()
    return {
        "log_entry": entry.id,
        "grid_version": versions[0].id,
        "grid_version_later": versions[1].id,
        "objective": objective.id,
        "barrier": barriers[0].id,
        "barrier_sent": barriers[1].id,
    }


_ids_without_indicators = _ids


def _ids(world: World) -> dict:  # the ids above, and the indicators' rows
    return {**_ids_without_indicators(world), **_indicator_ids(world)}


# --- bilans partagés: staff of the session's space; templates: everyone reads, the
# coordinator edits and copies; the projector by its screen key; phones by their cookie. --

BILAN_PHONE_KEY = "matrix-bilan-phone-key"


def _bilan_ids(world: World) -> dict:
    from facilitation.bilans import services as bilans

    template = bilans.builtin(world.org.id, "cycle")
    db.session.commit()
    bilan = bilans.start_bilan(world.mediator, world.session.id, template.id, scope="cycle")
    section = bilan.sections[0]
    board = bilans.board_of(bilan)
    phone = live.join(board, BILAN_PHONE_KEY, pseudonym=None, language="fr")
    note = bilans.add_spoken_note(section, "Dit à l'oral")
    theme = bilans.add_theme(section, "Accueil")
    pen = bilans.staff_pen(world.mediator)
    bilans.take_pen(section, pen)
    bilans.save(section, pen, "Premier texte", 0, user=world.mediator)
    proposal = bilans.propose(section, phone, "Une phrase")
    action = bilans.add_action(world.mediator, bilan, what="Une action")
    return {
        "bilan": bilan.id,
        "bilan_section": section.id,
        "bilan_theme": theme.id,
        "bilan_note": note.id,
        "bilan_proposal": proposal.id,
        "bilan_action": action.id,
        "bilan_template": template.id,
        "bilan_screen_key": board.screen_key,
        "bilan_code": board.join_code,
    }


_ids_without_bilans = _ids


def _ids(world: World) -> dict:  # the ids above, and a bilan being written
    return {**_ids_without_bilans(world), **_bilan_ids(world)}


B = "/bilans/{bilan}"
BS = "/bilans/{bilan}/sections/{bilan_section}"
TEMPLATE_FORM = {"name": "Notre modèle", "questions": "Une\nDeux"}

CASES.extend(
    [
        Case("bilans.start", "GET", "/seances/{session}/bilan/nouveau", _staff(200, **IN_SPACE)),
        Case(
            "bilans.start",
            "POST",
            "/seances/{session}/bilan/nouveau",
            _staff(302, **IN_SPACE),
            {"template_id": ["{bilan_template}"], "scope": "cycle", "project_id": "0"},
        ),
        Case("bilans.page", "GET", B, _staff(200, **IN_SPACE)),
        Case("bilans.set_step", "POST", B + "/etape", _staff(302, **IN_SPACE), {"step": "3"}),
        Case("bilans.drive", "POST", BS + "/tableau", _staff(302, **IN_SPACE), {"action": "open"}),
        Case("bilans.spoken", "POST", BS + "/oral", _staff(302, **IN_SPACE), {"text": "Dit"}),
        Case("bilans.add_theme", "POST", BS + "/themes", _staff(302, **IN_SPACE), {"name": "Lieu"}),
        Case(
            "bilans.edit_theme",
            "POST",
            BS + "/themes/{bilan_theme}",
            _staff(302, **IN_SPACE),
            {"name": "Bon accueil"},
        ),
        Case(
            "bilans.move_note",
            "POST",
            BS + "/regrouper",
            _staff(302, **IN_SPACE),
            {"note_id": ["{bilan_note}"], "theme_id": ["{bilan_theme}"]},
        ),
        Case("bilans.add_action", "POST", B + "/actions", _staff(302, **IN_SPACE), {"what": "Y"}),
        Case(
            "bilans.delete_action",
            "POST",
            B + "/actions/{bilan_action}/supprimer",
            _staff(302, **IN_SPACE),
        ),
        Case("bilans.finalise", "POST", B + "/finaliser", _staff(302, **IN_SPACE)),
        Case("bilans.reopen", "POST", B + "/rouvrir", _staff(302, **IN_SPACE), {"reason": "X"}),
        Case("bilans.pen", "POST", BS + "/stylo", _staff(302, **IN_SPACE)),
        # The mediator holds the pen; the coordinator does not: their save is refused (409),
        # their text kept on the page.
        Case(
            "bilans.save",
            "POST",
            BS + "/texte",
            {"anonymous": 302, "mediator": 302, "other_mediator": 404, "coordinator": 409},
            {"text": "Suite", "version": "1"},
        ),
        Case(
            "bilans.proposal",
            "POST",
            B + "/propositions/{bilan_proposal}",
            _staff(302, **IN_SPACE),
            {"version": "1"},
        ),
        Case("bilans.history", "GET", BS + "/historique", _staff(200, **IN_SPACE)),
        Case(
            "bilans.restore", "POST", BS + "/restaurer", _staff(302, **IN_SPACE), {"version": "1"}
        ),
        *(
            Case("bilans.export", "GET", f"/bilans/{{bilan}}.{fmt}", _staff(200, **IN_SPACE))
            for fmt in ("pdf", "odt")
        ),
        Case("bilans.templates", "GET", "/bilans/modeles", _staff(200)),
        Case(
            "bilans.edit_template",
            "GET",
            "/bilans/modeles/{bilan_template}",
            _staff(200, **COORDINATION),
        ),
        Case(
            "bilans.edit_template",
            "POST",
            "/bilans/modeles/{bilan_template}",
            _staff(302, **COORDINATION),
            TEMPLATE_FORM,
        ),
        Case(
            "bilans.copy_template",
            "POST",
            "/bilans/modeles/{bilan_template}/copier",
            _staff(302, **COORDINATION),
        ),
        # The projector: by the board's screen key, no login.
        Case("bilans.screen", "GET", B + "/ecran/{bilan_screen_key}", _public(200), public=True),
        Case("bilans.screen", "GET", B + "/ecran/pas-la-cle", _public(404), public=True),
        Case(
            "bilans.screen_content",
            "GET",
            B + "/ecran/{bilan_screen_key}/contenu",
            _public(200),
            public=True,
        ),
        # Phones: a browser that did not join the board is sent to join it first.
        Case("bilans.phone", "GET", "/j/{bilan_code}/bilan", _public(302), public=True),
        Case(
            "bilans.phone_content",
            "GET",
            "/j/{bilan_code}/bilan/contenu",
            _public(404),
            public=True,
        ),
        Case(
            "bilans.propose",
            "POST",
            "/j/{bilan_code}/bilan/proposer",
            _public(302),
            {"text": "Une phrase"},
            public=True,
        ),
        Case(
            "bilans.write",
            "POST",
            "/j/{bilan_code}/bilan/ecrire",
            _public(302),
            {"take": "1"},
            public=True,
        ),
        Case("my_bilans.index", "GET", "/moi/bilans/", _public(200), public=True),
        Case("my_bilans.detail", "GET", "/moi/bilans/{bilan}", _public(404), public=True),
    ]
)


# --- a mediator's week: reusing activities, the library over time, photos -------------------

CASES.extend(
    [
        Case(
            "live.duplicate_activity",
            "POST",
            "/activites/{activity}/dupliquer",
            _staff(302, **IN_SPACE),
        ),
        Case(
            "live.copy_activity",
            "POST",
            "/activites/{activity}/copier",
            _staff(302, **IN_SPACE),
            {"session_id": ["{session}"]},
        ),
        Case(
            "live.reset_activity",
            "GET",
            "/activites/{activity}/reinitialiser",
            _staff(200, **IN_SPACE),
        ),
        Case(
            "live.reset_activity",
            "POST",
            "/activites/{activity}/reinitialiser",
            _staff(302, **IN_SPACE),
            {"confirm": "1"},
        ),
        # photos only through a board that shows them: none here
        Case(
            "live.screen_image",
            "GET",
            "/ecran/{code}/{key}/images/999",
            _public(404),
            public=True,
        ),
        Case("live.phone_image", "GET", "/j/{code}/images/999", _public(302), public=True),
        Case("live.phone_present", "GET", "/j/{code}/present.gif", _public(302), public=True),
        Case("planning.archive_tool", "POST", "/outils/{tool}/archiver", _staff(302)),
        Case("planning.restore_tool", "POST", "/outils/{tool}/restaurer", _staff(302)),
        Case("planning.edit_template", "GET", "/modeles/{template}/modifier", _staff(200)),
        Case(
            "planning.edit_template",
            "POST",
            "/modeles/{template}/modifier",
            _staff(302),
            {"name": "Atelier type", "step-0-title": "Accueil", "step-0-minutes": "15"},
        ),
        Case("images.library", "GET", "/images", _staff(200)),
        Case("images.upload", "POST", "/images", _staff(422), {"alt": "Une salle"}),
        Case("images.edit_alt", "POST", "/images/999/texte", _staff(404), {"alt": "Une salle"}),
        Case("images.file", "GET", "/images/999/fichier", _staff(404)),
    ]
)
