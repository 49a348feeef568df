"""Rebuild the shipped gazetteers (``data/first_names.txt``, ``data/last_names.txt``,
``data/street_suffixes.txt``) from Faker's person and address providers (MIT licensed):
``python -m aiattest.guard.pii.build_gazetteer``.

Run only by maintainers; Faker is a dev dependency, not needed at run time. Locales sv_SE
and cs_CZ are left out on purpose so the benchmark can measure names the gazetteer has
never seen.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path

from aiattest.errors import ConfigError

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "en_IN")
DATA = Path(__file__).parent / "data"


def _clean(names: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for raw in names:
        for part in raw.replace("-", " ").split():
            word = part.strip("'’.")
            if len(word) >= 2 and word.isalpha():
                out.add(word.lower())
    return out


def collect() -> tuple[set[str], set[str]]:
    """First and last names (lower case) from the chosen Faker locales."""
    first: set[str] = set()
    last: set[str] = set()
    for locale in LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError as e:
            raise ConfigError(
                "building the gazetteer needs Faker", hint="pip install faker (dev extra)"
            ) from e
        for attr in ("first_names", "first_names_female", "first_names_male"):
            first |= _clean(getattr(provider, attr, ()))
        last |= _clean(getattr(provider, "last_names", ()))
    return first, last


# Postal abbreviations Faker's lists do not spell out.
_ABBREVIATIONS = "st ave av rd blvd ln dr ct pl sq ter cir pkwy hwy trl wy cres gdns".split()  # noqa: SIM905


def street_suffixes() -> set[str]:
    """Street type words (lower case) of the English-speaking address providers."""
    out = set(_ABBREVIATIONS)
    for locale in ("en_US", "en_GB"):
        provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        out |= {s.lower() for s in getattr(provider, "street_suffixes", ())}
    return out


def main() -> None:
    """Write the sorted word lists, one entry per line."""
    first, last = collect()
    suffixes = "\n".join(sorted(street_suffixes())) + "\n"
    (DATA / "street_suffixes.txt").write_text(suffixes, encoding="utf-8")
    DATA.mkdir(exist_ok=True)
    (DATA / "first_names.txt").write_text("\n".join(sorted(first)) + "\n", encoding="utf-8")
    (DATA / "last_names.txt").write_text("\n".join(sorted(last)) + "\n", encoding="utf-8")
    print(f"{len(first)} first names, {len(last)} last names")


if __name__ == "__main__":
    main()
