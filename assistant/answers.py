"""One small strategy per kind of answer, behind one interface.

A question is read once (question.Reading); its kind picks the strategy that answers it:

- Plain: the best sentences on the question's subject, its list unfolded, the report's other sitting beside it.
- Figure: "how much", "how many", "what share": only sentences that state such an amount, and none is no answer.
- Person: "who wrote the report": the lines naming whose report it was.
- Vote: "how did members vote": the minutes' record of the vote on the subject, and none is no answer.
- Decisions: "what did we commit to": resolutions and recommendations as a list, options and hedges left out.
- Draft: a prose paragraph from several meetings with references to paste.
- Timeline: the matter traced meeting by meeting (trace.Tracer).

Each strategy says how it weighs a sentence for its kind (`weigh`, added to the score every
sentence gets for the question's words and its chunk's rank) and how it chooses and shows them
(`answer`). The Composer (compose.py) holds what they share: scoring, verification against the
page, lists, echoes and citations.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.chunking import sentence_spans
from ingest.records import Chunk

from .compose import (
    AUTHOR_LINE, DECISION, FLOOR, LIST_ENTRY, PARAGRAPH_NUMBER, REFERENCE, RESOLUTION, Citations, Composer, Evidence, _looks_back,
    about_period, cover_author, has_figure, meeting_key,
)
from .lists import resolution_parts
from .question import ASKS_MONEY, Reading, read
from .records import Answer, Filters, Hit
from .text import squash, tokens

# -- figures ---------------------------------------------------------------------------------------

AMOUNT_COVERAGE = 0.2
"""Share of the question's weighted terms the sentence stating a "how much" answer (not a count) must hold (set on the development sets)."""
HEADING_COVERAGE = 0.5
"""The share of those terms an amount's sentence and its minute's heading must hold together."""
# Numbers in words, as minutes write counts ("Ninety-two responded", "twenty-five coins"); "one" is any thing's.
NUMBER_WORDS = (
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred|dozen"
)
# A number that is not a year, or one in words: what a "how much" answer must contain.
QUANTITY = re.compile(
    r"£\s?\d|(?<![/-])\b(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)*\b(?![/-]\d)|"
    rf"\b(?:one|{NUMBER_WORDS}|half|doubled?|tripled?)\b",
    re.I,
)
# The kind of amount a question names, and how a sentence states one of that kind.
AMOUNT_KINDS = (
    (re.compile(r"\brates?\b|\bhourly\b|\bper hour\b", re.I), re.compile(r"\brates?\b|\bper hour\b|\ban hour\b|\bhourly\b|%|\bper cent\b", re.I)),
    (
        re.compile(r"\bpercentage\b|\bper ?cent\b|\bwhat (?:share|proportion)\b", re.I),
        re.compile(r"%|\bper ?cent\b|\b(?:half|third|quarter|fifth|tenth)\b", re.I),
    ),
)
# Money: "£54", "2 million", or as accounts print it, in pounds and pence with no sign ("2,438.00").
MONEY_FIGURE = re.compile(r"£\s?\d|\b\d+(?:[.,]\d+)*\s?(?:pounds|million|bn|m)\b|(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d\d\b(?![.,]?\d)", re.I)
# "How many ...?" wants a count: not a sum of money, a share or a year.
COUNT = re.compile(
    r"(?<![£\d.,])\b(?!(?:19|20)\d\d\b)\d+(?:,\d{3})*\b(?![.,]\d|\s?(?:%|per cent|m\b|bn\b|million))|"
    rf"\b(?:{NUMBER_WORDS})\b",
    re.I,
)

# -- decisions and drafts --------------------------------------------------------------------------

