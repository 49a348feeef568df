"""Rendering of the system description: sections, CSOC/CUEC lists, appendices with working
links, and register text that can neither break Markdown tables nor inject HTML."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from aiattest.reports.description_render import (
    DescriptionHtml,
    DescriptionMarkdown,
    embed,
    md,
    render_html,
    render_markdown,
)
from aiattest.reports.interface import (
    Appendix,
    Complementary,
    DatasetEntry,
    ModelEntry,
    Process,
    SystemDescription,
    SystemEntry,
    VendorEntry,
    anchor,
)

CARD = """---
model_name: "bot"
---

# Model Card for bot

Purpose.

## Model Details

### Model Description
"""


def description() -> SystemDescription:
    return SystemDescription(
        organisation="Acme <Labs>",
        as_of=date(2026, 6, 30),
        systems=(
            SystemEntry(
                "bot",
                "Answers | questions\nfast",
                ("gateway", "llm"),
                ("https://bot.example/api",),
                ("personal",),
                "high",
                ("team-a",),
                False,
            ),
        ),
        models=(ModelEntry("bot", "v1", "bot", "openai", "medium", "Answer questions."),),
        datasets=(DatasetEntry("faq", "public", False, "eu-west-1", "team-a"),),
        roles=(("admin", 1), ("operator", 3)),
        processes=(Process("Change management", "3 change(s)."),),
        vendors=(
            VendorEntry(
                "openai",
                "llm-provider",
                ("chat",),
                "carve-out",
                "type2",
                date(2026, 3, 31),
                (Complementary("CSOC-1", "Restricts access <img src=x>.", ("CC6.1",)),),
                (Complementary("CUEC-1", "Customers keep keys secret.", ()),),
            ),
            VendorEntry(
                "pinecone",
                "vector-db",
                (),
                "inclusive",
                "none",
                None,
                (),
                (),
                ("no SOC 2 report: reliance needs other assurance (high, V1)",),
            ),
        ),
        model_cards=(Appendix(anchor("model-card", "bot", "v1"), "Model Card for bot (v1)", CARD),),
        policies=(
            Appendix(
                "policy-encryption",
                "Encryption Policy (version 1.0, approved)",
                "# Encryption Policy\n\n## Scope\n\nAll data.",
            ),
        ),
        window=(date(2026, 1, 1), date(2026, 6, 30)),
    )


def test_markdown_sections_lists_and_links() -> None:
    text = render_markdown(description())
    assert text.startswith("# Description of the system: Acme \\<Labs\\>")
    assert "for the period 2026-01-01 to 2026-06-30" in text
    for heading in ("## 1. Company overview", "### 3.2 Models in production", "### 3.4 People",
                    "#### Change management", "## 4. Sub-service organisations",
                    "## 5. Complementary user entity controls", "## Appendix A: Model cards",
                    "## Appendix B: Policies"):  # fmt: skip
        assert heading in text
    assert "- **CSOC-1** Restricts access \\<img src=x\\>. (CC6.1)" in text
    assert "- **CUEC-1** Customers keep keys secret. (because of openai)" in text
    assert (
        "| bot | v1 | bot | openai | medium | Answer questions. | [card](#model-card-bot-v1) |"
        in text
    )
    assert '<a id="model-card-bot-v1"></a>' in text
    assert "| operator | 3 |" in text
    assert "- pinecone: no SOC 2 report: reliance needs other assurance (high, V1)" in text
    # A pipe or a line break in register text must not split a table row.
    assert "Answers \\| questions fast" in text


def test_embedded_documents_lose_front_matter_and_move_down() -> None:
    assert embed(CARD) == "Purpose.\n\n#### Model Details\n\n##### Model Description\n"
    assert embed("# A\n```\n# not a heading\n```\n###### deep") == (
        "```\n# not a heading\n```\n###### deep\n"
    )
    text = render_markdown(description())
    assert "### A.1 Model Card for bot (v1)" in text
    assert "model_name:" not in text
    assert "#### Scope" in text


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_and_links_resolve() -> None:
    page = _Page()
    page.feed(render_html(description()))
    assert "img" not in page.tags
    text = "".join(page.text)
    assert "Restricts access <img src=x>." in text
    assert "Description of the system: Acme <Labs>" in text
    assert page.tags.count("table") >= 4
    internal = [h.removeprefix("#") for h in page.hrefs if h.startswith("#")]
    assert internal
    assert set(internal) <= set(page.ids)
    assert {"model-card-bot-v1", "policy-encryption"} <= set(page.ids)


def test_empty_registers_say_so() -> None:
    empty = SystemDescription("Acme", date(2026, 6, 30), (), (), (), (), (), ())
    text = render_markdown(empty)
    assert "No model is in production." in text
    assert "No CUECs are recorded." in text
    assert "Reliance notes" not in text
    assert text.count("None recorded.") >= 3


def test_exporters() -> None:
    assert DescriptionMarkdown().export(description()).decode().startswith("# Description")
    assert DescriptionHtml().media_type == "text/html"
    assert md("a*b_c") == "a\\*b\\_c"
