"""Reading a question, in one place: the kind of answer it wants and what its evidence should hold.

Everything the assistant reads from the words of a question (as opposed to its filters, which
filters.py reads) is here: the mode ("trace ...", "draft ...", "what did we commit to"), what a
sentence must give to answer it (an amount, a date, a person, a decision) and the words that say
what it is about. The answer strategies (answers.py, trace.py) act on a Reading, never on the
question's text with patterns of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .filters import AFTERWARDS
from .records import MODES, Filters
from .text import tokens

MODE_CUES = (
    ("draft", re.compile(r"\bdraft\b|\bwrite (?:a|an|me)\b|\bbackground (?:paragraph|section|text)\b|\bparagraph\b", re.I)),
    (
        "timeline",
        re.compile(
            r"\btimeline\b|\bhow (?:has|have|did) .{0,100}\b(?:develop|chang|evolv|grow|grew|mov|progress|shift|built up|build up)|\bover (?:the )?(?:time|years)\b|"
            # "What happened to the application for ...?", "from when it was first raised to the outcome", "report by report".
            r"\bwhat (?:has )?happened (?:to|after|with)\b|\b(?:first|originally) (?:raised|proposed|mentioned)\b|\bto the outcome\b|"
            r"\b(?:report|meeting|year) (?:by|after) (?:report|meeting|year)\b|"
            r"\byear (?:by|on|to) year\b|\bhistory of\b|\btrace\b|\bwhen was .{0,50}\bfirst\b|\bacross (?:the )?(?:years|meetings)\b|"
            # "Walk me through ...", "When has the board had ...?" (every time, not one date).
            r"\b(?:walk|take|run) (?:me|us) through\b|^\s*when (?:has|have)\b|\btrack\b",
            re.I,
        ),
    ),
    # "What did we commit to", not "the total of commitments" (a figure, answered plainly).
    (
        "commitments",
        re.compile(
            r"\bcommit(?:ted|ting)? to\b|\bwhat (?:did|has|have) .{0,30}\bcommit\b|\bpromis(?:ed|es)\b|\bpledg(?:ed|es)\b|\bpriorities\b|"
            r"\b(?:said|say|says) (?:it|they|we|the council) would\b|"
            r"\bwhat did (?:we|the council|cabinet|the board|osmb|scrutiny|the [\w' ]{1,40}? (?:councillors|members|committee)) (?:agree|decide)\b|\bdecisions?\b",
            re.I,
        ),
    ),
)
# "Did the council promise to publish a report?" asks about one claim, not for a list of commitments.
# A question may open with what frames it: "In September 2024, how much ...?", "According to the forward plan, when ...?".
LEAD_IN = r"^\s*(?:(?:in|on|at|for|by|from|according to|under|after|before|since|during)\b[^,?]{0,80},\s*)?"
YES_NO = re.compile(LEAD_IN + r"(?:did|does|do|is|are|was|were|has|have|had)\b", re.I)
# "How much has Yorkshire Water committed to spend?", "When is the committee to take the decision?":
# one figure or one date, not the list of what was committed to or decided.
ONE_FACT = re.compile(LEAD_IN + r"(?:how (?:much|many|long)|when|where|above what|at what)\b", re.I)

# -- what a sentence must give --------------------------------------------------------------------

ASKS_FIGURE = re.compile(
    r"\bhow (?:much|many|big|large|high|low)\b|\bnumber of\b|\bfigures?\b|\bamount\b|\btotal\b|\bvalue of\b|£|\bper ?cent|\bpercentage\b|\bthreshold\b|\bweighting\b|\brate\b",
    re.I,
)
ASKS_MANY = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
"""A count: answers.states_amount finds it beside the things counted, so it needs no share of the question's words."""
ASKS_COUNT = re.compile(
    r"\bhow (?:much|many|big|large|high|low)\b|\b(?:the|what|which) number of\b|"
    r"\bwhat(?:'s|s| is| was| are| were| did| does| do)?\b[^?.]{0,40}?\b(?:rate|cost|price|fee|charge|sum|percentage|amount|proxy value)\b",
    re.I,
)
# "What share of the score ...?" wants a figure too, but in the papers' own words ("20% of the overall
# score"): it is not refused for want of the question's words beside the figure, as ASKS_COUNT is.
ASKS_SHARE = re.compile(r"\bwhat (?:share|proportion)\b", re.I)
# Sums of money as a question names them: what ASKS_MONEY and ASKS_SERIES both read.
MONEY_NOUNS = r"fees?|charges?|money|spen[dt]|spending|income|revenue"
ASKS_MONEY = re.compile(rf"£|\b(?:cost(?:s|ing|ed)?|price|pounds?|proxy value|budget|monies|raised?|{MONEY_NOUNS})\b", re.I)
# "Trace the precept year by year", "how did the hall fees change", "how have commitments grown": how an amount moved.
# Not "wage": "the Living Wage" is a policy's name far more often than a sum; nor "raised", which a trace asks of a matter.
ASKS_SERIES = re.compile(
    r"\b(?:grow|grew|grown|growth|rise|rose|risen|increas\w*|decreas\w*|fall|fell|fallen|cut|doubled?)\b|"
    rf"\byear (?:by|to|on) year\b|\beach year\b|\b(?:precepts?|pay|salar(?:y|ies)|rents?|grants?|tax|allowances?|subscriptions?|"
    rf"costs?|prices?|budgets?|{MONEY_NOUNS})\b",
    re.I,
)
ASKS_WHEN = re.compile(
    r"\bwhen\b|\bwhat (?:date|dates|period|time)\b|\bwhich (?:meeting|year|month|period)\b|\bhow long\b|\btimetable|\btimescale|\btimeline for\b|\bschedul",
    re.I,
)
# "What did the board ask for?": what a meeting resolved or recommended answers it.
ASKS_DECISION = re.compile(r"\bask(?:ed)? for\b|\brequest|\brecommend|\bdecid|\bdecision|\bresol|\bagree", re.I)
# "What did the board ask for?", "What did Cabinet decide?": every part of the resolution answers.
ASKS_REQUEST = re.compile(
    r"\bask(?:ed)? (?:for|the council|it|them|that|officers)\b|\brequest|\brecommend|"
    r"\bwhat (?:else )?did (?:the |it |they )?(?:board|committee|cabinet|osmb|scrutiny|council|members|it|they)\b.{0,40}\b(?:ask|want|decide|resolve|agree)",
    re.I,
)
# "Who wrote the 2023 annual report?": a report's cover block names it ("Report of: ...", "Report author: ...").
ASKS_AUTHOR = re.compile(
    r"\bwho\b.{0,40}\b(?:wr[io]te|written|authored|prepared|(?:was|is) (?:it )?(?:by|from)|responsible for)\b|\bauthor\b|\bwhose report\b|"
    r"\bwhich (?:\w+ )?officer\b.{0,40}\breport of\b",
    re.I,
)
# "Who chairs the scrutiny board?": the minutes' attendance line names who was in the chair.
ASKS_CHAIR = re.compile(r"\bwho (?:chairs|chaired|(?:is|was) chairing|is (?:the )?chair|was (?:the )?chair|was in the chair)\b|\bwho is (?:its|their) chair\b", re.I)
# "Who attended as a substitute?", "were apologies given?": the procedural items of the minutes answer these.
ASKS_PROCEDURE = re.compile(r"\bsubstitut|\bapolog|\battend|\bwho (?:was|were) (?:present|there)\b|\bdeclar\w*\b.{0,30}\binterests?\b", re.I)
# "Can you give an example of ...?": a sentence that gives one ("if, for example, a supplier pledged ...").
ASKS_EXAMPLE = re.compile(r"\bexamples?\b|\bfor instance\b|\bcase stud(?:y|ies)\b|\billustrat", re.I)
# "How did members vote on ...?", "Was it unanimous?": the minutes' record of a vote answers, nothing else.
ASKS_VOTE = re.compile(r"\bvot(?:e|es|ed|ing)\b|\bunanimous|\babstain|\bhow many (?:members|councillors) (?:supported|opposed)\b", re.I)
# "Which recommendations were voted down?": the votes lost, not those carried.
ASKS_LOST_VOTE = re.compile(r"\bvoted (?:down|against)\b|\b(?:rejected|defeated|lost|fell|turned down|not (?:approved|agreed|passed|carried))\b", re.I)
ASKS_WHO = re.compile(
    r"\bwho(?:se)?\b|\bwhich (?:committee|councillor|officer|member|chair(?:man|woman)?|clerk|company|firm|contractor|consultants?)s?\b", re.I
)
# "What did we commit to?" asks for commitments: there "commit" names the mode. In "the social value
# committed through contracts" it is the subject.
ASKS_COMMITMENTS = re.compile(r"\bcommit(?:s|ted|ting)?\s+(?:\w+\s+)?to\b|\bwhat (?:did|has|have) .{0,30}\bcommit\b|\bpromis|\bpledg", re.I)

