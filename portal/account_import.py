"""Bulk import of debtor accounts from CSV: every row checked, then all written or only good ones.

Decisions:
- The import only creates accounts. An account number that already exists in the portal is
  refused as a duplicate (changes to existing accounts go through the account form, where
  optimistic locking applies); so is a number that appears twice in the file.
- A file that cannot be read as a whole (empty, too large, too many rows, not UTF-8, binary,
  broken quoting, wrong header) raises UnreadableFile and nothing is written, in either mode.
- Row numbers count the header as row 1, as a spreadsheet shows them (portal.csv_input).
- The whole import is one transaction, flushed in batches: an error midway rolls back
  everything, and every created row still gets its audit entry from the session listener.
"""

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import DebtorAccount, Team, User
from models.assignment import assign
from models.errors import ValidationError
from portal import security
from portal.accounts import eligible_collectors
from portal.csv_input import CsvRecords, UnreadableFile, refuse_oversize, shown

ACCOUNT_COLUMNS = ("account_number", "customer_name", "national_id", "phone_primary",
                   "phone_secondary", "product", "outstanding_principal", "overdue_interest",
                   "fees", "days_past_due", "region", "status")
FLAG_COLUMNS = ("do_not_contact", "dispute", "deceased", "fraud_suspect")
ASSIGNMENT_COLUMNS = ("team", "collector")
ALL_COLUMNS = ACCOUNT_COLUMNS + FLAG_COLUMNS + ASSIGNMENT_COLUMNS
TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no", ""}
# Lower-cased before the model's validator sees them: "Credit_Card" is an obvious intent.
CASE_FOLDED = {"product", "status"}
BATCH_SIZE = 1000
MAX_ROWS = 200_000
MAX_KEPT_PROBLEMS = 1000
ASSIGNMENT_REASON = "Bulk import"

Progress = Callable[[int, int], None]


class ImportMode(StrEnum):
    """What to do when some rows are bad."""

    ALL_OR_NOTHING = "all-or-nothing"
    SKIP_BAD_ROWS = "skip-bad-rows"


@dataclass(frozen=True)
class ImportLimits:
    """Bounds on one import."""

    max_bytes: int = 50 * 2**20
    max_rows: int = MAX_ROWS
    batch_size: int = BATCH_SIZE

    @classmethod
    def from_config(cls, config: Mapping) -> "ImportLimits":
        """Read the limits from the app configuration."""
        return cls(max_bytes=int(config["IMPORT_MAX_BYTES"]))


@dataclass(frozen=True)
class RowProblem:
    """Why one row (or one value of it) was refused; column is "" for the whole row."""

    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """Counts and per-row problems of one import."""

    mode: ImportMode
    rows_read: int = 0
    imported: int = 0
    problem_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    refused: set[int] = field(default_factory=set, repr=False)

    @property
    def refused_rows(self) -> int:
        """Count the rows that had at least one problem."""
        return len(self.refused)

    @property
    def complete(self) -> bool:
        """Tell whether every row read was imported."""
        return self.rows_read > 0 and self.imported == self.rows_read

    def add(self, row: int, column: str, reason: str) -> None:
        """Record a problem; only the first MAX_KEPT_PROBLEMS are kept, all are counted."""
        self.refused.add(row)
        self.problem_count += 1
        if len(self.problems) < MAX_KEPT_PROBLEMS:
            self.problems.append(RowProblem(row, column, reason))


def read_header(names: list[str]) -> dict[str, int]:
    """Map each known column to its position, or raise naming missing and unknown columns."""
    cleaned = [name.strip().lower() for name in names]
    unknown = [name or _("(empty column name)") for name in cleaned if name not in ALL_COLUMNS]
    repeated = sorted(name for name, n in Counter(cleaned).items() if name and n > 1)
    missing = [name for name in ACCOUNT_COLUMNS if name not in cleaned]
    problems = []
    if missing:
        problems.append(_("missing columns: %(names)s", names=", ".join(missing)))
    if unknown:
        problems.append(_("unknown columns: %(names)s",
                          names=", ".join(shown(name) for name in unknown[:10])))
    if repeated:
        problems.append(_("repeated columns: %(names)s", names=", ".join(repeated)))
    if sum(name in cleaned for name in ASSIGNMENT_COLUMNS) == 1:
        problems.append(_("the team and collector columns go together"))
    if problems:
        raise UnreadableFile(_("The header row is not right (%(problems)s). The first row must "
                               "name the columns; download the template to see them.",
                               problems="; ".join(problems)))
    return {name: index for index, name in enumerate(cleaned)}


