"""A council's public committee papers from its ModernGov site -> one folder per meeting with meeting.json.

The only HTTP client import in ingest (httpx, loaded lazily). What is read, and where the formats were
learned, is in the README (*Fetching a council's papers*):

- the public web service `mgWebService.asmx` (plain GET): GetCommittees, GetMeetings (lCommitteeId,
  sFromDate, sToDate as dd/mm/yyyy; some sites ignore the dates, so they are checked here too) and
  GetMeeting (lMeetingId), whose agenda items carry their linked documents;
- the public pages where the web service does not answer: mgListCommittees.aspx, ieListMeetings.aspx,
  ieListDocuments.aspx (a meeting's agenda items and its own documents), mgIssueHistoryHome.aspx (the
  meetings that dealt with one issue).

Polite and safe: one request at a time with a delay between requests, retries with backoff on 429 and
5xx, a User-Agent naming the project, a timeout and a size limit per file, documents only from the
site's own host (a redirect elsewhere is refused and reported), safe file names, nothing written
outside the output folder, every file written to a temporary name and renamed. A re-run asks the site
whether each document changed (ETag / Last-Modified, then size) and downloads only what did.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urljoin, urlsplit, urlunsplit
from xml.etree import ElementTree

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import IngestError

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

USER_AGENT = "council-papers-assistant/0.1 (fetches a council's public committee papers; one request at a time)"
STATE_FILE = ".fetch-state.json"
MANIFEST = "meeting.json"
PART_SUFFIX = ".part"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 60.0
"""Longest Retry-After honoured, in seconds: a site asking for more is treated as failing."""
MAX_PAGE_BYTES = 20_000_000
"""Largest web-service answer or HTML page read."""
FIRST_DATE = date(1990, 1, 1)
LAST_DATE = date(2100, 12, 31)
MG_DATE = "%d/%m/%Y"
"""ModernGov's web service writes and reads dates as dd/mm/yyyy."""
SAFE_CHARS = re.compile(r"[^\w .,()&'+-]+")
"""What a file or folder name keeps: letters, digits and the punctuation ModernGov's own names use
("Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"); anything else (slashes, colons, control
characters, quotes) becomes a space."""
NAME_LIMIT = 120
SIZE_SUFFIX = re.compile(r"\s*\b(?:PDF|DOC|DOCX|XLSX?|HTML?)\s+[\d.,]+\s*[KMG]B\s*$", re.IGNORECASE)
"""ModernGov link texts end with the file's type and size ("Report PDF 896 KB")."""
ITEM_HINT = re.compile(r"\(\s*Item\s+([\w./-]+)\s*\)", re.IGNORECASE)
"""An issue page names the item a meeting took it as: "Meeting: 28/03/2022 - Cabinet (Item 126)"."""
ISSUE_PAGES = frozenset({"mgissuehistoryhome.aspx", "ieissuedetails.aspx"})
"""An issue's pages: the meetings that dealt with it ("Issue - meetings") and its details with history."""
PACK = re.compile(r"\bpack\b", re.IGNORECASE)
"""A meeting's reports pack repeats its items' own documents, which are fetched one by one."""
COUNCIL_WORDS = re.compile(r"\b(?:council|authority|borough|county|parish|combined|district|city of)\b", re.IGNORECASE)
MONTHS = "january february march april may june july august september october november december".split()
LONG_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*,?\s+(\d{4})\b", re.IGNORECASE
)
SHORT_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


# -- settings, errors and records -----------------------------------------------------------------


class FetchSettings(BaseSettings):
    """How politely and how much to fetch; COUNCIL_FETCH_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="COUNCIL_FETCH_", extra="ignore")

    delay: float = Field(default=1.0, ge=0, description="Seconds between two requests to the site.")
    timeout: float = Field(default=30.0, gt=0, description="Seconds to wait for the site before giving up on a request.")
    retries: int = Field(default=3, ge=0, description="Retries of a request the site answered with 429 or 5xx, or could not be reached for.")
    backoff: float = Field(default=2.0, ge=0, description="Seconds before the first retry; each further retry waits twice as long.")
    max_bytes: int = Field(default=50_000_000, gt=0, description="Largest document downloaded, in bytes.")
    user_agent: str = Field(default=USER_AGENT, description="The User-Agent header: names the project to the council.")


class FetchError(IngestError):
    """The site could not be fetched at all (one line, shown as is)."""


class NotModernGov(FetchError):
    """The URL is not a ModernGov site."""


class Unreachable(FetchError):
    """The site could not be reached, or did not answer in time."""


class Refused(FetchError):
    """A document was not fetched because it broke a rule (off-host, too big, not a PDF)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Committee:
    """A committee of the site."""

    committee_id: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentLink:
    """One public document of a meeting, as the site lists it."""

    url: str
    title: str
    item: str = ""
    """The agenda item it belongs to ("126"), or "" for the meeting's own documents (frontsheet, minutes)."""
    item_title: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingPapers:
    """A meeting and the documents it published."""

    meeting_id: str
    committee: str
    meeting_date: str
    """ISO date."""
    url: str
    """The meeting's public page (ieListDocuments.aspx)."""
    documents: tuple[DocumentLink, ...]


