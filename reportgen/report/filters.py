"""Every number format of the report, the terminal summary and the workbook, in one place.

Rounding is for display only (docs/model.md section 1): whole units in tables, `$1.85M` style in prose
and tiles, percentages (ROI too) to whole numbers. A value that rounds to zero never shows as "-0"; an
undefined metric shows as "n/a" or a dash. A number and its unit or percent sign are joined by a
no-break space (NBSP), so that no line of the report ends with "6" and the next begins with "%".
"""

from __future__ import annotations

import math
import re

from markupsafe import Markup

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
DASH = "–"
MINUS = "−"
NBSP = "\u00a0"  # every theme font has it (U+202F, the narrow one, is missing from Manrope and Yrsa)
PERCENT_AFTER_SPACE = re.compile(r"(?<=\d) (?=%)")


def symbol(currency: str) -> str:
    """The sign written before an amount: $ for USD, else the code and a no-break space (CHF 1,200)."""
    return SYMBOLS.get(currency, currency + NBSP)


def _signed(text: str, negative: bool) -> str:
    return f"{MINUS}{text}" if negative else text


def money(value: float | None, currency: str = "USD") -> str:
    """Whole units with thousands separators: $1,234,567 (tables)."""
    if value is None:
        return DASH
    rounded = round(value)
    return _signed(f"{symbol(currency)}{abs(rounded):,.0f}", rounded < 0)


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
    return _signed(f"{symbol(currency)}{text}", negative)


def percent(value: float | None) -> str:
    """A share, or ROI (a ratio), as a whole percentage: 0.4 -> 40 %."""
    if value is None or math.isnan(value):
        return "n/a"
    rounded = round(value * 100)
    return _signed(f"{abs(rounded):.0f}{NBSP}%", rounded < 0)


def months(value: float | None) -> str:
    if value is None:
        return "not within the horizon"
    return f"{value:.0f}{NBSP}month" + ("" if round(value) == 1 else "s")


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return DASH
    rounded = round(value, digits)
    return _signed(f"{abs(rounded):,.{digits}f}", rounded < 0)


def fte(value: float | None) -> str:
    return f"{number(value, 1)}{NBSP}FTE"


def mbps(value: float | None) -> str:
    return f"{number(value, 0 if value and abs(value) >= 100 else 1)}{NBSP}MB/s"


def terabytes(gigabytes: float | None) -> str:
    return f"{number(gigabytes / 1000 if gigabytes is not None else None, 1)}{NBSP}TB"


def terabytes_plain(gigabytes: float | None) -> str:
    """Terabytes for a table column whose header names the unit; a dash where nothing is stored."""
    return DASH if not gigabytes else number(gigabytes / 1000, 1)


def price(value: float | None, currency: str = "USD") -> str:
    """A unit price with cents or finer: $0.384."""
    if value is None:
        return DASH
    digits = 2 if abs(value) >= 1 else 3
    return _signed(f"{symbol(currency)}{abs(value):,.{digits}f}", round(value, digits) < 0)


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


def kept_together(text: str) -> str:
    """Free text (a catalogue source or unit, a formula) with each number joined to the percent sign after it:
    "~50 %" stays on one line. Markup stays markup: only a space becomes a no-break space."""
    joined = PERCENT_AFTER_SPACE.sub(NBSP, text)
    return Markup(joined) if isinstance(text, Markup) else joined


def payback(value: float | None) -> str:
    """Payback for a table cell: 2 months, or a dash when it does not happen within the horizon."""
    return DASH if value is None else months(value)


FILTERS = {"money": money, "money_short": money_short, "percent": percent, "months": months, "number": number,
           "fte": fte, "mbps": mbps, "terabytes": terabytes, "terabytes_plain": terabytes_plain, "price": price,
           "quantity": quantity, "payback": payback, "kept_together": kept_together}
CURRENCY_FILTERS = ("money", "money_short", "price")  # take the report's currency as their second argument
