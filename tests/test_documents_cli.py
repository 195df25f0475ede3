"""`flask documents ...`: import, publish, export and the review-due list for cron."""

from datetime import UTC, datetime, time, timedelta

import docx
from sqlalchemy import func, select

from documents import repository as repo
from models import ContentBlob, DocumentVersion
from portal.extensions import db
from tests.test_document_pages import make_docx
from tests.test_documents import new_document, published


def test_import_publish_export_round(runner, app, tmp_path):
    with app.app_context():
        new_document()
        db.session.commit()
    source = tmp_path / "contact.docx"
    source.write_bytes(make_docx(("Heading 1", "Giờ liên hệ"),
                                 ("List Number", "Chỉ gọi từ 07:00 đến 21:00."),
                                 ("List Number", "Tối đa 5 lần nhắc nợ mỗi ngày.")))
    result = runner.invoke(args=["documents", "import", str(source), "--code", "col-pol-007",
                                 "--summary", "First version"])
    assert result.exit_code == 0, result.output
    assert "version 1 created as a draft" in result.output
    result = runner.invoke(args=["documents", "publish", "COL-POL-007", "--version", "1"])
    assert result.exit_code == 0, result.output
    assert "is effective" in result.output
    target = tmp_path / "out.docx"
    result = runner.invoke(args=["documents", "export", "COL-POL-007", "-o", str(target)])
    assert result.exit_code == 0, result.output
    text = [p.text for p in docx.Document(str(target)).paragraphs]
    assert "Tối đa 5 lần nhắc nợ mỗi ngày." in text


def test_import_refuses_hostile_file_and_stores_nothing(runner, app, tmp_path):
    with app.app_context():
        new_document()
        db.session.commit()
    bad = tmp_path / "macro.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    result = runner.invoke(args=["documents", "import", str(bad), "--code", "COL-POL-007"])
    assert result.exit_code == 1
    assert result.output.strip()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DocumentVersion)) == 0
        assert db.session.scalar(select(func.count()).select_from(ContentBlob)) == 0


def test_import_needs_permission_and_a_readable_file(runner, app, tmp_path):
    with app.app_context():
        new_document()
        db.session.commit()
    missing = runner.invoke(args=["documents", "import", str(tmp_path / "none.docx"),
                                  "--code", "COL-POL-007"])
    assert missing.exit_code == 2 and "Cannot read" in missing.output
    source = tmp_path / "ok.docx"
    source.write_bytes(make_docx(("Normal", "Text.")))
    refused = runner.invoke(args=["documents", "import", str(source), "--code", "COL-POL-007",
                                  "--as", "reviewer1"])
    assert refused.exit_code == 1 and "permission" in refused.output


def test_export_of_unknown_version_says_so(runner, app):
    with app.app_context():
        document = new_document()
        published(document, "Rule.")
        db.session.commit()
    result = runner.invoke(args=["documents", "export", "COL-POL-007", "--version", "5"])
    assert result.exit_code == 1 and "has no version 5" in result.output


def test_due_lists_overdue_documents_and_exits_1(runner, app, monkeypatch):
    with app.app_context():
        document = new_document(review_cycle_months=1)
        published(document, "Rule.")
        db.session.commit()
        due = repo.next_review_date(document)
    clean = runner.invoke(args=["documents", "due", "--within", "0"])
    assert clean.exit_code == 0 and "No document is due" in clean.output
    three_days_late = datetime.combine(due + timedelta(days=3), time(9), tzinfo=UTC)
    monkeypatch.setattr("documents.repository.utcnow", lambda: three_days_late)
    result = runner.invoke(args=["documents", "due"])
    assert result.exit_code == 1
    assert "COL-POL-007" in result.output and "OVERDUE by 3 days" in result.output
