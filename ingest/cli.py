"""`python -m ingest`: build (sync) the index, inspect one PDF, list what is indexed, fetch a ModernGov site."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from .settings import Settings

log = logging.getLogger(__name__)


def _progress_bar(enabled: bool):
    """A tqdm bar on stderr, or nothing."""
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="file", file=sys.stderr, leave=False, dynamic_ncols=True)

    def update(done: int, total: int, what: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_description(Path(what).name[:40] if what else "done")
        bar.refresh()

    return update, bar.close


AFTER_BUILD = "council_papers.after_build"
"""Entry points called as hook(settings, store) -> seconds once `ingest build` has written the index: what
readers of the index derive from it and save beside it (pyproject.toml registers the assistant's keyword
index). Ingest never imports its readers; without the package installed, none run and start-up derives them."""


def after_build_hooks() -> list:
    """The installed after-build hooks, in name order (one that cannot be loaded is logged and left out)."""
    from importlib.metadata import entry_points

    hooks = []
    for point in sorted(entry_points(group=AFTER_BUILD), key=lambda p: p.name):
        try:
            hooks.append(point.load())
        except Exception:  # noqa: BLE001 (the index is written; only a start-up shortcut is lost)
            log.exception("after-build hook %s could not be loaded", point.value)
    return hooks


def _ingest(folder: Path, settings: Settings, store, progress=None):
    """Make the index mirror folder, then run the after-build hooks (the keyword index saved for the next start-up)."""
    from .pipeline import ingest_corpus

    report = ingest_corpus(folder, settings=settings, store=store, progress=progress)
    for hook in after_build_hooks():
        try:
            report.keyword_seconds += hook(settings, store)
        except Exception:  # noqa: BLE001 (as for one that cannot be loaded: the papers are written)
            log.exception("after-build hook %s failed", getattr(hook, "__qualname__", hook))
    return report


@click.group()
def main() -> None:
    """Parse committee-paper PDFs into the searchable index."""


@main.command()
@click.argument("folder", default="corpus", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (no progress bar).")
@click.option("--if-missing", is_flag=True, help="Do nothing when the index already holds papers.")
def build(folder: Path, as_json: bool, if_missing: bool) -> None:
    """Make the index mirror FOLDER: add new PDFs, replace changed ones, drop removed ones."""
    from .store import Store

    if not folder.is_dir():
        raise click.ClickException(f"{folder}: no such folder")
    settings = Settings()
    store = Store.from_settings(settings)
    if if_missing and store.summaries():
        if not as_json:
            click.echo(f"Index at {settings.chroma_url or settings.chroma_path} already built; skipping.")
        return
    update, close = _progress_bar(not as_json and sys.stderr.isatty())
    try:
        report = _ingest(folder, settings, store, update)
    finally:
        close()
    if as_json:
        click.echo(json.dumps(report.to_json()))
    else:
        click.echo(
            f"Ingested {report.papers} papers ({report.chunks} chunks) in {report.seconds:.1f} s; "
            f"{report.skipped_unchanged} unchanged, {report.replaced} replaced, {report.removed} removed, "
            f"{len(report.failed)} failed; {report.no_meeting} with no known meeting. "
            f"Keyword index in step ({report.keyword_seconds:.1f} s)."
        )
        for failure in report.failed:
            again = " (refused on an earlier run and unchanged since: not read again)" if failure.get("remembered") else ""
            click.echo(f"  FAILED {failure['error']}{again}", err=True)
    if report.failed:
        sys.exit(1)


@main.command()
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def inspect(pdf: Path) -> None:
    """Print what ingest makes of one PDF (metadata, items, pages, chunks) as JSON."""
    from .errors import IngestError
    from .pipeline import inspect_pdf

    try:
        click.echo(json.dumps(inspect_pdf(pdf, settings=Settings()), indent=2, ensure_ascii=False))
    except IngestError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per paper, one per line.")
@click.option("--stats", is_flag=True, help="How many papers' meetings are known, and agree with manifests and folder names.")
def list_papers(as_json: bool, stats: bool) -> None:
    """List the papers in the index."""
    from .store import Store

    settings = Settings()
    summaries = Store.from_settings(settings).summaries()
    if stats:
        _print_stats(summaries, settings, as_json)
        return
    for summary in summaries:
        if as_json:
            click.echo(json.dumps(summary.to_json(), ensure_ascii=False))
        elif not summary.has_meeting:
            click.echo(f"no known meeting{'':16}  {summary.doc_type:8}  {summary.pages:3}p {summary.chunks:4}c  {summary.source}")
        else:
            click.echo(
                f"{summary.meeting_date}  {summary.committee[:30]:30}  {summary.doc_type:8}  "
                f"{summary.pages:3}p {summary.chunks:4}c  {summary.source}"
            )
    if not as_json:
        missing = sum(not s.has_meeting for s in summaries)
        click.echo(f"{len(summaries)} papers, {missing} with no known meeting")


def _print_stats(summaries, settings: Settings, as_json: bool) -> None:
    """The share of papers whose meeting is known, and that agree with what manifests and folders say."""
    from .context import Indexed, meeting_stats

    stats = meeting_stats(
        [Indexed(source=s.source, council=s.council, committee=s.committee, meeting_date=s.meeting_date, doc_type=s.doc_type) for s in summaries],
        root=settings.root,
    )
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
        return
    click.echo(
        f"{stats['papers']} papers: meeting known for {stats['meeting_known']} ({stats['meeting_known_share']:.1%}), "
        f"{stats['no_meeting']} with no known meeting, {stats['no_council']} with no council.\n"
        f"Where a manifest or the folder names a date or committee ({stats['checked']} papers), the meeting agrees for "
        f"{stats['agree']} ({stats['agree_share']:.1%}); {stats['earlier_minutes_kept']} minutes keep the earlier meeting they record.\n"
        f"Fragments kept as council or committee: {stats['fragments']}."
    )
    for row in stats["disagreements"]:
        click.echo(
            f"  DIFFERS {row['source']}: {row['meeting_date'] or '????-??-??'} {row['committee'] or '(no committee)'}; "
            f"folder or manifest says {row['expected_date'] or '-'} {row['expected_committee'] or '-'}"
        )


@main.command()
@click.argument("url")
@click.option("--committee", "committees", multiple=True, help="A committee to fetch (repeat for more); all by default.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First meeting date, YYYY-MM-DD.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last meeting date, YYYY-MM-DD.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder to write to (default uploads/<site host>).")
@click.option("--council", default="", help="The council's name for meeting.json (default: read from the site's pages).")
@click.option("--build", "then_build", is_flag=True, help="Run `ingest build OUT` after fetching.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (no progress bar).")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests (default 1, COUNCIL_FETCH_DELAY).")
def fetch(url: str, committees: tuple[str, ...], date_from, date_to, out: Path | None, council: str,
          then_build: bool, as_json: bool, delay: float | None) -> None:
    """Fetch the public papers of a ModernGov site (its root or an issue page) into OUT/<committee>/<date>/."""
    from urllib.parse import urlsplit

    from .fetch import FetchError, FetchSettings, fetch_site

    settings = FetchSettings()
    if delay is not None:
        settings = settings.model_copy(update={"delay": delay})
    out = out or Path("uploads") / (urlsplit(url).hostname or "moderngov")
    update, close = _progress_bar(not as_json and sys.stderr.isatty())
    try:
        report = fetch_site(
            url, out, settings=settings, committees=committees, council=council, progress=update,
            date_from=date_from.date() if date_from else None, date_to=date_to.date() if date_to else None,
        )
    except FetchError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        close()
    summary = report.to_json()
    built = None
    if then_build:
        from .store import Store

        index = Settings()
        built = _ingest(out, index, Store.from_settings(index))
        summary["build"] = built.to_json()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        click.echo(
            f"{report.meetings} meetings, {report.documents} documents from {url} into {out}: "
            f"{report.downloaded} downloaded, {report.unchanged} unchanged, {len(report.failed)} failed."
        )
        for failure in report.failed:
            click.echo(f"  FAILED {failure['url']}: {failure['error']}", err=True)
        if built is not None:
            click.echo(f"Ingested {built.papers} papers ({built.chunks} chunks); {built.skipped_unchanged} unchanged, "
                       f"{built.replaced} replaced, {built.removed} removed, {len(built.failed)} failed.")
    if report.failed or (built is not None and built.failed):
        sys.exit(1)
