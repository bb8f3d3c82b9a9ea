"""Fixtures for CLI tests: the teacher commands use the teacher fixtures (tests/teacher/fixtures.py)."""

from tests.teacher.fixtures import bank, class_submissions, ctx, teacher_settings

__all__ = ["bank", "class_submissions", "ctx", "teacher_settings"]
