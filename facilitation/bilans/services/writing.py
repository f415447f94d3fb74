"""Writing together: one pen per section, every save versioned, proposals from phones.

Only the pen holder saves a section. Every save carries the version it started from; the
database takes it only if the section is still at that version and the writer still
holds the pen (one ``UPDATE … WHERE version = :seen AND pen = :me``, safe across
processes). Otherwise :class:`SectionConflict`: a clear French message, and the text the
losing pen typed is given back to them. Each save is kept in ``BilanRevision``.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from ...accounts.models import User
from ...core import text
from ...core.exceptions import Forbidden, NotFound, ValidationError
from ...extensions import db
from ...live import services as live
from ...live.models import LiveParticipant
from ..models import Bilan, BilanProposal, BilanRevision, BilanSection, ProposalStatus
from .access import board_of, changed
from .bilans import _require_open

TEXT_LIMIT = 8000
PROPOSAL_LIMIT = 300


def staff_pen(user: User) -> str:
    return f"user:{user.id}"


def phone_pen(phone: LiveParticipant) -> str:
    return f"phone:{phone.id}"


class SectionConflict(ValidationError):
    """Someone else saved this section, or took the pen. ``mine`` is the text kept."""

    def __init__(self, section: BilanSection, mine: str, *, pen_lost: bool):
        super().__init__(
            _(
                "Someone else now holds the pen for this section: your text was not saved. "
                "It is kept below; copy what you want to keep, then ask for the pen."
            )
            if pen_lost
            else _(
                "Someone saved this section while you were writing: your text was not saved. "
                "It is kept below; the saved text is shown above it."
            )
        )
        self.mine = mine
        self.current = section.text
        self.version = section.version


def pen_label(section: BilanSection, me: str | None = None) -> str:
    if section.pen is None:
        return _("Nobody holds the pen.")
    if section.pen == me:
        return _("You hold the pen.")
    if section.pen.startswith("phone:"):
        return _("A co-animator holds the pen on their phone.")
    user = db.session.get(User, int(section.pen.split(":", 1)[1]))
    return _("%(name)s holds the pen.", name=user.display_name if user else "?")


def take_pen(section: BilanSection, holder: str, *, phone: LiveParticipant | None = None) -> None:
    """Staff take the pen (from anyone: they animate); a phone only while the board is
    handed to it, and only when the pen is free or already its own."""
    _require_open(section.bilan)
    if phone is not None:
        board = board_of(section.bilan)
        if board is None or not live.can_control(live.Actor(participant=phone), board):
            raise Forbidden
        if section.pen not in (None, holder):
            raise ValidationError(_("Someone else holds the pen. Ask them to hand it over."))
    section.pen = holder
    db.session.commit()
    changed(section.bilan)


def release_pen(section: BilanSection, holder: str) -> None:
    if section.pen == holder:
        section.pen = None
        db.session.commit()
        changed(section.bilan)


def _version(value) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)
    raise ValidationError(_("This page is out of date. Reload it, your text is kept below."))


def clean_text(value) -> str:
    return text.clean_optional(value, limit=TEXT_LIMIT, multiline=True, field="text")


def save(
    section: BilanSection,
    holder: str,
    body,
    seen_version,
    *,
    user: User | None = None,
    restored_from: int | None = None,
) -> BilanSection:
    """Save the section's text if ``holder`` has the pen and nobody saved meanwhile."""
    bilan = section.bilan
    _require_open(bilan)
    mine = body if isinstance(body, str) else ""
    seen = _version(seen_version)
    clean = clean_text(body)
    result = db.session.execute(
        sa.update(BilanSection)
        .where(
            BilanSection.id == section.id,
            BilanSection.version == seen,
            BilanSection.pen == holder,
        )
        .values(text=clean, version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(section)
        raise SectionConflict(section, mine, pen_lost=section.pen != holder)
    db.session.add(
        BilanRevision(
            section_id=section.id,
            version=seen + 1,
            text=clean,
            by_phone=holder.startswith("phone:"),
            user_id=user.id if user else None,
            restored_from=restored_from,
        )
    )
    db.session.commit()
    db.session.refresh(section)
    changed(bilan)
    return section


def history(section: BilanSection) -> list[BilanRevision]:
    return list(
        db.session.scalars(
            sa.select(BilanRevision)
            .where(BilanRevision.section_id == section.id)
            .order_by(BilanRevision.version.desc())
        )
    )


def restore(user: User, section: BilanSection, version: int) -> BilanSection:
    """Bring back an earlier text, as a new version (nothing of the history is lost)."""
    revision = db.session.scalar(
        sa.select(BilanRevision).where(
            BilanRevision.section_id == section.id, BilanRevision.version == version
        )
    )
    if revision is None:
        raise NotFound
    holder = staff_pen(user)
    if section.pen != holder:
        take_pen(section, holder)
    return save(section, holder, revision.text, section.version, user=user, restored_from=version)


# --- proposals from the phones -------------------------------------------------------------


def propose(
    section: BilanSection, phone: LiveParticipant, sentence, client_id=None
) -> BilanProposal:
    _require_open(section.bilan)
    clean = text.clean(
        sentence,
        limit=PROPOSAL_LIMIT,
        field="text",
        empty_message=_("Write your sentence before sending."),
    )
    client_id = client_id if isinstance(client_id, str) and 8 <= len(client_id) <= 64 else None
    client_id = client_id or secrets.token_hex(12)
    existing = db.session.scalar(
        sa.select(BilanProposal).where(
            BilanProposal.section_id == section.id, BilanProposal.client_id == client_id
        )
    )
    if existing is not None:
        return existing  # a retry
    proposal = BilanProposal(
        section_id=section.id, participant_id=phone.id, client_id=client_id, text=clean
    )
    db.session.add(proposal)
    db.session.commit()
    changed(section.bilan)
    return proposal


def pending(section: BilanSection) -> list[BilanProposal]:
    return list(
        db.session.scalars(
            sa.select(BilanProposal)
            .where(
                BilanProposal.section_id == section.id,
                BilanProposal.status == ProposalStatus.PENDING,
            )
            .order_by(BilanProposal.id)
        )
    )


def get_proposal(bilan: Bilan, proposal_id: int) -> BilanProposal:
    proposal = db.session.get(BilanProposal, proposal_id)
    if proposal is None:
        raise NotFound
    section = db.session.get(BilanSection, proposal.section_id)
    if section.bilan_id != bilan.id:
        raise NotFound
    return proposal


def accept(
    section: BilanSection,
    proposal: BilanProposal,
    holder: str,
    seen_version,
    *,
    edited=None,
    user: User | None = None,
) -> BilanSection:
    """The pen holder adds the sentence (as proposed, or edited) at the end of the text."""
    if proposal.status is not ProposalStatus.PENDING:
        raise ValidationError(_("This sentence was already dealt with."))
    sentence = text.clean(
        edited if edited is not None else proposal.text, limit=PROPOSAL_LIMIT, field="text"
    )
    body = section.text.rstrip()
    body = f"{body}\n{sentence}" if body else sentence
    proposal_id = proposal.id
    save(section, holder, body, seen_version, user=user)
    proposal = db.session.get(BilanProposal, proposal_id)
    proposal.status = ProposalStatus.ACCEPTED
    db.session.commit()
    return section


def set_aside(section: BilanSection, proposal: BilanProposal, holder: str) -> None:
    _require_open(section.bilan)
    if section.pen != holder:
        raise ValidationError(_("Take the pen to deal with the proposals."))
    proposal.status = ProposalStatus.SET_ASIDE
    db.session.commit()
    changed(section.bilan)
