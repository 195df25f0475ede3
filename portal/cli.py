"""Command-line interface: thin click commands over plain functions."""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from tqdm import tqdm

from portal import audit
from portal.extensions import db

# Importing portal.mail also installs the listeners that e-mail notifications after a request.
from portal.mail import mail_enabled, send_all


@click.command("seed-demo")
@with_appcontext
@click.option("--accounts", default=5000, show_default=True, help="How many demo accounts.")
@click.option("--documents/--no-documents", default=True, show_default=True,
              help="Also load the demo policy documents with their versions.")
@click.option("--proposals/--no-proposals", default=True, show_default=True,
              help="Also load review rules and redline proposals in every state (with the "
                   "documents).")
def seed_demo_command(accounts: int, documents: bool, proposals: bool) -> None:
    """Load demo users, teams, staff, accounts, policy documents and proposals (twice: no-op)."""
    from portal.auth import hasher
    from portal.demo import DEMO_PASSWORD, seed_demo

    audit.bind("cli:seed-demo")
    with tqdm(total=accounts, desc="accounts", unit="acct", disable=None) as bar:
        result = seed_demo(db.session, hasher().hash(DEMO_PASSWORD), accounts, bar.update,
                           documents=documents, proposals=proposals)
    db.session.commit()
    click.echo(f"Demo data ready: {result['teams']} teams, "
               f"{result['accounts_created']} new accounts, "
               f"{result['documents_created']} new policy documents, "
               f"{result['proposals_created']} new proposals.")


audit_cli = AppGroup("audit", help="Audit trail commands.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the audit chain; exit 1 naming the first bad entry."""
    result = audit.verify(db.session, current_app.config["AUDIT_KEY"].encode())
    click.echo(result.message)
    sys.exit(0 if result.ok else 1)


notifications_cli = AppGroup("notifications", help="Notification commands.")


@notifications_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="E-mails per batch.")
def notifications_send(limit: int) -> None:
    """E-mail the notifications not e-mailed yet (run it from cron); exit 1 if some wait."""
    audit.bind("cli:notifications-send")
    if not mail_enabled(current_app.config):
        click.echo(_("E-mail is off: set PORTAL_SMTP_HOST to send notifications by e-mail."))
        sys.exit(0)
    result = send_all(db.session, current_app.config, max(1, limit))
    click.echo(_("%(n)d e-mails sent.", n=result.sent))
    if result.failed or result.error:
        click.echo(_("%(n)d e-mails could not be sent and wait for the next run: %(why)s",
                     n=result.failed, why=result.error or _("see the log")), err=True)
        sys.exit(1)


def register_cli(app: Flask) -> None:
    """Attach every command to the app."""
    from portal.documents_cli import documents_cli
    from portal.imports_cli import accounts_cli
    from portal.proposals_cli import proposals_cli
    from portal.workflow_cli import workflow_cli

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(audit_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(documents_cli)
    app.cli.add_command(workflow_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(proposals_cli)
