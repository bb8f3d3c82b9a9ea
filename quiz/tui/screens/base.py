"""The base of tenta's screens: typed access to the app that owns them."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual.events import Key
from textual.screen import Screen
from textual.widgets import DataTable, Input

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

    def type_into_filter(self, event: Key, filter_id: str) -> None:
        """A printable key typed in the screen's list starts its filter with it, as '/' and the key would
        (Anki's browser filters as one types): the new text replaces the old filter. Keys bound on this
        screen keep their action, and a space starts nothing (no word begins with one)."""
        character = event.character
        if not event.is_printable or character is None or not character.strip():
            return
        if event.key in self.active_bindings or self.focused is not self.query_one(DataTable):
            return
        event.stop()
        event.prevent_default()
        box = self.query_one(f"#{filter_id}", Input)
        box.value = character
        box.cursor_position = len(box.value)
        box.focus()
