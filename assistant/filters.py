"""Filters from the words of a question: council, committee, year, financial year, dates, document type.

Filters fail closed: a council or committee the index does not hold still becomes a filter, so
the answer can say that nothing matched instead of quietly answering about someone else.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ingest.metadata import MONTHS

from .records import Filters
from .text import stem

# Principal councils of Great Britain that a question may name (a place name is enough).
OTHER_PLACES = """Barnsley Doncaster Sheffield Leeds Bradford Wakefield Kirklees Calderdale York Hull Kingston upon Hull
Salford Bolton Bury Oldham Rochdale Stockport Tameside Trafford Wigan Liverpool Knowsley Sefton Wirral St Helens
Birmingham Coventry Dudley Sandwell Solihull Walsall Wolverhampton Newcastle Gateshead Sunderland Durham Middlesbrough
Nottingham Derby Leicester Lincoln Lincolnshire Derbyshire Nottinghamshire Leicestershire Kent Surrey Essex Norfolk Suffolk
Cambridge Cambridgeshire Oxford Oxfordshire Bristol Bath Somerset Devon Cornwall Dorset Wiltshire Hampshire Southampton
Portsmouth Brighton Sussex Camden Hackney Islington Lambeth Southwark Lewisham Greenwich Newham Croydon Barnet Ealing
Lancashire Blackpool Blackburn Cumbria Cheshire Warrington Stoke Staffordshire Shropshire Herefordshire
Worcestershire Gloucestershire Northamptonshire Buckinghamshire Hertfordshire Bedford Luton Milton Keynes Reading
Swindon Plymouth Exeter Cardiff Swansea Newport Monmouthshire Glasgow Edinburgh Aberdeen Dundee Belfast London
Waltham Forest Westminster Tower Hamlets Haringey Enfield Brent Harrow Hillingdon Hounslow Richmond Kingston Merton
Sutton Wandsworth Bromley Bexley Havering Redbridge Barking Northumberland North Tyneside South Tyneside Stockton
Hartlepool Darlington Redcar Calderdale Tintern Chicago Wales Scotland""".split("\n")
_PLACE_NAMES = sorted(
    {p for line in OTHER_PLACES for p in re.findall(r"[A-Z][a-z]+(?: (?:upon|Forest|Hamlets|Tyneside|Helens|Keynes|Hull|Cheshire|Sussex)(?: [A-Z][a-z]+)?)?", line)},
    key=len,
    reverse=True,
)
PLACE = re.compile(r"\b(" + "|".join(map(re.escape, _PLACE_NAMES)) + r")\b")

OURS = re.compile(r"\b(?:we|our|us|ours)\b", re.I)
NOT_INDEXED = " (not in the index)"
"""Marks a council or committee the question names that no paper is of: a filter that matches nothing."""
COMMITTEE_ALIASES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\bosmb\b|overview (?:and|&) scrutiny(?: management board)?|scrutiny (?:management )?board", re.I), "overview and scrutiny"),
    (re.compile(r"\bresources (?:and|&) governance\b", re.I), "resources and governance"),
    (re.compile(r"\bscrutiny\b", re.I), "scrutiny"),
    (re.compile(r"\bcabinet\b", re.I), "cabinet"),
    (re.compile(r"\bfull council\b", re.I), "full council"),
)
UNKNOWN_COMMITTEE = re.compile(r"\b(?:the|at|by|to) ((?:[A-Z][a-z]+ )+)(Committee|Sub-Committee|Panel)\b")
# Words of a committee's name that say what kind of meeting it is, not which ("Policy Committee", "Joint Committee").
MEETING_WORDS = frozenset(
    "the of and a committee committees sub policy panel board joint meeting meetings council parish town city county "
    "annual special extraordinary full cabinet scrutiny".split()
)
# A body named in a question: what follows the words that say which committee ("the Transport and Connectivity committee").
BODY_AFTER = re.compile(r"^(?:[’'`]s)?\s*(?:(?:policy|joint|select|scrutiny|sub|advisory)[- ]?)*(?:committee|board|panel|cabinet|commission|meeting)s?\b", re.I)

_MONTH_NAME = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
_MONTH = r"(" + _MONTH_NAME + r")"
FINANCIAL_YEAR = re.compile(r"\b((?:19|20)\d\d)\s*[/-]\s*(\d\d)\b(?![-/]\d)")
FULL_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"\s+((?:19|20)\d\d)\b", re.I)
MONTH_YEAR = re.compile(r"\b" + _MONTH + r"\s+((?:19|20)\d\d)\b", re.I)
# "between 2022 and 2025", "2024 and 2025", "from the 2023 annual report through to 2025", "between the
# 2023 annual report and the 2025 one".
YEAR_RANGE = re.compile(
    r"\b(?:(?:between|from)\s+(?:the\s+)?((?:19|20)\d\d)(?:\s+[a-z]+){0,3}?\s+(?:and|to|until|till|through(?:\s+to)?)|"
    r"((?:19|20)\d\d),?\s+(?:and|&|to|through(?:\s+to)?|until|till))\s+(?:the\s+)?((?:19|20)\d\d)\b",
    re.I,
)
# "from April 2023", "with effect from 1 April 2023": when something takes effect, not when a meeting was.
EFFECTIVE_DATE = re.compile(
    r"\b(?:from|with effect from|starting|effective|until|till|"
    r"(?:kicks?|kicked|comes?|came|takes?|took|goes|went)\s+(?:in|into effect|effect|live)\s+(?:on|from|in))\s+(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?$",
    re.I,
)
# "The policy refreshed to run to 2027": the end of what the question is about, not a meeting year.
PERIOD_END = re.compile(r"\b(?:runs?|running|ran|lasts?|lasting|covers?|covering)\s+(?:to|until|till|through)\s+(?:the\s+end\s+of\s+)?$", re.I)
# "The Procurement Act 2023", "the Public Contracts Regulations 2015": the year is part of a name.
NAMED_YEAR = re.compile(r"\b(?:Act|Regulations|Bill|Order|Directive)\s+$")
# "the 2024/25 annual report": a report on a year comes during it or in the months after it.
REPORT_ON_YEAR = re.compile(r"\s+(?:social value\s+)?(?:annual\s+)?(?:report|accounts|outturn|statement)\b", re.I)
REPORT_LAG_MONTHS = 6
# "When were the minutes of the Cabinet meeting of 9 June 2025 approved?"
MINUTES_OF = re.compile(r"\bminutes of (?:the )?(?:[\w ]{0,40} )?meeting (?:held )?(?:on |of )?$", re.I)
APPROVAL = re.compile(r"\b(?:approved?|signed|confirmed|agreed)\b", re.I)
# "since 2022", "since the 2019 policy" (but "from the 2022 report" names a report, not a start).
SINCE_YEAR = re.compile(r"\b(?:(?:since|after)\s+(?:the\s+)?|from\s+)((?:19|20)\d\d)\b", re.I)
BEFORE_YEAR = re.compile(r"\b(?:before|until|up to|prior to)\s+((?:19|20)\d\d)\b", re.I)
YEAR = re.compile(r"(?<![\d/-])((?:19|20)\d\d)(?![\d/]|-\d)")
# "The 2026 surveys", "the January 2026 newsletter": a date naming a thing, not a period the question asks about;
# "to the 2026 surveys" ends a span there, "since the 2019 application" starts one.
ATTRIBUTIVE_YEAR = re.compile(
    r"\b(?:(to|until|till|before)\s+|(from|since|after)\s+)?(?:the|a|an|its|their|our|this|that)\s+((?:" + _MONTH_NAME + r"\s+)?(?:19|20)\d\d)\s+"
    r"(?!(?:and|or|to|until)\b)([a-z]+)",
    re.I,
)
# "The 2024-2027 policy": a period of several years, named by its first.
PERIOD = re.compile(r"(?<![\d/-])((?:19|20)\d\d)\s*[-–]\s*(?:19|20)?\d\d\b(?![/-])")
# "The council tax increase recommended for 2024/25", "the fee rates for 2025/26": a year's budget, fees
# and rates are set in the months before it starts.
SET_FOR_YEAR = re.compile(r"\b(?:budget|council tax|precept|fees?|charges?|rates?|increase|rise|uplift)\b[\w ,'’-]{0,60}?\bfor\s+(?:the\s+)?(?:financial\s+year\s+)?$", re.I)
SETTING_MONTHS = 6
# "by the end of 2024/25", "the outturn for 2024/25": what the year came to is reported after it.
YEAR_END = re.compile(r"\b(?:(?:the\s+)?end|close|outturn)\s+(?:of|for)\s+(?:the\s+)?(?:financial\s+year\s+)?$", re.I)
NAMING = "naming"
"""Filter label of a date that names a thing ("the 2026 surveys", "the January 2026 newsletter"), set aside."""
FINANCIAL_YEAR_FACET = "financial_year"
DATE_FACETS = ("year", "month", "date", FINANCIAL_YEAR_FACET, "years", "since", "before", "after", "recent")
"""Labels of the date filters (one question sets at most one)."""
DOC_TYPE_WORDS = (
    (re.compile(r"\b(?:in|from) the minutes\b|\bminuted\b|\bthe minutes (?:say|record|show)", re.I), "minutes"),
    (re.compile(r"\b(?:in|on) the agenda\b", re.I), "agenda"),
    (re.compile(r"\b(?:in|from) the appendix\b", re.I), "appendix"),
)
RELATIVE_YEAR = (
    (re.compile(r"\b(?:a|one) year later\b|\bthe (?:next|following) (?:year|annual report)\b|\bthe year after\b|\bnext year'?s?\b", re.I), 1),
    (re.compile(r"\b(?:a|one) year (?:earlier|before)\b|\bthe (?:previous|preceding|last) (?:year|annual report)\b|\bthe year before\b|\blast year'?s?\b", re.I), -1),
    (re.compile(r"\btwo years later\b", re.I), 2),
    (re.compile(r"\btwo years (?:earlier|before)\b", re.I), -2),
)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What the index holds, to resolve names against."""

    councils: tuple[str, ...]
    committees: tuple[str, ...]
    vocabulary: frozenset[str] = frozenset()
    """Stemmed words of the indexed text: a place the papers mention is a topic, not a council."""
    home: str = ""
    """The council most of the papers are from: "we" and "our" in a question mean it."""


