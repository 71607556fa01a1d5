"""What a remembered refusal rests on, and the file it is kept in."""

from __future__ import annotations

import json

from ingest.errors import DuplicatePaper, IngestError, NoTextExtracted, NotAPdf
from ingest.refusals import FORMAT, Refusal, holds, load_refusals, refusal_of, save_refusals

NOW = {"reader": "pypdf 6.0.0", "ocr": "no", "max_pages": "600", "max_bytes": "50000000"}


def _holds(refusal: Refusal, *, sha256: str = "aa", now=NOW, indexed=None, current=None, refused=None) -> bool:
    return holds(
        refusal, sha256=sha256, now=now, indexed=indexed or {}.get, current=current or {}.get, refused=refused or {}.get
    )


def test_a_refusal_of_the_bytes_holds_while_the_bytes_and_the_reader_do():
    refusal = refusal_of(NotAPdf("a.pdf: not a PDF"), source="a.pdf", sha256="aa", now=NOW)
    assert refusal.judged_with == {"reader": "pypdf 6.0.0"} and not refusal.read_with_folder
    assert _holds(refusal)
    assert not _holds(refusal, sha256="bb")
    assert not _holds(refusal, now=NOW | {"reader": "pypdf 7.0.0"})
    assert _holds(refusal, now=NOW | {"ocr": "yes", "max_pages": "10"}), "OCR and the page limit do not bear on it"


def test_no_text_is_read_again_when_ocr_can_run():
    refusal = refusal_of(NoTextExtracted("scan.pdf: image-only PDF"), source="scan.pdf", sha256="aa", now=NOW)
    assert _holds(refusal)
    assert not _holds(refusal, now=NOW | {"ocr": "yes"})


def test_a_duplicate_holds_while_its_twin_is_in_the_index_with_the_same_bytes():
    refusal = refusal_of(
        DuplicatePaper("b.pdf: duplicate of a.pdf (same text), skipped"), source="b.pdf", sha256="aa", now=NOW,
        duplicate_of="a.pdf", duplicate_sha256="11",
    )
    assert refusal.read_with_folder
    assert _holds(refusal, indexed={"a.pdf": "11"}.get)
    assert not _holds(refusal, indexed={"a.pdf": "12"}.get), "the twin changed"
    assert not _holds(refusal), "the twin left the index"
    twin = refusal_of(IngestError("a.pdf: no text to index after cleaning"), source="a.pdf", sha256="11", now=NOW)
    assert _holds(refusal, refused={"a.pdf": twin}.get), "the twin is refused with the same bytes: so is its copy"


def test_a_pack_holds_while_the_papers_beside_it_are_unchanged():
    refusal = refusal_of(
        DuplicatePaper("pack.pdf: every page is also in another paper of its folder, skipped"), source="pack.pdf", sha256="aa",
        now=NOW, siblings=(("part-1.pdf", "11"), ("part-2.pdf", "22")),
    )
    assert _holds(refusal, current={"part-1.pdf": "11", "part-2.pdf": "22"}.get)
    assert not _holds(refusal, current={"part-1.pdf": "11"}.get), "a part is gone"
    assert not _holds(refusal, current={"part-1.pdf": "11", "part-2.pdf": "23"}.get), "a part changed"


def test_the_file_is_written_whole_and_read_back(tmp_path):
    path = tmp_path / "refused" / "council-x.json"
    refusals = {
        "b.pdf": refusal_of(DuplicatePaper("b.pdf: duplicate"), source="b.pdf", sha256="aa", now=NOW, duplicate_of="a.pdf", duplicate_sha256="11"),
        "c.pdf": refusal_of(DuplicatePaper("c.pdf: pack"), source="c.pdf", sha256="cc", now=NOW, siblings=(("d.pdf", "dd"),)),
    }
    save_refusals(path, refusals)
    assert load_refusals(path) == refusals
    assert [p.name for p in path.parent.iterdir()] == ["council-x.json"], "no temporary file is left"
    assert json.loads(path.read_text())["format"] == FORMAT
    save_refusals(path, {})
    assert not path.exists()


def test_a_damaged_file_is_no_refusals(tmp_path):
    path = tmp_path / "refused.json"
    assert load_refusals(path) == {}
    path.write_text('{"format": 1, "refused": [{"source": "a.pdf"')
    assert load_refusals(path) == {}
    path.write_text(json.dumps({"format": FORMAT + 1, "refused": []}))
    assert load_refusals(path) == {}
    path.write_text(json.dumps({"format": FORMAT, "refused": [{"source": "a.pdf"}, {"source": "b.pdf", "sha256": "bb", "reason": "r", "kind": "NotAPdf"}]}))
    assert list(load_refusals(path)) == ["b.pdf"], "a damaged row is dropped, the rest kept"
