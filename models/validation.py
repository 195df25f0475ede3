"""Field rules shared by every way data enters: forms, CSV import, CLI and tests."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from models.errors import N_, ValidationError

# Bidirectional overrides and other invisible controls can disguise text in lists and exports.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_ACCOUNT_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{5,31}$")
_NATIONAL_ID = re.compile(r"^(\d{9}|\d{12})$")
_PHONE = re.compile(r"^\+?\d[\d ]{7,18}$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def plain_text(label: str, value: str | None, max_length: int, required: bool = True) -> str:
    """Return trimmed NFC text without markup or control characters, or raise."""
    text = unicodedata.normalize("NFC", (value or "").strip())
    if required and not text:
        raise ValidationError("%(label)s is required.", label=label)
    if len(text) > max_length:
        raise ValidationError("%(label)s is longer than %(n)d characters.", label=label,
                              n=max_length)
    if "<" in text or ">" in text:
        raise ValidationError("%(label)s must not contain < or > characters.", label=label)
    if any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in text):
        raise ValidationError("%(label)s contains invisible or control characters.",
                              label=label)
    return text


def _matching(label: str, value: str | None, pattern: re.Pattern, hint: str,
              required: bool = True) -> str:
    text = (value or "").strip()
    if not text and not required:
        return ""
    if not pattern.match(text):
        raise ValidationError(hint, label=label)
    return text


def account_number(value: str | None) -> str:
    """Validate an account number: 6-32 capital letters, digits or dashes."""
    return _matching(N_("Account number"), (value or "").upper(), _ACCOUNT_NUMBER,
                     "%(label)s must be 6-32 capital letters, digits or dashes.")


def national_id(value: str | None) -> str:
    """Validate a Vietnamese national ID: 9 digits (CMND) or 12 digits (CCCD)."""
    return _matching(N_("National ID"), value, _NATIONAL_ID, "%(label)s must be 9 or 12 digits.")


def phone(label: str, value: str | None, required: bool = False) -> str:
    """Validate a phone number: digits and spaces, optional leading +."""
    return _matching(label, value, _PHONE,
                     "%(label)s must be 8-19 digits, optionally starting with +.",
                     required=required)


def username(value: str | None) -> str:
    """Validate a login name: lower-case letters, digits, dot, dash, underscore."""
    return _matching(N_("Username"), (value or "").strip(), _USERNAME,
                     "%(label)s must be 2-64 lower-case letters, digits, '.', '-' or '_'.")


def email(value: str | None) -> str:
    """Validate an e-mail address."""
    text = (value or "").strip()
    if len(text) > 254:
        raise ValidationError("%(label)s is longer than %(n)d characters.", label=N_("E-mail"),
                              n=254)
    return _matching(N_("E-mail"), text, _EMAIL, "%(label)s is not a valid e-mail address.")


def money(label: str, value) -> Decimal:
    """Return a non-negative amount with at most 2 decimals, or raise."""
    try:
        amount = Decimal(str(value).replace(",", "").strip()) if value not in (None, "") \
            else Decimal(0)
    except (InvalidOperation, ValueError):
        raise ValidationError("%(label)s is not a number.", label=label) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError("%(label)s must be zero or more.", label=label)
    if amount >= Decimal("1e16"):
        raise ValidationError("%(label)s is too large.", label=label)
    return amount.quantize(Decimal("0.01"))


def whole_number(label: str, value, minimum: int = 0, maximum: int = 100_000) -> int:
    """Return an integer within bounds, or raise."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError("%(label)s must be a whole number.", label=label) from None
    if not minimum <= number <= maximum:
        raise ValidationError("%(label)s must be between %(low)d and %(high)d.", label=label,
                              low=minimum, high=maximum)
    return number


def choice(label: str, value, allowed) -> str:
    """Return the value if it is one of the allowed ones, or raise."""
    text = str(value or "").strip()
    options = [str(a) for a in allowed]
    if text not in options:
        raise ValidationError("%(label)s must be one of: %(options)s.", label=label,
                              options=", ".join(options))
    return text
