"""Number and money formatting for list and detail pages."""

from decimal import Decimal

from flask_babel import format_decimal


def money(amount: Decimal | None) -> str:
    """Format an amount in VND without decimals, grouped by the user's locale."""
    return format_decimal(amount or 0, format="#,##0")


def number(value: int | None) -> str:
    """Format a whole number grouped by the user's locale."""
    return format_decimal(value or 0, format="#,##0")
