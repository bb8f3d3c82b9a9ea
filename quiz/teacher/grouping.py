"""Answer groups (Gradescope-style): similar answers to one question, so one decision grades them all.

Answers are embedded with the grader's model and grouped with faiss: every answer's neighbours
above a cosine threshold are found with a range search, then the answer with the most ungrouped
neighbours becomes a group's representative and takes those neighbours with it. Every member is
therefore close to the representative the teacher reads, which is what makes applying one score
to the whole group safe. A group's id is its representative's answer id, so it stays the same
between `tenta groups` and `tenta groups --apply` as long as the answers do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from db.records import AnswerDetail, OverrideRecord, check_point_credits
from question_bank.errors import TentaError
from quiz.teacher.review import apply_override

if TYPE_CHECKING:
    from db.repository import Repository
    from grading.embedder import Embedder

DEFAULT_THRESHOLD = 0.85
"""Cosine similarity to the representative needed to join its group."""


@dataclass(frozen=True)
class AnswerGroup:
    id: str
    representative: AnswerDetail
    members: tuple[AnswerDetail, ...]
    """Representative first, then the others by decreasing similarity to it."""

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def mean_auto_score(self) -> float | None:
        scores = [member.latest_grade.score for member in self.members if member.latest_grade is not None]
        return sum(scores) / len(scores) if scores else None

    @property
    def overridden(self) -> int:
        return sum(1 for member in self.members if member.overrides)


def cluster(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups of row indexes of unit `vectors`; each group starts with its representative.

    Deterministic: ties go to the lower index, so the same vectors always give the same groups.
    """
    import faiss

    count = len(vectors)
    if count == 0:
        return []
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    limits, similarities, neighbour_ids = index.range_search(
        np.ascontiguousarray(vectors, dtype=np.float32), threshold
    )
    neighbours: list[dict[int, float]] = []
    for row in range(count):
        start, end = int(limits[row]), int(limits[row + 1])
        found = {
            int(j): float(s) for j, s in zip(neighbour_ids[start:end], similarities[start:end], strict=True)
        }
        found[row] = max(found.get(row, 1.0), 1.0)
        neighbours.append(found)
    ungrouped = set(range(count))
    groups: list[list[int]] = []
    while ungrouped:
        leader = min(ungrouped, key=lambda row: (-sum(1 for j in neighbours[row] if j in ungrouped), row))
        joining = [j for j in neighbours[leader] if j in ungrouped and j != leader]
        joining.sort(key=lambda j: (-neighbours[leader][j], j))
        group = [leader, *joining]
        ungrouped.difference_update(group)
        groups.append(group)
    return groups


def answer_groups(
    repository: Repository,
    embedder: Embedder,
    bank_id: str,
    question_id: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[AnswerGroup]:
    """Groups of the answers to one question, largest first."""
    details = sorted(
        repository.answer_history(bank_id=bank_id, question_id=question_id), key=lambda d: d.answer.id
    )
    if not details:
        return []
    vectors = embedder.encode([detail.answer.text for detail in details])
    groups = [
        AnswerGroup(
            id=f"g{details[rows[0]].answer.id}",
            representative=details[rows[0]],
            members=tuple(details[row] for row in rows),
        )
        for rows in cluster(vectors, threshold)
    ]
    return sorted(groups, key=lambda group: (-group.size, group.representative.answer.id))


def find_group(groups: Sequence[AnswerGroup], group_id: str) -> AnswerGroup:
    wanted = group_id.strip().lower()
    if not wanted.startswith("g"):
        wanted = f"g{wanted}"
    for group in groups:
        if group.id == wanted:
            return group
    raise TentaError(
        f"there is no answer group {group_id!r} now (answers may have changed); run `tenta groups` again"
    )


def apply_group_decision(
    repository: Repository,
    group: AnswerGroup,
    *,
    score: float | None,
    point_credits: Mapping[str, float],
    comment: str,
    teacher: str,
) -> list[OverrideRecord]:
    """One override per member, so each answer's audit trail shows the teacher's decision.

    With key-point decisions (Gradescope's rubric items applied to an answer group) each member's score
    follows its own points: the decided ones, and its auto grade's credit for the rest. Every member is
    checked before any is changed, so a point the rubric lacks changes nothing.
    """
    if score is None and not point_credits:
        raise TentaError(
            f"group {group.id}: give a score or key-point decisions (ID=covered|partial|missing)"
        )
    for member in group.members:
        check_point_credits(member.answer.id, member.question, point_credits)
    return [
        apply_override(
            repository, member, score=score, point_credits=point_credits, comment=comment, teacher=teacher
        )
        for member in group.members
    ]
