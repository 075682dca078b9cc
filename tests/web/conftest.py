"""The web page's fixtures live in webpage.py, so test modules can import its helpers too."""

from webpage import client, clinic, workspace  # noqa: F401
