"""Proposal pages through the test client, CSRF on: open, edit, review, publish, the inbox."""

import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from admin_views.proposal_page import awaiting_count
from documents import proposals as props
from documents import repository as repo
from documents.docx_import import import_docx
from models import Approval, Notification, ProposalComment, RedlineProposal
from portal.extensions import db
from tests.conftest import csrf_token, user_named
from tests.test_document_pages import make_docx
from tests.test_documents import new_document, published
from tests.test_proposals import review_rule

CODE = "COL-POL-007"
BLOCK = re.compile(r'data-block="([^"]+)"')
SEEN = re.compile(r'name="seen_hash" value="([0-9a-f]+)"')


@pytest.fixture
def policy(app):
    """COL-POL-007 in force (a heading and two clauses) under a two-reviewer rule."""
    with app.app_context():
        review_rule(2)
        published(new_document(), "Call between 07:00 and 21:00.", "Never call relatives.")
        db.session.commit()
    return CODE


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def send(client, path: str, form_page: str, **data) -> str:
    """Post a form with the CSRF token of the page it is on; return the page it leads to."""
    response = client.post(path, data={"csrf_token": csrf_token(page(client, form_page)),
                                       **data}, follow_redirects=True)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def as_user(client, auth, username: str) -> None:
    auth.logout()
    auth.login(username)


def latest_proposal(app) -> RedlineProposal:
    with app.app_context():
        proposal = db.session.scalar(select(RedlineProposal).order_by(RedlineProposal.id.desc()))
        db.session.expunge_all()
        return proposal


def draft(app, text: str = "Call between 08:00 and 20:00.", author: str = "compliance") -> int:
    """Open a proposal (straight through the domain) that edits the first clause."""
    with app.app_context():
        document = repo.get_document(db.session, user_named(author), CODE)
        proposal = props.open_proposal(db.session, user_named(author), document, "Hours")
        props.edit_block(db.session, user_named(author), proposal,
                         props.proposal_blocks(proposal)[1].id, text)
        db.session.commit()
        return proposal.id


def submitted(app, text: str = "Call between 08:00 and 20:00.") -> int:
    proposal_id = draft(app, text)
    with app.app_context():
        props.submit(db.session, user_named("compliance"), db.session.get(RedlineProposal,
                                                                          proposal_id))
        db.session.commit()
    return proposal_id


def status_of(app, proposal_id: int) -> str:
    with app.app_context():
        return db.session.get(RedlineProposal, proposal_id).status


def steps_shown(html: str) -> list[str]:
    return re.findall(r'data-step="([a-z_]+)"', html)


# --- the whole path -------------------------------------------------------------------------------

def test_whole_path_through_the_pages(client, auth, policy, app):
    auth.login("compliance")
    doc_page = page(client, f"/documents/d/{CODE}/")
    assert f"/proposals/open/{CODE}" in doc_page
    html = send(client, f"/proposals/open/{CODE}", f"/proposals/open/{CODE}",
                title="Shorter contact hours", rationale="Complaints rose after 20:00")
    assert "Draft proposal #" in html and "data-editor" in html
    pid = latest_proposal(app).id
    editor = f"/proposals/p/{pid}/edit"
    first, second = BLOCK.findall(html)[1:3]
    html = send(client, f"{editor}/text", f"{editor}?block={first}", block_id=first,
                text="Call between 08:00 and 20:00.")
    assert "Clause saved." in html
    proposal_url = f"/proposals/p/{pid}/"
    html = page(client, proposal_url)
    assert "<ins" in html and "08:00" in html and "Complaints rose after 20:00" in html
    html = send(client, f"{proposal_url}do/submit", proposal_url)
    assert "Submitted for review by Phạm Quốc Bảo, Sarah Mitchell." in html
    assert "data-edit-link" not in html  # the text is frozen while it is reviewed

    as_user(client, auth, "reviewer1")
    assert f"#{pid} Shorter contact hours" in page(client, "/proposals/inbox/")
    html = page(client, proposal_url)
    assert 'data-action="approve"' in html and 'data-action="request_changes"' in html
    html = send(client, f"{proposal_url}do/request_changes", proposal_url,
                comment="Keep 21:00 on Saturdays?")
    assert "went back to its author" in html
    assert status_of(app, pid) == "changes_requested"

    as_user(client, auth, "compliance")
    assert "Changes requested" in page(client, "/proposals/inbox/")
    html = send(client, f"{editor}/text", f"{editor}?block={second}", block_id=second,
                text="Never call relatives or colleagues.")
    assert "Clause saved." in html
    assert "Resubmitted" in send(client, f"{proposal_url}do/resubmit", proposal_url)

    for reviewer, outcome in (("reviewer1", "Your approval is recorded."),
                              ("reviewer2", "Your approval completed the review")):
        as_user(client, auth, reviewer)
        html = page(client, proposal_url)
        html = send(client, f"{proposal_url}do/approve", proposal_url,
                    seen_hash=SEEN.search(html).group(1))
        assert outcome in html
    assert status_of(app, pid) == "approved"

    as_user(client, auth, "compliance")
    html = page(client, proposal_url)
    assert 'data-action="publish"' in html
    html = send(client, f"{proposal_url}do/publish", proposal_url, effective_on="")
    assert f"Published as version 2 of {CODE}" in html and "data-published" in html
    with app.app_context():
        document = repo.get_document(db.session, user_named("compliance"), CODE)
        in_force = repo.effective_version(document)
        texts = [b.text for b in repo.version_blocks(in_force)]
    assert in_force.number == 2
    assert texts[1:] == ["Call between 08:00 and 20:00.", "Never call relatives or colleagues."]
    assert steps_shown(html) == ["create", "submit", "start_review", "request_changes",
                                 "resubmit", "approve", "approve", "complete_review", "publish"]
    assert "Keep 21:00 on Saturdays?" in html  # the reviewer's reason stays in the history


