"""Numbers, changes, intervals, periods and counts as a reader reads them.

The reports show figures as the releases state them, for people: thousands separators and the
unit (``29,000个``), never scientific notation; a change with its sign and its word
(``▼ 36.01% 下降``); an interval as a range (``29,000–30,000``) or a bound (``≥ 98%``); a period
as dates (``2019``, ``2019-01-01 – 2019-05-31``, ``as of 2019-12-31``); counts with the right
plural. Missing values show as an em dash, never ``nan``.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

MISSING = "—"
UP, DOWN, FLAT = "▲", "▼", "■"
#: Chinese words for a rise and a fall, as the releases write them.
CHANGE_WORDS: dict[str, str] = {"up": "上升", "down": "下降", "flat": "持平"}
#: Units written after a number with no space (symbols and Chinese measure words).
_UNIT_SUFFIX = {"per km2": " per km²", "per 10k residents": " per 10,000 residents"}
CHANGE_KINDS = frozenset({"change_pct", "change_pp", "change_multiple"})


def is_missing(value: object) -> bool:
    """``None``, NaN, NaT and the empty string are missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: object, decimals: int = 2) -> str:
    """``29000.0`` → ``29,000``; ``36.0100`` → ``36.01``; ``1.5e9`` → ``1,500,000,000``.

    At most ``decimals`` decimals, trailing zeros dropped; a non-zero value too small for them
    keeps two significant digits (``0.0042``), so nothing rounds silently to 0.
    """
    if is_missing(value):
        return MISSING
    x = float(value)  # type: ignore[arg-type]
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x != 0 and abs(x) < 10**-decimals:
        decimals = 1 - math.floor(math.log10(abs(x)))
    text = f"{abs(x):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return ("−" if x < 0 and text.strip("0.,") else "") + text


def unit_text(unit: object) -> str:
    """How a unit follows a number: ``%`` and Chinese measure words directly, others spaced."""
    if is_missing(unit):
        return ""
    unit = str(unit)
    if unit in _UNIT_SUFFIX:
        return _UNIT_SUFFIX[unit]
    if unit == "%" or all(ord(c) > 0x2E7F for c in unit):
        return unit
    return f" {unit}"


def quantity(value: object, unit: object = "", decimals: int = 2) -> str:
    """A number with its unit: ``29,000个``, ``98.5%``, ``1,174,000,000元``."""
    text = number(value, decimals)
    return text if text == MISSING else text + unit_text(unit)


def change(value: object, unit: object = "%", decimals: int = 2) -> str:
    """A signed change, signed and worded: ``-36.01`` → ``▼ 36.01% 下降``, ``12`` → ``▲ 12% 上升``."""
    if is_missing(value):
        return MISSING
    x = float(value)  # type: ignore[arg-type]
    direction = "up" if x > 0 else "down" if x < 0 else "flat"
    arrow = {"up": UP, "down": DOWN, "flat": FLAT}[direction]
    return f"{arrow} {quantity(abs(x), unit, decimals)} {CHANGE_WORDS[direction]}"


def interval(
    lower: object,
    upper: object,
    unit: object = "",
    *,
    signed_change: bool = False,
    decimals: int = 2,
) -> str:
    """The range a qualifier allows: ``29,000–30,000个``, ``≥ 98%``, ``≤ 3万``-style bounds.

    Both ends equal: the figure is exact (``exact``); both open: only an approximation is stated
    (``approximate``). For a signed change the range is given in the change's own words
    (``▼ 36–37% 下降``), so a reader never has to flip signs.
    """
    low_missing, high_missing = is_missing(lower), is_missing(upper)
    if low_missing and high_missing:
        return "approximate (约, 左右)"
    if not low_missing and not high_missing and float(lower) == float(upper):  # type: ignore[arg-type]
        return "exact"
    if signed_change:
        return _change_interval(lower, upper, unit, decimals)
    if high_missing:
        return f"≥ {quantity(lower, unit, decimals)}"
    if low_missing:
        return f"≤ {quantity(upper, unit, decimals)}"
    return f"{number(lower, decimals)}–{quantity(upper, unit, decimals)}"


def _change_interval(lower: object, upper: object, unit: object, decimals: int) -> str:
    """A signed change's range as magnitudes with the direction's arrow and word."""
    ends = [None if is_missing(v) else float(v) for v in (lower, upper)]  # type: ignore[arg-type]
    known = [v for v in ends if v is not None]
    if all(v <= 0 for v in known) and any(v < 0 for v in known):
        arrow, word = DOWN, CHANGE_WORDS["down"]
        small, large = (None if v is None else -v for v in reversed(ends))
    elif all(v >= 0 for v in known):
        arrow, word = UP, CHANGE_WORDS["up"]
        small, large = ends
    else:  # the range spans no change: say so in signed numbers
        return f"{number(lower, decimals)} to {quantity(upper, unit, decimals)} (rise or fall)"
    if large is None:
        return f"{arrow} ≥ {quantity(small, unit, decimals)} {word}"
    if small is None:
        return f"{arrow} ≤ {quantity(large, unit, decimals)} {word}"
    return f"{arrow} {number(small, decimals)}–{quantity(large, unit, decimals)} {word}"


def period(start: object, end: object) -> str:
    """``2019`` (a calendar year), ``2019-01-01 – 2019-05-31``, ``as of 2019-12-31`` (a stock),
    ``to 2019-12-31`` (a running total whose start is not stated), ``unknown``."""
    first = None if is_missing(start) else pd.Timestamp(start).date()
    last = None if is_missing(end) else pd.Timestamp(end).date()
    if first is None and last is None:
        return "unknown"
    if first is None:
        return f"to {last.isoformat()}"  # type: ignore[union-attr]
    if last is None:
        return f"from {first.isoformat()}"
    if first == last:
        return f"as of {last.isoformat()}"
    if first == date(first.year, 1, 1) and last == date(first.year, 12, 31):
        return str(first.year)
    return f"{first.isoformat()} – {last.isoformat()}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 figure``, ``2 figures``, ``0 cities`` (with ``plural_form="cities"``)."""
    word = singular if count == 1 else plural_form or f"{singular}s"
    return f"{count:,} {word}"


def share(fraction: object, decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.4985`` → ``49.9%``."""
    if is_missing(fraction):
        return MISSING
    return f"{number(float(fraction) * 100, decimals)}%"  # type: ignore[arg-type]


def excerpt(sentence: str, text: str, width: int | None = None) -> tuple[str, str, str]:
    """The sentence around the figure as (before, figure, after), whitespace folded.

    The reports show whole sentences (``width=None``); with ``width``, that many characters are
    kept on each side of the figure and a cut side gets ``…``, so a cut never falls before the
    figure. When the figure's text is not in the sentence, the whole sentence is ``before``.
    """
    sentence = " ".join(str(sentence).split())
    at = sentence.find(text) if text else -1
    if at < 0:
        return sentence, "", ""
    before, after = sentence[:at], sentence[at + len(text) :]
    if width is None:
        return before, text, after
    if len(before) > width:
        before = "…" + before[-width:]
    if len(after) > width:
        after = after[:width] + "…"
    return before, text, after
