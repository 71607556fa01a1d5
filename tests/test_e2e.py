"""End to end through the CLIs: generated PDFs -> `ingest build` with the real model -> `assistant ask`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.prompts import REFUSAL
from paperfactory import make_minutes, make_report

pytestmark = pytest.mark.slow


def _run(args: list[str], root: Path) -> subprocess.CompletedProcess:
    # Short chunks: these toy papers hold a few one-line paragraphs each, where real papers run to pages;
    # one chunk per paragraph keeps each about one thing, as the corpus's 900-character chunks are.
    env = dict(os.environ, COUNCIL_ROOT=str(root), COUNCIL_INDEX_DIR=str(root / ".index"), COUNCIL_CHUNK_CHARS="200", HF_HUB_OFFLINE="1")
    env.pop("COUNCIL_LLM_BASE_URL", None)
    return subprocess.run([sys.executable, "-m", *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    corpus = root / "corpus"
    make_report(
        corpus / "cabinet-2022-03-28-report.pdf", meeting_date="2022-03-28", item="126", title="Social Value Annual Report",
        paragraphs=[
            "1.1 This is the second annual social value report since the policy was adopted in October 2019.",
            "1.2 The Council was accredited as a Living Wage Employer by the Living Wage Foundation in September 2021.",
            "2.1 That Cabinet agrees the priorities for 2022, including the launch of the Social Value Commissioning Toolkit in May 2022.",
        ],
    )
    make_minutes(
        corpus / "osmb-2022-03-23-minutes.pdf", committee="Overview and Scrutiny Management Board", meeting_date="2022-03-23",
        items=[
            ("5", "COVID RECOVERY FUND", ["The Board considered the fund for businesses recovering from the pandemic."]),
            ("6", "SOCIAL VALUE ANNUAL REPORT", ["Resolved: That a mid-year progress report on social value be brought to the Board."]),
        ],
    )
    result = _run(["ingest", "build", "corpus", "--json"], root)
    assert result.returncode == 0, result.stderr
    return root, json.loads(result.stdout)


def test_build_reports_json_and_a_second_run_adds_nothing(built):
    root, first = built
    assert set(first) >= {"papers", "chunks", "skipped_unchanged", "failed", "seconds"}
    assert first["papers"] == 2 and first["chunks"] > 0 and first["failed"] == []
    # The keyword index was saved in step, for the next start-up to load (the after-build hook pyproject.toml registers).
    assert first["keyword_seconds"] > 0 and (root / ".index" / "keyword").is_dir()
    again = json.loads(_run(["ingest", "build", "corpus", "--json"], root).stdout)
    assert (again["papers"], again["chunks"], again["skipped_unchanged"]) == (0, 0, 2)
    listed = [json.loads(line) for line in _run(["ingest", "list", "--json"], root).stdout.splitlines()]
    assert {p["meeting_date"] for p in listed} == {"2022-03-23", "2022-03-28"}
    minutes = next(p for p in listed if p["doc_type"] == "minutes")
    assert {"item": "6", "title": "Social Value Annual Report"} in minutes["items"]


def test_ask_cites_the_meeting_and_item(built):
    root, _ = built
    result = _run(["assistant", "ask", "When did the council become an accredited Living Wage Employer?", "--json"], root)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answered"] is True
    first = answer["citations"][0]
    assert (first["meeting_date"], first["item"], first["committee"]) == ("2022-03-28", "126", "Cabinet")
    assert first["source"] == "corpus/cabinet-2022-03-28-report.pdf" and first["page"] == 1
    assert "September 2021" in answer["answer"]


def test_ask_refuses_what_the_papers_do_not_cover(built):
    root, _ = built
    answer = json.loads(_run(["assistant", "ask", "How many potholes were repaired on the ring road last winter?", "--json"], root).stdout)
    assert (answer["answered"], answer["answer"], answer["citations"]) == (False, REFUSAL, [])


def test_a_bad_pdf_fails_the_build_but_not_the_batch(built):
    root, _ = built
    bad = root / "corpus" / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    try:
        result = _run(["ingest", "build", "corpus", "--json"], root)
        assert result.returncode == 1
        report = json.loads(result.stdout)
        assert [f["path"] for f in report["failed"]] == ["corpus/broken.pdf"]
        assert report["skipped_unchanged"] == 2
    finally:
        bad.unlink()
