"""Helpers for catalog tests: write a user catalog_dir from YAML text."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

WriteCatalog = Callable[..., Path]


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    """An empty user catalog directory."""
    path = tmp_path / "catalog"
    path.mkdir()
    return path


@pytest.fixture
def write(user_dir: Path) -> WriteCatalog:
    """Write dedented YAML to a file in ``user_dir`` and return the file's path."""

    def _write(text: str, name: str = "extra.yaml") -> Path:
        path = user_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


def control_yaml(control_id: str = "extra-control", **fields: str) -> str:
    """YAML for one valid control under ``controls:``; ``fields`` replace single lines."""
    values = {
        "title": "Extra control",
        "description": "Does something useful.",
        "guidance": "Do it carefully.",
        "criteria": "[CC6.1]",
        "risks": "[prompt-injection]",
        "owner_role": "security-lead",
        "frequency": "daily",
        "nature": "preventive",
        "automation": "automated",
        "evidence": "[a record]",
    } | fields
    lines = ["controls:", f"  - id: {control_id}"]
    lines += [f"    {key}: {value}" for key, value in values.items()]
    return "\n".join(lines) + "\n"
