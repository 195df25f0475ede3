"""Number, money, time and yes/no formatting for list, detail and export views."""

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.numbers import parse_pattern
from flask_admin.model import typefmt
from flask_babel import get_locale, to_user_timezone
from flask_babel import gettext as _

DATE_FORMATS = {"vi": ("%d/%m/%Y", "%d/%m/%Y %H:%M")}
DEFAULT_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M")


GROUPED = parse_pattern("#,##0")  # parsed once: lists format hundreds of amounts a page


def money(amount: Decimal | None) -> str:
    """Format an amount in VND without decimals, grouped by the user's locale."""
    return GROUPED.apply(amount or 0, get_locale() or "en")


def number(value: int | None) -> str:
    """Format a whole number grouped by the user's locale."""
    return GROUPED.apply(value or 0, get_locale() or "en")


def _formats() -> tuple[str, str]:
    locale = get_locale()
    return DATE_FORMATS.get(locale.language if locale else "en", DEFAULT_FORMATS)


def local_time(moment: datetime | None) -> str:
    """Show a stored UTC time in the user's time zone (default Asia/Ho_Chi_Minh)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return to_user_timezone(moment).strftime(_formats()[1])


def local_date(day: date | None) -> str:
    """Show a calendar date in the user's date format."""
    return day.strftime(_formats()[0]) if day else ""


def yes_no(value) -> str:
    """Show a flag as a word rather than True/False."""
    return _("Yes") if value else _("No")


def _yes_no(view, value, name) -> str:
    return yes_no(value)


def _typed(base: dict, with_words: bool) -> dict:
    """Extend Flask-Admin's type formatters with local times (and yes/no words)."""
    extra = {bool: _yes_no} if with_words else {}
    return {**base, datetime: lambda view, value, name: local_time(value),
            date: lambda view, value, name: local_date(value), **extra}


LIST_TYPES = _typed(typefmt.BASE_FORMATTERS, with_words=False)  # list keeps its tick icons
DETAIL_TYPES = _typed(typefmt.DETAIL_FORMATTERS, with_words=True)
EXPORT_TYPES = _typed(typefmt.EXPORT_FORMATTERS, with_words=True)
