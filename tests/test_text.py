"""Tokens shared by keyword search and sentence scoring."""

from __future__ import annotations

from assistant.text import tokens


def test_a_sum_of_money_is_one_token_however_it_is_written():
    assert tokens("£100k") == tokens("£100,000") == tokens("£100 thousand") == ["£100000"]
    assert tokens("£3.1m")[0] == tokens("£3.1 million")[0] == "£3100000"
    assert tokens("£10.19 an hour")[0] == "£10.19"
    assert tokens("£27.8m") != tokens("£2.78m")


def test_stems_join_forms_of_a_word_and_irregular_pasts_their_verbs():
    assert tokens("commitments committed commit") == ["commit"] * 3
    assert tokens("won wins") == ["win", "win"]


def test_contractions_are_stopwords_with_or_without_the_apostrophe():
    assert tokens("I'm buying; whats the threshold? didn't we agree") == ["buy", "threshold", "agre"]


def test_filler_adverbs_are_stopwords():
    assert tokens("How much was actually delivered, really?") == ["deliv"]


def test_fractions_are_shares_and_a_bare_thousands_figure_is_money():
    assert tokens("a fifth of the score") == ["20%", "score"] and tokens("three quarters") == ["75%"] and tokens("two thirds") == ["67%"]
    assert tokens("a 100k works contract") == tokens("a £100,000 works contract")
