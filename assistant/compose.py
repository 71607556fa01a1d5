"""Evidence -> a cited answer, without an LLM: sentences picked for relevance and novelty,
grouped by meeting in date order, each checked verbatim against its page before it is shown."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date

from ingest.chunking import sentence_spans
from ingest.records import Chunk

from .facets import PROCEDURAL
from .filters import FINANCIAL_YEAR, FINANCIAL_YEAR_FACET, PLACE
from .lists import BULLET, LIST_ENTRY, list_entries
from .question import Reading, topic_terms
from .records import Citation, Filters, Hit, body_of
from .scope import SET_ASIDE
from .text import long_date, squash, tokens

log = logging.getLogger(__name__)

# A figure: money, a share, a count ("1,302 jobs", "665 apprenticeships"); not a year, not the 19 of
# "Covid-19", not the number of an item, paragraph or option, nor a day of the month (REFERENCE
# is taken out first).
FIGURE = re.compile(
    r"£\s?\d|\d(?:[.,]\d+)*\s?(?:%|per cent\b|million\b|m\b|bn\b)|(?<![\w./-])(?!(?:19|20)\d\d(?![\d,]))\d[\d,]*\d(?![\w/-]|\.\d)"
)
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
REFERENCE = re.compile(
    rf"\b(?:item|minute|paragraph|para|page|section|appendix|option|priority|number)\s+\d[\d.]*|^\d{{1,2}}(?:\.\d{{1,2}})+\.?\s|^\d{{1,3}}\.\s+(?=[A-Z])|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}\b|\b{MONTH}\s+\d{{1,2}}\b",
    re.I,
)
DATE_WORDS = re.compile(r"\b(?:19|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
# What a council's papers say of timing: a programme's milestones and how they moved ("extended into March 2026").
TIMING = re.compile(
    r"\b(?:timescales?|timetable|programme|schedul\w*|deadline|milestones?|delay\w*|extended|slipp\w*|revised (?:date|timescale)|"
    r"postponed|deferred|brought forward|pushed back|(?:planned|expected|due) (?:to|for|by|in)|(?:end|start|completion|revised) dates?|by the end of)\b",
    re.I,
)
# What a meeting decided, in the words minutes and recommendations use: these carry commitments.
RESOLUTION = re.compile(
    r"^(?:Resolved\b|\(?\d{1,2}\)\s*That\b|That\b(?! is\b| said\b| being\b|,)|\(?[a-h][.)]\s+To\b)|\b(?:priorities|recommendations) for \d{4}\b.*:$|\bresolved\b",
    re.I,
)
# "That Cabinet agrees the priorities set out in paragraph 2.2 below": the list is at 2.2.
PARAGRAPH_REFERENCE = re.compile(r"\b(?:set out|listed|described|given) (?:in|at) paragraph (\d{1,2}(?:\.\d{1,2})+)", re.I)
REFERENCE_REACH = 4
"""Chunks after a sentence searched for the paragraph it refers to."""
PEOPLE = re.compile(r"\b(?:Councillor|Cllr|Leader|Chief Executive|Chair|Director|Board|Cabinet|officer)\b")
DECISION = re.compile(
    r"\bResolved\b|^\(?\d{1,2}\)\s*That\b|^That\b|\b(?:approved?|agreed?|adopt(?:ed)?|endorsed?|noted|commit(?:ted|ments?)?|"
    r"priorit(?:y|ies)|will\b|recommend(?:ed|ations?)?|pledged?)",
    re.I | re.M,
)
CHAIR_LINE = re.compile(r"\(in the Chair\)|\bChair of the\b")
AUTHOR_LINE = re.compile(r"^(?:Report (?:of|author|from)|Author|Lead officer|Contact officer):\s", re.I)
# A study's cover names who made it on a line of its own ("Leicester Castle Business School", "De Montfort University").
ORGANISATION = re.compile(r"\b(?:University|College|Business School|Institute|Ltd|Limited|LLP|plc|Consult(?:ing|ancy|ants)|Associates)\b")
GIVES_EXAMPLE = re.compile(r"\bfor (?:example|instance)\b|\be\.g\.|\bsuch as\b|\bcase stud(?:y|ies)\b", re.I)
LONGEST_SENTENCE = 600
"""Characters in a sentence worth quoting, at most: longer, it is a table or a page the PDF text runs together."""
LONGEST_RESOLUTION = 1200
"""The same for a resolution, which may give its parts in one sentence ("RESOLVED: (i) That ...; (ii) That ...")."""
COVER_AUTHOR_WORDS = 8
"""Words in a cover's line naming its maker, at most: a line of its own, not a sentence that mentions a university."""
PERSON_LINE = re.compile(rf"{AUTHOR_LINE.pattern}|^(?:Cabinet (?:portfolio|member)|Portfolio holder|Strategic director(?:ate)?|Present|Also in attendance):\s", re.I)
# Lines of a cover block ("Meeting date: Monday 28 March 2022") are metadata, not evidence.
COVER_LINE = re.compile(r"^[A-Z][A-Za-z ()/]{1,40}:\s")
COVER_LABEL = re.compile(r"(?:^|\s)(?:Report (?:title|of|author)|Agenda item|Meeting date|Committee|Cabinet portfolio|Strategic directorate|Wards affected|Key decision):\s")
# A form's fields in capitals ("KEY OR NON-KEY DECISION: Key decision ... COMMITTEE: Transport"): two make a form.
FORM_LABEL = re.compile(r"(?:^|\s)[A-Z][A-Z &/()'’-]{2,40}:\s")
# A heading ("2. Summary of the priorities for 2023") names a topic and says nothing about it; a
# table row ("Commitments secured £27.8m") looks the same but holds a figure. A heading is numbered
# or short: parish minutes often end their sentences without a full stop ("Councillor Richardson
# welcomed Councillor Neil Cresswell to the Parish Council"), and those say what happened.
HEADING_WORDS = 8
HEADING = re.compile(
    rf"^(?:\d{{1,2}}(?:\.\d{{1,2}})*\.?\s+[A-Z][^.:;!?]{{0,80}}|[A-Z](?:[^.:;!?\s]*\s+){{0,{HEADING_WORDS - 1}}}[^.:;!?\s]*)$(?<=[A-Za-z0-9)])"
)
# A whole sentence in brackets, not a numbered part ("(1) That ...", "(a) To ..."): an aside.
ASIDE = re.compile(r"^\((?![a-z0-9]{1,4}\))[^()]*\)\.?$", re.I)
# Lists of appendices and background papers name documents; they say nothing.
LISTING = re.compile(
    r"^(?:Appendix \w{1,4}\b|Appendices\b|Background (?:papers|documents)\b)|\s[–-] report to\b|Consideration by any other Council Committee", re.I
)
# The heading of a list of documents: the lines under it, to the next numbered heading, name documents.
LISTING_HEADING = re.compile(r"(?:^|\n)[ \t]*(?:Background (?:papers|documents)|Appendices|List of appendices):?[ \t]*$", re.I)
DISTINCTIVE_IDF = 2.0
"""A question term this rare (in under about one chunk in seven) says what the question is about; "social value" does not."""
ANCHOR_SHARE = 0.4
"""Share of the best sentence's weight of distinctive question terms that a sentence from another round of
meetings must hold to join an answer (set on the development sets)."""
FLOOR = 0.45
"""A sentence scoring below this share of the best one's is not evidence enough to show."""
ROUND_DAYS = 31
"""Meetings within this many days are one round: a report at scrutiny and at Cabinet days later, a sentence said
again at the next meeting (later, it is a recap)."""
PARAGRAPH_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+|^\d{1,2}\.\s+(?=[A-Z])")
MAX_PLACES = 3
"""Papers cited for one list entry said in several (the report, its minutes, the decision notice)."""
PERIOD_REACH = 300
"""Characters before a sentence read for the period it speaks of: the paragraph's opening, a table's column headings."""
YEAR_MENTION = re.compile(r"\b((?:19|20)\d\d)\b")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One sentence of one chunk, scored for a question."""

    text: str
    chunk: Chunk
    page: int
    score: float
    rank: int
    terms: frozenset[str]
    start: int = 0
    """Offset of the sentence in its chunk's text."""

    def beside(self, text: str, chunk: Chunk, start: int) -> "Evidence":
        """Another sentence shown with this one (its list, the sentence opening it), ranked the same."""
        return Evidence(text, chunk, chunk.page_at(start), self.score, self.rank, frozenset(tokens(text)), start)

    @property
    def page_end(self) -> int:
        """The page the sentence ends on: a sentence may run over a page break, and is cited to both pages."""
        if self.chunk.page_at(len(self.chunk.text) - 1) <= self.page:
            return self.page  # the chunk ends on the sentence's first page (most do): no break to look for
        left = len(self.text.replace(" ", ""))  # the chunk's characters the squashed sentence covers, spaces aside
        for offset in range(self.start, len(self.chunk.text)):
            if not self.chunk.text[offset].isspace():
                left -= 1
                if left <= 0:
                    return max(self.page, self.chunk.page_at(offset))
        return self.page

    @property
    def key(self) -> tuple[str, str]:
        """The sentence in its paper: the same words there, however they were reached (chosen, or as a list's entry)."""
        return (self.chunk.paper_id, self.text)

    @property
    def display(self) -> str:
        """The sentence as shown: without its paragraph number ("2.3 "); the citation keeps the whole quote."""
        return PARAGRAPH_NUMBER.sub("", self.text, count=1) or self.text


