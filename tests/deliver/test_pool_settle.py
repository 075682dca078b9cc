"""A pool's worker process keeps what its first task loaded out of the collector's scans."""

from __future__ import annotations

import gc

import pytest

from handouts.deliver import pool


class Doubler:
    def run(self, task: int) -> int:
        return task * 2


def test_a_worker_settles_once_after_its_first_task(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(len(frozen)))
    monkeypatch.setattr(pool, "_RUNNER", Doubler())
    monkeypatch.setattr(pool, "_SETTLED", False)
    assert pool._run_task(2) == 4
    assert frozen == [0]  # after the first task: what it loaded now lives as long as the worker
    assert [pool._run_task(n) for n in (3, 4)] == [6, 8]
    assert frozen == [0]  # once


def test_a_run_in_this_process_never_freezes(monkeypatch: pytest.MonkeyPatch) -> None:
    """One worker runs in the calling process (the web page's): nothing is frozen there."""
    monkeypatch.setattr(gc, "freeze", lambda: pytest.fail("froze the calling process"))
    results: list[int] = []
    pool.execute([1, 2], 1, factory=Doubler, args=(), handle=results.append, failed=lambda t, r: -1)
    assert results == [2, 4]
