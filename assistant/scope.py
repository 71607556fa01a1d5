"""Which papers a question is answered from: its filters as asked, then relaxed where they describe its subject.

A question names a year, a month, a council or a committee. Read as filters they choose the papers
to search; but "the council's debt at the end of November 2024", "Nottingham City Council's levy
income" or "Manchester's local spend in 2017/18" name what the question is about, and the papers
of that meeting or council may not exist while other papers report on it. A filter that matches no
paper is read again as the subject's date or name where other papers mention it (and the answer
says so); otherwise it fails closed and says which filter matched nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from .facets import PaperTable
from .filters import (
    AFTERWARDS, DATE_FACETS, LAST_N, NOT_INDEXED, Catalogue, after_dates, content_dates, describe, event_dates, financial_year,
    mentions_financial_year, merge, parse_filters, recent, relative_shift, report_window, shift_years, span, strip_dates, subject_date,
)
from .prompts import NO_MATCH, UNSEARCHED_NOTE
from .question import COMPARE, FOLLOW_UP
from .records import Filters, Hit

SET_ASIDE = "set_aside"
"""Filter label of a date or name the question describes its subject with, set aside because no paper is of it."""
SUBJECT = "subject"
"""A council or committee set aside as a filter: only papers about it can say anything of it."""
COUNCIL_SUFFIX = r"(?:\s+(?:City|County|Borough|Metropolitan|District|Town|Parish|Combined))*\s+(?:Council|Authority)\b"
"""What follows a place that names its council ("Nottingham City Council"), not the place."""


class Scope:
    """Reads a question's filters against one index's papers (catalogue, paper table, keyword index)."""

    def __init__(
        self,
        catalogue: Callable[[], Catalogue],
        table: Callable[[], PaperTable],
        keyword: Callable[[], object],
        spelling: Callable[[str], tuple[str, list[tuple[str, str]]]],
    ) -> None:
        self.catalogue = catalogue
        self.table = table
        self.keyword = keyword
        self.spelling = spelling

    def resolve(self, question: str, history: Sequence[str], filters: Filters | None) -> tuple[str, Filters]:
        """The standalone question and the filters it is answered under (its spelling already read)."""
        question, read_as = self._read(question, history, filters)
        if not self.unmatched(read_as):
            return question, read_as
        asked = self._relax_names(question, read_as)
        if self.unmatched(asked):
            question, asked = self._relax_dates(question, asked)
        # Still nothing: the notice names the filters as they were asked.
        return question, read_as if self.unmatched(asked) else asked

    def _relax_names(self, question: str, asked: Filters) -> Filters:
        """The filters without a council or committee no paper is of, when the papers name it as the question does.

        "Nottingham City Council's levy income" asked of Bristol's papers is about Nottingham's scheme,
        which the comparator reports filed with Bristol's describe: the name is the subject, not whose
        papers to search, and only papers about it answer (_compose). The name is looked for as the question gives it, with
        "City Council" and the like: papers on the "Sheffield City Region" say nothing of what
        Sheffield City Council committed to. A name no paper mentions stays, and fails closed.
        """
        names = {facet: said for facet, said in asked.labels if facet in ("council", "committee")}
        unknown = {
            facet: said for facet, said in names.items()
            if any(v.endswith(NOT_INDEXED) for v in (asked.councils if facet == "council" else asked.committees))
        }
        if not unknown:
            return asked
        rest = replace(
            asked,
            councils=tuple(c for c in asked.councils if not c.endswith(NOT_INDEXED)),
            committees=tuple(c for c in asked.committees if not c.endswith(NOT_INDEXED)),
            labels=tuple(label for label in asked.labels if label[0] not in unknown),
        )
        undated = replace(rest, date_from="", date_to="")
        for said in unknown.values():
            named = re.search(re.escape(said) + COUNCIL_SUFFIX, question, re.I)
            words = re.compile(r"\b" + re.escape(named.group(0) if named else said) + r"\b", re.I)
            if not self.keyword().any_text(undated, lambda text: bool(words.search(text)), hint=said.split()[0]):
                return asked
        described = " and ".join(f"{facet} {said}" for facet, said in unknown.items())
        return replace(rest, labels=rest.labels + ((SET_ASIDE, described), *((SUBJECT, said) for said in unknown.values())))

    def _read(self, question: str, history: Sequence[str], filters: Filters | None) -> tuple[str, Filters]:
        """The standalone question and its filters as asked, before a date no paper matches is relaxed.

        A follow-up builds on the earlier question as asked: "the year after" 2017/18 is 2018/19, even
        when 2017/18 itself was read as the subject's date.
        """
        catalogue = self.catalogue()
        asked = parse_filters(question, catalogue)
        if history and (FOLLOW_UP.search(question) or len(question.split()) <= 4):
            previous = history[-1]
            base_question, base = self._read(self.spelling(previous)[0], history[:-1], None)
            shift, compares = relative_shift(question), bool(COMPARE.search(question))
            if shift:
                # "Is that up on the year before?" wants both years; "and the year before?" the other one.
                base = span(base, shift_years(base, shift)) if compares else shift_years(base, shift)
            elif AFTERWARDS.search(question):
                base = after_dates(base)
            if compares and asked.councils and base.councils:
                # "How does that compare with Rotherham's?": both councils, not the new one instead of the old.
                asked = replace(asked, councils=tuple(dict.fromkeys(base.councils + asked.councils)))
            asked = merge(base, asked)
            extra = strip_dates(question)
            question = f"{strip_dates(base_question)} {extra if re.search(r'[A-Za-z]', extra) else ''}".strip()
        if filters is not None and not filters.empty:
            asked = merge(asked, filters)
        return question, event_dates(question, asked) or self._recent(question, asked) or asked

    def _recent(self, question: str, asked: Filters) -> Filters | None:
        """"Across the last three annual reports": the filters reading back that many years from the latest paper they pass."""
        if not LAST_N.search(question):
            return None
        undated = replace(asked, date_from="", date_to="")
        latest = self.table().latest(undated)
        return recent(question, asked, latest)

    def _relax_dates(self, question: str, asked: Filters) -> tuple[str, Filters]:
        """A date no paper matches, read as the date of what the question is about where it is one.

        "The 2024/25 social value total" is reported after the year ends; "Manchester's local spend in
        2017/18" is in a 2021 paper that looks back on it; "the commitments agreed in February 2021"
        are reported on by later papers. Otherwise the filters stand, and fail closed.
        """
        if (widened := report_window(asked)) is not None and not self.unmatched(widened):
            return question, widened
        relaxed = content_dates(question, asked)
        start = financial_year(asked)
        if relaxed is None and start is not None:
            undated = replace(asked, date_from="", date_to="", labels=tuple(l for l in asked.labels if l[0] not in DATE_FACETS))
            named = partial(mentions_financial_year, start=start)
            if not self.unmatched(undated) and self.keyword().any_text(undated, named, hint=str(start)):
                relaxed = undated
                # A follow-up ("and the year after?") carries the year in its filter only: the search needs its words.
                question = question if named(question) else f"{question} {start}/{(start + 1) % 100:02d}"
        if relaxed is None:
            relaxed = self._date_of_subject(question, asked)
        if relaxed is None or self.unmatched(relaxed):
            return question, asked
        dates = describe(replace(asked, labels=tuple(l for l in asked.labels if l not in relaxed.labels)))
        return question, replace(relaxed, labels=relaxed.labels + ((SET_ASIDE, dates),))

    def _date_of_subject(self, question: str, asked: Filters) -> Filters | None:
        """The filters without a date no meeting was held on, when other meetings' papers name that date.

        "The council's external debt at the end of November 2024" is in a report to a meeting in
        January: the month describes the debt, not the meeting. A date no paper even mentions stays
        a filter, and so does a date that names when a meeting was ("the first annual report in February
        2021") or one chosen with the app's or CLI's filters rather than said in the question.
        """
        facet, said = next(((f, w) for f, w in asked.labels if f in DATE_FACETS), ("", ""))
        year = re.search(r"(?:19|20)\d\d", said)
        if not year or not subject_date(question, asked):
            return None
        undated = replace(asked, date_from="", date_to="", labels=tuple(l for l in asked.labels if l[0] not in DATE_FACETS))
        if self.unmatched(undated):
            return None
        words = re.compile(r"\b" + r"\s+".join(map(re.escape, said.split())) + r"\b", re.I)
        return undated if self.keyword().any_text(undated, lambda text: bool(words.search(text)), hint=year.group(0)) else None

    def unsearched(self, filters: Filters) -> str:
        """The note saying how many papers a filter could not judge (no known date or committee), else "".

        A question naming a year searches the papers known to be of that year; a paper whose meeting
        ingest could not tell is not silently dropped from the reader's view of what was searched.
        """
        unknown = self.table().unjudged(filters)
        return UNSEARCHED_NOTE.format(count=unknown, s="" if unknown == 1 else "s") if unknown else ""

    def unmatched(self, filters: Filters) -> str:
        """The fail-closed message when no paper passes the filters, else ""."""
        if filters.empty:
            return ""
        if self.table().any_match(filters):
            return ""
        return NO_MATCH.format(what=describe(filters))

    @staticmethod
    def on_subject(hits: list[Hit], filters: Filters) -> list[Hit]:
        """The hits of papers about the council a question takes as its subject (titled or named for it: a
        comparator's annual report), not a Rotherham report that names Salford once, for an award, when
        Salford's totals are asked."""
        for said in (said for facet, said in filters.labels if facet == SUBJECT):
            named = re.compile(r"\b" + re.escape(said.lower()) + r"\b")
            hits = [h for h in hits if named.search(f"{h.chunk.title} {re.sub(r'[-_]+', ' ', h.chunk.source.rsplit('/', 1)[-1])}".lower())]
        return hits