def meeting_key(chunk: Chunk) -> tuple[str, str, str]:
    """Papers of one meeting share this: (date, committee, council)."""
    return (chunk.meeting_date, chunk.committee, chunk.council)


def meeting_heading(chunk: Chunk) -> str:
    """"Cabinet, 28 March 2022 — item 126, Social Value Annual Report"."""
    when = long_date(chunk.meeting_date) or "undated"
    item = f"item {chunk.item}, " if chunk.item else ""
    return f"{body_of(chunk.committee, chunk.council)}, {when} — {item}{chunk.title}"


class Composer:
    """Builds answers from hits; page_texts(paper_id) gives the page texts that quotes are checked against."""

    def __init__(
        self,
        page_texts: Callable[[str], list[str]],
        idf: Callable[[str], float],
        next_chunk: Callable[[Chunk], Chunk | None] = lambda chunk: None,
        vocabulary: Container[str] = (),
        adjacent: Callable[[Chunk, int], Chunk | None] = lambda chunk, step: None,
    ) -> None:
        self.page_texts = page_texts
        self.idf = idf
        self.next_chunk = next_chunk
        self.adjacent = adjacent
        """The chunk so many places after (negative: before) one in its paper, of whatever item."""
        self.vocabulary = vocabulary
        """The indexed terms (empty: take every term as indexed)."""
        self.echoes: dict[tuple[str, str], list[Evidence]] = {}
        """(paper, shown sentence) -> the same sentence at other meetings (filled by select)."""

    # -- evidence ------------------------------------------------------------------------------

    def topic_terms(self, question: str, filters: Filters | None = None) -> set[str]:
        """The question's content terms, less the words that only name the mode or a filter (question.topic_terms)."""
        return topic_terms(question, filters)

    def distinctive_terms(self, question: str, filters: Filters | None = None) -> frozenset[str]:
        """The question's topic terms that few chunks share ("Preston", "threshold"; not "social", "policy")."""
        return frozenset(t for t in self.topic_terms(question, filters) if self.idf(t) >= DISTINCTIVE_IDF)

    def share(self, question: str, terms: frozenset[str], filters: Filters | None = None) -> float:
        """Share of the question's idf-weighted topic terms that the index holds among the given terms (a
        sentence's): a word no paper uses ("someone said ... bumped up") is in no sentence."""
        weights = {t: self.idf(t) for t in self.topic_terms(question, filters) if not self.vocabulary or t in self.vocabulary}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in terms) / total if total else 0.0

    def evidence(
        self, reading: Reading, hits: list[Hit], filters: Filters | None = None, weigh: Callable[[str, Chunk, Reading], float | None] = lambda *_: 0.0
    ) -> list[Evidence]:
        """Every usable sentence of the hits, scored (best first); sentences about other years than asked rank lower.

        A sentence scores for the question's words (and its item title's), its chunk's standing and
        what the reading wants (a figure, a date, a person); `weigh` adds what the kind of answer
        values, or rules the sentence out (None).
        """
        wanted = _years_wanted(filters)
        # "Bristol's levy": a sentence on Nottingham's, and no other place, says nothing of Bristol's.
        places = set(PLACE.findall(reading.text))
        terms = self.topic_terms(reading.text, filters)
        weight = {t: self.idf(t) for t in terms}
        total = sum(weight.values()) or 1.0
        top_dense = max((h.dense for h in hits), default=0.0)
        out: list[Evidence] = []
        for rank, hit in enumerate(hits):
            try:
                chunk = hit.chunk
                title_terms = set(tokens(chunk.title))
                listing = False
                for start, end in sentence_spans(chunk.text):
                    text = squash(chunk.text[start:end])
                    words = len(text.split())
                    if LISTING_HEADING.search(chunk.text[start:end]) or (listing and not PARAGRAPH_NUMBER.match(text)):
                        listing = True  # "Background documents" and the documents it lists, up to "1. Introduction"
                        continue
                    # Cover-block lines ("Meeting date: ...") are metadata; the one naming a person answers "who" and nothing else.
                    person = reading.who and bool(PERSON_LINE.match(text) or (reading.author and cover_author(text, chunk)))
                    if (cover_line(text) or words < 5 or says_nothing(text)) and not person or too_long(text):
                        continue
                    if places and (elsewhere := set(PLACE.findall(text))) and not elsewhere & places:
                        continue
                    sentence_terms = frozenset(tokens(text))
                    lexical = sum(w for t, w in weight.items() if t in sentence_terms) / total
                    context = sum(w for t, w in weight.items() if t in title_terms and t not in sentence_terms) / total
                    # The chunk's standing: its rank, or its closeness in meaning when that says more (the
                    # chunks of one paper rank in a row but are all about as close).
                    prior = max(1 / (1 + 0.25 * rank), (hit.dense / top_dense) ** 4 if top_dense > 0 else 0.0)
                    score = 0.55 * lexical + 0.1 * context + 0.35 * prior
                    kind = weigh(text, chunk, reading)
                    if kind is None:
                        continue
                    score += kind + _wanted(reading, text)
                    if wanted and _other_years(text, chunk.meeting_date, wanted):
                        score -= 0.3
                    if PROCEDURAL.search(chunk.title) and not (reading.chair or reading.procedure):
                        score -= 0.3
                    out.append(Evidence(text, chunk, chunk.page_at(start), score, rank, sentence_terms, start))
            except Exception:  # noqa: BLE001 - one chunk's odd text must not cost the whole answer
                log.exception("sentences of chunk %s skipped", hit.chunk.chunk_id)
        out.sort(key=lambda e: -e.score)
        return out

    def verified(self, evidence: Evidence) -> bool:
        """Whether the sentence appears verbatim (modulo whitespace) on the pages it will cite, starting on the first."""
        pages = self.page_texts(evidence.chunk.paper_id)
        if not 1 <= evidence.page <= len(pages):
            return False
        first = squash(pages[evidence.page - 1])
        printed = " ".join([first, *(squash(page) for page in pages[evidence.page : evidence.page_end])])
        return 0 <= printed.find(squash(evidence.text)) < len(first)

    def select(
        self,
        candidates: list[Evidence],
        limit: int,
        *,
        per_meeting: int = 99,
        per_council: int = 99,
        floor: float = FLOOR,
        anchors: frozenset[str] = frozenset(),
        amounts: Callable[[str], bool] | None = None,
    ) -> list[Evidence]:
        """The best sentences that say something new, verified against their pages.

        With anchors (the question's distinctive terms), a sentence from another meeting than the best
        sentence's (or its scrutiny a few days before) must contain one, and ANCHOR_SHARE of the idf
        weight of those the best sentence contains: a meeting is brought into an answer by what it says
        about the question's subject, not by talking about social value at all, nor by one word of it
        ("evaluated as part of the award" does not answer which award the council won).
        With amounts (for a question asking "how much", "what share": whether a sentence states one),
        such a sentence must also state an amount: the other years' amounts answer too, their other
        sentences are padding.
        """
        chosen: list[Evidence] = []
        per: dict[tuple, int] = {}
        councils: dict[str, int] = {}
        if not candidates:
            return chosen
        best = candidates[0].score
        for candidate in candidates:
            if len(chosen) >= limit or candidate.score < floor * best:
                break
            key = meeting_key(candidate.chunk)
            if chosen and not _same_round(candidate, chosen[0]):
                held = sum(self.idf(t) for t in candidate.terms & anchors)
                if anchors and (not held or held < ANCHOR_SHARE * sum(self.idf(t) for t in chosen[0].terms & anchors)):
                    continue
                if amounts is not None and not amounts(candidate.text):
                    continue
            if per.get(key, 0) >= per_meeting or councils.get(candidate.chunk.council, 0) >= per_council:
                continue
            # Sentences of one paper alike but for their figures ("1,302 jobs" in 2017/18, "1,579 jobs" in
            # 2018/19) are two facts; at another meeting the same sentence is an echo whatever its figures.
            twin = next(
                (
                    c
                    for c in chosen
                    if _similar(candidate.terms, c.terms)
                    and (c.chunk.paper_id != candidate.chunk.paper_id or not _figures(c.terms) or _figures(candidate.terms) <= _figures(c.terms))
                ),
                None,
            )
            if twin is not None:
                # Of two sentences that say the same at one meeting, the one with the figures ("to £27.8m").
                if meeting_key(twin.chunk) == key and has_figure(candidate.text) and not has_figure(twin.text) and self.verified(candidate):
                    chosen[chosen.index(twin)] = candidate
                else:
                    self._echo(twin, candidate)
                continue
            if not self.verified(candidate):
                continue
            chosen.append(candidate)
            per[key] = per.get(key, 0) + 1
            councils[candidate.chunk.council] = councils.get(candidate.chunk.council, 0) + 1
        return chosen

    def other_sitting(self, chosen: list[Evidence], candidates: list[Evidence]) -> list[Evidence]:
        """The best sentence of each other sitting of the report the answer's best sentence is from, if none is shown yet.

        A report goes to scrutiny and then to Cabinet days later under the same title. When the answer
        quotes one sitting, what the other said about it (the board's questions, Cabinet's decision)
        belongs beside it, and its minutes rarely repeat the report word for word, so _echo misses it.
        Only the best sentence's report: another meeting's sitting would bring more of what may be padding.
        """
        if not chosen:
            return []
        lead = chosen[0]
        shown = {meeting_key(e.chunk) for e in chosen} | {meeting_key(x.chunk) for e in chosen for x in self.echoes.get(e.key, [])}
        floor = FLOOR * candidates[0].score
        added: list[Evidence] = []
        for candidate in candidates:
            key = meeting_key(candidate.chunk)
            if key in shown or candidate.score < floor or candidate.chunk.title != lead.chunk.title:
                continue
            if _same_round(candidate, lead) and not _similar(candidate.terms, lead.terms) and self.verified(candidate):
                added.append(candidate)
                shown.add(key)
        return added

    def _echo(self, shown: Evidence, twin: Evidence) -> None:
        """Keep a sentence that says the same at another meeting of the council as a second citation.

        A report goes to scrutiny and then to Cabinet: "OSMB, 23 March and Cabinet, 28 March" is what a
        reader wants to know, but not the same sentence twice.
        """
        echoes = self.echoes.setdefault(shown.key, [])
        meetings = {meeting_key(shown.chunk)} | {meeting_key(e.chunk) for e in echoes}
        if (
            len(echoes) < 2
            and meeting_key(twin.chunk) not in meetings
            and twin.chunk.council == shown.chunk.council
            and _same_round(twin, shown)
        ):
            if self.verified(twin):
                echoes.append(twin)

    def cite(self, evidence: Evidence, citations: "Citations") -> str:
        """The citation marks of a shown sentence: its own, then those of its echoes at other meetings."""
        keys = [citations.add(evidence)] + [citations.add(e) for e in self.echoes.get(evidence.key, [])]
        return "".join(f"[{key}]" for key in keys)

    def list_entries(self, lead: Evidence) -> list[Evidence]:
        """The verified entries of the list a sentence ending ":" opens (lists.py)."""
        return list_entries(lead, self.next_chunk, self.verified)

    def opener(self, entry: Evidence) -> Evidence | None:
        """The verified sentence ending ":" that opens the list an entry ("(b) To help ...") belongs to."""
        if not LIST_ENTRY.match(entry.text):
            return None
        chunk = entry.chunk
        for start, end in reversed([span for span in sentence_spans(chunk.text) if span[0] < entry.start]):
            text = squash(chunk.text[start:end])
            if LIST_ENTRY.match(text):
                continue
            if not text.endswith(":"):
                return None
            lead = entry.beside(text, chunk, start)
            return lead if self.verified(lead) else None
        return None

    def referenced(self, evidence: Evidence) -> Evidence | None:
        """The verified list opener at the paragraph a sentence refers to ("set out in paragraph 2.2 below")."""
        match = PARAGRAPH_REFERENCE.search(evidence.text)
        if not match:
            return None
        number = match.group(1)
        chunk, reach = evidence.chunk, REFERENCE_REACH
        while chunk is not None and reach > 0:
            for start, end in sentence_spans(chunk.text):
                text = squash(chunk.text[start:end])
                if text.startswith(f"{number} ") and text.endswith(":"):
                    lead = evidence.beside(text, chunk, start)
                    return lead if self.verified(lead) else None
            chunk, reach = self.next_chunk(chunk), reach - 1
        return None

    def with_openers(self, chosen: list[Evidence]) -> list[Evidence]:
        """Entries of a list are shown under the sentence that opens it, with the whole list."""
        out: list[Evidence] = []
        shown: set[tuple[str, str]] = set()
        for evidence in chosen:
            lead = self.opener(evidence) or evidence
            if (lead.chunk.paper_id, lead.text) not in shown:
                shown.add((lead.chunk.paper_id, lead.text))
                out.append(lead)
        return out

    def grouped(self, chosen: list[Evidence], citations: "Citations", *, bullets: bool, unfold: set[int], lead_first: bool = False) -> str:
        """Sentences grouped under their meeting, meetings in date order; a list a sentence in `unfold` (by id) opens follows it.

        With lead_first the meeting of the best sentence comes first: a direct question gets its answer
        in the first lines, and the other meetings follow in date order.
        """
        groups: dict[tuple, list[Evidence]] = {}
        for evidence in chosen:
            groups.setdefault(meeting_key(evidence.chunk) + (evidence.chunk.item, evidence.chunk.title), []).append(evidence)
        lead = meeting_key(chosen[0].chunk) + (chosen[0].chunk.item, chosen[0].chunk.title) if lead_first and chosen else None
        lists = {id(e): self.list_entries(self.referenced(e) or e) for e in chosen if id(e) in unfold}
        # An entry chosen on its own is shown under the sentence that opens its list instead.
        listed = [(x.chunk.paper_id, x.text) for entries in lists.values() for x in entries]
        chosen = [e for e in chosen if lists.get(id(e)) or not any(paper == e.chunk.paper_id and e.text in text for paper, text in listed)]
        # An entry said again (the minutes record the report's list of priorities) is shown once, under
        # the first place that says it, with the other places' citations beside it.
        shown: dict[str, tuple[list[str], int, set[str]]] = {}
        blocks: list[list[str]] = []
        for key in sorted(groups, key=lambda k: (k != lead, k[0], k[1])):
            members = sorted((e for e in groups[key] if e in chosen), key=lambda e: (e.chunk.source, e.chunk.ordinal, e.start))
            if not members:
                continue
            lines = [f"**{meeting_heading(members[0].chunk)}**"]
            prose: list[str] = []
            for e in members:
                entries = []
                for x in lists.get(id(e), []):
                    if (said := shown.get(_said(x.text))) is None:
                        entries.append(x)
                    elif x.chunk.paper_id not in said[2] and len(said[2]) < MAX_PLACES:
                        said[0][said[1]] += f"[{citations.add(x)}]"
                        said[2].add(x.chunk.paper_id)
                if lists.get(id(e)) and not entries and e.text.endswith(":"):
                    continue  # "The priorities are:" whose list is already shown under its resolution
                sentence = f"{e.display} {self.cite(e, citations)}"
                if bullets or entries:
                    if prose:
                        lines.append(" ".join(prose))
                        prose = []
                    lines.append(f"- {sentence}")
                    for x in entries:
                        places = [x] + self.echoes.get(x.key, [])
                        lines.append(f"  - {BULLET.sub('', x.text, count=1)} " + "".join(f"[{citations.add(p)}]" for p in places))
                        shown[_said(x.text)] = (lines, len(lines) - 1, {p.chunk.paper_id for p in places})
                else:
                    prose.append(sentence)
            if prose:
                lines.append(" ".join(prose))
            blocks.append(lines)
        return "\n\n".join("\n".join(lines) for lines in blocks)


