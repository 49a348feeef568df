"""``aiattest ledger`` end to end, and the export verified by a bare interpreter.

The export's verify.py runs under ``python -I -S``: isolated mode and no ``site``, so
site-packages (and with it ``cryptography``) cannot be imported; it must succeed with the
standard library alone and fail on tampered copies.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiattest.cli.app import app, exit_code_for
from aiattest.config import load_settings
from aiattest.errors import Error
from aiattest.ledger import Ledger
from aiattest.store import Database

from .conftest import make_entry

runner = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    if isinstance(result.exception, Error):  # what main() does for the installed script
        return exit_code_for(result.exception), result.exception.message
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _bare_python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-S", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def populated(monkeypatch: pytest.MonkeyPatch) -> Path:
    """An initialised deployment in the cwd with 130 entries; returns the data dir."""
    monkeypatch.setenv("AIATTEST_LEDGER__CHECKPOINT_EVERY_ENTRIES", "50")
    code, out = _cli("init")
    assert code == 0, out
    settings = load_settings()
    key = settings.data_dir / "keys" / "ledger-ed25519.pem"
    assert key.stat().st_mode & 0o777 == 0o600
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    entries = [make_entry(i) for i in range(130)]
    ledger.append_many(entries[:100])
    ledger.append_many(entries[100:])
    ledger.close()
    db.dispose()
    return settings.data_dir


def test_verify_prove_consistency_checkpoint_tail(populated: Path) -> None:
    code, out = _cli("ledger", "verify", "--json")
    assert code == 0, out
    assert json.loads(out)["tree_size"] == 130
    code, out = _cli("ledger", "prove", "17")
    proof = json.loads(out)
    assert code == 0
    assert (proof["leaf_index"], proof["tree_size"]) == (17, 130)
    assert len(proof["inclusion_path"]) == 8
    code, out = _cli("ledger", "consistency", "100", "130")
    assert code == 0
    assert json.loads(out)["first_size"] == 100
    code, out = _cli("ledger", "checkpoint")
    assert code == 0
    assert out.startswith("aiattest.local/ledger\n130\n")
    code, out = _cli("ledger", "tail", "-n", "2", "--json")
    assert [e["index"] for e in json.loads(out)] == [128, 129]
    code, out = _cli("ledger", "prove", "130")
    assert code == 2
    assert "no entry 130" in out


def test_verify_exits_1_naming_the_first_bad_index(populated: Path) -> None:
    raw = sqlite3.connect(populated / "aiattest.db")
    raw.execute("UPDATE ledger_entries SET body = body || ' ' WHERE idx = 42")
    raw.commit()
    raw.close()
    code, out = _cli("ledger", "verify")
    assert code == 1
    assert "first bad index 42" in out
    code, out = _cli("ledger", "verify", "--json")
    assert code == 1
    assert json.loads(out)["first_bad_index"] == 42


def test_export_verifies_with_the_standard_library_alone(populated: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "export"
    code, out = _cli("ledger", "export", str(out_dir))
    assert code == 0, out
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "README.txt", "checkpoints", "entries.jsonl", "ledger.vkey", "verify.py"
    ]  # fmt: skip
    assert len((out_dir / "entries.jsonl").read_bytes().splitlines()) == 130
    no_crypto = _bare_python("-c", "import cryptography")
    assert no_crypto.returncode != 0  # the bare interpreter really lacks site-packages
    ok = _bare_python(str(out_dir / "verify.py"), str(out_dir))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: 130 entries")

    def tampered(name: str, change: object) -> subprocess.CompletedProcess[str]:
        copy = tmp_path / name
        shutil.copytree(out_dir, copy)
        assert callable(change)
        change(copy)
        return _bare_python(str(copy / "verify.py"), str(copy))

    def edit_line(d: Path) -> None:
        lines = (d / "entries.jsonl").read_bytes().splitlines()
        lines[77] = lines[77].replace(b'"status":200', b'"status":201')
        (d / "entries.jsonl").write_bytes(b"\n".join(lines) + b"\n")

    def drop_last(d: Path) -> None:
        lines = (d / "entries.jsonl").read_bytes().splitlines()
        (d / "entries.jsonl").write_bytes(b"\n".join(lines[:-1]) + b"\n")

    def swap_lines(d: Path) -> None:
        lines = (d / "entries.jsonl").read_bytes().splitlines()
        lines[3], lines[4] = lines[4], lines[3]
        (d / "entries.jsonl").write_bytes(b"\n".join(lines) + b"\n")

    def forge_note(d: Path) -> None:
        note = sorted((d / "checkpoints").iterdir())[0]
        note.write_text(note.read_text().replace("\n100\n", "\n99\n"))

    def other_key(d: Path) -> None:
        vkey = (d / "ledger.vkey").read_text().strip()
        name, kid, material = vkey.split("+", 2)
        raw = bytearray(__import__("base64").b64decode(material))
        raw[5] ^= 1
        (d / "ledger.vkey").write_text(
            f"{name}+{kid}+{__import__('base64').b64encode(bytes(raw)).decode()}\n"
        )

    for name, change in [("edit", edit_line), ("drop", drop_last), ("swap", swap_lines),
                         ("note", forge_note), ("key", other_key)]:  # fmt: skip
        result = tampered(name, change)
        assert result.returncode == 1, (name, result.stdout)
        assert result.stderr.startswith("FAILED"), (name, result.stderr)


def test_export_refuses_a_non_empty_directory(populated: Path, tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = runner.invoke(app, ["ledger", "export", str(tmp_path / "full")])
    assert result.exit_code != 0
