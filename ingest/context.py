"""Where a paper's meeting comes from: the sources of a folder of papers, ranked, with the winner of each field.

A paper's meeting (council, committee, date) and agenda item come from the strongest source that gives
them, in this order:

1. ``manifest``: ``meeting.json`` in the paper's folder (what ``ingest fetch`` writes, or a person by
   hand), or the older per-file ``manifest.yaml``;
2. ``filename`` / ``folder``: ModernGov's own file names ("Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"),
   and folder names that hold an ISO date, a committee or a council ("cabinet/2025-01-30/");
3. ``sibling`` / ``agenda`` / ``minutes``: the other papers of the same folder: a report or appendix saved
   beside a meeting's agenda or minutes belongs to that meeting, and to the agenda item it matches;
4. ``paper``: the paper's own first page (``metadata.parse_cover``);
5. otherwise nothing: the paper has no known meeting.

Every value is checked for the shape of a council or a committee name before it is kept; a sentence
fragment ("Council's prudent financial management") is dropped whatever its source. Pure functions over
names and text: nothing here reads a PDF.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from urllib.parse import unquote

from .metadata import ACRONYMS, MONTHS, SMALL_WORDS, Cover, display_title, parse_date
from .records import Meeting, Page

MANIFEST_JSON = "meeting.json"

# -- the shape of a name ----------------------------------------------------------------------------

COMMITTEE_HEADS = {
    "cabinet", "committee", "sub-committee", "subcommittee", "board", "commission", "panel", "forum",
    "executive", "council", "assembly", "meeting", "partnership", "authority", "conference", "group",
}
"""The last word of a committee's name ("Planning Committee", "Health and Wellbeing Board")."""
COUNCIL_HEADS = {"council", "authority", "corporation", "commission", "assembly", "meeting"}
"""The last word of a council's name ("Kent County Council", "West of England Combined Authority")."""
BODY_WORDS = {
    "county", "city", "borough", "district", "parish", "town", "community", "metropolitan", "full",
    "combined", "mayoral", "council", "authority", "the", "annual", "special", "extraordinary",
}
"""Words a council's name shares with the name of its own meeting: a council's name has another word too."""
NAME_SMALL_WORDS = {"of", "and", "for", "the", "on", "in", "upon", "with", "to", "at", "&", "-", "–", "cum", "le", "de", "by"}
NOT_A_PLACE = {
    "powers", "functions", "part", "report", "minutes", "agenda", "meeting", "members", "submission", "statement",
    "constitution", "review", "notice", "budget", "policy", "leader", "cabinet", "committee", "appendix", "annex", "dear",
}
"""First words of a phrase that names a council without being its name ("Powers of Bristol City Council")."""
GENERIC_HEADS = {"committee", "council", "board", "panel", "meeting", "executive", "commission", "forum", "authority", "assembly", "group", "cabinet"}
NAME_FORBIDDEN = re.compile(r"[:;?!\"“”£$%/\\|<>{}\[\]=+*#@]|’s\b|'s\b|\.\s|\d")
PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
COUNCIL_CORE = re.compile(
    r"((?:[A-Z][a-z]+(?:-(?:[A-Za-z][a-z]*))*\s+(?:(?:of|upon|on|and|in|the)\s+)?){1,4}"
    r"(?:Metropolitan Borough|County Borough|Royal Borough|County|City|Borough|District|Parish|Town|Community|Combined|Mayoral Combined)"
    r"\s+(?:Council|Authority))"
)
"""A council's name inside a longer value ("Powers of Bristol City Council" -> "Bristol City Council")."""


def _words(value: str) -> list[str]:
    return [w for w in re.split(r"\s+", value.strip()) if w]


def looks_like_committee(value: str, *, bare_ok: bool = False) -> bool:
    """True when value is shaped like a committee's name, not a sentence fragment.

    A committee's name ends with a committee word ("Cabinet", "Planning Committee", "Full Council"),
    optionally followed by a bracketed qualifier; every other word is capitalised or a small joining word.
    bare_ok admits a lone "Council" or "Cabinet" (a strong source naming the full council's meeting).
    """
    if not isinstance(value, str):
        return False
    core = PARENTHESIS.sub("", " ".join(value.split())).strip(" -–,.")
    words = _words(core)
    if not words or len(words) > 16 or len(core) > 140 or NAME_FORBIDDEN.search(core):
        return False
    if words[-1].lower() not in COMMITTEE_HEADS:
        return False
    if len(words) == 1 and words[0].lower() in GENERIC_HEADS - {"cabinet"} and not bare_ok:
        return False
    if words[0].lower() in NAME_SMALL_WORDS:
        return False
    return all(w[:1].isupper() or w.lower() in NAME_SMALL_WORDS or w[:1] == "(" for w in words)


def looks_like_council(value: str) -> bool:
    """True when value is shaped like a council's name ("Kent County Council", "Burton-cum-Walden Parish Council")."""
    if not isinstance(value, str):
        return False
    words = _words(value)
    if len(words) < 2 or len(words) > 10 or NAME_FORBIDDEN.search(value):
        return False
    if words[-1].lower() not in COUNCIL_HEADS or words[0].lower() in NAME_SMALL_WORDS | NOT_A_PLACE:
        return False
    if not any(w.lower() not in BODY_WORDS and w.lower() not in NAME_SMALL_WORDS for w in words[:-1]):
        return False  # "County Council", "The Council": the name of a meeting, not of a council
    return all(w[:1].isupper() or w.lower() in NAME_SMALL_WORDS for w in words)


MEETING_OF = re.compile(
    r"^(?:(?:the|an?)\s+)?(?:(?:annual\s+general|annual|special|extraordinary|ordinary|additional)\s+)?(?:meeting|agm|a\.g\.m\.?)\s+of\s+(?:the\s+)?",
    re.I,
)
"""'AGM of the Parish Council', 'Special Meeting of the Cabinet': the body is what follows."""


