"""Bulk import of debtor accounts: domain rules, the upload page and the CLI command."""

import io
import time

import pytest
from sqlalchemy import func, select

from models import Assignment, AuditEntry, DebtorAccount
from models.errors import PermissionDenied
from portal import audit
from portal.account_import import (
    ALL_COLUMNS,
    ImportLimits,
    UnreadableFile,
    import_accounts,
)
from portal.extensions import db
from tests.conftest import TEST_ACCOUNTS, csrf_token, user_named

HEADER = ",".join(ALL_COLUMNS[:12])
PAGE = "/import/accounts/"


def row(number: str, name: str = "Nguyễn Văn An", **changes: str) -> str:
    """Return one CSV line of the 12 required columns, with some values changed."""
    values = {"account_number": number, "customer_name": name, "national_id": "001203004567",
              "phone_primary": "0912345678", "phone_secondary": "", "product": "credit_card",
              "outstanding_principal": "15000000", "overdue_interest": "450000",
              "fees": "100000", "days_past_due": "45", "region": "Hà Nội", "status": "active"}
    values.update(changes)
    return ",".join(values[c] for c in ALL_COLUMNS[:12])


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    """Join a header and rows into the bytes of a UTF-8 CSV file."""
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


LATIN1 = csv_bytes(row("IMP-000001", name="Zoë", region="Ha Noi")).decode().encode("latin-1")


def counts() -> tuple[int, int]:
    """Return (accounts, audit entries) now in the database."""
    return (db.session.scalar(select(func.count()).select_from(DebtorAccount)),
            db.session.scalar(select(func.count()).select_from(AuditEntry)))


@pytest.fixture
def importing(app, ctx):
    """A request context (messages are translated per request) with the admin acting."""
    with app.test_request_context():
        audit.current_actor.set("admin")
        yield


def run(data: bytes, mode: str = "all-or-nothing", user: str = "admin", **limits):
    """Import bytes through the domain function as the named user."""
    return import_accounts(db.session, user_named(user), io.BytesIO(data), mode,
                           ImportLimits(**limits) if limits else None)


def refused(data: bytes, mode: str = "skip-bad-rows", **limits) -> str:
    """Run an import that must fail as a whole; check nothing changed; return the message."""
    before = counts()
    with pytest.raises(UnreadableFile) as caught:
        run(data, mode, **limits)
    assert counts() == before
    return caught.value.message


# --- domain: good files ----------------------------------------------------------------------
def test_good_file_imports_every_row_with_audit_entries(importing):
    accounts, entries = counts()
    report = run(csv_bytes(row("IMP-000001"), row("imp-000002", days_past_due="400",
                                                  status="Legal")))
    assert (report.rows_read, report.imported, report.refused_rows) == (2, 2, 0)
    assert report.complete and report.problems == []
    assert counts() == (accounts + 2, entries + 2)
    second = db.session.scalar(select(DebtorAccount).filter_by(account_number="IMP-000002"))
    assert (second.bucket, second.debt_group, second.status) == ("360+", 5, "legal")
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "DebtorAccount",
                                                         AuditEntry.action == "create")
                                .order_by(AuditEntry.seq.desc()).limit(2)).all()
    assert {e.changes["account_number"] for e in logged} == {"IMP-000001", "IMP-000002"}
    ids = db.session.scalars(select(DebtorAccount.id).where(
        DebtorAccount.account_number.in_(["IMP-000001", "IMP-000002"]))).all()
    assert {e.entity_id for e in logged} == {str(i) for i in ids}
    assert all(e.actor == "admin" for e in logged)
    assert audit.verify(db.session, b"test-audit-key").ok


def test_bom_flags_and_blank_lines_are_accepted(importing):
    header = HEADER + ",do_not_contact,dispute,deceased,fraud_suspect"
    data = b"\xef\xbb\xbf" + csv_bytes(row("IMP-000001") + ",yes,0,FALSE,1", "",
                                       ",,,,,,,,,,,,,,,", header=header)
    report = run(data)
    assert (report.rows_read, report.imported) == (1, 1)
    account = db.session.scalar(select(DebtorAccount).filter_by(account_number="IMP-000001"))
    flags = (account.do_not_contact, account.dispute, account.deceased, account.fraud_suspect)
    assert flags == (True, False, False, True)


