"""The demo corpus: corpus/source/*.md -> corpus/pdfs/<council>/<stem>.pdf, byte for byte the same each run.

    .venv/bin/python corpus/build_corpus.py            # draw every PDF (make corpus), refresh corpus/README.md
    .venv/bin/python corpus/build_corpus.py --check    # parse every PDF with ingest and compare with its source
    .venv/bin/python corpus/build_corpus.py --out DIR  # draw into another folder (README untouched)

The source format is described in corpus/README.md. Layout follows the house style the parser
expects (ingest/metadata.py): a cover block of "Label: value" lines, "N.  TITLE" item headings in
minutes and agenda front sheets, a new page with its own cover block for each report in an agenda
pack, a running header and a "Page N of M" footer on every page after the first.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SOURCES = CORPUS / "source"
PDFS = CORPUS / "pdfs"
README = CORPUS / "README.md"
README_START = "<!-- papers:start (written by corpus/build_corpus.py; do not edit by hand) -->"
README_END = "<!-- papers:end -->"

KINDS = ("report", "minutes", "agenda", "appendix")
REQUIRED = ("file", "kind", "council", "committee", "meeting_date", "item", "title")
COUNCIL_FOLDERS = {"Rotherham Metropolitan Borough Council": "rotherham", "Manchester City Council": "manchester"}

# Page geometry in points: A4, 2.54 cm margins, 11 pt Helvetica on 15 pt leading.
MARGIN = 72.0
TOP_GAP = 64.0
BOTTOM_GAP = 66.0
BODY_FONT, BOLD_FONT = "Helvetica", "Helvetica-Bold"
BODY_SIZE, LEADING = 11.0, 15.0
PARA_GAP = 7.0
HEADING_SIZE = 12.0
TABLE_SIZES = (10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)
ROW_HEIGHT_FACTOR = 1.6
CELL_PAD = 6.0
COLUMN_GUTTER = 24.0
COVER_MIN_SIZE = 8.0

MARKER = re.compile(r"^(?P<marker>\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.|\((?:[a-z]{1,4}|\d{1,2})\)|[a-z]\.)\s+(?P<text>\S.*)$")
ITEM_LINE = re.compile(r"^@item\s+(?P<number>\d{1,3}[A-Z]?)\s+(?P<title>\S.*)$")
KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ()]{1,40}?)\s*:\s*(?P<value>\S.*)$")
APPENDIX_NUMBER = re.compile(r"appendix-?(?P<number>\d+|[a-z])\b")
# Hyphenate only inside runs of lower-case letters: ingest joins "procure-\nment" back into one word.
MIN_HYPHEN_WORD = 8
MIN_HYPHEN_PART = 3
VOWELS = set("aeiouy")
CLUSTERS = {"tr", "pr", "br", "cr", "gr", "dr", "fr", "pl", "bl", "cl", "fl", "gl", "sh", "ch", "th", "ph", "wh", "ck"}
HYPHENABLE = re.compile(r"[A-Za-z]+[.,;:)]?")


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """One unit of body markup: heading, para, bullet, table, item, report, pagebreak, columns, end, resolved."""

    kind: str
    text: str = ""
    """Heading, paragraph or bullet text; an item's title."""
    number: str = ""
    """An item's number."""
    rows: tuple[tuple[str, ...], ...] = ()
    """Table rows (the first is the header)."""
    pairs: tuple[tuple[str, str], ...] = ()
    """A report's cover lines inside an agenda pack."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One source file: its front matter and its body blocks."""

    path: Path
    meta: dict
    blocks: tuple[Block, ...]

    @property
    def stem(self) -> str:
        """The file stem shared by the source and its PDF."""
        return self.path.stem

    @property
    def kind(self) -> str:
        """report, minutes, agenda or appendix."""
        return str(self.meta.get("kind", ""))

    @property
    def meeting_date(self) -> str:
        """ISO meeting date."""
        return str(self.meta.get("meeting_date", ""))

    def pdf_path(self, out: Path = PDFS) -> Path:
        """Where this source's PDF is drawn."""
        return out / str(self.meta.get("file", f"{self.stem}.pdf"))

    def expected_items(self) -> list[tuple[str, str]]:
        """(number, title) of every item the parser should find, in order: @item headings, then @report covers."""
        items = [(b.number, _display(b.text.upper())) for b in self.blocks if b.kind == "item"]
        for block in self.blocks:
            if block.kind == "report":
                pairs = {k.lower(): v for k, v in block.pairs}
                items.append((pairs.get("agenda item", ""), pairs.get("report title", "")))
        return items