# Words of a council's name that say what kind of body it is, not which: "the council" is every council.
BODY_WORDS = frozenset(
    "the of and a city county borough district parish town community metropolitan royal council councils combined "
    "authority mayoral west east north south greater".split()
)


@lru_cache(maxsize=65536)
def council_word(council: str) -> str:
    """The word of a council's name a question calls it by ("Rotherham" of "Rotherham Metropolitan Borough Council"), or "".

    A name with no such word ("The Council", a fragment a paper put where a name should be) can only be named in full.
    """
    return next((w for w in re.findall(r"[A-Za-z][\w'’-]*", council) if w.lower() not in BODY_WORDS and len(w) > 2), "")


def _council_filter(question: str, catalogue: Catalogue) -> tuple[tuple[str, ...], str]:
    lowered = question.lower()
    named = [
        council
        for council in catalogue.councils
        # A name with no word of its own ("The", a fragment a paper put in its place) names no council.
        # The substring test first: a pattern compiled per council and question cost 115 ms a question
        # at 1,667 councils (the 1M-chunk bench), and a name that is not in the question cannot match.
        if (word := council_word(council)) and (word.lower() in lowered or council.lower() in lowered) and re.search(rf"\b(?:{re.escape(council.lower())}|{re.escape(word.lower())})\b", lowered)
    ]
    if named:  # "How does Manchester's weighting compare with Rotherham's?" asks about both
        return tuple(named), " and ".join(council_word(c) or c for c in named)
    if catalogue.home and OURS.search(question) and not PLACE.search(question):
        # "What did we commit to?": a councillor means their own council, the one the index is about.
        return (catalogue.home,), council_word(catalogue.home) or catalogue.home
    for match in PLACE.finditer(question):
        place = match.group(1)
        after = question[match.end() :]
        before = question[: match.start()]
        named_as_council = bool(
            re.match(r"(?:'s|’s)|\s+(?:City |County |Borough |Metropolitan |District )*Council\b", after)
            or (re.search(r"\b(?:in|at|does|did|has|for)\s+$", before) and not re.match(r"\s+City Region", after))
        )
        if named_as_council or stem(place.lower()) not in catalogue.vocabulary:
            # Not in the index: a filter that matches nothing, so the answer says so.
            return (f"{place}{NOT_INDEXED}",), place
    return (), ""


