"""Login, first-run setup, invitations and the team page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from ..core.database import utcnow
from ..core.exceptions import ValidationError
from ..core.web import attach_error, form_status, is_htmx, safe_next
from ..extensions import limiter
from ..spaces import services as spaces
from . import bp, services
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    InvitationForm,
    LoginForm,
    SetupForm,
)
from .models import Role


def _start_session(user) -> None:
    """Log in with a fresh session: nothing from before the login survives (no fixation)."""
    session.clear()
    login_user(user)
    session.permanent = True
    services.record_login(user)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Staff login by e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            return redirect(safe_next("main.dashboard"))
        form.form_errors.append(_("This e-mail address and password do not match an account."))
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.post("/deconnexion")
@login_required
def logout():
    """End the session."""
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/installation", methods=["GET", "POST"])
def setup():
    """First-run setup: create the structure and its first coordinator. Closed afterwards."""
    if services.has_any_user():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = services.create_first_coordinator(
                organisation_name=form.organisation_name.data,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            _start_session(user)
            flash(_("Welcome! Start by creating your collective spaces."), "success")
            return redirect(url_for("spaces.index"))
    return render_template("accounts/setup.html", form=form), form_status(form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def accept_invitation(token: str):
    """Create one's account from a single-use invitation link."""
    invitation = services.find_pending_invitation(token)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                token,
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            _start_session(user)
            flash(_("Your account is ready."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template(
        "accounts/accept_invitation.html", form=form, invitation=invitation
    ), form_status(form)


@bp.route("/equipe", methods=["GET", "POST"])
@login_required
def team():
    """Coordinator: staff accounts and invitation links."""
    staff = services.list_staff(current_user)
    form = InvitationForm()
    form.spaces.choices = [SelectChoice(s.id, s.name) for s in spaces.list_spaces(current_user)]
    new_link = None
    if form.validate_on_submit():
        created = services.create_invitation(
            current_user,
            role=Role(form.role.data),
            label=form.label.data or "",
            space_ids=form.spaces.data or [],
            valid_days=current_app.config["INVITATION_VALID_DAYS"],
        )
        new_link = url_for("accounts.accept_invitation", token=created.token, _external=True)
        form = InvitationForm(formdata=None)
        form.spaces.choices = [SelectChoice(s.id, s.name) for s in spaces.list_spaces(current_user)]
    context = {
        "form": form,
        "staff": staff,
        "invitations": services.list_invitations(current_user),
        "new_link": new_link,
        "now": utcnow(),
    }
    if is_htmx() and request.method == "POST":
        return render_template("accounts/_invite.html", **context), form_status(form)
    return render_template("accounts/team.html", **context), form_status(form)


@bp.post("/equipe/invitations/<int:invitation_id>/revoquer")
@login_required
def revoke_invitation(invitation_id: int):
    """Coordinator: make an unused invitation link useless."""
    services.revoke_invitation(current_user, invitation_id)
    flash(_("The invitation link no longer works."), "info")
    return redirect(url_for("accounts.team"))


@bp.post("/equipe/<int:user_id>/activer")
@login_required
def toggle_active(user_id: int):
    """Coordinator: deactivate (or reactivate) a member of staff."""
    active = request.form.get("active") == "1"
    try:
        user = services.set_active(current_user, user_id, active)
    except ValidationError as error:
        flash(error.message, "error")
    else:
        flash(
            _("%(name)s can log in again.", name=user.display_name)
            if active
            else _("%(name)s can no longer log in.", name=user.display_name),
            "info",
        )
    return redirect(url_for("accounts.team"))


@bp.route("/mon-compte", methods=["GET", "POST"])
@login_required
def account():
    """Change one's password (ends every other open session)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            login_user(current_user._get_current_object())  # keep this session, new token
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form), form_status(form)
