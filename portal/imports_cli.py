"""`accounts` command group: bulk import of debtor accounts from CSV."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from tqdm import tqdm

from models import User
from models.errors import DomainError, PermissionDenied
from portal import audit
from portal.account_import import (
    ImportLimits,
    ImportMode,
    ImportReport,
    UnreadableFile,
    import_accounts,
)
from portal.extensions import db

accounts_cli = AppGroup("accounts", help="Debtor account commands.")

EXIT_IMPORTED, EXIT_REFUSED, EXIT_UNREADABLE = 0, 1, 2


def print_report(report: ImportReport, shown: int) -> None:
    """Print the counts, then the first problems as row, column, reason."""
    click.echo(_("Mode: %(mode)s. Rows read: %(read)d. Imported: %(imported)d. Rows refused: "
                 "%(refused)d.", mode=report.mode.value, read=report.rows_read,
                 imported=report.imported, refused=report.refused_rows))
    if report.refused_rows and report.mode == ImportMode.ALL_OR_NOTHING:
        click.echo(_("Nothing was imported (all-or-nothing): fix the rows below and run the "
                     "import again, or use --mode skip-bad-rows."))
    for problem in report.problems[:shown]:
        column = problem.column or _("(whole row)")
        click.echo(_("row %(row)d, %(column)s: %(reason)s", row=problem.row, column=column,
                     reason=problem.reason))
    printed = min(shown, len(report.problems))
    if report.problem_count > printed:
        click.echo(_("... and %(n)d more problem(s).", n=report.problem_count - printed))
    if printed < len(report.problems):
        click.echo(_("Use --show %(n)d to list the first %(n)d.", n=len(report.problems)))


def _actor(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise PermissionDenied(_("There is no user named \"%(name)s\".", name=username))
    return user


def _run(path: Path, mode: str, username: str, shown: int) -> int:
    """Import the file and return the exit code."""
    audit.bind(f"cli:{username}")
    limits = ImportLimits.from_config(current_app.config)
    try:
        actor = _actor(username)
        with path.open("rb") as stream, tqdm(total=path.stat().st_size, desc=_("importing"),
                                             unit="B", unit_scale=True, unit_divisor=1024,
                                             disable=None) as bar:
            def progress(rows: int, done: int) -> None:
                bar.update(done - bar.n)
                bar.set_postfix_str(_("%(n)s rows", n=f"{rows:,}"), refresh=False)

            report = import_accounts(db.session, actor, stream, mode, limits, progress)
    except OSError as exc:
        click.echo(_("Cannot read %(path)s: %(why)s", path=path, why=exc.strerror), err=True)
        return EXIT_UNREADABLE
    except (UnreadableFile, PermissionDenied) as exc:
        click.echo(exc.message, err=True)
        return EXIT_UNREADABLE
    except OperationalError:
        db.session.rollback()
        click.echo(_("The database is busy or unavailable; nothing was imported. Try again."),
                   err=True)
        return EXIT_UNREADABLE
    except DomainError as exc:
        click.echo(exc.message, err=True)
        return EXIT_REFUSED
    print_report(report, shown)
    return EXIT_IMPORTED if report.complete else EXIT_REFUSED


@accounts_cli.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--mode", type=click.Choice([m.value for m in ImportMode]),
              default=ImportMode.ALL_OR_NOTHING.value, show_default=True,
              help="all-or-nothing: one bad row and nothing is written; skip-bad-rows: the good "
                   "rows are written and the bad ones reported.")
@click.option("--as", "username", default="admin", show_default=True,
              help="The user the import acts as; needs the accounts.import permission.")
@click.option("--show", default=50, show_default=True, help="How many problems to print.")
def import_command(csv_file: Path, mode: str, username: str, show: int) -> None:
    """Bulk-import debtor accounts from a UTF-8 CSV file with a header row.

    Existing account numbers are refused as duplicates: the import only creates accounts.
    Exit code 0 when every row was imported, 1 when rows were refused, 2 when the file could
    not be read or the import could not start (unknown user, no permission).
    """
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        code = _run(csv_file, mode, username, show)
    sys.exit(code)
