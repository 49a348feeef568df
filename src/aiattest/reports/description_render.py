"""Rendering of the system description (section III skeleton) as Markdown and as HTML.

The document is a list of parts, each optionally anchored. Markdown output marks anchors
with ``<a id>`` tags (GitHub and most renderers honour them); HTML output wraps each part
in a ``<section id>`` and renders its Markdown with raw HTML disabled, so register text can
never inject markup. Model cards and policies follow as appendices linked from the tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from aiattest.reports.interface import Appendix, Exporter, SystemDescription, anchor

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!])")
_CSS = """
body{font-family:Helvetica,Arial,sans-serif;color:#212121;margin:2rem auto;max-width:960px;
line-height:1.45;padding:0 1rem}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #e0e0e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}section.appendix{border-top:2px solid #e0e0e0;margin-top:2rem}
"""


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of the document."""

    markdown: str
    """Its Markdown."""
    anchor: str = ""
    """Id to link to (empty: none)."""
    appendix: bool = False
    """Whether it is an appendix."""


def md(text: str) -> str:
    """``text`` with Markdown syntax escaped and line breaks folded (safe in table cells)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def parts(d: SystemDescription) -> list[Part]:
    """The whole description, in order."""
    scope = f"as of {d.as_of.isoformat()}"
    if d.window is not None:
        scope = f"for the period {d.window[0].isoformat()} to {d.window[1].isoformat()}"
    intro = [
        f"# Description of the system: {md(d.organisation)}",
        "",
        f"Section III of the SOC 2 report, {scope}. Drafted by aiattest from the "
        "governance registers; management reviews, completes and asserts it.",
        "",
        "## 1. Company overview and services provided",
        "",
        f"{md(d.organisation)} provides the following AI-enabled services:",
        "",
        *(
            f"- **{md(s.name)}**: {md(s.description) or 'no description recorded'}"
            for s in d.systems
        ),
        "",
        "## 2. Principal service commitments and system requirements",
        "",
        "Management states here the commitments it makes to customers (availability, "
        "confidentiality of prompts and outputs, human oversight of automated decisions) "
        "and the requirements the system must meet to keep them.",
        "",
        "## 3. Components of the system",
        "",
        "### 3.1 AI systems: infrastructure and software",
        "",
        *_table(
            (
                "System",
                "Components",
                "Endpoints",
                "Data classes",
                "SLA tier",
                "Owners",
                "Automated decisions",
            ),
            (
                (
                    s.name,
                    ", ".join(s.components),
                    ", ".join(s.endpoints),
                    ", ".join(s.data_classes),
                    s.sla_tier,
                    ", ".join(s.owners),
                    "yes" if s.automated_decisions else "no",
                )
                for s in d.systems
            ),
        ),
        "### 3.2 Models in production",
        "",
        *_models(d),
        "### 3.3 Data",
        "",
        *_table(
            ("Dataset", "Classification", "Personal data", "Region", "Owner"),
            (
                (x.name, x.classification, "yes" if x.contains_pii else "no", x.region, x.owner)
                for x in d.datasets
            ),
        ),
        "### 3.4 People",
        "",
        "Active people and service accounts per platform role (separate roles for model "
        "developers, operators, consumers and auditors):",
        "",
        *_table(("Role", "Principals"), ((role, str(n)) for role, n in d.roles)),
        "### 3.5 Processes and procedures",
        "",
    ]
    for process in d.processes:
        intro += [f"#### {md(process.name)}", "", md(process.summary), ""]
    out = [Part("\n".join(intro))]
    out.append(Part("\n".join(_subservice(d))))
    out.append(Part("\n".join(_user_entity(d))))
    out += _appendices("Appendix A: Model cards", "A", d.model_cards)
    out += _appendices("Appendix B: Policies", "B", d.policies)
    return out


def _models(d: SystemDescription) -> list[str]:
    cards = {c.anchor for c in d.model_cards}
    rows = []
    for m in d.models:
        target = anchor("model-card", m.name, m.version)
        card = f"[card](#{target})" if target in cards else ""
        rows.append(
            f"| {md(m.name)} | {md(m.version)} | {md(m.system)} | {md(m.provider)} | "
            f"{md(m.risk_tier)} | {md(m.purpose)} | {card} |"
        )
    if not rows:
        return ["No model is in production.", ""]
    head = "| Model | Version | System | Provider | Risk tier | Purpose | Model card |"
    return [head, "|---|---|---|---|---|---|---|", *rows, ""]


def _subservice(d: SystemDescription) -> list[str]:
    lines = [
        "## 4. Sub-service organisations and complementary controls (CSOCs)",
        "",
        "The services rely on these sub-service organisations. For carved-out ones, the "
        "controls below are expected to be in place at the vendor; they are not tested in "
        "this report.",
        "",
        *_table(
            ("Vendor", "Kind", "Services", "Treatment", "SOC 2 report", "Period end"),
            (
                (
                    v.name,
                    v.kind,
                    ", ".join(v.services),
                    v.inclusion,
                    v.soc2_report_type,
                    v.soc2_period_end.isoformat() if v.soc2_period_end else "",
                )
                for v in d.vendors
            ),
        ),
    ]
    for v in d.vendors:
        if v.csocs:
            lines += [f"#### CSOCs of {md(v.name)}", ""]
            lines += [
                f"- **{md(c.id)}** {md(c.description)}{_criteria(c.criteria)}" for c in v.csocs
            ]
            lines.append("")
    notes = [(v.name, f) for v in d.vendors for f in v.findings]
    if notes:
        intro = f"What weakens reliance on a vendor on {d.as_of.isoformat()} (vendor review):"
        lines += ["#### Reliance notes", "", intro, ""]
        lines += [f"- {md(name)}: {md(finding)}" for name, finding in notes]
        lines.append("")
    return lines


def _user_entity(d: SystemDescription) -> list[str]:
    lines = [
        "## 5. Complementary user entity controls (CUECs)",
        "",
        "Customers must have these controls in place for the service's controls to "
        "achieve their objectives:",
        "",
    ]
    cuecs = [(v.name, c) for v in d.vendors for c in v.cuecs]
    if not cuecs:
        lines.append("No CUECs are recorded.")
    lines += [
        f"- **{md(c.id)}** {md(c.description)}{_criteria(c.criteria)} (because of {md(name)})"
        for name, c in cuecs
    ]
    lines.append("")
    return lines


def _appendices(title: str, letter: str, docs: Sequence[Appendix]) -> list[Part]:
    if not docs:
        return [Part(f"## {title}\n\nNone.\n")]
    toc = [f"## {title}", ""] + [
        f"{i}. [{md(doc.title)}](#{doc.anchor})" for i, doc in enumerate(docs, 1)
    ]
    out = [Part("\n".join(toc) + "\n")]
    for i, doc in enumerate(docs, 1):
        body = embed(doc.markdown)
        heading = f"### {letter}.{i} {md(doc.title)}"
        out.append(Part(f"{heading}\n\n{body}", anchor=doc.anchor, appendix=True))
    return out


def embed(markdown: str) -> str:
    """A standalone document made fit to sit under a level-3 heading: YAML front matter
    and the first top-level heading dropped, other headings moved down two levels."""
    lines = markdown.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            lines = lines[end + 1 :]
    out, dropped, fenced = [], False, False
    for line in lines:
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        heading = re.match(r"^(#{1,6})\s", line)
        if heading is None or fenced:
            out.append(line)
            continue
        hashes = heading.group(1)
        if len(hashes) == 1 and not dropped:
            dropped = True
            continue
        out.append("#" * min(len(hashes) + 2, 6) + line[len(hashes) :])
    return "\n".join(out).strip() + "\n"


def render_markdown(d: SystemDescription) -> str:
    """The description as one Markdown document."""
    chunks = []
    for part in parts(d):
        prefix = f'<a id="{part.anchor}"></a>\n\n' if part.anchor else ""
        chunks.append(prefix + part.markdown.rstrip() + "\n")
    return "\n".join(chunks)


def render_html(d: SystemDescription) -> str:
    """The description as one standalone HTML page."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    sections = []
    for part in parts(d):
        attrs = f' id="{escape(part.anchor)}"' if part.anchor else ""
        attrs += ' class="appendix"' if part.appendix else ""
        sections.append(f"<section{attrs}>\n{renderer.render(part.markdown)}</section>")
    title = escape(f"Description of the system: {d.organisation}")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    body = ["| " + " | ".join(md(v) for v in row) + " |" for row in rows]
    if not body:
        return ["None recorded.", ""]
    return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers), *body, ""]


def _criteria(criteria: Sequence[str]) -> str:
    return f" ({', '.join(md(c) for c in criteria)})" if criteria else ""


class DescriptionMarkdown(Exporter[SystemDescription]):
    """The system description as Markdown."""

    media_type = "text/markdown"
    suffix = ".md"

    def export(self, report: SystemDescription) -> bytes:
        """UTF-8 Markdown."""
        return render_markdown(report).encode("utf-8")


class DescriptionHtml(Exporter[SystemDescription]):
    """The system description as HTML."""

    media_type = "text/html"
    suffix = ".html"

    def export(self, report: SystemDescription) -> bytes:
        """UTF-8 HTML."""
        return render_html(report).encode("utf-8")