def committee_words(committee: str) -> list[str]:
    """The words of a committee's name that say which it is ("Transport", "Connectivity"); none for "Parish Council"."""
    return [w for w in re.findall(r"[A-Za-z][\w’'-]*", committee) if w.lower() not in MEETING_WORDS]


def _catalogue_committee(question: str, catalogue: Catalogue) -> tuple[tuple[str, ...], str]:
    """A committee of the index named in the question by its own words, then a word for a body.

    "the Transport and Connectivity Policy Committee's decisions", "what did the Transport & Connectivity
    committee agree": the distinctive words of the name in order (joined as the name joins them, or by
    "and" or "&"), followed by "committee", "board" or the like. A name with no words of its own
    ("Parish Council") is the council, not a filter.
    """
    for committee in sorted(catalogue.committees, key=len, reverse=True):
        words = committee_words(committee)
        if not words:
            # "the Annual Parish Meeting" is named in full; "the parish council" is the council itself.
            at = question.lower().find(committee.lower())
            if at >= 0 and not committee.lower().endswith("council"):
                return (committee,), question[at : at + len(committee)]
            continue
        phrase = r"\b" + r"(?:\s+(?:and|&|of|the)\s+|\s+)".join(map(re.escape, words)) + r"\b"
        for match in re.finditer(phrase, question, re.I):
            if BODY_AFTER.match(question[match.end() :].lstrip(" ")) or committee.lower() in question.lower():
                return (committee,), match.group(0)
    return (), ""


