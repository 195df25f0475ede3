"""E-mail of in-app notifications: after the response of the request that queued them, or by cron.

Notifications are rows (`models.proposal.Notification`) written in the request's transaction.
When SMTP is configured, session listeners notice a commit that queued some; once the response
has gone out (`response.call_on_close`, so nobody waits for the mail server) `deliver_pending`
mails every notification not e-mailed yet. `flask notifications send` does the same from cron
and picks up whatever a failed try left. Nothing here raises into a request: a failure is
logged and the rows stay unsent for the next try. The listeners are installed when this
module is imported (portal.cli imports it while the app is built).

Delivery is at least once: a notification is marked `emailed_at` after the server accepted it,
so a crash between the two sends it again rather than never.
"""

import logging
import re
import smtplib
import ssl
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from urllib.parse import urljoin

from flask import Flask, after_this_request, current_app, g, has_app_context, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models import User
from models.base import utcnow
from models.proposal import Notification
from portal import audit

log = logging.getLogger(__name__)

QUEUED = "portal_mail_queued"  # session.info flag: this transaction wrote notifications
SUBJECT_LIMIT = 150
# One message failed, the connection is still good: go on with the next one.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                   smtplib.SMTPDataError, smtplib.SMTPNotSupportedError, UnicodeError)


@dataclass(frozen=True)
class Delivery:
    """What one delivery run did: sent, left unsent (to try again), and why, if it failed."""

    sent: int = 0
    failed: int = 0
    error: str = ""
    enabled: bool = True

    def __add__(self, other: "Delivery") -> "Delivery":
        return Delivery(self.sent + other.sent, self.failed + other.failed,
                        other.error or self.error, self.enabled and other.enabled)


def mail_enabled(config: Mapping) -> bool:
    """Tell whether e-mail is on (a mail server is configured)."""
    return bool(str(config.get("SMTP_HOST") or "").strip())


def absolute_link(config: Mapping, link: str) -> str:
    """Return a notification's portal path as an address under PORTAL_BASE_URL."""
    base = str(config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/") + "/"
    return urljoin(base, (link or "").lstrip("/"))


def _one_line(text: str, limit: int = SUBJECT_LIMIT) -> str:
    line = re.sub(r"\s+", " ", text).strip()
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def _reader_locale(user: User, config: Mapping):
    # The reader's language, not the sender's: users carry no language yet, so the
    # department's default applies (and the request's does not leak into other people's mail).
    locale = getattr(user, "locale", None) or config.get("BABEL_DEFAULT_LOCALE") or "en"
    return force_locale(locale) if has_app_context() else nullcontext()


def compose(notification: Notification, config: Mapping) -> EmailMessage:
    """Build the e-mail of one notification: its text as subject and body, plus the link."""
    user = notification.user
    with _reader_locale(user, config):
        text = notification.text
        subject = _("[Collections Portal] %(text)s", text=_one_line(text))
        body = "\n\n".join([
            text,
            _("Open it in the portal: %(link)s",
              link=absolute_link(config, notification.link)),
            "-- \n" + _("The Collections Portal sent this message; all your notifications "
                        "are in the portal, under your inbox."),
        ])
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["SMTP_FROM"]
    message["To"] = formataddr((user.full_name, user.email))
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(f"notification-{notification.id}")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(body + "\n")
    return message


def _pending_ids(session: Session, limit: int) -> list[int]:
    return list(session.scalars(
        select(Notification.id).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), User.active.is_(True), User.email != "")
        .order_by(Notification.id).limit(limit)))


def connect(config: Mapping) -> smtplib.SMTP:
    """Open a connection to the mail server: STARTTLS and login when configured."""
    timeout = float(config.get("SMTP_TIMEOUT") or 10)
    server = smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25),
                          timeout=timeout)
    try:
        if config.get("SMTP_STARTTLS"):
            server.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    except BaseException:
        server.close()
        raise
    return server


