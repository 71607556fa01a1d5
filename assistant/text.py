"""Small text helpers shared by retrieval and composition: tokens, stems, dates."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import Stemmer

from ingest.cleaning import squash  # noqa: F401  (one definition of the quote-check form)

from .amounts import money_token

TOKENIZER_VERSION = "2"
"""Changes whenever tokens() would cut any text differently: a keyword index saved with another version is rebuilt."""

TOKEN = re.compile(r"£?\d+(?:[.,]\d+)*(?:mn|m|bn|k|%)?(?![a-z])|£?\d+(?:[.,]\d+)*|[a-z][a-z'’-]*[a-z]|[a-z]", re.I)
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its itself just me more most my no nor not of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will with would you your
    yours us also tell say said give show please much many way ways year years whose actually really exactly basically ever""".split()
    # Contractions, typed with or without the apostrophe: "I'm", "whats", "didn't".
    + """i'm im i've ive i'd i'll we're we've we'd we'll you're you've they're they've it's that's what's whats
    there's don't dont doesn't doesnt didn't didnt isn't isnt aren't wasn't weren't can't cant couldn't won't
    wouldn't shouldn't haven't hasn't hadn't let's""".split()
)
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter 2) English stem: commitments/committed/commit -> commit, agree/agreed -> agre."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    word = IRREGULAR.get(word, word)
    return _STEMMER.stemWord(word) if word.isalpha() else word


# Irregular past forms the stemmer cannot join to their verbs: "won" an award is "win".
IRREGULAR = {
    "won": "win", "held": "hold", "met": "meet", "gave": "give", "given": "give", "made": "make", "took": "take",
    "taken": "take", "grew": "grow", "grown": "grow", "paid": "pay", "bought": "buy", "spent": "spend", "began": "begin",
    "begun": "begin", "wrote": "write", "written": "write", "led": "lead", "brought": "bring", "rose": "rise",
    "risen": "rise", "fell": "fall", "fallen": "fall", "chose": "choose", "chosen": "choose", "kept": "keep",
    "sought": "seek", "saw": "see", "seen": "see", "went": "go", "gone": "go", "came": "come", "knew": "know",
    "known": "know", "thought": "think", "sent": "send", "built": "build", "drew": "draw", "drawn": "draw",
    "lost": "lose", "left": "leave", "felt": "feel", "heard": "hear", "told": "tell", "said": "say",
}


# "A fifth of the score" is "20%" of it; "three quarters" is "75%".
FRACTION = re.compile(r"\b(a|one|two|three)[\s-]+(half|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths)\b", re.I)
SHARE = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}
COUNT_WORD = {"a": 1, "one": 1, "two": 2, "three": 3}


def _percent(match: re.Match) -> str:
    count, part = COUNT_WORD[match.group(1).lower()], match.group(2).lower().removesuffix("s")
    return f"{round(count * SHARE[part])}%"


def tokens(text: str) -> list[str]:
    """Stemmed content tokens of text (numbers and figures kept as written, lower-cased; sums of money in pounds; fractions as shares).

    Kept for the texts most recently cut: answering one question cut the same hit chunks and
    sentences some fifty times (9 ms of a 38 ms question at 50k chunks, profiled).
    """
    return list(_kept_tokens(text))


@lru_cache(maxsize=8192)
def _kept_tokens(text: str) -> tuple[str, ...]:
    return tuple(uncached_tokens(text))


def uncached_tokens(text: str) -> list[str]:
    """tokens() without keeping the result: for indexing every chunk once."""
    out = []
    text = FRACTION.sub(_percent, text)
    words = [m.group().lower().replace("’", "'").strip("'-").removesuffix("'s") for m in TOKEN.finditer(text)]
    spelt_scale = False
    for i, word in enumerate(words):
        if spelt_scale:  # the "million" of "£3.1 million", already in the amount
            spelt_scale = False
            continue
        if not word or word in STOPWORDS:
            continue
        following = words[i + 1] if i + 1 < len(words) else ""
        if word[0] in "£0123456789" and (money := money_token(word, following)):
            # "£3.1m", "£3.1 million" and "3.1m" are one token; "0.0.10" is no amount and stays as written.
            spelt_scale = following in ("thousand", "million", "billion") and not word[-1:].isalpha()
            out.append(money)
            continue
        out.append(stem(word) if word[0].isalpha() else word.replace(",", ""))
    return out


def long_date(iso: str) -> str:
    """2022-03-28 -> 28 March 2022."""
    try:
        value = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    return f"{value.day} {value:%B %Y}"
