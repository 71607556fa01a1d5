"""A fake ModernGov site on 127.0.0.1, for tests and demos: `python tests/fake_moderngov.py --port N`.

It answers in the formats `ingest/fetch.py` reads (see the README, *Fetching a council's papers*): the
web service `mgWebService.asmx` (GetCommittees, GetMeetings, GetMeeting, as XML) and the public pages
(mgListCommittees.aspx, ieListMeetings.aspx, ieListDocuments.aspx, mgIssueHistoryHome.aspx). The
council, its committees, meetings and papers are invented and written in our own words; the PDFs are
drawn with reportlab when the site starts, with no cover block, so a paper's meeting and item can only
come from the manifest `ingest fetch` writes.

Besides three committees, four meetings and their papers it serves the awkward cases a real site has: a
document that 404s, a slow one, a web page served as .pdf, a redirect to another host, a link to
another host, a restricted document, a name that tries to climb out of its folder, a committee name
with a slash, minutes inside GetMeeting that are not well-formed XML, and dates GetMeetings ignores.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

COUNCIL = "Northmoor Borough Council"
LAST_MODIFIED = formatdate(1_650_000_000, usegmt=True)
OFF_HOST = "http://files.elsewhere.invalid"
"""A host no test may reach: .invalid never resolves, and fetch refuses it before asking."""


@dataclass(slots=True)
class Doc:
    """One document of a meeting."""

    doc_id: str
    """"s9001" for an item's document, "g501" for the meeting's own."""
    name: str
    """The last part of its URL, as ModernGov names it."""
    title: str
    paragraphs: list[str] = field(default_factory=list)
    kind: str = "pdf"
    """pdf, missing (404), slow, html (a web page served as .pdf), redirect (to another host),
    offhost (linked on another host), restricted (not public), convert (mgConvert2PDF.aspx?ID=)."""

    @property
    def path(self) -> str:
        """Where the site links it."""
        if self.kind == "convert":
            return f"mgConvert2PDF.aspx?ID={self.doc_id[1:]}"
        return f"documents/{self.doc_id}/{quote(self.name)}"


@dataclass(slots=True)
class Item:
    """An agenda item."""

    number: str
    title: str
    docs: list[Doc] = field(default_factory=list)
    issue: str = ""


@dataclass(slots=True)
class Meeting:
    """A meeting of a committee."""

    meeting_id: str
    committee_id: str
    date: str
    """ISO date."""
    items: list[Item]
    own: list[Doc] = field(default_factory=list)


COMMITTEES = {
    "101": "Cabinet",
    "102": "Overview and Scrutiny Management Board",
    "103": "Health and Wellbeing Board / Joint Committee",
}
ISSUES = {"700": "Social Value Annual Report", "701": "Social Value Annual Report 2023"}


def default_meetings() -> list[Meeting]:
    """The site's meetings, in our own words."""
    return [
        Meeting("501", "101", "2022-03-28", own=[
            Doc("g501", "Agenda frontsheet 28th-Mar-2022 10.00 Cabinet.pdf", "Agenda frontsheet", [
                "Northmoor Borough Council. Cabinet. Monday 28 March 2022 at 10.00 am in the Town Hall.",
                "Agenda: 125 Minutes of the previous meeting. 126 Social Value Annual Report. 127 Revenue Budget Monitoring.",
            ]),
            Doc("g501", "Printed minutes 28th-Mar-2022 10.00 Cabinet.pdf", "Printed minutes", [
                "Minutes of the Cabinet held on Monday 28 March 2022.",
                "Resolved: that the Cabinet adopts the Northmoor kingfisher priorities for social value, and that the next annual report is brought in March 2023.",
            ]),
            Doc("g501", "Public reports pack 28th-Mar-2022 10.00 Cabinet.pdf", "Public reports pack", [
                "Every report of the meeting in one file.",
            ]),
        ], items=[
            Item("125", "Minutes of the previous meeting"),
            Item("126", "Social Value Annual Report", issue="700", docs=[
                Doc("s9001", "Social Value Annual Report.pdf", "Social Value Annual Report", [
                    "1.1 In its first year the Northmoor social value policy secured commitments worth 4.2 million pounds from council contracts.",
                    "1.2 The kingfisher priorities ask suppliers for apprenticeships, local spend and volunteering days in the borough.",
                ]),
                Doc("s9002", "Appendix A - Social Value Priorities 2022.pdf", "Appendix A - Social Value Priorities 2022", [
                    "Priority one is apprenticeships for young people from the borough; priority two is spending with local firms.",
                ]),
                Doc("s9009", "Exempt Appendix B - Supplier Prices.pdf", "Exempt Appendix B", kind="restricted"),
            ]),
            Item("127", "Revenue Budget Monitoring", docs=[
                Doc("s9003", "Revenue Budget Monitoring Q3.pdf", "Revenue Budget Monitoring Q3", kind="missing"),
            ]),
        ]),
        Meeting("502", "102", "2022-03-23", items=[
            Item("6", "Social Value Annual Report", issue="700", docs=[
                Doc("s9010", "Social Value Annual Report - pre-decision scrutiny.pdf", "Social Value Annual Report - pre-decision scrutiny", [
                    "The board examined the heron framework for measuring social value before the Cabinet decides on it.",
                    "Members asked that a mid-year progress report on the heron framework is brought to the board.",
                ]),
            ]),
            Item("7", "Work Programme", docs=[
                Doc("s9011", "Work Programme.pdf", "Work Programme", kind="html"),
            ]),
            Item("8", "Housing Repairs Update", docs=[
                Doc("s9012", "Housing Repairs Update.pdf", "Housing Repairs Update", [
                    "Repairs answered within a week rose to nine in ten.",
                ], kind="slow"),
            ]),
        ]),
        Meeting("503", "101", "2023-03-20", items=[
            Item("141", "Social Value Annual Report 2023", issue="701", docs=[
                Doc("s9020", "Social Value Annual Report 2023.pdf", "Social Value Annual Report 2023", [
                    "2.1 In its second year the policy secured commitments worth 6.8 million pounds, and the otter fund paid for twelve apprenticeships.",
                ]),
            ]),
            Item("142", "Leisure Contract", docs=[
                Doc("s9021", "Leisure Contract.pdf", "Leisure Contract", kind="redirect"),
            ]),
            Item("143", "Shared Services", docs=[
                Doc("s9022", "Shared Services.pdf", "Shared Services", kind="offhost"),
            ]),
            Item("144", "Names From Elsewhere", docs=[
                Doc("s9023", "..%2F..%2F..%2Fescape.pdf", "Escape", ["A paper whose name tries to climb out of its folder."]),
            ]),
        ]),
        Meeting("504", "103", "2024-03-18", items=[
            Item("5", "Better Care Fund Plan", docs=[
                Doc("s9030", "", "Better Care Fund Plan 2024-25", [
                    "The Better Care Fund plan pools 11 million pounds of health and care money in the borough.",
                ], kind="convert"),
            ]),
        ]),
    ]


