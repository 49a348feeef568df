"""aiattest: SOC 2 readiness for AI systems, with runtime controls that write their own evidence."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aiattest")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