def _committee_filter(question: str, catalogue: Catalogue) -> tuple[tuple[str, ...], str]:
    found = _catalogue_committee(question, catalogue)
    if found[0]:
        return found
    for pattern, key in COMMITTEE_ALIASES:
        match = pattern.search(question)
        if match:
            found = tuple(c for c in catalogue.committees if key in c.lower())
            return found or (f"{match.group(0)}{NOT_INDEXED}",), match.group(0)
    match = UNKNOWN_COMMITTEE.search(question)
    if match:
        name = f"{match.group(1)}{match.group(2)}"
        known = tuple(c for c in catalogue.committees if c.lower() == name.lower())
        return known or (f"{name}{NOT_INDEXED}",), name
    return (), ""


def _meeting_date(pattern: re.Pattern, question: str) -> re.Match | None:
    """The first match of a date pattern that names when a meeting was, not when something took effect."""
    for match in pattern.finditer(question):
        if not EFFECTIVE_DATE.search(question[: match.start()]):
            return match
    return None


def _date_filter(question: str) -> tuple[str, str, tuple[str, str] | None]:
    """(date_from, date_to, (facet, what was said)) for the first date expression found."""
    if (match := YEAR_RANGE.search(question)) and not NAMED_YEAR.search(question[: match.start()]):
        a, b = sorted((int(match.group(1) or match.group(2)), int(match.group(3))))
        return f"{a}-01-01", f"{b}-12-31", ("years", match.group(0))
    if match := FINANCIAL_YEAR.search(question):
        start = int(match.group(1))
        if (start + 1) % 100 == int(match.group(2)):
            reports = bool(REPORT_ON_YEAR.match(question[match.end() :]) or YEAR_END.search(question[: match.start()]))
            opens = f"{start - 1}-{4 + 12 - SETTING_MONTHS:02d}-01" if SET_FOR_YEAR.search(question[: match.start()]) else f"{start}-04-01"
            return opens, _year_end(start, reports), (FINANCIAL_YEAR_FACET, f"{start}/{match.group(2)}")
    if match := _meeting_date(FULL_DATE, question):
        month = MONTHS[match.group(2).lower()]
        iso = f"{match.group(3)}-{month:02d}-{int(match.group(1)):02d}"
        if MINUTES_OF.search(question[: match.start()]) and APPROVAL.search(question):
            # A meeting's minutes are approved at a later meeting: read the meetings after it.
            return _day_after(iso), "", ("after", match.group(0))
        return iso, iso, ("date", match.group(0))
    if match := _meeting_date(MONTH_YEAR, question):
        year, month = int(match.group(2)), MONTHS[match.group(1).lower()]
        last = calendar.monthrange(year, month)[1]
        return f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last}", ("month", match.group(0))
    if match := SINCE_YEAR.search(question):
        return f"{match.group(1)}-01-01", "", ("since", match.group(0))
    if match := BEFORE_YEAR.search(question):
        return "", f"{int(match.group(1)) - 1}-12-31", ("before", match.group(0))
    years = [m for m in YEAR.finditer(question) if not (PERIOD_END.search(question[: m.start()]) or NAMED_YEAR.search(question[: m.start()]))]
    if years:
        # "What did the 2024-2027 policy keep from the original 2019 one?": the papers of both years and between.
        named = {int(m.group(1)) for m in years} | {int(m.group(1)) for m in PERIOD.finditer(question)}
        if len(named) > 1:
            first, last = min(named), max(named)
            return f"{first}-01-01", f"{last}-12-31", ("years", f"{first} to {last}")
        return f"{years[0].group(1)}-01-01", f"{years[0].group(1)}-12-31", ("year", years[0].group(1))
    return "", "", None


