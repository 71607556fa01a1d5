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
from .context import Draft, ManifestEntry, entry_from_overrides, listed_items, manifest_entries, meeting_folder, read_file_name, resolve_folder
from .metadata import parse_cover, split_items
from .records import Chunk, IngestReport, Page, Paper
from .refusals import UNREADABLE, Refusal, conditions, holds, load_refusals, refusal_of, save_refusals
from .settings import Settings

log = logging.getLogger(__name__)
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


def manifest_for(path: Path, cache: dict[Path, dict] | None = None) -> ManifestEntry | None:
    """What meeting.json (or the older manifest.yaml) beside a PDF says about it; meeting.json wins field by field."""
    cache = {} if cache is None else cache
    folder = path.parent
    if folder not in cache:
        cache[folder] = {"yaml": load_manifest(folder), "json": manifest_entries(folder)}
    found = cache[folder]["json"].get(path.name)
    values = cache[folder]["yaml"].get(path.name)
    if values is None:
        return found
    older = entry_from_overrides(values)
    if found is None:
        return older
    return ManifestEntry(**{k: getattr(found, k) or getattr(older, k) for k in ManifestEntry.__dataclass_fields__})


def read_draft(data: bytes, *, path: Path, source: str, settings: Settings, manifest: ManifestEntry | None = None) -> Draft:
    """PDF bytes -> the paper read on its own, before its folder settles its meeting (raises IngestError)."""
    from .pdf import check_pdf_bytes, extract_page_texts

    check_pdf_bytes(data, source, max_bytes=settings.max_bytes)
    raw = extract_page_texts(data, source, max_pages=settings.max_pages, ocr=settings.ocr)
    pages = tuple(clean_pages(raw))
    # The cover is read before cleaning: a council name printed atop every page is still the council.
    cover = parse_cover(raw[0], path.name)
    name = read_file_name(path.name)
    kind = name.doc_type if name.moderngov and name.doc_type else cover.doc_type
    return Draft(
        path=str(path),
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
        cover=cover,
        items=listed_items(pages, kind),
        manifest=manifest,
    )


def finish_paper(draft: Draft, context) -> Paper:
    """A draft and its settled context -> the Paper that is chunked (a pack's pages its parts hold are left out)."""
    pages = tuple(Page(number=p.number, text="") if p.number in context.pages_elsewhere else p for p in draft.pages)
    cover = replace(draft.cover, meeting=context.meeting, doc_type=context.doc_type, title=context.title, item=context.item)
    return Paper(
        paper_id=draft.sha256[:16],
        sha256=draft.sha256,
        source=draft.source,
        meeting=context.meeting,
        doc_type=context.doc_type,
        title=context.title,
        pages=pages,
        items=tuple(split_items(list(pages), cover)),
        source_url=context.source_url,
        item_title=context.item_title,
        provenance=dict(context.provenance),
    )


