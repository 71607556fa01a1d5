"""Papers refused on an earlier run, remembered in the index folder so that an unchanged one is not read again.

A refused paper is not in the registry, so without this every later `ingest build` read it again, and
with it its whole folder (a folder's papers are read together for their meeting, ingest/context.py):
on the real corpus a same-text duplicate cost a re-read of its folder, OCR included, on every build.
A refusal is remembered with what it rests on, and holds while all of that does:

- every refusal: the file's bytes (sha256) and the reader that judged them (pypdf's version);
- a PDF with no text layer: whether OCR could run (COUNCIL_OCR and tesseract installed);
- too many pages, too many bytes: the limit;
- a duplicate of another paper's text: that paper, with the same bytes, still in the index (or itself
  refused with a refusal that holds: then this copy would be refused with it);
- a pack whose every page other papers of its folder hold: those papers, with the same bytes.

The index version (cleaning, chunking, model) is in the file's name, the collection's, so a new index
starts with no refusals, as it starts with no papers. The file is written whole to a temporary file
and renamed over the old one, so a reader never sees half of it; a file that cannot be read is no
refusals at all (every paper is read, as before there was a file).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import EmptyFile, EncryptedPdf, IngestError, NoTextExtracted, NotAPdf, TooManyPages, UnreadablePdf

FORMAT = 1
"""The file's layout; a file of another layout is not read (every paper is read again once)."""

UNREADABLE = (EmptyFile, NotAPdf, UnreadablePdf, EncryptedPdf, TooManyPages, NoTextExtracted)
"""Refusals of a file's bytes alone, found before its folder is read: remembered. An IngestError of no
kind here ("cannot be read": a file being written, permissions; a manifest.yaml that is not YAML) may
not happen again, or is not the paper's, and is tried again on the next run."""

RESTS_ON: dict[str, tuple[str, ...]] = {
    "NoTextExtracted": ("reader", "ocr"),
    "TooManyPages": ("reader", "max_pages"),
    "UnreadablePdf": ("reader", "max_bytes"),
}
"""What a refusal of each kind was judged with, beyond the bytes (every other kind: the reader alone).
UnreadablePdf covers "over the byte limit"; NoTextExtracted is the one OCR can undo."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusal:
    """One refused file, as an earlier run found it."""

    source: str
    sha256: str
    """The refused bytes: other bytes at the same path are read again."""
    reason: str
    """The report's one line."""
    kind: str
    """The IngestError's class name (RESTS_ON)."""
    judged_with: dict[str, str] = field(default_factory=dict)
    """The conditions of RESTS_ON[kind] when it was refused (conditions())."""
    duplicate_of: str = ""
    """A duplicate's twin: the source of the paper with the same text ("" when not a duplicate)."""
    duplicate_sha256: str = ""
    """The twin's bytes when it was refused."""
    siblings: tuple[tuple[str, str], ...] = ()
    """A pack's folder: (source, sha256) of the other papers read with it, one of which holds each of its pages."""

    @property
    def read_with_folder(self) -> bool:
        """True for a refusal its folder's papers made (a duplicate, a pack, nothing left after cleaning):
        the paper was read, takes part in its folder's context, and is read again with its folder."""
        return self.kind not in {kind.__name__ for kind in UNREADABLE}


def conditions(settings, *, tesseract: Callable[[], bool] | None = None) -> dict[str, str]:
    """What a refusal can rest on besides the bytes, now: the reader's version, whether OCR can run, the limits."""
    from . import pdf

    can_ocr = settings.ocr and (tesseract or pdf.tesseract_available)()
    return {
        "reader": pdf.reader_version(),
        "ocr": "yes" if can_ocr else "no",
        "max_pages": str(settings.max_pages),
        "max_bytes": str(settings.max_bytes),
    }


def judged(kind: str, now: Mapping[str, str]) -> dict[str, str]:
    """The conditions a refusal of this kind rests on, taken from conditions()."""
    return {key: now[key] for key in RESTS_ON.get(kind, ("reader",))}


def holds(
    refusal: Refusal,
    *,
    sha256: str,
    now: Mapping[str, str],
    indexed: Callable[[str], str | None],
    current: Callable[[str], str | None],
    refused: Callable[[str], Refusal | None],
) -> bool:
    """True while what the refusal rests on is unchanged: then the file is not read again.

    sha256: the file's bytes now; now: conditions(); indexed(source): the sha256 of that done paper in
    the index, or None; current(source): the sha256 of that file on disk now, or None when it is gone;
    refused(source): the twin's own refusal that holds, if any.
    """
    if refusal.sha256 != sha256 or refusal.judged_with != judged(refusal.kind, now):
        return False
    if refusal.duplicate_of:
        if indexed(refusal.duplicate_of) == refusal.duplicate_sha256:
            return True
        twin = refused(refusal.duplicate_of)
        return twin is not None and twin.sha256 == refusal.duplicate_sha256
    return all(current(source) == sha for source, sha in refusal.siblings)


def refusal_of(
    exc: IngestError,
    *,
    source: str,
    sha256: str,
    now: Mapping[str, str],
    duplicate_sha256: str = "",
    duplicate_of: str = "",
    siblings: tuple[tuple[str, str], ...] = (),
) -> Refusal:
    """The refusal to remember for this error (its kind, and what that kind rests on)."""
    kind = type(exc).__name__
    return Refusal(
        source=source, sha256=sha256, reason=str(exc), kind=kind, judged_with=judged(kind, now),
        duplicate_of=duplicate_of, duplicate_sha256=duplicate_sha256, siblings=tuple(siblings),
    )


def load_refusals(path: Path) -> dict[str, Refusal]:
    """source -> Refusal from the file ({} when there is none, or it is of another format or damaged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("refused"), list):
        return {}
    out: dict[str, Refusal] = {}
    for row in data["refused"]:
        try:
            refusal = Refusal(
                source=str(row["source"]), sha256=str(row["sha256"]), reason=str(row["reason"]), kind=str(row["kind"]),
                judged_with={str(k): str(v) for k, v in dict(row.get("judged_with") or {}).items()},
                duplicate_of=str(row.get("duplicate_of") or ""), duplicate_sha256=str(row.get("duplicate_sha256") or ""),
                siblings=tuple((str(s), str(h)) for s, h in row.get("siblings") or ()),
            )
        except (KeyError, TypeError, ValueError):
            continue  # a damaged row is no refusal: that paper is read again
        out[refusal.source] = refusal
    return out


def save_refusals(path: Path, refusals: Mapping[str, Refusal]) -> None:
    """Write the file whole (a temporary file renamed over the old one); none left: the file is removed."""
    if not refusals:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [asdict(refusals[source]) for source in sorted(refusals)]
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps({"format": FORMAT, "refused": rows}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
