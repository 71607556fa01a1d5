"""The researcher's question: a matter traced across meetings and years.

A trace ("what happened to the application for ...", "how did the precept change between 2016
and 2019", "history of ...") wants every meeting that dealt with the matter, in date order, with
what each reported, decided or asked, and a few lines at the top: when it was first raised, what
was decided, where it stands now. Minutes rarely repeat the question's words year after year, so a
matter is followed by what identifies it in the papers themselves (a planning reference, a
footpath number, a decision number, the name of a site or a company), read from the best early
hits and carried to every later meeting that names it, with the initials a paper defines for its name
("Workplace Parking Levy (WPL)"). A trace has room for a page: a story of a few meetings tells more
of each (its decision, how it came out, its figures), one of many a line or two each.

Where the matter has a figure that recurs (a precept, a budget, a count), the figure of each
meeting is shown as a table, and as points for the Timeline tab's chart; a figure the papers
themselves correct ("£13m, not £113m") is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from ingest.chunking import sentence_spans
from ingest.records import Chunk

from .acronyms import defined
from .amounts import format_pounds, read_amounts
from .answers import compose, states_amount
from .compose import (
    DATE_WORDS, DECISION, LIST_ENTRY, RESOLUTION, TIMING, Citations, Composer, Evidence, _figures, _looks_back, _similar, _wanted, cover_line, has_figure,
    meeting_key, says_nothing, too_long,
)
from .figures import NEGATED, FigurePoint
from .records import Answer, Event, Filters, Hit, body_of
from .question import ASKS_WHEN, TRACE_WORDS, Reading, read
from .text import long_date, squash, tokens

# What identifies a matter in any council's papers, whatever the words around it.
IDENTIFIERS = (
    # Planning and decision references: "3/24/0123/FUL", "24/00108", "24-00108", "19/01234/HOU".
    re.compile(r"\b(?:[A-Z]{1,3}/)?\d{1,2}/\d{2}/\d{3,5}(?:/[A-Z]{2,6})?\b|\b\d{2}/\d{4,5}(?:/[A-Z]{2,6})?\b|\b\d{2}-\d{5}\b"),
    # Rights of way and routes: "footpath 123", "FP 12", "Bridleway No. 5", "route 7".
    re.compile(r"\b(?:footpaths?|bridleways?|byways?|FP|BW|BOAT|route|path)\s+(?:no\.?\s*|number\s+)?\d{1,4}[A-Z]?\b", re.I),
)
# "Workplace Parking Levy (WPL)": the initials a paper defines for a name, used for it from then on.
# A name the papers give the matter: two to four capitalised words ("Low Farm", "Milburn Village Green").
NAME = re.compile(r"\b(?:[A-Z][a-z'’]+|[A-Z]{2,})(?:\s+(?:of|on|the|and|upon|&)?\s*(?:[A-Z][a-z'’]+|[A-Z]{2,})){1,3}\b")
# "raised by £800 to £7,400", "cut by 5% to £2.1m": the amount after "by" is a change, the one after "to" the level.
CHANGE_BY = re.compile(r"\bby\s*$", re.I)
CHANGE_TO = re.compile(r"\bto\s*(?:a total of\s*)?$", re.I)
# A committee's forward plan or work programme: the reports later meetings will take, not what this one did.
SCHEDULE = re.compile(r"\bforward (?:work )?plan\b|\bwork ?programme\b|\bplan of (?:future )?business\b", re.I)
# How a matter came out: a bid or an application "unsuccessful", "refused", an appeal "dismissed", works "completed".
OUTCOME = re.compile(
    r"\b(?:unsuccessful|successful|refused|granted|rejected|dismissed|withdrawn|completed|awarded|declined|deferred|postponed|abandoned)\b", re.I
)
# "It was previously £5 for the meeting room and £20 for the full hall": the amounts after it are the old ones.
PREVIOUSLY = re.compile(r"\b(?:previously|formerly|used to (?:be|cost|pay|charge))\b", re.I)
# "The last pay rise was 2017, therefore ...", "unchanged since 2016": an earlier year as the time of the last change,
# said to explain what the meeting did now, not a recap of that year.
LAST_TIME = re.compile(r"\b(?:since|last (?:\w+ ){0,2}(?:was|in))\s+(?:in\s+)?(?:19|20)\d\d\b", re.I)
FIGURE_REACH = 6
"""Words between an amount and the nearest of the matter's words, at most, for it to be the matter's figure
when the sentence states others."""
SERIES_SPREAD = 10
"""A point more than this many times above or below the series' median is another thing's figure."""
FOLLOWING = 2
"""Words a matter's word after an amount counts as further away than one before it."""
# "minute 45/14", "Min 12": the minutes' own reference back to an earlier one.
MINUTE_REFERENCE = re.compile(r"\b(?:minute|min\.?)\s+(?:no\.?\s*)?(\d{1,4}(?:[/.]\d{1,4})?)\b", re.I)
# "12. Planning.", "45/14 Highways": a minute's number opens a new matter.
MINUTE_HEADING = re.compile(r"^\(?\d{1,4}(?:[/.]\d{1,4})?\)?\.?\s+[A-Z]")
NAME_IDF = 4.0
"""A name this rare (in under about one chunk in fifty) picks out the matter; "Parish Council" does not."""
MATTER_SHARE = 0.5
"""Share of the matter's idf-weighted terms a chunk must hold to be about it, when it names no identifier."""
RARE_IDF = 3.5
"""A matter term this rare (in under about one chunk in thirty) names a subject few papers take up."""
OTHER_IDF = 2.5
"""Each of a matter's other words must be this rare (in under about one chunk in twelve) to name it without its rarest."""
SWEEP = 300
"""Chunks the keyword index gives for the matter's words, over every year, before they are checked."""
CLOSE_DENSE = 0.1
"""A question's hit this close in cosine to the best one is about the matter whatever its words."""
CLOSE_ANCHORED = 0.05
"""The same for a matter with rare words of its own, which a hit nearly as close in meaning need not use."""
SPECIFIC_REACH = 40
"""Chunks naming an identifier that are read to judge whether it names the matter or something wider."""
SPECIFIC_SHARE = 0.5
"""Share of those that must be about the matter."""
STANDING = 3
"""Sittings that say a sentence word for word for it to be standing text rather than what a meeting did."""
IDENTIFYING_LETTERS = 3
"""Initials this long name one matter ("WPL"); two letters ("CA") are too many things' initials to follow."""
DEFINITION_REACH = 30
"""Chunks of a paper, from its start, read for the initials it defines."""
SEED_HITS = 5
"""Best hits whose identifiers and names are carried to later meetings."""
MAX_MEETINGS = 40
MAX_DECISIONS = 4
"""Decisions named in the summary at the top (every meeting's line follows below it)."""
BUDGET = 24
"""Sentences a trace has room for: a story of a few meetings tells more of each, one of many a line or two each."""
PER_MEETING = (2, 5)
"""Fewest and most sentences for one meeting."""
ASKED = 0.6
"""Weight in a sentence's score of the question's own words in it: of the matter ("survey") or of what is asked of it ("cost")."""
CONTINUES = 0.8
"""What a sentence's share of the matter is worth when it holds it only with the sentence before."""
ASKED_AMOUNT = 0.25
"""What an amount of the thing a question about one asks for adds to a sentence's score (as any figure does in an answer)."""
NAMED = 0.7
"""What naming the matter's identifier is worth in a sentence's score, when its words alone may be worth up to 1."""
ASPECT_FLOOR = 0.25
"""Share of its weight a question's word keeps in ranking a trace's sentences when every paper on the matter holds it."""
TIMED = 0.3
"""What saying when (a programme, a deadline, a date pushed back) adds to a sentence's score in a trace asked when."""
FILLER = 0.5
"""A further sentence of a meeting must score at least this share of its best one."""


