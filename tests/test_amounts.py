"""Sums of money as councils print them: read, never dropped, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.amounts import money_token, number_value, read_amounts


@pytest.mark.parametrize(
    ("printed", "pounds", "negative"),
    [
        ("£1,531,279.8k", 1_531_279_800, False),  # a budget book in thousands
        ("c£77m", 77_000_000, False),  # "circa" in a briefing
        ("£746.67m", 746_670_000, False),
        ("(£2.3m)", 2_300_000, True),  # an overspend, as accounts show it
        ("1.9m", 1_900_000, False),  # a table under a "£" heading
        ("£44 billion", 44_000_000_000, False),
        ("£1.54 per week", 1.54, False),
        ("£5million", 5_000_000, False),
        ("£105,000,000", 105_000_000, False),
        ("GBP 20k", 20_000, False),
    ],
)
def test_amounts_in_the_forms_papers_print_them(printed, pounds, negative):
    [amount] = read_amounts(printed)
    assert amount.pounds == pytest.approx(pounds) and amount.negative is negative


def test_a_reference_or_a_bare_number_is_no_amount():
    assert read_amounts("version 0.0.10 of paragraph 3.2.1, 25 members") == []
    assert number_value("0.0.10") is None and number_value("1,23") is None


def test_one_token_however_the_sum_is_written():
    assert money_token("£3.1m") == money_token("£3.1", "million") == money_token("3.1m") == "£3100000"
    assert money_token("0.0.10") is None and money_token("25") is None


@given(st.text())
def test_reading_amounts_never_raises_on_any_text(text):
    for amount in read_amounts(text):
        assert amount.pounds >= 0 and 0 <= amount.start < amount.end <= len(text)


@given(st.text(alphabet="£0123456789.,kmbnillo ()", max_size=40), st.text(max_size=10))
def test_money_tokens_never_raise_on_number_like_words(word, following):
    token = money_token(word, following)
    assert token is None or token.startswith("£")