# -- which papers ---------------------------------------------------------------------------------

# "What did Rotherham commit to when it first adopted the policy?": the earliest papers on the subject.
ORIGINAL = re.compile(
    r"\b(?:first|originally|initially) (?:adopted|introduced|agreed|approved|proposed|set out|launched|brought in)\b|"
    r"\bthe original (?:policy|commitments?|aims?|proposals?|priorities)\b",
    re.I,
)
# "What's the latest running total ...?", "the most recent figures": the latest round of meetings on it.
LATEST = re.compile(r"\b(?:latest|most recent|newest)\b", re.I)

# -- follow-ups -----------------------------------------------------------------------------------

FOLLOW_UP = re.compile(
    r"^\s*(?:and|what about|how about|and what about|same for|then|also)\b|\b(?:a|one|two) years? (?:later|earlier|before)\b|"
    r"\bthe (?:next|previous|following|preceding) year\b|"
    # "Were they described the same way ...?": a question about what was just discussed.
    r"^\s*(?:were|was|did|do|does|is|are|has|have|had|how were|how was|why were|why was)\s+(?:they|it|those|these|that|them)\b|"
    r"\b(?:the same way|the same as before|as well)\b|"
    # "Who else was up for it?": else points back at what was just answered.
    r"\b(?:who|what|which|where|anything|anyone|anybody|something) else\b|"
    # "Which theme do most of them sit under?": them, those and these point back at what was just discussed.
    r"\b(?:them|those|these)\b|"
    # "How does that compare with ...?", "Did the council follow through afterwards?"
    r"^\s*(?:how|why|what|when|where|who)\s+(?:does|did|do|is|was|were|are|has|have|had|can|could|would|will)\s+(?:that|this|it|they|those|these)\b|"
    + AFTERWARDS.pattern,
    re.I,
)
# A follow-up that opens with its own question word ("Which theme do most of them sit under?", "and who
# came up with it?") or asks yes or no of a thing it names ("has the time of year it goes to cabinet
# shifted as well?") says what kind of answer it wants; "And the year before?", "What about OSMB?",
# "what were they a year later?" or "did it?" wants what was wanted before.
OWN_QUESTION = re.compile(
    r"^\s*(?:(?:and|so|but|ok|okay|then)\b[\s,]*)?(?:(?:which|who|whose|when|where|why|how|what)\b"
    r"(?!\s+about\b|\s+(?:is|was|are|were)\s+(?:it|they|those|these|them)\b)|"
    r"(?:has|have|had|is|was|are|were|did|does|do)\s+(?:the|a|an|any|its|their|our)\s)",
    re.I,
)
COMPARE = re.compile(r"\bcompar|\bversus\b|\bvs\.?\b|\bagainst\b|\b(?:up|down)\s+on\b|\b(?:more|less|higher|lower|bigger|smaller)\s+than\b", re.I)