def _said(text: str) -> str:
    """What a sentence says, for telling the same words in two papers apart from different ones."""
    return " ".join(re.findall(r"[a-z0-9£%]+", text.lower()))


def cover_line(text: str) -> bool:
    """A cover block's or a form's fields ("Meeting date: 28 March 2022"), not a statement ("Resolved: to object.")."""
    if RESOLUTION.match(text):
        return False
    return bool(COVER_LINE.match(text)) and (len(text.split()) < 12 or len(COVER_LABEL.findall(text)) > 1) or len(FORM_LABEL.findall(text)) > 1


def too_long(text: str) -> bool:
    """Longer than a sentence runs (a table or a page read as one), unless a resolution with its parts in one sentence."""
    return len(text) > (LONGEST_RESOLUTION if RESOLUTION.match(text) else LONGEST_SENTENCE)


def cover_author(text: str, chunk: Chunk) -> bool:
    """A short line of a paper's first chunk naming an organisation: who made a study, as its cover says."""
    return chunk.ordinal == 0 and len(text.split()) <= COVER_AUTHOR_WORDS and bool(ORGANISATION.search(text))


def says_nothing(text: str) -> bool:
    """A heading that names a topic without a figure, an entry of a list of documents, or an aside in brackets
    ("(It should be noted that the percentages don't add up to 100% ...)": a table's note)."""
    return bool(LISTING.search(text)) or (bool(HEADING.match(text)) and not has_figure(text)) or bool(ASIDE.match(text))


