"""Options shared by every command (``--config``, ``--debug``) and the settings they select."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from aiattest.config import Settings, load_settings


@dataclass
class CliState:
    """What the root callback parsed; settings are loaded on first use."""

    config: Path | None = None
    debug: bool = False
    _settings: Settings | None = None

    def settings(self) -> Settings:
        """The settings for this invocation (raises ConfigError with a clear message)."""
        if self._settings is None:
            self._settings = load_settings(self.config)
        return self._settings


def settings_from(ctx: typer.Context) -> Settings:
    """Settings of the running command."""
    state = ctx.find_root().obj
    assert isinstance(state, CliState)
    return state.settings()