def draw_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A one-page PDF with a title and paragraphs, no cover block (byte-stable)."""
    import textwrap

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    y = A4[1] - 60
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(50, y, title)
    pdf.setFont("Helvetica", 10)
    for paragraph in paragraphs:
        y -= 10
        for line in textwrap.wrap(paragraph, 95):
            y -= 14
            pdf.drawString(50, y, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class FakeSite:
    """The site's content and its switches; the handler reads it, tests change it."""

    def __init__(self, *, web_service: bool = True, slow_seconds: float = 3.0, pdf_padding: int = 0) -> None:
        self.web_service = web_service
        self.slow_seconds = slow_seconds
        self.meetings = default_meetings()
        self.bodies: dict[str, bytes] = {}
        self.failures: dict[str, list[int]] = {}
        """Path -> statuses to answer (one per request) before answering properly: 503s, 429s."""
        self.requests: list[tuple[float, float, str, dict[str, str]]] = []
        """(started, finished, path with query, headers) of every request."""
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.url = ""
        for doc in self.documents():
            if doc.kind in ("pdf", "slow", "convert"):
                self.bodies[doc.doc_id + doc.name] = draw_pdf(doc.title, doc.paragraphs) + b"%" * pdf_padding

    def documents(self) -> list[Doc]:
        """Every document of every meeting."""
        return [d for m in self.meetings for d in (*m.own, *(d for i in m.items for d in i.docs))]

    def document(self, doc_id: str, name: str = "") -> Doc | None:
        """The document a URL names (by its id, and its name when the id is a meeting's)."""
        matches = [d for d in self.documents() if d.doc_id == doc_id]
        return next((d for d in matches if d.name == name), matches[0] if matches else None)

    def rewrite(self, doc_id: str, paragraphs: list[str]) -> None:
        """Change a document on the site (a corrected report)."""
        doc = self.document(doc_id)
        doc.paragraphs = paragraphs
        self.bodies[doc.doc_id + doc.name] = draw_pdf(doc.title, paragraphs)

    def doc_url(self, doc: Doc) -> str:
        """A document's absolute URL, as GetMeeting hands it out."""
        if doc.kind == "offhost":
            return f"{OFF_HOST}/{doc.path}"
        return f"{self.url}/{doc.path}"

    # -- web service ----------------------------------------------------------------------------

    def get_committees(self) -> str:
        rows = "".join(
            f"<committee><committeeid>{cid}</committeeid><committeetitle>{html.escape(title)}</committeetitle>"
            f"<committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired></committee>"
            for cid, title in COMMITTEES.items()
        )
        return f'<committees xmlns="http://moderngov.co.uk/namespaces"><committeescount>{len(COMMITTEES)}</committeescount>{rows}</committees>'

    def get_meetings(self, committee_id: str) -> str:
        # Like some real sites, sFromDate and sToDate are ignored: every meeting of the committee comes back.
        rows = "".join(
            f"<meeting><meetingid>{m.meeting_id}</meetingid><meetingdate>{_dmy(m.date)}</meetingdate>"
            f"<meetingtime>10:00</meetingtime><meetingstatus>Confirmed</meetingstatus></meeting>"
            for m in self.meetings if m.committee_id == committee_id
        )
        title = html.escape(COMMITTEES.get(committee_id, ""))
        return (f"<getmeetings><committee><committeeid>{committee_id}</committeeid><committeetitle>{title}</committeetitle>"
                f"<committeemeetings>{rows}</committeemeetings></committee></getmeetings>")

    def get_meeting(self, meeting_id: str) -> str | None:
        meeting = next((m for m in self.meetings if m.meeting_id == meeting_id), None)
        if meeting is None:
            return None
        items = []
        for position, item in enumerate(meeting.items, start=1):
            docs = "".join(
                f"<linkeddoc><attachmentid>{d.doc_id[1:]}</attachmentid><title>{html.escape(d.title)}</title>"
                f"<url>{html.escape(self.doc_url(d))}</url><isrestricted>{'True' if d.kind == 'restricted' else 'False'}</isrestricted></linkeddoc>"
                for d in item.docs
            )
            # Minutes come as HTML that is not always well-formed XML (an unclosed <br>), as on real sites.
            items.append(
                f"<agendaitem><agendaitemid>{meeting_id}{position:02d}</agendaitemid><agendaitemnumber>{item.number}</agendaitemnumber>"
                f"<agendaitemtitle>{html.escape(item.title)}</agendaitemtitle><minutesitemnumber>{item.number}</minutesitemnumber>"
                f"<minutesnonemptyhtmlbody><p>Noted.<br></p></minutesnonemptyhtmlbody>"
                f"<linkeddocuments>{docs}</linkeddocuments></agendaitem>"
            )
        return (f"<meeting><meetingid>{meeting_id}</meetingid><meetingdate>{_dmy(meeting.date)}</meetingdate><meetingtime>10:00</meetingtime>"
                f"<meetingstatus>Confirmed</meetingstatus><agendapublished>True</agendapublished><minutepublished>True</minutepublished>"
                f"<agendaitems>{''.join(items)}</agendaitems></meeting>")

    # -- pages ----------------------------------------------------------------------------------

    def page(self, title: str, body: str) -> str:
        return (f"<!DOCTYPE html><html><head><title>{html.escape(title)} - {COUNCIL}</title></head>"
                f'<body><div id="mgContent">{body}</div></body></html>')

    def list_committees(self) -> str:
        links = "".join(f'<li><a href="mgCommitteeDetails.aspx?ID={cid}">{html.escape(t)}</a></li>' for cid, t in COMMITTEES.items())
        return self.page("Committee structure", f"<h1>Committee structure</h1><ul>{links}</ul>")

    def list_meetings(self, committee_id: str, year: str) -> str:
        rows = "".join(
            f'<li><a href="ieListDocuments.aspx?CId={m.committee_id}&amp;MId={m.meeting_id}">{_short(m.date)} 10.00 am</a></li>'
            for m in self.meetings if m.committee_id == committee_id and (year in ("", "0") or m.date.startswith(year))
        )
        return self.page(f"Browse meetings - {COMMITTEES.get(committee_id, '')}", f"<h1>Meetings</h1><ul>{rows}</ul>")

    def list_documents(self, meeting_id: str) -> str | None:
        meeting = next((m for m in self.meetings if m.meeting_id == meeting_id), None)
        if meeting is None:
            return None
        committee = COMMITTEES[meeting.committee_id]
        own = "".join(f'<li><a href="{d.path}?T=1" title="Link to {html.escape(d.title)}">{html.escape(d.title)} PDF 120 KB</a></li>' for d in meeting.own)
        rows = []
        for item in meeting.items:
            links = "".join(
                f'<li><a href="{html.escape(self.doc_url(d) if d.kind == "offhost" else d.path)}">{html.escape(d.title)} PDF 210 KB</a></li>'
                for d in item.docs if d.kind != "restricted"
            )
            background = (f'<p><a href="mgIssueHistoryHome.aspx?IId={item.issue}">View the background to item {item.number}.</a></p>'
                          if item.issue else "")
            rows.append(
                f'<tr><td class="mgItemNumberCell"><p class="mgAiTitleTxt">{item.number}.</p></td>'
                f'<td><p class="mgAiTitleTxt">{html.escape(item.title)}</p><ul class="mgBulletList">{links}</ul>{background}</td></tr>'
            )
        heading = f"{committee} - {_long(meeting.date)} 10.00 am"
        return self.page(
            f"Agenda for {committee} on {_long(meeting.date)}",
            f'<h1>{html.escape(heading)}</h1><ul class="mgActionList">{own}</ul><table class="mgItemTable">{"".join(rows)}</table>',
        )

    def issue_page(self, issue_id: str) -> str | None:
        if issue_id not in ISSUES:
            return None
        rows = []
        for meeting in sorted(self.meetings, key=lambda m: m.date, reverse=True):
            for item in meeting.items:
                if item.issue == issue_id:
                    text = f"Meeting: {_dmy(meeting.date)} - {COMMITTEES[meeting.committee_id]} (Item {item.number})"
                    rows.append(f'<li><a href="ieListDocuments.aspx?CId={meeting.committee_id}&amp;MId={meeting.meeting_id}">{html.escape(text)}</a></li>')
        return self.page("Issue - meetings", f"<h1>Issue - meetings</h1><h2>{html.escape(ISSUES[issue_id])}</h2><ul>{''.join(rows)}</ul>")