# ---------------------------------------------------------------- reading sources


def load_source(path: Path) -> Source:
    """Parse one source file (front matter and body); raises ValueError on malformed markup."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", text, re.S)
    if not match:
        raise ValueError(f"{path}: no front matter between two --- lines")
    meta = yaml.safe_load(match["meta"]) or {}
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: front matter is not a mapping")
    if isinstance(meta.get("meeting_date"), date):
        meta["meeting_date"] = meta["meeting_date"].isoformat()
    for key in ("item", "title", "committee", "council", "kind", "file"):
        if key in meta and meta[key] is not None:
            meta[key] = str(meta[key])
    if isinstance(meta.get("cover"), dict):
        # YAML reads "Key decision: Yes" as True; the cover prints words.
        meta["cover"] = {str(k): _cover_word(v) for k, v in meta["cover"].items()}
    return Source(path=path, meta=meta, blocks=tuple(parse_blocks(match["body"].split("\n"), path)))


def _cover_word(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def parse_blocks(lines: list[str], path: Path | str = "") -> list[Block]:
    """Body markup -> blocks (see corpus/README.md, "Source format")."""
    blocks: list[Block] = []
    para: list[str] = []
    para_kind = "para"
    rows: list[tuple[str, ...]] = []

    def flush() -> None:
        nonlocal para, rows, para_kind
        if para:
            blocks.append(Block(kind=para_kind, text=" ".join(para)))
        if rows:
            blocks.append(Block(kind="table", rows=tuple(rows)))
        para, rows, para_kind = [], [], "para"

    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if not line:
            flush()
        elif line.startswith("@"):
            flush()
            word = line.split()[0]
            if word == "@item":
                match = ITEM_LINE.match(line)
                if not match:
                    raise ValueError(f"{path}: bad item line {line!r} (want '@item 126 TITLE')")
                blocks.append(Block(kind="item", number=match["number"], text=match["title"].strip()))
            elif word == "@report":
                pairs = []
                while index < len(lines) and lines[index].strip():
                    match = KEY_VALUE.match(lines[index].strip())
                    if not match:
                        raise ValueError(f"{path}: @report line {lines[index]!r} is not 'Key: value'")
                    pairs.append((match["key"].strip(), match["value"].strip()))
                    index += 1
                blocks.append(Block(kind="report", pairs=tuple(pairs)))
            elif word in ("@pagebreak", "@columns", "@end", "@resolved"):
                blocks.append(Block(kind=word[1:]))
            else:
                raise ValueError(f"{path}: unknown directive {word!r}")
        elif line.startswith("#"):
            flush()
            blocks.append(Block(kind="heading", text=line.lstrip("#").strip()))
        elif line.startswith("|"):
            if para:
                flush()
            rows.append(tuple(cell.strip() for cell in line.strip("|").split("|")))
        elif line.startswith(("- ", "• ")):
            flush()
            para, para_kind = [line[2:].strip()], "bullet"
        elif MARKER.match(line):
            flush()
            para = [line]
        else:
            if rows:
                flush()
            para.append(line)
    flush()
    return blocks


def load_sources(folder: Path = SOURCES) -> list[Source]:
    """Every source file in the folder, by name."""
    return [load_source(path) for path in sorted(folder.glob("*.md"))]


def validate(source: Source) -> list[str]:
    """Problems with one source file (empty when it is valid)."""
    name = source.path.name
    meta = source.meta
    problems = [f"{name}: front matter lacks {key!r}" for key in REQUIRED if key not in meta]
    if problems:
        return problems
    if source.kind not in KINDS:
        problems.append(f"{name}: kind {source.kind!r} is not one of {', '.join(KINDS)}")
    folder = COUNCIL_FOLDERS.get(meta["council"])
    if folder is None:
        problems.append(f"{name}: unknown council {meta['council']!r}")
    elif meta["file"] != f"{folder}/{source.stem}.pdf":
        problems.append(f"{name}: file should be {folder}/{source.stem}.pdf, not {meta['file']!r}")
    try:
        date.fromisoformat(source.meeting_date)
    except ValueError:
        problems.append(f"{name}: meeting_date {source.meeting_date!r} is not YYYY-MM-DD")
    if source.meeting_date not in source.stem:
        problems.append(f"{name}: the file name does not start with the meeting date")
    if source.kind in ("report", "appendix") and not (meta["item"] and meta["title"]):
        problems.append(f"{name}: a {source.kind} needs an item and a title")
    if source.kind in ("minutes", "agenda") and (meta["item"] or meta["title"]):
        problems.append(f"{name}: minutes and agendas have item: \"\" and title: \"\"")
    if source.kind in ("minutes", "agenda") and not isinstance(meta.get("invented_items", []), list):
        problems.append(f"{name}: invented_items must be a list of titles")
    if not isinstance(meta.get("cover") or {}, dict):
        problems.append(f"{name}: cover must be a mapping of 'Label: value' lines")
    kinds = [b.kind for b in source.blocks]
    if "report" in kinds and source.kind != "agenda":
        problems.append(f"{name}: @report belongs in agenda packs only")
    if "item" in kinds and source.kind not in ("minutes", "agenda"):
        problems.append(f"{name}: @item belongs in minutes and agenda packs only")
    if kinds.count("columns") != kinds.count("end"):
        problems.append(f"{name}: every @columns needs an @end")
    last = -1
    for block in source.blocks:
        if block.kind == "item":
            value = int(re.sub(r"\D", "", block.number))
            if value <= last:
                problems.append(f"{name}: item {block.number} does not come after item {last}")
            last = value
        if block.kind == "report":
            keys = {k.lower() for k, _ in block.pairs}
            if not {"agenda item", "report title"} <= keys:
                problems.append(f"{name}: @report needs 'Agenda item:' and 'Report title:' lines")
        if block.kind == "table" and len({len(row) for row in block.rows}) != 1:
            problems.append(f"{name}: table rows have different numbers of cells: {block.rows[0]}")
    text = source.path.read_text(encoding="utf-8")
    try:
        text.encode("cp1252")
    except UnicodeEncodeError as exc:
        problems.append(f"{name}: {text[exc.start:exc.end]!r} is not in the fonts' encoding (WinAnsi)")
    return problems


def _display(title: str) -> str:
    """How ingest shows an ALL-CAPS heading (ingest.metadata.display_title)."""
    sys.path.insert(0, str(ROOT))
    from ingest.metadata import display_title

    return display_title(title)


# ---------------------------------------------------------------- text layout


def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def _hyphen_split(word: str, room: float, font: str, size: float) -> tuple[str, str] | None:
    """Split a long word at a line end ("procure-" / "ment"), on some words only, always the same ones."""
    # Plain words only: "case-by-case" or "2021/22" are never split.
    if not HYPHENABLE.fullmatch(word) or len(word) < MIN_HYPHEN_WORD or zlib.crc32(word.encode("utf-8")) % 3 == 0:
        return None
    best = None
    for cut in range(MIN_HYPHEN_PART, len(word) - MIN_HYPHEN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if not (head[-1].islower() and head[-1].isascii() and tail[0].islower() and tail[0].isascii()):
            continue
        if not head.isalpha() or sum(c.isalpha() for c in tail) < MIN_HYPHEN_PART:
            continue
        # Break like a word processor would, between syllables: "procure-ment", "sup-port", not "entra-nce".
        vowel_consonant_vowel = head[-1] in VOWELS and tail[0] not in VOWELS and tail[1] in VOWELS
        double_consonant = head[-1] not in VOWELS and tail[0] not in VOWELS and tail[1] in VOWELS
        if not (vowel_consonant_vowel or double_consonant) or (head[-1] + tail[0]) in CLUSTERS:
            continue
        if len(tail.rstrip(".,;:)")) == 3 and tail.rstrip(".,;:)").endswith(("ed", "es")):
            continue
        if _width(head + "-", font, size) <= room:
            best = (head + "-", tail)
    return best


def wrap(text: str, width: float, font: str = BODY_FONT, size: float = BODY_SIZE) -> list[str]:
    """Greedy wrap by measured width, hyphenating some long words at line ends."""
    lines: list[str] = []
    current = ""
    words = text.split()
    index = 0
    while index < len(words):
        word = words[index]
        trial = f"{current} {word}" if current else word
        if _width(trial, font, size) <= width:
            current = trial
            index += 1
            continue
        if current:
            room = width - _width(current + " ", font, size)
            split = _hyphen_split(word, room, font, size)
            if split:
                lines.append(f"{current} {split[0]}")
                words[index] = split[1]
            else:
                lines.append(current)
            current = ""
            continue
        # One word wider than the line (a web address): break it without a hyphen.
        cut = len(word)
        while cut > 1 and _width(word[:cut], font, size) > width:
            cut -= 1
        lines.append(word[:cut])
        words[index] = word[cut:]
    if current:
        lines.append(current)
    return lines


def _long_date(iso: str) -> str:
    value = date.fromisoformat(iso)
    return f"{value:%A} {value.day} {value:%B %Y}"


def _short_council(council: str) -> str:
    return council.replace("Metropolitan Borough Council", "MBC")


Segment = tuple[float, str, str, float]
"""(x, text, font, size): one run of text on a line."""


@dataclass(slots=True)
class Layout:
    """Lays blocks out on pages as drawing operations; pages are drawn once the total is known."""

    pagesize: tuple[float, float]
    pages: list[list[tuple]] = field(default_factory=list)
    y: float = 0.0
    x0: float = MARGIN
    width: float = 0.0
    column: int = -1
    """-1 outside @columns; 0 or 1 for the left or right column."""
    column_top: float = 0.0
    column_low: float = 0.0

    def __post_init__(self) -> None:
        self.width = self.pagesize[0] - 2 * MARGIN
        self.new_page()

    @property
    def top(self) -> float:
        return self.pagesize[1] - TOP_GAP

    @property
    def at_top(self) -> bool:
        return self.y >= (self.column_top if self.column >= 0 else self.top) - 0.5

    def new_page(self) -> None:
        """A new page, or the right-hand column of this one."""
        if self.column == 0:
            self.column_low = min(self.column_low, self.y)
            self.column, self.y = 1, self.column_top
            self.x0 = MARGIN + self.width + COLUMN_GUTTER
            return
        self.pages.append([])
        self.y = self.top
        if self.column == 1:
            self.column, self.column_top, self.column_low, self.x0 = 0, self.top, self.top, MARGIN

    def room(self, height: float) -> bool:
        return self.y - height >= BOTTOM_GAP

    def ensure(self, height: float) -> None:
        if not self.room(height) and not self.at_top:
            self.new_page()

    def gap(self, height: float) -> None:
        if not self.at_top:
            self.y -= height

    def line(self, segments: list[Segment], leading: float = LEADING, *, keep: float = 0.0) -> None:
        """One line of text; keep is extra height that must fit below it on the same page."""
        x0 = self.x0
        self.ensure(leading + keep)
        if self.x0 != x0:  # the line moved to the other column: move its runs with it
            segments = [(x + self.x0 - x0, text, font, size) for x, text, font, size in segments]
        self.pages[-1].append(("text", self.y - leading + 4, segments))
        self.y -= leading

    def rule(self, x1: float, x2: float, y: float, grey: float = 0.0, fill_height: float = 0.0) -> None:
        self.pages[-1].append(("rule", x1, x2, y, grey, fill_height))

    # -- blocks

    def heading(self, text: str) -> None:
        self.gap(PARA_GAP + 3)
        lines = wrap(text, self.width, BOLD_FONT, HEADING_SIZE)
        for number, line in enumerate(lines):
            keep = 2 * LEADING if number == len(lines) - 1 else 0.0
            self.line([(self.x0, line, BOLD_FONT, HEADING_SIZE)], LEADING + 2, keep=keep)
        self.y -= 2

    def paragraph(self, text: str, *, bullet: bool = False, font: str = BODY_FONT) -> None:
        marker, indent = "", 0.0
        if bullet:
            marker, indent = "•", 18.0
        else:
            match = MARKER.match(text)
            if match:
                marker, text = match["marker"], match["text"]
                indent = max(30.0, _width(marker, font, BODY_SIZE) + 10)
        lines = wrap(text, self.width - indent, font, BODY_SIZE)
        for number, line in enumerate(lines):
            x = self.x0 + indent
            segments: list[Segment] = [(x, line, font, BODY_SIZE)]
            if number == 0 and marker:
                segments.insert(0, (self.x0 + (4.0 if bullet else 0.0), marker, font, BODY_SIZE))
            # A hyphenated line never ends a page: its other half must be on the same page for ingest to join them.
            keep = LEADING if line.endswith("-") and number + 1 < len(lines) else 0.0
            if number == 0 and len(lines) > 1:
                keep = max(keep, LEADING)  # no single first line at the foot of a page
            self.line(segments, keep=keep)
        self.y -= PARA_GAP

    def item_heading(self, number: str, title: str) -> None:
        self.gap(PARA_GAP + 3)
        label = f"{number}."
        size = BODY_SIZE
        while size > 8 and 36 + _width(title.upper(), BOLD_FONT, size) > self.width:
            size -= 0.5
        segments = [(self.x0, label, BOLD_FONT, size), (self.x0 + 36, title.upper(), BOLD_FONT, size)]
        self.line(segments, LEADING + 1, keep=2 * LEADING)
        self.y -= 3

    def table(self, rows: tuple[tuple[str, ...], ...]) -> None:
        header, body = rows[0], rows[1:]
        for size in TABLE_SIZES:
            widths = [
                max(_width(row[i], BOLD_FONT if row is header else BODY_FONT, size) for row in rows) + 2 * CELL_PAD
                for i in range(len(header))
            ]
            if sum(widths) <= self.width:
                break
        else:
            raise ValueError(f"table too wide for the page even at {TABLE_SIZES[-1]} pt: {header}")
        # The last column takes up the slack, so tables run the full measure like a word processor's.
        widths[-1] += self.width - sum(widths)
        height = size * ROW_HEIGHT_FACTOR
        self.gap(2)
        self.ensure(3 * height)
        self._row(header, widths, size, height, bold=True)
        for row in body:
            if not self.room(height):
                self.new_page()
                self._row(header, widths, size, height, bold=True)
            self._row(row, widths, size, height, bold=False)
        self.y -= PARA_GAP + 2

    def _row(self, cells: tuple[str, ...], widths: list[float], size: float, height: float, *, bold: bool) -> None:
        # One text object per row: pypdf then reads the row as one line with spaces between cells.
        top = self.y
        if bold:
            self.rule(self.x0, self.x0 + sum(widths), top - height, grey=0.88, fill_height=height)
        font = BOLD_FONT if bold else BODY_FONT
        x = self.x0 + CELL_PAD
        segments: list[Segment] = []
        for cell, width in zip(cells, widths):
            segments.append((x, cell or "–", font, size))
            x += width
        self.pages[-1].append(("text", top - height + (height - size) / 2 + 1.5, segments))
        self.rule(self.x0, self.x0 + sum(widths), top - height, grey=0.55)
        if bold:
            self.rule(self.x0, self.x0 + sum(widths), top, grey=0.55)
        self.y -= height

    def cover_line(self, label: str, value: str, *, essential: bool) -> None:
        """A "Label: value" cover line; the ones ingest reads must stay on one line."""
        size = BODY_SIZE
        text = f"{label}: {value}"
        while essential and _width(text, BODY_FONT, size) + 4 > self.width and size > COVER_MIN_SIZE:
            size -= 0.5
        if _width(text, BODY_FONT, size) + 4 > self.width:
            if essential:
                raise ValueError(f"cover line too long for one line even at {COVER_MIN_SIZE} pt: {text!r}")
            rest = wrap(value, self.width - _width(label + ": ", BOLD_FONT, size) - 4, BODY_FONT, size)
        else:
            rest = [value]
        indent = _width(label + ": ", BOLD_FONT, size) + 2
        self.line([(self.x0, label + ":", BOLD_FONT, size), (self.x0 + indent, rest[0], BODY_FONT, size)], LEADING + 1)
        for more in rest[1:]:
            self.line([(self.x0 + indent, more, BODY_FONT, size)], LEADING + 1)

    def title_line(self, text: str, size: float) -> None:
        self.line([(self.x0, text, BOLD_FONT, size)], size + 6)

    def start_columns(self) -> None:
        self.gap(PARA_GAP)
        self.ensure(4 * LEADING)
        self.width = (self.pagesize[0] - 2 * MARGIN - COLUMN_GUTTER) / 2
        self.column, self.column_top, self.column_low = 0, self.y, self.y

    def end_columns(self) -> None:
        low = min(self.column_low, self.y) if self.column == 1 else self.y
        self.column, self.x0 = -1, MARGIN
        self.width = self.pagesize[0] - 2 * MARGIN
        self.y = low


def lay_out(source: Source) -> Layout:
    """Every page of a source as drawing operations."""
    meta = source.meta
    pagesize = landscape(A4) if meta.get("landscape") else A4
    page = Layout(pagesize=pagesize)
    council, committee = meta["council"], meta["committee"]
    long_date = _long_date(source.meeting_date)
    page.title_line(council, 16)
    page.y -= 2
    if source.kind in ("report", "appendix"):
        match = APPENDIX_NUMBER.search(source.stem)
        second = "Public Report" if source.kind == "report" else f"Appendix {match['number'].upper()}" if match else "Appendix"
        page.title_line(second, 14)
        page.y -= 4
        page.cover_line("Committee", committee, essential=True)
        page.cover_line("Meeting date", long_date, essential=True)
        page.cover_line("Agenda item", meta["item"], essential=True)
        page.cover_line("Report title", meta["title"], essential=True)
        for label, value in (meta.get("cover") or {}).items():
            page.cover_line(str(label), str(value), essential=False)
        page.y -= 6
        page.rule(MARGIN, pagesize[0] - MARGIN, page.y + 4, grey=0.55)
        page.y -= 4
    else:
        page.title_line("Minutes" if source.kind == "minutes" else "Agenda", 14)
        page.title_line(committee, 13)
        page.cover_line("Meeting date", long_date, essential=True)
        page.y -= 6
        page.rule(MARGIN, pagesize[0] - MARGIN, page.y + 4, grey=0.55)
        page.y -= 4
    for block in source.blocks:
        if block.kind == "heading":
            page.heading(block.text)
        elif block.kind in ("para", "bullet"):
            page.paragraph(block.text, bullet=block.kind == "bullet")
        elif block.kind == "table":
            page.table(block.rows)
        elif block.kind == "item":
            page.item_heading(block.number, block.text)
        elif block.kind == "resolved":
            page.gap(2)
            page.line([(page.x0, "Resolved:", BOLD_FONT, BODY_SIZE)], keep=LEADING)
        elif block.kind == "pagebreak":
            if not page.at_top:
                page.new_page()
        elif block.kind == "columns":
            page.start_columns()
        elif block.kind == "end":
            page.end_columns()
        elif block.kind == "report":
            if page.column >= 0:
                page.end_columns()
            if not page.at_top or len(page.pages[-1]) > 0:
                page.new_page()
            pairs = dict(block.pairs)
            page.title_line(council, 16)
            page.y -= 2
            page.title_line("Public Report", 14)
            page.y -= 4
            if "Committee" not in pairs:
                page.cover_line("Committee", committee, essential=True)
            if "Meeting date" not in pairs:
                page.cover_line("Meeting date", long_date, essential=True)
            for label, value in block.pairs:
                page.cover_line(label, value, essential=label.lower() in ("agenda item", "report title"))
            page.y -= 6
            page.rule(MARGIN, pagesize[0] - MARGIN, page.y + 4, grey=0.55)
            page.y -= 4
    return page


def render(source: Source) -> bytes:
    """The PDF of one source, identical bytes on every run."""
    layout = lay_out(source)
    meta = source.meta
    buffer = io.BytesIO()
    # invariant=1 fixes the creation date and document id, so the same source gives the same bytes.
    pdf = canvas.Canvas(buffer, pagesize=layout.pagesize, invariant=1, pageCompression=1)
    pdf.setTitle(str(meta.get("title") or f"{meta['committee']} {meta['kind']}, {_long_date(source.meeting_date)}"))
    pdf.setAuthor("Demo corpus: a reconstruction from the public record, not the council's own document")
    pdf.setSubject(f"{meta['council']}, {meta['committee']}, {source.meeting_date}")
    pdf.setCreator("corpus/build_corpus.py")
    pdf.setProducer("corpus/build_corpus.py (reportlab)")
    width, height = layout.pagesize
    header = f"{_short_council(meta['council'])}  |  {meta['committee']}  |  {_long_date(source.meeting_date)}"
    total = len(layout.pages)
    for number, ops in enumerate(layout.pages, start=1):
        if number > 1:
            _draw_line(pdf, [(MARGIN, header, BODY_FONT, 8.5)], height - 40)
            pdf.setStrokeGray(0.55)
            pdf.setLineWidth(0.5)
            pdf.line(MARGIN, height - 45, width - MARGIN, height - 45)
        for op in ops:
            if op[0] == "rule":
                _, x1, x2, y, grey, fill_height = op
                if fill_height:
                    pdf.setFillGray(grey)
                    pdf.rect(x1, y, x2 - x1, fill_height, stroke=0, fill=1)
                    pdf.setFillGray(0)
                else:
                    pdf.setStrokeGray(grey)
                    pdf.setLineWidth(0.5)
                    pdf.line(x1, y, x2, y)
            else:
                _draw_line(pdf, op[2], op[1])
        footer = f"Page {number} of {total}"
        _draw_line(pdf, [((width - _width(footer, BODY_FONT, 9)) / 2, footer, BODY_FONT, 9)], 34)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_line(pdf: canvas.Canvas, segments: list[Segment], y: float) -> None:
    """Segments of one line in one text object (pypdf reads them as one line, spaced)."""
    x_start = segments[0][0]
    text = pdf.beginText(x_start, y)
    x = x_start
    for index, (seg_x, content, font, size) in enumerate(segments):
        if index:
            text.moveCursor(seg_x - x, 0)
            x = seg_x
        text.setFont(font, size)
        text.textOut(content)
    pdf.setFillGray(0)
    pdf.drawText(text)


# ---------------------------------------------------------------- build, check, README


def build(sources: list[Source], out: Path = PDFS) -> list[Path]:
    """Draw every source's PDF into out; files whose bytes are unchanged are not rewritten."""
    written: list[Path] = []
    for source in sources:
        path = source.pdf_path(out)
        data = render(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written


def parse(path: Path, root: Path = ROOT):
    """What the project's own parser makes of a PDF (an ingest Paper)."""
    sys.path.insert(0, str(root))
    from ingest.pipeline import parse_pdf
    from ingest.settings import Settings

    try:
        source = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        source = path.resolve().as_posix()
    return parse_pdf(path.read_bytes(), source=source, settings=Settings(root=root, ocr=False))


def check_source(source: Source, out: Path = PDFS, root: Path = ROOT) -> list[str]:
    """Mismatches between a source's front matter and the parse of its PDF (empty when they agree)."""
    problems = validate(source)
    if problems:
        return problems
    name = source.path.name
    path = source.pdf_path(out)
    if not path.is_file():
        return [f"{name}: {path} is missing (run corpus/build_corpus.py)"]
    paper = parse(path, root)
    meta = source.meta
    found = {
        "council": paper.meeting.council,
        "committee": paper.meeting.committee,
        "meeting_date": paper.meeting.meeting_date,
        "doc_type": paper.doc_type,
    }
    wanted = {"council": meta["council"], "committee": meta["committee"], "meeting_date": source.meeting_date, "doc_type": source.kind}
    if source.kind in ("report", "appendix"):
        found |= {"item": paper.items[0].number if paper.items else "", "title": paper.title}
        wanted |= {"item": meta["item"], "title": meta["title"]}
    problems = [
        f"{name}: parsed {key} {found[key]!r}, front matter says {wanted[key]!r}" for key in wanted if found[key] != wanted[key]
    ]
    if source.kind in ("minutes", "agenda"):
        parsed = [(item.number, item.title) for item in paper.items if item.number]
        expected = source.expected_items()
        if parsed != expected:
            problems.append(f"{name}: parsed items {parsed}, source has {expected}")
    header = f"{_short_council(meta['council'])} | {meta['committee']}"
    for page in paper.pages[1:]:
        if header in " ".join(page.text.split()):
            problems.append(f"{name}: the running header survives cleaning on page {page.number} (papers need 3+ pages)")
            break
    return problems


def check(sources: list[Source], out: Path = PDFS, root: Path = ROOT) -> list[str]:
    """Every mismatch in the corpus."""
    return [problem for source in sources for problem in check_source(source, out, root)]


def page_count(path: Path) -> int:
    """Pages in a PDF (pypdf, as ingest reads it)."""
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def papers_table(sources: list[Source], out: Path = PDFS) -> str:
    """The corpus README's generated section: every paper, then what was invented or assumed for each."""
    rows = [
        "| PDF | kind | committee | meeting date | item | title | pages |",
        "|---|---|---|---|---|---|---|",
    ]
    notes: list[str] = []
    total_pages = 0
    for source in sorted(sources, key=lambda s: s.meta.get("file", "")):
        meta = source.meta
        path = source.pdf_path(out)
        pages = page_count(path) if path.is_file() else 0
        total_pages += pages
        rows.append(
            f"| {meta['file']} | {source.kind} | {meta['committee']} | {source.meeting_date} "
            f"| {meta['item'] or '–'} | {meta['title'] or '–'} | {pages} |"
        )
        invented = [str(t) for t in meta.get("invented_items") or []]
        facts = [str(t) for t in meta.get("invented_facts") or []]
        if invented or facts:
            notes.append(f"- **{meta['file']}**")
            if invented:
                notes.append(f"  - invented items: {'; '.join(invented)}")
            notes.extend(f"  - {fact}" for fact in facts)
    return "\n".join(
        [
            README_START,
            "",
            f"{len(sources)} PDFs, {total_pages} pages.",
            "",
            *rows,
            "",
            "Invented items and assumed or reconstructed content, per paper (from each source's",
            "`invented_items` and `invented_facts` front matter):",
            "",
            *notes,
            "",
            README_END,
        ]
    )


def refresh_readme(sources: list[Source], out: Path = PDFS, readme: Path = README) -> bool:
    """Rewrite the generated section of corpus/README.md; True when it changed."""
    if not readme.is_file():
        return False
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < 0:
        return False
    new = text[:start] + papers_table(sources, out) + text[end + len(README_END) :]
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    """Command line: build (default) or --check."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="parse every PDF with ingest and compare with its source")
    parser.add_argument("--out", type=Path, default=PDFS, help="folder to draw the PDFs into (default corpus/pdfs)")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="folder of source files (default corpus/source)")
    parser.add_argument("only", nargs="*", help="stems to draw or check (default: all)")
    args = parser.parse_args(argv)
    sources = load_sources(args.sources)
    if args.only:
        sources = [s for s in sources if s.stem in args.only or s.path.name in args.only]
    if args.check:
        problems = check(sources, args.out)
        for problem in problems:
            print(problem)
        print(f"checked {len(sources)} PDFs: {len(problems)} mismatches", file=sys.stderr)
        return 1 if problems else 0
    problems = [problem for source in sources for problem in validate(source)]
    if problems:
        print("\n".join(problems))
        return 1
    paths = build(sources, args.out)
    pages = sum(page_count(path) for path in paths)
    if args.out.resolve() == PDFS.resolve() and not args.only and refresh_readme(sources, args.out):
        print(f"updated {README.relative_to(ROOT)}")
    print(f"{len(paths)} PDFs, {pages} pages in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
