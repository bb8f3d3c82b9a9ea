"""An optional elapsed-time display; it reads the app's clock so tests can freeze it."""

from __future__ import annotations

from collections.abc import Callable

from textual.reactive import reactive
from textual.widgets import Static


def format_duration(seconds: float) -> str:
    """mm:ss, or h:mm:ss past an hour."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class QuizTimer(Static):
    """Shows the seconds returned by `elapsed`, refreshed every second while visible."""

    seconds: reactive[float] = reactive(0.0)

    def __init__(self, elapsed: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._elapsed = elapsed

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.seconds = self._elapsed()

    def watch_seconds(self, seconds: float) -> None:
        self.update(f"⏱ {format_duration(seconds)}")
