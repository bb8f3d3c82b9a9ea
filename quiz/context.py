"""The application's wiring: one object that opens the bank catalog, the database and the grader lazily.

The CLI and the TUI both build an AppContext, so every interface sees the same data and the same
grader; nothing heavy (database engine, torch, the model) is touched until it is first needed.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from question_bank.errors import TentaError
from quiz.settings import Settings

if TYPE_CHECKING:
    from db.records import StudentRecord
    from db.repository import Repository
    from grading.calibration import Calibration
    from grading.embedder import Embedder
    from grading.grader import Grader
    from grading.retrieval import CourseIndex
    from question_bank.loader import BankCatalog


class AppContext:
    """Lazily opened catalog, repository, embedder, course index and grader for one process."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @cached_property
    def catalog(self) -> BankCatalog:
        from question_bank.loader import BankCatalog

        return BankCatalog(user_dir=self.settings.banks_dir)

    @cached_property
    def repository(self) -> Repository:
        """The database, migrated to the current schema on first use."""
        from db.repository import open_repository

        try:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TentaError(
                f"{self.settings.data_dir}: cannot create the data folder ({error.strerror or error}); "
                "set TENTA_DATA_DIR to a folder you can write"
            ) from error
        return open_repository(self.settings.resolved_database_url)

    def own_profile(self) -> StudentRecord:
        """The profile the app opens with: the student TENTA_STUDENT names, found as `--student` finds one
        ('anna öberg' is Anna Öberg, an external id works too) and made on first use; else the local
        profile. An exact-name lookup made a second, empty 'anna öberg' beside Anna Öberg."""
        name = self.settings.student
        if not name:
            return self.repository.default_student()
        return self.repository.find_student(name) or self.repository.get_or_create_student(name)

    @cached_property
    def embedder(self) -> Embedder:
        from grading.embedder import Embedder

        return Embedder.load(
            self.settings.model,
            models_dir=self.settings.resolved_models_dir,
            cache_dir=self.settings.cache_dir / "embeddings",
        )

    @cached_property
    def course_index(self) -> CourseIndex | None:
        """The faiss index of ingested course material, or None before anything was ingested.

        The app, `tenta grade-one`, `tenta grade` and `tenta regrade` ingest the bundled notes on first run
        (quiz.ingest.ensure_course_index).
        """
        from grading.retrieval import CourseIndex

        return CourseIndex.load_if_present(self.settings.index_dir, self.embedder)

    @property
    def course_index_loaded(self) -> bool:
        """Whether the course index was already looked up (so asking for it costs nothing)."""
        return "course_index" in self.__dict__

    def use_course_index(self, index: CourseIndex | None) -> None:
        """Swap in a (re)built course index; a grader built before it is rebuilt on next use."""
        self.__dict__["course_index"] = index
        self.__dict__.pop("grader", None)

    @cached_property
    def calibration(self) -> Calibration | None:
        """The teacher's own calibration from `tenta calibrate`, when one was fitted for the current model."""
        from grading.calibration import Calibration

        path = self.settings.data_dir / "calibration.json"
        if not path.is_file():
            return None
        calibration = Calibration.load(path)
        return calibration if calibration.model_id == self.embedder.model_id else None

    @cached_property
    def grader(self) -> Grader:
        from grading.grader import Grader

        return Grader.create(
            self.embedder,
            course_index=self.course_index,
            calibration=self.calibration,
            review_threshold=self.settings.review_threshold,
        )
