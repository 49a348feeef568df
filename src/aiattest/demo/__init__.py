"""The main job behind ``aiattest demo``."""

from aiattest.demo.runner import DemoReport, demo_world, run_demo

__all__ = ["DemoReport", "demo_world", "run_demo"]
