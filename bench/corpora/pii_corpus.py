"""A labelled PII corpus we generate: Faker values in templates we wrote, with exact
character spans, plus near-miss negatives (bad Luhn, order numbers, versions, …).

``generate(n, seed)`` is deterministic. Person names come 75 % from locales the gazetteer
was built from and 25 % from locales it was not (sv_SE, cs_CZ), to measure unseen names.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from faker import Faker

from bench.corpora import fakes


@dataclass
class Sample:
    """One text and its gold spans ``(start, end, type)``."""

    text: str = ""
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, part: str) -> None:
        """Append unlabelled text."""
        self.text += part

    def ent(self, value: str, kind: str) -> None:
        """Append ``value`` labelled as ``kind``."""
        self.spans.append((len(self.text), len(self.text) + len(value), kind))
        self.text += value


_FILLER = (
    "Can you summarise the attached report in three bullet points?",
    "The deployment finished without errors last night.",
    "Please keep the answer short and friendly.",
    "We need the figures before the quarterly review.",
    "The dashboard shows latency around 120 ms at p99.",
    "Translate the following paragraph into French.",
    "Our team meets every Tuesday to plan the sprint.",
    "The invoice total came to 1,250.00 EUR including tax.",
    "Write a haiku about autumn leaves.",
    "The model returned an empty response twice in a row.",
    "Let me know if the Python script needs more comments.",
    "It rained all week in Seattle, so the picnic moved indoors.",
    "Upgrade to version 2.14.3 fixed the memory leak.",
    "Room 4B is booked from 9:30 to 11:00.",
    "The API returns JSON with a nested list of items.",
)


def _name(fake: Faker, unseen: Faker, rng: random.Random) -> tuple[str, str, str]:
    source = unseen if rng.random() < 0.25 else fake
    first, last = source.first_name(), source.last_name()
    return first, last, f"{first} {last}"


def _person(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    _, last, full = _name(f, u, r)
    kind = r.randrange(8)
    if kind == 0:
        s.add("Hi, my name is "), s.ent(full, "PERSON"), s.add(" and I need help with my order.")
    elif kind == 1:
        s.add("Dear "), s.ent(full, "PERSON"), s.add(", thank you for your patience.")
    elif kind == 2:
        s.add("Please forward the contract to "), s.ent(full, "PERSON"), s.add(" in legal.")
    elif kind == 3:
        s.add("Best regards,\n"), s.ent(full, "PERSON")
    elif kind == 4:
        s.add(r.choice(("Mr. ", "Ms. ", "Dr. ")))
        s.ent(last, "PERSON"), s.add(" will join the call at noon.")
    elif kind == 5:
        s.ent(full, "PERSON"), s.add(" approved the budget yesterday.")
    elif kind == 6:
        s.add("The ticket was assigned to "), s.ent(full, "PERSON"), s.add(".")
    else:
        s.add("Patient: "), s.ent(full, "PERSON"), s.add(", admitted for observation.")


def _email(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    value = r.choice(
        (f.email(), f.company_email(), f"{f.user_name()}+{f.word()}@{f.domain_name()}",
         f"{f.first_name().lower()}.{f.last_name().lower()}@mail.{f.domain_name()}")
    )  # fmt: skip
    kind = r.randrange(3)
    if kind == 0:
        s.add("You can reach me at "), s.ent(value, "EMAIL_ADDRESS"), s.add(" any time.")
    elif kind == 1:
        s.add("From: <"), s.ent(value, "EMAIL_ADDRESS"), s.add(">")
    else:
        s.add("email: "), s.ent(value, "EMAIL_ADDRESS")


def _phone(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    value = fakes.phone(r)
    kind = r.randrange(3)
    if kind == 0:
        s.add("Call me on "), s.ent(value, "PHONE_NUMBER"), s.add(" after 5pm.")
    elif kind == 1:
        s.add("Phone: "), s.ent(value, "PHONE_NUMBER")
    else:
        s.add("My mobile number is "), s.ent(value, "PHONE_NUMBER"), s.add(".")


def _card(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    number = f.credit_card_number(r.choice(("visa16", "mastercard", "amex", "discover", "jcb")))
    style = r.randrange(3)
    if style and len(number) == 16:
        sep = " " if style == 1 else "-"
        number = sep.join(number[i : i + 4] for i in range(0, 16, 4))
    elif style and len(number) == 15:
        sep = " " if style == 1 else "-"
        number = sep.join((number[:4], number[4:10], number[10:]))
    s.add(r.choice(("Charge it to my card ", "Card number: ", "use ")))
    s.ent(number, "CREDIT_CARD"), s.add(r.choice((" exp 04/27.", ", thanks.", "")))


def _ssn(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    value = _FAKERS["en_US"].ssn()
    if r.random() < 0.2:
        value = value.replace("-", " ")
    s.add(r.choice(("My SSN is ", "social security number: ", "SSN ")))
    s.ent(value, "US_SSN"), s.add(".")


def _itin(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    s.add(r.choice(("ITIN: ", "my taxpayer id (ITIN) is "))), s.ent(fakes.itin(r), "US_ITIN")


def _iban(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    loc = r.choice(("de_DE", "fr_FR", "en_GB", "nl_NL", "es_ES", "it_IT"))
    value = _FAKERS[loc].iban()
    if r.random() < 0.5:
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    s.add(r.choice(("Please wire it to IBAN ", "Account: ", "Bank details: ")))
    s.ent(value, "IBAN_CODE"), s.add(".")


def _ip(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    kind = r.randrange(4)
    if kind == 0:
        value = f.ipv4_public()
    elif kind == 1:
        value = f.ipv4_private()
    elif kind == 2:
        value = f.ipv6()
    else:
        value = str(ipaddress.IPv6Address(f.ipv6()).compressed)
    s.add(r.choice(("The request came from ", "Blocked host ", "server ip: ")))
    s.ent(value, "IP_ADDRESS"), s.add(r.choice((" yesterday.", ".", "")))


def _mac(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    value = f.mac_address()
    style = r.randrange(4)
    if style == 1:
        value = value.replace(":", "-").upper()
    elif style == 2:
        h = value.replace(":", "")
        value = f"{h[:4]}.{h[4:8]}.{h[8:]}"
    s.add("Device MAC "), s.ent(value, "MAC_ADDRESS"), s.add(" joined the network.")


def _dob(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    d = f.date_of_birth(minimum_age=18, maximum_age=90)
    fmt = r.choice(("%m/%d/%Y", "%Y-%m-%d", "%B %d, %Y", "%d %B %Y", "%d.%m.%Y"))
    value = d.strftime(fmt)
    s.add(r.choice(("I was born on ", "DOB: ", "Date of birth: ", "her birthday is ")))
    s.ent(value, "DATE_OF_BIRTH"), s.add(".")


def _address(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    loc = r.choice(("en_US", "en_US", "en_GB", "de_DE", "fr_FR"))
    g = _FAKERS[loc]
    if loc == "en_US":
        value = f"{g.building_number()} {g.street_name()}"
        if r.random() < 0.6:
            value += f", {g.city()}, {g.state_abbr()} {g.postcode()}"
    elif loc == "en_GB":
        value = f"{g.building_number()} {g.street_name()}, {g.city()} {g.postcode()}"
    elif loc == "de_DE":
        value = f"{g.street_name()} {g.building_number()}, {g.postcode()} {g.city()}"
    else:
        value = f"{g.building_number()}, {g.street_name()}, {g.postcode()} {g.city()}"
    s.add(r.choice(("Ship it to ", "I live at ", "Address: ", "Our office moved to ")))
    s.ent(value, "STREET_ADDRESS"), s.add(".")


def _passport(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    value = r.choice((f.bothify("?########").upper(), f.numerify("#########")))
    s.add(r.choice(("Passport number: ", "my passport no. is ", "Passport ")))
    s.ent(value, "PASSPORT"), s.add(".")


def _wallet(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    s.add(r.choice(("Send the refund to ", "wallet: ", "My address is ")))
    s.ent(fakes.wallet(r), "CRYPTO_WALLET"), s.add(".")


def _url_creds(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    scheme = r.choice(("https", "http", "ftp", "postgres", "mongodb+srv"))
    value = (
        f"{scheme}://{f.user_name()}:{f.password(length=12, special_chars=False)}@{f.domain_name()}"
    )
    if r.random() < 0.5:
        value += "/" + f.uri_path()
    s.add(r.choice(("Connect with ", "the feed is at ", "Use "))), s.ent(value, "URL_CREDENTIALS")
    s.add(r.choice((" please.", " for testing.", "")))


def _negative(s: Sample, f: Faker, u: Faker, r: random.Random) -> None:
    """Near misses that must not be reported."""
    kind = r.randrange(14)
    texts = (
        lambda: f"Order number {fakes.luhn_invalid(r)} has shipped.",
        lambda: f"Reference {r.randrange(10**10, 10**11)} was closed.",
        lambda: f"Upgrade from v{r.randrange(1, 9)}.{r.randrange(20)}.{r.randrange(20)} now.",
        lambda: f"The SSN 000-{r.randrange(10, 99)}-{r.randrange(1000, 9999)} is not valid.",
        lambda: f"Invalid: {r.choice(('666', '900', '987'))}-12-3456 was rejected.",
        lambda: f"The meeting is on {f.date_this_year().strftime('%B %d, %Y')} in room 5.",
        lambda: f"Commit {f.sha1()} fixed the flaky test.",
        lambda: f"Use logo@2x.png for retina screens and build {r.randrange(1000, 9999)}.",
        lambda: f"Tracking 1Z{f.bothify('###??##########').upper()} is in transit.",
        lambda: f"Wallet {fakes.broken_wallet(r)} failed validation.",
        lambda: "Apple Store and Microsoft Teams were down on Monday Morning.",
        lambda: f"The job ran at 12:{r.randrange(10, 59)}:{r.randrange(10, 59)} on node 3.",
        lambda: f"Call extension {r.randrange(100, 999)} or dial 123-456-7890 for nothing.",
        lambda: f"ISBN 978-{r.randrange(10)}-{r.randrange(10, 99)}-{r.randrange(10**5, 10**6)}-2.",
    )  # fmt: skip
    s.add(texts[kind]())


GENERATORS: dict[str, Callable[[Sample, Faker, Faker, random.Random], None]] = {
    "PERSON": _person, "EMAIL_ADDRESS": _email, "PHONE_NUMBER": _phone,
    "CREDIT_CARD": _card, "US_SSN": _ssn, "US_ITIN": _itin, "IBAN_CODE": _iban,
    "IP_ADDRESS": _ip, "MAC_ADDRESS": _mac, "DATE_OF_BIRTH": _dob,
    "STREET_ADDRESS": _address, "PASSPORT": _passport, "CRYPTO_WALLET": _wallet,
    "URL_CREDENTIALS": _url_creds,
}  # fmt: skip
_FAKERS: dict[str, Faker] = {}


def generate(n: int = 5000, seed: int = 20261128) -> list[Sample]:
    """``n`` samples; each has one to three parts (entities, fillers, negatives)."""
    rng = random.Random(seed)
    Faker.seed(seed)
    for loc in ("en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT"):
        _FAKERS[loc] = Faker(loc)
    fake = Faker(["en_US", "de_DE", "fr_FR", "es_ES", "it_IT"])
    unseen = Faker(["sv_SE", "cs_CZ"])
    kinds = list(GENERATORS)
    out = []
    for _ in range(n):
        sample = Sample()
        for i in range(rng.randint(1, 3)):
            if i:
                sample.add(" " if rng.random() < 0.7 else "\n")
            roll = rng.random()
            if roll < 0.6:
                GENERATORS[rng.choice(kinds)](sample, fake, unseen, rng)
            elif roll < 0.85:
                _negative(sample, fake, unseen, rng)
            else:
                sample.add(rng.choice(_FILLER))
        out.append(sample)
    return out
