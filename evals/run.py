"""The eval harness: gold set -> retrieval and answer metrics -> evals/results/latest.{json,md}.

One run scores the three retrieval methods (bm25, dense, hybrid) and answers with the default
hybrid retrieval under each fusion (rrf and score), so the choice of fusion is a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from .metrics import (
    PdfPages,
    canonical,
    meeting_precision,
    citation_precision,
    citation_recall,
    false_refusal_rate,
    filter_mismatches,
    judge_citations,
    key_facts_found,
    mean,
    meeting_key,
    ndcg_at_k,
    percentile,
    ranked_meetings,
    recall_at_k,
    reciprocal_rank,
    refusal_accuracy,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = ROOT / "evals" / "datasets" / "gold_v1.yaml"
DEFAULT_OUT = ROOT / "evals" / "results"
DEFAULT_INDEX = ROOT / ".index" / "eval"
METHODS = ("bm25", "dense", "hybrid")
FUSIONS = ("rrf", "score")
RETRIEVE_K = 80
"""Chunks retrieved per method for the meeting ranking (each retriever returns up to fetch_k=40)."""
TARGETS = (
    ("retrieval.hybrid.recall@5", ">=", 0.95),
    ("answers.key_fact_recall", ">=", 0.90),
    ("answers.citation_precision", ">=", 0.95),
    ("answers.citation_recall", ">=", 0.90),
    ("answers.refusal_accuracy", ">=", 0.95),
)


class ExpectedMeeting(BaseModel):
    """A meeting whose papers state the answer."""

    committee: str
    date: str
    item: str = ""
    restates: bool = False
    """The paper states the answer only as a recap of another meeting's: a right citation, not a required one."""
    source: str = ""
    """The paper that states it, relative to the dataset's corpus (real sets); a citation of it is of this meeting."""
    pages: list[int] = []
    """Pages of that paper where the answer is stated (informative)."""


class ExpectedFilters(BaseModel):
    """What the question's words should filter on."""

    date_from: str = ""
    date_to: str = ""
    committee: str = ""
    council: str = ""


class Case(BaseModel):
    """One gold question."""

    id: str
    question: str
    persona: str = Field(pattern="^(councillor|officer|researcher)$")
    mode: str = Field(pattern="^(answer|commitments|timeline|draft)$")
    answerable: bool
    expected_meetings: list[ExpectedMeeting] = []
    key_facts: list[str] = []
    filters_expected: ExpectedFilters | None = None
    history: list[str] = []
    council: str = ""
    """The body whose papers answer it (informative)."""


def dataset_corpus(path: Path) -> Path:
    """The folder of papers a dataset was written on: its `corpus:` (relative to the project root), else corpus/."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return (ROOT / str(data.get("corpus") or "corpus")).resolve()


def load_cases(path: Path = DEFAULT_DATASET) -> list[Case]:
    """The cases of a gold-set YAML file, validated."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    cases = [Case.model_validate(raw) for raw in data["cases"]]
    ids = [c.id for c in cases]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"{path}: duplicate case ids {sorted(duplicates)}")
    for case in cases:
        if case.answerable and all(m.restates for m in case.expected_meetings):
            raise ValueError(f"{path}: answerable case {case.id} names no meeting (other than restating ones)")
    return cases


def build_index(index_dir: Path = DEFAULT_INDEX, *, root: Path = ROOT, corpus: Path | None = None, embeddings=None):
    """Sync an index of corpus/ in index_dir (unchanged papers are skipped): (settings, report)."""
    from assistant.settings import Settings
    from ingest.pipeline import ingest_corpus

    settings = Settings(index_dir=index_dir, root=root, corpus_dir=str(corpus or root / "corpus"), chroma_url="")
    report = ingest_corpus(Path(settings.corpus_dir), settings=settings, embeddings=embeddings)
    return settings, report


# -- one case --------------------------------------------------------------------------------------


