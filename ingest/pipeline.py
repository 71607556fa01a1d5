"""Folder of PDFs -> the index, as a sync: new papers in, changed ones replaced, removed ones out."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from .chunking import chunk_paper
from .cleaning import clean_pages
from .errors import DuplicatePaper, IngestError
from .metadata import parse_cover, split_items
from .records import Chunk, IngestReport, Meeting, Paper
from .settings import Settings

log = logging.getLogger(__name__)
PARSE_AHEAD = 2
"""Papers parsed ahead of the one being chunked."""
EMBED_AT_ONCE = 512
"""Chunks of consecutive papers embedded in one call and written in one go. sentence-transformers sorts
a call's texts by length before batching them, so one call over several papers pads far less than one
per paper (the demo corpus: 1.37 padded tokens per real token paper by paper, 1.14 in calls of 512 or
more); and each Chroma write costs about the same CPU whatever its size."""
Progress = Callable[[int, int, str], None]
"""progress(done, total, what) — called as each file is dealt with."""


def source_name(path: Path, root: Path) -> str:
    """The path as stored and cited: relative to the project root when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def load_manifest(folder: Path) -> dict[str, dict]:
    """Per-file metadata overrides from folder/manifest.yaml ({file name: {committee, meeting_date, ...}})."""
    path = folder / "manifest.yaml"
    if not path.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise IngestError(f"{path}: manifest is not valid YAML ({exc})") from exc
    papers = data.get("papers", data) if isinstance(data, dict) else {}
    return {str(name): dict(values or {}) for name, values in papers.items() if isinstance(values, dict | None)}