def parse_pdf(data: bytes, *, source: str, settings: Settings, overrides: dict | None = None) -> Paper:
    """PDF bytes -> a Paper from its own first page, name, folder names and overrides alone (raises IngestError)."""
    path = Path(source) if Path(source).is_absolute() else settings.root / source
    manifest = entry_from_overrides(overrides) if overrides else None
    draft = read_draft(data, path=path, source=source, settings=settings, manifest=manifest)
    [context] = resolve_folder([draft])
    return finish_paper(draft, context)


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

    # Plan: hash every file, skip the unchanged, refuse duplicates (cheap, in order), and set aside the files
    # refused before with these same bytes (ingest/refusals.py).
    remembered = load_refusals(settings.refusals_path)
    now = conditions(settings)
    work: list[tuple[Path, str, str | None]] = []
    seen: dict[str, str] = {}
    hashes: dict[str, str] = {}
    refused_before: dict[str, tuple[Path, str | None]] = {}
    for path, source in zip(paths, sources):
        try:
            sha = _sha256(path, source)
            hashes[source] = sha
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
            if source in remembered and remembered[source].sha256 == sha:
                refused_before[source] = (path, old)
                continue
            work.append((path, source, old))
        except IngestError as exc:
            _record(report, source, exc)
    held = _held_refusals(
        {source: remembered[source] for source in refused_before}, hashes=hashes, registry=registry, by_source=by_source, now=now, root=root
    )
    work += [(path, source, old) for source, (path, old) in refused_before.items() if source not in held]

    # Work: a paper's meeting comes from its folder's papers too (ingest/context.py), so a folder's papers
    # are read together; the next folder's are read in a thread while this one's are embedded (pypdf and
    # torch overlap). Unchanged papers of a folder with work are read for their context only, and are
    # re-indexed when what the folder now says of them differs from what the index holds. So is a refusal
    # its folder made (a duplicate, a pack), whose text is part of what the folder says of the others: read
    # with its folder, it is judged again.
    todo = {source: old for _, source, old in work}
    unchanged = {
        source for source in sources
        if source in by_source and source not in todo and source not in held and by_source[source] in registry
    }
    with_folder = {source for source, refusal in held.items() if refusal.read_with_folder}
    folders: dict[str, list[tuple[Path, str]]] = {}
    for path, source in zip(paths, sources):
        if source in todo or source in unchanged or source in with_folder:
            folders.setdefault(meeting_folder(path.resolve()), []).append((path, source))
    # Parents before their subfolders: a subfolder's papers take the council its parent's papers name.
    batches = sorted(
        (members for members in folders.values() if any(source in todo for _, source in members)),
        key=lambda members: (len(Path(members[0][0]).resolve().parts), str(members[0][0])),
    )
    for members in batches:
        for _, source in members:
            if source in with_folder:
                todo[source] = refused_before[source][1]
                del held[source]
    for source in sources:
        if source in held:
            _record(report, source, held[source].reason, remembered=True)
    refused: dict[str, Refusal] = {}
    manifests: dict[Path, dict] = {}
    councils: dict[Path, str] = {}

    def parse(path: Path, source: str) -> Draft:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
        return read_draft(data, path=path.resolve(), source=source, settings=settings, manifest=manifest_for(path.resolve(), manifests))

    done = report.skipped_unchanged + len(report.failed)
    group: list[tuple[Paper, list[Chunk], str | None]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse") as pool:
        pending = [[pool.submit(parse, path, source) for path, source in batches[0]]] if batches else []
        for index, members in enumerate(batches):
            if index + 1 < len(batches):
                pending.append([pool.submit(parse, path, source) for path, source in batches[index + 1]])
            drafts: list[Draft] = []
            for (path, source), future in zip(members, pending[index]):
                try:
                    drafts.append(future.result())
                except IngestError as exc:
                    if source in todo:
                        _record(report, source, exc)
                        done += 1
                        if isinstance(exc, UNREADABLE) and source in hashes:
                            refused[source] = refusal_of(exc, source=source, sha256=hashes[source], now=now)
            pending[index] = []  # let the drafts go once written
            folder = Path(meeting_folder(Path(members[0][0]).resolve()))
            inherited = ancestor_council(folder, stop=sync_folder, settings=settings, cache=councils)
            contexts = resolve_folder(drafts, stop=sync_folder.resolve() if sync_folder else None, inherited_council=inherited)
            for draft, context in zip(drafts, contexts):
                source = draft.source
                if source not in todo:
                    if _indexed_as(registry[by_source[source]], context):
                        continue
                    report.skipped_unchanged -= 1  # its folder now says otherwise: index it again
                    old = by_source[source]
                else:
                    old = todo[source]
                if progress:
                    progress(done, len(paths), source)
                done += 1
                try:
                    if context.duplicate_of:
                        raise DuplicatePaper(f"{source}: duplicate of {context.duplicate_of} (same text), skipped")
                    paper = finish_paper(draft, context)
                    chunks = chunk_paper(paper, chunk_chars=settings.chunk_chars, overlap=settings.chunk_overlap)
                    if not chunks and context.pages_elsewhere:
                        raise DuplicatePaper(f"{source}: every page is also in another paper of its folder, skipped")
                    if not chunks:
                        raise IngestError(f"{source}: no text to index after cleaning")
                except IngestError as exc:
                    _record(report, source, exc)
                    if source in todo:  # an indexed paper its folder now refuses keeps its place, as before: nothing to remember
                        refused[source] = refusal_of(
                            exc, source=source, sha256=draft.sha256, now=now, duplicate_of=context.duplicate_of,
                            duplicate_sha256=next((d.sha256 for d in drafts if d.source == context.duplicate_of), ""),
                            siblings=tuple((d.source, d.sha256) for d in drafts if d is not draft) if context.pages_elsewhere else (),
                        )
                    continue
                report.no_meeting += not context.has_meeting
                group.append((paper, chunks, old))
                if sum(len(c) for _, c, _ in group) >= EMBED_AT_ONCE:
                    _embed_and_write(group, store=store, embeddings=embeddings, report=report)
                    group = []
    if group:
        _embed_and_write(group, store=store, embeddings=embeddings, report=report)
    # Every file of this run was judged again (held, refused afresh, or now indexed); a file gone from the
    # synced folder is forgotten; refusals of files this run was not given are kept as they were.
    keep = {
        source: refusal for source, refusal in remembered.items()
        if source not in hashes and not (sync_folder is not None and source.startswith(prefix))
    }
    keep |= held | refused
    if keep != remembered:
        save_refusals(settings.refusals_path, keep)
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


def _indexed_as(meta: dict, context) -> bool:
    """True when the index already holds a paper with the meeting, title and source its folder now gives it."""
    return (
        str(meta.get("council", "")), str(meta.get("committee", "")), str(meta.get("meeting_date", "")),
        str(meta.get("doc_type", "")), str(meta.get("title", "")), str(meta.get("source_url", "")),
    ) == (
        context.meeting.council, context.meeting.committee, context.meeting.meeting_date,
        context.doc_type, context.title, context.source_url,
    )


def ancestor_council(folder: Path, *, stop: Path | None, settings: Settings, cache: dict[Path, str]) -> str:
    """The council most papers name in the nearest folder above this one that holds papers (one council's folder is its).

    Read from the first pages of the PDFs directly in each folder above, up to stop (or FOLDER_LEVELS
    folders); "" when no folder above has a clear majority.
    """
    from .context import FOLDER_LEVELS, clean_council, name_key
    from .pdf import first_page_text

    stop = stop.resolve() if stop is not None else None
    current = folder
    for _ in range(FOLDER_LEVELS):
        if stop is not None and (current == stop or stop not in current.parents):
            return ""
        current = current.parent
        if current not in cache:
            names: list[str] = []
            try:
                pdfs = sorted(p for p in current.iterdir() if p.is_file() and p.suffix.lower() == ".pdf")[:ANCESTOR_PAPERS]
            except OSError:
                pdfs = []
            for pdf in pdfs:
                try:
                    data = pdf.read_bytes()[: settings.max_bytes]
                except OSError:
                    continue
                names.append(clean_council(parse_cover(first_page_text(data), pdf.name).meeting.council))
            names = [n for n in names if n]
            # The most named council, in its mixed-case spelling ("Burton-cum-Walden"), the same on every run.
            top = min(names, key=lambda n: (-sum(name_key(m) == name_key(n) for m in names), sum(c.isupper() for c in n), n)) if names else ""
            votes = sum(name_key(n) == name_key(top) for n in names)
            cache[current] = top if top and votes >= 2 and votes * 2 > len(names) else ""
        if cache[current]:
            return cache[current]
    return ""


ANCESTOR_PAPERS = 40
"""First pages read in one folder above a paper to find whose folder it is."""


def _sha256(path: Path, source: str) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise IngestError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    return digest.hexdigest()


def _record(report: IngestReport, source: str, exc: IngestError | str, *, remembered: bool = False) -> None:
    """A failure in the report; remembered: the refusal of an earlier run, the file not read again."""
    log.warning("%s%s", exc, " (refused before and unchanged: not read again)" if remembered else "")
    report.failed.append({"path": source, "error": str(exc), "remembered": remembered})


def _held_refusals(
    candidates: dict[str, Refusal], *, hashes: dict[str, str], registry: dict[str, dict], by_source: dict[str, str], now: dict[str, str], root: Path
) -> dict[str, Refusal]:
    """The refusals among candidates (files refused before with the bytes they have now) that still hold
    (refusals.holds): a duplicate's judged after the others, as its twin may be one of them."""

    def indexed(source: str) -> str | None:
        pid = by_source.get(source)
        return str(registry[pid].get("sha256")) if pid in registry else None

    def current(source: str) -> str | None:
        if source in hashes:
            return hashes[source]
        try:  # a paper of the folder this run was not given (an upload's neighbours)
            return _sha256(Path(source) if Path(source).is_absolute() else root / source, source)
        except IngestError:
            return None

    held: dict[str, Refusal] = {}
    for duplicates in (False, True):
        for source, refusal in candidates.items():
            if bool(refusal.duplicate_of) == duplicates and holds(
                refusal, sha256=hashes[source], now=now, indexed=indexed, current=current, refused=held.get
            ):
                held[source] = refusal
    return held


def ingest_corpus(folder: Path, *, settings: Settings, store=None, embeddings=None, progress: Progress | None = None) -> IngestReport:
    """Make the index mirror a folder of PDFs."""
    return ingest_files(
        _pdf_files(folder), settings=settings, store=store, embeddings=embeddings, sync_folder=folder, progress=progress
    )


def inspect_pdf(path: Path, *, settings: Settings) -> dict:
    """What ingest makes of one PDF, read with the other papers of its folder, without touching the index."""
    paper = read_in_folder(path, settings=settings)
    chunks = chunk_paper(paper, chunk_chars=settings.chunk_chars, overlap=settings.chunk_overlap)
    return paper_outline(paper) | {
        "chunks": [
            {"id": c.chunk_id, "item": c.item, "pages": [c.page_start, c.page_end], "chars": len(c.text), "starts": c.text[:60]}
            for c in chunks
        ],
    }


def read_in_folder(path: Path, *, settings: Settings, stop: Path | None = None) -> Paper:
    """One PDF parsed as `ingest build` parses it: with the other papers of its meeting's folder (raises IngestError)."""
    path = path.resolve()
    folder = Path(meeting_folder(path))
    siblings = [p for p in _pdf_files(folder) if p.resolve() != path and meeting_folder(p.resolve()) == str(folder)]
    manifests: dict[Path, dict] = {}
    draft = read_draft(path.read_bytes(), path=path, source=source_name(path, settings.root), settings=settings, manifest=manifest_for(path, manifests))
    quiet = settings.model_copy(update={"ocr": False})
    drafts = [draft]
    for sibling in siblings:
        try:
            data = sibling.read_bytes()
            drafts.append(read_draft(data, path=sibling.resolve(), source=source_name(sibling, settings.root), settings=quiet, manifest=manifest_for(sibling.resolve(), manifests)))
        except (IngestError, OSError):
            continue  # a sibling that cannot be read gives no context
    inherited = ancestor_council(folder, stop=stop, settings=settings, cache={})
    context = resolve_folder(drafts, stop=stop, inherited_council=inherited)[0]
    if context.duplicate_of:
        raise DuplicatePaper(f"{draft.source}: duplicate of {context.duplicate_of} (same text), skipped")
    return finish_paper(draft, context)


def paper_outline(paper: Paper) -> dict:
    """Metadata, items and page spans of a parsed paper (the golden-file shape)."""
    return {
        "source": paper.source,
        "council": paper.meeting.council,
        "committee": paper.meeting.committee,
        "meeting_date": paper.meeting.meeting_date,
        "doc_type": paper.doc_type,
        "title": paper.title,
        "item_title": paper.item_title,
        "source_url": paper.source_url,
        "has_meeting": bool(paper.meeting.committee and paper.meeting.meeting_date),
        "provenance": dict(paper.provenance),
        "pages": len(paper.pages),
        "items": [
            {"item": i.number, "title": i.title, "doc_type": i.doc_type, "pages": [i.page_start, i.page_end]}
            for i in paper.items
        ],
    }
