"""Regenerate the README screenshots from the real app (headless, Pilot): docs/screenshots/*.svg.

A throw-away data directory gets three short practice quizzes, taken through the same core functions
the app uses and graded by the real model, on three past days; then the app is driven to the home,
quiz, feedback and progress screens and each is saved as SVG.

    .venv/bin/python docs/make_screenshots.py [--model all-MiniLM-L6-v2]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static, TextArea

from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import QuizRequest, start_quiz
from quiz.settings import Settings
from quiz.tui.app import TentaApp
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.home import HomeScreen

OUT_DIR = Path(__file__).parent / "screenshots"
NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
SIZE = (100, 32)

PAST_ANSWERS = {
    "q01-ai-ml-dl": (
        "AI is about smart computers. Machine learning is also AI.",
        "Maskininlärning är en del av AI och deep learning är en del av maskininlärning.",
        "Deep learning is a subset of machine learning, which is a subset of AI. ML learns from data "
        "instead of rules, and deep learning uses neural networks with many layers.",
    ),
    "q02-tensorflow-keras": (
        "Keras is a library.",
        "Keras är ett högnivå-API som ingår i TensorFlow.",
        "Keras is the high-level API of TensorFlow; it runs on TensorFlow as its backend and makes "
        "building models simple.",
    ),
    "q03-parameters-hyperparameters": (
        "Parameters are settings of the model.",
        "Parametrar är vikter som lärs in under träningen. Hyperparametrar väljs innan, t.ex. learning rate.",
        "Parameters such as weights and biases are learned from the training data. Hyperparameters like "
        "the learning rate, batch size and number of epochs are chosen before training.",
    ),
}

FEEDBACK_ANSWER = (
    "AI is the broad field of making computers do things that need human intelligence. "
    "Machine learning is a part of AI where the computer learns patterns from data. "
    "Deep learning is a part of machine learning."
)


def seed_history(ctx: AppContext) -> None:
    """Three practice quizzes on past days, graded by the real model and scheduled by FSRS."""
    student = ctx.repository.default_student()
    bank = ctx.catalog.load("dl-course")
    started: dict[int, datetime] = {}
    for attempt, days_ago in enumerate((9, 5, 1)):
        when = NOW - timedelta(days=days_ago)
        request = QuizRequest(student_id=student.id, bank_id=bank.id, mode=QuizMode.PRACTICE, count=3)
        quiz = start_quiz(ctx, request, now=when, rng=random.Random(attempt))
        for position, question in enumerate(quiz.questions):
            quiz.go_to(position)
            answers = PAST_ANSWERS.get(question.id)
            text = answers[attempt] if answers else question.reference_in("en").split(".")[0] + "."
            quiz.add_time(60.0 + 20 * position)
            answer = quiz.submit(text, now=when)
            quiz.grade(answer, now=when)
        quiz.finish(now=when)
        started[quiz.session_id] = when
    _pin_session_dates(ctx.settings.data_dir / "tenta.sqlite3", started)


def _pin_session_dates(database: Path, started: dict[int, datetime]) -> None:
    """The repository stamps sessions with the wall clock; move the demo sessions to their days."""
    with sqlite3.connect(database) as connection:
        for session_id, when in started.items():
            stamp = when.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
            connection.execute(
                "UPDATE quiz_sessions SET started_at = ?, finished_at = ?, updated_at = ? WHERE id = ?",
                (stamp, stamp, stamp, session_id),
            )


async def _until(pilot: Pilot[None], condition: object) -> None:
    assert callable(condition)
    for _ in range(1200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
        if condition():
            return
    raise SystemExit("the app did not reach the expected state")


def _home_ready(app: TentaApp) -> bool:
    screen = app.screen
    return isinstance(screen, HomeScreen) and "Loading" not in str(
        screen.query_one("#summary", Static).render()
    )


async def capture(ctx: AppContext) -> None:
    app = TentaApp(ctx, clock=lambda: NOW, seed=3, cursor_blink=False, preload_model=False)
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: _home_ready(app))
        app.save_screenshot("home.svg", str(OUT_DIR))
        await pilot.press("g")
        await _until(pilot, lambda: getattr(app.screen, "report", None) is not None)
        app.save_screenshot("progress.svg", str(OUT_DIR))
        await pilot.press("escape")
        await _until(pilot, lambda: _home_ready(app))
        await pilot.press("n")
        await pilot.pause()
        for _ in range(4):
            await pilot.press("ctrl+n")
        app.screen.query_one("#answer", TextArea).insert(
            "The model is a feed-forward network: two Dense layers with ReLU, each followed by Dropout"
        )
        await pilot.pause()
        app.save_screenshot("quiz.svg", str(OUT_DIR))
        for _ in range(4):
            await pilot.press("ctrl+b")
        app.screen.query_one("#answer", TextArea).insert(FEEDBACK_ANSWER)
        await pilot.press("ctrl+s")
        feedback = app.screen
        assert isinstance(feedback, FeedbackScreen)
        await _until(pilot, lambda: feedback.outcome is not None)
        app.save_screenshot("feedback.svg", str(OUT_DIR))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="all-MiniLM-L6-v2", help="Embedding model spec (default: MiniLM).")
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tenta-screens-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", model=args.model)
        ctx = AppContext(settings)
        _index_course_notes(ctx)
        seed_history(ctx)
        asyncio.run(capture(AppContext(settings)))
    for name in ("home", "quiz", "feedback", "progress"):
        print(OUT_DIR / f"{name}.svg")


def _index_course_notes(ctx: AppContext) -> None:
    """Index the bundled notes so missed key points come with the course passage to read."""
    from grading.retrieval import CourseIndex, chunks_for_file

    notes = ctx.catalog.notes_dir("dl-course")
    if notes is None:
        return
    chunks = [chunk for path in sorted(notes.glob("*.md")) for chunk in chunks_for_file(path)]
    CourseIndex.build(chunks, ctx.embedder).save(ctx.settings.index_dir)


if __name__ == "__main__":
    main()
