"""What every OSCAL document of the export shares: the OSCAL version, our property
namespace, deterministic UUIDs, control ids as OSCAL tokens, properties and metadata."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from aiattest import __version__

OSCAL_VERSION = "1.1.2"
"""The OSCAL release the documents are written to."""
NS = "urn:aiattest:oscal"
"""Namespace of our own property and part names (an absolute URI, as OSCAL requires)."""
_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, NS)
"""Root of every UUID the export derives; fixed, so exports are reproducible."""
_TOKEN = re.compile(r"^[_A-Za-z][_A-Za-z0-9.\-]*$")

Json = dict[str, Any]
"""A JSON object as the builders assemble it."""


class Uuids:
    """Version-5 UUIDs derived from the organisation and the ids of what they name.

    The same organisation and ids always give the same UUID, so two exports of the same
    data are identical and an auditor can diff them; different organisations never collide.
    """

    def __init__(self, organisation: str) -> None:
        self._base = uuid.uuid5(_ROOT, organisation)

    def __call__(self, *ids: str) -> str:
        """The UUID of the thing named by ``ids`` (e.g. ``("component", "gateway")``)."""
        # A unit separator cannot occur in our ids, so ("a", "b-c") and ("a-b", "c") differ.
        return str(uuid.uuid5(self._base, "\x1f".join(ids)))


def control_token(control_id: str) -> str:
    """Our control id as an OSCAL token.

    Kebab-case slugs are already tokens unless they start with a digit; those get a
    leading underscore (slugs never start with one, so the mapping is reversible).
    """
    token = control_id if _TOKEN.match(control_id) else f"_{control_id}"
    if not _TOKEN.match(token):
        raise ValueError(f"control id {control_id!r} cannot be made an OSCAL token")
    return token


def statement_id(control_id: str) -> str:
    """The id of a control's statement part (the target of its findings)."""
    return f"{control_token(control_id)}_smt"


def line(text: str) -> str:
    """``text`` on one trimmed line: OSCAL titles, names and property values are single-line."""
    return " ".join(text.split())


def prop(name: str, value: object, *, cls: str | None = None) -> Json:
    """One property in our namespace (OSCAL names outside its own list need a namespace).

    Whitespace runs become one space: OSCAL property values are single-line and trimmed.
    """
    data: Json = {"name": name, "ns": NS, "value": line(str(value))}
    if cls is not None:
        data["class"] = cls
    return data


def props(name: str, values: Iterable[object], *, cls: str | None = None) -> list[Json]:
    """One property per value, skipping empty ones (OSCAL values may not be blank)."""
    return [prop(name, v, cls=cls) for v in values if str(v).strip()]


def timestamp(moment: datetime) -> str:
    """An OSCAL date-time with time zone, in UTC to the second (naive times are UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def day_start(day: date) -> str:
    """The first second of a UTC day."""
    return timestamp(datetime.combine(day, time.min, tzinfo=UTC))


def day_end(day: date) -> str:
    """The last second of a UTC day."""
    return timestamp(datetime.combine(day, time(23, 59, 59), tzinfo=UTC))


def fingerprint(body: Json) -> str:
    """A short SHA-256 of a document's content, used as its version: same content, same
    version; any change to the content, a new version."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def metadata(title: str, generated_at: datetime, body: Json, **extra: Any) -> Json:
    """The metadata of a document: title, last-modified, version, oscal-version, then
    ``extra`` fields (roles, parties, ...) under their OSCAL names."""
    data: Json = {
        "title": line(title),
        "last-modified": timestamp(generated_at),
        "version": fingerprint({"title": title, **extra, "body": body}),
        "oscal-version": OSCAL_VERSION,
        "props": [prop("generator", f"aiattest {__version__}")],
    }
    data.update(extra)
    return data


def document(root: str, uuid_: str, meta: Json, body: Json) -> Json:
    """``{root: {uuid, metadata, ...body}}``: the uuid and metadata come first, as in
    NIST's examples."""
    return {root: {"uuid": uuid_, "metadata": meta, **body}}
