"""Golden files for parsed corpus PDFs (metadata, items, page spans).

Regenerate after a deliberate parser change, then review the diff:

    .venv/bin/python tests/golden.py            # rewrite tests/data/golden/*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
# One of each kind the corpus has: report, minutes, agenda pack, landscape appendix, second council.
REPRESENTATIVE = (
    "*2019-10-21*cabinet*report*",
    "*2022-03-28*cabinet*minutes*",
    "*2022-03-23*agenda*",
    "*2025-06-09*appendix*",
    "*2025-06-09*cabinet*report*",
    "*2023-11-15*report*",
    "*manchester*/*2021-03-09*minutes*",
)


def outline(pdf: Path) -> dict:
    """What the parser makes of a PDF read with its folder's other papers (as `ingest inspect` does), in golden-file form."""
    sys.path.insert(0, str(ROOT))
    from ingest.pipeline import paper_outline, read_in_folder
    from ingest.settings import Settings

    settings = Settings(root=ROOT, ocr=False)
    return paper_outline(read_in_folder(pdf, settings=settings))


def representative_pdfs() -> list[Path]:
    """The corpus PDFs that have golden files."""
    found: list[Path] = []
    for pattern in REPRESENTATIVE:
        matches = sorted((ROOT / "corpus").rglob(f"{pattern}.pdf"))
        if matches:
            found.append(matches[0])
    return found


def golden_path(pdf: Path) -> Path:
    """Where the golden file of a PDF lives."""
    return GOLDEN / f"{pdf.stem}.json"


def main() -> None:
    """Rewrite every golden file."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for pdf in representative_pdfs():
        golden_path(pdf).write_text(json.dumps(outline(pdf), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {golden_path(pdf).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