def has_figure(text: str) -> bool:
    """Whether a sentence states a figure (see FIGURE)."""
    return bool(FIGURE.search(REFERENCE.sub(" ", text)))


def _wanted(reading: Reading, text: str) -> float:
    """What a sentence gives of what the question wants: a figure, a date, a person, a decision, an example."""
    return (
        (0.25 if reading.figure and has_figure(text) else 0.0)
        + (0.15 if reading.when and DATE_WORDS.search(text) else 0.0) + (0.15 if reading.when and TIMING.search(text) else 0.0)
        + (0.15 if reading.who and PEOPLE.search(text) else 0.0)
        + (0.5 if reading.author and AUTHOR_LINE.match(text) else 0.0)
        + (0.5 if reading.chair and CHAIR_LINE.search(text) else 0.0)
        + (0.2 if reading.example and GIVES_EXAMPLE.search(text) else 0.0)
        + (0.2 if reading.decision and reading.mode == "answer" and RESOLUTION.search(text) else 0.0)
    )


def _same_round(a: Evidence, b: Evidence) -> bool:
    """Two sentences from one round of a council's meetings (a report at scrutiny and at Cabinet days later), or
    from one paper, whether or not its meeting is known (a strategy's page 7 is not another round than its page 4)."""
    if a.chunk.paper_id == b.chunk.paper_id:
        return True
    # A paper of no known meeting (an annual return dated by its year end, a strategy) sat at no round, however near its date.
    known = all(c.committee and c.meeting_date for c in (a.chunk, b.chunk))
    return known and a.chunk.council == b.chunk.council and _days_apart(a.chunk.meeting_date, b.chunk.meeting_date) <= ROUND_DAYS


