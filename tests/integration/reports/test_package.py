"""The auditor package end to end on a real ledger: it verifies (in-process and with the
stdlib-only ``verify.py`` under ``python3 -I -S``), and every tampering fails with a reason
that names the file: any byte of any member flipped, a member removed or added, a
checkpoint signed with another key when the key is pinned."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aiattest.assess import Window
from aiattest.catalog import load_catalog
from aiattest.config import Settings, load_settings
from aiattest.errors import ConfigError, InputError, LedgerError, VerificationError
from aiattest.evidence.runner import collect_window, items_digest
from aiattest.gateway.keys import create_key
from aiattest.governance.apply import apply_document
from aiattest.governance.document import load_document
from aiattest.governance.ledger_recorder import LedgerRecorder
from aiattest.governance.unit import organisation_id
from aiattest.ledger import Entry, EntryKind, Ledger
from aiattest.ledger.keys import ensure_signing_key, signing_key_path
from aiattest.ledger.note import NoteSigner
from aiattest.reports.package import build_package, layout, verify_package
from aiattest.roles import Role
from aiattest.store import Database
from tests.integration.governance.conftest import (  # noqa: F401 (fixtures re-used)
    SQLITE_ONLY,
    _postgres_template,
    _sqlite_template,
    db,
)

# The imported fixtures are re-declared as parameters below, which pyflakes reads as
# redefinitions (F811); that is how pytest fixtures are used.

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"


@dataclass
class World:
    """A deployment with registers, keys, check results and traffic in the ledger."""

    db: Database
    ledger: Ledger
    settings: Settings
    org: uuid.UUID
    window: Window
    data_dir: Path


def make_world(
    db: Database,  # noqa: F811
    data_dir: Path,
) -> Iterator[World]:
    """The example organisation with two API keys, the RBAC control's checks collected for
    yesterday and today, audit events and uploaded-evidence entries; a signing key."""
    settings = load_settings(data_dir=data_dir)
    ensure_signing_key(signing_key_path(settings))
    ledger = Ledger.from_settings(db, settings)
    try:
        apply_document(db, LedgerRecorder(ledger), load_document(EXAMPLE), "dana")
        with db.session() as session:
            org = organisation_id(session, "northwind")
        create_key(db, principal="svc-support", role=Role.CONSUMER, tenant="northwind")
        create_key(db, principal="ops-1", role=Role.OPERATOR, tenant="northwind")
        now = datetime.now(UTC)
        window = Window(now.date() - timedelta(days=1), now.date())
        start_ms = int(datetime.combine(window.start, datetime.min.time(), UTC).timestamp() * 1000)
        ledger.append_many(
            Entry(EntryKind.AUDIT_EVENT, start_ms + i * 1000, "svc:gateway", (f"req-{i}",),
                  {"status": 200, "tokens_in": i})
            for i in range(300)
        )  # fmt: skip
        ledger.append_many(
            Entry(
                EntryKind.EVIDENCE, start_ms + 400_000 + i, "dana", ("ctl",), {"sha256": "ab" * 32}
            )
            for i in range(3)
        )
        collect_window(db, ledger, settings, load_catalog(), org, window,
                       controls=["rbac-separate-roles"], now=now)  # fmt: skip
        yield World(db, ledger, settings, org, window, data_dir)
    finally:
        ledger.close()


@pytest.fixture
def world(
    db: Database,  # noqa: F811
    tmp_path: Path,
) -> Iterator[World]:
    """The world on SQLite and PostgreSQL."""
    yield from make_world(db, tmp_path / "data")


def build(world: World, out: Path, **kwargs: object) -> Path:
    """Build the package of the world's window into ``out``."""
    build_package(world.db, world.ledger, world.settings, world.org, world.window, out, **kwargs)  # type: ignore[arg-type]
    return out


