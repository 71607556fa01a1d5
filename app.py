"""The Gradio app: a chat cited to meeting, item and page; a timeline; the documents and upload.

Thin over `assistant`: every answer, filter and figure comes from `assistant.Assistant`; this file
only lays them out, serves the cited PDFs (from the corpus and upload folders, nowhere else) and
turns every error into one plain sentence.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import logging
import os
import re
import tempfile
import threading
from dataclasses import replace
from datetime import date
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote, unquote

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _skip_gradio_stub_files() -> None:
    """Gradio writes no .pyi stub files while this process imports it.

    Gradio 6 (component_meta.py, ComponentMeta.__new__) parses each component class's source and compares
    or rewrites its .pyi type stub as the class is defined: 2.0 s of gradio's 4.4 s import on two cores
    (py-spy of app.py start-up at 100k chunks), for files only a type checker reads. The stubs it ships
    stay as they are.
    """
    import importlib.abc
    import importlib.machinery
    import sys

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "gradio.component_meta":
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None:
                return spec
            run = spec.loader.exec_module

            def exec_module(module) -> None:
                run(module)
                if hasattr(module, "create_or_modify_pyi"):
                    module.create_or_modify_pyi = lambda *args, **kwargs: None

            spec.loader.exec_module = exec_module
            return spec

    if "gradio" not in sys.modules:
        sys.meta_path.insert(0, Finder())


_skip_gradio_stub_files()


def _load_assistant():
    """The settings and an assistant with its index, catalogue and model loaded."""
    from assistant import Assistant, Settings

    settings = Settings()
    assistant = Assistant.from_settings(settings)
    try:
        assistant.warm_up()
    except Exception:  # noqa: BLE001 (the app still starts; the first question loads what failed and says so)
        logging.getLogger("council.app").exception("warm-up failed; the first question will load the model")
    return settings, assistant


_LOADING = None
"""The assistant loading in a thread while gradio imports, when run as a script."""
if __name__ == "__main__":
    # main() pauses collection for start-up; run as a script, gradio's import (~0.4 s of collections) is part of it.
    gc.disable()
    # Gradio's import takes 2.7-5 s on 2 cores; the index, catalogue and model load meanwhile (file
    # reads, Chroma's and onnxruntime's work run outside the GIL) instead of after it.
    from concurrent.futures import ThreadPoolExecutor

    _LOADING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="load").submit(_load_assistant)

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import FileResponse, PlainTextResponse  # noqa: E402

from assistant import Answer, Assistant, Settings  # noqa: E402
from assistant.filters import describe, explicit_filters  # noqa: E402
from assistant.service import SET_ASIDE  # noqa: E402
from assistant.prompts import ERROR  # noqa: E402
from assistant.records import MODES, Filters, body_of  # noqa: E402
from assistant.amounts import format_pounds  # noqa: E402
from assistant.text import long_date  # noqa: E402

log = logging.getLogger("council.app")

PAPERS_ROUTE = "/papers"
ANY = "Any"
AUTO = "auto"
EXAMPLES = [
    ("Councillor", "What did we commit to on social value in 2022?"),
    ("Councillor", "How much social value had been committed by the March 2024 annual report?"),
    ("Officer", "Draft a background paragraph on our social value policy for next year's report"),
    ("Researcher", "How has social value reporting developed since the policy was adopted?"),
    ("Researcher", "When was the anchor network first proposed, and who saw it?"),
]
CITE = re.compile(r"\[(\d{1,3})\]")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# Fixed colours, named in the chart's caption too: the legend alone is easy to miss.
SERIES_COLOURS = {"Commitments secured": "#1f5fa8", "Value delivered": "#e07b00", "Local spend": "#2a8a3e"}
SERIES_COLOUR_NAMES = {"Commitments secured": "blue", "Value delivered": "orange", "Local spend": "green"}
CHAT_LABEL = "Conversation with the council papers assistant"
NO_MEETING = "no known meeting"
DOCUMENT_COLUMNS = ["Council", "Committee", "Date", "Type", "Title", "Items", "Pages", "Chunks", "PDF", "Public link"]
# Gradio names every chat log "chatbot conversation"; screen readers should hear what this one is.
JS = """
() => {
  const name = () => document.querySelectorAll('#chat [aria-label="chatbot conversation"]')
    .forEach((log) => log.setAttribute("aria-label", "%s"));
  new MutationObserver(name).observe(document.body, { subtree: true, childList: true });
  name();
}
""" % CHAT_LABEL
CSS = """
#sources blockquote { margin: 0.25rem 0 0.75rem; }
@media (max-width: 480px) { .gradio-container { padding: 4px !important; } }
"""


# -- serving PDFs ---------------------------------------------------------------------------------


def served_folders(settings: Settings) -> list[Path]:
    """The only folders whose PDFs the app may serve: the corpus and the uploads."""
    root = Path(settings.root)
    return [(root / settings.corpus_dir).resolve(), (root / settings.upload_dir).resolve()]


def resolve_paper_path(source: str, settings: Settings) -> Path | None:
    """The PDF a link names, or None when it is outside the served folders (after decoding and symlinks)."""
    decoded = source
    for _ in range(3):  # %252e%252e -> %2e%2e -> ..
        decoded = unquote(decoded)
    if not decoded or "\x00" in decoded or "\\" in decoded:
        return None
    candidate = (Path(settings.root) / decoded).resolve()
    if candidate.suffix.lower() != ".pdf" or not candidate.is_file():
        return None
    if not any(candidate.is_relative_to(folder) for folder in served_folders(settings)):
        return None
    return candidate


def paper_url(source: str, page: int | None = None) -> str:
    """Where the app serves a paper (at a page)."""
    url = f"{PAPERS_ROUTE}/{quote(source)}"
    return f"{url}#page={page}" if page else url


def public_url(url: str, page: int | None = None) -> str:
    """A paper's page on the council's own site (at a page), or "" when it has none; only http(s) links."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return ""
    url = url.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
    return f"{url.split('#', 1)[0]}#page={page}" if page else url