# -- what it is about -----------------------------------------------------------------------------

COMMIT_WORDS = frozenset(tokens("commit commitments committed promise promised pledge pledges"))
# Words that say what kind of answer is wanted, not what it is about.
MODE_WORDS = frozenset(
    tokens(
        "draft paragraph background write report text "
        "timeline history developed develop development evolved changed change over time trace since adopted first "
        "move moved moving grow grown grew growth progress progressed walk position shift shifted one "
        "what did we our say decide decided council councils next last previous following latest "
        "ask asked know find happen happened mention mentioned discuss discussed cover covered talk note short brief summary summarise hear heard told according "
        "member members councillor councillors "
        "become became get got make made take took go went come came start started begin began give gave"
    )
)
# Words of a question's frame that the stoplist keeps ("who else ...?", "did it win anything ...?"): about nothing.
FRAME_WORDS = frozenset(tokens("else anything anyone anybody something someone somebody everything everyone whether ever"))
# Words that ask for a trace and say nothing about the matter.
TRACE_WORDS = frozenset(
    tokens(
        "trace history happened happen change changed changes first raised outcome outcomes latest position "
        "develop developed development evolve evolved progress progressed follow followed track over years year time "
        "between since from until when what how meeting meetings council parish committee matter issue figure figures amount"
    )
)
# "2026/27", "2025-26": a financial year; its "27" is no more a topic word than its "2026".
FINANCIAL_YEAR = re.compile(r"\b(?:19|20)\d\d\s?[/-]\s?(?:\d\d){1,2}\b")
DATE_TERM = re.compile(r"^(?:(?:19|20)\d\d|januari|februari|march|april|may|june|juli|august|septemb|octob|novemb|decemb)$")


