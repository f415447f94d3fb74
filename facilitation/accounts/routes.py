"""Login, first-run setup, invitations and the team page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..core.database import utcnow
from ..core.exceptions import ValidationError
from ..core.web import attach_error, form_status, is_htmx
from ..extensions import limiter
from ..spaces import services as spaces
from . import bp, fresh_login, services, signin, two_factor
from .forms import (
    AcceptInvitationForm,
    CodeForm,
    InvitationForm,
    LoginForm,
    RoleForm,
    SetupForm,
    TwoFactorRequirementForm,
)
from .fresh_login import require_fresh_login
from .models import Role


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _refused(form, message: str, template: str = "accounts/login.html", **context):
    """Too many wrong attempts: say so, check nothing, count nothing."""
    form.form_errors.append(message)
    return render_template(template, form=form, **context), 429


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """Staff login by e-mail and password (then a code, when two-factor is on)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if request.method == "POST" and (message := signin.throttled(form.email.data or "")):
        return _refused(form, message)
    if form.validate_on_submit():
        try:
            user = signin.password_step(
                form.email.data, form.password.data, fresh_login.safe_next("main.dashboard")
            )
        except ValidationError as error:
            attach_error(form, error)
        else:
            if user is None:
                return redirect(url_for("accounts.login_code"))
            return redirect(fresh_login.safe_next("main.dashboard"))
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.route("/connexion/code", methods=["GET", "POST"])
def login_code():
    """Second step of a login: the code from the authenticator app (or a recovery code)."""
    user = signin.pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if request.method == "POST" and (message := signin.throttled(user.email)):
        return _refused(form, message, "accounts/login_code.html")
    if form.validate_on_submit():
        next_path = signin.pending_next()
        try:
            signin.code_step(form.code.data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            return redirect(next_path or url_for("main.dashboard"))
    return render_template("accounts/login_code.html", form=form), form_status(form)


@bp.post("/deconnexion")
@login_required
def logout():
    """End the session, on this server too: the cookie opens nothing any more."""
    signin.log_out(current_user._get_current_object())
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
            signin.complete(user)
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
            signin.complete(user)
            flash(_("Your account is ready."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template(
        "accounts/accept_invitation.html", form=form, invitation=invitation
    ), form_status(form)


@bp.route("/equipe", methods=["GET", "POST"])
@login_required
@require_fresh_login(methods={"POST"})
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
        "role_form": RoleForm(formdata=None),
        "requirement_form": TwoFactorRequirementForm(
            formdata=None, required=current_user.organisation.require_two_factor
        ),
    }
    if is_htmx() and request.method == "POST":
        return render_template("accounts/_invite.html", **context), form_status(form)
    return render_template("accounts/team.html", **context), form_status(form)


@bp.post("/equipe/invitations/<int:invitation_id>/revoquer")
@login_required
@require_fresh_login(back="accounts.team")
def revoke_invitation(invitation_id: int):
    """Coordinator: make an unused invitation link useless."""
    services.revoke_invitation(current_user, invitation_id)
    flash(_("The invitation link no longer works."), "info")
    return redirect(url_for("accounts.team"))


@bp.post("/equipe/<int:user_id>/activer")
@login_required
@require_fresh_login(back="accounts.team")
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


@bp.post("/equipe/<int:user_id>/role")
@login_required
@require_fresh_login(back="accounts.team")
def change_role(user_id: int):
    """Coordinator: make a member of staff coordinator or mediator."""
    form = RoleForm()
    if form.validate_on_submit():
        try:
            user = services.set_role(current_user, user_id, Role(form.role.data))
        except ValidationError as error:
            flash(error.message, "error")
        else:
            flash(_("%(name)s's role is changed.", name=user.display_name), "success")
    else:
        flash(_("Choose a role."), "error")
    return redirect(url_for("accounts.team"))


@bp.post("/equipe/securite")
@login_required
@require_fresh_login(back="accounts.team")
def two_factor_requirement():
    """Coordinator: require two-factor authentication for the whole structure (or not)."""
    form = TwoFactorRequirementForm()
    try:
        organisation = two_factor.set_requirement(current_user, bool(form.required.data))
    except ValidationError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "Two-factor authentication is now required: staff without it set it up "
                "at their next login."
            )
            if organisation.require_two_factor
            else _("Two-factor authentication is no longer required."),
            "info",
        )
    return redirect(url_for("accounts.team"))
