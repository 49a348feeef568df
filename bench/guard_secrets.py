"""Secrets benchmark: aiattest's SecretsScanner against detect-secrets (default plugins,
scanning each line through its Python API) on one generated corpus.

Recall per subtype (a line counts when the tool reports anything on it), false positives
on negative lines, lines/s and ratios. Writes bench/results/guard_secrets.json.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import cast

from bench.corpora.secrets_corpus import generate

RESULTS = Path(__file__).parent / "results" / "guard_secrets.json"


def aiattest_detector() -> Callable[[str], bool]:
    """True when our scanner reports a SECRET on the line."""
    from aiattest.guard.interface import ScanContext
    from aiattest.guard.secrets import SecretsScanner

    scanner, ctx = SecretsScanner(), ScanContext()
    return lambda line: bool(scanner.scan(line, ctx))


def detect_secrets_flags(lines: list[str]) -> tuple[list[bool], float]:
    """Lines detect-secrets (default plugins and filters) flags, and the seconds it took.

    The lines go through a file and ``scan_file``, the path ``detect-secrets scan`` uses;
    its ad-hoc ``scan_line`` runs an eager search that flags almost every word.
    """
    import tempfile

    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with default_settings():
            start = time.perf_counter()
            found = {s.line_number for s in scan_file(str(path))}
            elapsed = time.perf_counter() - start
    return [i + 1 in found for i in range(len(lines))], elapsed


def ours_flags(lines: list[str]) -> tuple[list[bool], float]:
    """Lines our scanner flags, and the seconds it took."""
    detect = aiattest_detector()
    start = time.perf_counter()
    flags = [detect(line) for line in lines]
    return flags, time.perf_counter() - start


def evaluate(
    lines: list[tuple[str, str | None]], flags: list[bool], elapsed: float
) -> dict[str, object]:
    """Recall per subtype, false positives on negatives, and lines per second."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    false_pos = negatives = 0
    for (_, subtype), flagged in zip(lines, flags, strict=True):
        if subtype is None:
            negatives += 1
            false_pos += flagged
        else:
            totals[subtype] += 1
            hits[subtype] += flagged
    recall = {k: round(hits[k] / totals[k], 4) for k in sorted(totals)}
    return {
        "recall_per_subtype": recall,
        "recall_overall": round(sum(hits.values()) / sum(totals.values()), 4),
        "false_positives": false_pos,
        "negatives": negatives,
        "fp_rate": round(false_pos / negatives, 4),
        "lines_per_s": round(len(lines) / elapsed, 1),
    }


def main() -> None:
    """Run both tools on one corpus, print recall, FP and speed ratios, write the JSON."""
    lines = generate()
    texts = [text for text, _ in lines]
    ours = evaluate(lines, *ours_flags(texts))
    peer = evaluate(lines, *detect_secrets_flags(texts))
    print(f"{'subtype':22} {'aiattest':>9} {'detect-secrets':>15}")
    ours_recall = cast(dict[str, float], ours["recall_per_subtype"])
    peer_recall = cast(dict[str, float], peer["recall_per_subtype"])
    for k, v in ours_recall.items():
        print(f"{k:22} {v:9.3f} {peer_recall[k]:15.3f}")
    print(f"overall recall: aiattest {ours['recall_overall']}, ", end="")
    print(f"detect-secrets {peer['recall_overall']}")
    fp_ours, fp_peer = ours["false_positives"], peer["false_positives"]
    print(f"false positives on {ours['negatives']} negative lines: ", end="")
    print(f"aiattest {fp_ours}, detect-secrets {fp_peer}")
    ratio = cast(float, ours["lines_per_s"]) / cast(float, peer["lines_per_s"])
    print(f"lines/s: aiattest {ours['lines_per_s']}, detect-secrets {peer['lines_per_s']} "
          f"(ratio {ratio:.1f}x)")  # fmt: skip
    result = {"corpus": {"lines": len(lines)}, "aiattest": ours, "detect_secrets": peer,
              "ratios": {"lines_per_s": round(ratio, 2)}}  # fmt: skip
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
