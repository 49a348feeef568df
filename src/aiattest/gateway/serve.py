"""Running the gateway under uvicorn: the app factory each worker calls, and JSON logging."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

from fastapi import FastAPI

CONFIG_ENV = "AIAT_SERVE_CONFIG"
"""Where ``aiattest serve`` tells its workers the ``--config`` file (outside ``AIATTEST_*``,
which the settings would read as a setting)."""


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger and the message (already content-free)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        message = record.getMessage()
        try:
            parsed = json.loads(message)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            line.update(parsed)
        else:
            line["message"] = message
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's type only: messages and tracebacks may quote request content.
            line["error"] = record.exc_info[0].__name__
        return json.dumps(line, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for aiattest and uvicorn loggers."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("aiattest", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False


def build_app() -> FastAPI:
    """The app for one uvicorn worker, from the settings ``aiattest serve`` was given."""
    from aiattest.config import load_settings
    from aiattest.gateway.app import create_app
    from aiattest.gateway.tracing import configure_tracing

    configure_logging()
    configure_tracing()  # each worker exports its own spans when OTLP is configured
    config = os.environ.get(CONFIG_ENV)
    return create_app(load_settings(Path(config) if config else None))


def run(host: str, port: int, workers: int, config: Path | None) -> None:
    """Serve with uvicorn; several workers each build their own app from the same settings."""
    import uvicorn

    if config is not None:
        os.environ[CONFIG_ENV] = str(config.resolve())
    uvicorn.run(
        "aiattest.gateway.serve:build_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # the gateway logs each request itself, without content
        log_config=None,
        ws="none",
    )