# Options appraisals and hedges: "Cabinet could choose not to agree ..." is no commitment.
HEDGE = re.compile(r"\b(?:could|might|would not|not recommended|option \d|alternative)\b", re.I)
# The options section of a report: never what was decided.
OPTION = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\s+)?Option \d\b|\bnot recommended\b", re.I)
# A draft is prose: a whole sentence, not a table row, a list entry or a resolution ("That Cabinet ...").
PROSE = re.compile(r"^(?!That\b)[A-Z].*[.!?][’”\")]?$", re.S)
DANGLING = re.compile(r"^(?:It|Its|This|These|They|Their|Those|He|She|His|Her)\b")
# A sentence naming whose report it was: a cover line, or the minutes' "the report of the City Treasurer".
AUTHORSHIP = re.compile(rf"{AUTHOR_LINE.pattern}|\breport (?:of|by|from) the (?:[A-Z][\w'-]*\s(?:and\s|of\s)?)*[A-Z]")


PLAIN_LIMIT = 6
"""Sentences in an answer that is not a list, a draft or a timeline."""


class Kind:
    """A kind of answer: how it weighs a sentence, and how it chooses and shows the best ones."""

    mode = "answer"
    limit = PLAIN_LIMIT

    def weigh(self, text: str, chunk: Chunk, reading: Reading) -> float | None:
        """What this kind adds to a sentence's score (None: the sentence is no evidence for it)."""
        return 0.0

    def answer(self, composer: Composer, reading: Reading, hits: list[Hit], filters: Filters) -> Answer | None:
        """A cited answer, or None when no verified sentence is good enough."""
        raise NotImplementedError

    def candidates(self, composer: Composer, reading: Reading, hits: list[Hit], filters: Filters) -> list[Evidence]:
        return composer.evidence(reading, hits, filters, self.weigh)


class Plain(Kind):
    """The best sentences on the question's subject: its own meeting first, the others in date order."""

    def answer(self, composer, reading, hits, filters):
        candidates = self.candidates(composer, reading, hits, filters)
        anchors = composer.distinctive_terms(reading.text, filters)
        chosen = self.choose(composer, reading, candidates, filters, anchors)
        if not chosen or not about_period(chosen, filters):
            return None
        chosen += composer.other_sitting(chosen, candidates)
        if reading.request:
            chosen += resolution_parts(chosen, composer.next_chunk, composer.verified)
        chosen = composer.with_openers(chosen)
        if not self.enough(composer, reading, chosen, filters):
            return None
        # The list of its best sentence unfolds, or of one naming the question's subject; a list opened by a
        # sentence only near the subject ("What stays the same:") would be padding. Asked what was decided, a
        # resolution's parts are the answer ("That the Committee: 1. Noted ... 2. Approved ..."); asked what
        # members asked for, so are the points of a list beside the best sentence ("Members raised the following points:").
        unfold = {
            id(e) for e in chosen
            if e is chosen[0] or e.terms & anchors or (reading.decision and RESOLUTION.match(e.text))
            or (reading.request and e.chunk is chosen[0].chunk)
        }
        return _grouped_answer(composer, reading, chosen, filters, bullets=False, unfold=unfold, lead_first=True)

    def choose(self, composer, reading, candidates, filters, anchors) -> list[Evidence]:
        return composer.select(candidates, self.limit, per_council=_council_share(self.limit, filters), anchors=anchors)

    def enough(self, composer, reading, chosen, filters) -> bool:
        return True


class Figure(Plain):
    """ "How much ...?", "how many ...?", "what share ...?": sentences stating such an amount.

    Other meetings' sentences join only when they state an amount too (the other years' figures
    answer; their other sentences are padding), and an answer with no amount beside the question's
    subject is no answer: "how much is the portal subscription?" with amounts only in sentences
    about something else is refused.
    """

    def choose(self, composer, reading, candidates, filters, anchors):
        many = reading.many  # "How many outcomes?" is answered by a list as well as by a figure

        def states(text: str) -> bool:
            return bool(QUANTITY.search(REFERENCE.sub(" ", text))) or (many and text.endswith(":"))

        return composer.select(candidates, self.limit, per_council=_council_share(self.limit, filters), anchors=anchors, amounts=states)

    def enough(self, composer, reading, chosen, filters):
        if not reading.count:
            return True  # "what share": in the papers' own words, not refused for want of the question's
        # Or under a minute's heading that names most of the subject: "RESOLVED: To make a donation to SUP of £54.00"
        # under "Contribution to Stop Ure Pollution". (A report's title names the whole report, not what one of its
        # sentences is about; a heading sharing only common words with the question says little.)
        return any(
            states_amount(reading.text, e.text)
            and (
                reading.many
                or composer.share(reading.text, e.terms, filters) >= AMOUNT_COVERAGE
                or composer.share(reading.text, e.terms | _heading(e.chunk), filters) >= HEADING_COVERAGE
            )
            for e in chosen
        )


