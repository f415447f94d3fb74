"""A finalised cycle bilan for the tronc commun, run on the board of its last session held
(the session that has a compte rendu): notes from the phones and one said out loud,
themes with dots, a text per section, actions for the next cycle."""

from __future__ import annotations

from flask import url_for

from ..accounts.models import User
from ..bilans import services as bilans
from ..extensions import db
from ..live import kinds
from ..live.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Answer,
    Board,
    Contribution,
    LiveParticipant,
)
from ..workshops.models import WorkshopSession

# question position → (notes by theme, text written together)
CONTENT = {
    0: (
        {
            "L'accueil": ["On est bien reçus", "Le café et le temps de parler"],
            "Comprendre ses droits": ["J'ai compris l'AME", "Savoir où aller pour la CSS"],
        },
        "On s'est sentis accueillis : le café, le temps de parler, personne ne juge.\n"
        "On a compris nos droits (AME, CSS) et où aller pour les demander.",
    ),
    1: (
        {
            "Horaires": ["14 h c'est dur avec les enfants"],
            "Langue": ["Pas toujours d'interprète", "Les papiers sont compliqués"],
        },
        "L'horaire de 14 h est difficile pour les parents. Il a manqué un interprète en "
        "arabe à deux séances.",
    ),
    2: (
        {"Le système de santé": ["La différence entre généraliste et urgences"]},
        "On sait mieux qui fait quoi : le médecin traitant, les urgences, la PASS.",
    ),
    3: (
        {"Continuer ensemble": ["Un atelier sur la santé des femmes", "Visiter la PASS"]},
        "On continue : un atelier sur la santé des femmes, et une visite de la PASS.",
    ),
}
ACTIONS = [
    ("Demander un interprète en arabe pour chaque séance", "Amina", "avant le prochain cycle"),
    ("Organiser une visite de la PASS", "Soleil et Nour", "en mars"),
]
SPOKEN = "Merci pour la patience avec le français"  # dit à l'oral, typed by Amina


def seed(mediator: User, session: WorkshopSession) -> dict:
    template = bilans.builtin(mediator.organisation_id, "cycle")
    bilan = bilans.start_bilan(mediator, session.id, template.id, scope="cycle")
    board = db.session.get(Board, bilans.board_of(bilan).id)
    phones = list(
        db.session.scalars(
            db.select(LiveParticipant)
            .where(LiveParticipant.board_id == board.id)
            .order_by(LiveParticipant.id)
        )
    )
    pen = bilans.staff_pen(mediator)
    n = 0
    for section in bilan.sections:
        groups, body = CONTENT[section.position]
        activity = db.session.get(Activity, section.activity_id)
        notes = []
        for theme_name, texts in groups.items():
            theme = bilans.add_theme(section, theme_name)
            for text in texts:
                note = Contribution(
                    activity_id=activity.id,
                    participant_id=phones[n % len(phones)].id,
                    client_id=f"demo-bilan-{n}",
                    text=text,
                )
                n += 1
                db.session.add(note)
                db.session.flush()
                notes.append(note.id)
                bilans.move_note(section, note.id, theme.id)
        if section.position == 0:
            bilans.add_spoken_note(section, SPOKEN)
        dots = kinds.get(ActivityKind.IDEAS)
        for i, phone in enumerate(phones[:4]):
            value = {str(notes[(i + k) % len(notes)]): 1 for k in range(min(3, len(notes)))}
            clean = dots.clean_answer(activity.config, {"phase": "vote"}, value, None, set(notes))
            db.session.add(
                Answer(
                    activity_id=activity.id,
                    participant_id=phone.id,
                    client_id=f"demo-dots-{activity.id}-{i}",
                    value=clean,
                )
            )
        activity.state = {**activity.state, "phase": "vote"}
        activity.status = ActivityStatus.CLOSED
        activity.results_visible = True
        db.session.commit()
        bilans.take_pen(section, pen)
        bilans.save(section, pen, body, section.version, user=mediator)
    for what, who, due in ACTIONS:
        bilans.add_action(mediator, bilan, what=what, who=who, due=due)
    bilans.set_step(mediator, bilan, 5, 0)
    bilans.finalise(mediator, bilan)
    return urls(bilan)


def urls(bilan) -> dict:
    board = bilans.board_of(bilan)
    return {
        "url": url_for("bilans.page", bilan_id=bilan.id, _external=True),
        "pdf_url": url_for("bilans.export", bilan_id=bilan.id, fmt="pdf", _external=True),
        "odt_url": url_for("bilans.export", bilan_id=bilan.id, fmt="odt", _external=True),
        "screen_url": url_for(
            "bilans.screen", bilan_id=bilan.id, key=board.screen_key, _external=True
        ),
    }
