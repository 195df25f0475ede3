"""`documents` command group: import and export Word files, publish, list reviews due."""

import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from documents import repository as repo
from models import User
from models.base import DEPARTMENT_ZONE
from models.errors import DomainError, NotFound
from portal import audit, labels
from portal.extensions import db

documents_cli = AppGroup("documents", help="Policy document commands.")

EXIT_OK, EXIT_REFUSED, EXIT_UNREADABLE = 0, 1, 2


def actor_named(username: str) -> User:
    """Return the acting user of a command or raise NotFound."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("There is no user named \"%(name)s\".", name=username)
    return user


def run_command(username: str, work) -> int:
    """Run work(actor) in one transaction; print the domain's message and return an exit code."""
    audit.bind(f"cli:{username}")
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        try:
            work(actor_named(username))
            db.session.commit()
            return EXIT_OK
        except DomainError as exc:
            db.session.rollback()
            click.echo(exc.message, err=True)
            return EXIT_REFUSED
        except OperationalError:
            db.session.rollback()
            click.echo(_("The database is busy or unavailable; nothing was changed. Try again."),
                       err=True)
            return EXIT_UNREADABLE


as_option = click.option("--as", "username", default="compliance", show_default=True,
                         help="The user the command acts as (their permissions apply).")


@documents_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--code", required=True, help="Code of an existing document, e.g. COL-POL-007.")
@click.option("--summary", default="", help="What changed in this version.")
@as_option
def import_command(path: Path, code: str, summary: str, username: str) -> None:
    """Import a Word .docx as a new draft version of a document."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        click.echo(_("Cannot read %(path)s: %(why)s", path=path, why=exc.strerror), err=True)
        sys.exit(EXIT_UNREADABLE)

    def work(actor):
        from documents.upload_safety import DocxLimits

        document = repo.get_document(db.session, actor, code)
        version = repo.import_version(db.session, actor, document, data, path.name, summary,
                                      DocxLimits.from_config(current_app.config))
        click.echo(_("%(code)s version %(n)d created as a draft: %(blocks)d blocks, %(words)d "
                     "words.", code=document.code, n=version.number,
                     blocks=len(version.blocks), words=version.word_count))
        for notice in version.import_notices:
            click.echo(_("Note: %(text)s", text=notice))

    sys.exit(run_command(username, work))


@documents_cli.command("export")
@click.argument("code")
@click.option("--version", "number", type=int, default=None,
              help="Version number (default: the version in force).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: CODE-vN.docx in the current folder).")
@as_option
def export_command(code: str, number: int | None, output: Path | None, username: str) -> None:
    """Write a version of a document as a clean .docx generated from the portal's copy."""
    def work(actor):
        document = repo.get_document(db.session, actor, code)
        version = (repo.get_version(actor, document, number) if number
                   else repo.effective_version(document))
        if version is None:
            raise NotFound("%(code)s has no version in force; name one with --version.",
                           code=document.code)
        target = output or Path(f"{document.code}-v{version.number}.docx")
        target.write_bytes(repo.export_version(
            version, labels.label(labels.LIFECYCLE, version.lifecycle().value),
            labels.label(labels.DOCUMENT_CATEGORY, document.category)))
        click.echo(_("Wrote %(path)s (%(code)s version %(n)d).", path=target,
                     code=document.code, n=version.number))

    sys.exit(run_command(username, work))


def parse_moment(text: str | None) -> datetime | None:
    """Read YYYY-MM-DD or an ISO time (the department's time zone when none is given)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter(_("use YYYY-MM-DD or YYYY-MM-DDTHH:MM")) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=DEPARTMENT_ZONE)


@documents_cli.command("publish")
@click.argument("code")
@click.option("--version", "number", type=int, required=True, help="The draft to publish.")
@click.option("--effective", default=None, help="Effective date (YYYY-MM-DD); default now.")
@as_option
def publish_command(code: str, number: int, effective: str | None, username: str) -> None:
    """Publish a draft version, in force now or from a future date."""
    start = parse_moment(effective)

    def work(actor):
        document = repo.get_document(db.session, actor, code)
        version = repo.publish(db.session, actor, repo.get_version(actor, document, number),
                               start)
        click.echo(_("%(code)s version %(n)d is %(state)s from %(when)s.", code=document.code,
                     n=version.number, state=version.lifecycle().value,
                     when=version.effective_from.isoformat(timespec="minutes")))

    sys.exit(run_command(username, work))


@documents_cli.command("due")
@click.option("--within", default=30, show_default=True, help="Days ahead to look.")
@as_option
def due_command(within: int, username: str) -> None:
    """List documents due for periodic review (overdue first); exit 1 if any is overdue."""
    found = []

    def work(actor):
        found.extend(repo.due_for_review(db.session, actor, within))

    code = run_command(username, work)
    if code != EXIT_OK:
        sys.exit(code)
    if not found:
        click.echo(_("No document is due for review in the next %(n)d days.", n=within))
    for item in found:
        state = _("OVERDUE by %(n)d days", n=-item.days) if item.overdue else \
            _("due in %(n)d days", n=item.days)
        click.echo(f"{item.document.code}\t{item.due.isoformat()}\t{state}\t"
                   f"{item.document.title}")
    sys.exit(EXIT_REFUSED if any(i.overdue for i in found) else EXIT_OK)
