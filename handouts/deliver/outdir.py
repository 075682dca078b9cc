"""A batch's output folder: owned by one batch for its run, written only as real files.

Two batches writing one folder at once would mix up patients (one's print file or
e-mail picking up the other's ``sam-lee.pdf``). :func:`claim` takes an operating
system lock on a hidden file in the folder for the whole run: a second batch is
refused in one line, and the lock goes with the process, so a batch killed with
``kill -9`` never leaves the folder stuck (there is no pid file to clean up; the pid
written into the lock file only names the holder in the message).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from handouts.errors import HandoutsError

LOCK_NAME = ".handouts-batch.lock"

_held: set[int] = set()  # lock descriptors of this process, closed in forked workers


class FolderBusy(HandoutsError):
    """Another batch is writing into this output folder."""


@contextlib.contextmanager
def claim(folder: Path) -> Iterator[Path]:
    """Own ``folder`` (created if missing) until the ``with`` ends; yields the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    if path.is_symlink():
        path.unlink()  # planted: never lock (or write) through it
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        if not _try_lock(fd):
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise FolderBusy(
                f"{folder} is in use by another batch{who}; "
                "wait for it to finish, or choose another --out-dir"
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _held.add(fd)
        try:
            yield folder
        finally:
            _held.discard(fd)
    finally:
        os.close(fd)  # releases the lock


def real_folder(path: Path) -> Path:
    """``path`` as a folder of the output folder's own: a planted symlink is replaced."""
    if path.is_symlink():
        path.unlink()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _close_in_child() -> None:
    """A forked worker drops its copy of the lock, so the lock ends with the batch itself."""
    for fd in list(_held):
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)
