"""Meeting, document type and agenda items from the text of committee papers.

Pure functions over cleaned pages. Our corpus uses "Label: value" cover blocks; real papers
from other bodies are read with looser fallbacks (a date and a council name on the first page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .records import Item, Meeting, Page

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
# "Monday 28 March 2022", "Thursday, 30th January, 2025", "28 Mar 2022"
DAY_MONTH_YEAR = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
# "January 29, 2018"
MONTH_DAY_YEAR = re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
# Digits, not word boundaries: file names put dates between underscores ("kent_cabinet_2025-01-30_...").
ISO_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?!\d)")
# A meeting is announced with its weekday ("THURSDAY, 13 FEBRUARY 2025"); a letter's own date is not.
WEEKDAY_DATE = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?:the\s+)?(?=\d{1,2}(?:st|nd|rd|th)?\s|[a-z]+\.?\s+\d)", re.I)
# "Kent County Council" inside a longer line ("Subject: Kent County Council Integrated Care Strategy").
COUNCIL_NAME = re.compile(
    r"\b((?:[A-Z][a-z]+ ){1,3}(?:Metropolitan Borough|County Borough|County|City|Borough|District|Parish|Town|Community) Council)\b"
)

LABEL = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z ()]{1,40}?)\s*:\s*(?P<value>.+?)\s*$")
COUNCIL_LINE = re.compile(r"^[A-Z][A-Za-z&'.#\d -]{2,80}\b(Council|Authority|Commission)\b[A-Za-z #\d]*$", re.I)
COMMITTEE_WORDS = re.compile(
    r"\b(cabinet|committee|board|commission|panel|forum|executive|council|sub-committee|assembly)\b", re.I
)
# "126.  SOCIAL VALUE ANNUAL REPORT": a number, a full stop and an ALL-CAPS title on its own line.
ITEM_HEADING = re.compile(r"^\s*(?P<number>\d{1,3}[A-Z]?)\.\s+(?P<title>[^a-z]{3,160})$")
TITLE_HAS_WORD = re.compile(r"[A-Z]{2,}")
# Other bodies number agenda items in sentence case: "805.  Apologies for absence".
LOOSE_ITEM_HEADING = re.compile(
    r"^\s*(?P<number>\d{1,3}(?=\.)|\d{1,3}(?:[./]\d{1,3}){1,2}(?=[.\s]))\.?\s+(?P<title>[A-Z][^.]{2,118}?)\s*$"
)
"""Also a parish's minute numbers: "16.03.2  Register of Interests", "45/14 Highways" (year, month, item)."""
SHORT_HEADING = 60
"""A line numbered like a paragraph ("1.1 The Council was") is a heading only when this short: prose wraps longer,
unless its number is the next of the heading before ("21.01.05" after "21.01.04"): a paragraph's is not."""

SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from"}
ACRONYMS = {"osmb", "uk", "sme", "smes", "toms", "lwf", "mca", "cles", "hra", "nhs", "ics", "it", "ii", "iii", "iv"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Cover:
    """What the first page of a paper says about itself."""

    meeting: Meeting
    doc_type: str
    title: str
    item: str
    title_from: str = ""
    """Where the title came from: "label" (a "Title:" line), "appendix", "doc_type" or "first line"."""


def parse_date(text: str) -> str:
    """The first date in text as ISO, or ""."""
    found: list[tuple[int, str]] = []
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR, ISO_DATE):
        match = pattern.search(text)
        if not match:
            continue
        month = match["month"]
        month_number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
        try:
            value = date(int(match["year"]), month_number, int(match["day"]))
        except ValueError:
            continue
        found.append((match.start(), value.isoformat()))
    return min(found)[1] if found else ""


def meeting_date_in(text: str) -> str:
    """The date a meeting is announced with (after a weekday), else the first date in text."""
    for match in WEEKDAY_DATE.finditer(text):
        found = parse_date(text[match.end() : match.end() + 40])
        if found:
            return found
    return parse_date(text)


