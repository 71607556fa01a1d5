"""Amounts of money as councils print them: one reader for keyword tokens, figure series and answers.

Real papers write the same sum many ways: "£1,531,279.8k" in a budget book, "c£77m" in a
briefing, "(£2.3m)" for an overspend in accounts, "1.9m" in a table whose heading says £, "£44
billion" in prose and "£1.54 per week" for a charge. Each is read to one value in pounds; what
does not parse as a number ("0.0.10", a version or a clause number) is no amount, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALE = {
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mn": 1e6, "million": 1e6,
    "bn": 1e9, "b": 1e9, "billion": 1e9,
}
# A number as printed: thousands grouped by commas ("1,531,279.8") or plain ("746.67"). Anything
# else with dots or commas in it ("0.0.10", "1.2.3") is a reference, not a number.
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
AMOUNT = re.compile(
    r"(?P<open>\()?"
    r"(?P<pound>£|GBP\s?)?\s?"
    rf"(?P<number>(?<![\d.,]){NUMBER}(?![\d]|[.,]\d))"
    r"(?:\s?(?P<short>k|m|mn|bn)\b|\s*(?P<word>thousand|million|billion)\b)?",
    re.I,
)
"""An amount: the pound sign or a scale makes a number money ("£5", "1.9m", "44 billion"); a bare number is not."""


@dataclass(frozen=True, slots=True)
class Amount:
    """One sum of money found in a text."""

    pounds: float
    """The value in pounds, positive (see negative)."""
    negative: bool
    """Printed in brackets, as accounts show a deficit or an overspend: "(£2.3m)"."""
    start: int
    end: int

    @property
    def millions(self) -> float:
        """The value in £ million."""
        return self.pounds / 1e6


def number_value(number: str) -> float | None:
    """"1,531,279.8" -> 1531279.8; None for what is not a number as printed ("0.0.10", "1,23")."""
    if not re.fullmatch(NUMBER, number or ""):
        return None
    try:
        return float(number.replace(",", ""))
    except ValueError:  # pragma: no cover - NUMBER only admits what float reads
        return None


def scaled(number: str, scale: str = "") -> float | None:
    """A number with its scale word or suffix in units ("27.8", "m" -> 27_800_000); None when not a number."""
    value = number_value(number)
    if value is None:
        return None
    return value * SCALE.get((scale or "").lower(), 1.0)


def read_amounts(text: str) -> list[Amount]:
    """Every sum of money in text, in order: with a pound sign, or a number with a scale ("1.9m", "£44 billion")."""
    found = []
    for match in AMOUNT.finditer(text or ""):
        scale = match["short"] or match["word"] or ""
        if not (match["pound"] or scale):
            continue
        value = scaled(match["number"], scale)
        if value is None:
            continue
        closes = bool(match["open"]) and text[match.end() : match.end() + 1] == ")"
        found.append(Amount(pounds=value, negative=closes, start=match.start(), end=match.end()))
    return found


def money_token(word: str, following: str = "") -> str | None:
    """One token of a sum of money, the same however it is written; None when word is no amount.

    word is a token as the keyword tokenizer cuts it ("£3.1m", "£100", "100k", "1.9m"); following
    is the next word, for "£3.1 million". A pound sign makes "£1900000"; a bare scaled number
    ("1.9m", "100k") is money too, since papers drop the sign in tables under a "£" heading.
    """
    match = re.fullmatch(r"(£)?(" + NUMBER + r")(k|m|mn|bn)?", word or "", re.I)
    if not match:
        return None
    pound, number, short = match.groups()
    spelt = (following or "").lower() if not short and following.lower() in ("thousand", "million", "billion") else ""
    if not (pound or short or spelt):
        return None
    value = scaled(number, short or spelt)
    if value is None:
        return None
    return "£" + f"{value:.2f}".rstrip("0").rstrip(".")


def format_pounds(value: float) -> str:
    """A sum as a council writes it: "£27.8m" from a million up, "£3,200" and "£1.54" below; a deficit as "-£2.3m"."""
    sign, value = ("-" if value < 0 else ""), abs(value)
    if value >= 1e6:
        return f"{sign}£{value / 1e6:,.2f}".rstrip("0").rstrip(".") + "m"
    return f"{sign}£{value:,.2f}".removesuffix(".00")
