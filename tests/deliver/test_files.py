"""Atomic writes never replace what the output path points at: links, pipes, devices."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from handouts.deliver.files import write_atomic


def test_a_symlink_is_written_through_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "handout.pdf"
    target.parent.mkdir()
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    write_atomic(link, b"%PDF-1")
    write_atomic(link, b"%PDF-2")
    assert link.is_symlink() and target.read_bytes() == b"%PDF-2"
    assert sorted(p.name for p in target.parent.iterdir()) == ["handout.pdf"]  # no part file


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    # A daemon: if the pipe were replaced, the reader would wait for ever.
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_atomic(fifo, b"%PDF-data")
    reader.join(timeout=5)
    assert received == [b"%PDF-data"]
    assert fifo.is_fifo()
    # Devices (/dev/stdout, /dev/null) take the same path: exists and is not a regular file.
    # Not tested on a real device: a regression would replace it for the whole machine.
