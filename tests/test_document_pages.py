"""Policy document pages through the test client: register, reading, compare, upload, actions."""

import io
import re

import docx
import pytest
from sqlalchemy import func, select

from documents import repository as repo
from models import AuditEntry, ContentBlob, DocumentVersion, PolicyDocument
from models.base import local_day
from portal.extensions import db
from tests.conftest import csrf_token, user_named
from tests.test_documents import new_document, published


def make_docx(*paragraphs: tuple[str, str]) -> bytes:
    """Build a .docx from (style, text) pairs."""
    document = docx.Document()
    for style, text in paragraphs:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def policy(app):
    """COL-POL-007 with two published versions addressed to collectors."""
    with app.app_context():
        document = new_document(audience_roles=("collector",))
        published(document, "Call between 07:00 and 21:00.", "Never call relatives.")
        published(document, "Call between 08:00 and 20:00.", "Never call relatives.",
                  "Record every call.")
        db.session.commit()
    return "COL-POL-007"


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_register_lists_documents_with_version_in_force(client, auth, policy):
    auth.login("collector1")
    html = page(client, "/documents/")
    assert "COL-POL-007" in html and "v2 since" in html
    assert "/documents/new/" not in html  # collectors cannot create documents


def test_document_page_shows_clauses_history_and_ack_prompt(client, auth, policy):
    auth.login("collector1")
    html = page(client, f"/documents/d/{policy}/")
    assert "Call between 08:00 and 20:00." in html and 'class="clause-no">2.<' in html
    assert "data-ack-pending" in html
    assert html.count('class="timeline-item') == 2


def test_acknowledge_from_the_page(client, auth, policy):
    auth.login("collector1")
    html = page(client, f"/documents/d/{policy}/")
    response = client.post(f"/documents/d/{policy}/v/2/acknowledge",
                           data={"csrf_token": csrf_token(html)}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "you acknowledged" in text and "data-ack-done" in text
    assert "You are up to date" in page(client, "/documents/pending/")


def test_acknowledge_without_token_changes_nothing(client, auth, policy):
    auth.login("collector1")
    response = client.post(f"/documents/d/{policy}/v/2/acknowledge")
    assert response.status_code == 400
    assert "data-ack-pending" in page(client, f"/documents/d/{policy}/")


def test_as_of_shows_the_version_then_in_force(client, auth, policy, app):
    with app.app_context():
        v1 = db.session.scalar(select(DocumentVersion).where(DocumentVersion.number == 1))
        day = local_day(v1.effective_from).isoformat()  # the reader's day, not UTC's
    auth.login("collector1")
    html = page(client, f"/documents/d/{policy}/?as_of=1999-01-01")
    assert "No version of COL-POL-007 was in force" in html
    assert "data-version-state" in page(client, f"/documents/d/{policy}/?as_of={day}")
    assert "Give the date as YYYY-MM-DD" in page(client, f"/documents/d/{policy}/?as_of=soon")


def test_compare_inline_and_side_by_side(client, auth, policy):
    auth.login("reviewer1")
    inline = page(client, f"/documents/d/{policy}/compare/?a=1&b=2")
    assert "<ins" in inline and "<del" in inline and "data-compare-stats" in inline
    side = page(client, f"/documents/d/{policy}/compare/?a=1&b=2&mode=side")
    assert "<ins" in side and side != inline


def test_download_is_generated_from_the_model(client, auth, policy):
    auth.login("collector1")
    response = client.get(f"/documents/d/{policy}/v/2/docx")
    assert response.status_code == 200
    assert response.mimetype == repo.DOCX_MEDIA_TYPE
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)
    assert "Record every call." in text


def test_drafts_are_hidden_from_readers(client, auth, policy, app):
    with app.app_context():
        document = repo.get_document(db.session, user_named("compliance"), policy)
        repo.add_version(db.session, user_named("compliance"), document,
                         repo.version_blocks(document.versions[-1]), "draft")
        db.session.commit()
    auth.login("collector1")
    assert client.get(f"/documents/d/{policy}/v/3/").status_code == 404
    assert client.get(f"/documents/d/{policy}/v/3/docx").status_code == 404
    auth.logout()
    auth.login("reviewer1")
    assert "Draft" in page(client, f"/documents/d/{policy}/v/3/")


