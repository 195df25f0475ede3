"""Number, money, time and yes/no formatting for list, detail and export views."""

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import get_group_symbol, parse_pattern
from flask_admin.model import typefmt
from flask_babel import get_locale, to_user_timezone
from flask_babel import gettext as _

from admin_views.list_rows import page_value

DATE_FORMATS = {"vi": ("%d/%m/%Y", "%d/%m/%Y %H:%M")}
DEFAULT_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M")


GROUPED = parse_pattern("#,##0")  # parsed once: lists format hundreds of amounts a page
_ONE = Decimal(1)
_group_symbols: dict[object, str] = {}


def _group_symbol(locale) -> str:
    symbol = _group_symbols.get(locale)
    if symbol is None:
        symbol = _group_symbols[locale] = get_group_symbol(locale)
    return symbol


def grouped(value: int | Decimal, locale) -> str:
    """Return GROUPED.apply(value, locale): a whole number grouped by threes, half-even rounded."""
    # Babel's apply takes about 20 µs a number; the list shows two a row. For what the list
    # holds (non-negative whole numbers and finite decimals) Python's own grouping gives the
    # same text with the locale's separator; anything else (negative, infinite, odd types)
    # still goes to Babel.
    if type(value) is int and value >= 0:
        digits = f"{value:,}"
    elif type(value) is Decimal and value.is_finite() and not value.is_signed():
        digits = f"{value.quantize(_ONE, ROUND_HALF_EVEN):,f}"
    else:
        return GROUPED.apply(value, locale)
    symbol = _group_symbol(locale)
    return digits if symbol == "," else digits.replace(",", symbol)


def _locale():
    return get_locale() or "en"


def money(amount: Decimal | None) -> str:
    """Format an amount in VND without decimals, grouped by the user's locale."""
    return grouped(amount or 0, page_value("locale", _locale))


def number(value: int | None) -> str:
    """Format a whole number grouped by the user's locale."""
    return grouped(value or 0, page_value("locale", _locale))


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