def display_title(title: str) -> str:
    """ALL-CAPS headings in title case ("SOCIAL VALUE – MID YEAR REPORT" -> "Social Value – Mid Year Report")."""
    title = " ".join(title.split()).strip(" .:-")
    if any(c.islower() for c in title):
        return title
    words = []
    for index, word in enumerate(title.split(" ")):
        lower = word.lower()
        if lower.strip("(),") in ACRONYMS:
            words.append(word)
        elif index and lower in SMALL_WORDS:
            words.append(lower)
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def _labels(lines: list[str]) -> dict[str, str]:
    """"Label: value" lines of a cover block, keyed by lower-case label."""
    labels: dict[str, str] = {}
    for line in lines:
        match = LABEL.match(line)
        if match:
            labels.setdefault(match["label"].strip().lower(), match["value"].strip())
    return labels


def _council(lines: list[str]) -> str:
    for line in lines[:12]:
        clean = " ".join(line.split())
        if COUNCIL_LINE.match(clean) and len(clean.split()) <= 8:
            return display_title(clean) if clean.isupper() else clean
    for line in lines[:30]:
        match = COUNCIL_NAME.search(" ".join(line.split()))
        if match:
            return match.group(1)
    return ""


def _doc_type(lines: list[str], filename: str) -> str:
    head = [line.strip().lower() for line in lines[:8]]
    name = filename.lower()
    if any(line.startswith("appendix") for line in head[:3]) or "appendix" in name:
        return "appendix"
    if any(line.startswith("minutes") or "meeting minutes" in line for line in head):
        return "minutes"
    if any(line in ("public report", "report") or line.startswith("report of") for line in head):
        return "report"
    if any(line == "agenda" or line.startswith("agenda ") for line in head):
        return "agenda"
    for word in ("minutes", "agenda", "report"):
        if word in name:
            return word
    return "other"


def _committee(lines: list[str], labels: dict[str, str], doc_type: str) -> str:
    if "committee" in labels:
        return labels["committee"]
    to = labels.get("to", "")
    if to:  # "To: Cabinet, 30 January 2025"
        return to.split(",")[0].strip()
    head = [" ".join(line.split()) for line in lines[:10]]
    # Minutes and agendas in our house style: "Minutes" / "Agenda" then the committee on its own line.
    for index, line in enumerate(head[:-1]):
        if line.lower() in ("minutes", "agenda") and COMMITTEE_WORDS.search(head[index + 1]):
            return display_title(head[index + 1])
    for line in head[1:]:
        if COMMITTEE_WORDS.search(line) and len(line.split()) <= 7 and not parse_date(line) and not COUNCIL_LINE.match(line):
            return display_title(line)
    # "COUNTY COUNCIL - THURSDAY, 13 FEBRUARY 2025": the body before the meeting date.
    for line in [" ".join(l.split()) for l in lines[:30]]:
        name, dash, rest = line.partition(" - ")
        if dash and WEEKDAY_DATE.match(rest) and COMMITTEE_WORDS.search(name) and len(name.split()) <= 7:
            return display_title(name)
    return ""


def parse_cover(first_page: str, filename: str = "") -> Cover:
    """Meeting, document type, title and item number from a paper's first page."""
    lines = [line for line in first_page.split("\n") if line.strip()]
    labels = _labels(lines[:30])
    doc_type = _doc_type(lines, filename)
    meeting_date = parse_date(labels.get("meeting date", "")) or meeting_date_in("\n".join(lines[:25])) or parse_date(filename)
    title = labels.get("report title") or labels.get("title") or labels.get("subject") or ""
    title_from = "label" if title else ""
    if not title and doc_type == "appendix":
        title = next((line.strip() for line in lines[:3] if line.strip().lower().startswith("appendix")), "")
        title_from = "appendix" if title else ""
    if not title:
        title = {"minutes": "Minutes of the meeting", "agenda": "Agenda"}.get(doc_type, "")
        title_from = "doc_type" if title else "first line"
        title = title or next((line.strip() for line in lines[:3] if not LABEL.match(line)), filename)
    return Cover(
        meeting=Meeting(
            council=_council(lines),
            committee=_committee(lines, labels, doc_type),
            meeting_date=meeting_date,
        ),
        doc_type=doc_type,
        title=display_title(title)[:200],
        item=(labels.get("agenda item") or labels.get("item") or "").strip().rstrip("."),
        title_from=title_from,
    )