def _retrieval_scores(assistant, case: Case, method: str) -> dict:
    """Meeting-level recall@5, reciprocal rank and nDCG@10 of one retrieval method for one case."""
    standalone, filters = assistant.resolve(case.question, case.history)
    hits = assistant.search(standalone, filters=filters, k=RETRIEVE_K, method=method)
    expected = [m.model_dump() for m in case.expected_meetings]
    key = lambda m: canonical(m["committee"], m["date"], m["source"], expected)  # noqa: E731
    relevant = {key(m) for m in expected if not m["restates"]}
    neutral = {key(m) for m in expected if m["restates"]} - relevant
    meetings = (canonical(h.chunk.committee, h.chunk.meeting_date, getattr(h.chunk, "source", ""), expected) for h in hits)
    ranked = [m for m in ranked_meetings(meetings) if m not in neutral]
    return {
        "recall@5": recall_at_k(ranked, relevant, 5),
        "mrr": reciprocal_rank(ranked, relevant),
        "ndcg@10": ndcg_at_k(ranked, relevant, 10),
        "top_meetings": [f"{c} {d}" for c, d in ranked[:5]],
    }


def _answer_case(assistant, case: Case, pages, method: str | None = None) -> dict:
    """Ask one case (the assistant's retrieval unless a method is named, mode from the question) and score the answer."""
    started = time.perf_counter()
    answer = assistant.ask(case.question, history=case.history, mode=None, method=method)
    latency = (time.perf_counter() - started) * 1000
    payload = answer.to_json()
    expected = [m.model_dump() for m in case.expected_meetings]
    text = answer.answer if answer.answered else ""
    out = {
        "answered": answer.answered,
        "mode": answer.mode,
        "latency_ms": latency,
        "timings_ms": dict(answer.timings_ms),
        "filters": payload["filters"],
        "answer": answer.answer,
    }
    if case.answerable:
        found = key_facts_found(case.key_facts, text)
        verdicts = judge_citations(payload["citations"], expected, pages)
        out |= {
            "key_facts_found": found,
            "key_facts_missing": [f for f in case.key_facts if f not in found],
            "citations": verdicts,
            "citation_precision": citation_precision(verdicts),
            "citation_recall": citation_recall(payload["citations"], [m for m in expected if not m["restates"]]) if answer.answered else 0.0,
            "cited_meetings": sorted({f"{c['committee']} {c['meeting_date']}" for c in payload["citations"]}),
        }
        if case.mode == "timeline":
            # A trace is judged by its meetings: how many of the matter's meetings it cites, and how many it cites wrongly.
            out["meeting_precision"] = meeting_precision(payload["citations"], expected) if answer.answered else None
    else:
        out["citations"] = [f"{c['committee']} {c['meeting_date']} p. {c['page']}" for c in payload["citations"]]
    if case.filters_expected is not None:
        out["filter_problems"] = filter_mismatches(payload["filters"], case.filters_expected.model_dump())
    return out


def _answer_metrics(cases: Sequence[Case], answers: Sequence[dict]) -> dict:
    answerable = [(c, a) for c, a in zip(cases, answers) if c.answerable]
    facts_total = sum(len(c.key_facts) for c, _ in answerable)
    facts_found = sum(len(a["key_facts_found"]) for _, a in answerable)
    verdicts = [v for _, a in answerable for v in a["citations"]]
    outcomes = [(c.answerable, a["answered"]) for c, a in zip(cases, answers)]
    filtered = [a for c, a in zip(cases, answers) if c.filters_expected is not None]
    return {
        "key_fact_recall": facts_found / facts_total if facts_total else None,
        "citation_precision": sum(v["ok"] for v in verdicts) / len(verdicts) if verdicts else None,
        "citation_recall": mean(a["citation_recall"] for _, a in answerable),
        "refusal_accuracy": refusal_accuracy(outcomes),
        "false_refusal_rate": false_refusal_rate(outcomes),
        "filter_accuracy": sum(not a["filter_problems"] for a in filtered) / len(filtered) if filtered else None,
        "mode_accuracy": sum(a["mode"] == c.mode for c, a in zip(cases, answers)) / len(cases) if cases else None,
        "citations": len(verdicts),
        "citations_wrong_meeting": sum(not v["expected_meeting"] for v in verdicts),
        "citations_quote_not_on_page": sum(not v["quote_on_page"] for v in verdicts),
        "trace": _trace_metrics(cases, answers),
    }


