"""Staff accounts: creating the first coordinator, invitations, authentication."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import services as audit
from ..core.database import utcnow
from ..core.exceptions import Forbidden, NotFound, ValidationError
from ..extensions import db
from . import fresh_login, sessions
from .models import Invitation, Organisation, Role, User, new_login_token
from .passwords import check_new_password

# Checked against when the e-mail is unknown, so both paths cost one hash.
_DUMMY_HASH = generate_password_hash("not a real password, only for timing")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _check_display_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give a name your colleagues will recognise."), "display_name")
    return name


def has_any_user() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) > 0


def email_taken(email: str) -> bool:
    return (
        db.session.scalar(sa.select(User.id).where(User.email == normalise_email(email)))
        is not None
    )


def create_user(
    organisation: Organisation,
    *,
    email: str,
    password: str,
    display_name: str,
    role: Role,
    commit: bool = True,
) -> User:
    email = normalise_email(email)
    check_new_password(password, email=email, organisation_name=organisation.name)
    if email_taken(email):
        raise ValidationError(_("An account already uses this e-mail address."), "email")
    user = User(
        organisation=organisation,
        email=email,
        display_name=_check_display_name(display_name),
        password_hash=generate_password_hash(password),
        role=role,
    )
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


def create_first_coordinator(
    *, organisation_name: str, email: str, password: str, display_name: str
) -> User:
    """Create the organisation and its first coordinator (first-run setup or ``create-admin``)."""
    name = " ".join((organisation_name or "").split())
    if not name:
        raise ValidationError(_("Give the name of your structure."), "organisation_name")
    organisation = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
    try:
        return create_user(
            organisation,
            email=email,
            password=password,
            display_name=display_name,
            role=Role.COORDINATOR,
        )
    except ValidationError:
        db.session.rollback()
        raise


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Unknown e-mails cost the same time."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Change one's password: every other open session ends, this one stays (and is fresh)."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError(_("The current password is incorrect."), "current_password")
    check_new_password(new, email=user.email, organisation_name=user.organisation.name)
    user.password_hash = generate_password_hash(new)
    user.login_token = new_login_token()  # Flask-Login's id changes too
    db.session.commit()
    sessions.end_all(user, "password", keep=sessions.current())
    fresh_login.mark_fresh()


def load_user(login_token: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.login_token == login_token, User.active.is_(True))
    )


# --- team and invitations -----------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def list_staff(actor: User) -> list[User]:
    if not actor.is_coordinator:
        raise Forbidden
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organisation_id == actor.organisation_id)
            .order_by(User.active.desc(), User.display_name)
        )
    )


def list_invitations(actor: User) -> list[Invitation]:
    if not actor.is_coordinator:
        raise Forbidden
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.organisation_id == actor.organisation_id)
            .order_by(Invitation.created_at.desc())
        )
    )


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # shown once, to copy; only its hash is stored


def create_invitation(
    actor: User,
    *,
    role: Role = Role.MEDIATOR,
    label: str = "",
    space_ids: list[int] | None = None,
    valid_days: int = 14,
) -> NewInvitation:
    if not actor.is_coordinator:
        raise Forbidden
    from ..spaces import services as spaces  # spaces depends on accounts, not the reverse

    chosen = [spaces.get_space(actor, sid) for sid in (space_ids or [])]
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation_id=actor.organisation_id,
        token_hash=_hash_token(token),
        role=Role(role),
        label=" ".join((label or "").split())[:120],
        created_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=valid_days),
        spaces=chosen,
    )
    db.session.add(invitation)
    db.session.commit()
    return NewInvitation(invitation, token)


def revoke_invitation(actor: User, invitation_id: int) -> Invitation:
    if not actor.is_coordinator:
        raise Forbidden
    invitation = db.session.scalar(
        sa.select(Invitation).where(
            Invitation.id == invitation_id, Invitation.organisation_id == actor.organisation_id
        )
    )
    if invitation is None:
        raise NotFound
    if invitation.used_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.commit()
    return invitation


def find_pending_invitation(token: str, now: datetime | None = None) -> Invitation:
    """The invitation behind a link, if it can still be used; otherwise :class:`NotFound`."""
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == _hash_token(token or ""))
    )
    if invitation is None or invitation.status(now or utcnow()) != "pending":
        raise NotFound
    return invitation


def accept_invitation(token: str, *, email: str, password: str, display_name: str) -> User:
    """Create the account and join the invited spaces; the link cannot be used again."""
    from ..spaces import services as spaces

    invitation = find_pending_invitation(token)
    # Claim the invitation atomically: of two simultaneous uses, only one wins.
    claimed = db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise NotFound
    try:
        user = create_user(
            db.session.get(Organisation, invitation.organisation_id),
            email=email,
            password=password,
            display_name=display_name,
            role=invitation.role,
            commit=False,
        )
    except ValidationError:
        db.session.rollback()
        raise
    db.session.flush()
    invitation.used_by_id = user.id
    for space in invitation.spaces:
        spaces.add_member(space, user)
    db.session.commit()
    return user


def set_active(actor: User, user_id: int, active: bool) -> User:
    if not actor.is_coordinator:
        raise Forbidden
    user = db.session.scalar(
        sa.select(User).where(User.id == user_id, User.organisation_id == actor.organisation_id)
    )
    if user is None:
        raise NotFound
    if user.id == actor.id and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.active != active:
        audit.record(
            actor.organisation_id,
            audit.STAFF_ACTIVE_CHANGED,
            actor=actor,
            participant_id=None,
            user_id=user.id,
            active=active,
        )
    user.active = active
    if not active:
        user.login_token = new_login_token()
        from ..participants.services import revoke_unconfirmed_bindings_by  # no import cycle

        revoke_unconfirmed_bindings_by(user, actor=actor)  # phones they linked, unconfirmed
    db.session.commit()
    if not active:
        sessions.end_all(user, "deactivated")  # and their control sockets close
    return user


def set_role(actor: User, user_id: int, role: Role) -> User:
    """Coordinator: make a member of staff coordinator or mediator (not oneself)."""
    if not actor.is_coordinator:
        raise Forbidden
    user = db.session.scalar(
        sa.select(User).where(User.id == user_id, User.organisation_id == actor.organisation_id)
    )
    if user is None:
        raise NotFound
    role = Role(role)
    if user.id == actor.id:
        raise ValidationError(_("You cannot change your own role."))
    if user.role is not role:
        audit.record(
            actor.organisation_id,
            audit.ROLE_CHANGED,
            actor=actor,
            participant_id=None,
            user_id=user.id,
            before=user.role.value,
            after=role.value,
        )
        user.role = role
        db.session.commit()
    return user
