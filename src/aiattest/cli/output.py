"""Rendering helpers shared by the command groups: tables for people, JSON for programs."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout, with no colour codes."""
    console.file.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
