"""A question with pictures and sound: the quiz names them and ctrl+o opens them with the system viewer."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from question_bank.formats.anki import import_anki
from question_bank.formats.media import read_media
from question_bank.formats.media_files import bank_media_names
from quiz.context import AppContext
from quiz.settings import Settings
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.widgets.media_line import MediaLine
from tests.question_bank.test_media import ANATOMY_FILES, ANATOMY_NOTES, write_media_package
from tests.tui.conftest import make_app
from tests.tui.helpers import home_ready, wait_until

pytestmark = pytest.mark.anyio


def _footer_keys(pilot: Pilot[None]) -> set[str]:
    return {key for key, active in pilot.app.active_bindings.items() if active.binding.show}


async def test_quiz_lists_the_questions_media_and_opens_it(tui_settings: Settings, tmp_path: Path) -> None:
    package = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    bank = import_anki(package)
    ctx = AppContext(tui_settings)  # no grading happens here, so no model is loaded
    ctx.catalog.install(bank, media=read_media(package, bank_media_names(bank)))
    media_dir = tui_settings.banks_dir / "anatomy.media"
    app = make_app(ctx)
    opened: list[str] = []
    app.open_url = opened.append  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.query_one("#bank", Select).value = "anatomy"
        await pilot.pause()
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        screen = pilot.app.screen
        line = screen.query_one("#quiz-media", MediaLine)
        assert line.display
        assert str(line.render()) == "Media: femur x-ray.png · uttal.mp3 — ctrl+o opens femur x-ray.png"
        assert "ctrl+o" in _footer_keys(pilot)

        await pilot.press("ctrl+o")
        await pilot.press("ctrl+o")
        assert opened == [(media_dir / "femur x-ray.png").as_uri(), (media_dir / "uttal.mp3").as_uri()]
        assert [(media_dir / name).read_bytes() for name in ("femur x-ray.png", "uttal.mp3")] == [
            content for _, content in ANATOMY_FILES[:2]
        ]

        await pilot.press("ctrl+n")  # the next question has no media: no line, no key in the footer
        await pilot.pause()
        assert not line.display
        assert "ctrl+o" not in _footer_keys(pilot)
        await pilot.press("ctrl+o")
        assert len(opened) == 2

        (media_dir / "uttal.mp3").unlink()
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert "uttal.mp3 (missing)" in str(line.render())
