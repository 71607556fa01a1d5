from ingest.chunking import chunk_paper, sentence_spans
from ingest.records import Item, Meeting, Paper


def _sentences(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_split_at_full_stops_and_blocks_not_abbreviations():
    text = "1. Summary\n1.1 The meeting began at 10.00 a.m. in the Town Hall. It closed at noon.\n(1) That the report be received.\na. Launch the toolkit in May 2022."
    assert _sentences(text) == [
        "1. Summary",
        "1.1 The meeting began at 10.00 a.m. in the Town Hall.",
        "It closed at noon.",
        "(1) That the report be received.",
        "a. Launch the toolkit in May 2022.",
    ]


def test_wrapped_lines_starting_with_a_year_stay_in_one_sentence():
    text = "1.1 This is the second annual report on social value since the policy was adopted in October\n2019. It sets out progress."
    assert _sentences(text)[0].endswith("October\n2019.")


def _paper(items):
    return Paper(
        paper_id="p" * 16, sha256="s" * 64, source="corpus/x.pdf", meeting=Meeting(council="C", committee="Cabinet", meeting_date="2022-03-28"),
        doc_type="minutes", title="Minutes", pages=(), items=tuple(items),
    )


def test_chunks_never_span_items_and_know_their_pages():
    long = " ".join(f"Sentence number {n} about social value commitments." for n in range(40))
    items = [
        Item(number="125", title="Minutes", doc_type="minutes", segments=((1, "Resolved: That the minutes be approved."),)),
        Item(number="126", title="Social Value", doc_type="minutes", segments=((1, long), (2, long))),
    ]
    chunks = chunk_paper(_paper(items), chunk_chars=400, overlap=1)
    assert chunks[0].item == "125" and chunks[0].page_start == chunks[0].page_end == 1
    rest = chunks[1:]
    assert all(c.item == "126" for c in rest)
    assert all(len(c.text) <= 400 for c in chunks)
    assert {c.page_start for c in rest} == {1, 2}
    spanning = [c for c in rest if c.page_start != c.page_end]
    assert spanning, "a chunk that crosses the page break"
    for chunk in spanning:
        boundary = next(offset for offset, page in chunk.page_offsets if page == 2)
        assert chunk.page_at(max(0, boundary - 1)) == 1
        assert chunk.page_at(boundary) == 2
    assert [c.chunk_id for c in chunks] == [f"{'p' * 16}:{i:05d}" for i in range(len(chunks))]


def test_metadata_round_trip():
    [chunk] = chunk_paper(_paper([Item(number="9", title="T", doc_type="report", segments=((3, "Some words here."),))]))
    meta = chunk.to_metadata()
    assert all(v is not None and isinstance(v, str | int) for v in meta.values())
    assert meta["date_int"] == 20220328 and meta["year"] == 2022
    assert type(chunk).from_metadata(chunk.chunk_id, chunk.text, meta) == chunk
