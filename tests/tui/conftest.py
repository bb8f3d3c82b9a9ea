"""The real app on a real SQLite file, with the real MiniLM grader, a frozen clock and no cursor blink."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from quiz.context import AppContext
from quiz.settings import Settings
from quiz.tui.app import TentaApp

if TYPE_CHECKING:
    from grading.embedder import Embedder
    from grading.grader import Grader, GradeRequest
    from grading.models import Grade
    from grading.retrieval import CourseIndex

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def frozen_clock() -> datetime:
    return NOW


@pytest.fixture(autouse=True, scope="session")
def utc_screen_times() -> Iterator[None]:
    """The app shows times in the machine's zone; snapshots and expected texts are written in UTC."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


@pytest.fixture(autouse=True)
def isolated_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app writes choices such as the theme into config.toml: the test's own, never the user's (and
    no setting of the user's changes what a test sees)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def course_index(minilm_embedder: Embedder, pytestconfig: pytest.Config) -> CourseIndex:
    """The bundled course notes indexed with MiniLM, so missed key points come with a passage to read.

    Encoding the notes is the slow part, so the index is kept in pytest's cache, keyed by the notes' text.
    """
    from grading.retrieval import CourseIndex, chunks_for_file
    from question_bank.loader import BankCatalog

    notes = BankCatalog(user_dir=None).notes_dir("dl-course")
    assert notes is not None
    paths = sorted(notes.glob("*.md"))
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in paths)).hexdigest()[:16]
    cache_dir = (
        Path(pytestconfig.cache.mkdir("tenta-tui-course-index")) / f"{minilm_embedder.model_id}-{digest}"
    )
    cached = CourseIndex.load_if_present(cache_dir, minilm_embedder)
    if cached is not None:
        return cached
    index = CourseIndex.build([chunk for path in paths for chunk in chunks_for_file(path)], minilm_embedder)
    index.save(cache_dir)
    return index


@pytest.fixture(scope="session")
def grader(minilm_embedder: Embedder, course_index: CourseIndex) -> Grader:
    """One real grader for the session: it caches each question's encoded rubric, the slow part."""
    from grading.grader import Grader

    return Grader.create(minilm_embedder, course_index=course_index)


@pytest.fixture
def tui_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"model": "all-MiniLM-L6-v2"})


@pytest.fixture
def make_ctx(
    tui_settings: Settings, minilm_embedder: Embedder, course_index: CourseIndex, grader: Grader
) -> Callable[[], AppContext]:
    """A fresh AppContext on the test's data dir (a new one per app = reopening the program)."""

    def make() -> AppContext:
        ctx = AppContext(tui_settings)
        ctx.__dict__["embedder"] = minilm_embedder
        ctx.__dict__["course_index"] = course_index
        ctx.__dict__["grader"] = grader
        return ctx

    return make


@pytest.fixture
def ctx(make_ctx: Callable[[], AppContext]) -> AppContext:
    return make_ctx()


def make_app(ctx: AppContext, **options: object) -> TentaApp:
    """The app as tests and screenshots run it: frozen clock, seeded order, no blinking cursor."""
    settings: dict[str, object] = {
        "clock": frozen_clock,
        "seed": 7,
        "cursor_blink": False,
        "preload_model": False,
    }
    settings.update(options)
    return TentaApp(ctx, **settings)  # type: ignore[arg-type]


RECORDED_GRADE = Path(__file__).parent / "data" / "q1_grade.json"
RECORDED_ANSWER = (
    "AI is the broad field of making computers act intelligently. Machine learning is a part of AI "
    "where the computer learns from data. Deep learning is a part of machine learning."
)


class RecordedGrader:
    """Replays the real grader's grade of RECORDED_ANSWER (tests/tui/data/q1_grade.json).

    Layout snapshots of the feedback and results screens use it so they don't change each time the
    grading engine is tuned; the Pilot tests grade with the real model. Any other request fails.
    """

    def __init__(self) -> None:
        from grading.models import Grade

        self.grade = Grade.model_validate_json(RECORDED_GRADE.read_text(encoding="utf-8"))

    def grade_many(self, requests: Sequence[GradeRequest]) -> list[Grade]:
        for request in requests:
            assert request.question.id == self.grade.question_id and request.answer == RECORDED_ANSWER, (
                request
            )
        return [self.grade for _ in requests]


@pytest.fixture
def recorded_ctx(ctx: AppContext) -> AppContext:
    ctx.__dict__["grader"] = RecordedGrader()
    return ctx