def citation_public_url(citation, public: dict[str, str]) -> str:
    """The public URL of a cited paper: the citation's own (issue 16 adds it), else the index's for its source."""
    return getattr(citation, "source_url", "") or public.get(citation.source, "")


def meeting_cell(committee: str, meeting_date: str) -> str:
    """The Documents tab's date: the meeting's, and "no known meeting" when the committee or the date is unknown."""
    if committee and meeting_date:
        return meeting_date
    return f"{meeting_date} · {NO_MEETING}" if meeting_date else NO_MEETING


# -- uploads --------------------------------------------------------------------------------------


def safe_upload_name(name: str) -> str:
    """A file name that cannot leave the upload folder: no folders, no dots in front, ends .pdf."""
    for _ in range(3):
        name = unquote(name)
    name = name.replace("\\", "/").split("/")[-1]
    stem = SAFE_NAME.sub("-", Path(name).stem).strip(".-_")[:100] or "upload"
    return f"{stem}.pdf"


def check_upload(path: Path, settings: Settings) -> str:
    """Why an uploaded file is refused, or "" when it may go in."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        return f"could not be read ({exc.strerror or exc})"
    if size == 0:
        return "the file is empty"
    if size > settings.upload_max_bytes:
        return f"{size:,} bytes is over the {settings.upload_max_bytes:,}-byte upload limit"
    if b"%PDF-" not in head:
        return "not a PDF (the file does not start with %PDF-)"
    return ""


def store_upload(path: Path, original_name: str, settings: Settings) -> Path:
    """Copy an accepted upload into the upload folder under a safe, unused name (atomically)."""
    folder = (Path(settings.root) / settings.upload_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    data = path.read_bytes()
    name = safe_upload_name(original_name)
    target = folder / name
    counter = 2
    while target.exists() and target.read_bytes() != data:
        target = folder / f"{Path(name).stem}-{counter}.pdf"
        counter += 1
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, target)
    return target


# -- formatting -----------------------------------------------------------------------------------


def link_citations(answer: Answer, public: dict[str, str] | None = None) -> str:
    """The answer with each [n] a link to its PDF page here, followed by ↗ to the same page on the council's
    site when the paper has a public URL."""
    by_key = {c.key: c for c in answer.citations}

    def link(match: re.Match) -> str:
        c = by_key.get(match.group(1))
        if c is None:
            return match.group(0)
        label = f"{body_of(c.committee, c.council)}, {long_date(c.meeting_date) or 'undated'}, {c.pages}".replace('"', "'")
        local = f'[[{c.key}]]({paper_url(c.source, c.page)} "{label}")'
        online = public_url(citation_public_url(c, public or {}), c.page)
        return f'{local}[↗]({online} "on the council\'s site: {label}")' if online else local

    return CITE.sub(link, answer.answer)


def source_cards(answer: Answer, public: dict[str, str] | None = None) -> str:
    """The sources of an answer, one card per paper page: meeting, item, title, type, page, then each quote."""
    if not answer.citations:
        return ""
    pages: dict[tuple[str, int], list] = {}
    for c in answer.citations:
        pages.setdefault((c.source, c.page), []).append(c)
    cards = ["### Sources"]
    # How the question was read: the papers it searched ("year 2022 and committee OSMB").
    searched = replace(answer.filters, labels=tuple(l for l in answer.filters.labels if l[0] != SET_ASIDE))
    if searched.labels:
        cards.append(f"*Searched: {describe(searched)}.*\n")
    for (source, page), cited in pages.items():
        c = cited[0]
        item = f" · item {c.item}" if c.item else ""
        quotes = "\n".join(f"> **[{x.key}]** {x.quote}  " for x in cited)
        online = public_url(citation_public_url(c, public or {}), page)
        links = f"[open the PDF at page {page}]({paper_url(source, page)})"
        if online:
            links += f" · [the same page on the council's site]({online})"
        meeting = f"{c.committee} · {long_date(c.meeting_date) or 'undated'}" if c.committee or c.meeting_date else NO_MEETING
        cards.append(
            f"**{meeting}{item} — {c.title}**  \n"
            f"{c.council} · {c.doc_type} · page {page} · {links}\n\n"
            f"{quotes}\n"
        )
    return "\n".join(cards)


def _text(content) -> str:
    """The text of a chat message, whatever shape Gradio hands it back in."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, list | tuple):
        return " ".join(_text(part) for part in content)
    return ""