def parse_filters(question: str, catalogue: Catalogue) -> Filters:
    """The filters a question asks for, in the index's own names."""
    labels: list[tuple[str, str]] = []
    councils, said = _council_filter(question, catalogue)
    if councils:
        labels.append(("council", said))
    committees, said = _committee_filter(question, catalogue)
    if committees:
        labels.append(("committee", said))
    date_from, date_to, date_label = _date_filter(question)
    if date_label:
        labels.append(date_label)
    doc_types = tuple(kind for pattern, kind in DOC_TYPE_WORDS if pattern.search(question))
    if doc_types:
        labels.append(("doc_type", doc_types[0]))
    return Filters(
        councils=councils,
        committees=committees,
        date_from=date_from,
        date_to=date_to,
        doc_types=doc_types,
        labels=tuple(labels),
    )


def explicit_filters(
    *,
    councils: tuple[str, ...] = (),
    committees: tuple[str, ...] = (),
    year_from: int | None = None,
    year_to: int | None = None,
    date_from: str = "",
    date_to: str = "",
    doc_types: tuple[str, ...] = (),
) -> Filters | None:
    """Filters chosen with CLI options or app controls (None when nothing is chosen).

    Years widen to whole calendar years; an explicit date wins over a year on the same side.
    """
    labels: list[tuple[str, str]] = [("council", c) for c in councils] + [("committee", c) for c in committees]
    if year_from or year_to:
        low, high = sorted((year_from or year_to, year_to or year_from))
        labels.append(("year", str(low) if low == high else f"{low}-{high}"))
        date_from = date_from or f"{low}-01-01"
        date_to = date_to or f"{high}-12-31"
    else:
        labels += [(facet, value) for facet, value in (("from", date_from), ("to", date_to)) if value]
    labels += [("doc_type", d) for d in doc_types]
    filters = Filters(
        councils=tuple(councils), committees=tuple(committees), date_from=date_from, date_to=date_to,
        doc_types=tuple(doc_types), labels=tuple(labels),
    )
    return None if filters.empty else filters


def relative_shift(question: str) -> int:
    """+1 for "a year later", -1 for "the year before", 0 when the question names no shift."""
    for pattern, shift in RELATIVE_YEAR:
        if pattern.search(question):
            return shift
    return 0


# "Did the council follow through afterwards?": the meetings after the ones just asked about.
AFTERWARDS = re.compile(
    r"\b(?:afterwards?|since then|after that|from then on|subsequently)\b|\bthe (?:next|following|later) (?:report|meeting|update)s?\b", re.I
)