def bare_verify(
    verifier_dir: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a package's verify.py with an isolated interpreter and no site-packages."""
    return subprocess.run(
        [sys.executable, "-I", "-S", str(verifier_dir / "verify.py"), *args],
        check=False, capture_output=True, text=True, timeout=120, cwd=cwd,
    )  # fmt: skip


def members(path: Path) -> dict[str, bytes]:
    """The files of a zip by name."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rewrite(src: Path, dst: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """Copy a zip with its members changed by ``change``."""
    files = members(src)
    change(files)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return dst


def test_package_verifies_with_its_contents(world: World, tmp_path: Path) -> None:
    def write_extras(folder: Path) -> None:
        (folder / "oscal").mkdir()
        (folder / "oscal" / "ssp.json").write_text('{"system-security-plan": {}}')

    pkg = tmp_path / "pkg.zip"
    report = build_package(world.db, world.ledger, world.settings, world.org, world.window, pkg,
                           extra_files=write_extras)  # fmt: skip
    verified = verify_package(pkg, expected_key=report.key_fingerprint)
    assert verified.key_pinned
    assert (verified.first_index, verified.end_index) == (report.first_index, report.end_index)
    assert verified.entries == report.end_index - report.first_index >= 300
    assert verified.tree_size == report.tree_size == report.package_index + 1
    assert verified.inclusion_proofs == report.inclusion_proofs
    files = members(pkg)
    results = [json.loads(line) for line in files[layout.CHECK_RESULTS].splitlines()]
    assert verified.check_results == len(results) == report.check_results > 0
    assert {r["control_id"] for r in results} == {"rbac-separate-roles"}
    assert any(r["items"] for r in results)  # the two keys are in the population
    for r in results:
        assert items_digest(r["items"]) == r["items_sha256"]
    kinds = [json.loads(line)["body"]["kind"] for line in files[layout.ENTRIES].splitlines()]
    assert report.inclusion_proofs == sum(k in ("control_result", "evidence") for k in kinds)
    assert kinds.count("evidence") >= 3
    assert any(n.startswith("policies/") and n.endswith(".md") for n in files)
    assert any(n.startswith("model-cards/") for n in files)
    assert files["oscal/ssp.json"] == b'{"system-security-plan": {}}'
    manifest = json.loads(files[layout.MANIFEST])
    assert manifest["organisation"]["slug"] == "northwind"
    assert manifest["window"] == {"start": str(world.window.start), "end": str(world.window.end)}
    assert set(manifest["files"]) == set(files) - {layout.MANIFEST}
    assert (
        world.ledger.entry(report.package_index).record()["payload"]["artifact"] == layout.ARTIFACT
    )

    folder = tmp_path / "extracted"
    with zipfile.ZipFile(pkg) as zf:
        zf.extractall(folder)
    done = bare_verify(folder, str(pkg), "--key", report.key_fingerprint)
    assert done.returncode == 0, done.stderr
    assert f"entries {verified.entries}" in done.stdout
    alone = tmp_path / "alone"  # verify.py by itself loads its helpers from the zip
    with zipfile.ZipFile(pkg) as zf:
        zf.extract(layout.VERIFIER, alone)
    done = bare_verify(alone, str(pkg))
    assert done.returncode == 0, done.stderr
    inside = bare_verify(folder, cwd=folder)
    assert inside.returncode == 0, inside.stderr
    assert not (folder / "__pycache__").exists()
    assert verify_package(folder).entries == verified.entries


@pytest.fixture
def sqlite_world(
    tmp_path: Path,
    _sqlite_template: Path,  # noqa: F811
) -> Iterator[World]:
    """The world on SQLite only (tampering does not depend on the database)."""
    import shutil

    path = tmp_path / "world.db"
    shutil.copyfile(_sqlite_template, path)
    database = Database(f"sqlite:///{path.as_posix()}")
    try:
        yield from make_world(database, tmp_path / "data")
    finally:
        database.dispose()


@pytest.fixture
def package(sqlite_world: World, tmp_path: Path) -> tuple[Path, Path, str]:
    """(package zip, folder with its pristine verifier, key fingerprint)."""
    pkg = build(
        sqlite_world, tmp_path / "pkg.zip", extra_files={"reports/readiness.html": b"<p>ok</p>"}
    )
    folder = tmp_path / "trusted"
    with zipfile.ZipFile(pkg) as zf:
        for name in (layout.VERIFIER, layout.LAYOUT, layout.LEDGER_VERIFIER):
            zf.extract(name, folder)
    fingerprint = json.loads(members(pkg)[layout.MANIFEST])["ledger"]["key_fingerprint"]
    return pkg, folder, fingerprint


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_any_flipped_byte_of_any_member_fails(
    package: tuple[Path, Path, str], tmp_path: Path
) -> None:
    pkg, trusted, _ = package
    files = members(pkg)
    for name, data in files.items():
        assert data, name
        for at in sorted({0, len(data) // 3, len(data) // 2, len(data) - 1}):
            bad = rewrite(
                pkg, tmp_path / "bad.zip", lambda f, n=name, a=at: f.update({n: _flip(f[n], a)})
            )
            with pytest.raises(VerificationError) as caught:
                verify_package(bad)
            assert name in str(caught.value), (name, at, str(caught.value))
        done = bare_verify(trusted, str(bad))
        assert done.returncode == 1, (name, done.stdout)
        assert "FAILED" in done.stderr
        assert name in done.stderr, (name, done.stderr)


def test_each_byte_of_the_manifest_matters(package: tuple[Path, Path, str], tmp_path: Path) -> None:
    """Every byte of manifest.json is a checked hash, a checked count, or a fact the signed
    log commits to: no flip goes unnoticed (checked on the extracted folder, which verifies
    the same way and spares re-zipping per byte)."""
    pkg, _, _ = package
    folder = tmp_path / "folder"
    with zipfile.ZipFile(pkg) as zf:
        zf.extractall(folder)
    raw = (folder / layout.MANIFEST).read_bytes()
    verify_package(folder)
    # Every byte outside the file list; in the file list (the same few shapes per file,
    # hex digests and sizes) every 7th byte, which still lands on each kind of character.
    files_start, files_end = raw.index(b'"files"'), raw.index(b"\n },\n") + 4
    positions = [
        *range(files_start),
        *range(files_start, files_end, 7),
        *range(files_end, len(raw)),
    ]
    assert len(positions) > len(raw) // 5
    for at in positions:
        (folder / layout.MANIFEST).write_bytes(_flip(raw, at))
        with pytest.raises(VerificationError):
            verify_package(folder)


def test_removed_or_added_members_fail(package: tuple[Path, Path, str], tmp_path: Path) -> None:
    pkg, trusted, _ = package
    for name in [layout.RANGE_PROOF, "reports/readiness.html", layout.VERIFIER, layout.MANIFEST]:
        bad = rewrite(pkg, tmp_path / "bad.zip", lambda f, n=name: f.pop(n))
        with pytest.raises(VerificationError, match="missing") as caught:
            verify_package(bad)
        assert name in str(caught.value)
    bad = rewrite(pkg, tmp_path / "bad.zip", lambda f: f.update({"notes/extra.txt": b"x"}))
    with pytest.raises(VerificationError, match=r"notes/extra\.txt: in the package but not listed"):
        verify_package(bad)
    done = bare_verify(trusted, str(bad))
    assert done.returncode == 1
    assert "notes/extra.txt" in done.stderr


def test_checkpoint_signed_with_another_key_fails_when_pinned(
    package: tuple[Path, Path, str], sqlite_world: World, tmp_path: Path
) -> None:
    pkg, trusted, fingerprint = package
    forger = NoteSigner(sqlite_world.settings.ledger.origin, Ed25519PrivateKey.generate())
    files = members(pkg)
    text = files[layout.CHECKPOINT].decode()
    forged_note = forger.sign(text[: text.rfind("\n\n") + 1])

    def forge(f: dict[str, bytes]) -> None:
        f[layout.CHECKPOINT] = forged_note.encode()
        f[layout.PUBLIC_KEY] = (forger.verifier().vkey() + "\n").encode()
        manifest = json.loads(f[layout.MANIFEST])
        manifest["ledger"]["key_fingerprint"] = layout.fingerprint(forger.verifier().vkey())
        for name in (layout.CHECKPOINT, layout.PUBLIC_KEY):
            manifest["files"][name] = {"sha256": hashlib.sha256(f[name]).hexdigest(),
                                       "size": len(f[name])}  # fmt: skip
        f[layout.MANIFEST] = layout.manifest_bytes(manifest)

    bad = rewrite(pkg, tmp_path / "forged.zip", forge)
    with pytest.raises(
        VerificationError, match=r"ledger/public-key\.txt: key sha256:\w+ is not the pinned"
    ):
        verify_package(bad, expected_key=fingerprint)
    done = bare_verify(trusted, str(bad), "--key", fingerprint)
    assert done.returncode == 1
    assert "is not the pinned key" in done.stderr
    # Unpinned it still fails: the manifest's key is part of what the signed log committed to.
    with pytest.raises(VerificationError, match=r"manifest\.json"):
        verify_package(bad)


def test_a_whole_package_from_another_ledger_only_fails_when_pinned(
    package: tuple[Path, Path, str],
    tmp_path: Path,
    _sqlite_template: Path,  # noqa: F811, PT019 (its value, a path, is used)
) -> None:
    """A forger with a ledger and key of their own can build a consistent package; pinning
    the operator's key is what tells it apart."""
    import shutil

    _, _, fingerprint = package
    shutil.copyfile(_sqlite_template, tmp_path / "forger.db")
    forger_db = Database(f"sqlite:///{(tmp_path / 'forger.db').as_posix()}")
    worlds = make_world(forger_db, tmp_path / "forger")
    try:
        forged = build(next(worlds), tmp_path / "forger.zip")
        assert verify_package(forged).entries > 0
        with pytest.raises(VerificationError, match="is not the pinned key"):
            verify_package(forged, expected_key=fingerprint)
    finally:
        worlds.close()
        forger_db.dispose()


def test_an_empty_window_still_verifies(sqlite_world: World, tmp_path: Path) -> None:
    sqlite_world.window = Window(date(2001, 1, 1), date(2001, 1, 2))
    pkg = build(sqlite_world, tmp_path / "empty.zip")
    report = verify_package(pkg)
    assert (report.entries, report.check_results, report.inclusion_proofs) == (0, 0, 0)


def test_bad_input_is_refused(sqlite_world: World, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="reserved"):
        build(sqlite_world, tmp_path / "x.zip", extra_files={"ledger/entries.jsonl": b""})
    with pytest.raises(InputError, match="does not exist"):
        build(sqlite_world, tmp_path / "nowhere" / "x.zip")
    other = sqlite_world.settings.model_copy(
        update={"ledger": sqlite_world.settings.ledger.model_copy(update={"origin": "x.test/log"})}
    )
    with pytest.raises(ConfigError, match="signs as"):
        build_package(sqlite_world.db, sqlite_world.ledger, other, sqlite_world.org,
                      sqlite_world.window, tmp_path / "x.zip")  # fmt: skip
    unsigned = Ledger(sqlite_world.db, sqlite_world.settings.ledger)
    try:
        with pytest.raises(LedgerError, match="no signing key"):
            build_package(sqlite_world.db, unsigned, sqlite_world.settings, sqlite_world.org,
                          sqlite_world.window, tmp_path / "x.zip")  # fmt: skip
    finally:
        unsigned.close()
    assert not list(tmp_path.glob("*.zip"))
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(VerificationError, match="no such package"):
        verify_package(tmp_path / "missing.zip")


def test_a_kept_verify_py_runs_only_the_helpers_it_was_shipped_with(
    package: tuple[Path, Path, str], tmp_path: Path
) -> None:
    pkg, trusted, _ = package
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / layout.VERIFIER).write_bytes((trusted / layout.VERIFIER).read_bytes())
    assert bare_verify(alone, str(pkg)).returncode == 0

    def swap_helper(f: dict[str, bytes]) -> None:
        # A helper that accepts anything, with the manifest updated to match it.
        f[layout.LAYOUT] += b"\nraise SystemExit(0)\n"
        manifest = json.loads(f[layout.MANIFEST])
        manifest["files"][layout.LAYOUT] = {
            "sha256": hashlib.sha256(f[layout.LAYOUT]).hexdigest(),
            "size": len(f[layout.LAYOUT]),
        }
        f[layout.MANIFEST] = layout.manifest_bytes(manifest)

    bad = rewrite(pkg, tmp_path / "bad.zip", swap_helper)
    done = bare_verify(alone, str(bad))
    assert done.returncode == 1
    assert "package_layout.py is not the one this verify.py was shipped with" in done.stderr
