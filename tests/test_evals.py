"""The eval metrics on hand-made cases, the gold set's shape, and one smoke run of the harness."""

from __future__ import annotations

import json
import math

import pytest

from evals.metrics import (
    citation_precision,
    citation_recall,
    fact_found,
    false_refusal_rate,
    filter_mismatches,
    judge_citations,
    meeting_key,
    ndcg_at_k,
    normalise,
    percentile,
    quote_on_page,
    ranked_meetings,
    recall_at_k,
    reciprocal_rank,
    refusal_accuracy,
)
from evals.run import DEFAULT_DATASET, check_targets, load_cases, render_markdown

CAB = meeting_key("Cabinet", "2022-03-28")
OSMB = meeting_key("Overview and Scrutiny Management Board", "2022-03-23")
OTHER = meeting_key("Cabinet", "2019-10-21")
MIDYEAR = meeting_key("Overview and Scrutiny Management Board", "2022-11-09")


# -- retrieval over meetings --------------------------------------------------------------------


def test_ranked_meetings_keeps_first_appearance_and_ignores_case():
    hits = [("Cabinet", "2022-03-28"), ("cabinet", "2022-03-28"), ("Cabinet", "2019-10-21"), ("Cabinet", "2022-03-28")]
    assert ranked_meetings(hits) == [CAB, OTHER]


def test_recall_at_k_counts_relevant_meetings_in_the_top_k():
    assert recall_at_k([OTHER, CAB, OSMB], {CAB, OSMB}, 5) == 1.0
    assert recall_at_k([OTHER, CAB, OSMB], {CAB, OSMB}, 2) == 0.5
    assert recall_at_k([OTHER], {CAB, OSMB}, 5) == 0.0
    # More relevant meetings than k: finding k of them is full recall.
    assert recall_at_k([CAB, OSMB], {CAB, OSMB, OTHER}, 2) == 1.0


def test_reciprocal_rank_is_one_over_the_first_relevant_rank():
    assert reciprocal_rank([OTHER, MIDYEAR, CAB], {CAB, OSMB}) == pytest.approx(1 / 3)
    assert reciprocal_rank([CAB], {CAB}) == 1.0
    assert reciprocal_rank([OTHER], {CAB}) == 0.0


def test_ndcg_rewards_relevant_meetings_ranked_early():
    assert ndcg_at_k([CAB, OSMB, OTHER], {CAB, OSMB}) == pytest.approx(1.0)
    late = ndcg_at_k([OTHER, CAB, OSMB], {CAB, OSMB})
    expected = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert late == pytest.approx(expected)
    assert 0 < late < 1
    assert ndcg_at_k([OTHER, MIDYEAR], {CAB}) == 0.0
    # Only the top k count.
    assert ndcg_at_k([OTHER, MIDYEAR, CAB], {CAB}, k=2) == 0.0


# -- key facts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        ("£27.8m", "Commitments have more than doubled to £27.8 million."),
        ("£27.8m", "commitments of 27.8 million pounds"),
        ("£100,000", "all contracts over £100000 must"),
        ("£100,000", "contracts worth £100k or more"),
        ("£2m", "a fund of £2,000,000 for businesses"),
        ("£32m", "Total commitments stand at £32.0m"),
        ("20%", "counts for 20 per cent of the score"),
        ("Keep It Local", "the KEEP IT LOCAL principles"),
        ("2024-2027", "the Social Value Policy 2024–2027"),
        ("7 July 2025", "approved on 7th July 2025"),
        ("anchor network", "the anchor networks were launched"),
        ("jet wash", "the cost of jet washing the surface"),
        ("formally launch", "the networks will be formally launched"),
        ("6|six", "The policy has six outcomes."),
        ("£13m|£13.5m", "OSMB heard of £13.5m secured"),
        ("£5", "the rent should remain at £5.00 per annum"),
        ("£2,438", "each organisation has received £2,438.00."),
        ("£937.92", "making a total of £ 937.92, Councillors resolved"),
    ],
)
def test_fact_found_after_normalisation(fact, text):
    assert fact_found(fact, text)


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        ("£3.1m", "an overspend of £13.1m"),
        ("20%", "a rise of 120%"),
        ("£13m", "the misprint said £113m"),
        ("£13m", "£13.5m was secured"),
        ("2022", "in 20223"),
        ("£27.8m", "£27.85m"),
        ("Keep It Local", "keep local"),
        ("6|six", "sixty outcomes, 16 measures"),
        ("plan", "the planning committee"),
        ("rent", "the rental charges"),
        ("£5", "a fee of £5.50"),
        ("£5", "£5.005 a unit"),
    ],
)
def test_fact_not_found_in_a_bigger_figure_or_other_words(fact, text):
    assert not fact_found(fact, text)


def test_normalise_squashes_space_case_and_dashes():
    assert normalise("Social  Value\u2019s  Policy 2024 \u2013 2027") == "social value's policy 2024-2027"
    assert normalise("£1,250,000") == "£1.25m"