def clean_committee(value: str, *, bare_ok: bool = False) -> str:
    """value in display case when it looks like a committee's name, else ""."""
    if not isinstance(value, str):
        return ""
    value = MEETING_OF.sub("", " ".join(value.split())).strip(" -–,.")
    if value.isupper():
        value = display_title(value)
    return value if looks_like_committee(value, bare_ok=bare_ok) else ""


def clean_council(value: str) -> str:
    """value's council name in display case ("Powers of Bristol City Council" -> "Bristol City Council"), else ""."""
    if not isinstance(value, str):
        return ""
    value = " ".join(value.split()).strip(" -–,.")
    if value.isupper():
        value = display_title(value)
    if looks_like_council(value):
        return value
    for start in (m.start() for m in re.finditer(r"(?<![\w-])[A-Z]", value)):
        match = COUNCIL_CORE.match(value, start)
        if match and looks_like_council(match.group(1)):
            return match.group(1)
    return ""


def is_council_name(value: str) -> bool:
    """A council's own name (with a place), as against the name of its meeting ("County Council")."""
    return bool(clean_council(value)) and clean_council(value) == " ".join(value.split())


def name_key(value: str) -> str:
    """A committee or council name for comparison: case, '&', 'the' and punctuation do not count."""
    words = re.sub(r"[^a-z0-9 ]+", " ", value.lower().replace("&", " and ")).split()
    return " ".join(w for w in words if w != "the")


FULL_COUNCIL_NAMES = {
    "council", "full council", "county council", "city council", "borough council", "district council",
    "parish council", "town council", "community council", "full county council",
}
"""What the full council's own meeting is called: one body, whichever name a paper or folder uses."""


def same_body(a: str, b: str) -> bool:
    """True when two names are one body ("Transport & Connectivity Policy Committee" / "... Committee")."""
    if name_key(a) in FULL_COUNCIL_NAMES and name_key(b) in FULL_COUNCIL_NAMES:
        return True
    ka, kb = set(name_key(a).split()), set(name_key(b).split())
    return bool(ka and kb) and (ka <= kb or kb <= ka)


def slug_name(slug: str) -> str:
    """A folder or file slug in display case: "transport-and-connectivity-committee" -> "Transport and Connectivity Committee"."""
    words = [w for w in SLUG_SPLIT.split(unquote(str(slug))) if w]
    out = []
    for index, word in enumerate(words):
        lower = word.lower()
        if lower in ACRONYMS or lower in SLUG_ACRONYMS:
            out.append(word.upper())
        elif len(word) == 1 and index and words[index - 1].lower() in ("appendix", "annex", "part", "item"):
            out.append(word.upper())  # "appendix-a" -> "Appendix A"
        elif index and lower in SMALL_WORDS | {"cum", "upon"}:
            out.append(lower)
        elif word[:1].isupper():
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


SLUG_SPLIT = re.compile(r"[_\s]+|(?<!\d)-+|-+(?!\d)")
"""Slugs split at underscores, spaces and hyphens, but not inside "2021-22"."""
SLUG_ACRONYMS = {"mca", "ca", "cc", "bcc", "kcc", "hwb", "sacre", "jsc", "jcc", "ics", "icb", "send", "wca", "weca"}


# -- ModernGov file names --------------------------------------------------------------------------

_SHORT_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
MODERNGOV_NAME = re.compile(
    r"^(?P<kind>.*?)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?-(?P<month>" + _SHORT_MONTH + r")-(?P<year>(?:19|20)\d\d)"
    r"(?:\s+(?P<time>\d{1,2}[.:]\d\d))?\s+(?P<committee>[^\d].*?)\s*$",
    re.I,
)
"""ModernGov names a meeting's documents "<what> <dd>th-<Mon>-<yyyy> <hh.mm> <committee>":
"Agenda frontsheet 30th-Jan-2025 10.00 Cabinet", "Printed minutes 13th-Feb-2025 09.30 County Council"."""
KIND_DOC_TYPES = (
    (re.compile(r"\b(?:printed|draft|public|signed|confirmed)?\s*minutes\b", re.I), "minutes"),
    (re.compile(r"\bagenda\b|\breports?\s+pack\b|\bfront\s*sheet\b|\bfrontsheet\b", re.I), "agenda"),
)
KIND_TITLES = {"agenda": "Agenda", "minutes": "Minutes of the meeting"}
# "Item 7 - Supplementary - 24-00109 - ..." and "Item 3 Supplement - ...": ModernGov's item prefix.
ITEM_PREFIX = re.compile(r"^\s*item\s+(?P<number>\d{1,3}[a-z]?)\b", re.I)
# Kent-style decision numbers: "24/00108", "24-00108" (two-digit year, five-digit serial).
DECISION_NUMBER = re.compile(r"(?<![\d/-])(?P<year>\d{2})\s?[/-]\s?(?P<serial>\d{5})(?![\d/-])")
COPY_SUFFIX = re.compile(r"(?:_\d{1,2}|\s\(\d{1,2}\)|\s-\s?copy|\scopy)$", re.I)
DOC_WORDS = {
    "minutes", "minute", "agenda", "agendas", "printed", "draft", "frontsheet", "front", "sheet", "notice",
    "public", "pdf", "final", "signed", "approved", "unconfirmed", "confirmed", "pack", "reports", "report",
}
PREVIOUS_MINUTES = re.compile(r"\bminutes\s+of\s+(?:the\s+)?(?:previous|last|meeting\s+held\s+on)\b", re.I)


@dataclass(frozen=True, slots=True, kw_only=True)
class NameHints:
    """What a file's name says about its paper."""

    moderngov: bool = False
    """True when the name is one ModernGov gives a meeting's documents."""
    meeting_date: str = ""
    committee: str = ""
    doc_type: str = ""
    title: str = ""
    item: str = ""
    decisions: tuple[str, ...] = ()
    """Decision numbers in the name, as "24/00108"."""