def _trace_metrics(cases: Sequence[Case], answers: Sequence[dict]) -> dict:
    """Meeting recall and precision of the answerable timeline (trace) cases, apart from the rest."""
    traces = [(c, a) for c, a in zip(cases, answers) if c.answerable and c.mode == "timeline"]
    precisions = [a["meeting_precision"] for _, a in traces if a.get("meeting_precision") is not None]
    return {
        "cases": len(traces),
        "meeting_recall": mean(a["citation_recall"] for _, a in traces) if traces else None,
        "meeting_precision": mean(precisions) if precisions else None,
        "key_fact_recall": (sum(len(a["key_facts_found"]) for _, a in traces) / n) if (n := sum(len(c.key_facts) for c, _ in traces)) else None,
    }


def _diagnose(case: Case, answer: dict, retrieval: dict) -> list[str]:
    """Why a case failed, by stage: filters, retrieval, refusal, composition."""
    problems = []
    if case.filters_expected is not None and answer["filter_problems"]:
        problems.append("filters: " + "; ".join(answer["filter_problems"]))
    if not case.answerable:
        if answer["answered"]:
            problems.append(f"refusal: answered an unanswerable question (cited {', '.join(answer['citations'][:3])})")
        return problems
    hybrid = retrieval["hybrid"]
    if hybrid["recall@5"] < 1.0:
        problems.append(f"retrieval: hybrid recall@5 {hybrid['recall@5']:.2f}; top meetings {hybrid['top_meetings']}")
    if not answer["answered"]:
        stage = "filters (failed closed)" if answer["answer"].startswith("No papers in the index match") else "refusal threshold"
        problems.append(f"{stage}: answerable question not answered ({answer['answer'][:120]})")
        return problems
    if answer["key_facts_missing"]:
        problems.append(f"composition: key facts missing {answer['key_facts_missing']}")
    wrong = [v for v in answer["citations"] if not v["ok"]]
    if wrong:
        detail = ", ".join(
            f"[{v['key']}] {v['meeting']}" + ("" if v["quote_on_page"] else " (quote not on page)") for v in wrong[:4]
        )
        problems.append(f"citations: {len(wrong)}/{len(answer['citations'])} not right: {detail}")
    if answer["citation_recall"] < 1.0:
        problems.append(f"citation recall {answer['citation_recall']:.2f}: cited {answer['cited_meetings']}")
    if answer["mode"] != case.mode:
        problems.append(f"mode: expected {case.mode}, detected {answer['mode']}")
    return problems


# -- the run ---------------------------------------------------------------------------------------


