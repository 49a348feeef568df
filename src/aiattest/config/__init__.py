"""Settings from the environment (``AIATTEST_*``) and an optional ``aiattest.toml``."""

from aiattest.config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
