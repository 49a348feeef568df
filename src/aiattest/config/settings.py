"""The one ``Settings`` object, and how it is loaded with errors that name their source.

Sources, highest priority first: keyword arguments, environment variables
(``AIATTEST_DATA_DIR``, nested ones as ``AIATTEST_LEDGER__ORIGIN``), then a TOML file
(``--config FILE``, or ``./aiattest.toml`` when it exists).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from aiattest.config.evidence import EvidenceSettings
from aiattest.config.gateway import GatewaySettings
from aiattest.config.guard import GuardSettings
from aiattest.config.ledger import LedgerSettings
from aiattest.errors import ConfigError

ENV_PREFIX = "AIATTEST_"
DEFAULT_CONFIG_FILE = Path("aiattest.toml")
_DB_SCHEMES = ("sqlite://", "postgresql+psycopg://")
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class Settings(BaseSettings):
    """Everything aiattest can be told; built once at the edge and passed in."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )
    toml_path: ClassVar[Path | None] = None

    data_dir: Path = Path(".aiattest")
    """Where the embedded database, keys and outputs live."""
    database_url: str | None = None
    """SQLAlchemy URL; default SQLite in ``data_dir``. PostgreSQL: ``postgresql+psycopg://``."""
    redis_url: str | None = None
    """Redis for shared rate limits and short-lived state; in-process when unset."""
    catalog_dir: Path | None = None
    """A directory of YAML files that extend or override the shipped control catalog."""
    ledger: LedgerSettings = Field(default_factory=LedgerSettings)
    """The evidence ledger."""
    guard: GuardSettings = Field(default_factory=GuardSettings)
    """The guard's default policy."""
    gateway: GatewaySettings = Field(default_factory=GatewaySettings)
    """The OpenAI-compatible gateway: providers, routes, resilience and limits."""
    evidence: EvidenceSettings = Field(default_factory=EvidenceSettings)
    """Thresholds of the automated checks and the check scheduler."""

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith("postgresql://"):
            # The bare scheme would pick psycopg2, which we do not ship; psycopg 3 it is.
            return "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not value.startswith(_DB_SCHEMES):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _known_redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(_REDIS_SCHEMES):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @property
    def db_url(self) -> str:
        """The database URL in effect: the configured one or SQLite inside ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'aiattest.db').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        """Whether the database in effect is the embedded SQLite file."""
        return self.db_url.startswith("sqlite")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if cls.toml_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls.toml_path))
        return tuple(sources)


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Load settings from ``overrides``, the environment and a TOML file.

    ``config`` names the TOML file; without it ``./aiattest.toml`` is read if present.
    Raises ConfigError with one line naming the setting and where its value came from.
    """
    toml_path = config
    if toml_path is None and DEFAULT_CONFIG_FILE.is_file():
        toml_path = DEFAULT_CONFIG_FILE
    toml_data: dict[str, Any] = {}
    if toml_path is not None:
        toml_data = _read_toml(toml_path)
    bound = type("BoundSettings", (Settings,), {"toml_path": toml_path})
    try:
        return bound(**overrides)  # type: ignore[no-any-return]
    except ValidationError as e:
        err = e.errors()[0]
        loc = [str(part) for part in err["loc"]]
        where = _source_of(loc, overrides, toml_path, toml_data)
        name = ".".join(loc) or "settings"
        raise ConfigError(
            f"invalid setting {name} ({where}): {err['msg']}",
            hint="see the Settings section of README.md for the accepted values",
        ) from e


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as e:
        raise ConfigError(f"config file {path} does not exist") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}") from e
    except OSError as e:
        raise ConfigError(f"config file {path} cannot be read: {e.strerror}") from e


def _source_of(
    loc: list[str], overrides: dict[str, Any], toml_path: Path | None, toml_data: dict[str, Any]
) -> str:
    """Say where the value at ``loc`` came from, in the order the sources take priority."""
    if loc and loc[0] in overrides:
        return "from a keyword argument"
    env_name = ENV_PREFIX + "__".join(part.upper() for part in loc)
    for name in (env_name, ENV_PREFIX + loc[0].upper() if loc else env_name):
        if any(key.upper() == name for key in os.environ):
            return f"from environment variable {name}"
    node: Any = toml_data
    for part in loc:
        if not isinstance(node, dict) or part not in node:
            break
        node = node[part]
    else:
        return f"from {toml_path}"
    if loc and loc[0] in toml_data:
        return f"from {toml_path}"
    return "from the defaults"