@dataclass(frozen=True, slots=True)
class Matter:
    """What a trace follows: the question's words the papers use for it, and the identifiers they give it."""

    terms: frozenset[str]
    """The question's topic terms that its best hit holds (none: the hits' closeness in meaning decides)."""
    weights: dict[str, float]
    """Idf weight of each of the matter's words, or of a name's words the question spells as one ("fall lane" for
    Fell Lane: not the fell of Great Dun Fell, nor any lane)."""
    anchors: frozenset[str]
    """The rare ones among them ("ownership", "precept"): a meeting whose papers never name one is not on the matter."""
    identifiers: frozenset[str]
    """Verbatim strings ("3/24/0123/FUL", "Footpath 12", "Low Farm")."""
    label: str = "figure"
    """The matter's two weightiest words as the question spells them ("WPL budget"): a figure table's heading."""
    asked: dict[str, float] = field(default_factory=dict)
    """The question's topic terms, idf-weighted: the matter's and what it asks of the matter ("budgeted", "cost")."""

    def asks(self, text_terms: frozenset[str]) -> float:
        """Share of the question's words that a sentence holds (an identifier marks the matter, not what is asked of it)."""
        return _share(self.asked, text_terms)

    def names(self, text: str) -> bool:
        """Whether a text names one of the matter's identifiers, in any case and with "&" or "and"."""
        return bool(self.identifiers) and bool(_identifying(self.identifiers).search(text))

    def mentions(self, text: str, text_terms: set[str] | frozenset[str]) -> float:
        """How well a text is about the matter: 1.0 when it names an identifier, else its share of the terms' weight.

        With anchors, a text that names none of them is not about the matter at all, whatever else it shares;
        without, it must name two of its words.
        """
        if self.names(text):
            return 1.0
        if self.anchors and not self.anchors & text_terms and not self._named_without_anchor(text_terms):
            return 0.0
        # A matter of common words ("the clerk's pay") is named by two of them together (a name is two), not by "pay" alone.
        if not self.anchors and _words(self.weights.keys() & text_terms) < min(2, _words(self.weights)):
            return 0.0
        return _share(self.weights, text_terms)

    def _named_without_anchor(self, text_terms: set[str] | frozenset[str]) -> bool:
        """Whether a text holds every other word of the matter, two or more and each fairly rare itself: minutes
        say "pay the Village Hall £55 for the annual rental" where the question and the earlier minutes say the
        hall's "fees". Common words ("spend with suppliers in the borough") name no matter without the rare one."""
        others = [t for t in self.weights if t not in self.anchors]
        return _words(others) >= 2 and all(t in text_terms and self.weights[t] >= OTHER_IDF for t in others)


