"""Metrics for the gold set: pure functions over meetings, answer text, citations and filters.

Retrieval is scored over meetings, not chunks: a ranked list of hits becomes the ranked list of
the distinct meetings they come from (in order of first appearance), and a meeting is relevant
when the gold case names it. A meeting is (committee, date); the item number is informative only,
because an agenda pack carries several items of one meeting.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

MeetingKey = tuple[str, str]
"""(committee lower-cased, ISO date)."""


def meeting_key(committee: str, date: str) -> MeetingKey:
    """The form meetings are compared in."""
    return (" ".join(committee.lower().split()), date.strip())


GENERIC_BODY_WORDS = frozenset("the of and committee council meeting board panel sub".split())


def same_meeting(committee: str, date: str, source: str, expected: Mapping) -> bool:
    """Whether a hit or citation is of an expected meeting: the very paper named, or its date and a compatible committee.

    Real papers name one body several ways ("Transport and Connectivity Policy Committee", "Transport
    & Connectivity Committee"; a parish's "Parish Council" or its full name), and a paper whose committee
    ingest could not read is still of its meeting: on the same date, the committee names must share a
    word of their own or one must be missing.
    """
    want_source = str(expected.get("source") or "")
    if want_source and source and Path(source).as_posix().endswith(want_source):
        return True
    if not expected.get("date") or date.strip() != str(expected["date"]).strip():
        return False
    want, got = meeting_key(str(expected.get("committee", "")), "")[0], meeting_key(committee, "")[0]
    if want == got or not want or not got:
        return True
    words = lambda name: set(re.findall(r"[a-z]+", name.replace("&", "and"))) - GENERIC_BODY_WORDS  # noqa: E731
    return bool(words(want) & words(got)) or (not words(want) and not words(got))


def canonical(committee: str, date: str, source: str, expected: Sequence[Mapping]) -> MeetingKey:
    """The key of the expected meeting a hit or citation is of, else its own (committee, date) key."""
    for meeting in expected:
        if same_meeting(committee, date, source, meeting):
            return meeting_key(str(meeting.get("committee", "")), str(meeting.get("date", "")) or str(meeting.get("source", "")))
    return meeting_key(committee, date)


def ranked_meetings(hits: Iterable[tuple[str, str]]) -> list[MeetingKey]:
    """(committee, date) of ranked hits -> distinct meetings in order of first appearance."""
    seen: list[MeetingKey] = []
    for committee, date in hits:
        key = meeting_key(committee, date)
        if key not in seen:
            seen.append(key)
    return seen


def recall_at_k(ranked: Sequence[MeetingKey], relevant: set[MeetingKey], k: int) -> float:
    """Share of the relevant meetings in the top k, out of as many as k can hold (1.0 = all found)."""
    if not relevant:
        return 1.0
    found = len(set(ranked[:k]) & relevant)
    return found / min(k, len(relevant))


def reciprocal_rank(ranked: Sequence[MeetingKey], relevant: set[MeetingKey]) -> float:
    """1 / rank of the first relevant meeting, 0 when none is ranked."""
    for rank, key in enumerate(ranked, start=1):
        if key in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[MeetingKey], relevant: set[MeetingKey], k: int = 10) -> float:
    """Binary-relevance nDCG over the top k meetings."""
    if not relevant:
        return 1.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, key in enumerate(ranked[:k], start=1) if key in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal


# -- key facts ------------------------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_PER_CENT = re.compile(r"(\d)\s*(?:per ?cent|percent|%)")
_POUNDS_WORD = re.compile(r"(?<![£\d.])(\d+(?:\.\d+)?)\s*(m|million|bn|billion|k)?\s*pounds\b")
_MILLION = re.compile(r"(\d+(?:\.\d+)?)\s*(?:million|mn|m)\b")
_BILLION = re.compile(r"(\d+(?:\.\d+)?)\s*(?:billion|bn)\b")
_THOUSAND = re.compile(r"£(\d+(?:\.\d+)?)\s*k\b")
_TRAILING_ZERO = re.compile(r"(\d+)\.0+(?=[mb%])")
_BIG_POUNDS = re.compile(r"£(\d{7,})(?![\d.])")
_WHOLE_POUNDS = re.compile(r"(£\d+)\.00(?!\d)")


def normalise(text: str) -> str:
    """Lower case, one kind of dash and quote, "£27.8 million" == "£27.8m", "20 per cent" == "20%",
    "£100,000" == "£100000", "£2,000,000" == "£2m", "£5.00" == "£5", "£ 5" == "£5", "7th July" == "7 July", whitespace squashed."""
    text = _DASHES.sub("-", text.translate(_QUOTES)).lower()
    text = re.sub(r"£\s+(?=\d)", "£", text)  # minutes' "£ 937.92" == "£937.92"
    text = _THOUSANDS.sub("", text)
    text = _ORDINAL.sub(r"\1", text)
    text = _PER_CENT.sub(r"\1%", text)
    text = _POUNDS_WORD.sub(lambda m: f"£{m.group(1)}{m.group(2) or ''}", text)
    text = _MILLION.sub(r"\1m", text)
    text = _BILLION.sub(r"\1bn", text)
    text = _THOUSAND.sub(lambda m: f"£{float(m.group(1)) * 1000:g}", text)
    text = _WHOLE_POUNDS.sub(r"\1", text)  # "£5.00" == "£5"
    text = _BIG_POUNDS.sub(lambda m: f"£{int(m.group(1)) / 1e6:g}m", text)
    text = _TRAILING_ZERO.sub(r"\1", text)
    text = re.sub(r"\s*-\s*(?=\d)", "-", text)  # "2024 - 2027" == "2024-2027"
    return " ".join(text.split())


def fact_found(fact: str, text: str) -> bool:
    """Whether a key fact ("£27.8m"; "a|b" for alternatives) is in the text, after normalisation.

    A figure must stand alone ("£3.1m" is not found in "£13.1m", "20%" not in "120%");
    a word may take a plural or verb ending ("anchor network" is found in "anchor networks", "jet wash" in "jet
    washing", "six" not in "sixty")."""
    haystack = normalise(text)
    for alternative in fact.split("|"):
        needle = normalise(alternative)
        if not needle:
            continue
        before = r"(?<![\w.£])" if needle[0].isalnum() or needle[0] == "£" else ""
        if needle[-1].isdigit() or needle[-1] in "m%":
            after = r"(?![\d]|\.\d)"
        elif needle[-1].isalpha():
            after = r"(?:s|es|'s|ing|ed)?(?!\w)"
        else:
            after = ""
        if re.search(before + re.escape(needle) + after, haystack):
            return True
    return False


def key_facts_found(facts: Sequence[str], text: str) -> list[str]:
    """The key facts the text contains."""
    return [fact for fact in facts if fact_found(fact, text)]


# -- citations ------------------------------------------------------------------------------------


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces (the form quotes are checked in)."""
    return " ".join(text.split())


def quote_on_page(quote: str, page_text: str) -> bool:
    """Whether a quote appears verbatim, modulo whitespace, in the page text."""
    quote = squash(quote)
    return bool(quote) and quote in squash(page_text)


PageText = Callable[[str, int], str | None]
"""page_text(source, page) -> the page's text, or None when the file or page does not exist."""


def judge_citations(
    citations: Sequence[Mapping], expected: Sequence[Mapping], page_text: PageText
) -> list[dict]:
    """One verdict per citation: does its meeting belong to the case, and is its quote on its page?"""
    verdicts = []
    for c in citations:
        in_meeting = any(same_meeting(c["committee"], c["meeting_date"], c.get("source", ""), m) for m in expected)
        # A quote that runs over a page break is checked against its pages, joined.
        texts = [page_text(c["source"], page) for page in range(int(c["page"]), max(int(c["page"]), int(c.get("page_end") or 0)) + 1)]
        on_page = None not in texts and quote_on_page(c["quote"], " ".join(texts))
        verdicts.append(
            {
                "key": c.get("key", ""),
                "meeting": f"{c['committee']} {c['meeting_date']} item {c.get('item', '')}",
                "page": f"{c['source']} p. {c['page']}",
                "expected_meeting": in_meeting,
                "quote_on_page": on_page,
                "ok": in_meeting and on_page,
            }
        )
    return verdicts


def citation_precision(verdicts: Sequence[Mapping]) -> float | None:
    """Share of citations that are right on both counts; None when there are no citations."""
    if not verdicts:
        return None
    return sum(1 for v in verdicts if v["ok"]) / len(verdicts)


def citation_recall(citations: Sequence[Mapping], expected: Sequence[Mapping]) -> float:
    """Share of the expected meetings that at least one citation points at."""
    if not expected:
        return 1.0
    found = [m for m in expected if any(same_meeting(c["committee"], c["meeting_date"], c.get("source", ""), m) for c in citations)]
    return len(found) / len(expected)


def meeting_precision(citations: Sequence[Mapping], expected: Sequence[Mapping]) -> float | None:
    """Share of the distinct meetings an answer cites that are expected ones (None when it cites none)."""
    cited = {canonical(c["committee"], c["meeting_date"], c.get("source", ""), expected) for c in citations}
    if not cited:
        return None
    wanted = {canonical(str(m.get("committee", "")), str(m.get("date", "")), str(m.get("source", "")), expected) for m in expected}
    return len(cited & wanted) / len(cited)


# -- refusals and filters -------------------------------------------------------------------------


def refusal_accuracy(outcomes: Iterable[tuple[bool, bool]]) -> float | None:
    """Share of unanswerable cases refused; outcomes are (answerable, answered)."""
    refused = [not answered for answerable, answered in outcomes if not answerable]
    return sum(refused) / len(refused) if refused else None


def false_refusal_rate(outcomes: Iterable[tuple[bool, bool]]) -> float | None:
    """Share of answerable cases refused (or failed closed)."""
    refused = [not answered for answerable, answered in outcomes if answerable]
    return sum(refused) / len(refused) if refused else None


def filter_mismatches(applied: Mapping, expected: Mapping) -> list[str]:
    """What differs between the filters applied (Filters.to_json()) and the gold filters.

    The gold filters are complete for the facets they can name (date_from, date_to, committee,
    council): a facet they leave out must not be filtered either. A council matches by a word of
    its name ("Manchester"); a committee must be the only committee applied."""
    problems = []
    for facet in ("date_from", "date_to"):
        want, got = str(expected.get(facet, "") or ""), str(applied.get(facet, "") or "")
        if want != got:
            problems.append(f"{facet}: expected {want or '(none)'}, applied {got or '(none)'}")
    for facet in ("committee", "council"):
        want = str(expected.get(facet, "") or "").lower()
        got = [str(v) for v in applied.get(facet, []) or []]
        if not want and got:
            problems.append(f"{facet}: expected (none), applied {got}")
        elif want and (not got or any(want not in g.lower() for g in got)):
            problems.append(f"{facet}: expected {expected[facet]}, applied {got or '(none)'}")
    return problems


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


class PdfPages:
    """page_text(source, page) from the PDF itself, read and cleaned by ingest once per file."""

    def __init__(self, root: Path, *, max_pages: int = 600) -> None:
        self.root = Path(root)
        self.max_pages = max_pages
        self._cache: dict[str, list[str] | None] = {}

    def pages(self, source: str) -> list[str] | None:
        """Cleaned page texts of a PDF (None when it cannot be read)."""
        if source not in self._cache:
            from ingest.cleaning import clean_pages
            from ingest.errors import IngestError
            from ingest.pdf import extract_page_texts

            path = Path(source) if Path(source).is_absolute() else self.root / source
            try:
                raw = extract_page_texts(path.read_bytes(), source, max_pages=self.max_pages)
                self._cache[source] = [p.text for p in clean_pages(raw)]
            except (OSError, IngestError):
                self._cache[source] = None
        return self._cache[source]

    def __call__(self, source: str, page: int) -> str | None:
        pages = self.pages(source)
        if pages is None or not 1 <= page <= len(pages):
            return None
        return pages[page - 1]
