"""E-mail notifications against a real SMTP server on 127.0.0.1 (aiosmtpd), started per test."""

import email
import socket
from email.policy import default as email_policy
from email.utils import getaddresses

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from documents import proposals as props
from models import AuditEntry, Notification, RedlineProposal, User
from portal import audit
from portal.extensions import db
from portal.mail import deliver_pending
from tests.conftest import user_named
from tests.test_proposals import proposal_on_policy

BASE_URL = "https://portal.bank.example"


def free_port() -> int:
    """Return a port nothing listens on (the OS picks it, then it is released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """An SMTP handler keeping every accepted message; refuses the addresses in `refuse`."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email_policy))
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return sorted(addr for m in self.messages for _name, addr in getaddresses([m["To"]]))


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 at a free port, stopped after the test."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


@pytest.fixture
def mail_app(app, smtp):
    """The portal with e-mail on, and a route that submits a proposal as compliance."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_TIMEOUT=5,
                      SMTP_FROM="portal@bank.example", BASE_URL=BASE_URL)

    @app.get("/test-only/submit/<int:proposal_id>")
    def submit_for_test(proposal_id: int):
        proposal = db.session.get(RedlineProposal, proposal_id)
        props.submit(db.session, user_named("compliance"), proposal)
        db.session.commit()
        return "submitted"

    return app


@pytest.fixture
def draft_id(mail_app) -> int:
    """A draft proposal on a policy (rule: two reviewers), committed."""
    with mail_app.app_context():
        proposal = proposal_on_policy()
        db.session.commit()
        return proposal.id


def unsent(app) -> list[str]:
    """Return the usernames whose notifications still wait for e-mail."""
    with app.app_context():
        return sorted(db.session.scalars(select(User.username).join(Notification.user).where(
            Notification.emailed_at.is_(None))))


def test_submitted_proposal_emails_both_reviewers_after_the_response(mail_app, smtp, draft_id):
    response = mail_app.test_client().get(f"/test-only/submit/{draft_id}")
    assert response.status_code == 200
    assert smtp.messages == []  # nobody waited for the mail server: it runs after the response
    response.close()  # what the WSGI server does once the response went out
    with mail_app.app_context():
        expected = sorted(user_named(u).email for u in ("reviewer1", "reviewer2"))
    assert smtp.recipients() == expected
    link = f"{BASE_URL}/proposals/p/{draft_id}/"
    for message in smtp.messages:
        assert message["From"] == "portal@bank.example"
        assert message["Subject"] == (f"[Collections Portal] Proposal #{draft_id} on "
                                      "COL-POL-007 awaits your review: Shorter contact hours")
        body = message.get_content()
        assert link in body and "awaits your review" in body
    assert "Phạm Quốc Bảo" in " ".join(m["To"] for m in smtp.messages)  # names survive
    assert unsent(mail_app) == []
    with mail_app.app_context():
        actors = set(db.session.scalars(select(AuditEntry.actor).where(
            AuditEntry.entity == "Notification", AuditEntry.action == "update")))
        assert actors == {"system:mail"}
        assert audit.verify(db.session, mail_app.config["AUDIT_KEY"].encode()).ok


def test_nothing_is_sent_when_smtp_is_not_configured(mail_app, smtp, draft_id):
    mail_app.config["SMTP_HOST"] = ""
    response = mail_app.test_client().get(f"/test-only/submit/{draft_id}")
    response.close()
    assert response.status_code == 200 and smtp.messages == []
    assert unsent(mail_app) == ["reviewer1", "reviewer2"]  # still in the in-app inbox
    result = mail_app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0 and "E-mail is off" in result.output
    with mail_app.app_context():
        assert deliver_pending(db.session, mail_app.config).enabled is False
    assert smtp.messages == []


def test_a_down_server_leaves_them_unsent_and_the_command_sends_them_later(mail_app, smtp,
                                                                            draft_id):
    mail_app.config["SMTP_PORT"] = free_port()  # nothing listens there
    response = mail_app.test_client().get(f"/test-only/submit/{draft_id}")
    assert response.status_code == 200 and response.text == "submitted"
    response.close()  # no exception reaches the server either
    with mail_app.app_context():
        assert db.session.get(RedlineProposal, draft_id).status == "submitted"
    assert unsent(mail_app) == ["reviewer1", "reviewer2"]
    runner = mail_app.test_cli_runner()
    failed = runner.invoke(args=["notifications", "send"])
    assert failed.exit_code == 1 and "2 e-mails could not be sent" in failed.output
    mail_app.config["SMTP_PORT"] = smtp.port  # the server is back
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0 and "2 e-mails sent." in result.output
    assert len(smtp.messages) == 2 and unsent(mail_app) == []
    again = runner.invoke(args=["notifications", "send"])
    assert "0 e-mails sent." in again.output and len(smtp.messages) == 2


def test_a_refused_address_does_not_hold_back_the_others(mail_app, smtp, draft_id):
    with mail_app.app_context():
        smtp.refuse.add(user_named("reviewer1").email)
        proposal = db.session.get(RedlineProposal, draft_id)
        props.submit(db.session, user_named("compliance"), proposal)
        db.session.commit()
        result = deliver_pending(db.session, mail_app.config)
    assert (result.sent, result.failed) == (1, 1)
    assert unsent(mail_app) == ["reviewer1"]  # tried again next time
    with mail_app.app_context():
        assert user_named("reviewer2").email in smtp.recipients()


def test_smtp_settings_come_from_the_environment(tmp_path, monkeypatch):
    from portal import config

    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path))
    assert config.from_environment()["SMTP_HOST"] == ""  # e-mail is off by default
    monkeypatch.setenv("PORTAL_SMTP_HOST", "mail.bank.example")
    monkeypatch.setenv("PORTAL_SMTP_PORT", "587")
    monkeypatch.setenv("PORTAL_SMTP_STARTTLS", "true")
    monkeypatch.setenv("PORTAL_BASE_URL", BASE_URL)
    settings = config.from_environment()
    assert (settings["SMTP_HOST"], settings["SMTP_PORT"], settings["SMTP_STARTTLS"],
            settings["BASE_URL"]) == ("mail.bank.example", 587, True, BASE_URL)