def parse_flag(column: str, text: str) -> bool:
    """Read true/false, yes/no or 1/0, or raise ValidationError."""
    word = text.strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ValidationError(_("%(column)s must be true/false, yes/no or 1/0.", column=column))
    return word in TRUE_WORDS


@dataclass
class GoodRow:
    """A row that passed every check of its own, waiting to be written in the next batch."""

    row: int
    account: DebtorAccount
    target: tuple[Team, User] | None


class AccountImport:
    """Import accounts from one CSV stream on behalf of one user."""

    def __init__(self, session: Session, actor: User, mode: ImportMode,
                 limits: ImportLimits | None = None, progress: Progress | None = None):
        self.session, self.actor, self.mode = session, actor, ImportMode(mode)
        self.limits = limits or ImportLimits()
        self.progress = progress or (lambda _rows, _bytes: None)
        self.report = ImportReport(self.mode)
        self.seen: dict[str, int] = {}
        self.pending: list[tuple[int, str]] = []
        self.good: list[GoodRow] = []
        self.targets: dict[tuple[str, str], tuple[Team, User]] | None = None
        self.written = 0

    def check(self) -> None:
        """Raise PermissionDenied unless the actor may import accounts."""
        security.require(self.actor, "accounts.import")

    def execute(self, stream: BinaryIO) -> ImportReport:
        """Read, check and write in one transaction: commit what the mode allows, else roll back."""
        self.check()
        refuse_oversize(stream, self.limits.max_bytes)
        try:
            self._read(stream)
        except IntegrityError:
            self.session.rollback()
            raise UnreadableFile(_("The database refused the import: another user probably "
                                   "created one of these accounts at the same moment. Nothing "
                                   "was imported; run the import again.")) from None
        except BaseException:
            self.session.rollback()
            raise
        return self._finish()

    def _finish(self) -> ImportReport:
        refused = self.report.refused_rows > 0
        if self.written and not (refused and self.mode == ImportMode.ALL_OR_NOTHING):
            self.session.commit()
            self.report.imported = self.written
        else:
            self.session.rollback()
        self.report.problems.sort(key=lambda p: (p.row, _column_order(p.column)))
        return self.report

    def _read(self, stream: BinaryIO) -> None:
        records = CsvRecords(stream, self.limits.max_bytes)
        layout: dict[str, int] | None = None
        for row, values in records:
            if not any(value.strip() for value in values):
                continue  # blank lines and ",,,," rows that spreadsheets leave behind
            if layout is None:
                layout = self._start(values)
                continue
            self._take(row, values, layout)
            if len(self.pending) >= self.limits.batch_size:
                self._write_batch()
                self.progress(self.report.rows_read, records.consumed)
        self._write_batch()
        self.progress(self.report.rows_read, records.consumed)
        if layout is None:
            raise UnreadableFile(_("The file is empty. It needs a header row and at least one "
                                   "account row."))
        if self.report.rows_read == 0:
            raise UnreadableFile(_("The file has a header row but no account rows."))

    def _start(self, header: list[str]) -> dict[str, int]:
        layout = read_header(header)
        if "team" in layout:
            if not security.can(self.actor, "accounts.reassign"):
                raise UnreadableFile(_("You may not assign accounts: remove the team and "
                                       "collector columns."))
            self.targets = {(team.name.casefold(), user.username): (team, user)
                            for team, user in eligible_collectors(self.session, self.actor)}
        return layout

    def _take(self, row: int, values: list[str], layout: dict[str, int]) -> None:
        self.report.rows_read += 1
        if self.report.rows_read > self.limits.max_rows:
            raise UnreadableFile(_("The file has more than %(n)d account rows. Split it into "
                                   "smaller files.", n=self.limits.max_rows))
        if len(values) != len(layout):
            self.report.add(row, "", _("The row has %(found)d values but the header has "
                                       "%(expected)d columns (look for an unquoted comma or a "
                                       "missing value).", found=len(values),
                                       expected=len(layout)))
            return
        cells = {name: values[index] for name, index in layout.items()}
        account, target, ok = self._build(row, cells)
        number = account.account_number
        if number is None:
            return
        if number in self.seen:
            self.report.add(row, "account_number", _(
                "Account number %(number)s appears more than once in the file (first on row "
                "%(first)d).", number=number, first=self.seen[number]))
            return
        self.seen[number] = row
        self.pending.append((row, number))
        if ok:
            self.good.append(GoodRow(row, account, target))

    def _build(self, row: int, cells: dict[str, str]
               ) -> tuple[DebtorAccount, tuple[Team, User] | None, bool]:
        """Set each value through the model's validators, recording every refusal."""
        account = DebtorAccount()
        ok = True
        for column in ACCOUNT_COLUMNS + FLAG_COLUMNS:
            if column not in cells:
                continue
            value = cells[column].lower() if column in CASE_FOLDED else cells[column]
            try:
                if column in FLAG_COLUMNS:
                    value = parse_flag(column, value)
                setattr(account, column, value)
            except ValidationError as exc:
                self.report.add(row, column, exc.message)
                ok = False
        target = None
        if self.targets is not None:
            try:
                target = self._target(cells)
            except ValidationError as exc:
                self.report.add(row, "collector", exc.message)
                ok = False
        return account, target, ok

    def _target(self, cells: dict[str, str]) -> tuple[Team, User] | None:
        """Find the (team, collector) pair named by the row; None when both are left empty."""
        team_name, username = cells["team"].strip(), cells["collector"].strip().lower()
        if not team_name and not username:
            return None
        found = (self.targets or {}).get((team_name.casefold(), username))
        if found is None:
            raise ValidationError(_(
                "There is no active collector \"%(user)s\" in team \"%(team)s\" (check the "
                "team name and the username).", user=shown(username, 64),
                team=shown(team_name, 120)))
        return found

    def _write_batch(self) -> None:
        """Refuse numbers already in the database, then flush the batch's good rows."""
        pending, good = self.pending, self.good
        self.pending, self.good = [], []
        existing = self._existing([number for _row, number in pending])
        for row, number in pending:
            if number in existing:
                self.report.add(row, "account_number", _(
                    "Account %(number)s already exists in the portal; the import only creates "
                    "new accounts.", number=number))
        good = [g for g in good if g.account.account_number not in existing]
        if not good or (self.report.refused and self.mode == ImportMode.ALL_OR_NOTHING):
            return  # nothing will be kept: keep checking, stop writing
        self.session.add_all(g.account for g in good if g.target is None)
        self._assign([g for g in good if g.target is not None])
        self.session.flush()
        self.written += len(good)

    def _existing(self, numbers: list[str]) -> set[str]:
        if not numbers:
            return set()
        with self.session.no_autoflush:
            return set(self.session.scalars(select(DebtorAccount.account_number)
                                            .where(DebtorAccount.account_number.in_(numbers))))

    def _assign(self, rows: list[GoodRow]) -> None:
        """Open the first assignment of each new account through the one assign() rule."""
        # These accounts are not added to the session first: assign() brings each one in with
        # its assignment, so it is inserted once with its collector already set. Flushing them
        # before cost an UPDATE and a second audit entry per account (PostgreSQL: 175 s per
        # 100,000 rows instead of 44 s without assignment).
        groups: dict[tuple[int, int], list[GoodRow]] = {}
        for good in rows:
            team, user = good.target
            groups.setdefault((team.id, user.id), []).append(good)
        for members in groups.values():
            team, user = members[0].target
            assign(self.session, [g.account for g in members], user, team, ASSIGNMENT_REASON,
                   assigned_by=self.actor)


def _column_order(column: str) -> int:
    return ALL_COLUMNS.index(column) + 1 if column in ALL_COLUMNS else 0


def import_accounts(session: Session, actor: User, stream: BinaryIO, mode: ImportMode | str,
                    limits: ImportLimits | None = None,
                    progress: Progress | None = None) -> ImportReport:
    """Import accounts from a CSV byte stream; see the module docstring for the rules."""
    return AccountImport(session, actor, ImportMode(mode), limits, progress).execute(stream)


def template_csv() -> str:
    """Return a CSV template: every column and one example row."""
    example = ["EX-000001", "Nguyễn Văn An", "001203004567", "0912345678", "", "credit_card",
               "15000000", "450000", "100000", "45", "Hà Nội", "active", "no", "no", "no",
               "no", "", ""]
    return ",".join(ALL_COLUMNS) + "\r\n" + ",".join(example) + "\r\n"
