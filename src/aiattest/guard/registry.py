"""The explicit registry of guard scanners: a name resolves to a class, or raises.

Classes are named by import path and imported on first use, so that a policy naming
only cheap scanners never pays for the injection model, and so that the registry stays
usable while a scanner's module is missing (``available()`` leaves it out; building it
raises a ScannerError that says which module is absent).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from aiattest.errors import ScannerError
from aiattest.guard.interface import Scanner

SCANNERS: dict[str, str] = {
    # input and output
    "injection": "aiattest.guard.injection:InjectionScanner",
    "pii": "aiattest.guard.pii:PIIScanner",
    "secrets": "aiattest.guard.secrets:SecretsScanner",
    "custom": "aiattest.guard.custom:CustomScanner",
    # output
    "system_prompt_leak": "aiattest.guard.output.leakage:SystemPromptLeakScanner",
    "json_schema": "aiattest.guard.output.schema:JsonSchemaScanner",
    "groundedness": "aiattest.guard.output.grounding:GroundednessScanner",
    "exfiltration": "aiattest.guard.output.exfiltration:ExfiltrationScanner",
    "refusal": "aiattest.guard.output.refusal:RefusalScanner",
}
"""Registry name -> ``module:Class``. The one place a scanner name is defined."""


def names() -> list[str]:
    """Every registered scanner name, whether or not its module is importable."""
    return sorted(SCANNERS)


def scanner_class(name: str) -> type[Scanner]:
    """The class registered under ``name``; raises ScannerError for unknown or missing ones."""
    try:
        target = SCANNERS[name]
    except KeyError:
        known = ", ".join(names())
        raise ScannerError(f"unknown scanner {name!r}", hint=f"known scanners: {known}") from None
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ScannerError(f"scanner {name!r} is not available: {e}") from e
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, Scanner)):
        raise ScannerError(f"scanner {name!r}: {target} is not a Scanner class")
    return cls


def available() -> list[str]:
    """Registered names whose class can be imported right now."""
    found = []
    for name in names():
        try:
            scanner_class(name)
        except ScannerError:
            continue
        found.append(name)
    return found


def build(name: str, options: Mapping[str, Any] | None = None) -> Scanner:
    """Build the scanner ``name`` from policy options (ScannerError on bad ones)."""
    return scanner_class(name).from_options(options or {})
