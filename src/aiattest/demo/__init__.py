"""The main job behind ``aiattest demo``; it grows as capabilities land."""

from aiattest.demo.runner import CategoryCoverage, DemoReport, run_demo

__all__ = ["CategoryCoverage", "DemoReport", "run_demo"]
