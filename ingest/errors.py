"""Errors ingest raises for one paper; the batch reports them and carries on."""


class IngestError(Exception):
    """A paper could not be ingested. The message is one line a records officer can act on."""


class NotAPdf(IngestError):
    """The file does not start with the PDF magic bytes."""


class EmptyFile(IngestError):
    """The file has no bytes."""


class UnreadablePdf(IngestError):
    """pypdf could not parse the file (corrupt or truncated)."""


class EncryptedPdf(IngestError):
    """The PDF is encrypted and cannot be opened without a password."""


class TooManyPages(IngestError):
    """The PDF is longer than the configured page limit."""


class NoTextExtracted(IngestError):
    """The PDF has no text layer (a scan) and OCR is not available or found nothing."""


class DuplicatePaper(IngestError):
    """The same bytes are already in the batch or the index under another name."""