def _days_apart(a: str, b: str) -> int:
    """Days between two ISO dates (a large number when either is missing)."""
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except ValueError:
        return 10**6


def _other_years(text: str, meeting_date: str, wanted: tuple[int, int]) -> bool:
    """Whether a sentence is about other years than those asked: it names only years outside them.

    A meeting of the asked years that names only later ones sets a deadline or a plan ("repairs only,
    until 31st March 2022", minuted in 2018): that is what it decided then.
    """
    # A financial year ("2019/20", "2019-20") runs into the next calendar year: January 2020 is in it.
    mentioned = _years_named(text)
    if not mentioned or any(wanted[0] <= y <= wanted[1] for y in mentioned):
        return False
    held = int(meeting_date[:4]) if meeting_date[:4].isdigit() else 0
    return not (wanted[0] <= held <= wanted[1] and min(mentioned) > held)


def about_period(chosen: list[Evidence], filters: Filters) -> bool:
    """Whether an answer says anything of the period its question describes its subject with.

    That period must be named by one of its sentences or just before one (a table's column headings,
    the paragraph's opening):
    - a date set aside as a filter because no meeting was of it (scope.py: "pledged by the end of
      November 2021"): the answer's note says other papers refer to it, and sentences far from any
      mention of it are about something else (a 2023 report's total since 2019);
    - a financial year, which names what was spent, raised or counted in it, not when a committee met:
      asked for Manchester's spend "in 2020/21", a March 2021 paper's figures for 2017/18 and 2018/19
      do not answer.
    """
    described = {int(y) for facet, said in filters.labels if facet in (SET_ASIDE, FINANCIAL_YEAR_FACET) for y in YEAR_MENTION.findall(said)}
    return not described or any(described & _years_named(e.chunk.text[max(0, e.start - PERIOD_REACH) : e.start + len(e.text) + 1]) for e in chosen)