def decision_numbers(text: str) -> tuple[str, ...]:
    """Kent-style decision numbers in text ("24/00108", "24-00108"), normalised to "yy/nnnnn"."""
    if not isinstance(text, str):
        return ()
    found = []
    for match in DECISION_NUMBER.finditer(text):
        value = f"{match['year']}/{match['serial']}"
        if value not in found:
            found.append(value)
    return tuple(found)


def read_file_name(name: str) -> NameHints:
    """Date, committee, kind, title and item of a paper from its file name (ModernGov's or any other)."""
    if not isinstance(name, str):
        return NameHints()
    stem = unquote(PurePath(name.replace("\\", "/")).name)
    stem = re.sub(r"\.pdf$", "", stem, flags=re.I).strip()
    stem = COPY_SUFFIX.sub("", stem).strip()
    item_match = ITEM_PREFIX.match(stem)
    item = item_match["number"] if item_match else ""
    decisions = decision_numbers(stem)
    match = MODERNGOV_NAME.match(stem)
    if match:
        kind = match["kind"].strip(" -–")
        committee = clean_committee(match["committee"], bare_ok=True)
        date = parse_date(f"{match['day']} {match['month']} {match['year']}")
        doc_type = next((t for pattern, t in KIND_DOC_TYPES if pattern.search(kind)), "")
        title = KIND_TITLES.get(doc_type, "") or _readable_title(kind)
        if date and committee:
            return NameHints(
                moderngov=True, meeting_date=date, committee=committee, doc_type=doc_type, title=title,
                item=item, decisions=decisions,
            )
    # Any other name: a date in it, and a committee where what is left of the name is one
    # ("9 January 2025 - County Council minutes", "cabinet_2025-01-30_minutes").
    date = parse_date(stem)
    rest = _without_dates(stem)
    words = [w for w in re.split(r"[-_\s]+", rest) if w and w.lower() not in DOC_WORDS]
    committee = clean_committee(slug_name(" ".join(words)), bare_ok=False) if words else ""
    doc_type = next((t for pattern, t in KIND_DOC_TYPES if pattern.search(rest.replace("_", " ").replace("-", " "))), "")
    # "policies_Data Protection Policy May 2019": a website's category before the name; the name is the title.
    named = max(stem.split("_"), key=len) if " " in stem else ""
    return NameHints(
        meeting_date=date, committee=committee, doc_type=doc_type, title=_readable_title(named) if named else "",
        item=item, decisions=decisions,
    )


_DATE_TEXT = re.compile(
    r"(?<!\d)(?:19|20)\d\d-\d\d-\d\d(?!\d)|\b\d{1,2}(?:st|nd|rd|th)?[\s-]+(?:" + _SHORT_MONTH + r")\.?,?[\s-]+(?:19|20)\d\d\b"
    r"|\b\d{1,2}[.:]\d\d\b",
    re.I,
)


def _without_dates(text: str) -> str:
    return _DATE_TEXT.sub(" ", text)


def _readable_title(text: str) -> str:
    """A file name as a title: "24-00108 - Finance Monitoring Report - Q3" stays as it is, tidied."""
    text = " ".join(unquote(text).replace("_", " ").split()).strip(" -–")
    return text[:200]


# -- folder names ----------------------------------------------------------------------------------

FOLDER_LEVELS = 4
"""How many folders above a paper are read for a council, a committee or a date."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FolderHints:
    """What the folders above a paper say: the nearest that names each."""

    council: str = ""
    committee: str = ""
    meeting_date: str = ""
    meeting_folder: str = ""
    """The folder holding the meeting's papers: the nearest with a date in its name, else the paper's own."""


def read_folders(path: str | PurePath, *, stop: str | PurePath | None = None) -> FolderHints:
    """Council, committee and meeting date named by the folders above a paper (nearest first), up to stop."""
    try:
        parts = PurePath(str(path)).parent
    except (TypeError, ValueError):
        return FolderHints()
    stop_path = PurePath(str(stop)) if stop is not None else None
    council = committee = date = meeting = ""
    folder = parts
    for _ in range(FOLDER_LEVELS):
        if not folder.name or (stop_path is not None and folder == stop_path.parent):
            break
        name = unquote(folder.name)
        found = parse_date(name) if re.search(r"\d", name) else ""
        if found and not date:
            date, meeting = found, str(folder)
        rest = " ".join(w for w in re.split(r"[-_\s]+", _without_dates(name)) if w)
        if rest:
            display = slug_name(rest)
            if not council and clean_council(display) == display:
                council = display
            elif not committee and not council and looks_like_committee(display, bare_ok=True):
                committee = display
        if stop_path is not None and folder == stop_path:
            break
        folder = folder.parent
    return FolderHints(council=council, committee=committee, meeting_date=date, meeting_folder=meeting or str(parts))


def meeting_folder(path: str | PurePath) -> str:
    """The folder whose papers are read together with this one's."""
    return read_folders(path).meeting_folder


# -- manifests -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestEntry:
    """What a manifest says about one file."""

    council: str = ""
    committee: str = ""
    meeting_date: str = ""
    item: str = ""
    item_title: str = ""
    title: str = ""
    url: str = ""
    doc_type: str = ""


