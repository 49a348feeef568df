"""Person names without a statistical model: runs of capitalised words scored by a name
gazetteer (first and last names, built from Faker's lists) and context cues such as
"my name is", "Dear", "Mr." or "Regards,".
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from aiattest.guard.pii.types import Candidate

_UP = "A-ZÀ-ÖØ-ÞĀ-ſ"
_LOW = "a-zß-öø-ÿĀ-ſ"
# A capitalised word (possibly hyphenated or with an apostrophe) or an initial ("J.").
# Bounded repetitions and a look-behind that refuses starts inside a word keep it linear.
_TOKEN = re.compile(
    rf"[{_UP}](?<![\w'’-][{_UP}])(?:[{_UP}{_LOW}'’]{{1,24}}(?:-[{_UP}][{_LOW}]{{1,24}})?|\.)(?![\w'’-])"
)
# The same token for pure-ASCII text: plain ASCII classes let the regex engine step through
# the text about twice as fast as the Unicode ranges above.
_TOKEN_ASCII = re.compile(
    r"[A-Z](?<![\w'-][A-Z])(?:[A-Za-z']{1,24}(?:-[A-Z][a-z]{1,24})?|\.)(?![\w'-])"
)

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "dame", "lord"})
# Cue words that may open a run of capitalised words ("Dear Anna") and are not names.
_LEADING_CUES = frozenset(
    {"dear", "hi", "hello", "hey", "thanks", "signed", "regards", "sincerely", "cheers",
     "attn", "cc", "from", "to", "by", "patient", "customer", "client", "employee", "name",
     "contact", "ask", "call", "cordially", "best", "warmly"}
)  # fmt: skip
# Capitalised words that are never (part of) a person's name here: sentence openers,
# calendar words, organisation and place markers.
_STOP = frozenset(
    """a an the this that these those there here it its i we you he she they my our your his
    her their me us them is are was were be been am do does did have has had can could will
    would shall should may might must not no yes ok okay please thank thanks so if when
    where why how what which who whom whose while after before since until because and or
    but also then than however therefore meanwhile also just only still yet in on at for of
    with without about above below into onto over under between through during per via as
    all any each every some many much most more few other another such both either neither
    one two three four five six seven eight nine ten first second third last next new old
    good great best big small high low long short full monday tuesday wednesday thursday
    friday saturday sunday january february march april june july august september october
    november december today tomorrow yesterday street st road rd avenue ave lane ln drive dr
    boulevard blvd court ct way place square city county state country university college
    school hospital clinic bank inc ltd llc corp co company group team department dept
    office ministry council church club north south east west central united republic
    kingdom national international global san santa los las saint fort port mount lake river
    park hotel airport station account order invoice ticket project product service support
    customer client user admin manager director president ceo cto cfo engineer doctor nurse
    officer agent phone email address date birth passport card number id ssn iban code
    password key note notes subject re fw fwd dear hi hello hey regards sincerely signed
    cheers best python java javascript linux windows google microsoft apple amazon openai
    github api sdk cli http https json yaml sql aws gcp azure""".split()  # noqa: SIM905
)
# Cues are matched as suffixes of the lower-cased text before a run (``str.endswith`` is far
# cheaper than a regex anchored at the end of a window).
_STRONG_CUES = (
    "my name is", "name is", "name's", "names are", "i am", "i'm", "this is", "called",
    "named", "name:", "dear", "signed", "signed,", "regards,", "sincerely,", "yours,",
    "thanks,", "cheers,", "from:", "patient", "patient:", "customer:", "client:",
    "employee:", "applicant:", "attn:", "attn", "to:", "cc:",
)  # fmt: skip
_WEAK_CUES = (
    "with", "to", "from", "by", "and", "contact", "ask", "asked", "call", "email",
    "emailed", "met", "meet", "told", "tell", "for", "spoke", "speak", "about", "of",
    "cc", "thanks", "regards", "signed",
)  # fmt: skip
_TITLE_CUES = ("mr.", "mr", "mrs.", "mrs", "ms.", "ms", "miss", "mx.", "dr.", "dr", "prof.", "prof",
               "sir", "madam", "dame")  # fmt: skip


def _ends_with_cue(before: str, cues: tuple[str, ...]) -> bool:
    """True when ``before`` ends with one of ``cues`` as whole words."""
    if not before.endswith(cues):  # one C call rules out the common case
        return False
    for cue in cues:
        if before.endswith(cue) and (
            len(before) == len(cue) or not before[-len(cue) - 1].isalnum()
        ):
            return True
    return False


_ORG_AFTER = re.compile(
    r"\s{0,2}(?:Inc|Ltd|LLC|GmbH|Corp|Co|plc|AG|SA|& Sons|and Sons|Group|University|College|"
    r"School|Street|Road|Avenue|Lane|Drive|Hospital|Clinic|Bank|Foundation|Institute|Hotel|"
    r"Store|Airport|Station|Park|Company|Club|Church|Center|Centre)\b"
)


@cache
def _gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    base = resources.files("aiattest.guard.pii").joinpath("data")
    first = base.joinpath("first_names.txt").read_text(encoding="utf-8").split()
    last = base.joinpath("last_names.txt").read_text(encoding="utf-8").split()
    return frozenset(first), frozenset(last)


def _runs(text: str) -> list[list[tuple[int, int]]]:
    """Spans of capitalised tokens grouped into runs separated by exactly one space."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for m in (_TOKEN_ASCII if text.isascii() else _TOKEN).finditer(text):
        s, e = m.span()
        if current and not (s - current[-1][1] == 1 and text[s - 1] == " "):
            runs.append(current)
            current = []
        current.append((s, e))
    if current:
        runs.append(current)
    return runs


