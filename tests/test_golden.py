"""Parsed metadata, items and page spans of representative corpus PDFs match their golden files."""

import json

import pytest

from golden import GOLDEN, ROOT, golden_path, outline

CASES = sorted(GOLDEN.glob("*.json"))


def test_there_are_golden_files():
    assert len(CASES) >= 5, "regenerate with: .venv/bin/python tests/golden.py"


@pytest.mark.parametrize("golden", CASES, ids=[c.stem for c in CASES])
def test_parse_matches_golden(golden):
    expected = json.loads(golden.read_text(encoding="utf-8"))
    pdf = ROOT / expected["source"]
    assert golden_path(pdf) == golden
    assert outline(pdf) == expected, "parser output changed: review, then run tests/golden.py"


@pytest.mark.parametrize("golden", CASES, ids=[c.stem for c in CASES])
def test_items_are_numbered_and_within_the_paper(golden):
    data = json.loads(golden.read_text(encoding="utf-8"))
    assert data["council"] and data["committee"] and data["meeting_date"]
    for item in data["items"]:
        assert 1 <= item["pages"][0] <= item["pages"][1] <= data["pages"]
        assert item["title"]
    assert any(item["item"] for item in data["items"])
