"""Groundedness: is each sentence of the answer supported by the retrieved context?

Lexical by default: a sentence's support is the share of its content words (stop words
dropped, crude suffix stemming) that occur in the context; a number that the context
does not contain makes the sentence unsupported whatever the rest says, because invented
figures are the costliest hallucinations.
"""

from __future__ import annotations

from functools import lru_cache

from aiattest.errors import ScannerError
from aiattest.guard.interface import Finding, ScanContext, Scanner, ScanOutcome, Severity
from aiattest.guard.output.text import sentences, word_list

UNGROUNDED = "UNGROUNDED"

_STOPWORDS = """
a an and are as at be been but by can could did do does for from had has have he her his
how i if in into is it its me my no not of on or our she so than that the their them
then there these they this those to too us was we were what when where which who why
will with would you your yes also just very more most some any all each other such only
own same about above after again against before below between both during further once
out over under until up down off here while because should may might must shall
"""
_STOP = frozenset(_STOPWORDS.split())


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content(tokens: list[str]) -> list[str]:
    return [_stem(t) for t in tokens if t not in _STOP and (len(t) > 1 or t.isdigit())]


@lru_cache(maxsize=16)
def _known_words(documents: tuple[str, ...]) -> frozenset[str]:
    # Cached: a RAG request checks several answers (or retries) against the same context.
    # Small on purpose: retrieved text stays in process memory only briefly, never on disk.
    return frozenset(w for doc in documents for w in _content(word_list(doc)))


class GroundednessScanner(Scanner):
    """Flags answer sentences whose support by ``context.rag_context`` is below ``threshold``."""

    name = "groundedness"

    def __init__(self, threshold: float = 0.5, min_words: int = 3) -> None:
        if not 0.0 < threshold <= 1.0 or min_words < 1:
            raise ScannerError("scanner 'groundedness': threshold in (0, 1], min_words >= 1")
        self.threshold = threshold
        self.min_words = min_words

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """One finding per unsupported sentence; none without retrieved context."""
        return list(self.assess(text, context).findings)

    def assess(self, text: str, context: ScanContext) -> ScanOutcome:
        """Findings plus the share of judged content words that lack support (0 when none)."""
        if not context.rag_context:
            return ScanOutcome((), 0.0)
        known = _known_words(context.rag_context)
        findings = []
        judged = unsupported_words = 0
        for start, end in sentences(text):
            content = _content(word_list(text[start:end]))
            if len(content) < self.min_words:
                continue  # too short to judge ("Sure.", "Here it is:")
            missing = [w for w in content if w not in known]
            support = 1.0 - len(missing) / len(content)
            judged += len(content)
            unsupported_words += len(missing)
            invented_number = any(w.isdigit() for w in missing)
            if support < self.threshold or invented_number:
                score = max(1.0 - support, 0.5) if invented_number else 1.0 - support
                subtype = "number" if support >= self.threshold else "lexical"
                findings.append(
                    Finding(
                        self.name, UNGROUNDED, start, end, round(score, 4), Severity.MEDIUM, subtype
                    )
                )
        score = unsupported_words / judged if judged else 0.0
        return ScanOutcome(tuple(findings), round(score, 4))