def after_dates(filters: Filters) -> Filters:
    """The filter moved to the papers after its dates ("afterwards"), with no end; unchanged without an end date."""
    if not filters.date_to:
        return filters
    labels = tuple(l for l in filters.labels if l[0] not in DATE_FACETS)
    said = next((s for f, s in filters.labels if f in DATE_FACETS), filters.date_to)
    return replace(filters, date_from=_day_after(filters.date_to), date_to="", labels=labels + (("after", said),))


def _day_after(iso: str) -> str:
    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()


def financial_year(filters: Filters) -> int | None:
    """The first calendar year of the financial year a filter asks about ("2017/18" -> 2017), else None."""
    said = next((s for f, s in filters.labels if f == FINANCIAL_YEAR_FACET), "")
    return int(said[:4]) if said and filters.date_from else None


def _financial_year(filters: Filters, start: int, reports: bool) -> Filters:
    """The filter moved to the financial year starting in April of `start`; with `reports`, its reports too."""
    labels = tuple(l for l in filters.labels if l[0] not in DATE_FACETS) + ((FINANCIAL_YEAR_FACET, f"{start}/{(start + 1) % 100:02d}"),)
    return replace(filters, date_from=f"{start}-04-01", date_to=_year_end(start, reports), labels=labels)


def _year_end(start: int, reports: bool) -> str:
    """The last day of the financial year starting in April of `start`, or with `reports` of the six months after it."""
    month = 3 + (REPORT_LAG_MONTHS if reports else 0)
    return f"{start + 1}-{month:02d}-{calendar.monthrange(start + 1, month)[1]:02d}"


def report_window(filters: Filters) -> Filters | None:
    """A financial year's filter widened to the reports on it (the six months after it), or None if it is no financial year.

    "The 2024/25 social value total" is reported to Cabinet in June 2025: when no meeting fell within
    the year itself, the papers that report on it are the ones to read.
    """
    start = financial_year(filters)
    return None if start is None else _financial_year(filters, start, True)


def mentions_financial_year(text: str, start: int) -> bool:
    """Whether text names the financial year starting in `start` ("2017/18", "2017-18", "2017/2018")."""
    return bool(re.search(rf"\b{start}\s*[/-]\s*(?:{start + 1}|{(start + 1) % 100:02d})\b", text))


def _date_said(question: str, filters: Filters) -> tuple[str, str, int]:
    """(facet, words) of the filter's date as the question says it, and where it says them (-1: nowhere)."""
    facet, said = next(((f, s) for f, s in filters.labels if f in DATE_FACETS), ("", ""))
    return facet, said, question.find(said) if said else -1


def shift_years(filters: Filters, years: int) -> Filters:
    """The whole calendar year(s) `years` after the filter's dates (annual papers move month to month).

    A financial year moves to the financial year `years` on ("2017/18" and "the year after" is 2018/19).
    """
    if not (filters.date_from or filters.date_to):
        return filters
    if (start_year := financial_year(filters)) is not None:
        return _financial_year(filters, start_year + years, filters.date_to[5:] != "03-31")
    start = int((filters.date_from or filters.date_to)[:4]) + years
    end = int((filters.date_to or filters.date_from)[:4]) + years
    labels = tuple(l for l in filters.labels if l[0] not in DATE_FACETS)
    return replace(filters, date_from=f"{start}-01-01", date_to=f"{end}-12-31", labels=labels + (("year", str(start) if start == end else f"{start}-{end}"),))


def span(a: Filters, b: Filters) -> Filters:
    """a's filters over the dates of both a and b ("is that up on the year before?" reads both years)."""
    if not (a.date_from and a.date_to and b.date_from and b.date_to):
        return b
    start, end = min(a.date_from, b.date_from), max(a.date_to, b.date_to)
    labels = tuple(l for l in a.labels if l[0] not in DATE_FACETS) + (("years", f"{start[:4]}-{end[:4]}"),)
    return replace(a, date_from=start, date_to=end, labels=labels)