# --- refusals -------------------------------------------------------------------------------------

def test_author_cannot_approve_by_direct_post(client, auth, policy, app):
    pid = submitted(app)
    with app.app_context():
        props.start_review(db.session, user_named("reviewer1"),
                           db.session.get(RedlineProposal, pid))
        db.session.commit()
    auth.login("compliance")
    url = f"/proposals/p/{pid}/"
    html = page(client, url)
    assert 'data-action="approve"' not in html  # not offered ...
    html = send(client, f"{url}do/approve", url, seen_hash=latest_proposal(app).changes_hash)
    assert "you cannot approve it" in html and "maker-checker" in html  # ... nor accepted
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Approval)) == 0


def test_collector_is_refused_the_list_and_cannot_find_a_proposal(client, auth, policy, app):
    pid = submitted(app)
    auth.login("collector1")
    assert client.get("/proposals/").status_code == 403
    assert client.get(f"/proposals/p/{pid}/").status_code == 404
    token = auth.token("/proposals/inbox/")
    response = client.post(f"/proposals/p/{pid}/do/approve", data={"csrf_token": token})
    assert response.status_code == 404
    assert f"/proposals/p/{pid}/" not in page(client, "/")
    assert client.get("/proposals/p/99999999999/").status_code == 404  # not a 500 on PostgreSQL
    assert client.get("/proposals/inbox/n/99999999999").status_code == 404


def test_draft_is_invisible_to_reviewers(client, auth, policy, app):
    pid = draft(app)
    auth.login("reviewer1")
    assert client.get(f"/proposals/p/{pid}/").status_code == 404
    assert f"/proposals/p/{pid}/" not in page(client, "/proposals/")
    assert f"/proposals/p/{pid}/" not in page(client, f"/documents/d/{CODE}/")
    as_user(client, auth, "compliance")
    assert f"/proposals/p/{pid}/" in page(client, "/proposals/")


def test_approval_of_an_older_text_is_refused(client, auth, policy, app):
    pid = submitted(app)
    url = f"/proposals/p/{pid}/"
    auth.login("reviewer1")
    old_hash = SEEN.search(page(client, url)).group(1)
    with app.app_context():  # reviewer2 asks for a change, the author makes it and resubmits
        proposal = db.session.get(RedlineProposal, pid)
        props.request_changes(db.session, user_named("reviewer2"), proposal, "Add colleagues")
        props.edit_block(db.session, user_named("compliance"), proposal,
                         props.proposal_blocks(proposal)[2].id, "Never call colleagues.")
        props.resubmit(db.session, user_named("compliance"), proposal)
        db.session.commit()
    html = send(client, f"{url}do/approve", url, seen_hash=old_hash)
    assert "The content changed after you opened it" in html
    html = send(client, f"{url}do/approve", url)  # no hash at all: no blind approval either
    assert "must name the text you reviewed" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Approval)) == 0