def _pieces(text: str) -> list[str]:
    """The answer in the pieces it streams in (lines, then sentences)."""
    return [p for p in re.split(r"(?<=\n)|(?<=\]) ", text) if p]


# -- the app --------------------------------------------------------------------------------------


class App:
    """Handlers of the Gradio app, over one Assistant."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self.downloads = Path(tempfile.mkdtemp(prefix="council-app-"))
        self.ingest_lock = threading.Lock()
        self.fetch_settings = None
        """ingest.fetch.FetchSettings for fetches from the Documents tab (COUNCIL_FETCH_* when None)."""

    def public_urls(self) -> dict[str, str]:
        """Each indexed paper's public URL (from its meeting.json), by source."""
        return {p.source: p.source_url for p in self.assistant.papers() if getattr(p, "source_url", "")}

    # filters --------------------------------------------------------------------------------

    def choices(self) -> tuple[list[str], list[str], list[str]]:
        """Councils, committees and years the index holds."""
        papers = self.assistant.papers()
        councils = sorted({p.council for p in papers if p.council})
        committees = sorted({p.committee for p in papers if p.committee})
        dated = [int(p.meeting_date[:4]) for p in papers if p.meeting_date]
        # Every year of the span, not only those with papers: a year with none is worth being told about.
        years = [str(y) for y in range(min(dated), max(dated) + 1)] if dated else []
        return councils, committees, [ANY, *years]

    def chosen_filters(self, councils: Sequence[str] | None, committees: Sequence[str] | None, year_from: str | None, year_to: str | None) -> Filters | None:
        """The app controls as Filters."""
        low = int(year_from) if year_from and year_from != ANY else None
        high = int(year_to) if year_to and year_to != ANY else None
        if low is not None and high is None:
            high = int(max(self.choices()[2][1:], default=str(low)))
        if high is not None and low is None:
            low = int(min(self.choices()[2][1:], default=str(high)))
        return explicit_filters(councils=tuple(councils or ()), committees=tuple(committees or ()), year_from=low, year_to=high)

    def filter_status(self, councils, committees, year_from, year_to) -> str:
        """How many papers the chosen filters match, or that they match none."""
        try:
            filters = self.chosen_filters(councils, committees, year_from, year_to)
            papers = self.assistant.papers()
            if filters is None:
                return f"No filters: all {len(papers)} papers are searched."
            matching = [p for p in papers if filters.accepts(p.council, p.committee, p.meeting_date, p.doc_type)]
            if not matching:
                return f"⚠ {self.assistant.scope.unmatched(filters) or 'No papers match these filters.'}"
            return f"{len(matching)} of {len(papers)} papers match these filters."
        except Exception:
            log.exception("filter status failed")
            return ERROR

    # chat -----------------------------------------------------------------------------------

    def respond(self, message: str, chat: list, mode: str, councils, committees, year_from, year_to) -> Iterator[tuple]:
        """Answer a chat message, streaming the answer in, then the sources and the download."""
        chat = list(chat or [])
        message = (message or "").strip()
        if not message:
            yield chat, "", gr.update(), gr.update()
            return
        history = [_text(m.get("content")) for m in chat if isinstance(m, dict) and m.get("role") == "user"]
        chat += [{"role": "user", "content": message}, {"role": "assistant", "content": "Searching the papers…"}]
        yield chat, "", "Searching the papers…", gr.update(visible=False)
        try:
            filters = self.chosen_filters(councils, committees, year_from, year_to)
            answer = self.assistant.ask(message, mode=None if mode == AUTO else mode, filters=filters, history=history[-3:])
            public = self.public_urls()
            text = link_citations(answer, public)
        except Exception:
            log.exception("answering failed")
            chat[-1] = {"role": "assistant", "content": ERROR}
            yield chat, "", "", gr.update(visible=False)
            return
        shown = ""
        for piece in _pieces(text):
            shown += piece if piece.endswith("\n") else piece + " "
            chat[-1] = {"role": "assistant", "content": shown.rstrip()}
            yield chat, "", gr.update(), gr.update()
        chat[-1] = {"role": "assistant", "content": text}
        download = self.markdown_file(answer) if answer.answered else None
        yield chat, "", source_cards(answer, public), gr.update(value=download, visible=download is not None)

    def markdown_file(self, answer: Answer) -> str:
        """The answer and its references as a Markdown file to download."""
        body = answer.to_markdown()
        name = f"answer-{hashlib.sha256(body.encode()).hexdigest()[:10]}.md"
        path = self.downloads / name
        path.write_text(body, encoding="utf-8")
        return str(path)

    # timeline -------------------------------------------------------------------------------

    def timeline(self, topic: str, councils, committees=(), year_from: str | None = ANY, year_to: str | None = ANY) -> tuple:
        """Events table, figures chart and table, CSV file and a status line for a topic, under the tab's filters."""
        import pandas as pd

        empty_events = pd.DataFrame(columns=["Date", "Committee", "Item", "Title", "What was decided or reported", "Source"])
        empty_points = pd.DataFrame(columns=["Series", "Date", "Committee", "Amount", "Source"])
        plot_empty = pd.DataFrame({"meeting": pd.to_datetime([]), "value": [], "series": []})
        hidden = gr.update(value=plot_empty, visible=False)
        try:
            topic = " ".join((topic or "").split()) or self.assistant.default_topic()
            filters = self.chosen_filters(councils, committees, year_from, year_to)
            answer = self.assistant.timeline(topic, filters=filters)
            if not answer.answered:
                return empty_events, hidden, empty_points, gr.update(visible=False), answer.answer
            cites = {c.key: c for c in answer.citations}
            rows = []
            for event in answer.events:
                c = cites[event.citation_keys[0]]
                rows.append(
                    [event.meeting_date, event.committee, event.item, event.title, event.summary, f"[{Path(c.source).name}, {c.pages}]({paper_url(c.source, c.page)})"]
                )
            events = pd.DataFrame(rows, columns=list(empty_events.columns))
            points = self.assistant.figures(topic, filters=filters)
            # The chart only where there is a series to draw; in £ million when the sums run to millions.
            millions = bool(points) and max(abs(p.value_m) for p in points) >= 1
            plot = gr.update(
                value=pd.DataFrame(
                    {
                        "meeting": pd.to_datetime([p.meeting_date for p in points]),
                        "value": [p.value_m if millions else p.value_m * 1e6 for p in points],
                        "series": [p.series for p in points],
                    }
                ),
                y_title="£ million" if millions else "£",
                visible=True,
            ) if points else hidden
            point_rows = pd.DataFrame(
                [[p.series, p.meeting_date, p.committee, format_pounds(p.value_m * 1e6), f"[“{p.quote[:90]}…” p. {p.page}]({paper_url(p.source, p.page)})"] for p in points],
                columns=list(empty_points.columns),
            ) if points else empty_points
            csv_path = self.timeline_csv(topic, answer, points)
            status = f"{len(rows)} meetings and {len(points)} figures on “{topic}”."
            if answer.answer.startswith("**Traced over"):
                # The trace's first lines: first raised, decisions, latest position (their [n] are the Source column's papers).
                status += "\n\n" + answer.answer.split("\n\n")[0].split("\n", 1)[-1]
            return events, plot, point_rows, gr.update(value=csv_path, visible=True), status
        except Exception:
            log.exception("timeline failed")
            return empty_events, hidden, empty_points, gr.update(visible=False), ERROR

    def timeline_csv(self, topic: str, answer: Answer, points) -> str:
        """The timeline and its figures as one CSV file."""
        cites = {c.key: c for c in answer.citations}
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["kind", "meeting_date", "committee", "item", "title", "summary_or_series", "value_gbp_m", "source", "page", "quote"])
        for e in answer.events:
            c = cites[e.citation_keys[0]]
            writer.writerow(["event", e.meeting_date, e.committee, e.item, e.title, e.summary, "", c.source, c.page, c.quote])
        for p in points:
            writer.writerow(["figure", p.meeting_date, p.committee, p.item, p.title, p.series, p.value_m, p.source, p.page, p.quote])
        slug = SAFE_NAME.sub("-", topic.lower()).strip("-")[:40] or "timeline"
        path = self.downloads / f"timeline-{slug}.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        return str(path)

    # documents ------------------------------------------------------------------------------

    def documents(self):
        """Every paper in the index, with a link to its PDF here and to its page on the council's site."""
        import pandas as pd

        rows = [
            [
                p.council, p.committee, meeting_cell(p.committee, p.meeting_date), p.doc_type, p.title,
                "; ".join(f"{n}. {t}" if n else t for n, t in p.items)[:300], p.pages, p.chunks,
                f"[{Path(p.source).name}]({paper_url(p.source)})",
                f"[council's site]({public_url(p.source_url)})" if public_url(getattr(p, "source_url", "")) else "",
            ]
            for p in self.assistant.papers()
        ]
        return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)

    def upload(self, files, progress=gr.Progress()) -> tuple:
        """Check, store and ingest uploaded PDFs; report each file's outcome; refresh the index."""
        from ingest.pipeline import source_name

        results: list[str] = []
        try:
            paths = [Path(f if isinstance(f, str) else getattr(f, "name", "")) for f in (files or [])]
            if not paths:
                return "Choose one or more PDF files first.", self.documents(), gr.update(), *self.filter_choices()
            accepted: list[tuple[Path, str]] = []
            for path in paths:
                reason = check_upload(path, self.settings)
                if reason:
                    results.append(f"- ✗ **{safe_upload_name(path.name)}**: {reason}")
                else:
                    accepted.append((store_upload(path, path.name, self.settings), path.name))
            if accepted:
                with self.ingest_lock:
                    progress(0, desc="Adding to the index")

                    def step(done: int, total: int, what: str) -> None:
                        progress((done, max(total, 1)), desc=f"Adding {Path(what).name}" if what else "Finishing")

                    report = self.ingest(accepted, step)
                    self.assistant.refresh()
                failed = {f["path"]: f["error"] for f in report.failed}
                for stored, _ in accepted:
                    source = source_name(stored, Path(self.settings.root))
                    if source in failed:
                        results.append(f"- ✗ **{stored.name}**: {failed[source].split(': ', 1)[-1]}")
                    else:
                        results.append(f"- ✓ **{stored.name}** is in the index.")
            return "\n".join(results), self.documents(), None, *self.filter_choices()
        except Exception:
            log.exception("upload failed")
            return ERROR, self.documents(), gr.update(), *self.filter_choices()

    def fetch(self, url: str, committees: str, date_from: str, date_to: str, progress=gr.Progress()) -> tuple:
        """Fetch a ModernGov site's papers into the upload folder, add them to the index, report in a few lines."""
        from urllib.parse import urlsplit

        from ingest.fetch import FetchError, FetchSettings, fetch_site
        from ingest.pipeline import ingest_corpus

        url = (url or "").strip()
        if not url:
            return "Give the address of the council's ModernGov site first.", self.documents(), *self.filter_choices()
        try:
            dates = []
            for label, value in (("From", date_from), ("To", date_to)):
                value = (value or "").strip()
                try:
                    dates.append(date.fromisoformat(value) if value else None)
                except ValueError:
                    return f"{label} date “{value}” is not a date like 2024-03-31.", self.documents(), *self.filter_choices()
            names = tuple(n.strip() for n in re.split(r"[;\n]", committees or "") if n.strip())
            host = SAFE_NAME.sub("-", urlsplit(url).hostname or "moderngov").strip(".-") or "moderngov"
            out = (Path(self.settings.root) / self.settings.upload_dir / host).resolve()
            with self.ingest_lock:
                progress(0, desc="Asking the site for its meetings")

                def fetched(done: int, total: int, what: str) -> None:
                    progress((done, max(total, 1)), desc=f"Downloading {what}")

                report = fetch_site(
                    url, out, settings=self.fetch_settings or FetchSettings(), committees=names,
                    date_from=dates[0], date_to=dates[1], progress=fetched,
                )
                progress(0, desc="Adding to the index")

                def added(done: int, total: int, what: str) -> None:
                    progress((done, max(total, 1)), desc=f"Adding {Path(what).name}" if what else "Finishing")

                built = ingest_corpus(out, settings=self.settings, store=self.assistant.store, embeddings=self.assistant.embeddings, progress=added)
                self.assistant.refresh()
            lines = [
                f"Fetched {report.meetings} meetings from {url}: {report.downloaded} new or changed papers, "
                f"{report.unchanged} unchanged, {len(report.failed)} not fetched. {built.papers} papers added to the index."
            ]
            lines += [f"- ✗ {f['url']}: {f['error']}" for f in report.failed[:20]]
            lines += [f"- ✗ {Path(f['path']).name}: {f['error'].split(': ', 1)[-1]}" for f in built.failed[:20]]
            return "\n".join(lines), self.documents(), *self.filter_choices()
        except FetchError as exc:
            return f"Could not fetch: {exc}", self.documents(), *self.filter_choices()
        except Exception:
            log.exception("fetch failed")
            return ERROR, self.documents(), *self.filter_choices()

    def ingest(self, accepted: list[tuple[Path, str]], step):
        """Ingest stored uploads into the assistant's own index."""
        from ingest.pipeline import ingest_files

        return ingest_files(
            [stored for stored, _ in accepted], settings=self.settings, store=self.assistant.store,
            embeddings=self.assistant.embeddings, progress=step,
        )

    def filter_choices(self) -> tuple:
        """Updated choices of the filter controls (after an upload)."""
        councils, committees, years = self.choices()
        return (
            gr.update(choices=councils), gr.update(choices=committees), gr.update(choices=years), gr.update(choices=years),
            gr.update(choices=councils), gr.update(choices=committees), gr.update(choices=years), gr.update(choices=years),
        )


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The Blocks of the app over one assistant."""
    app = App(assistant, settings)
    councils, committees, years = app.choices()
    with gr.Blocks(title="Council papers assistant", fill_width=True) as demo:
        gr.Markdown(
            "# Council papers assistant\n"
            "Ask about the committee papers. Every sentence of an answer is quoted from a paper and cited to its "
            "meeting, item and page; click a number to open the PDF at that page."
        )
        with gr.Tab("Chat", id="chat"):
            with gr.Row(equal_height=False):
                # Mode and filters first: beside the chat on a wide screen, above it on a phone.
                with gr.Column(scale=1, min_width=240):
                    with gr.Accordion("Mode and filters", open=True):
                        mode = gr.Radio(
                            [AUTO, *MODES], value=AUTO, label="Mode",
                            info="auto picks from the question: commitments, timeline or draft.", elem_id="mode",
                        )
                        council = gr.Dropdown(councils, multiselect=True, label="Council", elem_id="council")
                        committee = gr.Dropdown(committees, multiselect=True, label="Committee", elem_id="committee")
                        with gr.Row():
                            year_from = gr.Dropdown(years, value=ANY, label="From year", min_width=100, elem_id="year-from")
                            year_to = gr.Dropdown(years, value=ANY, label="To year", min_width=100, elem_id="year-to")
                        status = gr.Markdown(app.filter_status([], [], ANY, ANY), elem_id="filter-status")
                with gr.Column(scale=3, min_width=300):
                    chatbot = gr.Chatbot(
                        label=CHAT_LABEL, show_label=False, elem_id="chat", height=520,
                        buttons=["copy", "copy_all"], feedback_options=None,
                        placeholder="Ask a question about the committee papers, or pick an example below.",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            label="Your question", placeholder="e.g. What did we commit to in 2022?",
                            scale=5, min_width=180, elem_id="question", max_lines=4,
                        )
                        ask = gr.Button("Ask", variant="primary", scale=1, min_width=70, elem_id="ask")
                    with gr.Row():
                        download = gr.DownloadButton("Download answer as Markdown", visible=False, elem_id="download-md", size="sm")
                        clear = gr.Button("New conversation", size="sm", variant="secondary")
                    gr.Examples(
                        examples=[[q] for _, q in EXAMPLES], inputs=[question],
                        example_labels=[f"{who}: {q}" for who, q in EXAMPLES], label="Examples",
                    )
                    sources = gr.Markdown(elem_id="sources", label="Sources")
        with gr.Tab("Timeline", id="timeline") as timeline_tab:
            with gr.Row():
                topic = gr.Textbox(
                    value=assistant.default_topic(), label="Topic", scale=3, min_width=200,
                    info="Any matter: a policy, an application, a budget line, a road.",
                )
                timeline_council = gr.Dropdown(councils, multiselect=True, label="Council", scale=2, min_width=200, elem_id="timeline-council")
                show = gr.Button("Show timeline", variant="primary", scale=1, min_width=120)
            with gr.Row():
                timeline_committee = gr.Dropdown(committees, multiselect=True, label="Committee", scale=2, min_width=200, elem_id="timeline-committee")
                timeline_from = gr.Dropdown(years, value=ANY, label="From year", min_width=100, elem_id="timeline-from")
                timeline_to = gr.Dropdown(years, value=ANY, label="To year", min_width=100, elem_id="timeline-to")
            timeline_status = gr.Markdown()
            events = gr.Dataframe(
                label="Meetings in date order", datatype=["str", "str", "str", "str", "str", "markdown"], wrap=True,
                interactive=False, max_height=480, column_widths=["9%", "15%", "5%", "14%", "41%", "16%"],
            )
            plot = gr.ScatterPlot(
                x="meeting", y="value", color="series", label="Figures that recur across years",
                x_title="Meeting", y_title="£ million", height=400, x_axis_format="%b %Y", color_title="Series",
                color_map=SERIES_COLOURS, caption=" · ".join(f"{name}: {colour}" for name, colour in SERIES_COLOUR_NAMES.items()),
            )
            points = gr.Dataframe(
                label="Each point of the chart and the page it comes from", datatype=["str", "str", "str", "number", "markdown"],
                wrap=True, interactive=False, column_widths=["16%", "10%", "22%", "7%", "45%"],
            )
            timeline_csv = gr.DownloadButton("Download timeline as CSV", visible=False, size="sm", elem_id="download-csv")
        with gr.Tab("Documents", id="documents") as documents_tab:
            gr.Markdown(
                "Every paper in the index, with its PDF here and its page on the council's site where it came from one. "
                "Add PDFs below, or fetch a council's papers from its site: each is checked, added to the index and listed here."
            )
            uploads = gr.File(label="PDFs to add", file_count="multiple", file_types=[".pdf"], elem_id="upload")
            add = gr.Button("Add to the index", variant="primary", elem_id="add")
            upload_result = gr.Markdown(elem_id="upload-result")
            with gr.Accordion("Fetch a council's papers from its ModernGov site", open=False):
                gr.Markdown(
                    "The address of the council's committee site (most UK councils use ModernGov: "
                    "`https://democracy.<council>.gov.uk/`), or of one issue's page (`mgIssueHistoryHome.aspx?IId=...`). "
                    "Papers are fetched politely, one at a time, into the upload folder, and a second fetch takes only "
                    "what is new or changed."
                )
                with gr.Row():
                    site_url = gr.Textbox(label="Site or issue address", placeholder="https://democracy.example.gov.uk/", scale=3, elem_id="fetch-url")
                    fetch_committees = gr.Textbox(label="Committees (one per line, or separated by ;) — all when empty", scale=2, lines=1, elem_id="fetch-committees")
                with gr.Row():
                    fetch_from = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="2022-01-01", min_width=140, elem_id="fetch-from")
                    fetch_to = gr.Textbox(label="To (YYYY-MM-DD)", placeholder="2022-12-31", min_width=140, elem_id="fetch-to")
                    fetch_button = gr.Button("Fetch and add to the index", variant="primary", elem_id="fetch")
                fetch_result = gr.Markdown(elem_id="fetch-result")
            table = gr.Dataframe(
                app.documents, label="Papers in the index", datatype=["str"] * 8 + ["markdown", "markdown"], wrap=True, interactive=False,
                max_height=600, column_widths=["10%", "12%", "8%", "7%", "14%", "17%", "5%", "5%", "13%", "9%"],
            )

        filter_inputs = [council, committee, year_from, year_to]
        chat_outputs = [chatbot, question, sources, download]
        for trigger in (ask.click, question.submit):
            trigger(app.respond, [question, chatbot, mode, *filter_inputs], chat_outputs, api_name="ask" if trigger == ask.click else False, concurrency_limit=8)
        clear.click(lambda: ([], "", gr.update(value=None, visible=False)), None, [chatbot, sources, download], api_name=False)
        for control in filter_inputs:
            control.change(app.filter_status, filter_inputs, status, api_name=False, queue=False)
        timeline_filters = [timeline_council, timeline_committee, timeline_from, timeline_to]
        timeline_inputs = [topic, *timeline_filters]
        timeline_outputs = [events, plot, points, timeline_csv, timeline_status]
        show.click(app.timeline, timeline_inputs, timeline_outputs, api_name="timeline", concurrency_limit=4)
        topic.submit(app.timeline, timeline_inputs, timeline_outputs, api_name=False, concurrency_limit=4)
        timeline_tab.select(app.timeline, timeline_inputs, timeline_outputs, api_name=False, concurrency_limit=4)
        documents_tab.select(app.documents, None, table, api_name=False)
        add.click(
            app.upload, [uploads], [upload_result, table, uploads, council, committee, year_from, year_to, *timeline_filters],
            api_name="upload", concurrency_limit=1, concurrency_id="ingest",
        )
        fetch_button.click(
            app.fetch, [site_url, fetch_committees, fetch_from, fetch_to],
            [fetch_result, table, council, committee, year_from, year_to, *timeline_filters],
            api_name="fetch", concurrency_limit=1, concurrency_id="ingest",
        )
    demo.queue(default_concurrency_limit=8)
    return demo


def create_server(assistant: Assistant, settings: Settings) -> FastAPI:
    """The FastAPI app: the Gradio UI at / and the cited PDFs under /papers."""
    server = FastAPI(title="Council papers assistant", docs_url=None, redoc_url=None, openapi_url=None)

    @server.get(PAPERS_ROUTE + "/{source:path}")
    def paper(source: str):
        path = resolve_paper_path(source, settings)
        if path is None:
            return PlainTextResponse("No such paper.", status_code=404)
        return FileResponse(path, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{path.name}"'})

    return gr.mount_gradio_app(
        server, build_app(assistant, settings), path="", show_error=False,
        max_file_size=settings.upload_max_bytes, footer_links=[], css=CSS, js=JS,
        server_name=settings.host, server_port=settings.port,
    )


def warm_up(assistant: Assistant) -> None:
    """Load the model and the keyword index in the background so the first question is quick."""
    try:
        assistant.warm_up()
    except Exception:
        log.exception("warm-up failed; the first question will load the model")


def main() -> None:
    """Serve the app on COUNCIL_HOST:COUNCIL_PORT (127.0.0.1:7860 by default)."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # What start-up builds (chromadb, gradio's blocks, then torch and the model in the warm-up) lives as
    # long as the server: collecting while it grows cost ~1 s of the warm-up (measured on 2 cores).
    # Collection resumes after the warm-up, with that heap frozen out of every later pass.
    gc.disable()
    if _LOADING is not None:
        settings, assistant = _LOADING.result()
    else:
        settings = Settings()
        assistant = Assistant.from_settings(settings)
        warm_up(assistant)
    server = create_server(assistant, settings)
    gc.freeze()
    gc.enable()
    print(f"Council papers assistant: http://{settings.host}:{settings.port}", flush=True)
    uvicorn.run(server, host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":
    main()