def test_team_and_collector_columns_assign_through_the_assignment_rule(importing):
    header = HEADER + ",team,collector"
    report = run(csv_bytes(row("IMP-000001") + ",Hà Nội Early Bucket,collector1",
                           row("IMP-000002") + ",,", header=header))
    assert report.imported == 2
    first = db.session.scalar(select(DebtorAccount).filter_by(account_number="IMP-000001"))
    assert first.collector.username == "collector1"
    assignment = db.session.scalar(select(Assignment).filter_by(account_id=first.id))
    assert assignment.reason == "Bulk import" and assignment.ended_at is None
    assert assignment.assigned_by.username == "admin"
    unassigned = db.session.scalar(select(DebtorAccount).filter_by(account_number="IMP-000002"))
    assert unassigned.collector is None
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "create")
                                .order_by(AuditEntry.seq.desc()).limit(3)).all()
    assert {(e.entity, e.entity_id) for e in logged} == {
        ("DebtorAccount", str(first.id)), ("DebtorAccount", str(unassigned.id)),
        ("Assignment", str(assignment.id))}
    created = next(e for e in logged if e.entity_id == str(first.id) and
                   e.entity == "DebtorAccount")
    assert created.changes["collector_id"] == first.collector_id
    assert audit.verify(db.session, b"test-audit-key").ok


def test_unknown_collector_is_reported_on_its_row(importing):
    header = HEADER + ",team,collector"
    report = run(csv_bytes(row("IMP-000001") + ",Hà Nội Early Bucket,nobody", header=header),
                 "skip-bad-rows")
    assert report.imported == 0
    assert [(p.row, p.column) for p in report.problems] == [(2, "collector")]


# --- domain: modes ---------------------------------------------------------------------------
def test_all_or_nothing_with_one_bad_row_writes_nothing(importing):
    before = counts()
    report = run(csv_bytes(row("IMP-000001"), row("IMP-000002", national_id="12"),
                           row("IMP-000003")), "all-or-nothing", batch_size=1)
    assert counts() == before
    assert (report.rows_read, report.imported, report.refused_rows) == (3, 0, 1)
    assert not report.complete
    assert [(p.row, p.column) for p in report.problems] == [(3, "national_id")]


def test_skip_bad_rows_writes_the_good_ones_and_reports_the_bad(importing):
    accounts, _ = counts()
    report = run(csv_bytes(row("IMP-000001"), row("IMP-000002", product="boat"),
                           row("IMP-000003", fees="-5", days_past_due="many"),
                           row("IMP-000004")), "skip-bad-rows", batch_size=2)
    assert (report.rows_read, report.imported, report.refused_rows) == (4, 2, 2)
    assert counts()[0] == accounts + 2
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "product"), (4, "fees"), (4, "days_past_due")]
    assert "Product must be one of" in report.problems[0].reason
    kept = set(db.session.scalars(select(DebtorAccount.account_number)
                                  .where(DebtorAccount.account_number.like("IMP-%"))))
    assert kept == {"IMP-000001", "IMP-000004"}


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "Ann <img src=x onerror=1>",
                                  "Bob\u202eevil"])
def test_markup_and_control_characters_in_names_are_refused(importing, name):
    report = run(csv_bytes(row("IMP-000001", name=f'"{name}"')), "skip-bad-rows")
    assert report.imported == 0
    assert report.problems[0].column == "customer_name"
    assert "Customer name" in report.problems[0].reason


@pytest.mark.parametrize(("column", "value"), [("customer_name", "A" * 201),
                                               ("region", "R" * 81),
                                               ("account_number", "A" * 33),
                                               ("phone_primary", "9" * 25)])
def test_overlong_fields_are_refused_by_column(importing, column, value):
    number = value if column == "account_number" else "IMP-000001"
    report = run(csv_bytes(row(number, **({column: value} if column != "account_number"
                                          else {}))), "skip-bad-rows")
    assert report.imported == 0
    assert [(p.row, p.column) for p in report.problems] == [(2, column)]


def test_wrong_column_count_refuses_only_that_row(importing):
    report = run(csv_bytes(row("IMP-000001"), row("IMP-000002") + ",extra", "IMP-000003,x"),
                 "skip-bad-rows")
    assert report.imported == 1
    assert [(p.row, p.column) for p in report.problems] == [(3, ""), (4, "")]
    assert "13 values but the header has 12" in report.problems[0].reason


def test_duplicates_inside_the_file_and_against_the_database(importing):
    report = run(csv_bytes(row("IMP-000001"), row("imp-000001"), row("VN0000000001")),
                 "skip-bad-rows")
    assert report.imported == 1
    assert [(p.row, p.column) for p in report.problems] == [(3, "account_number"),
                                                            (4, "account_number")]
    assert "more than once in the file (first on row 2)" in report.problems[0].reason
    assert "already exists" in report.problems[1].reason