class Tracer:
    """Traces a matter over one index: retrieval by the question and by the matter's identifiers, then one line per meeting."""

    def __init__(self, composer: Composer, keyword, search: Callable[[str, Filters, int], list[Hit]]) -> None:
        self.composer = composer
        self.keyword = keyword
        self.search = search

    def matter(self, question: str, hits: list[Hit], filters: Filters) -> Matter:
        """The matter of a trace question: the words its best hit shares with it, and what the best hits call it.

        The matter is what the papers call it ("social value"), not the words that only describe what
        the asker wants of it ("reporting", "the policy"), nor a rare word of the question's phrasing
        that the best hit does not use ("side", "uplift" where the papers say "growth").
        """
        asked = frozenset(t for t in self.composer.topic_terms(question, filters) if t not in TRACE_WORDS)
        best = set(tokens(f"{hits[0].chunk.title} {hits[0].chunk.text}")) if hits else set()
        terms = asked & best
        weights = {t: self.composer.idf(t) for t in terms}
        anchors = frozenset(t for t in terms if weights[t] >= RARE_IDF)
        found: set[str] = set()
        names: set[str] = set()
        reach: dict[str, int] = {}  # paper id -> its last chunk among the seeds: how far its initials are read, once
        for hit in hits[:SEED_HITS]:
            if _share(weights, set(tokens(f"{hit.chunk.title} {hit.chunk.text}"))) < MATTER_SHARE:
                continue
            for start, end in sentence_spans(hit.chunk.text):
                sentence = squash(hit.chunk.text[start:end])
                if not terms & set(tokens(sentence)):
                    continue  # only what is said beside the matter's own words identifies it
                for pattern in IDENTIFIERS:
                    found |= {m.group(0) for m in pattern.finditer(sentence)}
                names |= {m.group(0) for m in NAME.finditer(sentence) if self._rare_name(m.group(0), terms)}
            reach[hit.chunk.paper_id] = max(hit.chunk.ordinal, reach.get(hit.chunk.paper_id, 0))
        for paper_id, last in reach.items():
            found |= self._initials(paper_id, last, terms)
        # A reference (a planning number, a contract code) names one matter by construction; a name may not.
        found |= {name for name in names - found if self._specific(name, weights)}
        top = set(sorted(terms, key=lambda t: -weights[t])[:2])
        spelt = dict.fromkeys(w for w in re.findall(r"[A-Za-z][\w'’-]*", question) if set(tokens(w)) & top)
        asked = {t: self.composer.idf(t) for t in asked}
        named = [tokens(m.group(0)) for m in NAME.finditer(question)]
        return Matter(
            terms=terms, weights=_named(weights, named), anchors=anchors, identifiers=frozenset(found), label=" ".join(spelt) or "figure", asked=asked,
        )

    def _initials(self, paper_id: str, last: int, terms: frozenset[str]) -> set[str]:
        """The initials a paper defines, up to its chunk `last`, for a name holding the matter's words: "Workplace
        Parking Levy (WPL)" on page 1, and "WPL" on every later page and in every later paper."""
        found = set()
        for ordinal in range(min(last, DEFINITION_REACH) + 1):
            position = self.keyword.position.get(f"{paper_id}:{ordinal:05d}")
            if position is None:
                continue
            for acronym, words in defined(self.keyword.chunks[position].text):
                if len(acronym) >= IDENTIFYING_LETTERS and terms & set(tokens(words)):
                    found.add(acronym)
        return found

    def _rare_name(self, name: str, terms: frozenset[str]) -> bool:
        """A name few chunks use that is not just the question's words again."""
        words = [t for t in tokens(name) if t not in TRACE_WORDS]
        return bool(words) and not set(words) <= terms and min(self.composer.idf(t) for t in words) >= NAME_IDF

    def _specific(self, name: str, weights: dict[str, float]) -> bool:
        """Whether the papers that use a name are mostly about the matter: a site, an applicant, a contractor.

        The chair signs every forward plan and a councillor speaks to every item: a name that comes up
        on other matters as often as on this one identifies the person, not the matter. Without words
        of its own the matter has nothing to judge by, and the identifier stands.
        """
        if not weights:
            return True
        naming = [c for position, _ in self.keyword.search(name, SPECIFIC_REACH, None) if name in (c := self.keyword.chunks[position]).text]
        if not naming:
            return True
        about = sum(_share(weights, set(tokens(f"{c.title} {c.text}"))) >= MATTER_SHARE for c in naming)
        return about >= SPECIFIC_SHARE * len(naming)

    def gather(self, question: str, hits: list[Hit], matter: Matter, filters: Filters) -> list[Hit]:
        """Every dated chunk about the matter: the question's hits, the chunks naming its words or identifiers in any year.

        A trace follows meetings. A paper no meeting is known for joins as a report (a council's annual
        report tells a year of the matter), not as a form, an account or a statement: an annual return
        names the precept and the clerk's salary every year in the same printed words, and dated by
        its file name it would stand as a meeting that dealt with them. Nor is a forward plan, unless
        the question asks when: it lists what later meetings will take and when, and those meetings'
        own papers say what they did.
        """
        timing = bool(ASKS_WHEN.search(question))
        pool: dict[str, Hit] = {h.chunk.chunk_id: h for h in hits}
        mask = self.keyword.mask(filters)
        if matter.terms:
            # The matter's own words in every year, not only the years the best hits come from.
            words = " ".join(w for w in re.findall(r"[A-Za-z][\w'’-]*", question) if set(tokens(w)) & matter.terms)
            for position, _ in self.keyword.search(words, SWEEP, mask):
                pool.setdefault(self.keyword.chunks[position].chunk_id, Hit(chunk=self.keyword.chunks[position], score=0.0))
        for identifier in sorted(matter.identifiers):
            for hit in self.search(identifier, filters, 40):
                pool.setdefault(hit.chunk.chunk_id, hit)
        if matter.identifiers:
            # Only the chunks holding an identifier's words are read for it (the keyword index knows which).
            held = [self.keyword.holding(identifier) for identifier in matter.identifiers]
            positions = range(len(self.keyword.chunks)) if any(h is None for h in held) else np.flatnonzero(np.logical_or.reduce(held))
            for position in positions:
                chunk = self.keyword.chunks[position]
                if (mask is None or mask[position]) and chunk.chunk_id not in pool and matter.names(chunk.text):
                    pool[chunk.chunk_id] = Hit(chunk=chunk, score=0.0)
        # Minutes refer back ("minute 45/14"): the item they name is part of the story too.
        references = {m.group(1) for h in pool.values() for m in MINUTE_REFERENCE.finditer(h.chunk.text)}
        if references:
            for position, chunk in enumerate(self.keyword.chunks):
                if (mask is None or mask[position]) and chunk.item in references and chunk.doc_type == "minutes":
                    pool.setdefault(chunk.chunk_id, Hit(chunk=chunk, score=0.0))
        # Without words of its own the matter is what the question's hits are close to in meaning. With rare
        # words, a hit nearly as close as the best is about it too, in whatever words ("the SLOW signs will be
        # on the next marking package", minuted under Highway Matters without "speeding").
        top = max((h.dense for h in hits), default=0.0)
        reach = CLOSE_DENSE if not matter.anchors else CLOSE_ANCHORED
        close = {h.chunk.chunk_id for h in hits if not matter.terms or (top and h.dense >= top - reach)}
        return [
            h
            for h in pool.values()
            if h.chunk.meeting_date
            and (h.chunk.committee or h.chunk.doc_type != "other")
            and (timing or not SCHEDULE.search(h.chunk.title))
            and (h.chunk.chunk_id in close or matter.mentions(h.chunk.text, _said(f"{h.chunk.title} {h.chunk.text}")) >= MATTER_SHARE)
        ]

    def follow(self, question: str, hits: list[Hit], filters: Filters) -> tuple[Matter, dict[tuple, list[Evidence]]]:
        """The matter and, for each meeting that dealt with it in date order, its most telling verified sentences."""
        if not hits:
            return Matter(terms=frozenset(), weights={}, identifiers=frozenset()), {}
        matter = self.matter(question, hits, filters)
        reading = read(question, mode="timeline")
        # One council at a time: the one the question names, or the one its best paper is from.
        council = hits[0].chunk.council if not filters.councils else None
        gathered = [h for h in self.gather(question, hits, matter, filters) if council is None or h.chunk.council == council]
        matter = replace(matter, asked=_aspect(matter.asked, gathered))
        by_meeting: dict[tuple, list[Evidence]] = {}
        for hit in gathered:
            for evidence in self._sentences(hit.chunk, matter, reading):
                by_meeting.setdefault(meeting_key(hit.chunk), []).append(evidence)
        # Words said alike at several sittings are standing text (a forward plan's entry, a form's printed
        # line), not what any one of them did.
        said: dict[str, set[tuple]] = {}
        for key, candidates in by_meeting.items():
            for evidence in candidates:
                said.setdefault(_wording(evidence.text), set()).add(key)
        for key, candidates in by_meeting.items():
            by_meeting[key] = [e for e in candidates if len(said[_wording(e.text)]) < STANDING]
        meetings = [key for key in sorted(by_meeting)[-MAX_MEETINGS:] if by_meeting[key]]
        room = max(PER_MEETING[0], min(PER_MEETING[1], BUDGET // max(1, len(meetings))))
        lines: dict[tuple, list[Evidence]] = {}
        for key in meetings:
            if chosen := self._pick(by_meeting[key], reading, matter, room):
                lines[key] = chosen
        return matter, lines

    def trace(self, question: str, hits: list[Hit], filters: Filters) -> Answer | None:
        """The trace answer, or None when no meeting's papers are about the matter.

        When one meeting holds the whole story ("the share of spend since 2008/09" in one report's
        table), a line for that meeting would show two of its sentences: it gets a full answer instead.
        """
        matter, lines = self.follow(question, hits, filters)
        if not lines:
            return None
        traced = self._answer(question, filters, matter, lines)
        if len(lines) > 1 or (full := compose(self.composer, question, hits, mode="answer", filters=filters)) is None:
            return traced
        event = traced.events[0]
        keys = tuple(c.key for c in full.citations if (c.meeting_date, c.committee) == (event.meeting_date, event.committee))
        return replace(full, mode="timeline", events=(replace(event, citation_keys=keys),) if keys else ())

    def figures(self, question: str, hits: list[Hit], filters: Filters) -> list[FigurePoint]:
        """The matter's recurring figure, one point per meeting that states it (none when there is no series)."""
        matter, lines = self.follow(question, hits, filters)
        return self.points(lines, matter)

    def _sentences(self, chunk: Chunk, matter: Matter, reading: Reading) -> list[Evidence]:
        """The sentences of a chunk that speak of the matter, scored: a decision, a figure or what the question asks for tells most."""
        out = []
        previous = 0.0
        title = _said(chunk.title)
        before: frozenset[str] = frozenset()
        for start, end in sentence_spans(chunk.text):
            text = squash(chunk.text[start:end])
            if MINUTE_HEADING.match(text):
                previous, before = 0.0, frozenset()  # a new minute: what follows is about its own matter
            if len(text.split()) < 3 or too_long(text) or cover_line(text):
                continue
            terms = frozenset(tokens(text))
            held = _said(text)
            # The item's title and the sentence before say what a sentence is about ("Precept 2017/18"; "The clerk
            # works 96 hours. The rate of pay is £8.73 per hour."); a matter with no words of its own (its hits
            # were chosen for their meaning) leaves every sentence free to tell.
            context, before = before, held
            about = MATTER_SHARE
            if matter.terms or matter.identifiers:
                said = f"{chunk.title} {text}"
                about = max(matter.mentions(said, held | title), CONTINUES * matter.mentions(said, held | title | context))
            decides = RESOLUTION.search(text) or DECISION.search(text)
            if about < 0.5 * MATTER_SHARE:
                # "Resolved: to object." right after the sentence naming the application decides on it.
                if not (decides and previous):
                    previous = 0.0
                    continue
                about = 0.9 * previous
            # Naming the matter ("WPL") puts a sentence in its story; what it says of what was asked ranks it there.
            score = min(about, NAMED) + (0.4 if RESOLUTION.search(text) else 0.2 if decides else 0.0) + (0.2 if has_figure(text) else 0.0)
            # An amount is what a question about one wants when it is of the thing asked ("570 workplaces"), not
            # any sum in the papers (the scheme's £1m budget for a question about the number of parking places).
            score += _wanted(replace(reading, figure=False), text) + (ASKED_AMOUNT if reading.figure and states_amount(reading.text, text) else 0.0)
            score += ASKED * matter.asks(terms)
            # Asked when or how a timetable moved, what a line has room for is the meeting's dates and how they moved.
            score += TIMED if reading.when and TIMING.search(text) else 0.0
            # A line has room for what the meeting did: not a recap of earlier years, a list's opening words or
            # a heading (which still marks a meeting that took the matter, when it is all the meeting's papers say).
            score -= 0.35 if _recap(text, chunk.meeting_date) else 0.0
            score -= 0.3 if text.endswith(":") or LIST_ENTRY.match(text) or says_nothing(text) else 0.0
            out.append(Evidence(text, chunk, chunk.page_at(start), score, 0, terms, start))
            previous = about
        return out

    def _pick(self, candidates: list[Evidence], reading: Reading, matter: Matter, room: int) -> list[Evidence]:
        """The meeting's most telling verified sentences, different from each other, from its minutes before its reports."""
        chosen: list[Evidence] = []
        # A heading marks a meeting that took the matter only when nothing else its papers say does.
        for evidence in sorted(candidates, key=lambda e: (says_nothing(e.text), -e.score, e.chunk.doc_type != "minutes", e.chunk.ordinal, e.start)):
            if len(chosen) >= room or (chosen and evidence.score < FILLER * chosen[0].score):
                break
            if chosen and not _adds(evidence, chosen, reading, matter):
                continue
            if any(_similar(evidence.terms, other.terms) for other in chosen) or not self.composer.verified(evidence):
                continue
            chosen.append(evidence)
        return sorted(chosen, key=lambda e: (e.chunk.source, e.chunk.ordinal, e.start))

    def _answer(self, question: str, filters: Filters, matter: Matter, lines: dict[tuple, list[Evidence]]) -> Answer:
        citations = Citations()
        keys = {key: [citations.add(e) for e in chosen] for key, chosen in lines.items()}
        events, body = [], []
        for key, chosen in lines.items():
            chunk = chosen[0].chunk
            item = f", item {chunk.item}" if chunk.item else ""
            cited = " ".join(f"{e.display} [{k}]" for e, k in zip(chosen, keys[key]))
            body.append(f"- **{long_date(chunk.meeting_date)}** — {body_of(chunk.committee, chunk.council)}{item} ({chunk.title}): {cited}")
            events.append(
                Event(
                    meeting_date=chunk.meeting_date, committee=chunk.committee, item=chunk.item, title=chunk.title,
                    summary=" ".join(e.display for e in chosen), citation_keys=tuple(keys[key]),
                )
            )
        ordered = list(lines)
        first, last = ordered[0], ordered[-1]
        decided = [key for key in ordered if any(RESOLUTION.search(e.text) for e in lines[key])]
        summary = [f"**Traced over {len(ordered)} meeting{'s' if len(ordered) > 1 else ''}, {_span(first, last)}.**"]
        summary.append(f"- First raised: {_where(lines[first][0].chunk)}: {_short(lines[first][0].display)} [{keys[first][0]}]")
        # Each sentence once: a decision that is also the first mention or the latest position is said there.
        ends = {keys[first][0], keys[last][0]} if len(ordered) > 1 else {keys[first][0]}
        decisions = (next(((e, key) for e, key in zip(lines[k], keys[k]) if RESOLUTION.search(e.text) and key not in ends), None) for k in decided)
        for e, key in [d for d in decisions if d][:MAX_DECISIONS]:
            summary.append(f"- Decided, {_where(e.chunk)}: {_short(e.display)} [{key}]")
        if len(ordered) > 1:
            summary.append(f"- Latest position: {_where(lines[last][0].chunk)}: {lines[last][0].display} [{keys[last][0]}]")
        # A table where the question follows an amount ("the precept year by year"), not in every story that has sums in it.
        table = figure_table(self.points(lines, matter), keys, lines) if read(question, mode="timeline").series else ""
        text = "\n".join(summary) + ("\n\n" + table if table else "") + "\n\n" + "\n".join(body)
        return Answer(
            question=question, answered=True, answer=text, citations=tuple(citations.items), mode="timeline", filters=filters, events=tuple(events)
        )

    def points(self, lines: dict[tuple, list[Evidence]], matter: Matter) -> list[FigurePoint]:
        """The matter's figure at each meeting that states one beside the matter's words (a series when two or more)."""
        label = matter.label
        points = []
        for key, chosen in lines.items():
            for evidence in chosen:
                value = _figure_of(evidence.text, matter)
                if value is not None:
                    c = evidence.chunk
                    points.append(
                        FigurePoint(
                            series=label, meeting_date=c.meeting_date, committee=c.committee, item=c.item, title=c.title,
                            value_m=round(value / 1e6, 8), quote=evidence.text, source=c.source, page=evidence.page, paper_id=c.paper_id,
                        )
                    )
                    break
        # One thing's figure moves within an order of magnitude from year to year: a contract threshold
        # (£100,000) among commitments of £13m to £32m, or a £45 grant among precepts of £2,500 to £5,000,
        # is another thing's figure.
        if points:
            middle = float(np.median([abs(p.value_m) for p in points]))
            points = [p for p in points if middle / SERIES_SPREAD <= abs(p.value_m) <= middle * SERIES_SPREAD]
        # A series moves: the same sum restated at every meeting ("approved up to £1m in 2024") is no series.
        return points if len({p.meeting_date[:4] for p in points}) >= 2 and len({p.value_m for p in points}) >= 2 else []


def _figure_of(sentence: str, matter: Matter) -> float | None:
    """The amount a sentence states for the matter: the one closest to the matter's words, weighed by their rarity
    ("The Village Hall £40 - Meetings; Clerks Fee £450": £40 for the village hall fees), not one it says is wrong.
    A list puts an amount after what it is for ("Churchyard Donation £250 Clerks Fee £450"): words after it count
    as further away."""
    words = [(m.end(), set(tokens(m.group(0))) & matter.terms) for m in re.finditer(r"[A-Za-z][\w'’-]*", sentence)]
    if not any(said for _, said in words):
        return None
    # Not one it says is wrong, nor one it says was the figure before ("it was previously £5 for the meeting room").
    amounts = [a for a in read_amounts(sentence) if not NEGATED.search(sentence[: a.start]) and not PREVIOUSLY.search(sentence[: a.start])]
    # "raised by £800.00 to £7,400.00": the change is not the figure; where it ends is.
    levels = [a for a in amounts if not (CHANGE_BY.search(sentence[: a.start]) and any(CHANGE_TO.search(sentence[: b.start]) for b in amounts if b.start > a.start))]
    amounts = levels or amounts
    if not amounts:
        return None

    def gaps(amount) -> dict[str, int]:
        """Words between the amount and each of the matter's words in the sentence (nearest occurrence)."""
        at = sum(end <= amount.start for end, _ in words)  # the words before the amount
        out: dict[str, int] = {}
        for index, (_, said) in enumerate(words):
            for term in said:
                gap = at - index - 1 if index < at else index - at + FOLLOWING
                out[term] = min(gap, out.get(term, gap))
        return out

    def closeness(amount) -> float:
        return sum(matter.asked.get(term, 1.0) / (1 + gap) for term, gap in gaps(amount).items())

    nearest = max(amounts, key=closeness)
    # Of several sums ("Village Hall £40, Churchyard Donation £250, Clerks Fee £450"), one a dozen words from
    # the matter's words is another thing's; a sentence's only sum is the one it states beside them.
    if len(amounts) > 1 and min(gaps(nearest).values()) > FIGURE_REACH:
        return None
    return -nearest.pounds if nearest.negative else nearest.pounds


def figure_table(points: list[FigurePoint], keys: dict[tuple, list[str]], lines: dict[tuple, list[Evidence]]) -> str:
    """A Markdown table of a recurring figure, year by year, each row cited; "" when there is no series."""
    if not points:
        return ""
    key_of = {e.text: k for key, chosen in lines.items() for e, k in zip(chosen, keys[key])}
    series = points[0].series
    rows = [f"| Meeting | {series[:1].upper() + series[1:]} | Source |", "| --- | ---: | --- |"]
    for point in points:
        rows.append(f"| {long_date(point.meeting_date)}, {point.committee} | {format_pounds(point.value_m * 1e6)} | [{key_of.get(point.quote, '')}] |")
    return "\n".join(rows)


def _adds(evidence: Evidence, chosen: list[Evidence], reading: Reading, matter: Matter) -> bool:
    """Whether a further sentence tells what the meeting's chosen ones do not (the decision, how it came out,
    other figures, the dates a question about timing asks for, more of the question's words) and of this
    meeting, not earlier years."""
    if _recap(evidence.text, evidence.chunk.meeting_date) or says_nothing(evidence.text):
        return False  # a recap of earlier years is the earlier meetings' story; a heading tells nothing
    said = frozenset().union(*(e.terms for e in chosen))
    for test in (RESOLUTION, OUTCOME):
        if test.search(evidence.text) and not any(test.search(e.text) for e in chosen):
            return True
    if _figures(evidence.terms) - said:
        return True
    if reading.when and set(DATE_WORDS.findall(evidence.text)) - {d for e in chosen for d in DATE_WORDS.findall(e.text)}:
        return True
    return bool(set(matter.asked) & evidence.terms - said)


def _recap(text: str, meeting_date: str) -> bool:
    """A sentence about earlier years only, unless it names one as the time of the last change (LAST_TIME)."""
    return _looks_back(text, meeting_date) and not LAST_TIME.search(text)


def _wording(text: str) -> str:
    """A sentence's words and figures, whatever its case, spacing and punctuation."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _short(text: str, limit: int = 160) -> str:
    """A sentence cut at a word for a summary line."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _where(chunk: Chunk) -> str:
    return f"{long_date(chunk.meeting_date)}, {chunk.committee or 'unknown committee'}"


def _span(first: tuple, last: tuple) -> str:
    return long_date(first[0]) if first == last else f"{long_date(first[0])} to {long_date(last[0])}"


@lru_cache(maxsize=64)
def _identifying(identifiers: frozenset[str]) -> re.Pattern:
    """One pattern for a matter's identifiers: "Bonfire & Beacon" finds "bonfire and beacon", "WPL" not "WPLC"."""

    def one(identifier: str) -> str:
        text = r"\s*(?:&|\band\b)\s*".join(map(re.escape, re.split(r"\s*&\s*|\s+and\s+", identifier)))
        return (r"\b" if identifier[:1].isalnum() else "") + text + (r"\b" if identifier[-1:].isalnum() else "")

    return re.compile("|".join(one(i) for i in sorted(identifiers, key=len, reverse=True)), re.I)


def _said(text: str) -> frozenset[str]:
    """A text's terms and each two of them said together ("fall lane"), for finding a matter's words and names."""
    words = tokens(text)
    return frozenset(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


def _words(terms) -> int:
    """How many words terms hold ("fall lane" is two)."""
    return sum(len(term.split()) for term in terms)


def _named(weights: dict[str, float], names: list[list[str]]) -> dict[str, float]:
    """The matter's weights with each two-word name the question spells ("Fell Lane") as one term of both words."""
    named = dict(weights)
    for name in names:
        if len(name) == 2 and all(word in named for word in name) and name[0] != name[1]:
            named[" ".join(name)] = named.pop(name[0]) + named.pop(name[1])
    return named


def _aspect(asked: dict[str, float], hits: list[Hit]) -> dict[str, float]:
    """The question's words weighed by how few of the matter's papers hold them as well as how few of all papers do.

    In a trace of how consultation on the workplace parking levy was planned, every chunk about the
    levy says "workplace parking levy": those words find the matter but say nothing of which of its
    sentences answer. "Consultation" and "engagement", in some of them, do. A word in every one keeps
    ASPECT_FLOOR of its weight: in "trace the precept", "precept" is the matter and what is asked of it.
    """
    if not hits:
        return asked
    held = [set(tokens(f"{h.chunk.title} {h.chunk.text}")) for h in hits]
    return {t: w * max(ASPECT_FLOOR, 1 - sum(t in terms for terms in held) / len(held)) for t, w in asked.items()}


def _share(weights: dict[str, float], terms: set[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in terms) / total if total else 0.0