# -- citations ------------------------------------------------------------------------------------


def _citation(committee="Cabinet", date="2022-03-28", quote="The toolkit launches in May 2022.", page=2, source="a.pdf", key="1"):
    return {"key": key, "committee": committee, "meeting_date": date, "item": "126", "page": page, "source": source, "quote": quote}


PAGES = {("a.pdf", 2): "Priorities.\nThe toolkit launches\nin   May 2022. Other text.", ("a.pdf", 3): "Nothing here."}


def _page_text(source, page):
    return PAGES.get((source, page))


EXPECTED = [{"committee": "Cabinet", "date": "2022-03-28", "item": "126"}, {"committee": "Overview and Scrutiny Management Board", "date": "2022-03-23", "item": "6"}]


def test_quote_on_page_ignores_whitespace_but_not_words():
    assert quote_on_page("The toolkit launches in May 2022.", PAGES[("a.pdf", 2)])
    assert not quote_on_page("The toolkit launched in May 2022.", PAGES[("a.pdf", 2)])
    assert not quote_on_page("", PAGES[("a.pdf", 2)])


def test_citation_precision_needs_the_right_meeting_and_the_quote_on_its_page():
    citations = [
        _citation(key="1"),
        _citation(key="2", page=3),  # quote not on page 3
        _citation(key="3", committee="Cabinet", date="2019-10-21"),  # wrong meeting
        _citation(key="4", source="missing.pdf"),  # no such file
    ]
    verdicts = judge_citations(citations, EXPECTED, _page_text)
    assert [v["ok"] for v in verdicts] == [True, False, False, False]
    assert verdicts[1]["expected_meeting"] and not verdicts[1]["quote_on_page"]
    assert not verdicts[2]["expected_meeting"] and verdicts[2]["quote_on_page"]
    assert citation_precision(verdicts) == 0.25
    assert citation_precision([]) is None


def test_a_quote_over_a_page_break_is_checked_against_its_pages_joined():
    over = dict(_citation(quote="Other text. Nothing here.", page=2), page_end=3)
    beyond = dict(_citation(quote="Other text. Nothing here.", page=2), page_end=4)  # there is no page 4

    assert [v["quote_on_page"] for v in judge_citations([over, beyond], EXPECTED, _page_text)] == [True, False]


def test_citation_recall_is_the_share_of_expected_meetings_cited():
    assert citation_recall([_citation(), _citation(key="2")], EXPECTED) == 0.5
    both = [_citation(), _citation(committee="Overview and Scrutiny Management Board", date="2022-03-23")]
    assert citation_recall(both, EXPECTED) == 1.0
    assert citation_recall([], EXPECTED) == 0.0


# -- refusals and filters -------------------------------------------------------------------------


def test_refusal_accuracy_and_false_refusals():
    outcomes = [(False, False), (False, True), (True, True), (True, False), (True, True), (True, True)]
    assert refusal_accuracy(outcomes) == 0.5
    assert false_refusal_rate(outcomes) == 0.25
    assert refusal_accuracy([(True, True)]) is None


def test_filter_mismatches():
    applied = {"committee": ["Cabinet"], "date_from": "2022-03-01", "date_to": "2022-03-31", "asked": {"committee": "Cabinet"}}
    assert filter_mismatches(applied, {"committee": "Cabinet", "date_from": "2022-03-01", "date_to": "2022-03-31"}) == []
    # A facet the gold set leaves out must not be filtered.
    assert filter_mismatches(applied, {"date_from": "2022-03-01", "date_to": "2022-03-31"}) == ["committee: expected (none), applied ['Cabinet']"]
    assert filter_mismatches(applied, {"committee": "Cabinet", "date_from": "2022-01-01", "date_to": "2022-12-31"}) == [
        "date_from: expected 2022-01-01, applied 2022-03-01",
        "date_to: expected 2022-12-31, applied 2022-03-31",
    ]
    # A council matches by a word of its name; a committee must be the only one applied.
    assert filter_mismatches({"council": ["Manchester City Council"]}, {"council": "Manchester"}) == []
    assert filter_mismatches({"council": ["Sheffield (not in the index)"]}, {"council": "Sheffield"}) == []
    two = {"committee": ["Overview and Scrutiny Management Board", "Resources and Governance Scrutiny Committee"]}
    assert filter_mismatches(two, {"committee": "Overview and Scrutiny Management Board"})
    assert filter_mismatches({}, {"council": "Leeds"}) == ["council: expected Leeds, applied (none)"]


def test_percentile():
    assert percentile([], 50) == 0.0
    assert percentile([10.0], 95) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(1, 101))), 95) == pytest.approx(95.05)


# -- the gold set and the report ---------------------------------------------------------------------