def read_meeting_json(text: str) -> dict[str, ManifestEntry]:
    """meeting.json -> {file name: entry}; the meeting's own fields apply to each of its documents.

    ``{"council", "committee", "meeting_date", "url", "documents": [{"file", "item", "item_title", "title", "url"}]}``.
    Anything that is not that shape is ignored, never raised on.
    """
    try:
        data = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}

    def text_of(mapping: dict, key: str) -> str:
        value = mapping.get(key)
        return " ".join(str(value).split()) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""

    meeting_date = parse_date(text_of(data, "meeting_date"))
    out: dict[str, ManifestEntry] = {}
    documents = data.get("documents")
    for doc in documents if isinstance(documents, list) else []:
        if not isinstance(doc, dict) or not text_of(doc, "file"):
            continue
        entry = ManifestEntry(
            council=text_of(data, "council"),
            committee=text_of(data, "committee"),
            meeting_date=meeting_date,
            item=text_of(doc, "item").rstrip("."),
            item_title=text_of(doc, "item_title"),
            title=text_of(doc, "title"),
            url=text_of(doc, "url"),
        )
        name = PurePath(text_of(doc, "file").replace("\\", "/")).name
        out[name] = entry
        out.setdefault(unquote(name), entry)
    return out


def manifest_entries(folder: Path) -> dict[str, ManifestEntry]:
    """meeting.json of a folder, keyed by file name ({} when there is none or it cannot be read)."""
    path = folder / MANIFEST_JSON
    try:
        return read_meeting_json(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError):
        return {}


def entry_from_overrides(values: dict) -> ManifestEntry:
    """A manifest.yaml entry ({committee, meeting_date, source_url, ...}) as a manifest entry."""
    def text(key: str) -> str:
        value = values.get(key)
        return " ".join(str(value).split()) if value is not None else ""

    return ManifestEntry(
        council=text("council"), committee=text("committee"), meeting_date=parse_date(text("meeting_date")) or text("meeting_date"),
        item=text("item").rstrip("."), title=text("title"), url=text("source_url"), doc_type=text("doc_type"),
    )


# -- agenda items as an agenda or minutes lists them ------------------------------------------------

LISTED_ITEM = re.compile(r"^\s*(?:item\s+)?(?P<number>\d{1,3}[A-Za-z]?)(?:[.)]|\s)\s*(?P<title>[A-Z0-9£(“\"'].{2,})$")
"""An agenda's numbered line: "5. 24/00108 - Revenue and Capital Budget Monitoring Report", "1 Welcome"."""
ITEM_PAGES = 4
"""Pages of an agenda read for its list of items (the front sheet; a pack's reports follow it)."""
ITEM_GAP = 5
"""An item number more than this above the last is a numbered line of another list (public forum statements)."""


def listed_items(pages: Sequence[Page], doc_type: str) -> tuple[tuple[str, str], ...]:
    """(number, title) of the items an agenda's front sheet or a set of minutes lists, numbers rising.

    A title that wraps takes its next line ("... and Treasury Management Strategy (Pages 85 - 276)").
    """
    if doc_type not in ("agenda", "minutes"):
        return ()
    lines = [line for page in pages[: ITEM_PAGES if doc_type == "agenda" else len(pages)] for line in page.text.split("\n")]
    items: list[tuple[str, str]] = []
    last = 0
    for index, line in enumerate(lines):
        match = LISTED_ITEM.match(line)
        if not match:
            continue
        number = int(re.sub(r"\D", "", match["number"]) or 0)
        if number <= last or (items and number > last + ITEM_GAP) or parse_date(line[:40]):
            continue
        title = match["title"].strip()
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if following and not LISTED_ITEM.match(following) and (following[:1].islower() or following.startswith("(") or len(title) > 60):
            title = f"{title} {following}"
        items.append((match["number"], " ".join(title.split())[:300]))
        last = number
    return tuple(items)


# -- one paper, before its folder is read ---------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """One paper read on its own: its pages, its cover and where it lies; its meeting is not settled yet."""

    path: str
    """Where the file is (its folder and name are sources)."""
    source: str
    sha256: str
    pages: tuple[Page, ...]
    """Cleaned pages."""
    cover: Cover
    """What its first page says (metadata.parse_cover)."""
    items: tuple[tuple[str, str], ...] = ()
    """(number, title) of the agenda items an agenda or minutes lists."""
    manifest: ManifestEntry | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """A paper's meeting, item and title as its folder settles them, with the source of each field."""

    meeting: Meeting
    doc_type: str
    title: str
    item: str = ""
    item_title: str = ""
    """The title of the agenda item the paper was matched to ("" when none)."""
    source_url: str = ""
    provenance: dict[str, str] = field(default_factory=dict)
    """field -> manifest | filename | folder | sibling | agenda | minutes | paper ("" fields are absent)."""
    duplicate_of: str = ""
    """Source of the paper this one repeats (same text), or ""."""
    pages_elsewhere: tuple[int, ...] = ()
    """Pages of a pack that its parts, saved beside it, already hold."""

    @property
    def has_meeting(self) -> bool:
        """True when committee and date are known."""
        return bool(self.meeting.committee and self.meeting.meeting_date)


# -- a folder of papers ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Paper:
    draft: Draft
    name: NameHints
    folder: FolderHints
    doc_type: str = ""
    date: str = ""
    date_from: str = ""
    council: str = ""
    council_from: str = ""
    committee: str = ""
    committee_from: str = ""
    own_date: str = ""
    own_committee: str = ""
    previous_minutes: bool = False
    item: str = ""
    item_title: str = ""
    item_from: str = ""
    title: str = ""
    title_from: str = ""


ANCHOR_TYPES = ("minutes", "agenda")
AGENDA_LINE = re.compile(r"^\s*AGENDA\s*$", re.M)
PARISH_TYPES = re.compile(r"\b(Parish|Town|Community|Village)\s+Council$")
ANNUAL_PARISH_MEETING = re.compile(r"\bannual\s+parish\s+meeting\b|(?:^|[-_\s])apm(?:[-_\s]|$)", re.I)
FULL_COUNCIL_LINE = re.compile(
    r"^\s*(?:a\s+)?(?:meeting\s+of\s+(?:the\s+)?)?(?P<body>full\s+council|(?:county|city|borough|district|parish|town|community)\s+council)"
    r"(?:\s+meeting)?\s*(?:[-–,]|$)",
    re.I,
)