def test_bad_input_gives_a_message_and_changes_nothing(client, auth, policy, app):
    pid = submitted(app)
    url = f"/proposals/p/{pid}/"
    auth.login("reviewer1")
    assert "A comment needs some text." in send(client, f"{url}comment", url, body="   ")
    html = send(client, f"{url}comment", url, body="Why?", block_id="b-no-such-clause")
    assert "no longer in the proposal" in html
    assert "Say what should change" in send(client, f"{url}do/request_changes", url,
                                             comment="")
    assert client.post(f"{url}do/explode", data={"csrf_token": csrf_token(html)}
                       ).status_code == 404
    as_user(client, auth, "compliance")
    before = latest_proposal(app).changes_hash
    editor = f"/proposals/p/{pid}/edit"
    with app.app_context():  # back to the author, so that the editor opens
        props.request_changes(db.session, user_named("reviewer1"),
                              db.session.get(RedlineProposal, pid), "Shorter")
        db.session.commit()
    html = send(client, f"{editor}/text", editor, block_id="nope", text="New text")
    assert "no longer in the proposal; reload the page" in html
    first = BLOCK.findall(page(client, editor))[1]
    assert "A clause needs some text" in send(client, f"{editor}/text", editor, block_id=first,
                                              text="  ")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProposalComment)) == 0
        assert db.session.get(RedlineProposal, pid).changes_hash == before


def test_text_in_review_cannot_be_edited_by_post(client, auth, policy, app):
    pid = submitted(app)
    auth.login("compliance")
    editor = f"/proposals/p/{pid}/edit"
    opened = client.get(editor, follow_redirects=True).get_data(as_text=True)
    assert "only while the proposal is a draft" in opened and "data-editor" not in opened
    html = send(client, f"{editor}/text", f"/proposals/p/{pid}/",
                block_id=latest_proposal(app).blocks[1]["id"], text="Sneaky edit.")
    assert "its text can change only as a draft" in html
    assert latest_proposal(app).blocks[1]["text"] == "Call between 08:00 and 20:00."


# --- comments, reassignment, rebase ---------------------------------------------------------------

def test_comment_on_a_clause_shows_next_to_it_with_the_reply(client, auth, policy, app):
    pid = submitted(app)
    url = f"/proposals/p/{pid}/"
    auth.login("reviewer1")
    html = page(client, url)
    clause = re.search(r'\?comment=([^#"]+)#c-', html).group(1)  # "Comment on this clause"
    form_page = f"{url}?comment={clause}"
    assert f'name="block_id" value="{clause}"' in page(client, form_page)
    response = client.post(f"{url}comment", data={
        "csrf_token": csrf_token(page(client, form_page)), "body": "Why 20:00?",
        "block_id": clause})
    assert response.location.endswith(f"#c-{clause}")  # back at the clause
    assert "Your comment is added." in page(client, url)
    as_user(client, auth, "compliance")
    html = page(client, url)
    root = re.search(r'name="reply_to" value="(\d+)"', html).group(1)
    send(client, f"{url}comment", url, body="Complaints peak after 20:00.", reply_to=root)
    html = page(client, url)
    redline = html[html.index("data-redline"):html.index('id="comments"')]
    changed = redline.index("Call between")  # the clause, then its thread, then the next one
    question, answer = redline.index("Why 20:00?"), redline.index("Complaints peak")
    assert changed < question < answer < redline.index("Never call relatives.")
    assert "No general comments yet" in html
    side = page(client, url + "?mode=side")
    assert "rl-side-old" in side and "Why 20:00?" in side
    with app.app_context():
        told = db.session.scalars(select(Notification.kind).where(
            Notification.user_id == user_named("reviewer1").id)).all()
    assert "comment" in told  # the author's answer reached the reviewer