# --- domain: files that cannot be read -------------------------------------------------------
@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b" , ,\n"])
def test_empty_file_is_refused(importing, data):
    assert "empty" in refused(data)


def test_header_without_rows_is_refused(importing):
    assert "no account rows" in refused(csv_bytes())


def test_missing_and_unknown_header_columns_are_named(importing):
    header = HEADER.replace("national_id,", "").replace("fees", "fee")
    message = refused(csv_bytes(header=header))
    assert "missing columns: national_id, fees" in message
    assert "unknown columns: fee" in message


def test_echoed_cells_lose_control_characters(importing):
    header = HEADER + ",team,collector"
    report = run(csv_bytes(row("IMP-000001") + ',"\x1b[2JTeam",nobody', header=header),
                 "skip-bad-rows")
    assert "\x1b" not in report.problems[0].reason and "[2JTeam" in report.problems[0].reason
    message = refused(csv_bytes(header=HEADER + ",\x1b]0;x\x07" + "y" * 60))
    assert "\x1b" not in message and "\x07" not in message and "y" * 61 not in message


def test_header_with_a_huge_number_of_columns_is_refused_quickly(importing):
    started = time.perf_counter()
    message = refused(csv_bytes(header=HEADER + ",x" * 200_000 + "," + HEADER))
    assert "repeated columns: account_number" in message
    assert time.perf_counter() - started < 5


def test_team_without_collector_column_is_refused(importing):
    assert "go together" in refused(csv_bytes(row("IMP-000001") + ",Team",
                                              header=HEADER + ",team"))


@pytest.mark.parametrize(("tail", "expected"), [
    ('IMP-000009,"Unclosed name,1,2\r\n', "never closed"),
    ('IMP-000009,"Nam" Le,001203004567\r\n', "must be doubled"),
])
def test_malformed_csv_is_refused_as_a_whole_and_names_the_line(importing, tail, expected):
    data = csv_bytes(row("IMP-000001"), row("IMP-000002")) + tail.encode()
    message = refused(data, batch_size=1)
    assert expected in message and "line 4" in message


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_non_utf8_file_is_refused_with_the_line(importing, encoding):
    data = csv_bytes(row("IMP-000001", name="Tran Van B", region="Ha Noi"),
                     row("IMP-000002", name="Zoë Müller", region="Ha Noi"))
    message = refused(data.decode().encode(encoding), batch_size=1)
    assert "Line 3 is not UTF-8" in message and "CSV UTF-8" in message


@pytest.mark.parametrize(("data", "expected"), [
    (b"PK\x03\x04\x14\x00\x06\x00rest-of-zip", "Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel"),
    (b"%PDF-1.7\n", "PDF"),
    ("account_number\n".encode("utf-16"), "UTF-16"),
    (csv_bytes(row("IMP-000001")) + b"IMP\x00\x01\x02\n", "binary data"),
])
def test_binary_and_non_csv_content_is_refused(importing, data, expected):
    assert expected in refused(data)


def test_file_over_the_byte_limit_is_refused(importing):
    data = csv_bytes(*[row(f"IMP-{n:06d}") for n in range(50)])
    assert "larger than" in refused(data, max_bytes=len(data) - 1)

    class Unsized(io.BytesIO):
        def seek(self, *args):
            raise OSError("not seekable")

    before = counts()
    with pytest.raises(UnreadableFile):
        import_accounts(db.session, user_named("admin"), Unsized(data), "skip-bad-rows",
                        ImportLimits(max_bytes=len(data) - 1, batch_size=5))
    assert counts() == before


def test_file_over_the_row_limit_is_refused(importing):
    data = csv_bytes(*[row(f"IMP-{n:06d}") for n in range(6)])
    assert "more than 5 account rows" in refused(data, max_rows=5, batch_size=2)


def test_failure_midway_leaves_nothing_half_written(importing, monkeypatch):
    from portal.account_import import AccountImport

    monkeypatch.setattr(AccountImport, "_existing", lambda self, numbers: set())
    data = csv_bytes(row("IMP-000001"), row("IMP-000002"), row("VN0000000001"))
    message = refused(data, batch_size=2)  # the unique index catches VN0000000001 in batch 2
    assert "Nothing was imported" in message
    assert audit.verify(db.session, b"test-audit-key").ok


def test_collector_may_not_import(importing):
    before = counts()
    with pytest.raises(PermissionDenied):
        run(csv_bytes(row("IMP-000001")), user="collector1")
    assert counts() == before


