"""Translated labels for stored codes: the database keeps language-neutral values."""

from flask import g
from flask_babel import lazy_gettext as _l

from models import DocumentCategory, Lifecycle, MembershipRole, Role
from models.account import AccountStatus, Product

PRODUCT = {Product.CREDIT_CARD: _l("Credit card"), Product.PERSONAL_LOAN: _l("Personal loan"),
           Product.AUTO_LOAN: _l("Auto loan"), Product.MORTGAGE: _l("Mortgage"),
           Product.CONSUMER_DURABLE: _l("Consumer durable loan"),
           Product.OVERDRAFT: _l("Overdraft")}
ACCOUNT_STATUS = {AccountStatus.ACTIVE: _l("Active"),
                  AccountStatus.RESTRUCTURED: _l("Restructured"),
                  AccountStatus.LEGAL: _l("Legal action"),
                  AccountStatus.WRITTEN_OFF: _l("Written off"), AccountStatus.CLOSED: _l("Closed")}
ROLE = {Role.ADMIN: _l("Administrator"), Role.COMPLIANCE_EDITOR: _l("Compliance editor"),
        Role.REVIEWER: _l("Reviewer"), Role.TEAM_LEAD: _l("Team lead"),
        Role.COLLECTOR: _l("Collector"), Role.RISK_OFFICER: _l("Risk officer"),
        Role.FRAUD_ANALYST: _l("Fraud analyst"), Role.AUDITOR: _l("Auditor")}
MEMBERSHIP_ROLE = {MembershipRole.LEAD: _l("Lead"), MembershipRole.COLLECTOR: _l("Collector"),
                   MembershipRole.SUPPORT: _l("Support")}
DOCUMENT_CATEGORY = {DocumentCategory.POLICY: _l("Policy"),
                     DocumentCategory.PROCEDURE: _l("Procedure"),
                     DocumentCategory.COLLECTION_SCENARIO: _l("Collection scenario"),
                     DocumentCategory.WORK_INSTRUCTION: _l("Work instruction"),
                     DocumentCategory.FORM: _l("Form")}
LIFECYCLE = {Lifecycle.DRAFT: _l("Draft"), Lifecycle.SCHEDULED: _l("Scheduled"),
             Lifecycle.EFFECTIVE: _l("In force"), Lifecycle.SUPERSEDED: _l("Superseded"),
             Lifecycle.RETIRED: _l("Retired"), Lifecycle.WITHDRAWN: _l("Withdrawn")}


def choices(labels: dict) -> list[tuple[str, object]]:
    """Return (stored value, label) pairs for a select field or filter."""
    return [(code.value, label) for code, label in labels.items()]


def label(labels: dict, value: str | None) -> str:
    """Return the label of a stored value, or the value itself when unknown."""
    text = labels.get(value)  # StrEnum members hash and compare equal to their values
    return str(text) if text is not None else value or ""


def _translated(labels: dict) -> dict[str, str]:
    """Return {stored value: label in the request's language}, built once per request."""
    cache = g.setdefault("translated_labels", {})
    table = cache.get(id(labels))
    if table is None:
        table = cache[id(labels)] = {code.value: str(text) for code, text in labels.items()}
    return table


def formatter(labels: dict):
    """Return a Flask-Admin column formatter that shows the label of the column's value."""
    def show(view, context, model, name):
        value = getattr(model, name)
        return _translated(labels).get(value, value or "")
    return show
