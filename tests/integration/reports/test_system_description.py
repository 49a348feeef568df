"""The system description built from the real registers (the example organisation): every
vendor's CSOCs and CUECs, every production model with its card, the policies, the people."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from aiattest.assess import Window
from aiattest.reports import build
from aiattest.reports.description_render import render_html, render_markdown
from tests.integration.governance.conftest import (  # noqa: F401 (fixtures re-used)
    SQLITE_ONLY,
    _postgres_template,
    _sqlite_template,
    db,
)
from tests.integration.reports.northwind import (  # noqa: F401 (fixture re-used)
    PRODUCTION,
    World,
    example_data,
    northwind,
)

AS_OF = date(2026, 11, 1)
WINDOW = Window(date(2026, 8, 1), date(2026, 10, 31))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def _html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join("".join(parser.chunks).split())


def test_description_lists_vendors_models_policies_and_people(northwind: World) -> None:  # noqa: F811
    value = build.description(northwind.db, northwind.org, AS_OF, WINDOW)
    data = example_data()

    assert value.organisation == "Northwind Lending"
    assert [m.name for m in value.models] == list(PRODUCTION)  # the retired scorer is left out
    assert {m.risk_tier for m in value.models} <= {"low", "medium", "high"}
    assert dict(value.roles) == {"consumer": 3, "operator": 1}

    markdown = render_markdown(value)
    text = _html_text(render_html(value))
    for vendor in data["vendors"]:
        assert vendor["name"] in text
        for control in vendor.get("csocs", []) + vendor.get("cuecs", []):
            assert f"**{control['id']}** {control['description']}" in markdown
            assert f"{control['id']} {control['description']}" in text
    for name in PRODUCTION:
        assert f"Model Card for {name}" in markdown
        assert f"Model Card for {name}" in text
    assert "Model Card for precheck-scorer" not in markdown
    for policy in data["policies"]:
        if policy["status"] == "approved":
            assert policy["title"] in text
    # Policies are rendered with the organisation's facts, not left as templates.
    assert "${" not in markdown
    assert "credit-precheck" in text
    # The three processes, with figures from the window.
    assert "1 change(s); 1 promotion(s) to production from 2026-08-01 to 2026-10-31" in text
    assert "1 incident(s) opened from 2026-08-01 to 2026-10-31 (1 sev3); 0 still open" in text
    assert "0 review(s) opened" in text
    assert "for the period 2026-08-01 to 2026-10-31" in text
    # The vendor review's findings on the as-of day: Anthropic's report has no bridge letter.
    assert "- anthropic: no bridge letter covers 2026-03-31 to 2026-11-01 (medium, V4)" in markdown
    assert "openai:" not in markdown  # its bridge letter runs to the end of 2026


@SQLITE_ONLY
def test_windows_change_the_figures_not_the_inventory(northwind: World) -> None:  # noqa: F811
    before = build.description(northwind.db, northwind.org, date(2026, 7, 1), None)
    text = render_markdown(before)
    # Twelve months before 1 July 2026: the August incident and the October deployment
    # are outside.
    assert "0 promotion(s) to production from 2025-07-01 to 2026-07-01" in text
    assert "0 incident(s) opened" in text
    assert [m.name for m in before.models] == list(PRODUCTION)
    assert "as of 2026-07-01" in text