def evaluate(
    assistant, cases: Sequence[Case], *, fusions: Sequence[str] = FUSIONS, pages=None, progress=None, targets: Sequence = TARGETS
) -> dict:
    """Score an Assistant on the cases: retrieval by method, answers by fusion, latency, failures."""
    from assistant.service import Assistant

    pages = pages or PdfPages(assistant.settings.root)
    default_fusion = assistant.settings.fusion
    variants = {}
    for fusion in fusions:
        if fusion == default_fusion:
            variants[fusion] = assistant
        else:
            settings = assistant.settings.model_copy(update={"fusion": fusion})
            variants[fusion] = Assistant(settings, store=assistant.store, embeddings=assistant.embeddings)

    for variant in variants.values():
        # Model load and keyword-index build happen once, before any latency is measured.
        variant.ask("social value warm-up question")
    retrieval: dict[str, list[dict]] = {m: [] for m in METHODS}
    fused_retrieval: dict[str, list[dict]] = {f: [] for f in fusions}
    answers: dict[str, list[dict]] = {f: [] for f in fusions}
    baseline_answers: dict[str, list[dict]] = {"bm25": [], "dense": []}
    for index, case in enumerate(cases):
        if progress:
            progress(index, len(cases), case.id)
        for method in METHODS:
            retrieval[method].append(_retrieval_scores(assistant, case, method) if case.answerable else {})
        for fusion, variant in variants.items():
            if fusion == default_fusion:
                fused_retrieval[fusion].append(retrieval["hybrid"][-1])
            else:
                fused_retrieval[fusion].append(_retrieval_scores(variant, case, "hybrid") if case.answerable else {})
            answers[fusion].append(_answer_case(variant, case, pages))
        for method in ("bm25", "dense"):  # the baselines answer too, so answers compare like retrieval does
            baseline_answers[method].append(_answer_case(assistant, case, pages, method=method))

    def summary(rows: list[dict]) -> dict:
        scored = [r for r in rows if r]
        return {name: mean(r[name] for r in scored) for name in ("recall@5", "mrr", "ndcg@10")}

    result: dict = {
        "cases": len(cases),
        "answerable": sum(c.answerable for c in cases),
        "unanswerable": sum(not c.answerable for c in cases),
        "retrieval": {m: summary(retrieval[m]) for m in METHODS},
        "retrieval_hybrid_by_fusion": {f: summary(fused_retrieval[f]) for f in fusions},
        "fusion": default_fusion,
        "answers": _answer_metrics(cases, answers[default_fusion]),
        "answers_by_fusion": {f: _answer_metrics(cases, answers[f]) for f in fusions},
        "answers_by_method": {
            **{m: _answer_metrics(cases, baseline_answers[m]) for m in ("bm25", "dense")},
            "hybrid": _answer_metrics(cases, answers[default_fusion]),
        },
    }
    latencies = [a["latency_ms"] for a in answers[default_fusion]]
    result["latency_ms"] = {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "max": max(latencies, default=0.0)}
    result["targets"] = check_targets(result, targets)
    per_case = []
    for i, case in enumerate(cases):
        answer = answers[default_fusion][i]
        by_method = {m: retrieval[m][i] for m in METHODS}
        problems = _diagnose(case, answer, by_method)
        per_case.append(
            {
                "id": case.id,
                "question": case.question,
                "history": case.history,
                "answerable": case.answerable,
                "ok": not problems,
                "problems": problems,
                "answered": answer["answered"],
                "mode": answer["mode"],
                "filters": answer["filters"],
                "latency_ms": round(answer["latency_ms"], 1),
                "retrieval": {m: {k: v for k, v in by_method[m].items()} for m in METHODS if by_method[m]},
                "key_facts_missing": answer.get("key_facts_missing", []),
                "citation_precision": answer.get("citation_precision"),
                "citation_recall": answer.get("citation_recall"),
                "answer": answer["answer"],
            }
        )
    result["failures"] = [
        {"id": c["id"], "question": c["question"], "problems": c["problems"]} for c in per_case if not c["ok"]
    ]
    result["per_case"] = per_case
    return result


