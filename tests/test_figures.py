"""Recurring figures for the timeline chart: which amount belongs to which series, and corrections."""

from __future__ import annotations

from assistant.figures import _clause_points, figure_points
from ingest.records import Chunk


def _chunk(text: str, date: str, committee: str = "Cabinet", ordinal: int = 0) -> Chunk:
    return Chunk(
        chunk_id=f"p{date}:{ordinal:05d}", paper_id=f"p{date}", source=f"corpus/{date}.pdf", council="C", committee=committee,
        meeting_date=date, item="1", title="Social Value Annual Report", doc_type="report", page_start=1, page_end=1, text=text,
    )


def test_each_amount_goes_to_its_nearest_series_and_the_last_amount_wins():
    points, rejected = _clause_points("Commitments have more than doubled, to £27.8m, and delivered value doubled from £4m to £8m.")
    assert set(points) == {("Commitments secured", 27.8), ("Value delivered", 8.0)} and not rejected
    points, _ = _clause_points("The total is £32m, and £12.3 million of social value has been validated as delivered.")
    assert ("Value delivered", 12.3) in points
    # A key-figures table row flattened into one line: the amount follows its own label.
    row = "Social value secured from Council contracts More than £13m since the policy was introduced Local spend with in-borough suppliers Nearly doubled"
    assert _clause_points(row)[0] == [("Commitments secured", 13.0)]
    assert _clause_points("Contracts of £100,000 or more include social value commitments.")[0] == []


def test_a_corrected_figure_is_not_a_point():
    points, rejected = _clause_points("The summary should have stated that more than £13m, not £113m, of social value had been secured.")
    assert points == [("Commitments secured", 13.0)] and rejected == {113.0}
    chunks = [
        _chunk("Since then more than £113m of social value has been secured from contracts.", "2023-03-20", ordinal=0),
        _chunk("The report should have said more than £13m, not £113m, had been secured.", "2023-03-20", ordinal=1),
        _chunk("Commitments more than doubled, to £27.8m.", "2024-03-18"),
    ]
    pages = {c.paper_id: [c.text] for c in chunks[:1] + chunks[2:]}
    pages["p2023-03-20"] = [chunks[0].text + " " + chunks[1].text]
    series = [(p.meeting_date, p.series, p.value_m) for p in figure_points(chunks, lambda pid: pages[pid])]
    assert series == [("2023-03-20", "Commitments secured", 13.0), ("2024-03-18", "Commitments secured", 27.8)]


def test_a_point_whose_quote_is_not_on_its_page_is_dropped():
    chunk = _chunk("Commitments more than doubled, to £27.8m.", "2024-03-18")
    assert figure_points([chunk], lambda pid: ["something else entirely"]) == []