def test_gold_set_has_the_cases_the_brief_asks_for():
    cases = load_cases(DEFAULT_DATASET)
    assert len(cases) >= 80
    assert sum(not c.answerable for c in cases) >= 15
    assert sum(c.mode in ("timeline", "draft") or len(c.expected_meetings) > 2 for c in cases) >= 10
    assert sum(c.filters_expected is not None for c in cases) >= 10
    assert sum(bool(c.history) for c in cases) >= 5
    assert {c.persona for c in cases} == {"councillor", "officer", "researcher"}
    for case in cases:
        assert case.answerable == bool(case.key_facts), case.id
        assert all(len(m.date) == 10 for m in case.expected_meetings), case.id


def _result(**retrieval_ndcg):
    rows = {m: {"recall@5": 1.0, "mrr": 1.0, "ndcg@10": retrieval_ndcg.get(m, 0.5)} for m in ("bm25", "dense", "hybrid")}
    answers = {"key_fact_recall": 0.95, "citation_precision": 0.96, "citation_recall": 0.91, "refusal_accuracy": 1.0,
               "false_refusal_rate": 0.0, "filter_accuracy": 1.0, "mode_accuracy": 1.0, "citations": 3,
               "citations_wrong_meeting": 0, "citations_quote_not_on_page": 0}
    result = {"cases": 2, "answerable": 1, "unanswerable": 1, "retrieval": rows, "retrieval_hybrid_by_fusion": {},
              "fusion": "rrf", "answers": answers, "answers_by_fusion": {"rrf": answers},
              "latency_ms": {"p50": 10.0, "p95": 20.0, "max": 30.0},
              "failures": [{"id": "x", "question": "q?", "problems": ["composition: key facts missing ['£2m']"]}]}
    result["targets"] = check_targets(result)
    return result


def test_targets_need_hybrid_ahead_of_both_baselines():
    ahead = {t["metric"]: t["pass"] for t in _result(hybrid=0.9, bm25=0.8, dense=0.85)["targets"]}
    assert all(ahead.values())
    tied = {t["metric"]: t["pass"] for t in _result(hybrid=0.9, bm25=0.9, dense=0.8)["targets"]}
    assert not tied["retrieval.hybrid.ndcg@10"]


def test_markdown_lists_targets_and_failing_cases():
    text = render_markdown(_result(hybrid=0.9))
    assert "| answers.key_fact_recall | >= 0.9 | 0.950 | PASS |" in text
    assert "| retrieval.hybrid.ndcg@10 | > bm25 and > dense | 0.900 | PASS |" in text
    assert "- **x** — “q?”" in text and "key facts missing" in text


# -- the harness on the real corpus (one session index, shared with the other slow tests) -----------

SMOKE_IDS = ("policy-tender-weighting", "y2024-commitments-total", "multi-commitments-growth", "fu-commitments-year-before", "un-sheffield")


@pytest.mark.slow
def test_harness_smoke_run(corpus_assistant, tmp_path):
    from evals.run import evaluate, write_results

    cases = [c for c in load_cases(DEFAULT_DATASET) if c.id in SMOKE_IDS]
    assert len(cases) == len(SMOKE_IDS)
    result = evaluate(corpus_assistant, cases)
    write_results(result, tmp_path)
    written = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert written["cases"] == len(cases)
    for method in ("bm25", "dense", "hybrid"):
        assert set(written["retrieval"][method]) >= {"recall@5", "mrr", "ndcg@10"}
        assert all(0.0 <= v <= 1.0 for v in written["retrieval"][method].values())
    names = ("key_fact_recall", "citation_precision", "citation_recall", "refusal_accuracy", "false_refusal_rate", "filter_accuracy")
    for fusion in ("rrf", "score"):
        row = written["answers_by_fusion"][fusion]
        assert all(0.0 <= row[n] <= 1.0 for n in names), row
    assert set(written["answers"]) >= set(names)
    assert 0 < written["latency_ms"]["p50"] <= written["latency_ms"]["p95"]
    assert {c["id"] for c in written["per_case"]} == set(SMOKE_IDS)
    assert "## Targets" in (tmp_path / "latest.md").read_text(encoding="utf-8")


def test_restating_meetings_are_neutral_in_the_ranking():
    from types import SimpleNamespace

    from evals.run import Case, _retrieval_scores

    def hit(committee, date):
        return SimpleNamespace(chunk=SimpleNamespace(committee=committee, meeting_date=date))

    class Ranked:
        def resolve(self, question, history):
            return question, None

        def search(self, query, *, filters, k, method):
            return [hit("Cabinet", "2024-03-18"), hit("Cabinet", "2019-10-21"), hit("Cabinet", "2022-03-28")]

    case = Case(
        id="x", question="q", persona="officer", mode="answer", answerable=True, key_facts=["£100,000"],
        expected_meetings=[{"committee": "Cabinet", "date": "2019-10-21"}, {"committee": "Cabinet", "date": "2024-03-18", "restates": True}],
    )
    scores = _retrieval_scores(Ranked(), case, "hybrid")
    assert scores["mrr"] == 1.0 and scores["ndcg@10"] == 1.0
    plain = case.model_copy(update={"expected_meetings": case.expected_meetings[:1]})
    assert _retrieval_scores(Ranked(), plain, "hybrid")["mrr"] == 0.5
