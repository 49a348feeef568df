"""Build the injection corpus from our own templates, deterministically from a seed.

    python scripts/injection/corpus.py [--seed 20261128] [--out scripts/injection/corpus]

Writes ``train.jsonl``, ``calibration.jsonl`` and ``test.jsonl`` (one example a line:
text, label, family, group, channel, obfuscation) and prints the corpus hash. The split is
by template group: a group's examples all land in one split, so calibration and test hold
phrasings the classifier never saw. The same seed always gives the same corpus.
"""

from __future__ import annotations

import argparse
import base64
import codecs
import hashlib
import json
import random
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

from faker import Faker

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from attack_templates import (  # noqa: E402
    ATTACK_GROUPS,
    ENCODING_WRAPPERS,
    SLOTS,
    WRAPPERS,
)
from benign_templates import (  # noqa: E402
    BENIGN_GROUPS,
    BENIGN_SLOTS,
    DOC_PARAGRAPHS,
    JUNK_UNITS,
)

DEFAULT_SEED = 20261128
SPLITS = ("train", "calibration", "test")
# Benign categories too small to split on their own are pooled.
_BENIGN_POOL = {"support", "rag", "creative", "business", "chitchat", "multilingual"}
_DOCUMENT_POOL = {"document", "tool"}
_HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
               "i": "і", "s": "ѕ", "j": "ј", "A": "Α", "E": "Ε", "O": "Ο", "T": "Τ"}  # fmt: skip
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text."""

    text: str
    label: int
    family: str
    group: str
    channel: str
    split: str
    obfuscation: str = "none"


class _Values(dict[str, str]):
    """Slot values, computed only when a template asks for them (Faker is slow)."""

    def __init__(self, rng: random.Random, fake: Faker, slots: dict[str, list[str]]) -> None:
        super().__init__()
        self.rng, self.fake, self.slots = rng, fake, slots

    def __missing__(self, key: str) -> str:
        if key in self.slots:
            value = self.rng.choice(self.slots[key])
        elif key == "junk":
            unit = self.rng.choice(JUNK_UNITS)
            value = self.rng.choice(["", " ", "\n"]).join([unit] * self.rng.randint(1, 120))
        elif key in ("doc", "doc_para"):
            value = self.rng.choice(DOC_PARAGRAPHS)
        elif key == "number":
            value = str(self.rng.randint(10000, 999999))
        elif key == "number_small":
            value = str(self.rng.randint(-5, 35))
        else:
            fakers = {"name": self.fake.name, "company": self.fake.company,
                      "email": self.fake.email, "city": self.fake.city,
                      "job": lambda: self.fake.job().lower(), "address": self.fake.street_address,
                      "date": self.fake.date}  # fmt: skip
            value = fakers[key]()
        # Not cached: two uses of {doc} in one template get two different paragraphs.
        return value


def _fill(template: str, rng: random.Random, fake: Faker, slots: dict[str, list[str]]) -> str:
    text = template.format_map(_Values(rng, fake, slots))
    return text[0].upper() + text[1:] if text else text


def _obfuscate(text: str, kind: str, rng: random.Random) -> str:
    if kind == "homoglyph":
        return "".join(_HOMOGLYPHS.get(c, c) if rng.random() < 0.4 else c for c in text)
    if kind == "zero_width":
        return "".join(c + "\u200b" if c.isalpha() and rng.random() < 0.3 else c for c in text)
    if kind == "leet":
        return "".join(_LEET.get(c, c) if rng.random() < 0.5 else c for c in text)
    if kind == "spaced":
        words = text.split(" ")
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        words[longest] = " ".join(words[longest])
        return "  ".join(words) if rng.random() < 0.5 else " ".join(words)
    if kind == "upper":
        return text.upper()
    return text


def _encode(text: str, kind: str, rng: random.Random) -> str:
    if kind == "base64":
        payload = base64.b64encode(text.encode()).decode()
    elif kind == "hex":
        payload = text.encode().hex()
    elif kind == "url":
        payload = quote(text, safe="")
    else:
        payload = codecs.encode(text, "rot13")
    return rng.choice(ENCODING_WRAPPERS[kind]).format(payload=payload)


def assign_splits(buckets: dict[str, list[str]], rng: random.Random) -> dict[str, str]:
    """Group name -> split, per bucket: ~20% of groups to test, ~15% to calibration."""
    out: dict[str, str] = {}
    for bucket in sorted(buckets):
        groups = sorted(buckets[bucket])
        rng.shuffle(groups)
        k = len(groups)
        n_test = max(1, round(0.2 * k)) if k >= 3 else 0
        n_cal = round(0.15 * k) if k >= 5 else 0
        for i, group in enumerate(groups):
            out[group] = "test" if i < n_test else "calibration" if i < n_test + n_cal else "train"
    return out


def _attack_examples(
    rng: random.Random, fake: Faker, splits: dict[str, str], per_group: int
) -> Iterable[Example]:
    for group in sorted(ATTACK_GROUPS):
        family, channel, templates = ATTACK_GROUPS[group]
        seen: set[str] = set()
        for _ in range(per_group * 3):
            if len(seen) >= per_group:
                break
            attack = _fill(rng.choice(templates), rng, fake, SLOTS)
            if channel == "user":
                wrapper = _fill(rng.choice(WRAPPERS), rng, fake, {"attack": ["\x00"]})
                attack = wrapper.replace("\x00", attack)
            roll = rng.random()
            obfuscation = "none"
            if roll < 0.25:
                obfuscation = rng.choice(["homoglyph", "zero_width", "leet", "spaced", "upper"])
                attack = _obfuscate(attack, obfuscation, rng)
            elif roll < 0.37 and channel == "user":
                obfuscation = rng.choice(["base64", "hex", "url", "rot13"])
                attack = _encode(attack, obfuscation, rng)
            if attack in seen:
                continue
            seen.add(attack)
            yield Example(attack, 1, family, group, channel, splits[group], obfuscation)


def _benign_examples(
    rng: random.Random, fake: Faker, splits: dict[str, str], per_group: int
) -> Iterable[Example]:
    openers = ["", "", "", "Hi! ", "Hello, ", "Quick question: ", "Thanks for the help earlier. ",
               "Good morning. ", "Hey there, ", "I have a question. "]  # fmt: skip
    closers = ["", "", "", " Thanks!", " Thank you.", " Cheers.", " Appreciate it.", " :)"]
    for group in sorted(BENIGN_GROUPS):
        category, channel, templates = BENIGN_GROUPS[group]
        seen: set[str] = set()
        for _ in range(per_group * 4):
            if len(seen) >= per_group:
                break
            text = _fill(rng.choice(templates), rng, fake, BENIGN_SLOTS)
            if channel == "user":
                text = rng.choice(openers) + text + rng.choice(closers)
                if rng.random() < 0.25:
                    text += " " + _fill(rng.choice(templates), rng, fake, BENIGN_SLOTS)
            obfuscation = "none"
            if rng.random() < 0.05:
                obfuscation = rng.choice(["homoglyph", "zero_width", "upper"])
                text = _obfuscate(text, obfuscation, rng)
            if text in seen:
                continue
            seen.add(text)
            yield Example(text, 0, category, group, channel, splits[group], obfuscation)


def build_corpus(
    seed: int = DEFAULT_SEED, attacks_per_group: int = 220, benign_per_group: int = 320
) -> list[Example]:
    """The whole corpus, every example tagged with its split."""
    rng = random.Random(seed)  # noqa: S311 -- a reproducible corpus, not a secret
    fake = Faker("en_US")
    fake.seed_instance(seed)
    buckets: dict[str, list[str]] = defaultdict(list)
    for group, (family, _, _) in ATTACK_GROUPS.items():
        buckets[f"attack:{family}"].append(group)
    for group, (category, _, _) in BENIGN_GROUPS.items():
        pooled = (
            "general"
            if category in _BENIGN_POOL
            else "documents"
            if category in _DOCUMENT_POOL
            else category
        )
        buckets[f"benign:{pooled}"].append(group)
    splits = assign_splits(buckets, rng)
    examples = list(_attack_examples(rng, fake, splits, attacks_per_group))
    examples += list(_benign_examples(rng, fake, splits, benign_per_group))
    return examples


def corpus_hash(examples: list[Example]) -> str:
    """SHA-256 over the examples in order (identifies the corpus a model was trained on)."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(json.dumps(asdict(example), sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def by_split(examples: list[Example]) -> dict[str, list[Example]]:
    """The examples of each split."""
    out: dict[str, list[Example]] = {split: [] for split in SPLITS}
    for example in examples:
        out[example.split].append(example)
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the corpus as JSONL files and print its hash and sizes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=HERE / "corpus")
    args = parser.parse_args(argv)
    examples = build_corpus(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for split, items in by_split(examples).items():
        with (args.out / f"{split}.jsonl").open("w", encoding="utf-8") as f:
            for example in items:
                f.write(json.dumps(asdict(example), ensure_ascii=False) + "\n")
        positives = sum(e.label for e in items)
        print(f"{split}: {len(items)} examples ({positives} attacks)")
    print(f"corpus sha256 {corpus_hash(examples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