def _dmy(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def _short(iso: str) -> str:
    from datetime import date

    return date.fromisoformat(iso).strftime("%d %b %Y")


def _long(iso: str) -> str:
    from datetime import date

    day = date.fromisoformat(iso)
    suffix = "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day:%A}, {day.day}{suffix} {day:%B}, {day.year}"


class Handler(BaseHTTPRequestHandler):
    """Answers GETs from the FakeSite in server.site."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeModernGov/1.0"

    def log_message(self, format, *args):  # noqa: A002 - quiet in tests
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        site: FakeSite = self.server.site
        started = time.monotonic()
        with site.lock:
            site.in_flight += 1
            site.max_in_flight = max(site.max_in_flight, site.in_flight)
        try:
            self.answer(site)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with site.lock:
                site.in_flight -= 1
                site.requests.append((started, time.monotonic(), self.path, dict(self.headers)))

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def answer(self, site: FakeSite) -> None:
        parts = urlsplit(self.path)
        query = {k.lower(): v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        with site.lock:
            pending = site.failures.get(path)
            status = pending.pop(0) if pending else 0
        if status:
            self.send(status, b"busy", headers={"Retry-After": "1"} if status == 429 else None)
            return
        if path.startswith("/mgWebService.asmx/"):
            if not site.web_service:
                self.send(404, site.page("Page not found", "<h1>The page cannot be found</h1>").encode())
                return
            operation = path.rsplit("/", 1)[-1]
            body = {
                "GetCommittees": site.get_committees,
                "GetMeetings": lambda: site.get_meetings(query.get("lcommitteeid", "")),
                "GetMeeting": lambda: site.get_meeting(query.get("lmeetingid", "")),
            }.get(operation, lambda: None)()
            if body is None:
                self.send(500, b"<error>unknown operation or id</error>", "text/xml; charset=utf-8")
            else:
                self.send(200, ('<?xml version="1.0" encoding="utf-8"?>' + body).encode(), "text/xml; charset=utf-8")
            return
        pages = {
            "/mgListCommittees.aspx": site.list_committees,
            "/ieListMeetings.aspx": lambda: site.list_meetings(query.get("cid", ""), query.get("year", "0")),
            "/ieListDocuments.aspx": lambda: site.list_documents(query.get("mid", "")),
            "/mgIssueHistoryHome.aspx": lambda: site.issue_page(query.get("iid", "")),
        }
        if path in pages:
            body = pages[path]()
            self.send(200 if body else 404, (body or site.page("Not found", "<h1>Not found</h1>")).encode())
            return
        if path.startswith("/documents/") or path == "/mgConvert2PDF.aspx":
            self.document(site, path, query)
            return
        if path in ("/", "/index.html"):
            self.send(302, b"", headers={"Location": "/mgListCommittees.aspx?bcr=1"})
            return
        self.send(404, site.page("Not found", "<h1>Not found</h1>").encode())

    def document(self, site: FakeSite, path: str, query: dict[str, str]) -> None:
        from urllib.parse import unquote

        if path == "/mgConvert2PDF.aspx":
            doc = site.document("s" + query.get("id", ""))
        else:
            segments = path.split("/")
            doc = site.document(segments[2], unquote(segments[3]) if len(segments) > 3 else "") if len(segments) > 2 else None
        if doc is None or doc.kind in ("missing", "restricted"):
            self.send(404, site.page("Not found", "<h1>Document not found</h1>").encode())
            return
        if doc.kind == "html":
            self.send(200, site.page("Work Programme", "<h1>Work programme</h1><p>This is a web page, not a PDF.</p>").encode(), "application/pdf")
            return
        if doc.kind == "redirect":
            self.send(302, b"", headers={"Location": f"{OFF_HOST}/{doc.path}"})
            return
        body = site.bodies[doc.doc_id + doc.name]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if doc.kind != "slow":
            self.send(200, body, "application/pdf", headers)
            return
        # The slow document: headers and a first part at once, the rest after slow_seconds.
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body[:256])
        self.wfile.flush()
        time.sleep(site.slow_seconds)
        self.wfile.write(body[256:])


class Server(ThreadingHTTPServer):
    """A threading HTTP server holding one FakeSite."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, site: FakeSite) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.site: FakeSite
        self.site = site
        site.url = f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address):
        """A client that hangs up (a killed fetch, a refused download) is no error of the site's."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def start(port: int = 0, **options) -> tuple[Server, FakeSite]:
    """Serve a FakeSite on 127.0.0.1 in a background thread; (server, site). Call server.shutdown() to stop."""
    site = FakeSite(**options)
    server = Server(port, site)
    threading.Thread(target=server.serve_forever, daemon=True, name="fake-moderngov").start()
    return server, site


def main() -> None:
    """Serve the fake site until interrupted."""
    parser = argparse.ArgumentParser(description="A fake ModernGov site on 127.0.0.1 for tests and demos.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-web-service", action="store_true", help="Answer mgWebService.asmx with 404, as sites without it do.")
    parser.add_argument("--slow-seconds", type=float, default=3.0, help="How long the slow document stalls.")
    args = parser.parse_args()
    site = FakeSite(web_service=not args.no_web_service, slow_seconds=args.slow_seconds)
    server = Server(args.port, site)
    print(f"Fake ModernGov site ({COUNCIL}): {site.url}/  issue page: {site.url}/mgIssueHistoryHome.aspx?IId=700", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