def _is_cover_page(text: str) -> bool:
    """A page that opens a new report inside an agenda pack (our cover block)."""
    labels = _labels([line for line in text.split("\n")[:20] if line.strip()])
    return "agenda item" in labels and ("report title" in labels or "title" in labels)


def _item_order(number: str) -> tuple[int, ...]:
    """Where an item number falls in a paper's order: "16.03.5" after "16.03.2", "126" after "125"."""
    return tuple(int(part) for part in re.findall(r"\d+", number))


def _next(last: tuple[int, ...], number: tuple[int, ...]) -> bool:
    """Whether a minute number is the one after the last heading's: "21.01.05" after "21.01.04"."""
    return len(number) == len(last) > 1 and number[:-1] == last[:-1] and number[-1] == last[-1] + 1


def _split_headings(pages: list[Page], doc_type: str, front_title: str) -> list[Item]:
    """Split minutes or an agenda front sheet into items at "N.  TITLE" headings.

    ALL-CAPS headings are preferred; papers with none are split at sentence-case numbered lines.
    """
    strict = any(
        (m := ITEM_HEADING.match(line)) and TITLE_HAS_WORD.search(m["title"])
        for page in pages
        for line in page.text.split("\n")
    )
    heading = ITEM_HEADING if strict else LOOSE_ITEM_HEADING
    items: list[Item] = []
    number, title, segments = "", front_title, []
    last_number: tuple[int, ...] = ()
    for page in pages:
        buffer: list[str] = []
        for line in page.text.split("\n"):
            match = heading.match(line)
            value = _item_order(match["number"]) if match else ()
            if match and not strict and re.search(r"[./]", match["number"]) and len(line.strip()) > SHORT_HEADING and not _next(last_number, value):
                match = None
            if match and (not strict or TITLE_HAS_WORD.search(match["title"])) and value > last_number:
                if buffer:
                    segments.append((page.number, "\n".join(buffer)))
                if segments:
                    items.append(Item(number=number, title=title, doc_type=doc_type, segments=tuple(segments)))
                # The heading line stays in the item's text, so a one-line agenda entry is not lost.
                number, title, segments, buffer = match["number"], display_title(match["title"]), [], [line]
                last_number = value
                continue
            buffer.append(line)
        if buffer:
            segments.append((page.number, "\n".join(buffer)))
    if segments:
        items.append(Item(number=number, title=title, doc_type=doc_type, segments=tuple(segments)))
    return items


def split_items(pages: list[Page], cover: Cover) -> list[Item]:
    """Every item of a paper with its page segments; no item spans two agenda items."""
    if cover.doc_type == "minutes":
        return _split_headings(pages, "minutes", "Attendance and apologies")
    if cover.doc_type == "agenda":
        # An agenda pack: the front sheet lists the items, then each report opens with a cover block.
        starts = [i for i, page in enumerate(pages) if i and _is_cover_page(page.text)]
        front = pages[: starts[0]] if starts else pages
        items = _split_headings(front, "agenda", "Agenda front sheet")
        bounds = starts + [len(pages)]
        for begin, end in zip(bounds, bounds[1:]):
            part = pages[begin:end]
            sub = parse_cover(part[0].text)
            items.append(
                Item(
                    number=sub.item,
                    title=sub.title,
                    doc_type=sub.doc_type if sub.doc_type in ("report", "appendix") else "report",
                    segments=tuple((p.number, p.text) for p in part if p.text.strip()),
                )
            )
        return items
    segments = tuple((p.number, p.text) for p in pages if p.text.strip())
    return [Item(number=cover.item, title=cover.title, doc_type=cover.doc_type, segments=segments)] if segments else []
