"""Optional generative answers through a LangChain chat model (OpenAI-compatible server or Ollama).

The model only sees numbered, page-verified quotes. Its reply is trusted for wording, never for
sources: keys that were not supplied are stripped, sentences left without a valid key are
dropped, and a reply with no valid citation at all becomes the refusal.
"""

from __future__ import annotations

import logging
import re

from ingest.chunking import sentence_spans

from . import answers
from .compose import Citations, Composer, Evidence
from .prompts import MODE_INSTRUCTIONS, REFUSAL, SYSTEM_PROMPT, USER_PROMPT
from .records import Answer, Filters, Hit
from .text import long_date, squash, tokens

log = logging.getLogger(__name__)
CITE = re.compile(r"\[(\d{1,3})\]")
MAX_SOURCES = 12
# Text in a paper that addresses a language model is not evidence; it is never sent as a source.
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions?|prompts?|rules)\b|\bsystem prompt\b|"
    r"\b(?:you are now|act as|pretend to be)\b|\b(?:automated|ai|language model) (?:reader|assistant|model)\b",
    re.I,
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MIN_SUPPORT = 0.3
"""Share of a sentence's content words that its cited quotes must contain."""


def make_chat_model(settings):
    """The configured chat model, or None."""
    if settings.llm_base_url and settings.llm_model:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key or "not-needed",
            temperature=0,
            timeout=settings.llm_timeout,
            max_retries=0,
        )
    if settings.ollama_model:
        from langchain_ollama import ChatOllama

        return ChatOllama(model=settings.ollama_model, base_url=settings.ollama_url, temperature=0)
    return None


def _source_line(key: int, evidence: Evidence) -> str:
    c = evidence.chunk
    item = f", item {c.item}" if c.item else ""
    return f"[{key}] ({c.committee}, {long_date(c.meeting_date)}{item}, {c.title}, p. {evidence.page}) {evidence.text}"


class LlmAnswerer:
    """Asks a chat model to write the answer from numbered sources, then enforces the citations."""

    def __init__(self, model) -> None:
        self.model = model

    @classmethod
    def from_settings(cls, settings) -> "LlmAnswerer":
        """From COUNCIL_LLM_* / COUNCIL_OLLAMA_* settings."""
        return cls(make_chat_model(settings))

    def answer(self, question: str, hits: list[Hit], *, mode: str, filters: Filters, composer: Composer) -> Answer | None:
        """The model's cited answer, the refusal, or None when the model could not be reached."""
        from langchain_core.messages import HumanMessage, SystemMessage

        if self.model is None:
            return None
        evidence = [e for e in answers.evidence(composer, question, hits, mode, filters) if not INSTRUCTION.search(e.text)]
        sources = composer.select(evidence, MAX_SOURCES, floor=0.0)
        if not sources:
            return None
        messages = [
            SystemMessage(SYSTEM_PROMPT.format(refusal=REFUSAL)),
            HumanMessage(
                USER_PROMPT.format(
                    instruction=MODE_INSTRUCTIONS[mode],
                    question=question,
                    sources="\n".join(_source_line(i, e) for i, e in enumerate(sources, start=1)),
                )
            ),
        ]
        try:
            reply = self.model.invoke(messages)
        except Exception as exc:  # any transport or server error: answer without the model
            log.warning("LLM unavailable, answering extractively: %s", exc)
            return None
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        return enforce_citations(question, text, sources, mode=mode, filters=filters)


def supported(sentence: str, quotes: list[str]) -> bool:
    """Whether the cited quotes bear a sentence out: every number in it is theirs, and enough of its words."""
    cited = " ".join(quotes)
    numbers = {n.replace(",", "") for n in NUMBER.findall(cited)}
    if any(n.replace(",", "") not in numbers for n in NUMBER.findall(sentence)):
        return False
    terms = set(tokens(sentence))
    return not terms or len(terms & set(tokens(cited))) / len(terms) >= MIN_SUPPORT


def enforce_citations(question: str, reply: str, sources: list[Evidence], *, mode: str, filters: Filters) -> Answer:
    """Keep only sentences that cite a supplied source; renumber the sources in order of use."""
    renumber: dict[int, str] = {}
    citations = Citations()
    kept: list[str] = []
    for line in reply.strip().split("\n"):
        sentences = []
        for start, end in sentence_spans(line):
            sentence = line[start:end]
            keys = [int(k) for k in CITE.findall(sentence)]
            valid = [k for k in keys if 1 <= k <= len(sources)]
            body = squash(CITE.sub("", sentence)).replace(" .", ".")
            if not valid or not body or squash(REFUSAL) in squash(sentence):
                continue  # a claim with no real source is not shown
            if not supported(body, [sources[k - 1].text for k in valid]):
                continue  # a claim its sources do not bear out (a figure they do not state) is not shown
            marks = []
            for k in dict.fromkeys(valid):
                if k not in renumber:
                    renumber[k] = citations.add(sources[k - 1])
                marks.append(f"[{renumber[k]}]")
            sentences.append(f"{body} {''.join(marks)}")
        if sentences:
            kept.append(" ".join(sentences))
    if not citations.items:
        return Answer(question=question, answered=False, answer=REFUSAL, mode=mode, filters=filters)
    return Answer(question=question, answered=True, answer="\n".join(kept), citations=tuple(citations.items), mode=mode, filters=filters)