# --- web -------------------------------------------------------------------------------------
def upload(client, data: bytes, filename: str = "accounts.csv", mode: str = "all-or-nothing",
           token: str | None = None):
    """Post a file to the upload page with the CSRF token read from the form."""
    token = token if token is not None else csrf_token(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": token, "mode": mode,
                                   "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def db_counts(app) -> tuple[int, int]:
    """Return (accounts, audit entries) from outside any request."""
    with app.app_context():
        return counts()


def test_upload_page_offers_file_modes_and_template(auth, client):
    auth.login("admin")
    page = client.get(PAGE).get_data(as_text=True)
    assert 'type="file"' in page and 'value="all-or-nothing" checked' in page
    assert 'value="skip-bad-rows"' in page and "template.csv" in page
    assert PAGE in client.get("/accounts/").get_data(as_text=True)  # in the Collections menu


def test_downloaded_template_imports_cleanly(auth, client, app):
    auth.login("admin")
    template = client.get(PAGE + "template.csv")
    assert template.mimetype == "text/csv"
    assert "attachment" in template.headers["Content-Disposition"]
    response = upload(client, template.data)
    assert response.status_code == 200
    assert db_counts(app)[0] == TEST_ACCOUNTS + 1


def test_web_upload_reports_counts_and_attributes_audit_to_the_user(auth, client, app):
    auth.login("admin")
    response = upload(client, csv_bytes(row("IMP-000001"), row("IMP-000002")))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-count="imported">2<' in page and "All 2 account(s)" in page
    with app.app_context():
        actors = db.session.scalars(select(AuditEntry.actor).where(
            AuditEntry.entity == "DebtorAccount", AuditEntry.action == "create")
            .order_by(AuditEntry.seq.desc()).limit(2)).all()
    assert actors == ["admin", "admin"]


def test_web_all_or_nothing_shows_the_report_and_writes_nothing(auth, client, app):
    auth.login("admin")
    before = db_counts(app)
    response = upload(client, csv_bytes(row("IMP-000001"),
                                        row("IMP-000002", name="<script>x</script>")))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing was imported" in page
    assert "<td><code>customer_name</code></td>" in page and "&lt;script&gt;" not in page
    assert "<script>x" not in page
    assert db_counts(app) == before


def test_web_upload_assigns_to_the_named_collector(auth, client, app):
    auth.login("admin")
    header = HEADER + ",team,collector"
    response = upload(client, csv_bytes(row("IMP-000001") + ",Hà Nội Early Bucket,collector2",
                                        header=header))
    assert response.status_code == 200
    with app.app_context():
        account = db.session.scalar(select(DebtorAccount).filter_by(account_number="IMP-000001"))
        assert account.collector.username == "collector2"
        assignment = db.session.scalar(select(Assignment).filter_by(account_id=account.id))
        assert assignment.assigned_by.username == "admin"


def test_web_skip_bad_rows_caps_the_table(auth, client, app):
    auth.login("admin")
    rows = [row(f"IMP-{n:06d}", national_id="1") for n in range(250)] + [row("IMP-999999")]
    page = upload(client, csv_bytes(*rows), mode="skip-bad-rows").get_data(as_text=True)
    assert page.count("<td><code>national_id</code></td>") == 200
    assert "Showing the first 200 of 250 problems" in page
    assert db_counts(app)[0] == TEST_ACCOUNTS + 1


@pytest.mark.parametrize(("data", "filename", "expected"), [
    (b"PK\x03\x04\x14\x00\x06\x00", "accounts.xlsx", "Only .csv files"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "accounts.exe", "Only .csv files"),
    (b"PK\x03\x04\x14\x00\x06\x00", "accounts.csv", "Excel workbook"),
    (LATIN1, "accounts.csv", "not UTF-8"),
    (b"", "accounts.csv", "empty"),
    (b"\x00\x01\x02\x03", "accounts.csv", "binary data"),
])
def test_web_refuses_unreadable_uploads_and_changes_nothing(auth, client, app, data,
                                                            filename, expected):
    auth.login("admin")
    before = db_counts(app)
    response = upload(client, data, filename)
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)
    assert db_counts(app) == before


def test_web_form_without_file_or_mode_is_refused(auth, client):
    auth.login("admin")
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    no_file = client.post(PAGE, data={"csrf_token": token, "mode": "all-or-nothing"})
    assert no_file.status_code == 400 and "Choose a CSV file" in no_file.get_data(as_text=True)
    assert upload(client, csv_bytes(row("IMP-000001")), mode="merge").status_code == 400