def _send(server: smtplib.SMTP, notes: list[Notification], config: Mapping) -> Delivery:
    sent = failed = 0
    for index, note in enumerate(notes):
        try:
            server.send_message(compose(note, config))
        except _MESSAGE_ERRORS as exc:
            failed += 1
            log.warning("E-mail of notification %s to user %s refused: %s", note.id,
                        note.user_id, exc)
            continue
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("Mail server connection lost after %d e-mails: %s", sent, exc)
            return Delivery(sent, failed + len(notes) - index, str(exc))
        note.emailed_at = utcnow()
        sent += 1
    return Delivery(sent, failed)


def _close(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


def deliver_pending(session: Session, config: Mapping, limit: int = 100) -> Delivery:
    """E-mail up to `limit` notifications not e-mailed yet and mark them; never raise.

    Commits the session (give it one with nothing else pending). Rows that could not be sent
    stay unsent for the next try; the reason is logged and returned.
    """
    if not mail_enabled(config):
        return Delivery(enabled=False)
    try:
        ids = _pending_ids(session, limit)
        session.commit()  # hold no database lock while connecting to the mail server
        if not ids:
            return Delivery()
        try:
            server = connect(config)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("E-mail not sent: mail server %s:%s unavailable (%s); %d notifications "
                        "wait for the next try.", config.get("SMTP_HOST"),
                        config.get("SMTP_PORT"), exc, len(ids))
            return Delivery(failed=len(ids), error=str(exc) or type(exc).__name__)
        try:
            # Another worker may be sending the same rows: skip what it holds (PostgreSQL);
            # SQLite's BEGIN IMMEDIATE serialises the two runs instead.
            notes = list(session.scalars(
                select(Notification).where(Notification.id.in_(ids),
                                           Notification.emailed_at.is_(None))
                .order_by(Notification.id).with_for_update(skip_locked=True)))
            result = _send(server, notes, config)
        finally:
            _close(server)
        session.commit()
        return result
    except Exception as exc:  # a mail problem must never break the caller
        log.exception("E-mail delivery failed")
        session.rollback()
        return Delivery(error=str(exc) or type(exc).__name__)


def send_all(session: Session, config: Mapping, limit: int = 100) -> Delivery:
    """Deliver batch after batch until nothing is pending or something fails."""
    total = Delivery(enabled=mail_enabled(config))
    while total.enabled:
        batch = deliver_pending(session, config, limit)
        total += batch
        if batch.failed or batch.error or batch.sent < limit:
            break
    return total


# --- after the request --------------------------------------------------------------------------

@event.listens_for(Session, "after_flush")
def _note_queued(session: Session, _flush_context) -> None:
    if any(isinstance(obj, Notification) for obj in session.new):
        session.info[QUEUED] = True


@event.listens_for(Session, "after_rollback")
def _forget_queued(session: Session) -> None:
    session.info.pop(QUEUED, None)


@event.listens_for(Session, "after_commit")
def _deliver_after_response(session: Session) -> None:
    """Once a request's commit queued notifications, mail them after its response."""
    if not session.info.pop(QUEUED, False) or not has_request_context():
        return
    app = current_app._get_current_object()
    if not mail_enabled(app.config) or g.get("mail_after_response"):
        return
    g.mail_after_response = True
    request_id = g.get("request_id", "")

    @after_this_request
    def _when_sent(response):
        response.call_on_close(lambda: deliver_in_app(app, request_id))
        return response


def deliver_in_app(app: Flask, request_id: str = "") -> None:
    """Deliver in a fresh app context (the request's is gone), as "system:mail"; never raise."""
    from portal.extensions import db

    actor, previous_request = audit.current_actor.get(), audit.current_request_id.get()
    audit.bind("system:mail", request_id)
    try:
        with app.app_context():
            deliver_pending(db.session, app.config)
    except Exception:  # the response is already sent; only the log can tell
        log.exception("E-mail delivery after a request failed")
    finally:
        audit.bind(actor, previous_request)