def test_team_lead_hands_a_review_over_with_a_reason(client, auth, policy, app):
    pid = submitted(app)
    with app.app_context():
        user_named("risk").set_roles({"reviewer"})
        db.session.commit()
        risk_id, r1_id = user_named("risk").id, user_named("reviewer1").id
    url = f"/proposals/p/{pid}/"
    auth.login("reviewer2")
    assert "data-reassign" not in page(client, url)  # reviewers cannot reassign
    as_user(client, auth, "lead")
    html = page(client, url)
    assert "data-reassign" in html and f'<option value="{risk_id}">' in html
    html = send(client, f"{url}reassign", url, old=r1_id, new=risk_id, reason="")
    assert "A reason is required" in html
    html = send(client, f"{url}reassign", url, old=r1_id, new=risk_id, reason="Annual leave")
    assert "now reviews the proposal instead of" in html
    assert 'data-reviewer="risk" data-review-state="pending"' in html
    assert 'data-reviewer="reviewer1" data-review-state="ended"' in html
    as_user(client, auth, "reviewer1")
    assert client.get(url).status_code == 200  # still readable, no longer theirs to review
    assert "data-review-form" not in page(client, url)


def test_outdated_proposal_is_rebased_and_its_conflict_settled(client, auth, policy, app):
    theirs = submitted(app, "Call between 09:00 and 18:00.")
    mine = draft(app, "Call only between 08:00 and 20:00 on weekdays.", author="lead")
    with app.app_context():
        proposal = db.session.get(RedlineProposal, theirs)
        for reviewer in ("reviewer1", "reviewer2"):
            props.approve(db.session, user_named(reviewer), proposal, proposal.changes_hash)
        props.publish(db.session, user_named("compliance"), proposal)
        db.session.commit()
    url = f"/proposals/p/{mine}/"
    auth.login("lead")
    html = page(client, url)
    assert "data-outdated" in html and "Rebase onto version 2" in html
    assert "base outdated" in page(client, f"/documents/d/{CODE}/")
    html = send(client, f"{url}do/rebase", url)
    assert "1 clause(s) conflict" in html and "data-conflict=" in html
    assert "Call between 09:00 and 18:00." in html  # the published text beside the others
    assert 'data-action="submit"' not in html  # nothing moves on until it is settled
    conflict = re.search(r'data-conflict="([^"]+)"', html).group(1)
    html = send(client, f"{url}resolve", url, conflict=conflict, choice="ours")
    assert "Every conflict is settled" in html and "data-conflict=" not in html
    assert 'data-action="submit"' in html
    with app.app_context():
        texts = [b["text"] for b in db.session.get(RedlineProposal, mine).blocks]
    assert "Call only between 08:00 and 20:00 on weekdays." in texts


# --- the editor -----------------------------------------------------------------------------------

