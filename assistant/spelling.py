"""Misspelt question words, read as the indexed words they were meant to be ("accredditation").

A word the papers never use makes the keyword search miss and the refusal check count it against
the question, so one slip of the keyboard turns an answerable question into "the papers do not
answer this". A question word whose stem no chunk contains is replaced by the indexed word one
edit away (two for long words), and the answer says it read the word that way. Short words,
words with no near neighbour and words of everyday English are left alone: "potholes" stays
unknown, and is refused as before, and "generated" is not read as "general". An English word the
papers only use in a longer form is read as that form ("quotes" as "quotations"), and two words
run together as the two ("payrise" as "pay rise").
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

import numpy as np

from .text import STOPWORDS, stem

WORD = re.compile(r"[A-Za-z][a-z]*[a-z]")
"""A word as typed, without a possessive "'s" (kept as it is); acronyms ("OSMB") are never corrected."""
HYPHENATED = re.compile(r"\b[A-Za-z]+(?:-[A-Za-z]+)+\b")
"""Words joined by hyphens ("employee-ownership"), read apart when the papers write them so."""
MIN_LENGTH = 6
"""Shorter words have too many neighbours one edit away to guess which was meant."""
MAX_ENDING = 4
"""Letters a misspelt word may run on past the indexed stem it starts with (or an indexed stem past a word's)."""
MIN_PART = 3
"""The shortest word a run-together pair is split into."""
MIN_STEM = 4
"""A shorter stem starts too many words to stand for a longer one ("act": "action", "activ")."""
SURFACE_CHUNKS = 5
"""Chunks searched for the ways the papers write a stem ("accredited", "accreditation")."""
MIN_CHUNKS = 2
"""A correction must be a word at least this many chunks use (not another one-off)."""
ENGLISH_MIN_COUNT = 50
"""A word this frequent in pyspellchecker's English list is spelt as meant, even if the papers never use it."""


@cache
def _english():
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


def is_english(word: str) -> bool:
    """Whether a lower-case word is common English (loads the word list on first use, about 0.15 s)."""
    return _english()[word] >= ENGLISH_MIN_COUNT


def max_edits(word: str) -> int:
    return 1 if len(word) < 9 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), or limit + 1 when above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Speller:
    """Corrections against one keyword index (its document frequencies, chunks and BM25 scores)."""

    def __init__(self, keyword) -> None:
        self.keyword = keyword
        self._by_initial: dict[str, list[str]] | None = None

    def _neighbours(self, initial: str) -> list[str]:
        if self._by_initial is None:
            groups: dict[str, list[str]] = defaultdict(list)
            for term, count in self.keyword.df.items():
                if count >= MIN_CHUNKS and term.isalpha():
                    groups[term[0]].append(term)
            self._by_initial = dict(groups)
        return self._by_initial.get(initial, [])

    def closest(self, term: str) -> str | None:
        """The indexed stem nearest a stem no chunk contains, or None.

        Fewest edits first, then the stem more chunks use. When none is near, the longest indexed stem
        the word begins with: the stemmer cannot strip a misspelt ending ("procurment" is not
        "procur" + "ement"), but the stem is still there at the start.
        """
        limit = max_edits(term)
        best: tuple[int, int, str] | None = None
        for candidate in self._neighbours(term[0]):
            distance = edit_distance(term, candidate, limit)
            if distance <= limit:
                key = (distance, -self.keyword.df[candidate], candidate)
                best = key if best is None or key < best else best
        if best:
            return best[2]
        starts = [c for c in self._neighbours(term[0]) if len(c) >= MIN_LENGTH and term.startswith(c) and len(term) - len(c) <= MAX_ENDING]
        return max(starts, key=len, default=None)

    def split(self, word: str) -> str | None:
        """Two indexed words run together ("payrise": "pay rise"), the pair both of whose stems most chunks use; or None."""
        df = self.keyword.df
        best: tuple[int, str] | None = None
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            left, right = word[:cut], word[cut:]
            if left in STOPWORDS or right in STOPWORDS:
                continue
            uses = min(df.get(stem(left), 0), df.get(stem(right), 0))
            if uses >= MIN_CHUNKS and (best is None or uses > best[0]):
                best = (uses, f"{left} {right}")
        return best[1] if best else None

    def longer_form(self, term: str) -> str | None:
        """The indexed stem that is this stem run on by a few letters ("quot" -> "quotat"), the most used one, or None."""
        if len(term) < MIN_STEM:
            return None
        forms = [c for c in self._neighbours(term[0]) if c.startswith(term) and len(c) - len(term) <= MAX_ENDING]
        return max(forms, key=lambda c: self.keyword.df[c], default=None)

    def surface(self, term: str, typed: str) -> str | None:
        """The word as the papers write it, in the form nearest what was typed, from the chunks where the stem weighs most."""
        bm25 = self.keyword.bm25
        if bm25 is None or term not in bm25.vocab_dict:
            return None
        scores = bm25.get_scores([term])
        top = np.argsort(-scores)[:SURFACE_CHUNKS]
        text = " ".join(f"{self.keyword.chunks[i].title} {self.keyword.chunks[i].text}" for i in top if scores[i] > 0)
        forms = {w for w in WORD.findall(text) if stem(w) == term}
        return min(sorted(forms), key=lambda w: edit_distance(typed, w.lower(), len(typed)), default=None)

    def correct(self, question: str) -> tuple[str, list[tuple[str, str]]]:
        """The question with its misspelt words replaced, and the (as typed, as read) pairs."""
        vocabulary = self.keyword.vocabulary
        changes: list[tuple[str, str]] = []

        def fix(match: re.Match) -> str:
            word = match.group()
            lower = word.lower()
            if len(lower) < MIN_LENGTH or lower in STOPWORDS or stem(lower) in vocabulary:
                return word
            term, english = stem(lower), is_english(lower)
            # An English word is spelt as meant; the papers may still use a longer form of it ("quotes": "quotations").
            if english:
                # Not a verb's past or participle: "the figure each report quoted" is no "quotation".
                meant = None if lower.endswith(("ed", "ing")) else self.longer_form(term)
            else:
                meant = self.closest(term)
            written = self.surface(meant, lower) if meant else None
            if not written and not english:
                written = self.split(lower)
            if not written:
                return word
            written = written.lower() if word.islower() else written
            if (word, written) not in changes:
                changes.append((word, written))
            return written

        def unhyphen(match: re.Match) -> str:
            word = match.group()
            parts = [p for p in word.lower().split("-") if p]
            if word.lower() in vocabulary or stem(word.lower()) in vocabulary or not all(stem(p) in vocabulary or p in STOPWORDS for p in parts):
                return word
            apart = word.replace("-", " ")
            changes.append((word, apart))
            return apart

        # "employee-ownership", which no paper writes so, is the papers' "employee ownership".
        question = HYPHENATED.sub(unhyphen, question)
        return WORD.sub(fix, question), changes


class Known:
    """The index's terms as the refusal counts them: a stem the papers only use run on by a few letters counts too.

    "Why did the business case slip?" is about what the papers call "slippage": the stemmer leaves the two
    apart, and the question is not leaning on a word no paper uses. (The question is not rewritten: "slip"
    is a verb as often as a noun.)
    """

    def __init__(self, speller: Speller) -> None:
        self.speller = speller
        self.vocabulary = speller.keyword.vocabulary

    def __contains__(self, term: object) -> bool:
        return term in self.vocabulary or (isinstance(term, str) and term.isalpha() and self.speller.longer_form(term) is not None)

