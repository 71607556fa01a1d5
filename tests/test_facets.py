"""Filter masks over integer-coded columns: the same rows as Filters.accepts, kept per filter, made anew per index version."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings as hypothesis_settings, strategies as st

from assistant.facets import Facets, PaperTable
from assistant.records import Filters
from ingest.records import PaperSummary

COUNCILS = ["Rotherham Metropolitan Borough Council", "Manchester City Council", ""]
COMMITTEES = ["Cabinet", "Overview and Scrutiny Management Board", ""]
DATES = ["2019-10-21", "2021-03-09", "2022-03-23", "2022-03-28", "2023-03-20", ""]
DOC_TYPES = ["report", "minutes", "agenda", ""]

rows = st.lists(st.tuples(*(st.sampled_from(v) for v in (COUNCILS, COMMITTEES, DATES, DOC_TYPES))), max_size=30)
bounds = st.sampled_from(["", "2019-01-01", "2021-03-09", "2022-03-28", "2022-12-31", "2030-01-01"])
filters = st.builds(
    lambda councils, committees, date_from, date_to, doc_types, undated: Filters(
        councils=tuple(councils), committees=tuple(committees), date_from=date_from, date_to=date_to, doc_types=tuple(doc_types), undated=undated
    ),
    st.lists(st.sampled_from([*COUNCILS[:2], "Leeds City Council"]), max_size=2),
    st.lists(st.sampled_from([*COMMITTEES[:2], "Planning Committee"]), max_size=2),
    bounds,
    bounds,
    st.lists(st.sampled_from(DOC_TYPES[:3]), max_size=2),
    st.booleans(),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(rows, filters)
def test_a_mask_passes_exactly_the_rows_filters_accept(rows, filters):
    facets = Facets(*(list(column) for column in zip(*rows))) if rows else Facets([], [], [], [])
    mask = facets.mask(filters)
    if filters.empty:
        assert mask is None
        return
    assert mask.tolist() == [filters.accepts(*row) for row in rows]
    assert facets.mask(filters) is mask, "kept for the next question with the same filter"
    assert not mask.flags.writeable


def _paper(n: int, council: str, committee: str, meeting_date: str) -> PaperSummary:
    return PaperSummary(
        paper_id=f"p{n}", sha256=f"{n}", source=f"{n}.pdf", council=council, committee=committee, meeting_date=meeting_date,
        doc_type="report", title="Report", items=(), pages=1, chunks=1,
    )


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(*(st.sampled_from(v) for v in (COUNCILS, COMMITTEES, DATES))), max_size=20), filters)
def test_the_paper_table_answers_as_a_scan_of_every_paper_would(rows, filters):
    papers = [_paper(n, *row) for n, row in enumerate(rows)]
    table = PaperTable(papers)
    accepts = [p for p in papers if filters.accepts(p.council, p.committee, p.meeting_date, p.doc_type)]
    assert table.any_match(filters) == bool(accepts)
    dates = bool(filters.date_from or filters.date_to) and not filters.undated
    # A paper the other filters keep but whose date or committee is not known.
    rest = replace(filters, committees=(), date_from="", date_to="")
    assert table.unjudged(filters) == sum(
        1 for p in papers if rest.accepts(p.council, p.committee, p.meeting_date, p.doc_type) and ((dates and not p.meeting_date) or (filters.committees and not p.committee))
    )
    assert table.latest(filters) == max((p.meeting_date for p in accepts), default="")
    counts = {c: sum(p.council == c for p in papers) for c in {p.council for p in papers if p.council}}
    assert table.councils == tuple(sorted(counts))
    assert table.home == (max(counts, key=lambda c: (counts[c], -[p.council for p in papers].index(c))) if counts else "")
