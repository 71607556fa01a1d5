"""Questions about committee papers -> answers cited to meeting, item and page."""

from .prompts import REFUSAL
from .records import Answer, Citation, Event, Filters, Hit
from .service import Assistant
from .settings import Settings

__all__ = ["REFUSAL", "Answer", "Assistant", "Citation", "Event", "Filters", "Hit", "Settings"]
