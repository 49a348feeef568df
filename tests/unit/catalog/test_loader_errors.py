"""Loader errors: each names the file, the line and the offending id, on one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiattest.catalog import load_catalog
from aiattest.errors import CatalogError
from tests.unit.catalog.conftest import WriteCatalog, control_yaml


def _error(user_dir: Path) -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(user_dir)
    return info.value.message


def test_unknown_criterion_reference(write: WriteCatalog, user_dir: Path) -> None:
    path = write(control_yaml(criteria="[CC6.1, CC6.9]"))
    # line 1 controls:, 2 id, 3 title, 4 description, 5 guidance, 6 criteria
    assert _error(user_dir) == (
        f"{path}:6: control 'extra-control': criterion 'CC6.9' does not exist"
    )


def test_unknown_criterion_in_a_block_list_names_its_own_line(
    write: WriteCatalog, user_dir: Path
) -> None:
    path = write(control_yaml(criteria="\n      - CC6.1\n      - PI1.9"))
    assert _error(user_dir) == (
        f"{path}:8: control 'extra-control': criterion 'PI1.9' does not exist"
    )


def test_unknown_risk_reference(write: WriteCatalog, user_dir: Path) -> None:
    path = write(control_yaml(risks="[prompt-injection, owasp-llm11]"))
    assert _error(user_dir) == (
        f"{path}:7: control 'extra-control': AI risk 'owasp-llm11' does not exist"
    )


def test_reference_listed_twice(write: WriteCatalog, user_dir: Path) -> None:
    path = write(control_yaml(criteria="[CC6.1, CC6.1]"))
    assert (
        _error(user_dir) == f"{path}:6: control 'extra-control': criterion 'CC6.1' is listed twice"
    )


def test_duplicate_id_across_user_files(write: WriteCatalog, user_dir: Path) -> None:
    first = write(control_yaml(), name="a.yaml")
    second = write(control_yaml(), name="sub/b.yaml")
    assert _error(user_dir) == (
        f"{second}:2: control 'extra-control': id already used by the control at {first}:2"
    )


def test_duplicate_id_within_one_file(write: WriteCatalog, user_dir: Path) -> None:
    text = control_yaml()
    path = write(text + text.removeprefix("controls:\n"))
    lines = text.count("\n")
    message = _error(user_dir)
    assert message == (
        f"{path}:{lines + 1}: control 'extra-control': id already used by the control at {path}:2"
    )


def test_user_id_that_clashes_with_a_shipped_id_of_another_kind(
    write: WriteCatalog, user_dir: Path
) -> None:
    path = write(control_yaml("hallucination"))
    message = _error(user_dir)
    assert message.startswith(
        f"{path}:2: control 'hallucination': id already used by the shipped AI risk at "
    )
    assert "risks.yaml:" in message


def test_bad_enum_value(write: WriteCatalog, user_dir: Path) -> None:
    path = write(control_yaml(frequency="hourly"))
    message = _error(user_dir)
    assert message.startswith(f"{path}:9: control 'extra-control': frequency: Input should be")
    assert message.endswith("(got 'hourly')")


def test_bad_owner_role(write: WriteCatalog, user_dir: Path) -> None:
    path = write(control_yaml(owner_role="admin"))
    assert _error(user_dir).startswith(f"{path}:8: control 'extra-control': owner_role:")


def test_missing_field_points_at_the_record(write: WriteCatalog, user_dir: Path) -> None:
    text = control_yaml().replace("    guidance: Do it carefully.\n", "")
    path = write(text)
    assert _error(user_dir) == f"{path}:2: control 'extra-control': guidance: Field required"


def test_unknown_field_is_refused(write: WriteCatalog, user_dir: Path) -> None:
    path = write(control_yaml(ownr="typo"))
    assert _error(user_dir).startswith(
        f"{path}:13: control 'extra-control': ownr: Extra inputs are not permitted"
    )


def test_bad_slug(write: WriteCatalog, user_dir: Path) -> None:
    path = write(control_yaml("Extra_Control"))
    assert _error(user_dir).startswith(
        f"{path}:2: control 'Extra_Control': id: String should match"
    )


def test_malformed_yaml(write: WriteCatalog, user_dir: Path) -> None:
    path = write("controls:\n  - id: x\n   title: [unclosed\n")
    message = _error(user_dir)
    assert message.startswith(f"{path}:3: invalid YAML:")


def test_duplicate_yaml_key(write: WriteCatalog, user_dir: Path) -> None:
    path = write(control_yaml() + "    title: again\n")
    assert _error(user_dir) == f"{path}:13: invalid YAML: duplicate key 'title'"


@pytest.mark.parametrize(
    ("crosswalks", "line", "expected"),
    [
        ("{nist_ai_rmf: [MEASURE 2.14]}", 13, "'MEASURE 2.14' is not a known NIST AI RMF 1.0"),
        ("{iso42001: [A.6.2.9]}", 13, "'A.6.2.9' is not a known ISO/IEC 42001:2023 Annex A"),
        ("{owasp_llm: [LLM11]}", 13, "owasp_llm.0: String should match pattern"),
        ("{eu_ai_act: [Art. 114]}", 13, "crosswalks: Value error, 'Art. 114': the EU AI Act has"),
        ("{eu_ai_act: [Article 9]}", 13, "crosswalks.eu_ai_act.0: String should match"),
        ("\n      nist_ai_rmf:\n        - GOVERN 1.1\n        - GOVERN 7.1", 16, "GOVERN 7.1"),
    ],
)
def test_crosswalk_ids_are_checked(
    write: WriteCatalog, user_dir: Path, crosswalks: str, line: int, expected: str
) -> None:
    path = write(control_yaml(crosswalks=crosswalks))
    message = _error(user_dir)
    assert message.startswith(f"{path}:{line}: control 'extra-control': ")
    assert expected in message


def test_uncovered_criterion_after_an_override_points_at_the_override(
    write: WriteCatalog, user_dir: Path
) -> None:
    shipped = load_catalog()
    # Find a criterion that exactly one control covers, and override that control so that
    # it no longer maps to it.
    criterion, only = next(
        (c.id, controls[0])
        for c in shipped.criteria
        if len(controls := shipped.controls_for_criterion(c.id)) == 1
    )
    other = next(c.id for c in shipped.criteria if c.id != criterion and c.id not in only.criteria)
    path = write(control_yaml(only.id, criteria=f"[{other}]"))
    assert _error(user_dir) == (
        f"{path}:2: criterion '{criterion}' is covered by no control: "
        f"the override of control '{only.id}' dropped it"
    )


def test_new_risk_without_a_control(write: WriteCatalog, user_dir: Path) -> None:
    path = write(
        """
        risks:
          - id: vendor-lock-in
            title: Vendor lock-in
            source: seed
            tsc_category: availability
            description: Hard to leave a provider.
        """
    )
    assert _error(user_dir) == f"{path}:2: AI risk 'vendor-lock-in' is covered by no control"


def test_user_catalog_may_not_define_criteria(write: WriteCatalog, user_dir: Path) -> None:
    path = write("risks: []\ncriteria:\n  - {id: CC1.1}\n")
    assert _error(user_dir) == f"{path}:2: a user catalog may not define criteria"


def test_unknown_section_and_wrong_shapes(write: WriteCatalog, user_dir: Path) -> None:
    path = write("checks: []\n")
    assert _error(user_dir) == (
        f"{path}:1: unknown section 'checks' (expected criteria, risks, controls)"
    )
    write("controls: {id: x}\n")
    assert _error(user_dir) == f"{path}:1: 'controls' must be a list"
    write("controls:\n  - just-a-string\n")
    assert _error(user_dir) == f"{path}:2: each item of 'controls' must be a mapping"
    write("- a\n- b\n")
    assert _error(user_dir) == (
        f"{path}:1: a catalog file must be a mapping of criteria/risks/controls"
    )


def test_several_problems_are_counted_and_listed_in_the_hint(
    write: WriteCatalog, user_dir: Path
) -> None:
    path = write(control_yaml(criteria="[CC0.1]", frequency="hourly"))
    with pytest.raises(CatalogError) as info:
        load_catalog(user_dir)
    # Both problems are in one record: pydantic reports the first; a second file adds one.
    assert "\n" not in info.value.message
    write(control_yaml("second-control", nature="sometimes"), name="z.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog(user_dir)
    assert info.value.message.startswith(f"{path}:6: control 'extra-control': criteria.0:")
    assert info.value.message.endswith("(and 1 more problem)")
    assert info.value.hint is not None
    assert "second-control" in info.value.hint


def test_catalog_dir_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="is not a directory"):
        load_catalog(tmp_path / "missing")


def test_empty_files_are_fine(write: WriteCatalog, user_dir: Path) -> None:
    write("")
    write("# only a comment\n", name="b.yml")
    (user_dir / "notes.txt").write_text("not yaml: [", encoding="utf-8")
    assert len(load_catalog(user_dir).criteria) == 61