def _own_body(draft: Draft) -> str:
    """The full council's meeting as the first page calls it ("COUNTY COUNCIL - THURSDAY, ...", "Full Council")."""
    for line in draft.pages[0].text.split("\n")[:30] if draft.pages else []:
        match = FULL_COUNCIL_LINE.match(" ".join(line.split()))
        if match:
            return display_title(match["body"].upper())
    return ""


def _fingerprint(text: str) -> str:
    lines = [l for l in text.split("\n") if not re.fullmatch(r"\s*(?:page\s*)?\d*\s*(?:of\s*\d+)?\s*", l, re.I)]
    return re.sub(r"[^a-z]+", "", " ".join(lines).lower())


MIN_PAGE_LETTERS = 200
"""Pages with fewer letters ("This page is intentionally left blank") prove nothing about a duplicate."""


def _content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z]{3,}", text.lower())
    stop = SMALL_WORDS | {"report", "appendix", "annex", "final", "draft", "update", "updated", "item", "supplementary", "pdf"}
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words if w not in stop}


def _best_item(paper: _Paper, items: Sequence[tuple[str, str]], text: str) -> tuple[str, str] | None:
    """The agenda item a report or appendix belongs to: a shared decision number, else its title's words."""
    numbered = [(n, t) for n, t in items if n]
    decisions = set(paper.name.decisions) | set(decision_numbers(text[:3000]))
    if decisions:
        hits = [(n, t) for n, t in numbered if decisions & set(decision_numbers(t))]
        if len({n for n, _ in hits}) == 1:
            return hits[0]
    title_words = _content_words(f"{paper.title} {paper.name.title}")
    if not title_words:
        return None
    scored = []
    for number, title in numbered:
        words = _content_words(re.sub(r"\(pages?[^)]*\)", "", title, flags=re.I))
        if len(words) < 2:
            continue
        shared = len(words & title_words)
        score = shared / min(len(words), len(title_words))
        if shared >= 2 and score >= 0.6:
            scored.append((score, shared, number, title))
    scored.sort(reverse=True)
    if scored and (len(scored) == 1 or scored[0][:2] > scored[1][:2]):
        return scored[0][2], scored[0][3]
    return None


def _appendix_label(paper: _Paper) -> str:
    """ "Appendix H" / "Annex 2" as the paper's title or name opens with it, lower case; else ""."""
    for text in (paper.name.title, paper.title):
        match = re.match(r"\s*(?:\d{2}[/-]\d{5}\s*-\s*)?(appendix|annex)\s+([a-z0-9]{1,3})\b", text or "", re.I)
        if match:
            return f"{match[1].lower()} {match[2].lower()}"
    return ""


def _vote(values: Sequence[str]) -> tuple[str, int, int]:
    """(most common value, its count, all counted) over non-empty values, by name_key; ties give ""."""
    values = [v for v in values if v]
    if not values:
        return "", 0, 0
    counts = Counter(name_key(v) for v in values)
    (top, n), *rest = counts.most_common()
    if rest and rest[0][1] == n:
        return "", n, len(values)
    variants = [v for v in values if name_key(v) == top]
    # The variant printed in mixed case ("Burton-cum-Walden") over the one title-cased from capitals.
    best = min(variants, key=lambda v: (sum(c.isupper() for c in v), -variants.count(v)))
    return best, n, len(values)


def resolve_folder(drafts: Sequence[Draft], *, stop: str | PurePath | None = None, inherited_council: str = "") -> list[Context]:
    """Settle the meeting, item and title of each paper of one folder, reading them together.

    stop is the folder the batch was asked for: folder names above it are not read. inherited_council is
    the council the papers of the folders above name (pipeline.ancestor_council): it fills a blank only.
    """
    papers = [
        _Paper(draft=d, name=read_file_name(PurePath(d.path).name), folder=read_folders(d.path, stop=stop)) for d in drafts
    ]
    _dates(papers)
    _previous_minutes(papers)
    meetings: dict[str, list[_Paper]] = {}
    for p in papers:
        if p.date and not p.previous_minutes:
            meetings.setdefault(p.date, []).append(p)
    _join_undated(papers, meetings)
    for date, members in meetings.items():
        _committee(members)
    for p in papers:
        if p.previous_minutes or (p.date and p.date not in meetings):
            _committee([p])
    _councils(papers, clean_council(inherited_council))
    _titles(papers)
    _items(papers, meetings)
    duplicates = _duplicates(papers)
    return [_context(p, duplicates.get(id(p), ("", ()))) for p in papers]


def _dates(papers: list[_Paper]) -> None:
    """Each paper's date by rank: manifest, ModernGov name, folder, file name or first page (the one siblings share)."""
    anchors = Counter()
    for p in papers:
        cover = p.draft.cover
        p.doc_type = (p.draft.manifest.doc_type if p.draft.manifest and p.draft.manifest.doc_type else "") or (
            p.name.doc_type if p.name.moderngov and p.name.doc_type else cover.doc_type
        )
        if p.doc_type == "other" and p.draft.pages and AGENDA_LINE.search("\n".join(p.draft.pages[0].text.split("\n")[:30])):
            p.doc_type = "agenda"  # a notice of meeting that carries its agenda
        for value in {p.name.meeting_date, cover.meeting.meeting_date} - {""}:
            if p.doc_type in ANCHOR_TYPES:
                anchors[value] += 1
    for p in papers:
        cover = p.draft.cover
        manifest = p.draft.manifest
        own = [(p.name.meeting_date, "filename"), (cover.meeting.meeting_date, "paper")]
        if not p.name.moderngov and p.name.meeting_date and cover.meeting.meeting_date != p.name.meeting_date:
            # A name and a first page that disagree: the date the meeting's other papers share wins, else a
            # date the page announces with its right weekday ("Tuesday, 1 April 2025"; "Tuesday, 7th May 2018"
            # was a Monday, a date copied from last year's agenda).
            shared = [(d, s) for d, s in own if d and anchors[d] - (p.doc_type in ANCHOR_TYPES) > 0]
            announced = announced_date(p.draft.pages[0].text if p.draft.pages else "")
            weekday = [(cover.meeting.meeting_date, "paper")] if announced and announced == cover.meeting.meeting_date else []
            own = shared + weekday + own
        p.own_date, own_from = next(((d, s) for d, s in own if d), ("", ""))
        if p.name.moderngov:
            p.own_date, own_from = p.name.meeting_date, "filename"
        ranked = [
            (manifest.meeting_date if manifest else "", "manifest"),
            (p.name.meeting_date if p.name.moderngov else "", "filename"),
            (p.folder.meeting_date, "folder"),
            (p.own_date, own_from),
        ]
        p.date, p.date_from = next(((d, s) for d, s in ranked if d), ("", ""))


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ANNOUNCED = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r"),?\s+(?:the\s+)?", re.I)