def upload(client, code: str, data: bytes, name: str = "policy.docx", summary: str = "New"):
    html = page(client, f"/documents/d/{code}/upload/")
    return client.post(f"/documents/d/{code}/upload/", data={
        "csrf_token": csrf_token(html), "summary": summary,
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
        follow_redirects=True)


def test_upload_creates_a_draft_and_keeps_the_original(client, auth, policy, app):
    auth.login("compliance")
    data = make_docx(("Heading 1", "Contact rules"), ("List Number", "Call 08:00-20:00."),
                     ("List Number", "Never threaten."))
    response = upload(client, policy, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "created as a draft" in html
    assert "Never threaten." in html
    with app.app_context():
        version = db.session.scalar(select(DocumentVersion).where(DocumentVersion.number == 3))
        assert version.status == "draft" and version.source_filename == "policy.docx"
        assert db.session.get(ContentBlob, version.source_sha256).data == data


@pytest.mark.parametrize("data, name, message", [
    (b"", "empty.docx", ""),
    (b"PK\x03\x04 not really a zip", "broken.docx", ""),
    (b"%PDF-1.7", "scan.pdf", ""),
])
def test_bad_uploads_are_refused_and_store_nothing(client, auth, policy, app, data, name,
                                                   message):
    auth.login("compliance")
    with app.app_context():
        before = (db.session.scalar(select(func.count()).select_from(DocumentVersion)),
                  db.session.scalar(select(func.count()).select_from(ContentBlob)),
                  db.session.scalar(select(func.count()).select_from(AuditEntry)))
    response = upload(client, policy, data, name)
    assert response.status_code == 400
    assert "data-upload-error" in response.get_data(as_text=True)
    with app.app_context():
        after = (db.session.scalar(select(func.count()).select_from(DocumentVersion)),
                 db.session.scalar(select(func.count()).select_from(ContentBlob)),
                 db.session.scalar(select(func.count()).select_from(AuditEntry)))
    assert after == before


def test_collector_cannot_upload_or_publish(client, auth, policy):
    auth.login("collector1")
    assert client.get(f"/documents/d/{policy}/upload/").status_code == 403
    html = page(client, f"/documents/d/{policy}/")
    response = client.post(f"/documents/d/{policy}/v/2/withdraw",
                           data={"csrf_token": csrf_token(html)}, follow_redirects=True)
    assert "You do not have permission" in response.get_data(as_text=True)


def test_publish_with_future_date_schedules(client, auth, policy, app):
    with app.app_context():
        document = repo.get_document(db.session, user_named("compliance"), policy)
        repo.add_version(db.session, user_named("compliance"), document,
                         repo.version_blocks(document.versions[0]), "back to v1 text")
        db.session.commit()
    auth.login("compliance")
    html = page(client, f"/documents/d/{policy}/v/3/")
    assert "data-publish-form" in html
    response = client.post(f"/documents/d/{policy}/v/3/publish", data={
        "csrf_token": csrf_token(html), "effective_on": "2099-01-01"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "is published" in text and "Scheduled" in text
    bad = client.post(f"/documents/d/{policy}/v/3/publish", data={
        "csrf_token": csrf_token(text), "effective_on": "someday"}, follow_redirects=True)
    assert "Give the effective date" in bad.get_data(as_text=True)


def test_create_document_through_the_register(client, auth, app):
    auth.login("compliance")
    html = page(client, "/documents/new/")
    response = client.post("/documents/new/", data={
        "csrf_token": csrf_token(html), "code": "COL-WI-010", "title": "Skip tracing",
        "category": "work_instruction", "review_cycle_months": "12",
        "audience_roles_field": ["collector"], "regulatory_refs": "", "tags": "tracing"},
        follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "This document has no versions yet." in text
    with app.app_context():
        document = db.session.scalar(select(PolicyDocument).where(
            PolicyDocument.code == "COL-WI-010"))
        assert document.audience_roles == ["collector"]


def test_create_with_bad_code_shows_the_rule(client, auth, app):
    auth.login("compliance")
    html = page(client, "/documents/new/")
    response = client.post("/documents/new/", data={
        "csrf_token": csrf_token(html), "code": "not a code", "title": "X",
        "category": "policy", "review_cycle_months": "12"}, follow_redirects=True)
    assert "must look like COL-POL-007" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PolicyDocument)) == 0


def test_team_lead_sees_who_has_not_acknowledged(client, auth, policy):
    auth.login("lead")
    html = page(client, f"/documents/d/{policy}/v/2/audience")
    rows = re.findall(r"<tr class=\"table-warning\">", html)
    assert rows and "collector1" in html
    auth.logout()
    auth.login("collector1")
    assert client.get(f"/documents/d/{policy}/v/2/audience").status_code == 403


def test_unknown_document_is_404(client, auth):
    auth.login("admin")
    assert client.get("/documents/d/NOPE-XX-1/").status_code == 404


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (DocumentVersion, ContentBlob, AuditEntry))


def test_whole_hostile_corpus_is_refused_by_the_upload_page(client, auth, policy, app):
    """Every hostile file gets its own clear 400 message; no version, blob or audit entry."""
    from tests.hostile_docx import EXPECTED, HOSTILE

    app.config["MAX_CONTENT_LENGTH"] = 60 * 2**20
    auth.login("compliance")
    before = _counts(app)
    for name, build in HOSTILE.items():
        response = upload(client, policy, build(), f"{name}.docx")
        html = response.get_data(as_text=True)
        assert response.status_code == 400, name
        assert "data-upload-error" in html, name
        assert EXPECTED[name].lower() in html.lower().replace("&#39;", "'"), name
    assert _counts(app) == before