@dataclass(slots=True, kw_only=True)
class FetchReport:
    """What one fetch did."""

    meetings: int = 0
    documents: int = 0
    downloaded: int = 0
    unchanged: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    """Meeting folders written, relative to the output folder."""
    source: str = ""
    """web service or pages: how the meetings were read."""

    def to_json(self) -> dict:
        """The shape printed by `ingest fetch --json`."""
        return {
            "meetings": self.meetings,
            "documents": self.documents,
            "downloaded": self.downloaded,
            "unchanged": self.unchanged,
            "failed": list(self.failed),
        }


Progress = Callable[[int, int, str], None]
"""progress(done, total, what) — called as each document is dealt with."""


# -- the site -------------------------------------------------------------------------------------


def site_base(url: str) -> str:
    """The folder of a ModernGov site a URL is in ("https://host/Internet/"), or FetchError for a non-URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: not an http(s) URL")
    path = parts.path or "/"
    if not path.endswith("/"):
        last = path.rsplit("/", 1)[-1]
        path = path.rsplit("/", 1)[0] + "/" if "." in last else path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


class Site:
    """One ModernGov site, asked politely: one request at a time, a delay between, retries with backoff."""

    def __init__(self, url: str, settings: FetchSettings, *, client: httpx.Client | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        import httpx

        self.base = site_base(url)
        self.settings = settings
        self._parts = urlsplit(self.base)
        self._sleep = sleep
        self._clock = clock
        self._last = float("-inf")
        self.council = ""
        """The council's name: given, or read from the site's page titles."""
        self.client = client or httpx.Client(
            headers={"User-Agent": settings.user_agent}, timeout=settings.timeout, follow_redirects=False
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def url(self, page: str, **params: str) -> str:
        """A URL of the site: page relative to its folder, with query parameters."""
        from urllib.parse import urlencode

        query = urlencode(params)
        return urljoin(self.base, page) + (f"?{query}" if query else "")

    def on_site(self, url: str) -> bool:
        """Whether url is on the site's own host (same host name and port; http and https both count)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        same_port = _port(parts) == _port(self._parts) or parts.scheme != self._parts.scheme
        return parts.hostname.lower() == (self._parts.hostname or "").lower() and same_port

    def same_scheme(self, url: str) -> str:
        """A document URL of the site's host with the site's own scheme (GetMeeting hands some out as http://)."""
        parts = urlsplit(url)
        if parts.scheme != self._parts.scheme and parts.hostname and parts.hostname.lower() == (self._parts.hostname or "").lower():
            return urlunsplit((self._parts.scheme, self._parts.netloc, parts.path, parts.query, ""))
        return url

    def _wait_turn(self) -> None:
        wait = self._last + self.settings.delay - self._clock()
        if wait > 0:
            self._sleep(wait)
        self._last = self._clock()

    def open(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        """GET url as a stream (the caller closes it), following redirects on the site only, retrying 429/5xx."""
        import httpx

        attempt = 0
        while True:
            current = url
            for _ in range(MAX_REDIRECTS + 1):
                if not self.on_site(current):
                    raise Refused(f"redirected off the site to {urlsplit(current).netloc or current}; not followed")
                self._wait_turn()
                try:
                    response = self.client.send(self.client.build_request("GET", current, headers=headers), stream=True)
                except httpx.TimeoutException as exc:
                    raise Unreachable(f"the site did not answer within {self.settings.timeout:g} s") from exc
                except httpx.TransportError as exc:
                    if attempt < self.settings.retries:
                        attempt += 1
                        self._sleep(self.settings.backoff * 2 ** (attempt - 1))
                        break
                    raise Unreachable(f"could not reach {self._parts.netloc} ({exc.__class__.__name__}: {exc})") from exc
                if response.has_redirect_location:
                    location = response.headers.get("location", "")
                    response.close()
                    current = urljoin(current, location)
                    continue
                if response.status_code in RETRY_STATUSES and attempt < self.settings.retries:
                    wait = self._retry_after(response) or self.settings.backoff * 2**attempt
                    response.close()
                    attempt += 1
                    log.info("%s answered %s; retry %d in %.1f s", current, response.status_code, attempt, wait)
                    self._sleep(wait)
                    break
                return response
            else:
                raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _retry_after(self, response: httpx.Response) -> float:
        try:
            return min(float(response.headers.get("retry-after", "")), MAX_RETRY_AFTER)
        except ValueError:
            return 0.0

    def text(self, url: str) -> str:
        """The body of a page or web-service answer, or FetchError naming the status."""
        response = self.open(url)
        try:
            if response.status_code != 200:
                raise FetchError(f"{url}: the site answered {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_PAGE_BYTES:
                    raise FetchError(f"{url}: answer over {MAX_PAGE_BYTES:,} bytes")
            return bytes(body).decode(response.encoding or "utf-8", errors="replace")
        finally:
            response.close()


# -- reading the web service ----------------------------------------------------------------------

HTML_BODIES = re.compile(r"<(\w*htmlbody)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
"""Minutes and decisions as HTML inside GetMeeting's items (minutesnonemptyhtmlbody, ...): not always
well-formed XML, and not needed here."""
DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>", re.IGNORECASE)


def parse_xml(text: str) -> ElementTree.Element:
    """A web-service answer as elements with their namespaces dropped; malformed HTML bodies are cut first."""
    text = DOCTYPE.sub("", text)  # no entity definitions from a remote site
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        try:
            root = ElementTree.fromstring(HTML_BODIES.sub("", text))
        except ElementTree.ParseError as exc:
            raise FetchError(f"the web service answered with XML that does not parse ({exc})") from exc
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rsplit("}", 1)[1]
        element.tag = element.tag.lower() if isinstance(element.tag, str) else element.tag
    return root


def _child(element: ElementTree.Element, name: str) -> str:
    found = element.find(name)
    return (found.text or "").strip() if found is not None else ""


def parse_committees(root: ElementTree.Element) -> list[Committee]:
    """GetCommittees: <committee><committeeid/><committeetitle/></committee> ..."""
    out = []
    for element in root.iter("committee"):
        committee_id, title = _child(element, "committeeid"), _child(element, "committeetitle")
        if committee_id and title:
            out.append(Committee(committee_id=committee_id, title=html.unescape(title)))
    return out


def mg_date(text: str) -> str:
    """dd/mm/yyyy (the web service's form, possibly with a time) as an ISO date, or ""."""
    match = SHORT_DATE.search(text or "")
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return ""
    match = re.search(r"\b(\d{4})-(\d{2})-(\d{2})", text or "")
    return "-".join(match.groups()) if match else ""


def parse_meetings(root: ElementTree.Element) -> list[tuple[str, str]]:
    """GetMeetings: (meeting id, ISO date) of each <meeting><meetingid/><meetingdate/></meeting>."""
    out = []
    for element in root.iter("meeting"):
        meeting_id, when = _child(element, "meetingid"), mg_date(_child(element, "meetingdate"))
        if meeting_id and when:
            out.append((meeting_id, when))
    return out


def parse_meeting_documents(root: ElementTree.Element) -> list[DocumentLink]:
    """GetMeeting: each agenda item's public linked documents, with the item's number and title."""
    out = []
    for element in root.iter("agendaitem"):
        title = html.unescape(_child(element, "agendaitemtitle"))
        number = _child(element, "agendaitemnumber")
        if not number:
            minutes_number = _child(element, "minutesitemnumber")
            number = minutes_number if minutes_number not in ("", "0") else ""
        for doc in element.iter("linkeddoc"):
            url = _child(doc, "url")
            if not url or _child(doc, "isrestricted").lower() == "true":
                continue
            out.append(DocumentLink(url=url, title=html.unescape(_child(doc, "title")), item=number, item_title=title))
    return out


# -- reading the public pages ---------------------------------------------------------------------

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass(slots=True)
class Node:
    """An element of a page: just enough of a DOM to read ModernGov's tables and links."""

    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)

    def classes(self) -> set[str]:
        """The element's class names."""
        return set(self.attrs.get("class", "").split())

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This element and every element inside it, in document order."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, Node):
                    walk(child)
                else:
                    parts.append(child)

        walk(self)
        return " ".join(" ".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    """A page as a tree of Nodes (stdlib html.parser; tolerant of unclosed tags)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def _query(url: str) -> dict[str, str]:
    return {k.lower(): v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _page_name(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1].lower()


def link_title(text: str) -> str:
    """A link's text without ModernGov's "PDF 896 KB" suffix."""
    return SIZE_SUFFIX.sub("", " ".join(text.split())).strip()


def is_document(url: str) -> bool:
    """Whether a link on a ModernGov page is a document: documents/s.../x.pdf, documents/g.../x.pdf, mgConvert2PDF.aspx."""
    path = urlsplit(url).path.lower()
    return "/documents/" in path or path.endswith(".pdf") or path.endswith("mgconvert2pdf.aspx")


def long_date(text: str) -> str:
    """"Monday, 28th March, 2022" or "28 Mar 2022" or "28/03/2022" as an ISO date, or ""."""
    match = LONG_DATE.search(text)
    if match:
        day, month, year = int(match.group(1)), [m[:3] for m in MONTHS].index(match.group(2)[:3].lower()) + 1, int(match.group(3))
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return ""
    return mg_date(text)


def council_from_title(page: Node) -> str:
    """The council a page's <title> names after its last " - " or " | ", when that looks like a council."""
    for title in page.iter("title"):
        tail = re.split(r"\s+[-|–]\s+", title.text())[-1].strip()
        if tail and COUNCIL_WORDS.search(tail) and len(tail) <= 80:
            return tail
    return ""


def parse_committee_list(page: Node, site: Site) -> list[Committee]:
    """mgListCommittees.aspx: links to mgCommitteeDetails.aspx?ID=N, the committee's name as their text."""
    out: dict[str, Committee] = {}
    for a in page.iter("a"):
        href = urljoin(site.base, a.attrs.get("href", ""))
        if _page_name(href) == "mgcommitteedetails.aspx":
            committee_id, title = _query(href).get("id", ""), a.text()
            if committee_id and title and committee_id not in out:
                out[committee_id] = Committee(committee_id=committee_id, title=title)
    return list(out.values())


def parse_meeting_links(page: Node, site: Site) -> list[tuple[str, str, str, str]]:
    """Links to meetings (ieListDocuments.aspx?CId=&MId=): (meeting id, committee id, ISO date from the text, text)."""
    out: dict[str, tuple[str, str, str, str]] = {}
    for a in page.iter("a"):
        href = urljoin(site.base, a.attrs.get("href", ""))
        if _page_name(href) != "ielistdocuments.aspx":
            continue
        query = _query(href)
        meeting_id = query.get("mid") or query.get("meetingid") or ""
        text = a.text()
        if meeting_id and meeting_id not in out:
            out[meeting_id] = (meeting_id, query.get("cid", ""), long_date(text), text)
    return list(out.values())


@dataclass(slots=True)
class MeetingPage:
    """What ieListDocuments.aspx says about one meeting."""

    committee: str = ""
    meeting_date: str = ""
    council: str = ""
    items: list[tuple[str, str, list[DocumentLink], set[str]]] = field(default_factory=list)
    """(number, title, documents, issue ids the item links to) per agenda item."""
    own: list[DocumentLink] = field(default_factory=list)
    """The meeting's own documents (frontsheet, printed minutes, decisions)."""


def parse_meeting_page(page: Node, site: Site) -> MeetingPage:
    """ieListDocuments.aspx: the heading ("Cabinet - Monday, 28th March, 2022 10.00 am"), the agenda items
    of table.mgItemTable (number in td.mgItemNumberCell, title in .mgAiTitleTxt, documents as links) and
    the meeting's own documents (documents/g<MId>/...)."""
    out = MeetingPage(council=council_from_title(page))
    for heading in [*page.iter("h1"), *page.iter("h2")]:
        text = heading.text()
        when = long_date(text)
        if when and " - " in text:
            out.committee, out.meeting_date = text.split(" - ", 1)[0].strip(), when
            break
    in_items: set[int] = set()
    for table in page.iter("table"):
        if "mgItemTable" not in table.classes() and table.attrs.get("id") != "mgItemTable":
            continue
        for row in table.iter("tr"):
            cells = [c for c in row.children if isinstance(c, Node) and c.tag == "td"]
            number_cell = next((c for c in cells if "mgItemNumberCell" in c.classes()), cells[0] if len(cells) > 1 else None)
            if number_cell is None:
                continue
            number = number_cell.text().rstrip(".").strip()
            body = [c for c in cells if c is not number_cell]
            title_node = next((n for c in body for n in c.iter() if "mgAiTitleTxt" in n.classes()), None)
            title = link_title(title_node.text()) if title_node is not None else ""
            documents, issues = [], set()
            for cell in body:
                for a in cell.iter("a"):
                    href = urljoin(site.base, a.attrs.get("href", ""))
                    in_items.add(id(a))
                    if _page_name(href) == "mgissuehistoryhome.aspx":
                        issues.add(_query(href).get("iid", ""))
                    elif is_document(href):
                        documents.append(DocumentLink(url=href, title=link_title(a.text()) or title, item=number, item_title=title))
            if number or documents:
                out.items.append((number, title, documents, issues))
    for a in page.iter("a"):
        href = urljoin(site.base, a.attrs.get("href", ""))
        if id(a) not in in_items and is_document(href) and "/documents/g" in urlsplit(href).path.lower():
            out.own.append(DocumentLink(url=href, title=link_title(a.text()) or a.attrs.get("title", "")))
    return out


# -- names and files ------------------------------------------------------------------------------


def safe_name(name: str, *, suffix: str = "") -> str:
    """A file or folder name that cannot leave its folder: no separators, no dots in front, no control characters."""
    for _ in range(3):  # %252e%252e -> %2e%2e -> ..
        name = unquote(name)
    name = SAFE_CHARS.sub(" ", unicodedata.normalize("NFC", name))
    name = " ".join(name.split()).strip(" .-_")
    if suffix and name.lower().endswith(suffix):
        name = name[: -len(suffix)].rstrip(" .")
    name = name[:NAME_LIMIT].rstrip(" .") or "document"
    return name + suffix


def document_file_name(link: DocumentLink) -> str:
    """The file name a document is saved under: ModernGov's own (the URL's last part) or, for
    mgConvert2PDF.aspx?ID=..., its title."""
    last = unquote(unquote(urlsplit(link.url).path.rsplit("/", 1)[-1]))
    if last.lower().endswith(".pdf"):
        return safe_name(last, suffix=".pdf")
    return safe_name(link.title or last, suffix=".pdf")


def _inside(folder: Path, path: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary name beside the file, then rename: a reader never sees half a file."""
    partial = path.with_name(f".{path.name}{PART_SUFFIX}")
    partial.write_bytes(data)
    os.replace(partial, path)


def remove_partials(out: Path) -> int:
    """Delete temporary files an interrupted run left behind; how many."""
    count = 0
    for partial in out.rglob(f".*{PART_SUFFIX}"):
        if partial.is_file() and _inside(out, partial):
            partial.unlink()
            count += 1
    return count


class State:
    """What earlier runs downloaded, by document URL: file, ETag, Last-Modified, size (the file .fetch-state.json)."""

    def __init__(self, out: Path) -> None:
        self.path = out / STATE_FILE
        try:
            self.documents: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8")).get("documents", {})
        except (OSError, ValueError, AttributeError):
            self.documents = {}

    def save(self) -> None:
        """Write the state atomically."""
        write_atomically(self.path, json.dumps({"version": 1, "documents": self.documents}, indent=1, sort_keys=True).encode())


# -- fetching -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Wanted:
    """Which meetings to fetch."""

    committees: tuple[str, ...] = ()
    """Committee names (or ids); empty means all."""
    date_from: date | None = None
    date_to: date | None = None

    def accepts_date(self, iso: str) -> bool:
        """Whether a meeting on this ISO date is wanted."""
        if not iso:
            return False
        when = date.fromisoformat(iso)
        return (self.date_from is None or when >= self.date_from) and (self.date_to is None or when <= self.date_to)

    def accepts_committee(self, committee: Committee | str) -> bool:
        """Whether a committee is wanted (by name, case and spacing aside, or by id)."""
        if not self.committees:
            return True
        title = committee.title if isinstance(committee, Committee) else committee
        key = " ".join(title.lower().split())
        ident = committee.committee_id if isinstance(committee, Committee) else ""
        return any(" ".join(c.lower().split()) == key or (ident and c.strip() == ident) for c in self.committees)


def _choose(committees: list[Committee], wanted: Wanted) -> list[Committee]:
    chosen = [c for c in committees if wanted.accepts_committee(c)]
    if wanted.committees:
        missing = [name for name in wanted.committees if not any(Wanted(committees=(name,)).accepts_committee(c) for c in chosen)]
        if missing:
            known = "; ".join(sorted({c.title for c in committees})[:40])
            raise FetchError(f"no committee called {', '.join(missing)} on this site (it has: {known})")
    return chosen


def _web_service(site: Site) -> list[Committee] | None:
    """The committees by the web service, or None when the site does not answer it."""
    try:
        text = site.text(site.url("mgWebService.asmx/GetCommittees"))
        root = parse_xml(text)
    except Unreachable:
        raise
    except FetchError:  # 404, an HTML page instead of XML, a redirect off the site: no web service
        return None
    return parse_committees(root) if root.tag == "committees" or root.find(".//committee") is not None else None


def meetings_by_web_service(site: Site, committees: list[Committee], wanted: Wanted, report: FetchReport) -> Iterator[MeetingPapers]:
    """GetMeetings per committee, then GetMeeting per meeting in range; the meeting page adds its own documents."""
    low, high = wanted.date_from or FIRST_DATE, wanted.date_to or LAST_DATE
    for committee in committees:
        try:
            root = parse_xml(site.text(site.url(
                "mgWebService.asmx/GetMeetings", lCommitteeId=committee.committee_id,
                sFromDate=low.strftime(MG_DATE), sToDate=high.strftime(MG_DATE),
            )))
        except FetchError as exc:
            report.failed.append({"url": site.url("mgWebService.asmx/GetMeetings", lCommitteeId=committee.committee_id), "error": str(exc)})
            continue
        for meeting_id, when in parse_meetings(root):
            if not wanted.accepts_date(when):  # some sites ignore sFromDate/sToDate
                continue
            page_url = site.url("ieListDocuments.aspx", CId=committee.committee_id, MId=meeting_id)
            try:
                documents = parse_meeting_documents(parse_xml(site.text(site.url("mgWebService.asmx/GetMeeting", lMeetingId=meeting_id))))
                page = parse_meeting_page(parse_html(site.text(page_url)), site)
            except FetchError as exc:
                report.failed.append({"url": page_url, "error": str(exc)})
                continue
            site.council = site.council or page.council
            own = [d for d in page.own if not PACK.search(d.title)]
            yield MeetingPapers(meeting_id=meeting_id, committee=committee.title, meeting_date=when, url=page_url, documents=(*own, *documents))


def meetings_by_pages(site: Site, committees: list[Committee], wanted: Wanted, report: FetchReport) -> Iterator[MeetingPapers]:
    """ieListMeetings.aspx per committee (one page per year of the range, or the site's default), then ieListDocuments.aspx."""
    years = ["0"] if wanted.date_from is None and wanted.date_to is None else [
        str(y) for y in range((wanted.date_from or FIRST_DATE).year, (wanted.date_to or date.today()).year + 1)
    ]
    for committee in committees:
        seen: set[str] = set()
        for year in years:
            listing = site.url("ieListMeetings.aspx", CId=committee.committee_id, Year=year)
            try:
                links = parse_meeting_links(parse_html(site.text(listing)), site)
            except FetchError as exc:
                report.failed.append({"url": listing, "error": str(exc)})
                continue
            for meeting_id, _, when, _ in links:
                if meeting_id in seen or (when and not wanted.accepts_date(when)):
                    continue
                seen.add(meeting_id)
                meeting = _meeting_from_page(site, committee.committee_id, meeting_id, committee.title, when, report)
                if meeting is not None and wanted.accepts_date(meeting.meeting_date):
                    yield meeting


def _meeting_from_page(site: Site, committee_id: str, meeting_id: str, committee: str, when: str, report: FetchReport,
                       keep=None) -> MeetingPapers | None:
    page_url = site.url("ieListDocuments.aspx", CId=committee_id, MId=meeting_id) if committee_id else site.url("ieListDocuments.aspx", MId=meeting_id)
    try:
        page = parse_meeting_page(parse_html(site.text(page_url)), site)
    except FetchError as exc:
        report.failed.append({"url": page_url, "error": str(exc)})
        return None
    site.council = site.council or page.council
    items = [i for i in page.items if keep is None or keep(i)]
    documents = [d for _, _, docs, _ in items for d in docs]
    own = [d for d in page.own if not PACK.search(d.title)]
    if keep is not None:  # an issue's meeting: its items, and the minutes or decisions that record them
        own = [d for d in own if re.search(r"minute|decision", d.title, re.IGNORECASE)]
    return MeetingPapers(
        meeting_id=meeting_id, committee=page.committee or committee, meeting_date=page.meeting_date or when,
        url=page_url, documents=(*own, *documents),
    )


def meetings_of_issue(site: Site, issue_url: str, wanted: Wanted, report: FetchReport) -> Iterator[MeetingPapers]:
    """mgIssueHistoryHome.aspx?IId=N: every meeting that dealt with the issue, and of each only the issue's items."""
    issue_id = _query(issue_url).get("iid", "")
    page = parse_html(site.text(issue_url))
    site.council = site.council or council_from_title(page)
    links = parse_meeting_links(page, site)
    if not links:
        raise FetchError(f"{issue_url}: the issue page links no meetings")
    for meeting_id, committee_id, when, text in links:
        committee = text.split(" - ", 1)[1] if " - " in text else ""
        committee = ITEM_HINT.sub("", committee).strip()
        hint = ITEM_HINT.search(text)
        number = hint.group(1).rstrip(".") if hint else ""
        if committee and not wanted.accepts_committee(committee):
            continue
        if when and not wanted.accepts_date(when):
            continue

        def keep(item, number=number):
            item_number, _, _, issues = item
            return issue_id in issues or (number and item_number == number)

        meeting = _meeting_from_page(site, committee_id, meeting_id, committee, when, report, keep=keep)
        if meeting is not None and wanted.accepts_date(meeting.meeting_date) and wanted.accepts_committee(meeting.committee):
            yield meeting


def fetch_site(
    url: str,
    out: Path,
    *,
    settings: FetchSettings | None = None,
    committees: tuple[str, ...] = (),
    date_from: date | None = None,
    date_to: date | None = None,
    council: str = "",
    progress: Progress | None = None,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchReport:
    """Fetch the public papers of a ModernGov site (its root, or one issue page) into out/<committee>/<date>/."""
    settings = settings or FetchSettings()
    wanted = Wanted(committees=tuple(c for c in committees if c.strip()), date_from=date_from, date_to=date_to)
    if date_from and date_to and date_from > date_to:
        raise FetchError(f"--from {date_from} is after --to {date_to}")
    site = Site(url, settings, client=client, sleep=sleep)
    site.council = council
    report = FetchReport()
    try:
        meetings = list(_meetings(site, url, wanted, report))
        out.mkdir(parents=True, exist_ok=True)
        removed = remove_partials(out)
        if removed:
            log.info("removed %d partial files an interrupted run left", removed)
        state = State(out)
        report.meetings = len(meetings)
        report.documents = len({d.url for m in meetings for d in m.documents})
        done = 0
        for meeting in meetings:
            done = _save_meeting(site, meeting, out, state, report, progress, done)
    finally:
        site.close()
    return report


def _meetings(site: Site, url: str, wanted: Wanted, report: FetchReport) -> Iterator[MeetingPapers]:
    if _page_name(url) in ISSUE_PAGES:
        if not _query(url).get("iid"):
            raise FetchError(f"{url}: an issue page needs its IId")
        try:
            yield from meetings_of_issue(site, url, wanted, report)
        except FetchError as exc:
            if not isinstance(exc, Unreachable):
                raise NotModernGov(f"{url}: not a ModernGov issue page ({exc})") from exc
            raise
        return
    committees = _web_service(site)
    if committees is not None:
        report.source = "web service"
        yield from meetings_by_web_service(site, _choose(committees, wanted), wanted, report)
        return
    try:
        listing = parse_html(site.text(site.url("mgListCommittees.aspx", bcr="1")))
    except Unreachable:
        raise
    except FetchError as exc:
        raise NotModernGov(f"{site.base} is not a ModernGov site: neither mgWebService.asmx nor mgListCommittees.aspx answered ({exc})") from exc
    committees = parse_committee_list(listing, site)
    if not committees:
        raise NotModernGov(f"{site.base} is not a ModernGov site: mgListCommittees.aspx lists no committees")
    site.council = site.council or council_from_title(listing)
    report.source = "pages"
    yield from meetings_by_pages(site, _choose(committees, wanted), wanted, report)


def _save_meeting(site: Site, meeting: MeetingPapers, out: Path, state: State, report: FetchReport,
                  progress: Progress | None, done: int) -> int:
    folder = out / safe_name(meeting.committee or "Unknown committee") / meeting.meeting_date
    if not _inside(out, folder):  # cannot happen after safe_name; kept as the last line of defence
        report.failed.append({"url": meeting.url, "error": f"folder {folder} would be outside {out}; not written"})
        return done
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    entries = []
    seen: set[str] = set()
    for link in meeting.documents:
        if link.url in seen:
            continue
        seen.add(link.url)
        url = site.same_scheme(link.url)
        name = _unique(document_file_name(link), used, state.documents.get(url, {}).get("file"), folder, out)
        target = folder / name
        try:
            if not site.on_site(url):
                raise Refused(f"not on the site's host ({urlsplit(url).netloc or url}); not fetched")
            if not _inside(out, target):
                raise Refused(f"{name} would be written outside {out}; not fetched")
            changed = _download(site, url, target, state, out)
            if changed:
                report.downloaded += 1
            else:
                report.unchanged += 1
            entries.append({"file": name, "item": link.item, "item_title": link.item_title, "title": link.title or Path(name).stem, "url": url})
        except FetchError as exc:
            report.failed.append({"url": url, "error": str(exc)})
        done += 1
        if progress:
            progress(done, report.documents, name)
    manifest = {
        "council": site.council,
        "committee": meeting.committee,
        "meeting_date": meeting.meeting_date,
        "url": meeting.url,
        "documents": entries,
    }
    write_atomically(folder / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    report.folders.append(folder.relative_to(out).as_posix())
    return done


def _unique(name: str, used: set[str], earlier: str | None, folder: Path, out: Path) -> str:
    """The name a document keeps across runs; a second document of the same name in a meeting gets " (2)"."""
    if earlier and (out / earlier).parent == folder and Path(earlier).name not in used:
        name = Path(earlier).name
    stem, counter = name[:-4], 2
    while name in used:
        name = f"{stem} ({counter}).pdf"
        counter += 1
    used.add(name)
    return name


def _download(site: Site, url: str, target: Path, state: State, out: Path) -> bool:
    """Download url to target unless the site says it is unchanged; True when the file was (re)written."""
    known = state.documents.get(url, {})
    relative = target.relative_to(out).as_posix()
    have = target.is_file() and known.get("file") == relative and target.stat().st_size == known.get("size")
    headers = {}
    if have and known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if have and known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    response = site.open(url, headers=headers)
    try:
        if response.status_code == 304 and have:
            return False
        if response.status_code != 200:
            raise FetchError(f"the site answered {response.status_code}")
        etag, modified = response.headers.get("etag", ""), response.headers.get("last-modified", "")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > site.settings.max_bytes:
            raise Refused(f"{int(length):,} bytes is over the {site.settings.max_bytes:,}-byte limit; not fetched")
        validators_match = (etag and etag == known.get("etag")) or (modified and modified == known.get("last_modified"))
        if have and (validators_match or (not etag and not modified)) and length.isdigit() and int(length) == known.get("size"):
            return False  # same validators (or none) and the same size: unchanged, the body is not read
        written = _stream_to(response, target, site.settings, site)
        state.documents[url] = {"file": relative, "etag": etag, "last_modified": modified, "size": written,
                                "fetched": datetime.now().isoformat(timespec="seconds")}
        state.save()
        return True
    finally:
        response.close()


def _stream_to(response: httpx.Response, target: Path, settings: FetchSettings, site: Site) -> int:
    """The body into .<name>.part, checked (size limit, PDF magic bytes), then renamed to target."""
    import httpx

    partial = target.with_name(f".{target.name}{PART_SUFFIX}")
    size = 0
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as handle:
            head = b""
            try:
                for chunk in response.iter_bytes():
                    if len(head) < 8:
                        head = (head + chunk)[:8]
                        if len(head) >= 5 and not head.startswith(b"%PDF-"):
                            raise Refused("not a PDF (the file does not start with %PDF-); not kept")
                    size += len(chunk)
                    if size > settings.max_bytes:
                        raise Refused(f"over the {settings.max_bytes:,}-byte limit; download stopped")
                    digest.update(chunk)
                    handle.write(chunk)
            except httpx.TimeoutException as exc:
                raise FetchError(f"the site stopped sending within {settings.timeout:g} s; nothing kept") from exc
            except httpx.TransportError as exc:
                raise FetchError(f"the download broke off ({exc.__class__.__name__}); nothing kept") from exc
            if size == 0 or not head.startswith(b"%PDF-"):
                raise Refused("not a PDF (the file does not start with %PDF-); not kept")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
        return size
    finally:
        partial.unlink(missing_ok=True)
