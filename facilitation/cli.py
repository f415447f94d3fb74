"""Command-line tools: ``flask --app wsgi create-admin``, ``seed-demo``, ``serve``,
``audit-verify``, ``purge``, ``backup`` and ``restore``."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask_babel import get_timezone

from .accounts import services as accounts
from .audit import chain, retention
from .core import network
from .core.exceptions import ValidationError
from .demo import logins as demo_logins_store
from .demo import services as demo


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(demo_logins)
    app.cli.add_command(serve)
    app.cli.add_command(audit_verify)
    app.cli.add_command(purge)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("create-admin")
@click.option("--email", prompt="E-mail", help="Login e-mail of the coordinator.")
@click.option("--name", "display_name", prompt="Name", help="Name shown to colleagues.")
@click.option("--organisation", prompt="Structure", help="Name of the structure.")
@click.password_option("--password", help="At least 12 characters (asked if not given).")
def create_admin(email: str, display_name: str, organisation: str, password: str) -> None:
    """Create a coordinator account (the first one creates the structure)."""
    try:
        user = accounts.create_first_coordinator(
            organisation_name=organisation,
            email=email,
            password=password,
            display_name=display_name,
        )
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Coordinator {user.email} created.")


@click.command("seed-demo")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (successfully) when the database already has accounts.",
)
@click.option(
    "--base-url",
    default=None,
    help="Public address used in printed links (default http://127.0.0.1:$PORT).",
)
def seed_demo(as_json: bool, if_empty: bool, base_url: str | None) -> None:
    """Fill an EMPTY database with demo data and print the demo logins."""
    if if_empty and accounts.has_any_user():
        click.echo("The database already has accounts: no demo data added.", err=True)
        return
    base_url = base_url or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    with current_app.test_request_context(base_url=base_url):
        today = datetime.now(get_timezone()).date()
        try:
            result = demo.seed(today)
        except demo.DatabaseNotEmpty as error:
            raise click.ClickException(error.message) from error
        demo_logins_store.remember(result)  # `flask demo-logins` prints them again
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    _print_logins(result)


def _print_logins(result: dict) -> None:
    click.echo(f"Demo ready at {result['login_url']}")
    click.echo(
        f"  coordinator: {result['coordinator']['email']} / {result['coordinator']['password']}"
    )
    for mediator in result["mediators"]:
        spaces = ", ".join(s["name"] for s in mediator["spaces"])
        click.echo(f"  mediator:    {mediator['email']} / {mediator['password']}  ({spaces})")
    live = result.get("live")
    if live:
        click.echo(f"  live board:  join {live['join_url']}  (code {live['join_code']})")
        click.echo(f"               screen {live['screen_url']}")
        click.echo(f"               control {live['control_url']}")


@click.command("demo-logins")
@click.option(
    "--base-url",
    default=None,
    help="Public address used in printed links (default http://127.0.0.1:$PORT).",
)
def demo_logins(base_url: str | None) -> None:
    """Print the demo logins and the live board's links again, while the demo data is there."""
    base_url = network.for_phones(base_url or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")
    with current_app.test_request_context(base_url=base_url):
        result = demo_logins_store.logins()
    if result is None:
        click.echo("No demo data in this database (its accounts are not the demo's).", err=True)
        return
    _print_logins(result)


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"))
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int)
def serve(host: str, port: int) -> None:
    """Serve the app as in production: gunicorn with one gevent worker (gunicorn.conf.py)."""
    root = Path(__file__).resolve().parent.parent
    gunicorn = Path(sys.executable).with_name("gunicorn")
    os.environ.update(HOST=host, PORT=str(port))
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    click.echo(f"Serving on http://{host}:{port}")
    if network.listening_on_network(host):
        address = network.network_address()
        if address:
            click.echo(f"Phones on this network: http://{address}:{port}")
    os.chdir(root)
    argv = [str(gunicorn), "-c", str(root / "gunicorn.conf.py"), "wsgi:app"]
    os.execv(argv[0], argv)  # noqa: S606 (replace this process by the server)


@click.command("audit-verify")
def audit_verify() -> None:
    """Check the audit log's hash chains; exit code 1 at the first broken link."""
    result = chain.verify()
    if result.ok:
        click.echo(f"OK: {result.entries} audit entries in {result.chains} chains, none changed.")
        return
    broken = result.broken
    when = broken.created_at.isoformat(timespec="seconds") if broken.created_at else "-"
    click.echo(
        f"BROKEN: organisation {broken.organisation_id}, entry id {broken.entry_id} "
        f"(no. {broken.seq}, {when}): {broken.reason}.",
        err=True,
    )
    sys.exit(1)


PURGE_LINES = {
    "people": "inactive people erased",
    "board_identities": "board identities anonymised",
    "sign_in_links": "sign-in links removed",
    "invitations": "staff invitations removed",
    "staff_sessions": "ended staff sessions removed",
    "audit_entries": "audit entries removed",
    "project_bin": "project bin items removed (deleted over 30 days ago)",
}


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Print what would be removed; remove nothing.")
def purge(dry_run: bool) -> None:
    """Remove what is past its retention period (see docs/privacy.md)."""
    periods = retention.Periods.from_config()
    counts = retention.purge(dry_run=dry_run)
    click.echo(
        ("Dry run, nothing removed. " if dry_run else "")
        + f"Retention: people {periods.people_months} months, board identities "
        f"{periods.board_months} months, links {periods.links_days} days, audit "
        f"{periods.audit_months} months."
    )
    for kind, text in PURGE_LINES.items():
        if kind in counts:
            click.echo(f"  {text}: {counts[kind]}")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_command(target: Path) -> None:
    """Copy the whole database into TARGET (SQLite online backup, or pg_dump)."""
    from .core import backup as backups

    try:
        backups.backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that is not empty.")
def restore_command(source: Path, force: bool) -> None:
    """Restore a backup made by ``backup`` into this (empty) database."""
    from .core import backup as backups
    from .extensions import db

    db.engine.dispose()  # no connection of this process stays open on the old data
    try:
        backups.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source, force=force)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {source}.")
