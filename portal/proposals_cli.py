"""`proposals` command group: list, approve and publish redline proposals from a terminal."""

import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import select

from documents import proposals as props
from models import RedlineProposal
from portal import security
from portal.documents_cli import as_option, parse_moment, run_command
from portal.extensions import db

proposals_cli = AppGroup("proposals", help="Redline proposal commands.")


@proposals_cli.command("list")
@click.option("--status", default=None, help="Only proposals in this state.")
@as_option
def list_command(status: str | None, username: str) -> None:
    """List the proposals the user may see, newest first."""
    def work(actor):
        security.require(actor, "proposals.view")
        query = select(RedlineProposal).where(security.proposal_filter(actor))
        if status:
            query = query.where(RedlineProposal.status == status)
        rows = db.session.scalars(query.order_by(RedlineProposal.id.desc())).all()
        if not rows:
            click.echo(_("No proposal matches."))
        for p in rows:
            flag = _(" (base outdated)") if p.base_outdated else ""
            click.echo(f"#{p.id}\t{p.status}{flag}\t{p.document.code}\t{p.title}")

    sys.exit(run_command(username, work))


@proposals_cli.command("approve")
@click.argument("proposal_id", type=int)
@click.option("--comment", default="", help="A note for the history.")
@as_option
def approve_command(proposal_id: int, comment: str, username: str) -> None:
    """Approve a proposal's current changes as the given reviewer."""
    def work(actor):
        proposal = props.get_proposal(db.session, actor, proposal_id)
        done = props.approve(db.session, actor, proposal, proposal.changes_hash, comment)
        click.echo(_("Approved. The review is complete: the proposal can be published.")
                   if done else _("Approved. More approvals are needed."))

    sys.exit(run_command(username, work))


@proposals_cli.command("publish")
@click.argument("proposal_id", type=int)
@click.option("--effective", default=None, help="Effective date (YYYY-MM-DD); default now.")
@as_option
def publish_command(proposal_id: int, effective: str | None, username: str) -> None:
    """Publish an approved proposal as the document's next version."""
    start = parse_moment(effective)

    def work(actor):
        proposal = props.get_proposal(db.session, actor, proposal_id)
        version = props.publish(db.session, actor, proposal, start)
        click.echo(_("Published as %(code)s version %(n)d.", code=proposal.document.code,
                     n=version.number))

    sys.exit(run_command(username, work))
