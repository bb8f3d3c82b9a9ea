"""The teacher fixtures (tests/teacher/fixtures.py) for every test in this folder."""

from tests.teacher.fixtures import bank, class_submissions, ctx, teacher_settings

__all__ = ["bank", "class_submissions", "ctx", "teacher_settings"]
