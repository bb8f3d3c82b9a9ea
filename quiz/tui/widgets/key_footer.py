"""A compact footer that leaves out a screen's minor keys when they don't fit, instead of cutting the last
hint off at the right edge (Textual's footer draws its keys in one row and clips what overflows, and its
command palette key, docked at the right edge, is drawn over whatever reaches under it)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE = "command_palette"
"""The action of the command palette's key, which a screen may name among its minor keys too."""
TEACHER_FOOTER_MINOR = (PALETTE,)
"""The review queue and answer groups show every teacher key (grading without a key list); f1's list names
ctrl+p, so its hint goes first when the row is full."""


def outer_width(widget: Widget) -> int:
    """The columns a footer item takes: its text, padding, border and margin."""
    styles = widget.styles
    return widget.get_content_width(widget.size, widget.size) + styles.gutter.width + styles.margin.width


class KeyFooter(Footer):
    """Textual's compact footer; `minor` names actions (least important first, "command_palette" for
    ctrl+p's key) whose keys are left out, one by one, until the rest fits in the row. A left-out key
    still works and is listed by f1 (the key list) and the command palette."""

    def __init__(self, minor: Sequence[str] = (), *, id: str | None = None) -> None:
        super().__init__(compact=True, id=id)
        self.minor = tuple(minor)

    async def recompose(self) -> None:
        await super().recompose()
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Show every key, then hide minor keys, least important first, while the row is too wide."""
        width = self.size.width
        if not width:
            return
        keys = list(self.query(FooterKey))
        for key in keys:
            key.display = True
        needed = sum(outer_width(key) for key in keys)
        minor = sorted(
            (key for key in keys if key.action in self.minor), key=lambda key: self.minor.index(key.action)
        )
        for key in minor:
            if needed <= width:
                break
            key.display = False
            needed -= outer_width(key)
