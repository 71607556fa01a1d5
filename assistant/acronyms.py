"""Acronyms as the papers spell them out: "WPL" is the "Workplace Parking Levy" of "Workplace Parking Levy (WPL)".

Council papers define an acronym once, with its words before it in brackets, and then use it; a forward
plan or a table may use only the words. A question may use either. A question's acronym is searched
together with the words the papers give it, so the papers that spell it out are found too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

# An acronym as typed in a question: two to eight capitals, perhaps a plural "s" ("TOMs").
ACRONYM = re.compile(r"\b([A-Z]{2,8})s?\b")
# Words that an acronym's letters skip: "Themes, Outcomes and Measures (TOMs)".
SKIPPED = frozenset({"a", "an", "and", "the", "of", "for", "to", "in", "on", "at", "by", "&"})
MAX_WORDS = 12
"""The most words before the bracket that may spell an acronym out (its letters and the small words between)."""


BRACKETED = re.compile(r"\(\s*([A-Z]{2,8})s?\s*\)")
"""An acronym in brackets, where papers define one: "(WPL)", "(TOMs)"."""


def defined(text: str) -> list[tuple[str, str]]:
    """(acronym, words) for each acronym the text spells out: the words before "(ACRONYM)" whose initials give
    its letters, small words between them skipped ("Bristol Workplace Parking Levy (WPL)" -> "Workplace Parking Levy")."""
    found = []
    for match in BRACKETED.finditer(text):
        acronym, letters = match.group(1), match.group(1).lower()
        before = re.split(r"[()]", text[max(0, match.start() - 40 * MAX_WORDS) : match.start()])[-1].split()[-MAX_WORDS:]
        words = [word.strip(",;:'\"“”‘’") for word in before]
        initials = ""
        for start in range(len(words) - 1, -1, -1):
            if not words[start] or words[start].lower() in SKIPPED:
                continue
            initials = words[start][0].lower() + initials
            if len(initials) == len(letters):
                if initials == letters:
                    found.append((acronym, " ".join(words[start:])))
                break
    return found


def definitions(acronym: str, text: str) -> list[str]:
    """Every spelling out of this acronym in the text."""
    return [words for defined_acronym, words in defined(text) if defined_acronym == acronym]


def spelled_out(acronym: str, texts: Iterable[str]) -> str:
    """The commonest spelling out of the acronym in the texts, as the papers capitalise it ("" when none)."""
    counts = Counter(definition for text in texts for definition in definitions(acronym, text))
    if not counts:
        return ""
    by_words = Counter()
    for definition, count in counts.items():
        by_words[definition.lower()] += count
    commonest = by_words.most_common(1)[0][0]
    return max((d for d in counts if d.lower() == commonest), key=counts.__getitem__)


def phrase(words: str) -> re.Pattern:
    """The spelled-out words as they may be printed: any punctuation or spacing between them, any case."""
    return re.compile(r"\b" + r"\W+".join(map(re.escape, words.split())) + r"\b", re.I)


def with_spelled_out(question: str, lookup: Callable[[str], str]) -> str:
    """The question with the words of each acronym the papers define after it, once: "the WPL (Workplace Parking Levy) case"."""
    done: set[str] = set()

    def add(match: re.Match) -> str:
        acronym = match.group(1)
        if acronym in done:
            return match.group(0)
        done.add(acronym)
        words = lookup(acronym)
        return f"{match.group(0)} ({words})" if words and words.lower() not in question.lower() else match.group(0)

    return ACRONYM.sub(add, question)
