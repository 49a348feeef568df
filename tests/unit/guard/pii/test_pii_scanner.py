"""PIIScanner: positives, negatives and format variants per type, exact offsets, options."""

from __future__ import annotations

import pytest

from aiattest.errors import ScannerError
from aiattest.guard.interface import Finding, ScanContext, Scanner, Severity
from aiattest.guard.pii import PII_TYPES, PIIScanner

CTX = ScanContext()


@pytest.fixture(scope="module")
def scanner() -> PIIScanner:
    return PIIScanner()


def found(scanner: PIIScanner, text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in scanner.scan(text, CTX)]


def kinds(scanner: PIIScanner, text: str) -> set[str]:
    return {f.type for f in scanner.scan(text, CTX)}


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (
            "write to jane.doe+news@mail.example.co.uk today",
            "EMAIL_ADDRESS",
            "jane.doe+news@mail.example.co.uk",
        ),
        ("Mail: josé.müller@beispiel.de.", "EMAIL_ADDRESS", "josé.müller@beispiel.de"),
        ("Call me on (415) 555-2671 after 5pm.", "PHONE_NUMBER", "(415) 555-2671"),
        ("Phone: +44 20 7946 0958", "PHONE_NUMBER", "+44 20 7946 0958"),
        ("ruf an: +49 30 901820", "PHONE_NUMBER", "+49 30 901820"),
        ("numero +33 6 12 34 56 78 svp", "PHONE_NUMBER", "+33 6 12 34 56 78"),
        ("My number is 0044 20 7946 0958.", "PHONE_NUMBER", "0044 20 7946 0958"),
        ("card 4111111111111111 exp 04/27", "CREDIT_CARD", "4111111111111111"),
        ("card 4111 1111 1111 1111 exp 04/27", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("card 5555-5555-5555-4444.", "CREDIT_CARD", "5555-5555-5555-4444"),
        ("amex 3782 822463 10005 ok", "CREDIT_CARD", "3782 822463 10005"),
        ("My SSN is 123-45-6789.", "US_SSN", "123-45-6789"),
        ("social security number 123 45 6789", "US_SSN", "123 45 6789"),
        ("ITIN: 912-70-1234", "US_ITIN", "912-70-1234"),
        ("IBAN DE89 3704 0044 0532 0130 00.", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
        ("IBAN GB82WEST12345698765432 please", "IBAN_CODE", "GB82WEST12345698765432"),
        ("from 192.168.1.10.", "IP_ADDRESS", "192.168.1.10"),
        ("host 2001:db8::8a2e:370:7334 is down", "IP_ADDRESS", "2001:db8::8a2e:370:7334"),
        ("MAC 00:1A:2B:3C:4D:5E.", "MAC_ADDRESS", "00:1A:2B:3C:4D:5E"),
        ("MAC 00-1a-2b-3c-4d-5e joined", "MAC_ADDRESS", "00-1a-2b-3c-4d-5e"),
        ("switch port 001a.2b3c.4d5e up", "MAC_ADDRESS", "001a.2b3c.4d5e"),
        ("I was born on March 3, 1985.", "DATE_OF_BIRTH", "March 3, 1985"),
        ("DOB: 03/14/1979", "DATE_OF_BIRTH", "03/14/1979"),
        ("Date of birth: 1979-03-14.", "DATE_OF_BIRTH", "1979-03-14"),
        ("geboren am 14.03.1979 in Köln", "DATE_OF_BIRTH", "14.03.1979"),
        ("Passport number: X12345678.", "PASSPORT", "X12345678"),
        ("my passport no. is 562100446", "PASSPORT", "562100446"),
        (
            "BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 thanks",
            "CRYPTO_WALLET",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        ),
        (
            "to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "CRYPTO_WALLET",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
        ),
        (
            "eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "CRYPTO_WALLET",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ),
        (
            "use https://bob:pa55w0rd@example.com/feed please",
            "URL_CREDENTIALS",
            "https://bob:pa55w0rd@example.com/feed",
        ),
        ("Hi, my name is John Smith and I need help.", "PERSON", "John Smith"),
        ("Dear Anna Kowalski, thanks.", "PERSON", "Anna Kowalski"),
        ("Ms. Matoušková will join.", "PERSON", "Matoušková"),
        ("Best regards,\nMaria Garcia", "PERSON", "Maria Garcia"),
        (
            "Ship to 1600 Pennsylvania Avenue, Washington, DC 20500.",
            "STREET_ADDRESS",
            "1600 Pennsylvania Avenue, Washington, DC 20500",
        ),
        (
            "I live at 221B Baker Street, London NW1 6XE.",
            "STREET_ADDRESS",
            "221B Baker Street, London NW1 6XE",
        ),
        ("Büro: Hauptstraße 12, 10115 Berlin.", "STREET_ADDRESS", "Hauptstraße 12, 10115 Berlin"),
        (
            "Adresse : 12, rue de la Paix, 75002 Paris.",
            "STREET_ADDRESS",
            "12, rue de la Paix, 75002 Paris",
        ),
    ],
)
def test_positive_with_exact_offsets(scanner: PIIScanner, text: str, kind: str, value: str) -> None:
    assert (kind, value) in found(scanner, text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("order number 4111111111111112 shipped", "CREDIT_CARD"),  # Luhn fails
        ("reference 6011000990139425 is a bad Discover", "CREDIT_CARD"),
        ("id 1234567812345678 in table", "CREDIT_CARD"),
        ("SSN 000-12-3456 rejected", "US_SSN"),
        ("SSN 666-12-3456 rejected", "US_SSN"),
        ("SSN 123-00-3456 rejected", "US_SSN"),
        ("SSN 123-45-0000 rejected", "US_SSN"),
        ("ITIN 912-45-1234 has a bad group", "US_ITIN"),
        ("IBAN DE89 3704 0044 0532 0130 01 wrong", "IBAN_CODE"),  # mod-97 fails
        ("IBAN DE89 3704 0044 0532 0130 wrong", "IBAN_CODE"),  # length
        ("version 1.2.3.4 released", "IP_ADDRESS"),
        ("address 999.12.3.4 is not an IP", "IP_ADDRESS"),
        ("the job ran at 12:30:45 on node 3", "IP_ADDRESS"),
        ("placeholder 00:00:00:00:00:00 only", "MAC_ADDRESS"),
        ("the meeting is on March 3, 2024 in room 5", "DATE_OF_BIRTH"),
        ("born on February 30, 1985", "DATE_OF_BIRTH"),  # not a real date
        ("order no. X12345678 shipped", "PASSPORT"),
        ("Wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3 failed", "CRYPTO_WALLET"),
        ("eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "CRYPTO_WALLET"),  # EIP-55 case wrong
        ("commit 3f786850e387550fdab836ed7e6dc881de23001b fixed it", "CRYPTO_WALLET"),
        ("see https://example.com/path?q=1 now", "URL_CREDENTIALS"),
        ("retina asset logo@2x.png", "EMAIL_ADDRESS"),
        ("dial 123-456-7890 for nothing", "PHONE_NUMBER"),
        ("Order 4155552671 was refunded", "PHONE_NUMBER"),
        ("random digits 84736291047362", "PHONE_NUMBER"),
        ("Apple Store and Microsoft Teams were down on Monday Morning.", "PERSON"),
        ("Suggest a plan. Maintain the docs. Review it.", "PERSON"),
        ("The Python SDK and the JSON API work.", "PERSON"),
        ("Upgrade to version 2.14.3 fixed the leak.", "IP_ADDRESS"),
    ],
)
def test_negative(scanner: PIIScanner, text: str, kind: str) -> None:
    assert kind not in kinds(scanner, text)


def test_every_type_has_a_positive_case() -> None:
    cases = test_positive_with_exact_offsets.pytestmark[0].args[1]  # type: ignore[attr-defined]
    assert {c[1] for c in cases} == set(PII_TYPES)


def test_findings_carry_scanner_name_score_and_severity(scanner: PIIScanner) -> None:
    text = "SSN 123-45-6789 and ip 10.0.0.1 and mail a.b@example.org"
    findings = {f.type: f for f in scanner.scan(text, CTX)}
    assert all(isinstance(f, Finding) and f.scanner == "pii" for f in findings.values())
    assert all(0.0 <= f.score <= 1.0 for f in findings.values())
    assert findings["US_SSN"].severity is Severity.HIGH
    assert findings["IP_ADDRESS"].severity is Severity.LOW
    assert findings["EMAIL_ADDRESS"].severity is Severity.MEDIUM


def test_context_raises_the_score(scanner: PIIScanner) -> None:
    bare = scanner.candidates("id 123-45-6789 closed")
    cued = scanner.candidates("my SSN: 123-45-6789 closed")
    assert bare[0].type == cued[0].type == "US_SSN"
    assert cued[0].score > bare[0].score


def test_offsets_index_the_original_text_with_wide_characters(scanner: PIIScanner) -> None:
    text = "😀 ＡＢＣ 📧 mail me: zoë@example.org 😀"
    [f] = [f for f in scanner.scan(text, CTX) if f.type == "EMAIL_ADDRESS"]
    assert text[f.start : f.end] == "zoë@example.org"


def test_overlaps_keep_the_most_specific_finding(scanner: PIIScanner) -> None:
    text = "db at postgres://admin:s3cret@db.example.com:5432/app today"
    result = found(scanner, text)
    assert result == [("URL_CREDENTIALS", "postgres://admin:s3cret@db.example.com:5432/app")]


def test_entities_option_limits_the_types() -> None:
    only = PIIScanner(entities=["EMAIL_ADDRESS"])
    text = "mail a.b@example.org, SSN 123-45-6789"
    assert kinds(only, text) == {"EMAIL_ADDRESS"}


def test_thresholds_drop_weak_findings() -> None:
    text = "id 123456789 closed and 123-45-6789"
    assert ("US_SSN", "123456789") not in found(PIIScanner(), text)
    assert ("US_SSN", "123456789") in found(PIIScanner(threshold=0.2), text)
    strict = PIIScanner(thresholds={"US_SSN": 0.99})
    assert "US_SSN" not in kinds(strict, text)


def test_phone_regions_option() -> None:
    text = "Tel. 030 901820 bitte"
    assert "PHONE_NUMBER" not in kinds(PIIScanner(), text)
    assert ("PHONE_NUMBER", "030 901820") in found(PIIScanner(phone_regions=["DE"]), text)


@pytest.mark.parametrize(
    "options",
    [
        {"entities": ["NOPE"]},
        {"threshold": 1.5},
        {"thresholds": {"US_SSN": -0.1}},
        {"thresholds": {"NOPE": 0.5}},
        {"unknown": True},
    ],
)
def test_bad_options_raise_scanner_error(options: dict[str, object]) -> None:
    with pytest.raises(ScannerError):
        PIIScanner.from_options(options)


def test_from_options_builds_a_scanner() -> None:
    built = PIIScanner.from_options({"entities": ["US_SSN"], "threshold": 0.4})
    assert isinstance(built, Scanner)
    assert built.name == "pii"
    assert built.entities == frozenset({"US_SSN"})


def test_empty_and_whitespace_text(scanner: PIIScanner) -> None:
    assert scanner.scan("", CTX) == []
    assert scanner.scan(" \n\t ", CTX) == []


def test_anti_cue_needs_a_whole_word(scanner: PIIScanner) -> None:
    # "valid" contains "id", which must not count as an "ID …" anti-cue
    text = "That one is not valid. Phone: +33612342359"
    assert ("PHONE_NUMBER", "+33612342359") in found(scanner, text)


def test_long_wallet_after_its_only_digit(scanner: PIIScanner) -> None:
    text = "wallet: 1AGFydHhFCjMwXjRVQyQQnBqLgwBYQvGgu."
    assert ("CRYPTO_WALLET", "1AGFydHhFCjMwXjRVQyQQnBqLgwBYQvGgu") in found(scanner, text)


def test_runs_are_cut_at_stop_words(scanner: PIIScanner) -> None:
    text = "Best regards,\nMarta Jonsson Apple Store was closed."
    assert ("PERSON", "Marta Jonsson") in found(scanner, text)


@pytest.mark.parametrize(
    "text",
    ["We stayed at the Grant Hilton Hotel downtown.", "The letter went to Adams Street."],
)
def test_organisation_and_place_markers_end_a_name(scanner: PIIScanner, text: str) -> None:
    assert "PERSON" not in kinds(scanner, text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Python 3.11.4 on Ubuntu 22.04 with 16 GB RAM and CUDA 12.1", "PERSON"),
        ("The New York Times and The Washington Post reported it", "PERSON"),
        ("Chapter 12 Main Points: summarise the 3 Key Ideas", "STREET_ADDRESS"),
        ("pip install numpy==1.26.4 and torch 2.3.0", "IP_ADDRESS"),
    ],
)
def test_everyday_prompts_are_clean(scanner: PIIScanner, text: str, kind: str) -> None:
    assert kind not in kinds(scanner, text)


def test_rare_street_type_counts_with_an_address_cue(scanner: PIIScanner) -> None:
    assert ("STREET_ADDRESS", "42 Maple Hills") in found(
        scanner, "Send it to 42 Maple Hills please"
    )
    assert "STREET_ADDRESS" not in kinds(scanner, "Chapter 42 Maple Hills is long")


def test_upper_case_names_after_a_cue(scanner: PIIScanner) -> None:
    assert ("PERSON", "JOHN SMITH") in found(scanner, "MY NAME IS JOHN SMITH")