def announced_date(text: str) -> str:
    """The first date text announces with its weekday, when the weekday is right ("" otherwise)."""
    from datetime import date as _date

    for match in _ANNOUNCED.finditer(text if isinstance(text, str) else ""):
        found = parse_date(text[match.end() : match.end() + 40])
        if found and _WEEKDAYS[_date.fromisoformat(found).weekday()] == match[1].lower():
            return found
    return ""


def _previous_minutes(papers: list[_Paper]) -> None:
    """Minutes carried in a later meeting's papers keep the meeting they record."""
    for p in papers:
        if p.doc_type != "minutes" or not p.own_date or p.own_date >= p.date:
            continue
        named = PREVIOUS_MINUTES.search(f"{p.name.title} {p.draft.cover.title}") or p.name.meeting_date == p.own_date
        if named or p.draft.cover.meeting.meeting_date == p.own_date:
            p.previous_minutes = True
            p.date = p.own_date
            p.date_from = "filename" if p.name.meeting_date == p.own_date else "paper"


def _join_undated(papers: list[_Paper], meetings: dict[str, list[_Paper]]) -> None:
    """A paper with no date of its own joins the folder's one meeting, or the meeting whose agenda lists it."""
    undated = [p for p in papers if not p.date]
    if not undated or not meetings:
        return
    # Only a meeting the folder's papers show was held (its agenda, its minutes, a ModernGov name) takes others in.
    anchored = {d: ms for d, ms in meetings.items() if any(m.doc_type in ANCHOR_TYPES or m.name.moderngov for m in ms)}
    for p in undated:
        target = ""
        if len(anchored) == 1 and len(meetings) == 1:
            target = next(iter(anchored))
        else:
            for date, members in anchored.items():
                items = [i for m in members if m.doc_type in ANCHOR_TYPES for i in m.draft.items]
                if _best_item(p, items, p.draft.pages[0].text if p.draft.pages else ""):
                    target = date if not target else "-"
            target = "" if target == "-" else target
        if target:
            p.date, p.date_from = target, "sibling"
            meetings[target].append(p)


def _committee(members: list[_Paper]) -> None:
    """One meeting's committee by rank over its papers, the same for all of them."""
    def first(values: list[tuple[str, str, _Paper]]) -> tuple[str, str, _Paper | None]:
        value, count, total = _vote([v for v, _, _ in values])
        if not value:
            return "", "", None
        for v, source, owner in values:
            if name_key(v) == name_key(value):
                return value, source, owner
        return "", "", None

    manifest = [(clean_committee(m.draft.manifest.committee, bare_ok=True), "manifest", m) for m in members if m.draft.manifest]
    moderngov = [(m.name.committee, "filename", m) for m in members if m.name.moderngov]
    folder = [(m.folder.committee, "folder", m) for m in members if m.folder.committee]
    for m in members:
        m.own_committee = clean_committee(m.draft.cover.meeting.committee) or clean_committee(_own_body(m.draft), bare_ok=True)
        if not m.own_committee and m.doc_type in ANCHOR_TYPES + ("other",):
            text = "\n".join(m.draft.pages[0].text.split("\n")[:12]) if m.draft.pages else ""
            if ANNUAL_PARISH_MEETING.search(text) or ANNUAL_PARISH_MEETING.search(PurePath(m.draft.path).stem):
                m.own_committee = "Annual Parish Meeting"
    anchors = [(m.own_committee, "paper", m) for m in members if m.doc_type == "minutes"] + [
        (m.own_committee, "paper", m) for m in members if m.doc_type == "agenda"
    ]
    names = [(m.name.committee, "filename", m) for m in members if not m.name.moderngov]
    others = [(m.own_committee, "paper", m) for m in members]
    value, source, owner = "", "", None
    parish = False
    for ranked in (manifest, moderngov, folder, anchors, names, others):
        value, source, owner = first([r for r in ranked if r[0]])
        if value:
            break
    if not value:
        # A parish, town or community council meets as itself: its agenda and minutes are the council's.
        councils = [clean_council(m.draft.cover.meeting.council) for m in members if m.doc_type in ANCHOR_TYPES]
        match = next((PARISH_TYPES.search(c) for c in councils if c and PARISH_TYPES.search(c)), None)
        if match:
            value, source, owner = f"{match[1].title()} Council", "paper", None
            parish = True
    for m in members:
        m.committee = value
        own = owner is m or (m.own_committee and name_key(m.own_committee) == name_key(value)) or (parish and m.doc_type in ANCHOR_TYPES)
        m.committee_from = "" if not value else (source if source in ("manifest", "filename", "folder") else "paper" if own else "sibling")
        if m.previous_minutes and (m.name.committee or m.own_committee):
            # Minutes of an earlier meeting name their own body; the folder's is the later meeting's.
            m.committee, m.committee_from = (m.name.committee, "filename") if m.name.committee else (m.own_committee, "paper")


