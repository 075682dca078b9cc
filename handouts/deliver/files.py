"""Atomic file writes: a reader (or a resumed batch) never sees a half-written file.

Data goes to a hidden ``.<name>.<random>.part`` file in the target's own folder
(same file system, so ``os.replace`` is atomic), is fsynced, then renamed over
the target. A process killed mid-write may leave a ``.part`` file behind, never
a truncated target.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

PART_SUFFIX = ".part"


def write_atomic(path: Path, data: bytes, *, follow_symlinks: bool = True) -> None:
    """Write ``data`` to ``path`` so that ``path`` is either old or complete.

    A file the user named (``-o``, ``--combine``): a symlink is written through to its
    target, which keeps the link (a clinic may link output files into a shared folder),
    and a device, pipe or socket (``/dev/stdout``, a FIFO) is written to directly:
    renaming a file over it would replace it. A file the project names itself in a
    folder it owns (``follow_symlinks=False``): a link planted there is replaced by the
    file, and whatever it pointed to is left alone.
    """
    if not follow_symlinks:
        with atomic_path(Path(path)) as tmp, open(tmp, "wb") as handle:
            handle.write(data)
        return
    if os.path.exists(path) and not os.path.isfile(path):  # both follow symlinks
        with open(path, "wb") as handle:
            handle.write(data)
        return
    with atomic_path(Path(os.path.realpath(path))) as tmp, open(tmp, "wb") as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path``.

    For writers that insist on a file name (reportlab, smtplib's ``.eml``
    helpers). If the ``with`` body raises, the temporary file is removed and
    ``path`` is left untouched.
    """
    path = Path(path)
    try:
        tmp = _create_part_file(path)
    except OSError as error:
        raise _named(error, path) from None
    try:
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, path)
    except BaseException as error:
        # BaseException too: a KeyboardInterrupt must not leave a .part file.
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        if isinstance(error, OSError) and error.errno and error.filename in (None, str(tmp)):
            raise _named(error, path) from None
        raise
    _fsync_dir(path.parent)


def _named(error: OSError, path: Path) -> OSError:
    """The error as the user's file's, not the hidden part file's (a full disk, say)."""
    return type(error)(error.errno, error.strerror, str(path))


def append_line(path: Path, line: str) -> None:
    """Add ``line`` to a log durably (fsynced before returning); never through a link.

    A log is a file the project names in a folder it owns: a symlink planted in its
    place is removed (its target is left alone) and a new log begun. A line cut short
    by a crash is ended first, so the new line is not glued onto it. Raises ``OSError``
    when the line cannot be stored (a full disk): callers decide what that stops.
    """
    if os.path.islink(path):
        os.unlink(path)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o666)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = "\n" + line
        data = line.encode("utf-8")
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same path, a symlink to it, or a hard link."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return Path(a).resolve() == Path(b).resolve()


def _create_part_file(path: Path) -> Path:
    """Create an empty, unique part file; mode 0o666 so the umask applies as usual."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{PART_SUFFIX}")
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself; not possible on every platform (Windows), so best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