def _years_named(text: str) -> set[int]:
    """The years a sentence names, the second of a financial year's ("2020/21") included."""
    named = {int(y) for y in YEAR_MENTION.findall(text)}
    return named | {int(m.group(1)) + 1 for m in FINANCIAL_YEAR.finditer(text) if int(m.group(2)) == (int(m.group(1)) + 1) % 100}


def _years_wanted(filters: Filters | None) -> tuple[int, int] | None:
    """The calendar years a filter asks about, or None when it names no dates."""
    if filters is None or not (filters.date_from or filters.date_to):
        return None
    return (int(filters.date_from[:4]) if filters.date_from else 0, int(filters.date_to[:4]) if filters.date_to else 9999)


def _looks_back(text: str, meeting_date: str) -> bool:
    """A sentence about earlier years only (background), not about what this meeting decided or heard."""
    years = {int(y) for y in YEAR_MENTION.findall(text)}
    return bool(years) and bool(meeting_date) and max(years) < int(meeting_date[:4]) - 1 + (meeting_date[5:7] > "06")


def _figures(terms: frozenset[str]) -> frozenset[str]:
    """The figures among a sentence's terms: sums of money, shares and counts of three or more digits; not years."""
    return frozenset(t for t in terms if t[:1] in "£0123456789" and (len(t) > 2 or "%" in t) and not re.fullmatch(r"(?:19|20)\d\d", t))


def _similar(a: frozenset[str], b: frozenset[str], threshold: float = 0.6) -> bool:
    """Two sentences say the same thing when most of their terms are shared."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= threshold


class Citations:
    """Numbers sources in order of first use."""

    def __init__(self) -> None:
        self.items: list[Citation] = []

    def add(self, evidence: Evidence) -> str:
        """The key of this sentence's citation (a new one for each sentence)."""
        c = evidence.chunk
        key = str(len(self.items) + 1)
        self.items.append(
            Citation(
                key=key,
                council=c.council,
                committee=c.committee,
                meeting_date=c.meeting_date,
                item=c.item,
                title=c.title,
                doc_type=c.doc_type,
                page=evidence.page,
                page_end=evidence.page_end,
                source=c.source,
                quote=evidence.text,
                chunk_id=c.chunk_id,
                source_url=c.source_url,
            )
        )
        return key
