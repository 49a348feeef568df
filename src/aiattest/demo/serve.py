"""After the demo: serve the gateway and its API on loopback until Ctrl-C."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn

from aiattest.config import Settings
from aiattest.demo.runner import DemoReport


def serve_demo(
    settings: Settings, report: DemoReport, *, port: int, say: Callable[[str], None]
) -> None:
    """Serve the demo organisation's gateway at 127.0.0.1:``port`` (Ctrl-C stops)."""
    from aiattest.gateway.app import create_app

    base = f"http://127.0.0.1:{port}"
    say(f"\nServing the API at {base} (Ctrl-C to stop). Keys for this session, shown once:")
    say(f"  admin (lena):               {report.admin_key}")
    say(f"  consumer (support-assistant): {report.consumer_key}")
    say("Try (the openai client: pip install openai):")
    say(f"  curl -s {base}/api/v1/routes -H 'authorization: Bearer {report.admin_key}'")
    say(
        f"  python -c \"from openai import OpenAI; c = OpenAI(base_url='{base}/v1', "
        f"api_key='{report.consumer_key}'); print(c.chat.completions.create("
        "model='support-chat', messages=[{'role': 'user', 'content': 'Hi'}])"
        '.choices[0].message.content)"'
    )
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False, log_config=None)  # fmt: skip
    uvicorn.Server(config).run()
