"""Settings: sources, priority, defaults and one-line errors that name the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiattest.config import load_settings
from aiattest.errors import ConfigError


def test_defaults_use_sqlite_in_the_data_dir() -> None:
    settings = load_settings()
    assert settings.data_dir == Path(".aiattest")
    assert settings.db_url == "sqlite:///.aiattest/aiattest.db"
    assert settings.is_sqlite
    assert settings.redis_url is None


def test_toml_in_cwd_is_read(tmp_path: Path) -> None:
    (tmp_path / "aiattest.toml").write_text('data_dir = "store"\n[ledger]\norigin = "x.test/log"\n')
    settings = load_settings()
    assert settings.data_dir == Path("store")
    assert settings.ledger.origin == "x.test/log"
    assert settings.db_url == "sqlite:///store/aiattest.db"


def test_env_beats_toml_and_nested_env_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "other.toml"
    config.write_text('data_dir = "from-toml"\n')
    monkeypatch.setenv("AIATTEST_DATA_DIR", "from-env")
    monkeypatch.setenv("AIATTEST_LEDGER__ORIGIN", "env.test/log")
    settings = load_settings(config)
    assert settings.data_dir == Path("from-env")
    assert settings.ledger.origin == "env.test/log"


def test_plain_postgresql_scheme_is_normalised_to_psycopg3() -> None:
    settings = load_settings(database_url="postgresql://u@h/db")
    assert settings.db_url == "postgresql+psycopg://u@h/db"
    assert not settings.is_sqlite


def test_bad_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIATTEST_DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = info.value.message
    assert "database_url" in message
    assert "environment variable AIATTEST_DATABASE_URL" in message
    assert "\n" not in message


def test_bad_toml_value_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('redis_url = "http://nope"\n')
    with pytest.raises(ConfigError, match=r"redis_url \(from .*c\.toml\)"):
        load_settings(config)


def test_unknown_toml_key_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('databse_url = "sqlite://"\n')
    with pytest.raises(ConfigError, match=r"databse_url \(from .*c\.toml\)"):
        load_settings(config)


def test_missing_and_malformed_config_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("data_dir = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(broken)


def test_bad_keyword_argument_is_named() -> None:
    with pytest.raises(ConfigError, match=r"redis_url \(from a keyword argument\)"):
        load_settings(redis_url="ftp://x")
