"""The base of tenta's screens: typed access to the app that owns them."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.screen import Screen

if TYPE_CHECKING:
    from quiz.tui.app import TentaApp

ResultType = TypeVar("ResultType")


class TentaScreen(Screen[ResultType]):
    """A screen of the tenta app; `self.tenta` is the app with its context and workers."""

    @property
    def tenta(self) -> TentaApp:
        from quiz.tui.app import TentaApp

        assert isinstance(self.app, TentaApp)
        return self.app
