"""Which ``handouts.yaml`` a run uses: ``--config``, ``HANDOUTS_CONFIG``, or the nearest one.

The nearest one is found as git finds ``.git``: in the working folder, then in each
folder above it. A command run from a workspace's ``output/`` or ``exercises/``
folder then still uses the clinic's brand, not the demo brand.
"""

from __future__ import annotations

from pathlib import Path

CONFIG_ENV = "HANDOUTS_CONFIG"  # names the file directly, like --config
WORKSPACE_FILE = "handouts.yaml"


def find_workspace_file(cwd: Path, given: Path | None = None) -> Path | None:
    """``given`` (from --config or HANDOUTS_CONFIG), else the nearest handouts.yaml upward."""
    if given is not None:
        return Path(given)
    cwd = Path(cwd).absolute()
    for folder in (cwd, *cwd.parents):
        candidate = folder / WORKSPACE_FILE
        if candidate.is_file():
            return candidate
    return None
