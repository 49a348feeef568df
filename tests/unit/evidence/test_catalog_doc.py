"""The checks table in docs/evidence.md is the registry's current one."""

from __future__ import annotations

from pathlib import Path

from aiattest.catalog import load_catalog
from aiattest.evidence.catalog_doc import BEGIN, END, check_rows, checks_markdown
from aiattest.evidence.registry import REGISTRY

DOC = Path(__file__).parents[3] / "docs" / "evidence.md"


def test_docs_hold_the_generated_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    # Regenerate with: python -c "from aiattest.evidence.catalog_doc import checks_markdown;
    # print(checks_markdown())" and paste between the markers.
    assert text[start:end] + "\n" == checks_markdown()


def test_rows_name_every_check_and_the_controls_that_use_it() -> None:
    catalog = load_catalog()
    rows = check_rows(catalog)
    assert [r["id"] for r in rows] == sorted(REGISTRY)
    for row in rows:
        assert row["controls"] == sorted(c.id for c in catalog.controls if row["id"] in c.checks)
        assert row["doc"]
        assert "\n" not in row["doc"]
    assert f"| `{rows[0]['id']}` |" in checks_markdown(catalog)
