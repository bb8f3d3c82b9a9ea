"""The home screen's mode buttons show their whole labels, also a timed bank's longer 'Full exam (12, 30 min)'
set after the dashboard loads, on an 80-column terminal and a wider one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Button

from quiz.context import AppContext
from quiz.tui.screens.home import HomeScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import TIMED_BANK, home_ready, install_timed_bank, wait_until

pytestmark = pytest.mark.anyio

MODE_BUTTONS = ("#mode-full", "#mode-practice", "#mode-due", "#mode-weakest")


def _timed_ctx(make_ctx: Callable[[], AppContext], extra_percent: float | None) -> AppContext:
    ctx = make_ctx()
    ctx.settings = ctx.settings.model_copy(update={"default_bank": TIMED_BANK})
    install_timed_bank(ctx)  # 12 questions, 30 minutes
    if extra_percent is not None:
        ctx.repository.set_extra_time(ctx.repository.default_student().id, percent=extra_percent)
    return ctx


def _assert_labels_whole(pilot: Pilot[None]) -> list[str]:
    """Every mode button is on screen, unclipped, at least as wide as its label, and the label's text
    appears on the screen as drawn; returns the labels."""
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen)
    drawn = "\n".join(strip.text for strip in screen._compositor.render_strips())
    labels = []
    for selector in MODE_BUTTONS:
        button = screen.query_one(selector, Button)
        label = button.label.plain  # type: ignore[union-attr]
        geometry = screen._compositor.find_widget(button)
        assert geometry.visible_region == button.region, (label, geometry.visible_region, button.region)
        assert button.content_region.width >= cell_len(label), (label, button.content_region)
        assert label in drawn, (label, drawn)
        labels.append(label)
    return labels


@pytest.mark.parametrize("size", [(80, 24), (110, 30)])
async def test_timed_full_exam_label_is_shown_whole(
    make_ctx: Callable[[], AppContext], size: tuple[int, int]
) -> None:
    async with make_app(_timed_ctx(make_ctx, None)).run_test(size=size) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        labels = _assert_labels_whole(pilot)
    assert labels[0] == "Full exam (12, 30 min)", labels


async def test_label_with_extra_time_fits_80_columns(make_ctx: Callable[[], AppContext]) -> None:
    """12.5 % extra makes the longest label of the bundled course: 'Full exam (12, 33.8 min)'."""
    async with make_app(_timed_ctx(make_ctx, 12.5)).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        labels = _assert_labels_whole(pilot)
    assert labels[0] == "Full exam (12, 33.8 min)", labels