def _councils(papers: list[_Paper], inherited: str = "") -> None:
    """Council by rank: manifest, folder name, the folder's papers when three in four name one council (one council's
    folder is its), the paper's own first page, its meeting's papers, then the folders above (a mixed folder lends none)."""
    own = {id(p): clean_council(p.draft.cover.meeting.council) for p in papers}
    folder_value, n, total = _vote(list(own.values()))
    clear = folder_value if total >= 2 and n / total >= 0.75 else ""
    by_date: dict[str, list[_Paper]] = {}
    for p in papers:
        by_date.setdefault(p.date, []).append(p)
    for p in papers:
        manifest = clean_council(p.draft.manifest.council) if p.draft.manifest else ""
        meeting_value = ""
        if p.date:
            meeting_value, mn, mtotal = _vote([own[id(m)] for m in by_date[p.date]])
            meeting_value = meeting_value if mn * 2 > mtotal else ""
        ranked = [
            (manifest, "manifest"),
            (p.folder.council, "folder"),
            (clear, "paper" if own[id(p)] and name_key(own[id(p)]) == name_key(clear) else "sibling"),
            (own[id(p)], "paper"),
            (meeting_value, "sibling"),
            (inherited, "sibling"),
        ]
        p.council, p.council_from = next(((v, s) for v, s in ranked if v), ("", ""))
        # "Walden Parish Council" where the folder says "Burton-cum-Walden Parish Council": a line break cut it.
        for wider in (clear, meeting_value, inherited):
            key, wide = name_key(p.council), name_key(wider)
            if p.council and wider and key != wide and wide.endswith(" " + key) and p.council_from == "paper":
                p.council, p.council_from = wider, "sibling"
                break
            if p.council and wider and key == wide:
                p.council = wider  # one spelling for one council: the folder's
                break


JUNK_TITLE = re.compile(r"^(?:[\W\d_]*|page\s*\d*\s*(?:of\s*\d+)?|direct\s+dial\b.*|dear\b.*|v?\d[\d.]*\b.*)$", re.I)
"""First lines that are no title: a page number, a letter's opening, a version stamp ("V2.0 Feasibility ...")."""


def junk_title(title: str) -> bool:
    """True for a 'title' that is a page number, a letter's opening, or the name of a council or committee."""
    title = " ".join(str(title).split())
    return (
        len(re.findall(r"[A-Za-z]", title)) < 3 or bool(JUNK_TITLE.match(title)) or looks_like_committee(title, bare_ok=True)
        or bool(clean_council(title)) and clean_council(title) == title
    )


def slug_title(name: str) -> str:
    """A title from a file name written as a slug ("src-weca-0027_joint-meeting-mca-budget-outturn" -> "Joint Meeting MCA Budget Outturn")."""
    stem = unquote(PurePath(str(name).replace("\\", "/")).name)
    stem = re.sub(r"\.pdf$", "", stem, flags=re.I)
    head, sep, tail = stem.partition("_")
    if sep and re.search(r"\d", head) and re.search(r"[A-Za-z]{3}", tail):
        stem = tail  # an archive's own id before the name ("src-bcc-0003_...")
    text = slug_name(_without_dates(stem)).strip(" -–")
    return text[:200] if len(re.findall(r"[A-Za-z]", text)) >= 4 else ""


def _titles(papers: list[_Paper]) -> None:
    for p in papers:
        cover = p.draft.cover
        manifest = p.draft.manifest
        strong = cover.title_from in ("label", "appendix", "doc_type") and not junk_title(cover.title)
        named = p.name.title if p.name.moderngov or " " in PurePath(p.draft.path).stem else ""
        ranked = [
            (manifest.title if manifest else "", "manifest"),
            (cover.title if strong else "", "paper"),
            (named, "filename"),
            (manifest.item_title if manifest else "", "manifest"),
            (cover.title if not junk_title(cover.title) else "", "paper"),
            (slug_title(p.draft.path), "filename"),
            (cover.title, "paper"),
        ]
        p.title, p.title_from = next(((display_title(v)[:200], s) for v, s in ranked if v), ("", ""))
        if p.doc_type in KIND_TITLES and p.title_from == "filename" and p.name.moderngov:
            p.title = KIND_TITLES[p.doc_type]


def _items(papers: list[_Paper], meetings: dict[str, list[_Paper]]) -> None:
    """Agenda item by rank: manifest, the name's "Item N", the first page, then the meeting's agenda or minutes."""
    for p in papers:
        manifest = p.draft.manifest
        if manifest and manifest.item:
            p.item, p.item_title, p.item_from = manifest.item, manifest.item_title, "manifest"
        elif p.name.item:
            p.item, p.item_from = p.name.item, "filename"
        elif p.draft.cover.item:
            p.item, p.item_from = p.draft.cover.item, "paper"
    for date, members in meetings.items():
        agenda = [i for m in members if m.doc_type == "agenda" for i in m.draft.items]
        minutes = [i for m in members if m.doc_type == "minutes" and not m.previous_minutes for i in m.draft.items]
        reports = [m for m in members if m.doc_type not in ANCHOR_TYPES]
        for p in reports:
            if p.item:
                continue
            text = p.draft.pages[0].text if p.draft.pages else ""
            for items, source in ((agenda, "agenda"), (minutes, "minutes")):
                found = _best_item(p, items, text)
                if found:
                    p.item, p.item_title = found
                    p.item_from = source
                    break
        # An appendix that its report lists ("Appendix H – Assessment of Financial Resilience") is on that report's item.
        for p in reports:
            label = _appendix_label(p)
            if p.item or not label:
                continue
            words = _content_words(re.sub(r"^.*?(?:appendix|annex)\s+\w{1,3}\b", "", p.title or p.name.title, flags=re.I))
            hosts = []
            for host in reports:
                if host is p or not host.item or _appendix_label(host):
                    continue
                body = " ".join(page.text for page in host.draft.pages).lower()
                for match in re.finditer(re.escape(label) + r"\b", body):
                    near = _content_words(body[match.end() : match.end() + 160])
                    if not words or len(words & near) >= min(2, len(words)):
                        hosts.append(host)
                        break
            if len({h.item for h in hosts}) == 1:
                p.item, p.item_title, p.item_from = hosts[0].item, hosts[0].item_title, "sibling"