def _get(result: dict, dotted: str):
    value = result
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def dataset_targets(path: Path) -> tuple[tuple[str, str, float], ...]:
    """The targets a dataset sets itself (`targets: {metric: minimum}`), else the gold set's."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    own = data.get("targets") or {}
    return tuple((name, ">=", float(value)) for name, value in own.items()) or TARGETS


def check_targets(result: dict, targets: Sequence[tuple[str, str, float]] = TARGETS) -> list[dict]:
    """PASS/FAIL of each target."""
    out = []
    for name, op, target in targets:
        value = _get(result, name)
        out.append({"metric": name, "target": f"{op} {target}", "value": value, "pass": value is not None and value >= target})
    hybrid = result["retrieval"]["hybrid"]["ndcg@10"]
    baselines = [result["retrieval"][m]["ndcg@10"] for m in ("bm25", "dense")]
    out.append(
        {
            "metric": "retrieval.hybrid.ndcg@10",
            "target": "> bm25 and > dense",
            "value": hybrid,
            "pass": hybrid is not None and all(b is not None and hybrid > b for b in baselines),
        }
    )
    return out


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render_markdown(result: dict, *, command: str = "python -m evals") -> str:
    """The results as Markdown: tables, PASS/FAIL against targets, and every failing case."""
    lines = [
        "# Gold-set evaluation",
        "",
        f"`{command}` — {result['cases']} cases ({result['answerable']} answerable, {result['unanswerable']} unanswerable), "
        f"dataset `{result.get('dataset', '')}`, index of `{result.get('corpus', 'corpus/')}` "
        f"({result.get('index', {}).get('papers', '?')} papers, {result.get('index', {}).get('chunks', '?')} chunks), "
        f"model {result.get('model', 'all-MiniLM-L6-v2')}, extractive answers, run {result.get('finished', '')} "
        f"at commit {result.get('code', {}).get('commit', '?')}"
        + (f" with uncommitted changes to {', '.join(result['code']['uncommitted'])}" if result.get("code", {}).get("uncommitted") else "")
        + ".",
        "",
        "Retrieval is scored over meetings (the distinct meetings of the ranked chunks, in order); recall@5 is the share of",
        "the case's expected meetings in the top 5 (out of at most 5); meetings that only restate the answer are neutral.",
        "Answers use the default hybrid retrieval, mode from the question. Citation precision: the cited meeting is one",
        "the gold case lists AND the quote is on that page of the PDF (read by ingest). Citation recall: share of the",
        "case's (non-restating) meetings cited.",
        "",
        "## Targets",
        "",
        "| metric | target | value | |",
        "|---|---|---|---|",
    ]
    for t in result["targets"]:
        lines.append(f"| {t['metric']} | {t['target']} | {_fmt(t['value'])} | {'PASS' if t['pass'] else 'FAIL'} |")
    lines += ["", "## Retrieval (answerable cases)", "", "| method | recall@5 | MRR | nDCG@10 |", "|---|---|---|---|"]
    for method, row in result["retrieval"].items():
        label = f"{method} ({result['fusion']})" if method == "hybrid" else method
        lines.append(f"| {label} | {_fmt(row['recall@5'])} | {_fmt(row['mrr'])} | {_fmt(row['ndcg@10'])} |")
    for fusion, row in result.get("retrieval_hybrid_by_fusion", {}).items():
        if fusion != result["fusion"]:
            lines.append(f"| hybrid ({fusion}) | {_fmt(row['recall@5'])} | {_fmt(row['mrr'])} | {_fmt(row['ndcg@10'])} |")
    names = ("key_fact_recall", "citation_precision", "citation_recall", "refusal_accuracy", "false_refusal_rate", "filter_accuracy", "mode_accuracy")
    lines += ["", "## Answers by retrieval method", "", "| method | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for method, row in result.get("answers_by_method", {}).items():
        label = f"{method} ({result['fusion']})" if method == "hybrid" else f"{method} only"
        lines.append(f"| {label} | " + " | ".join(_fmt(row[n]) for n in names) + " |")
    lines += ["", "## Answers by fusion", "", "| fusion | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for fusion, row in result["answers_by_fusion"].items():
        mark = " (default)" if fusion == result["fusion"] else ""
        lines.append(f"| {fusion}{mark} | " + " | ".join(_fmt(row[n]) for n in names) + " |")
    a = result["answers"]
    lines += [
        "",
        f"Citations judged ({result['fusion']}): {a['citations']}; outside the expected meetings: {a['citations_wrong_meeting']}; "
        f"quote not found on its PDF page: {a['citations_quote_not_on_page']}.",
        "",
        f"Latency of `Assistant.ask` ({result['fusion']}): p50 {result['latency_ms']['p50']:.0f} ms, "
        f"p95 {result['latency_ms']['p95']:.0f} ms, max {result['latency_ms']['max']:.0f} ms.",
        "",
        f"## Failing cases ({len(result['failures'])} of {result['cases']})",
        "",
    ]
    if not result["failures"]:
        lines.append("None.")
    for failure in result["failures"]:
        lines.append(f"- **{failure['id']}** — “{failure['question']}”")
        for problem in failure["problems"]:
            lines.append(f"  - {problem}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """python -m evals [--dataset ...] [--limit N] [--out evals/results] [--index-dir .index/eval]."""
    parser = argparse.ArgumentParser(prog="python -m evals", description="Run the gold-set evaluation.")
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--limit", type=int, default=0, help="Only the first N cases.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--index-dir", type=Path, default=None, help="Default: .index/eval, or .index/eval-<corpus> for another corpus.")
    parser.add_argument("--corpus", type=Path, default=None, help="Default: the dataset's `corpus:`, else corpus/.")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from assistant.service import Assistant
    from ingest.embedding import embeddings_for
    from ingest.settings import Settings as IngestSettings

    cases = load_cases(args.dataset)
    args.corpus = args.corpus or dataset_corpus(args.dataset)
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: no such folder of papers (the dataset's corpus, or --corpus)")
    if args.index_dir is None:
        own = args.corpus.resolve() == (ROOT / "corpus").resolve()
        args.index_dir = DEFAULT_INDEX if own else DEFAULT_INDEX.with_name(f"eval-{args.corpus.resolve().name}")
    if args.limit:
        cases = cases[: args.limit]
    # The backend the environment names (COUNCIL_EMBED_BACKEND), as the index's collection name says.
    embeddings = embeddings_for(IngestSettings(index_dir=args.index_dir))
    started = time.perf_counter()
    settings, report = build_index(args.index_dir, corpus=args.corpus, embeddings=embeddings)
    if report.failed:
        print(f"warning: {len(report.failed)} PDFs failed to ingest: {report.failed}", file=sys.stderr)
    assistant = Assistant(settings, embeddings=embeddings)

    def progress(done: int, total: int, what: str) -> None:
        if not args.quiet:
            print(f"\r[{done + 1}/{total}] {what:<50}", end="", file=sys.stderr, flush=True)

    result = evaluate(assistant, cases, progress=progress, targets=dataset_targets(args.dataset))
    if not args.quiet:
        print(file=sys.stderr)
    papers = assistant.papers()
    result |= {
        "dataset": _relative(args.dataset),
        "corpus": _relative(args.corpus),
        "index": {"dir": _relative(args.index_dir), "papers": len(papers), "chunks": sum(p.chunks for p in papers), "ingest": report.to_json()},
        "model": settings.model_name,
        "code": code_version(),
        "seconds": round(time.perf_counter() - started, 1),
        "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    command = "python -m evals" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    write_results(result, args.out, command=command)
    print(render_markdown(result, command=command))
    return 0


def code_version() -> dict:
    """The commit evaluated, and which files of assistant/ and ingest/ differed from it (others may be mid-edit)."""
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.rstrip()  # porcelain lines open with a space
        except (OSError, subprocess.SubprocessError):
            return ""

    changed = git("status", "--porcelain", "--", "assistant", "ingest", "corpus")
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": [line[3:] for line in changed.splitlines()]}


def _relative(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def write_results(result: dict, out: Path, *, command: str = "python -m evals") -> None:
    """latest.json and latest.md in out (written to .tmp and renamed, so a reader never sees half)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("latest.json", json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n"),
        ("latest.md", render_markdown(result, command=command)),
    ):
        tmp = out / f"{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out / name)
