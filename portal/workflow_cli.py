"""`workflow` command group: escalate overdue items (run it from cron)."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from models.workflow import Escalation, escalate_overdue
from portal import audit
from portal.documents_cli import EXIT_OK, EXIT_UNREADABLE, parse_moment
from portal.escalations import notify_escalations
from portal.extensions import db
from portal.mail import mail_enabled, send_all

workflow_cli = AppGroup("workflow", help="Workflow commands (proposals and cases).")


def describe(escalation: Escalation) -> str:
    """Return one line naming the item by type and id only (case titles may be confidential)."""
    subject = escalation.subject
    return _("%(kind)s %(id)s (%(state)s, due %(due)s): escalated to level %(level)d, "
             "%(target)s", kind=type(subject).subject_type, id=subject.id, state=subject.status,
             due=escalation.due_at.isoformat(timespec="minutes"), level=escalation.level,
             target=_(escalation.target))


@workflow_cli.command("escalate")
@click.option("--now", "now_text", default=None,
              help="Act as if it were this time (ISO; the department's time zone when none is "
                   "given). Default: now.")
def escalate_command(now_text: str | None) -> None:
    """Escalate overdue items: level 1 tells the team lead, level 2 the department head."""
    now = parse_moment(now_text)
    audit.bind("cli:workflow-escalate")
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        try:
            raised = escalate_overdue(db.session, now)
            notices = notify_escalations(db.session, raised)
            db.session.commit()
        except OperationalError:
            db.session.rollback()
            click.echo(_("The database is busy or unavailable; nothing was changed. Try again."),
                       err=True)
            sys.exit(EXIT_UNREADABLE)
        for escalation in raised:
            click.echo(describe(escalation))
        items = len({(type(e.subject).subject_type, e.subject.id) for e in raised})
        click.echo(_("%(n)d escalations of %(items)d overdue items.", n=len(raised),
                     items=items) if raised else _("No overdue item needed escalation."))
        if notices:
            click.echo(_("%(n)d notices sent to team leads and department heads.", n=notices))
            _email_now()
    sys.exit(EXIT_OK)


def _email_now() -> None:
    """E-mail the notices at once when SMTP is on; what fails waits for `notifications send`."""
    if not mail_enabled(current_app.config):
        return
    result = send_all(db.session, current_app.config)
    if result.failed or result.error:
        click.echo(_("%(n)d e-mails could not be sent now; `flask notifications send` will "
                     "retry them.", n=result.failed), err=True)
