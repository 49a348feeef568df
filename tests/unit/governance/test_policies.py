"""Policy templates: every shipped template renders with organisation facts to Markdown and
HTML, and a missing fact is an error, not a blank."""

from __future__ import annotations

import pytest

from aiattest.errors import InputError, NotFoundError
from aiattest.governance.policies import render_html, render_markdown, template_names

FACTS = {
    "organisation": "Acme & Co",
    "version": "2.0",
    "owner": "ciso",
    "approval": "2026-01-01 by ceo",
    "systems": "- **helpdesk**: answers tickets",
    "vendors": "openai (zero retention)",
    "tiers": "| Risk tier | Approvals |\n|---|---|\n| high | 2 |",
    "automated_systems": "none",
    "owners": "ml-team",
}
EXPECTED = {
    "ai-acceptable-use", "model-governance", "ai-incident-response", "data-classification",
    "encryption", "vendor-management", "change-management", "access-control",
    "human-oversight", "retention-deletion", "responsible-ai",
}  # fmt: skip


def test_the_policies_the_seed_implies_are_shipped() -> None:
    assert set(template_names()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_template_renders(name: str) -> None:
    text = render_markdown(name, FACTS)
    assert "${" not in text
    assert text.startswith("# ")
    assert "| Version | 2.0 |" in text
    html = render_html(text, name)
    assert "<h1>" in html
    assert "<table>" in html
    assert "Acme &amp; Co" in html  # escaped, not raw


def test_missing_fact_and_unknown_template() -> None:
    partial = {k: v for k, v in FACTS.items() if k != "vendors"}
    with pytest.raises(InputError, match="needs a value for 'vendors'"):
        render_markdown("vendor-management", partial)
    with pytest.raises(NotFoundError, match="no policy template"):
        render_markdown("nope", FACTS)


def test_html_does_not_pass_raw_html_through() -> None:
    html = render_html("# T\n\n<script>alert(1)</script>\n", "<T>")
    assert "<script>" not in html
    assert "<title>&lt;T&gt;</title>" in html