def parse_pdf(data: bytes, *, source: str, settings: Settings, overrides: dict | None = None) -> Paper:
    """PDF bytes -> a Paper with its meeting, pages and items (raises IngestError)."""
    from .pdf import check_pdf_bytes, extract_page_texts

    check_pdf_bytes(data, source, max_bytes=settings.max_bytes)
    raw = extract_page_texts(data, source, max_pages=settings.max_pages, ocr=settings.ocr)
    pages = clean_pages(raw)
    # The cover is read before cleaning: a council name printed atop every page is still the council.
    cover = parse_cover(raw[0], Path(source).name)
    overrides = overrides or {}
    meeting = Meeting(
        council=str(overrides.get("council") or cover.meeting.council),
        committee=str(overrides.get("committee") or cover.meeting.committee),
        meeting_date=str(overrides.get("meeting_date") or cover.meeting.meeting_date),
    )
    cover = replace(
        cover,
        meeting=meeting,
        doc_type=str(overrides.get("doc_type") or cover.doc_type),
        title=str(overrides.get("title") or cover.title),
        item=str(overrides.get("item") or cover.item),
    )
    sha = hashlib.sha256(data).hexdigest()
    return Paper(
        paper_id=sha[:16],
        sha256=sha,
        source=source,
        meeting=meeting,
        doc_type=cover.doc_type,
        title=cover.title,
        pages=tuple(pages),
        items=tuple(split_items(pages, cover)),
        source_url=str(overrides.get("source_url") or ""),
    )


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its item title gives short chunks their context."""
    return f"{chunk.title}. {chunk.text}" if chunk.title else chunk.text


def _pdf_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")


def ingest_files(
    paths: Iterable[Path],
    *,
    settings: Settings,
    store=None,
    embeddings=None,
    sync_folder: Path | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest these PDFs; with sync_folder, also drop indexed papers from that folder that are gone."""
    from .embedding import embeddings_for
    from .store import DONE, Store

    started = time.perf_counter()
    store = store or Store.from_settings(settings)
    embeddings = embeddings or embeddings_for(settings)
    report = IngestReport()
    paths = list(paths)
    root = settings.root

    registry = store.registry()
    # Repair what a killed run left behind: pending papers lose their chunks and are redone.
    for pid, meta in list(registry.items()):
        if meta.get("status") != DONE:
            store.remove_paper(pid)
            del registry[pid]
    by_source = {str(meta["source"]): pid for pid, meta in registry.items()}

    sources = [source_name(p, root) for p in paths]
    if sync_folder is not None:
        prefix = source_name(sync_folder, root).rstrip("/") + "/"
        present = set(sources)
        for source, pid in list(by_source.items()):
            if source.startswith(prefix) and source not in present:
                store.remove_paper(pid)
                registry.pop(pid, None)
                del by_source[source]
                report.removed += 1

    # Plan: hash every file, skip the unchanged, refuse duplicates (cheap, in order).
    work: list[tuple[Path, str, str | None]] = []
    seen: dict[str, str] = {}
    for path, source in zip(paths, sources):
        try:
            sha = _sha256(path, source)
            old = by_source.get(source)
            if old and registry[old].get("sha256") == sha:
                report.skipped_unchanged += 1
                seen[sha] = source
                continue
            twin = seen.get(sha) or next(
                (str(m["source"]) for m in registry.values() if m.get("sha256") == sha and str(m["source"]) != source),
                None,
            )
            if twin:
                raise DuplicatePaper(f"{source}: duplicate of {twin} (same content), skipped")
            seen[sha] = source
            work.append((path, source, old))
        except IngestError as exc:
            _record(report, source, exc)

    # Work: parse the next papers in a thread while these are embedded (pypdf and torch overlap).
    manifests: dict[Path, dict[str, dict]] = {}

    def parse(path: Path, source: str) -> Paper:
        if path.parent not in manifests:
            manifests[path.parent] = load_manifest(path.parent)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
        return parse_pdf(data, source=source, settings=settings, overrides=manifests[path.parent].get(path.name))

    done_before = report.skipped_unchanged + len(report.failed)
    group: list[tuple[Paper, list[Chunk], str | None]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse") as pool:
        ahead = [pool.submit(parse, path, source) for path, source, _ in work[:PARSE_AHEAD]]
        for index, (path, source, old) in enumerate(work):
            if progress:
                progress(done_before + index, len(paths), source)
            if index + PARSE_AHEAD < len(work):
                ahead.append(pool.submit(parse, *work[index + PARSE_AHEAD][:2]))
            try:
                paper = ahead[index].result()
                ahead[index] = None  # let the parsed paper go once written
                chunks = chunk_paper(paper, chunk_chars=settings.chunk_chars, overlap=settings.chunk_overlap)
                if not chunks:
                    raise IngestError(f"{source}: no text to index after cleaning")
            except IngestError as exc:
                _record(report, source, exc)
                continue
            group.append((paper, chunks, old))
            if sum(len(c) for _, c, _ in group) >= EMBED_AT_ONCE:
                _embed_and_write(group, store=store, embeddings=embeddings, report=report)
                group = []
    if group:
        _embed_and_write(group, store=store, embeddings=embeddings, report=report)
    if progress:
        progress(len(paths), len(paths), "")
    report.seconds = time.perf_counter() - started
    return report


def _embed_and_write(group: list[tuple[Paper, list[Chunk], str | None]], *, store, embeddings, report: IngestReport) -> None:
    """Embed the chunks of these (paper, chunks, id of the version it replaces) in one call and write them in one go."""
    vectors = embeddings.embed_documents([embedding_text(c) for _, chunks, _ in group for c in chunks])
    written, start = [], 0
    for paper, chunks, old in group:
        if old:
            store.remove_paper(old)
            report.replaced += 1
        written.append((paper, chunks, vectors[start : start + len(chunks)]))
        start += len(chunks)
    store.write_papers(written)
    report.papers += len(group)
    report.chunks += start


def _sha256(path: Path, source: str) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise IngestError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    return digest.hexdigest()


def _record(report: IngestReport, source: str, exc: IngestError) -> None:
    log.warning("%s", exc)
    report.failed.append({"path": source, "error": str(exc)})


def ingest_corpus(folder: Path, *, settings: Settings, store=None, embeddings=None, progress: Progress | None = None) -> IngestReport:
    """Make the index mirror a folder of PDFs."""
    return ingest_files(
        _pdf_files(folder), settings=settings, store=store, embeddings=embeddings, sync_folder=folder, progress=progress
    )


def inspect_pdf(path: Path, *, settings: Settings) -> dict:
    """What ingest makes of one PDF, without touching the index."""
    source = source_name(path, settings.root)
    paper = parse_pdf(path.read_bytes(), source=source, settings=settings, overrides=load_manifest(path.parent).get(path.name))
    chunks = chunk_paper(paper, chunk_chars=settings.chunk_chars, overlap=settings.chunk_overlap)
    return paper_outline(paper) | {
        "chunks": [
            {"id": c.chunk_id, "item": c.item, "pages": [c.page_start, c.page_end], "chars": len(c.text), "starts": c.text[:60]}
            for c in chunks
        ],
    }


def paper_outline(paper: Paper) -> dict:
    """Metadata, items and page spans of a parsed paper (the golden-file shape)."""
    return {
        "source": paper.source,
        "council": paper.meeting.council,
        "committee": paper.meeting.committee,
        "meeting_date": paper.meeting.meeting_date,
        "doc_type": paper.doc_type,
        "title": paper.title,
        "pages": len(paper.pages),
        "items": [
            {"item": i.number, "title": i.title, "doc_type": i.doc_type, "pages": [i.page_start, i.page_end]}
            for i in paper.items
        ],
    }
