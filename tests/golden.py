"""Golden files for parsed corpus PDFs (metadata, items, page spans).

Regenerate after a deliberate parser change, then review the diff:

    .venv/bin/python tests/golden.py            # rewrite tests/data/golden/*.json and tests/data/golden/real/*.json

Real councils' papers (tests/data/golden/real/) are read in place from ../shared/realcorpus, with the
other papers of their folder, as `ingest inspect` reads them; their tests skip when that folder is absent.
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


REAL_CORPUS = ROOT.parent / "shared" / "realcorpus"
REAL_GOLDEN = GOLDEN / "real"
# Real councils' papers, read in place (see ../shared/realcorpus/SOURCES.md): one of each way a meeting is found.
REAL = (
    "bristol/bristol-city-council/transport-and-connectivity-policy-committee/2024-09-12/src-bcc-0006_appendix-a-feasibility-study-report-wpl-scheme-bristol-final-draft.pdf",
    "bristol/bristol-city-council/transport-and-connectivity-policy-committee/2025-05-15/src-bcc-0008_committee-report-workplace-parking-levy-update-2025-05-15.pdf",
    "bristol/west-of-england-mca/joint-committee-and-mca-committee/2026-06-05/src-weca-0025_joint-meeting-2026-06-05-public-questions-mayor-responses.pdf",
    "milburn/agendas_2019-05-07_AGM and Parish Mtg.pdf",
    "milburn/minutes_2018-01-18_.pdf",
    "burton-cum-walden/minutes-2025-09-02.pdf",
    "burton-cum-walden/annual-reports/2022-23/annual-report-2022-23.pdf",
)


def real_outline(pdf: Path) -> dict:
    """outline() of a real paper, its source named from the realcorpus folder (not this machine's path)."""
    data = outline(pdf)
    data["source"] = "realcorpus/" + pdf.resolve().relative_to(REAL_CORPUS.resolve()).as_posix()
    return data


def real_golden_path(relative: str) -> Path:
    """Where the golden file of a realcorpus paper lives."""
    return REAL_GOLDEN / f"{Path(relative).stem.replace(' ', '_')}.json"


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
    if not REAL_CORPUS.is_dir():
        print(f"{REAL_CORPUS} is not here: realcorpus golden files left as they are")
        return
    REAL_GOLDEN.mkdir(parents=True, exist_ok=True)
    for relative in REAL:
        path = real_golden_path(relative)
        path.write_text(json.dumps(real_outline(REAL_CORPUS / relative), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
