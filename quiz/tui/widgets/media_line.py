"""One line naming a question's pictures and sound, and which one ctrl+o opens next."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.markup import escape
from textual.widgets import Static


def media_line_text(names: Sequence[str], missing: Collection[str], next_index: int) -> str:
    """'Media: a.png · b.mp3 — ctrl+o opens a.png', the next one in bold, missing files marked."""
    shown = []
    for index, name in enumerate(names):
        label = escape(name) + (" (missing)" if name in missing else "")
        shown.append(f"[b]{label}[/b]" if index == next_index else label)
    return f"Media: {' · '.join(shown)} — ctrl+o opens {escape(names[next_index])}"


class MediaLine(Static):
    """Hidden when the question has no media."""

    def show(self, names: Sequence[str], missing: Collection[str], next_index: int) -> None:
        self.display = bool(names)
        self.update(media_line_text(names, missing, next_index) if names else "")
