"""Run tasks in worker processes, a few at a time, handing each result back as it comes.

Knows nothing of handouts: the batch gives it a worker class, that class's
arguments, and what a task's failure looks like.

* Each worker process builds one worker object (``factory(*args)``) and keeps it:
  content is parsed and fonts registered once per process.
* With one worker (or one task) everything runs in this process, without a pool.
* Only a few tasks are handed to the pool at a time, so Ctrl-C stops after the
  tasks in hand instead of finishing a long queue first. Ctrl-C is this process's
  to handle: workers ignore it and finish the task they are on.
* A worker process that dies fails its task (``failed``), never the others.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

BROKEN_POOL = "a worker process stopped unexpectedly (rerun with --resume)"


class Runner(Protocol):
    """A worker object: runs one task at a time."""

    def run(self, task: Any) -> Any: ...


_RUNNER: Any = None  # the worker object of this process


def execute(
    tasks: Sequence[T],
    workers: int,
    *,
    factory: Callable[..., Runner],
    args: tuple[Any, ...],
    handle: Callable[[R], None],
    failed: Callable[[T, str], R],
    local: Callable[[], Runner] | None = None,
) -> None:
    """Run every task; ``handle`` each result in this process as it arrives.

    ``local`` makes the worker for a run without a pool (default ``factory(*args)``).
    """
    if not tasks:
        return
    workers = min(workers, len(tasks))
    if workers <= 1:
        runner = local() if local else factory(*args)
        for task in tasks:
            handle(runner.run(task))
        return
    from concurrent.futures.process import BrokenProcessPool

    pending = list(reversed(tasks))
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(factory, args)
    )
    try:
        running: dict[Future, T] = {}
        while pending or running:
            while pending and len(running) < 2 * workers:
                task = pending.pop()
                try:
                    running[pool.submit(_run_task, task)] = task
                except BrokenProcessPool:  # a worker died: the tasks left fail, not the batch
                    handle(failed(task, BROKEN_POOL))
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                handle(_result(future, running.pop(future), failed))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: do not wait for queued tasks
        raise
    pool.shutdown()


def _result(future: Future, task: T, failed: Callable[[T, str], R]) -> R:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        return failed(task, BROKEN_POOL)
    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled
        return failed(task, f"unexpected {type(exc).__name__}: {exc}")


def _init_worker(factory: Callable[..., Runner], args: tuple[Any, ...]) -> None:
    """Pool initializer: make this process's worker once."""
    global _RUNNER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(os.getppid())
    _RUNNER = factory(*args)


def _run_task(task: Any) -> Any:
    global _SETTLED
    if _RUNNER is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker not initialised")
    result = _RUNNER.run(task)
    if not _SETTLED:
        _SETTLED = True
        settle()
    return result


_SETTLED = False  # whether this worker process has settled after its first task


def settle() -> None:
    """After a worker process's first task: what it holds now (content, fonts, what its
    first task laid out for the next) stays for the life of the process, so the garbage
    collector's full scans leave it alone (``gc.freeze``) instead of walking it again
    every few tasks. Only in a pool's worker processes: a long-running process (the web
    page) would keep for ever what it later drops."""
    import gc

    gc.collect()
    gc.freeze()


def exit_with_parent(parent: int, every: float = 1.0) -> None:
    """Leave when the parent is gone: a parent killed with -9 cannot stop its workers.

    They would otherwise wait for tasks for ever, holding the terminal's output open.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
