"""slugify: the ids importers make from titles (bank ids, GIFT/Moodle question names, CSV ids)."""

from __future__ import annotations

import pytest

from question_bank.formats.common import slugify
from question_bank.models import Bank


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Week 1 - Intro", "week-1-intro"),
        ("Del A -- Grunder", "del-a-grunder"),
        ("Intro. - Part 2", "intro-part-2"),
        ("a _-_ b", "a-b"),
        ("Quiz 3: Neurala nätverk", "quiz-3-neurala-natverk"),
        ("lab_2 (del 1)", "lab_2-del-1"),  # separators typed on their own are kept
        ("v1.2 final", "v1.2-final"),
        ("ÅÄÖ", "aao"),
        ("  ---  ", "bank"),
        ("x" * 79 + " - y", "x" * 79),  # cut at 80 without a trailing dash
    ],
)
def test_slugify_writes_one_dash_per_gap(title: str, slug: str) -> None:
    assert slugify(title) == slug
    Bank.model_validate({"id": slug, "title": title, "questions": [_QUESTION]})  # a valid Identifier


_QUESTION = {
    "id": "q1",
    "type": "true_false",
    "prompt": {"en": "?"},
    "choices": [{"text": "True", "fraction": 1}],
}