class Person(Plain):
    """ "Who wrote the 2023 annual report?": the lines naming whose report it was, each paper's (the author may have changed);
    for a study, the organisation its cover names."""

    def answer(self, composer, reading, hits, filters):
        candidates = self.candidates(composer, reading, hits, filters)
        authorship = [c for c in candidates if AUTHORSHIP.search(c.text) or cover_author(c.text, c.chunk)]
        if not authorship:
            return super().answer(composer, reading, hits, filters)
        chosen = composer.select(authorship, self.limit, per_council=_council_share(self.limit, filters))
        if not chosen:
            return None
        chosen = composer.with_openers(chosen + composer.other_sitting(chosen, authorship))
        return _grouped_answer(composer, reading, chosen, filters, bullets=False, unfold={id(chosen[0])}, lead_first=True)


# How minutes record a vote: "put to the vote ... CARRIED (8 voting FOR, 1 against)", "(2 For, 7 Against with
# 0 Abstention)", "carried unanimously", "Approved (Unanimously)". A constitution's voting rules ("each member to
# have one vote", "to vote in favour of the proposal") record none.
VOTE_RECORD = re.compile(
    r"\bput to (?:the|a) vote\b|\b\d+\s+(?:members\s+)?(?:voting|votes?)\b|\(\s*\d+\s+(?:for|in favour)\b|\b\d+\s+against\b|\b\d+\s+abstentions?\b|"
    r"\b(?:carried|approved|agreed|resolved|adopted|lost|defeated)\W{0,3}\s*(?:\(\s*)?unanimously\b|\bunanimously\s+(?:carried|approved|agreed|resolved|adopted)\b|"
    r"\bnem(?:\.|ine)?\s?con\b|\b(?:motion|recommendation|amendment|proposal)s?\b[^.]{0,40}\b(?:was|were)\s+(?:carried|lost|defeated|not approved)\b",
    re.I,
)
VOTE_LOST = re.compile(r"\b(?:lost|defeated|fell|not (?:approved|agreed|carried))\b", re.I)
VOTE_WORDS = frozenset(
    tokens("vote votes voted voting unanimous unanimously abstain abstained approved agreed decided carried passed members councillors down rejected defeated lost")
)
"""Words that ask for the vote, not what it was on."""
VOTE_CONTEXT = 600
"""Characters before a vote's record (in its chunk, and the one before) read for what was voted on: minutes record the vote after the item's discussion."""
# "It was APPROVED;", "RESOLVED – that": the decision a vote's record is followed by.
CARRIED = re.compile(r"\W*(?:it was\s+)?(?:resolved|approved|agreed|decided)\b", re.I)
DRAFT_RESOLUTION = 0.15
"""What a resolution adds to a sentence's score in a draft about what was decided or agreed."""
VOTE_AFTER = 400
"""Characters after a vote's record read for it: the decision the vote carried, which names what was voted on."""
VOTE_SUBJECT = 0.3
"""Share of the question's weighted terms (less VOTE_WORDS) that a vote's record with the discussion before it must hold
(set on real_v1's three vote questions: the parking charges' record holds 0.41 and 0.65, the other items' 0.0 to 0.25)."""