def merge(base: Filters, override: Filters) -> Filters:
    """Filters of a follow-up: what the new question says wins, the rest carries over."""
    has_date = bool(override.date_from or override.date_to)
    facets = {l[0] for l in override.labels}
    return Filters(
        councils=override.councils or base.councils,
        committees=override.committees or base.committees,
        date_from=override.date_from if has_date else base.date_from,
        date_to=override.date_to if has_date else base.date_to,
        doc_types=override.doc_types or base.doc_types,
        labels=tuple(l for l in base.labels if l[0] not in facets and not (has_date and l[0] in DATE_FACETS)) + override.labels,
    )


# "the commitments agreed in February 2021": a date that says when something described was done,
# not (like "what was agreed in ...") which meetings to read. Later papers report back on it.
CONTENT_DATE = re.compile(
    r"\b(?!(?:was|were|been|be|being|is|are|has|have|had|did)\b)[a-z]+\s+"
    r"(?:agreed|approved|adopted|made|set|published|secured|promised|pledged|announced|introduced)\s+(?:in|on|at)\s+(?:the\s+)?$",
    re.I,
)


# "The award the council won in June 2023", "pay went up in 2023": the date of something that happened
# outside a meeting.
# Papers report it afterwards, so the date bounds the papers to read from below only.
EVENT_DATE = re.compile(
    r"\b(?:won|win|picked up|pick up|received|receive|launched|launch|held|hosted|opened|gained|awarded|accredited|"
    r"became|become|started|start|began|begin|got|get|gained|gain|earned|earn|saw|see|"
    r"(?:go|goes|went|gone) up|rose|rise|risen|increased|fell|dropped|doubled)\b(?:\s+[\w'’-]+){0,8}?\s+(?:in|on|during|over|at)\s+(?:the\s+)?"
    r"(?:(?:spring|summer|autumn|winter|early|late|middle|mid|end|start|beginning)\s+(?:of\s+)?)?$",
    re.I,
)
# Words that make the date a meeting's after all: "... reported to Cabinet in March 2024".
MEETING_CUE = re.compile(r"\b(?:meeting|cabinet|board|committee|scrutiny|osmb|report(?:ed)?|minutes|papers?|told|heard)\b", re.I)


def event_dates(question: str, filters: Filters) -> Filters | None:
    """The filters reading from the question's date on when that date is an event's ("won in June 2023"); else None."""
    facet, said, at = _date_said(question, filters)
    if at < 0 or not filters.date_from or facet in ("since", "after", "before"):
        return None
    match = EVENT_DATE.search(question[:at])
    if not match or MEETING_CUE.search(match.group()):
        return None
    labels = tuple(l for l in filters.labels if l[0] not in DATE_FACETS) + (("since", said),)
    return replace(filters, date_to="", labels=labels)


# "The external debt at the end of November 2024", "reserves as at 31 March 2025", "receipts for the year ended
# 31 March 2017": the date of a figure,
# not of a meeting ("the first annual report in February 2021" names when a meeting was).
SUBJECT_DATE = re.compile(
    r"\b(?:as\s+(?:at|of)|(?:at|by)\s+the\s+(?:end|close|start)\s+of|(?:at\s+)?(?:the\s+)?(?:end|close)\s+of|(?:year|period|month)\s+end(?:ed|ing))\s+(?:the\s+)?$", re.I
)


def subject_date(question: str, filters: Filters) -> bool:
    """Whether the question's date is the date of what it asks about ("debt at the end of November 2024")."""
    _, said, at = _date_said(question, filters)
    return at >= 0 and bool(SUBJECT_DATE.search(question[:at]))


def content_dates(question: str, filters: Filters) -> Filters | None:
    """The filters without their dates when the question's date describes its subject; else None."""
    _, _, at = _date_said(question, filters)
    if at < 0 or not CONTENT_DATE.search(question[:at]):
        return None
    return replace(filters, date_from="", date_to="", labels=tuple(l for l in filters.labels if l[0] not in DATE_FACETS))


# "Across the last three annual reports", "over the past two years": the most recent papers.
LAST_N = re.compile(r"\b(?:the\s+)?(?:last|past|previous|latest)\s+(two|three|four|five|[2-9])\s+(?:annual\s+reports|reports|years|meetings)\b", re.I)
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}


