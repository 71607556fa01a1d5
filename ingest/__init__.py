"""Committee-paper PDFs -> chunks that know their meeting, item and page -> a Chroma index."""

from .errors import IngestError
from .pipeline import ingest_corpus, ingest_files, inspect_pdf, parse_pdf
from .records import Chunk, IngestReport, Item, Meeting, Page, Paper, PaperSummary
from .settings import Settings

__all__ = [
    "Chunk",
    "IngestError",
    "IngestReport",
    "Item",
    "Meeting",
    "Page",
    "Paper",
    "PaperSummary",
    "Settings",
    "ingest_corpus",
    "ingest_files",
    "inspect_pdf",
    "parse_pdf",
]