class Vote(Plain):
    """ "How did members vote on ...?": the minutes' record of the vote on the question's subject, with what was put.

    A vote is recorded in a line of its own ("On being put to the vote the recommendation was CARRIED
    (8 voting for, 1 against)") after the item's discussion, which names what was voted on. Papers
    that say much about the subject but record no vote on it do not answer: the statements to a
    meeting are not its vote.
    """

    limit = 4

    def answer(self, composer, reading, hits, filters):
        candidates = self.candidates(composer, reading, hits + self.following(composer, hits), filters)
        chosen = self.records(composer, reading, candidates, filters)
        if not chosen:
            return None
        # Each record after what was put to the vote: "Recommendation 4c: approves the removal of ...", then "LOST (4 for, 5 against)".
        shown: list[Evidence] = []
        keys: set[tuple[str, str]] = set()
        for record in chosen:
            put = self.motion(record)
            shown += [put, record] if put is not None and put.key not in keys and composer.verified(put) else [record]
            keys |= {e.key for e in shown[-2:]}
        # Then the best of what those meetings said on the subject (a motion is often moved sentences before its
        # vote), but not their other votes.
        meetings, floor = {meeting_key(e.chunk) for e in chosen}, FLOOR * chosen[0].score
        for candidate in candidates:
            if len(shown) >= PLAIN_LIMIT or candidate.score < floor:
                break
            if meeting_key(candidate.chunk) in meetings and candidate.key not in keys and not VOTE_RECORD.search(candidate.text) and composer.verified(candidate):
                shown.append(candidate)
                keys.add(candidate.key)
        return _grouped_answer(composer, reading, shown, filters, bullets=False, unfold=set(), lead_first=True)

    @staticmethod
    def following(composer, hits: list[Hit]) -> list[Hit]:
        """The chunk after each minutes hit, when not a hit itself: a discussion may end one chunk and its vote open the next."""
        held = {h.chunk.chunk_id for h in hits}
        after = {
            later.chunk_id: replace(hit, chunk=later) for hit in hits
            if hit.chunk.doc_type == "minutes" and (later := composer.adjacent(hit.chunk, 1)) is not None and later.chunk_id not in held
        }
        return list(after.values())

    def records(self, composer, reading, candidates: list[Evidence], filters) -> list[Evidence]:
        """The best records of a vote on the question's subject (of a vote lost, when it asks for those), verified.

        Not composer.select: one meeting's records are alike but for their figures, and each is its own vote."""
        records = [
            e for e in candidates
            if VOTE_RECORD.search(e.text) and (not reading.lost_vote or VOTE_LOST.search(e.text))
            and self.on_subject(composer, reading, e, filters) >= VOTE_SUBJECT
        ]
        chosen: dict[tuple[str, str], Evidence] = {}
        for record in records:
            if len(chosen) < self.limit and record.score >= FLOOR * records[0].score and record.key not in chosen and composer.verified(record):
                chosen[record.key] = record
        return list(chosen.values())

    @staticmethod
    def motion(record: Evidence) -> Evidence | None:
        """The sentence before a vote's record in its chunk (what was put), unless it records a vote itself."""
        spans = [(start, end) for start, end in sentence_spans(record.chunk.text) if end <= record.start]
        if not spans:
            return None
        text = squash(record.chunk.text[spans[-1][0] : spans[-1][1]])
        return None if VOTE_RECORD.search(text) or len(text.split()) < 4 else record.beside(text, record.chunk, spans[-1][0])

    @staticmethod
    def on_subject(composer, reading, evidence, filters) -> float:
        """Share of the question's subject (its weighted terms less those asking for a vote) in the record, the discussion
        before it and the decision after it."""
        before = evidence.chunk.text[: evidence.start]
        if len(before) < VOTE_CONTEXT and (previous := composer.adjacent(evidence.chunk, -1)) is not None:
            before = f"{previous.text}\n{before}"
        # Minutes record a vote between the discussion and the decision it carried ("CARRIED (8 voting for, 1
        # against). It was APPROVED: ... the Outline Business Case ... for a WPL"): both say what was voted on.
        after = evidence.chunk.text[evidence.start + len(evidence.text) :]
        if len(after) < VOTE_AFTER and (following := composer.adjacent(evidence.chunk, 1)) is not None:
            after = f"{after}\n{following.text}"
        if not CARRIED.match(after):
            after = ""  # what follows is the next item's discussion, not what this vote decided
        held = evidence.terms | frozenset(tokens(f"{evidence.chunk.title} {before[-VOTE_CONTEXT:]} {after[:VOTE_AFTER]}"))
        weights = {t: composer.idf(t) for t in composer.topic_terms(reading.text, filters) - VOTE_WORDS}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in held) / total if total else 1.0