def recent(question: str, filters: Filters, latest: str) -> Filters | None:
    """The filter reading the last N years of papers up to `latest` (ISO) when the question asks for them, else None."""
    match = LAST_N.search(question)
    if not match or not latest or filters.date_from or filters.date_to:
        return None
    years = NUMBER_WORDS.get(match.group(1).lower()) or int(match.group(1))
    end = date.fromisoformat(latest)
    start = end.replace(year=end.year - years, day=min(end.day, 28) if (end.month, end.day) == (2, 29) else end.day)
    return replace(filters, date_from=_day_after(start.isoformat()), labels=filters.labels + (("recent", match.group(0).strip()),))


def trace_span(question: str, filters: Filters) -> Filters:
    """A trace's filters: a date that only names a thing ("the 2019 application", "the January 2026 newsletter")
    does not bound the years a matter is followed over, and one that ends or starts a span ("to the 2026
    surveys") bounds that side; a period ("in 2019", "since 2024", "between 2016 and 2019") stands.

    Only in a trace: elsewhere "the 2022 priorities" are the priorities set at the 2022 meetings (measured: on
    every other answer the filter does better kept)."""
    facet, said = _year_or_month(filters)
    named = next((m for m in ATTRIBUTIVE_YEAR.finditer(question) if m.group(3).lower() == said.lower()), None)
    if not said or named is None:
        return filters
    return _as_naming(filters, facet, date_from=filters.date_from if named.group(2) else "", date_to=filters.date_to if named.group(1) else "")


# "A note for the January 2026 newsletter", "a paragraph for our 2026 report": the date of what is being written.
OUTPUT_DATE = re.compile(r"\bfor\s+(?:the|a|an|our|its|their|this|next)\s+((?:" + _MONTH_NAME + r"\s+)?(?:19|20)\d\d)\s+[a-z]+", re.I)


def draft_span(question: str, filters: Filters) -> Filters:
    """A draft's filters: a date naming what is being written ("a note for the January 2026 newsletter") says when
    it will be read, not which meetings it draws on, and is set aside; a date of its subject ("a paragraph on the
    2022 priorities") stands."""
    facet, said = _year_or_month(filters)
    if not said or not any(m.group(1).lower() == said.lower() for m in OUTPUT_DATE.finditer(question)):
        return filters
    return _as_naming(filters, facet, date_from="", date_to="")


def _year_or_month(filters: Filters) -> tuple[str, str]:
    """The year or month filter a question set, as (facet, the words said), or ("", "")."""
    return next(((f, s) for f, s in filters.labels if f in ("year", "month")), ("", ""))


def _as_naming(filters: Filters, facet: str, *, date_from: str, date_to: str) -> Filters:
    """The filters with a date filter read as naming a thing: its label becomes NAMING, its bounds those given."""
    said = next(s for f, s in filters.labels if f == facet)
    kept = tuple(label for label in filters.labels if label[0] != facet)
    return replace(filters, date_from=date_from, date_to=date_to, labels=kept + ((NAMING, said),))


def describe(filters: Filters) -> str:
    """Human words for what a filter asked: "committee OSMB and year 2017"."""
    names = {FINANCIAL_YEAR_FACET: "financial year", "doc_type": "document type", "recent": ""}
    parts = [f"{names.get(facet, facet)} {said}".strip() for facet, said in filters.labels]
    return " and ".join(parts) or "these filters"


FOLLOW_UP_OPENING = re.compile(r"^\s*(?:and|what about|how about|and what about|same for|then|also)\b[\s,]*", re.I)


def strip_dates(question: str) -> str:
    """The question without its date words, relative years included (for carrying a topic into a follow-up)."""
    for pattern in (YEAR_RANGE, FINANCIAL_YEAR, FULL_DATE, MONTH_YEAR, SINCE_YEAR, BEFORE_YEAR, YEAR, *(p for p, _ in RELATIVE_YEAR)):
        question = pattern.sub(" ", question)
    question = FOLLOW_UP_OPENING.sub("", question)
    question = re.sub(r"\b(?:in|during|of|on)\s+(?=[?.!]|$)", "", " ".join(question.split()))
    return " ".join(question.split()).replace(" ?", "?")