def test_editor_inserts_moves_deletes_and_takes_a_word_file(client, auth, policy, app):
    pid = draft(app)
    editor = f"/proposals/p/{pid}/edit"
    auth.login("compliance")
    heading, first, second = BLOCK.findall(page(client, editor))
    html = send(client, f"{editor}/insert", f"{editor}?block={first}", after_id=first,
                kind="list_item", text="Record every call.", level="0")
    assert "Clause added." in html
    new = next(b for b in BLOCK.findall(html) if b not in (heading, first, second))
    assert BLOCK.findall(html) == [heading, first, new, second]
    assert re.search(r'class="clause-no">2\.</span><span class="clause-text">Record every call',
                     html)
    html = send(client, f"{editor}/move", f"{editor}?block={new}", block_id=new, after_id="")
    assert "Clause moved." in html and BLOCK.findall(html)[0] == new
    html = send(client, f"{editor}/delete", f"{editor}?block={new}", block_id=new)
    assert "Clause deleted." in html and new not in BLOCK.findall(html)
    html = send(client, f"{editor}/insert", editor, after_id="", kind="table", text="x")
    assert "Tables are added in Word" in html
    revised = make_docx(("Heading 1", "Contact rules"), ("List Number", "Call 09:00-18:00."),
                        ("List Number", "Never call relatives."))
    response = client.post(f"/proposals/p/{pid}/upload", data={
        "csrf_token": csrf_token(page(client, editor)), "file": (io.BytesIO(revised),
                                                                 "revised.docx")},
        content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "is now the text of revised.docx" in html and "Call 09:00-18:00." in html
    assert send(client, f"/proposals/p/{pid}/upload", editor).count("Choose a Word file") == 1


# --- inbox, notifications, bell, dashboard --------------------------------------------------------

def bell(html: str) -> int:
    return int(re.search(r'data-inbox-badge="(\d+)"', html).group(1))


def test_inbox_bell_and_notifications(client, auth, policy, app):
    pid = submitted(app)
    auth.login("reviewer1")
    html = page(client, "/proposals/inbox/")
    assert f'data-inbox-item="{pid}"' in html and 'data-notification="unread"' in html
    with app.app_context():
        me = user_named("reviewer1")
        box = props.inbox(db.session, me)
        assert awaiting_count(db.session, me) == len(box.reviews) + \
            len(box.changes_requested) + box.unread == bell(html) == 2
    dashboard = page(client, "/")
    assert "data-dashboard-inbox" in dashboard and f"/proposals/p/{pid}/" in dashboard
    html = send(client, "/proposals/inbox/read", "/proposals/inbox/")
    assert "1 notification(s) marked read." in html and bell(html) == 1
    assert 'data-notification="unread"' not in html
    url = f"/proposals/p/{pid}/"
    send(client, f"{url}do/approve", url, seen_hash=SEEN.search(page(client, url)).group(1))
    assert bell(page(client, "/")) == 0  # approved: nothing awaits reviewer1 any more
    as_user(client, auth, "collector1")
    assert bell(page(client, "/accounts/")) == 0
    assert "data-dashboard-inbox" not in page(client, "/")


def test_opening_a_notification_marks_it_read(client, auth, policy, app):
    pid = submitted(app)
    with app.app_context():
        note = db.session.scalar(select(Notification).where(
            Notification.user_id == user_named("reviewer2").id))
        note_id = note.id
    auth.login("reviewer1")
    assert client.get(f"/proposals/inbox/n/{note_id}").status_code == 404  # not theirs
    as_user(client, auth, "reviewer2")
    response = client.get(f"/proposals/inbox/n/{note_id}")
    assert response.status_code == 302 and response.location.endswith(f"/proposals/p/{pid}/")
    with app.app_context():
        assert db.session.get(Notification, note_id).read_at is not None


def test_list_filters_and_search(client, auth, policy, app):
    first = submitted(app)
    second = draft(app, "Call between 10:00 and 16:00.")
    auth.login("compliance")
    html = page(client, "/proposals/?search=Hours")
    assert f"/proposals/p/{first}/" in html and f"/proposals/p/{second}/" in html
    assert 'pstate-submitted' in html and 'pstate-draft' in html
    by_status = page(client, "/proposals/?flt0_0=draft")
    assert f"/proposals/p/{second}/" in by_status and f"/proposals/p/{first}/" not in by_status
    assert f"/proposals/p/{first}/" in page(client, "/proposals/?flt0_1=POL-007")
    assert f"/proposals/p/{first}/" not in page(client, "/proposals/?flt0_1=COL-PRC")
    with app.app_context():
        lead = user_named("lead").id
    assert f"/proposals/p/{first}/" not in page(client, f"/proposals/?flt0_2={lead}")
    assert "/proposals/new/" not in html and "/proposals/edit/" not in html
    assert client.get("/proposals/new/").status_code == 403
    assert client.get(f"/proposals/edit/?id={first}").status_code == 403


def test_tracked_changes_download(client, auth, policy, app):
    pid = submitted(app)
    auth.login("reviewer1")
    html = page(client, f"/proposals/p/{pid}/")
    assert f"/proposals/p/{pid}/tracked.docx" in html
    response = client.get(f"/proposals/p/{pid}/tracked.docx")
    assert response.status_code == 200 and response.mimetype == repo.DOCX_MEDIA_TYPE
    body = zipfile.ZipFile(io.BytesIO(response.data)).read("word/document.xml").decode()
    assert "<w:ins " in body and "<w:del " in body and 'w:author="Lê Minh Châu"' in body
    accepted = [b.text for b in import_docx(response.data).blocks]  # reads changes as accepted
    assert "Call between 08:00 and 20:00." in accepted
    as_user(client, auth, "collector1")
    assert client.get(f"/proposals/p/{pid}/tracked.docx").status_code == 404


def test_anonymous_visitors_are_sent_to_login_and_posts_need_a_token(client, auth, policy, app):
    pid = submitted(app)
    for path in (f"/proposals/p/{pid}/", f"/proposals/p/{pid}/edit", "/proposals/inbox/",
                 f"/proposals/p/{pid}/tracked.docx", "/proposals/inbox/n/1", "/proposals/",
                 f"/proposals/open/{CODE}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location, path
    auth.login("reviewer1")
    for path in ("do/approve", "comment", "edit/text", "reassign", "resolve", "upload"):
        assert client.post(f"/proposals/p/{pid}/{path}", data={"body": "x"}).status_code == 400
    assert status_of(app, pid) == "submitted"
