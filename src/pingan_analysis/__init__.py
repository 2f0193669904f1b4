"""pingan-analysis: Chinese cities' Ping An (平安建设) releases as validated, citable tables.

For researchers: ``from pingan_analysis import load_panel, load_mentions``. The loaders are
imported on first use, so that the ``pingan`` command starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.3.0"
__all__ = ["load_indicators", "load_manifest", "load_mentions", "load_panel", "load_reference"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("pingan_analysis.datasets"), name)
    raise AttributeError(f"module 'pingan_analysis' has no attribute {name!r}")
