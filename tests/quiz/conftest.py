"""A real SQLite repository and the bundled bank, per test; no model unless a test asks for one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db.repository import Repository
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.settings import Settings

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def ctx(settings: Settings) -> AppContext:
    return AppContext(settings.model_copy(update={"model": "all-MiniLM-L6-v2"}))


@pytest.fixture
def repository(ctx: AppContext) -> Repository:
    return ctx.repository


@pytest.fixture
def bank(ctx: AppContext) -> Bank:
    return ctx.catalog.load("dl-course")


@pytest.fixture
def student_id(repository: Repository) -> int:
    return repository.get_or_create_student("Alva").id