class Decisions(Kind):
    """ "What did we commit to?": resolutions and recommendations as a list, each list unfolded."""

    mode = "commitments"
    limit = 10

    def weigh(self, text, chunk, reading):
        if OPTION.search(text):
            return None  # an options appraisal lists what Cabinet could do, not what it committed to
        score = 0.35 if RESOLUTION.search(text) else 0.1 if DECISION.search(text) else 0.0
        return score - (0.4 if HEDGE.search(text) else 0.0)

    def answer(self, composer, reading, hits, filters):
        candidates = self.candidates(composer, reading, hits, filters)
        chosen = composer.select(candidates, self.limit, per_council=_council_share(self.limit, filters))
        if not chosen:
            return None
        chosen = composer.with_openers(chosen)
        return _grouped_answer(composer, reading, chosen, filters, bullets=True, unfold={id(e) for e in chosen})


class Draft(Kind):
    """A background paragraph for next year's report: prose from several meetings, with references to paste."""

    mode = "draft"
    limit = 7

    def weigh(self, text, chunk, reading):
        bare = PARAGRAPH_NUMBER.sub("", text, count=1)
        if not PROSE.match(bare) and not (reading.decision and RESOLUTION.search(bare)):
            return None  # a draft is prose; about "the decisions taken", the resolutions too, as minuted
        # Lifted into a new paragraph, "It covers the year ..." or "This report asks ..." has lost what it points at.
        # About what was agreed, the resolution says it, before the minutes' "The Council considered ...".
        return (
            (DRAFT_RESOLUTION if reading.decision and RESOLUTION.search(bare) else 0.0)
            + (0.1 if has_figure(text) else 0.0)
            + (0.1 if chunk.doc_type in ("report", "appendix") else 0.0)
            - (0.2 if DANGLING.match(bare) else 0.0)
        )

    def answer(self, composer, reading, hits, filters):
        candidates = self.candidates(composer, reading, hits, filters)
        # Several meetings, two sentences each at most, unless only one or two are on the subject (a
        # draft about the March 2024 report): then they share the whole paragraph.
        floor = FLOOR * candidates[0].score if candidates else 0.0
        meetings = len({meeting_key(c.chunk) for c in candidates if c.score >= floor}) or 1
        per_meeting = max(2, -(-self.limit // meetings))
        chosen = composer.select(candidates, self.limit, per_meeting=per_meeting, per_council=_council_share(self.limit, filters))
        if not chosen:
            return None
        citations = Citations()
        ordered = sorted(chosen, key=lambda e: (e.chunk.meeting_date, e.chunk.source, e.chunk.ordinal))
        paragraph = " ".join(f"{e.display} {composer.cite(e, citations)}" for e in ordered)
        references = "\n".join(f"[{c.key}] {c.reference()}" for c in citations.items)
        return Answer(
            question=reading.text, answered=True, answer=f"{paragraph}\n\n**References**\n\n{references}",
            citations=tuple(citations.items), mode=self.mode, filters=filters,
        )


class Chronicle(Kind):
    """A timeline without a traced matter: the best sentences of each meeting, decisions first, in date order.

    What the Tracer answers with when no meeting's papers are about a matter it can follow.
    """

    mode = "timeline"
    limit = 12

    def weigh(self, text, chunk, reading):
        score = 0.35 if RESOLUTION.search(text) else 0.15 if DECISION.search(text) else 0.0
        # A timeline line has room for one sentence: one that only opens a list, or looks back on earlier years, says little.
        score -= 0.3 if text.endswith(":") or LIST_ENTRY.match(text) else 0.0
        score -= 0.35 if _looks_back(text, chunk.meeting_date) else 0.0
        return score + (0.1 if has_figure(text) else 0.0)

    def answer(self, composer, reading, hits, filters):
        chosen = composer.select(self.candidates(composer, reading, hits, filters), self.limit, per_council=_council_share(self.limit, filters))
        return _grouped_answer(composer, reading, chosen, filters, bullets=False, unfold=set()) if chosen else None


class Timeline(Kind):
    """The researcher's trace: the matter followed meeting by meeting (trace.Tracer), else a chronicle of the hits."""

    mode = "timeline"

    def __init__(self, tracer) -> None:
        self.tracer = tracer

    def answer(self, composer, reading, hits, filters):
        return self.tracer.trace(reading.text, hits, filters) or Chronicle().answer(composer, reading, hits, filters)


KINDS: dict[str, Kind] = {"plain": Plain(), "figure": Figure(), "person": Person(), "vote": Vote(), "decisions": Decisions(), "draft": Draft(), "timeline": Chronicle()}


def kind_of(reading: Reading, tracer=None) -> Kind:
    """The strategy for a reading (a timeline traces its matter when given a tracer)."""
    if reading.kind == "timeline" and tracer is not None:
        return Timeline(tracer)
    return KINDS[reading.kind]


def compose(composer: Composer, question: str, hits: list[Hit], *, mode: str, filters: Filters, asked: str = "", tracer=None) -> Answer | None:
    """A cited answer to a question in a mode, or None when no verified sentence is good enough (asked: the words typed, for a follow-up)."""
    reading = read(question, asked, mode)
    return kind_of(reading, tracer).answer(composer, reading, hits, filters)


def evidence(composer: Composer, question: str, hits: list[Hit], mode: str, filters: Filters | None = None) -> list[Evidence]:
    """Every usable sentence of the hits scored for a question in a mode (best first), as its kind weighs them."""
    reading = read(question, mode=mode)
    return composer.evidence(reading, hits, filters, kind_of(reading).weigh)


def states_amount(question: str, text: str) -> bool:
    """Whether a sentence gives what "how much ...?" or "how many <things> ...?" asks for.

    "How many suppliers attended?" wants a count of suppliers ("25 suppliers", "six local suppliers"),
    not the 11 winners of an award mentioned in the same sentence."""
    text = REFERENCE.sub(" ", text)
    many = re.search(r"\b(?:how many|number of)\s+(.*)", question, re.I)
    if not many:
        # "What hourly rate ...?", "what percentage of spend ...?": an amount of that kind, not the £27.8m of commitments.
        if kinds := [stated for asked, stated in AMOUNT_KINDS if asked.search(question)]:
            return all(stated.search(text) for stated in kinds) and bool(QUANTITY.search(text))
        # "What £ proxy value ...?", "what does it cost?", "how much money ...?": a sum of money, not any number.
        return bool(MONEY_FIGURE.search(text) if ASKS_MONEY.search(question) else QUANTITY.search(text))
    # "Of the measures chosen, how many are there?" names its things before the question: any count will do.
    verb = re.match(r"(?:are|were|is|was|did|do|does|have|has|had|there|of them)\b", many.group(1), re.I)
    # "social value measures": the noun is among the first words; a name ("responses did Bristol's consultation
    # receive") is the filters' business, not the things counted.
    things = set() if verb else set(tokens(" ".join(w for w in many.group(1).split() if not w[:1].isupper()))[:3])
    if not things:
        return bool(COUNT.search(text))
    # The count comes just before the things ("21 measures", "six key outcomes", "top 300 suppliers"),
    # or in a table row just after them ("Contracts let with social value commitments 31").
    return any(
        things & set(tokens(" ".join(text[m.end() :].split()[:3]))) or things & set(tokens(" ".join(text[: m.start()].split()[-6:])))
        for m in COUNT.finditer(text)
    )


def _heading(chunk: Chunk) -> frozenset[str]:
    """The terms of a minute's heading, which says what the sentences under it are about (none for other papers)."""
    return frozenset(tokens(chunk.title)) if chunk.doc_type == "minutes" else frozenset()


def _grouped_answer(composer: Composer, reading: Reading, chosen: list[Evidence], filters: Filters, **how) -> Answer:
    citations = Citations()
    text = composer.grouped(chosen, citations, **how)
    return Answer(question=reading.text, answered=True, answer=text, citations=tuple(citations.items), mode=reading.mode, filters=filters)


def _council_share(limit: int, filters: Filters) -> int:
    """A question about several councils gets each its share of the answer."""
    return -(-limit // len(filters.councils)) if len(filters.councils) > 1 else 99

