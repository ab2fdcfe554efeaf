"""Every number format of the report, the terminal summary and the workbook, in one place.

Rounding is for display only (docs/model.md section 1): whole units in tables, `$1.85M` style in prose
and tiles, ROI to one decimal with an `x`, percentages to whole numbers. A value that rounds to
zero never shows as "-0"; an undefined metric shows as "n/a" or a dash.
"""

from __future__ import annotations

import math

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
DASH = "–"
MINUS = "−"


def _symbol(currency: str) -> str:
    return SYMBOLS.get(currency, currency + " ")


def _signed(text: str, negative: bool) -> str:
    return f"{MINUS}{text}" if negative else text


def money(value: float | None, currency: str = "USD") -> str:
    """Whole units with thousands separators: $1,234,567 (tables)."""
    if value is None:
        return DASH
    rounded = round(value)
    return _signed(f"{_symbol(currency)}{abs(rounded):,.0f}", rounded < 0)


def money_short(value: float | None, currency: str = "USD") -> str:
    """Prose and tiles: $1.85M, $230K, $950."""
    if value is None:
        return DASH
    magnitude = abs(value)
    for threshold, suffix, digits in ((1e9, "B", 2), (1e6, "M", 2), (1e3, "K", 0)):
        if round(magnitude / threshold, digits) >= 1:
            text = f"{magnitude / threshold:,.{digits}f}{suffix}"
            break
    else:
        text = f"{magnitude:,.0f}"
    negative = value < 0 and text.strip("0.,KMB") != ""
    return _signed(f"{_symbol(currency)}{text}", negative)


def percent(value: float | None) -> str:
    """A share as a whole percentage: 0.4 -> 40 %."""
    if value is None:
        return "n/a"
    rounded = round(value * 100)
    return _signed(f"{abs(rounded):.0f} %", rounded < 0)


def multiple(value: float | None) -> str:
    """ROI as a multiple to one decimal: 5.8x."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    rounded = round(value, 1)
    return _signed(f"{abs(rounded):.1f}x", rounded < 0)


def months(value: float | None) -> str:
    if value is None:
        return "not within the horizon"
    return f"{value:.0f} month" + ("" if round(value) == 1 else "s")


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return DASH
    rounded = round(value, digits)
    return _signed(f"{abs(rounded):,.{digits}f}", rounded < 0)


def fte(value: float | None) -> str:
    return f"{number(value, 1)} FTE"


def mbps(value: float | None) -> str:
    return f"{number(value, 0 if value and abs(value) >= 100 else 1)} MB/s"


def terabytes(gigabytes: float | None) -> str:
    return f"{number(gigabytes / 1000 if gigabytes is not None else None, 1)} TB"


def terabytes_plain(gigabytes: float | None) -> str:
    """Terabytes for a table column whose header names the unit; a dash where nothing is stored."""
    return DASH if not gigabytes else number(gigabytes / 1000, 1)


def price(value: float | None, currency: str = "USD") -> str:
    """A unit price with cents or finer: $0.384."""
    if value is None:
        return DASH
    digits = 2 if abs(value) >= 1 else 3
    return _signed(f"{_symbol(currency)}{abs(value):,.{digits}f}", round(value, digits) < 0)


def quantity(value: float | bool | None) -> str:
    """An input or catalogue value as written: 4,000, 0.25, 1.35, yes (up to four decimals, no trailing zeros)."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if float(value).is_integer():
        return number(value)
    text = f"{abs(value):,.4f}".rstrip("0").rstrip(".")
    return _signed(text, value < 0)


def payback(value: float | None) -> str:
    """Payback for a table cell: 2 months, or a dash when it does not happen within the horizon."""
    return DASH if value is None else months(value)


FILTERS = {"money": money, "money_short": money_short, "percent": percent, "multiple": multiple,
           "months": months, "number": number, "fte": fte, "mbps": mbps, "terabytes": terabytes,
           "terabytes_plain": terabytes_plain, "price": price, "quantity": quantity, "payback": payback}
CURRENCY_FILTERS = ("money", "money_short", "price")  # take the report's currency as their second argument