def _duplicates(papers: list[_Paper]) -> dict[int, tuple[str, tuple[int, ...]]]:
    """Papers that repeat another's text (a "%20" copy), and a pack's pages that its saved parts hold."""
    out: dict[int, tuple[str, tuple[int, ...]]] = {}
    prints = {id(p): [(page.number, _fingerprint(page.text)) for page in p.draft.pages] for p in papers}
    whole: dict[str, _Paper] = {}
    # Prefer the name a person would keep: no "%20", no "_1" copy suffix, the shorter.
    for p in sorted(papers, key=lambda p: ("%" in p.draft.path, bool(COPY_SUFFIX.search(PurePath(p.draft.path).stem)), len(p.draft.path), p.draft.path)):
        key = "".join(f for _, f in prints[id(p)])
        if not key:
            continue
        if key in whole:
            out[id(p)] = (whole[key].draft.source, ())
        else:
            whole[key] = p
    kept = [p for p in papers if id(p) not in out]
    for pack in kept:
        pages = {f: n for n, f in prints[id(pack)] if len(f) >= MIN_PAGE_LETTERS}
        if len(pages) < 2:
            continue
        elsewhere: set[int] = set()
        for part in kept:
            if part is pack:
                continue
            substantial = [f for _, f in prints[id(part)] if len(f) >= MIN_PAGE_LETTERS]
            if substantial and len(substantial) < len(pages) and all(f in pages for f in substantial):
                elsewhere |= {pages[f] for f in substantial}
        if elsewhere:
            out[id(pack)] = ("", tuple(sorted(elsewhere)))
    return out


def _context(p: _Paper, duplicate: tuple[str, tuple[int, ...]]) -> Context:
    manifest = p.draft.manifest
    provenance = {
        "council": p.council_from if p.council else "",
        "committee": p.committee_from if p.committee else "",
        "meeting_date": p.date_from if p.date else "",
        "item": p.item_from if p.item else "",
        "title": p.title_from if p.title else "",
        "source_url": "manifest" if manifest and manifest.url else "",
    }
    return Context(
        meeting=Meeting(council=p.council, committee=p.committee, meeting_date=p.date),
        doc_type=p.doc_type or "other",
        title=p.title,
        item=p.item,
        item_title=p.item_title,
        source_url=manifest.url if manifest else "",
        provenance={k: v for k, v in provenance.items() if v},
        duplicate_of=duplicate[0],
        pages_elsewhere=duplicate[1],
    )


# -- how well the meetings are known ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Indexed:
    """One indexed paper as the stats read it."""

    source: str
    """Path of the PDF (absolute, or relative to the project root)."""
    council: str
    committee: str
    meeting_date: str
    doc_type: str = ""


def meeting_stats(papers: Sequence[Indexed], *, root: Path = Path(".")) -> dict:
    """Share of papers whose meeting is known, and where a manifest or the folders name a date or committee, the share that agrees.

    A paper's meeting is known when its committee and date are. It agrees when its date is the one the
    manifest or folder gives (minutes of an earlier meeting carried in a later one's folder agree by
    keeping their own, earlier date) and its committee is the same body. A fragment is a council or
    committee value that does not have the shape of one.
    """
    known = checked = agree = fragments = no_council = kept_own = 0
    disagreements: list[dict] = []
    manifests: dict[Path, dict[str, ManifestEntry]] = {}
    for paper in papers:
        path = Path(paper.source) if Path(paper.source).is_absolute() else root / paper.source
        known += bool(paper.committee and paper.meeting_date)
        no_council += not paper.council
        fragments += bool(paper.council and not looks_like_council(paper.council)) + bool(
            paper.committee and not looks_like_committee(paper.committee, bare_ok=True)
        )
        if path.parent not in manifests:
            manifests[path.parent] = manifest_entries(path.parent)
        entry = manifests[path.parent].get(path.name)
        folder = read_folders(path, stop=root.resolve() if path.is_absolute() and root.resolve() in path.parents else None)
        ref_date = (entry.meeting_date if entry else "") or folder.meeting_date
        ref_committee = clean_committee(entry.committee, bare_ok=True) if entry and entry.committee else folder.committee
        if not (ref_date or ref_committee):
            continue
        checked += 1
        earlier_minutes = paper.doc_type == "minutes" and ref_date and paper.meeting_date and paper.meeting_date < ref_date
        date_ok = not ref_date or paper.meeting_date == ref_date or bool(earlier_minutes)
        committee_ok = not ref_committee or same_body(paper.committee, ref_committee) or bool(earlier_minutes)
        kept_own += bool(earlier_minutes)
        if date_ok and committee_ok:
            agree += 1
        else:
            disagreements.append(
                {"source": paper.source, "meeting_date": paper.meeting_date, "committee": paper.committee,
                 "expected_date": ref_date, "expected_committee": ref_committee}
            )
    total = len(papers)
    return {
        "papers": total,
        "meeting_known": known,
        "meeting_known_share": round(known / total, 3) if total else 0.0,
        "no_meeting": total - known,
        "no_council": no_council,
        "checked": checked,
        "agree": agree,
        "agree_share": round(agree / checked, 3) if checked else 0.0,
        "earlier_minutes_kept": kept_own,
        "fragments": fragments,
        "disagreements": disagreements,
    }