def detect_mode(question: str, asked: str = "") -> str:
    """The mode a question asks for (asked: the words the user typed, when question is a follow-up made standalone)."""
    one_thing = YES_NO.match(asked or question) or ONE_FACT.match(asked or question)
    for mode, pattern in MODE_CUES:
        if pattern.search(question):
            return "answer" if mode == "commitments" and one_thing else mode
    return "answer"


def topic_terms(question: str, filters: Filters | None = None) -> set[str]:
    """The question's content terms, less the words that only name the mode or a filter.

    Years, committees and councils are the filters' business: once "OSMB" or "2022" has narrowed
    the papers, the word says nothing about which sentence answers.
    """
    named = {t for facet, said in (filters.labels if filters else ()) if facet in ("committee", "council") for t in tokens(said)}
    terms = {t for t in tokens(FINANCIAL_YEAR.sub(" ", question)) if not DATE_TERM.match(t)}
    mode_words = (MODE_WORDS | COMMIT_WORDS if ASKS_COMMITMENTS.search(question) else MODE_WORDS) | FRAME_WORDS
    return (terms - mode_words - named) or terms


@dataclass(frozen=True, slots=True)
class Reading:
    """A question read once: its mode and what a sentence must give to answer it.

    What kind of answer is wanted is read from the words the user typed (`asked`); a follow-up
    made standalone ("and the year before?" -> the earlier question) keeps the earlier question's.
    """

    text: str
    """The standalone question: what the answer is about."""
    mode: str
    figure: bool = False
    """An amount, share or threshold ranks higher."""
    count: bool = False
    """"How much ...?", "what rate ...?": the answer must state an amount, beside the question's words."""
    many: bool = False
    """"How many ...?": a count of the things named (or a list)."""
    share: bool = False
    when: bool = False
    who: bool = False
    decision: bool = False
    request: bool = False
    """"What did the board ask for?": every numbered part of the resolution answers."""
    author: bool = False
    chair: bool = False
    procedure: bool = False
    """"Who attended as a substitute?": the minutes' procedural items (attendance, apologies, interests) answer."""
    example: bool = False
    series: bool = False
    """"How did the precept change?": an amount followed over the years, shown as a table in a trace."""
    vote: bool = False
    """"How did members vote?": the record of the vote ("CARRIED (8 voting for, 1 against)")."""
    lost_vote: bool = False
    """"Which were voted down?": the votes lost."""

    @property
    def kind(self) -> str:
        """The strategy that answers it: timeline, draft, decisions, person, vote, figure or plain."""
        if self.mode == "timeline" or self.mode == "draft":
            return self.mode
        if self.mode == "commitments":
            return "decisions"
        if self.author:
            return "person"
        if self.vote:
            return "vote"
        if self.count or self.share:
            return "figure"
        return "plain"


def read(question: str, asked: str = "", mode: str | None = None) -> Reading:
    """Read a question (asked: the words the user typed, when question is a follow-up made standalone)."""
    said = asked or question
    vote = bool(ASKS_VOTE.search(said))
    return Reading(
        text=question,
        mode=mode if mode in MODES else detect_mode(question, asked),
        figure=bool(ASKS_FIGURE.search(said)),
        count=bool(ASKS_COUNT.search(said)),
        many=bool(ASKS_MANY.search(said)),
        share=bool(ASKS_SHARE.search(said)),
        when=bool(ASKS_WHEN.search(said)),
        who=bool(ASKS_WHO.search(said)),
        decision=bool(ASKS_DECISION.search(said)),
        request=bool(ASKS_REQUEST.search(said)),
        author=bool(ASKS_AUTHOR.search(said)),
        chair=bool(ASKS_CHAIR.search(said)),
        procedure=bool(ASKS_PROCEDURE.search(said)),
        example=bool(ASKS_EXAMPLE.search(said)),
        series=bool(ASKS_FIGURE.search(said) or ASKS_SERIES.search(said)),
        vote=vote,
        lost_vote=vote and bool(ASKS_LOST_VOTE.search(said)),
    )
