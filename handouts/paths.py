"""Where the built-in content and templates live.

In an installed wheel they are package data under ``handouts/_data``; in a
source checkout they are the top-level ``content/`` and ``templates/`` folders.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_DATA_DIR = PACKAGE_DIR / "_data"
_CHECKOUT_DIR = PACKAGE_DIR.parent


def _data_path(name: str) -> Path:
    installed = _DATA_DIR / name
    return installed if installed.is_dir() else _CHECKOUT_DIR / name


def builtin_content_dir() -> Path:
    return _data_path("content")


def templates_dir() -> Path:
    return _data_path("templates")
