"""Small committee-paper PDFs for tests, drawn with reportlab in our house layout."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

LINES_PER_PAGE = 48


def _long(iso: str) -> str:
    value = date.fromisoformat(iso)
    return f"{value:%A} {value.day} {value:%B %Y}"


def _draw(path: Path, pages: list[list[str]], header: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for number, lines in enumerate(pages, start=1):
        pdf.setFont("Helvetica", 9)
        if number > 1:
            pdf.drawString(50, height - 30, header)
        pdf.drawString(width / 2 - 30, 25, f"Page {number} of {len(pages)}")
        pdf.setFont("Helvetica", 10)
        y = height - 60
        for line in lines:
            pdf.drawString(50, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return path


def _paginate(lines: list[str]) -> list[list[str]]:
    return [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]


def _wrap(paragraphs: list[str]) -> list[str]:
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += textwrap.wrap(paragraph, 95) or [""]
    return lines


def make_report(
    path: Path,
    *,
    council: str = "Rotherham Metropolitan Borough Council",
    committee: str = "Cabinet",
    meeting_date: str = "2022-03-28",
    item: str = "126",
    title: str = "Social Value Annual Report",
    paragraphs: list[str],
    kind: str = "Public Report",
) -> Path:
    """A report with our cover block, numbered paragraphs, running header and page numbers."""
    cover = [
        council,
        kind,
        f"Committee: {committee}",
        f"Meeting date: {_long(meeting_date)}",
        f"Agenda item: {item}",
        f"Report title: {title}",
        "Report of: Chief Executive",
        "",
    ]
    return _draw(path, _paginate(cover + _wrap(paragraphs)), f"{committee} - {_long(meeting_date)}    {title}")


def make_minutes(
    path: Path,
    *,
    council: str = "Rotherham Metropolitan Borough Council",
    committee: str = "Cabinet",
    meeting_date: str = "2022-03-28",
    items: list[tuple[str, str, list[str]]],
) -> Path:
    """Minutes with numbered ALL-CAPS item headings and Resolved: decisions."""
    lines = [council, "Minutes", committee, f"Meeting date: {_long(meeting_date)}", "Present: Councillor Read (in the Chair).", ""]
    for number, title, paragraphs in items:
        lines.append(f"{number}.  {title.upper()}")
        lines += _wrap(paragraphs)
        lines.append("")
    return _draw(path, _paginate(lines), f"{committee} - {_long(meeting_date)}")
