"""A progress line on stderr for long runs (only when stderr is a terminal)."""
from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Counts sources done and redraws one line at most ten times a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.done = 0
        self._last = 0.0

    def __call__(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._last >= 0.1:
            self._last = now
            self.stream.write(f"\rclaimrecon: {self.done} sources read")
            self.stream.flush()

    def close(self) -> None:
        if self.done:
            self.stream.write("\r\033[K")
            self.stream.flush()
