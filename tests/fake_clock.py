"""A fake clock for the mailer's rate limit and retries: no test waits."""

from __future__ import annotations


class FakeTime:
    """Clock and sleep for the mailer: sleeping advances the clock, nothing waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