def _score(words: list[str], first: frozenset[str], last: frozenset[str], before: str) -> float:
    known_first = words[0] in first
    known_last = words[-1] in last or (len(words) == 1 and words[0] in last)
    before = before.rstrip().lower()
    titled = _ends_with_cue(before, _TITLE_CUES)
    strong = titled or _ends_with_cue(before, _STRONG_CUES)
    weak = _ends_with_cue(before, _WEAK_CUES)
    if len(words) >= 2:
        if known_first and known_last:
            score = 0.85
        elif known_first or known_last or any(w in first or w in last for w in words):
            # One known word alone is weak evidence ("York Times", "Washington Post").
            score = 0.75 if strong else 0.6 if weak else 0.45
        else:
            score = 0.6 if strong else 0.5 if weak else 0.2
    elif known_first or known_last:
        score = 0.85 if titled else 0.7 if strong else 0.5 if weak else 0.3
    else:
        score = 0.6 if titled else 0.5 if strong else 0.1
    return min(1.0, score + (0.1 if strong and score >= 0.6 else 0.0))


def _segments(words: list[str]) -> list[tuple[int, int]]:
    """Index ranges of a run left after cutting at cue words, titles and stop words
    ("Dear John Smith" -> "John Smith"; "Marta Jonsson Apple Store" -> "Marta Jonsson")."""
    out: list[tuple[int, int]] = []
    start = None
    for i, w in enumerate([*words, ""]):
        blocked = not w or w in _STOP or w in _LEADING_CUES or w in _TITLES
        if blocked and start is not None:
            out.append((start, i))
            start = None
        elif not blocked and start is None:
            start = i
    return out


def find_persons(text: str) -> list[Candidate]:
    """PERSON candidates: runs of capitalised words scored by gazetteer and cues."""
    first, last = _gazetteer()
    found: list[Candidate] = []
    for run in _runs(text):
        words = [text[s:e].rstrip(".").lower() for s, e in run]
        for i, (s, e) in enumerate(run):
            # Acronyms ("GB", "CUDA") are not names unless the gazetteer knows them.
            if e - s > 1 and text[s:e].isupper() and words[i] not in first and words[i] not in last:
                words[i] = ""
        for lead, stop in _segments(words):
            tail = stop
            while tail > lead and len(words[tail - 1]) == 1:  # trailing initials
                tail -= 1
            if tail <= lead or tail - lead > 4 or len(words[lead]) == 1:
                continue  # too long for a name, or starts with a bare initial
            start, end = run[lead][0], run[tail - 1][1]
            if tail - lead == 1 and text[start:end].isupper():
                continue  # a lone upper-case word is an acronym far more often than a name
            if tail - lead == 1 and words[lead] not in first and words[lead] not in last:
                # An unknown lone capitalised word needs a cue right before it; a sentence
                # opener ("Suggest …") has none, so skip it without scoring.
                prev = text[max(0, start - 8) : start].rstrip()
                titled = _ends_with_cue(prev.lower(), _TITLE_CUES)
                if not titled and (not prev or prev[-1] in ".!?\n\"'"):
                    continue
            if _ORG_AFTER.match(text, end):
                continue  # "Smith Street", "Baker & Sons"
            # A cue word that opened the run ("Dear", "Thanks") lies in this window too.
            before = text[max(0, start - 24) : start]
            score = _score(words[lead:tail], first, last, before)
            if score > 0.0:
                found.append(Candidate(start, end, "PERSON", score))
    return found
