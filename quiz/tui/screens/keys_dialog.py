"""f1: every key of the screen below, with what it does, in one list. The footer has room for the main
keys only (on a narrow terminal it leaves the minor ones out), and Textual's own key panel starts with the
focused widget's editing keys, so a student would scroll past dozens of cursor keys to find 'Suspend'."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


@dataclass(frozen=True)
class KeyRow:
    """One action of a screen: its keys as a person types them ('ctrl+s', 'esc or h'), name and help."""

    keys: str
    description: str
    tooltip: str


def key_name(binding: Binding) -> str:
    """'ctrl+s', 'f4', 'esc', '/': the key spelled as the status lines and the README spell it."""
    modifiers, key = binding.parse_key()
    return "+".join([*modifiers, format_key(key)])


FOCUS_ACTIONS = frozenset({"app.focus_next", "app.focus_previous"})
"""Tab and shift+tab, which every screen has from Textual: not worth a row."""


def screen_keys(screen: Screen[Any]) -> list[KeyRow]:
    """The keys of the screen and the app (not the focused widget's cursor and editing keys, nor tab),
    one row per action in the order they are bound, including those the footer does not show."""
    names: defaultdict[str, list[str]] = defaultdict(list)
    rows: dict[str, Binding] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if active.node not in (screen, screen.app) or not binding.description or binding.system:
            continue
        if binding.action in FOCUS_ACTIONS:
            continue
        rows.setdefault(binding.action, binding)
        names[binding.action].append(key_name(binding))
    return [
        KeyRow(" or ".join(dict.fromkeys(names[action])), binding.description, binding.tooltip)
        for action, binding in rows.items()
    ]


def keys_table(rows: list[KeyRow]) -> Table:
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1, 0, 0))
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("does", ratio=1)
    for row in rows:
        text = Text(row.description, style="bold")
        if row.tooltip:
            text.append(f" — {row.tooltip}")
        table.add_row(row.keys, text)
    return table


class KeysDialog(ModalScreen[None]):
    """The keys of the screen it was opened on; esc or f1 closes it."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1", "close", "Close")]

    def __init__(self, rows: list[KeyRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="keys-dialog"):
            yield Label("Every key of this screen", classes="dialog-title")
            with VerticalScroll(id="keys-scroll"):
                yield Static(keys_table(self.rows), id="keys-list")
            yield Label("esc or f1 closes · ctrl+p finds any action by name", classes="muted")

    def action_close(self) -> None:
        self.dismiss(None)
