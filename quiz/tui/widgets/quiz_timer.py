"""The quiz clock: time spent, or a timed exam's time left (read from the app's clock, which tests freeze)."""

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
    """Shows the seconds returned by `seconds_of`, refreshed every second: time spent, or with `countdown`
    the time left of a timed exam (highlighted in its last minutes). A countdown's `extra_time` ("25 %",
    "15 min") is shown after it, as Moodle marks a time limit lengthened by a user override."""

    seconds: reactive[float] = reactive(0.0)
    LAST_MINUTES_S = 5 * 60

    def __init__(
        self,
        seconds_of: Callable[[], float],
        *,
        countdown: bool = False,
        extra_time: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__("", id=id)
        self._seconds_of = seconds_of
        self.countdown = countdown
        self._extra_suffix = f" (+{extra_time})" if countdown and extra_time else ""

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.seconds = self._seconds_of()

    def watch_seconds(self, seconds: float) -> None:
        if self.countdown:
            self.update(f"⏳ {format_duration(seconds)} left{self._extra_suffix}")
            self.set_class(seconds <= self.LAST_MINUTES_S, "-ending")
        else:
            self.update(f"⏱ {format_duration(seconds)}")