def test_web_upload_over_the_limits_is_refused(auth, client, app):
    auth.login("admin")
    app.config["IMPORT_MAX_BYTES"] = 1000
    big = csv_bytes(*[row(f"IMP-{n:06d}") for n in range(20)])
    response = upload(client, big)
    assert response.status_code == 400 and "larger than" in response.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 2000  # beyond this the server refuses the request body
    assert upload(client, big * 2, token="x").status_code == 413
    assert db_counts(app)[0] == TEST_ACCOUNTS


def test_web_upload_without_csrf_token_is_refused(auth, client, app):
    auth.login("admin")
    assert upload(client, csv_bytes(row("IMP-000001")), token="").status_code == 400
    assert db_counts(app)[0] == TEST_ACCOUNTS


@pytest.mark.parametrize("username", ["collector1", "lead", "auditor"])
def test_web_users_without_import_permission_get_403(auth, client, app, username):
    auth.login(username)
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE + "template.csv").status_code == 403
    token = auth.token()
    response = upload(client, csv_bytes(row("IMP-000001")), token=token)
    assert response.status_code == 403
    assert PAGE not in client.get("/").get_data(as_text=True)
    assert db_counts(app)[0] == TEST_ACCOUNTS


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- CLI -------------------------------------------------------------------------------------
def cli(runner, tmp_path, data: bytes, *args: str):
    """Write the bytes to a file and run `accounts import` on it."""
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    return runner.invoke(args=["accounts", "import", str(path), *args])


def test_cli_imports_a_good_file_with_exit_0(runner, tmp_path, app):
    result = cli(runner, tmp_path, csv_bytes(row("IMP-000001"), row("IMP-000002")))
    assert result.exit_code == 0, result.output
    assert "Rows read: 2. Imported: 2. Rows refused: 0." in result.output
    with app.app_context():
        actor = db.session.scalar(select(AuditEntry.actor).order_by(AuditEntry.seq.desc()))
        assert actor == "cli:admin"
        assert counts()[0] == TEST_ACCOUNTS + 2


def test_cli_all_or_nothing_refuses_with_exit_1_and_lists_rows(runner, tmp_path, app):
    data = csv_bytes(row("IMP-000001"), row("IMP-000002", fees="lots"))
    result = cli(runner, tmp_path, data)
    assert result.exit_code == 1
    assert "row 3, fees: Fees is not a number." in result.output
    assert "Nothing was imported" in result.output
    assert db_counts(app)[0] == TEST_ACCOUNTS


def test_cli_skip_bad_rows_imports_the_good_ones_with_exit_1(runner, tmp_path, app):
    rows = [row("IMP-000001")] + [row(f"IMP-1{n:05d}", region="") for n in range(5)]
    result = cli(runner, tmp_path, csv_bytes(*rows), "--mode", "skip-bad-rows", "--show", "2")
    assert result.exit_code == 1
    assert "Imported: 1. Rows refused: 5." in result.output
    assert "... and 3 more problem(s)" in result.output
    assert db_counts(app)[0] == TEST_ACCOUNTS + 1


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04", LATIN1, b"a,b\n"])
def test_cli_unreadable_file_exits_2(runner, tmp_path, app, data):
    result = cli(runner, tmp_path, data)
    assert result.exit_code == 2
    assert result.output.strip()
    assert db_counts(app)[0] == TEST_ACCOUNTS


def test_cli_missing_file_exits_2(runner, tmp_path):
    result = runner.invoke(args=["accounts", "import", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "Cannot read" in result.output


def test_cli_refuses_a_user_without_permission_with_exit_2(runner, tmp_path, app):
    result = cli(runner, tmp_path, csv_bytes(row("IMP-000001")), "--as", "collector1")
    assert result.exit_code == 2 and "permission" in result.output
    assert cli(runner, tmp_path, csv_bytes(row("IMP-000001")), "--as", "ghost").exit_code == 2
    assert db_counts(app)[0] == TEST_ACCOUNTS


# --- scale -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_100k_rows_import_with_an_audit_entry_each(importing):
    lines = "".join(row(f"BIG{n:09d}", days_past_due=str(n % 700)) + "\r\n"
                    for n in range(100_000))
    data = (HEADER + "\r\n" + lines).encode()
    accounts, entries = counts()
    started = time.perf_counter()
    report = run(data, max_bytes=len(data))
    elapsed = time.perf_counter() - started
    assert report.imported == 100_000 and report.problem_count == 0
    assert counts() == (accounts + 100_000, entries + 100_000)
    assert elapsed < 120, f"100k rows took {elapsed:.0f} s"
