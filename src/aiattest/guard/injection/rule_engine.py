"""The rule engine: triggers, weighted patterns, meta-discussion damping, scoring.

The shipped patterns live in :mod:`aiattest.guard.injection.rules`. A rule only runs when
its triggers are present — whole words checked against the text's word set (one set
operation) or short substrings — which keeps the common benign case fast; an anchored rule
is then tried only where its first trigger occurs (``pattern.match`` at that offset).

A match inside a meta discussion ("how do I defend against 'ignore previous instructions'
attacks?") is damped: the words just before it are checked for defensive or explanatory
cues, and a quoted match counts as mentioned rather than used.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

INSTRUCTION_OVERRIDE = "instruction_override"
ROLE_PLAY_JAILBREAK = "role_play_jailbreak"
SYSTEM_PROMPT_EXTRACTION = "system_prompt_extraction"
DELIMITER_INJECTION = "delimiter_injection"
TOOL_HIJACK = "tool_hijack"
EXFILTRATION = "exfiltration"
ENCODED_PAYLOAD = "encoded_payload"
CLASSIFIER = "classifier"

FAMILIES = (
    INSTRUCTION_OVERRIDE,
    ROLE_PLAY_JAILBREAK,
    SYSTEM_PROMPT_EXTRACTION,
    DELIMITER_INJECTION,
    TOOL_HIJACK,
    EXFILTRATION,
    ENCODED_PAYLOAD,
)
"""Attack families the rules report (``classifier`` marks whole-text model hits)."""

_WORD_ONLY = re.compile(r"[a-z0-9]+")
# Punctuation becomes a word break (so "don't" triggers are checked as substrings).
_WORD_BREAKS = str.maketrans(dict.fromkeys(string.punctuation, " "))

META_DAMPING = 0.35
"""A match in a meta discussion keeps this fraction of its weight."""


@dataclass(frozen=True, slots=True)
class Trigger:
    """Present when one of its words is a word of the text or one of its substrings occurs."""

    words: frozenset[str]
    """Whole words (checked against the text's word set, a fast set operation)."""
    substrings: tuple[str, ...]
    """Phrases and symbols (checked with ``in``)."""

    gates: tuple[str, ...] = ()
    """Per substring, a word of it that must be a word of the text before ``in`` is tried
    (empty for single tokens such as ``<|`` or ``http``)."""

    @classmethod
    def of(cls, items: tuple[str, ...]) -> Trigger:
        """Sort items into words (letters and digits) and substrings."""
        words = frozenset(i for i in items if _WORD_ONLY.fullmatch(i))
        substrings = tuple(i for i in items if i not in words)
        # Only phrases get a gate: a single token like "http" may be part of a longer word.
        gates = tuple(
            max(i.translate(_WORD_BREAKS).split(), key=len) if " " in i.strip() else ""
            for i in substrings
        )
        return cls(words, substrings, gates)

    def present(self, words: frozenset[str], padded: str) -> bool:
        """Whether the trigger occurs in a text with these words."""
        if not self.words.isdisjoint(words):
            return True
        return any(
            (not gate or gate in words) and sub in padded
            for sub, gate in zip(self.substrings, self.gates, strict=True)
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """One weighted pattern for one attack family."""

    family: str
    """Attack family reported as the finding's subtype."""
    weight: float
    """Score in [0, 1] a match contributes."""
    pattern: re.Pattern[str]
    """Compiled pattern over normalised (lowercase, folded) text."""
    triggers: tuple[Trigger, ...]
    """The rule runs only when every trigger is present in the text."""
    damp_meta: bool = True
    """Whether a match in a meta discussion (quoted, defensive context) is damped."""
    require: re.Pattern[str] | None = None
    """If set, a match counts only when this pattern also occurs inside it (inside the
    group named ``q`` when the pattern has one)."""
    anchored: bool = True
    """Every match starts at an occurrence of a first-trigger item, so the pattern is only
    tried there (``pattern.match`` at each occurrence) instead of scanning the whole text."""

    def matches(self, text: str, words: frozenset[str]) -> Iterator[re.Match[str]]:
        """Matches in ``text`` (overlaps possible when anchored)."""
        if not self.anchored:
            yield from self.pattern.finditer(text)
            return
        first = self.triggers[0]
        for item in (*(first.words & words), *first.substrings):
            position = text.find(item)
            while position >= 0:
                match = self.pattern.match(text, position)
                if match:
                    yield match
                position = text.find(item, position + 1)


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule match in normalised text."""

    family: str
    """Attack family."""
    start: int
    """Start offset in the normalised text."""
    end: int
    """End offset in the normalised text."""
    score: float
    """Weight after damping."""


def make_rule(
    family: str,
    weight: float,
    pattern: str,
    *triggers: tuple[str, ...],
    damp: bool = True,
    require: str | None = None,
    anchored: bool = True,
) -> Rule:
    return Rule(
        family,
        weight,
        re.compile(pattern, re.MULTILINE),
        tuple(Trigger.of(t) for t in triggers),
        damp,
        re.compile(require) if require else None,
        anchored,
    )


def words(words: str) -> tuple[str, ...]:
    """Trigger words written as one space-separated string."""
    return tuple(words.split())


_META_CUES = re.compile(
    r"\b(?:defend|defending|defense|defence|protect|protecting|detect|detecting|detection|"
    r"prevent|preventing|mitigat\w*|against|block|blocking|filter|filtering|sanitiz\w*|"
    r"example|examples|such as|called|known as|explain|explaining|what is|what are|what's|"
    r"how do|how does|how can|how to|why do|why does|classif\w*|recogni[sz]e|phrase|"
    r"phrases|attack|attacks|attacker|attackers|injection|red team\w*|research|paper|"
    r"training data|test case|tests|means|meaning|term|policy|policies|handbook|terms of|"
    r"prohibit\w*|forbid\w*|not allowed|violat\w*|must not|may not|shall not)\b"
)
_QUOTES = "\"'`“”‘’«»"


def _is_meta(text: str, start: int, end: int) -> bool:
    """Whether a match is talked about rather than meant (quoted, or in a defensive cue)."""
    before = text[max(0, start - 80) : start]
    after = text[end : end + 40]
    quoted = bool(before) and before.rstrip()[-1:] in _QUOTES
    return quoted or _META_CUES.search(before) is not None or "attack" in after


def text_words(text: str) -> frozenset[str]:
    """The set of words of a normalised text (punctuation splits words)."""
    return frozenset(text.translate(_WORD_BREAKS).split())


# Words so frequent in ordinary text that indexing a rule under them would make it a
# candidate almost always; a rule is indexed under its trigger with the fewest of these.
_COMMON = frozenset(
    words(
        "a all an and any are as at be before do far for from give given if in is it me my no "
        "note now of on or read return run set share show start stop tell the this to up use "
        "what with you your"
    )
)


def _index_keys(trigger: Trigger) -> tuple[set[str], bool]:
    """Words under which a trigger can be found, and whether it also needs a look always
    (a substring without a word, such as ``<|``)."""
    keys = set(trigger.words)
    always = False
    for substring in trigger.substrings:
        # "don't" or "<system" can only occur when "don" / "system" is a word of the text.
        parts = substring.translate(_WORD_BREAKS).split()
        if parts:
            keys.add(max(parts, key=len))
        else:
            always = True
    return keys, always


class _Index:
    """Which rules a text can trigger, found with set operations instead of a loop over all
    rules: each rule is keyed by the words of its least common trigger."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        by_word: dict[str, set[int]] = {}
        always: list[int] = []
        for i, rule in enumerate(rules):
            if not rule.triggers:
                always.append(i)
                continue
            options = [_index_keys(t) for t in rule.triggers]
            keys, needs_look = min(options, key=lambda o: (o[1], len(o[0] & _COMMON), len(o[0])))
            if needs_look:
                always.append(i)
            for key in keys:
                by_word.setdefault(key, set()).add(i)
        self.by_word = {word: frozenset(ids) for word, ids in by_word.items()}
        self.keys = frozenset(self.by_word)
        self.always = tuple(always)

    def candidates(self, words: frozenset[str], padded: str) -> list[Rule]:
        """Rules whose triggers are all present, in table order."""
        ids = set(self.always)
        for word in words & self.keys:
            ids.update(self.by_word[word])
        return [
            self.rules[i]
            for i in sorted(ids)
            if all(trigger.present(words, padded) for trigger in self.rules[i].triggers)
        ]


_INDEXES: dict[int, _Index] = {}


def _index(rules: tuple[Rule, ...]) -> _Index:
    index = _INDEXES.get(id(rules))
    if index is None or index.rules is not rules:
        index = _INDEXES[id(rules)] = _Index(rules)
    return index


def match_rules(text: str, rules: tuple[Rule, ...]) -> list[RuleHit]:
    """All rule hits in a normalised ``text``, damped when in a meta discussion."""
    hits: list[RuleHit] = []
    padded = f" {text} "
    words = text_words(text)
    for rule in _index(rules).candidates(words, padded):
        seen: set[tuple[int, int]] = set()
        for match in rule.matches(text, words):
            start, end = match.span()
            if (start, end) in seen:
                continue
            seen.add((start, end))
            # ``require`` looks at the part named "q" when the pattern has one (the query
            # string of an image URL), else at the whole match.
            checked = match.group("q") if "q" in rule.pattern.groupindex else match.group()
            if end <= start or (rule.require and not rule.require.search(checked or "")):
                continue
            score = rule.weight
            if rule.damp_meta and _is_meta(text, start, end):
                score *= META_DAMPING
            hits.append(RuleHit(rule.family, start, end, score))
    return hits


def rule_score(hits: list[RuleHit]) -> float:
    """Combine hits: noisy-or over the strongest hit of each family."""
    best: dict[str, float] = {}
    for hit in hits:
        best[hit.family] = max(best.get(hit.family, 0.0), hit.score)
    miss = 1.0
    for score in best.values():
        miss *= 1.0 - score
    return 1.0 - miss


__all__ = [
    "CLASSIFIER",
    "DELIMITER_INJECTION",
    "ENCODED_PAYLOAD",
    "EXFILTRATION",
    "FAMILIES",
    "INSTRUCTION_OVERRIDE",
    "ROLE_PLAY_JAILBREAK",
    "SYSTEM_PROMPT_EXTRACTION",
    "TOOL_HIJACK",
    "Rule",
    "RuleHit",
    "Trigger",
    "match_rules",
    "rule_score",
    "text_words",
]
