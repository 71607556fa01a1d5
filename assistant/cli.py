"""`python -m assistant`: ask a question or search the papers from the command line."""

from __future__ import annotations

import json

import click

from .records import MODES, Filters


def _filters(council: tuple[str, ...], committee: tuple[str, ...], year: int | None, date_from: str, date_to: str, doc_type: tuple[str, ...]) -> Filters | None:
    """Explicit filters from options (they add to what the question says)."""
    labels = []
    if year:
        date_from, date_to = f"{year}-01-01", f"{year}-12-31"
        labels.append(("year", str(year)))
    filters = Filters(
        councils=council, committees=committee, date_from=date_from, date_to=date_to, doc_types=doc_type,
        labels=tuple(labels)
        + tuple(("council", c) for c in council)
        + tuple(("committee", c) for c in committee)
        + ((("date_from", date_from),) if date_from and not year else ())
        + ((("date_to", date_to),) if date_to and not year else ())
        + tuple(("doc_type", d) for d in doc_type),
    )
    return None if filters.empty else filters


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
