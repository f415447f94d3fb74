"""*Mon compte*: password, open sessions, two-factor authentication; the password asked again."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from ..core.exceptions import ValidationError
from ..core.web import attach_error, form_status
from . import bp, fresh_login, services, sessions, signin, two_factor
from .forms import ChangePasswordForm, CodeForm, ConfirmPasswordForm, EnrolForm
from .fresh_login import require_fresh_login

PENDING_SECRET_KEY = "_totp_pending"  # noqa: S105 (a session key, not a secret)


def _account_page(form: ChangePasswordForm | None = None, disable_form: CodeForm | None = None):
    form = form or ChangePasswordForm(formdata=None)
    disable_form = disable_form or CodeForm(formdata=None)
    return render_template(
        "accounts/account.html",
        form=form,
        open_sessions=sessions.active_sessions(current_user),
        this_session=sessions.current(),
        disable_form=disable_form,
        recovery_left=two_factor.recovery_codes_left(current_user),
    ), max(form_status(form), form_status(disable_form))


@bp.route("/mon-compte", methods=["GET", "POST"])
@login_required
def account():
    """My account: change my password (ends my other sessions), my sessions, 2FA."""
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
    return _account_page(form)


@bp.route("/confirmer-mot-de-passe", methods=["GET", "POST"])
@login_required
def confirm_password():
    """Type the password again before a sensitive action, then go back to it."""
    form = ConfirmPasswordForm()
    if request.method == "POST" and (message := signin.throttled(current_user.email)):
        form.form_errors.append(message)
        return render_template("accounts/confirm_password.html", form=form), 429
    if form.validate_on_submit():
        try:
            fresh_login.confirm_password(current_user, form.password.data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            return redirect(fresh_login.safe_next("main.dashboard"))
    return render_template("accounts/confirm_password.html", form=form), form_status(form)


@bp.post("/mon-compte/sessions/<int:session_id>/terminer")
@login_required
@require_fresh_login(back="accounts.account")
def end_session(session_id: int):
    """End one of my other sessions (another computer, a lost phone)."""
    sessions.end_other(current_user, session_id)
    flash(_("That session is ended."), "success")
    return redirect(url_for("accounts.account"))


@bp.post("/mon-compte/sessions/terminer-les-autres")
@login_required
@require_fresh_login(back="accounts.account")
def end_other_sessions():
    """End all my sessions but this one."""
    count = sessions.end_others(current_user)
    flash(
        _("Your other sessions are ended.") if count else _("You had no other open session."),
        "success" if count else "info",
    )
    return redirect(url_for("accounts.account"))


@bp.route("/mon-compte/double-authentification", methods=["GET", "POST"])
@login_required
@require_fresh_login
def two_factor_setup():
    """Turn on two-factor authentication: scan the QR code, type a code back."""
    if current_user.has_two_factor:
        return redirect(url_for("accounts.account"))
    secret = session.get(PENDING_SECRET_KEY)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[PENDING_SECRET_KEY] = two_factor.new_secret()
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(current_user, secret, form.code.data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            session.pop(PENDING_SECRET_KEY, None)
            sessions.enrolled()
            return render_template("accounts/recovery_codes.html", codes=codes, first=True)
    uri = two_factor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/two_factor.html",
        form=form,
        qr=two_factor.qr_svg(uri),
        secret=two_factor.grouped(secret),
        required=sessions.must_enrol(),
    ), form_status(form)


@bp.post("/mon-compte/double-authentification/desactiver")
@login_required
@require_fresh_login(back="accounts.account")
def two_factor_disable():
    """Turn two-factor authentication off (a current code is asked)."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(current_user, form.code.data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            flash(_("Two-factor authentication is off."), "info")
            if two_factor.must_enrol(current_user):  # the structure requires it: set it up again
                sessions.require_enrolment()
                return redirect(url_for("accounts.two_factor_setup"))
            return redirect(url_for("accounts.account"))
    return _account_page(disable_form=form)


@bp.post("/mon-compte/double-authentification/codes-de-secours")
@login_required
@require_fresh_login(back="accounts.account")
def recovery_codes():
    """New recovery codes (the old ones stop working)."""
    try:
        codes = two_factor.regenerate_recovery_codes(current_user)
    except ValidationError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/recovery_codes.html", codes=codes, first=False)
