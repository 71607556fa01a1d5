"""`python -m assistant`: ask a question or search the papers from the command line."""

from __future__ import annotations

import json
import re

import click

from .filters import explicit_filters
from .records import MODES, Filters

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _filters(council, committee, year, date_from, date_to, doc_type) -> Filters | None:
    """Explicit filters from options (they add to what the question says)."""
    for value in (date_from, date_to):
        if value and not ISO_DAY.fullmatch(value):
            raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD")
    return explicit_filters(
        councils=council, committees=committee, year_from=year, year_to=year,
        date_from=date_from, date_to=date_to, doc_types=doc_type,
    )


def filter_options(command):
    """The filter options shared by ask and search."""
    for option in reversed(
        [
            click.option("--council", multiple=True, help="Council name as indexed (repeatable)."),
            click.option("--committee", multiple=True, help="Committee name as indexed (repeatable)."),
            click.option("--year", type=int, help="Calendar year of the meeting."),
            click.option("--from", "date_from", default="", help="Earliest meeting date, YYYY-MM-DD."),
            click.option("--to", "date_to", default="", help="Latest meeting date, YYYY-MM-DD."),
            click.option("--doc-type", multiple=True, type=click.Choice(["agenda", "report", "minutes", "appendix", "other"])),
        ]
    ):
        command = option(command)
    return command


@click.group()
def main() -> None:
    """Ask questions of the committee papers in the index."""


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--mode", type=click.Choice(MODES), help="answer, commitments, timeline or draft (default: from the question).")
@click.option("--history", multiple=True, help="An earlier question in the same conversation (repeatable, oldest first).")
@filter_options
def ask(question: str, as_json: bool, mode: str | None, history: tuple[str, ...], council, committee, year, date_from, date_to, doc_type) -> None:
    """Answer QUESTION with citations to meeting, item and page."""
    from .service import Assistant

    if not question.strip():
        raise click.ClickException("the question is empty")
    assistant = Assistant.from_settings()
    answer = assistant.ask(question, mode=mode, history=history, filters=_filters(council, committee, year, date_from, date_to, doc_type))
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    click.echo(answer.answer)
    if answer.citations:
        click.echo("\nSources:")
        for c in answer.citations:
            click.echo(f"[{c.key}] {c.reference()} ({c.source})\n    “{c.quote}”")


@main.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print the ranked chunks as JSON.")
@click.option("-k", "--top", default=8, show_default=True, help="How many chunks.")
@click.option("--method", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@filter_options
def search(query: str, as_json: bool, top: int, method: str, council, committee, year, date_from, date_to, doc_type) -> None:
    """Show the chunks retrieval ranks highest for QUERY."""
    from .service import Assistant

    assistant = Assistant.from_settings()
    hits = assistant.search(query, filters=_filters(council, committee, year, date_from, date_to, doc_type), k=top, method=method)
    if as_json:
        click.echo(json.dumps([h.to_json() for h in hits], ensure_ascii=False))
        return
    for rank, hit in enumerate(hits, start=1):
        c = hit.chunk
        click.echo(f"{rank:2}. {hit.score:.4f}  {c.meeting_date} {c.committee} item {c.item or '-'} p.{c.page_start}  {c.title}")
        click.echo(f"      {c.text[:160]!r}")
