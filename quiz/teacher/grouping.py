"""Answer groups (Gradescope-style): similar answers to one question, so one decision grades them all.

Answers are embedded with the grader's model and grouped with faiss: every answer's neighbours
above a cosine threshold are found with a range search, then the answer with the most ungrouped
neighbours becomes a group's representative and takes those neighbours with it. An answer joins
only when it is close to the representative in meaning AND its auto grade agrees with the
representative's (see `AutoGradeProfile.agrees`): an answer on the same topic that says something
wrong ("dropout removes outliers") reads much like a right one to an embedding model, but the
rubric tells them apart. Every member is therefore close to the representative the teacher reads,
in wording and in grade, which is what makes applying one score to the whole group safe.

A group's id is its representative's answer id, so it stays the same between `tenta groups` and
`tenta groups --apply` as long as the answers do.

A teacher shapes groups by moving an answer, taking it out, merging two groups or confirming one.
Groups are computed again at every look (another threshold, new answers), so those decisions are
stored as pins — answer → group key — and grouping places pinned answers first, at any threshold;
only the rest is clustered. A pin per answer (not a stored copy of every group) is the least state
that makes a teacher's decision final while the unreviewed answers keep following the similarity.
Pinned groups are keyed `g<answer id>` of one of their pinned members, so their ids never collide
with computed groups (those are led by unpinned answers). A confirmed group also remembers the last
answer id the teacher could see: a later answer that matches it is shown as a *new* member instead of
silently counting as reviewed.

Group decisions are overrides marked with their group key, so an answer's own override (decided
alone) is told apart from a group's; a later group decision keeps an own override unless the teacher
explicitly replaces it, and a member that already has exactly this decision gets no second row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from db.records import (
    AnswerDetail,
    AuditKind,
    GroupConfirmationRecord,
    NewAuditEvent,
    OverrideRecord,
    check_point_credits,
)
from question_bank.errors import TentaError
from quiz.teacher.review import scaled_auto_score, score_from_points

if TYPE_CHECKING:
    from db.repository import Repository
    from grading.embedder import Embedder

SCORE_EPSILON = 1e-6

GRADE_AGREEMENT = 0.1
"""Largest difference of two auto grades, as a share of max points, for their answers to share a group."""

SIMILARITY_ABOVE_CHANCE = 0.65
"""The default threshold's place between chance and identity: `chance + 0.65 × (1 − chance)`.

Raw cosines mean different things per model: multilingual-e5-small scores unrelated sentences about
0.77 and answers to one question about 0.87 (median), all-MiniLM-L6-v2 0.06 and 0.35. Measured on
tests/data/dl_course_answers.jsonl (bench/grouping_agreement.py), grouped pairs with e5 agree with the
human grades about as well as answers do once the auto grades agree, at 0.65 of the way from chance
to identity (e5: 0.92): below that the mean human disagreement of grouped pairs rises quickly.
"""

UNRELATED_TEXTS = (
    "The train to Uppsala leaves at seven.",
    "Photosynthesis turns light into chemical energy.",
    "Hon köpte tre kilo äpplen på torget.",
    "The treaty was signed in 1648.",
    "Gradient descent updates the weights.",
    "Min katt sover hela dagen.",
    "Interest rates rose again this quarter.",
    "A sonnet has fourteen lines.",
    "Vi spelade fotboll i regnet.",
    "The bridge is closed for repairs.",
    "Proteins fold into three-dimensional shapes.",
    "Kaffet var för starkt i morse.",
)
"""Sentences on unrelated subjects, Swedish and English: their mean cosine is the model's chance level."""

_chance_by_model: dict[str, float] = {}


def chance_similarity(embedder: Embedder) -> float:
    """Mean cosine between unrelated sentences under this model (once per model and process)."""
    if embedder.model_id not in _chance_by_model:
        vectors = embedder.encode(list(UNRELATED_TEXTS))
        similarity = vectors @ vectors.T
        off_diagonal = similarity[~np.eye(len(UNRELATED_TEXTS), dtype=bool)]
        _chance_by_model[embedder.model_id] = float(off_diagonal.mean())
    return _chance_by_model[embedder.model_id]


def default_threshold(embedder: Embedder) -> float:
    """The model's default similarity threshold, the same distance above its chance level for every
    model (e5 0.92, MiniLM 0.67, any other sentence-transformers folder measured the same way)."""
    chance = chance_similarity(embedder)
    return round(chance + SIMILARITY_ABOVE_CHANCE * (1.0 - chance), 2)


@dataclass(frozen=True)
class AutoGradeProfile:
    """What the grader said about an answer: its score as a share of max points, each key point's status."""

    fraction: float | None
    """None: not auto-graded yet."""
    statuses: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, detail: AnswerDetail) -> AutoGradeProfile:
        grade = detail.latest_grade
        if grade is None:
            return cls(None)
        statuses = {str(point.get("point_id")): str(point.get("status")) for point in grade.points}
        return cls(grade.score / grade.max_points, statuses)

    def agrees(self, other: AutoGradeProfile) -> bool:
        """Scores within `GRADE_AGREEMENT` of max points and no key point covered by one and missing in
        the other (a partial on one side is tolerated). Ungraded answers agree only with ungraded ones.

        Measured on dl_course_answers.jsonl (e5, cosine ≥ 0.92): the score rule alone leaves grouped
        pairs 0.14 apart in human score; the key-point rule takes out a few more pairs where the auto
        scores match by chance; demanding the same status on every point keeps too few pairs to help.
        """
        if self.fraction is None or other.fraction is None:
            return self.fraction is None and other.fraction is None
        if abs(self.fraction - other.fraction) > GRADE_AGREEMENT + SCORE_EPSILON:
            return False
        return not any(
            {status, other.statuses[point]} == {"covered", "missing"}
            for point, status in self.statuses.items()
            if point in other.statuses
        )


def agreement_matrix(profiles: Sequence[AutoGradeProfile]) -> np.ndarray:
    """`matrix[i, j]`: answers i and j may share a group as far as their auto grades go."""
    count = len(profiles)
    matrix = np.ones((count, count), dtype=bool)
    for i in range(count):
        for j in range(i + 1, count):
            matrix[i, j] = matrix[j, i] = profiles[i].agrees(profiles[j])
    return matrix


def group_key(answer_id: int) -> str:
    return f"g{answer_id}"


@dataclass(frozen=True)
class AnswerGroup:
    id: str
    representative: AnswerDetail
    members: tuple[AnswerDetail, ...]
    """Representative first, then the pinned members, then the others by decreasing similarity to it."""
    pinned_ids: frozenset[int] = frozenset()
    """Members a teacher placed here (moved, merged or confirmed): regrouping keeps them."""
    confirmation: GroupConfirmationRecord | None = None

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

    @property
    def pinned(self) -> bool:
        return bool(self.pinned_ids)

    @property
    def confirmed(self) -> bool:
        return self.confirmation is not None

    @property
    def new_ids(self) -> frozenset[int]:
        """Members of a confirmed group the teacher has not reviewed: they came after the confirmation."""
        if self.confirmation is None:
            return frozenset()
        return frozenset(member.answer.id for member in self.members) - self.pinned_ids

    @property
    def state(self) -> str:
        """'confirmed', 'confirmed, 2 new', 'shaped' (a teacher moved answers here) or '' (computed)."""
        if self.confirmation is not None:
            new = len(self.new_ids)
            return f"confirmed, {new} new" if new else "confirmed"
        return "shaped" if self.pinned else ""

    def member(self, answer_id: int) -> AnswerDetail | None:
        return next((member for member in self.members if member.answer.id == answer_id), None)


class DecisionSource(StrEnum):
    AUTO = "auto"
    GROUP = "group"
    OWN = "own"


def decision_source(detail: AnswerDetail) -> DecisionSource:
    """Where the answer's final score comes from: the grader, a group decision or its own override."""
    override = detail.latest_override
    if override is None:
        return DecisionSource.AUTO
    return DecisionSource.GROUP if override.group_key is not None else DecisionSource.OWN


def decision_label(detail: AnswerDetail) -> str:
    """'auto', 'group g12 · Kim' or 'own · Kim': who decided the answer, and how."""
    override = detail.latest_override
    if override is None:
        return "auto" if detail.latest_grade is not None else "ungraded"
    if override.group_key is not None:
        return f"group {override.group_key} · {override.teacher}"
    return f"own · {override.teacher}"


def cluster(vectors: np.ndarray, threshold: float, agree: np.ndarray | None = None) -> list[list[int]]:
    """Groups of row indexes of unit `vectors`; each group starts with its representative.

    Two rows are neighbours when their cosine reaches `threshold` and, given `agree` (a boolean
    matrix, see `agreement_matrix`), their auto grades agree. Deterministic: ties go to the lower
    index, so the same vectors always give the same groups.
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
            int(j): float(s)
            for j, s in zip(neighbour_ids[start:end], similarities[start:end], strict=True)
            if agree is None or agree[row, int(j)]
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
    threshold: float | None = None,
) -> list[AnswerGroup]:
    """Groups of the answers to one question, largest first: the teacher's pinned groups as stored
    (a later answer matching a confirmed one joins it as new), the other answers clustered.

    `threshold` is the cosine to the representative needed to join its group (None: the model's
    `default_threshold`); the auto grades must agree as well, at any threshold."""
    details = sorted(
        repository.answer_history(bank_id=bank_id, question_id=question_id), key=lambda d: d.answer.id
    )
    if not details:
        return []
    if threshold is None:
        threshold = default_threshold(embedder)
    answers = _EmbeddedAnswers(
        details,
        embedder.encode([detail.answer.text for detail in details]),
        agreement_matrix([AutoGradeProfile.of(detail) for detail in details]),
    )
    layout = repository.group_layout(bank_id, question_id)
    row_of = {detail.answer.id: row for row, detail in enumerate(details)}
    pinned: dict[str, list[int]] = {}
    for pin in layout.pins:
        pinned.setdefault(pin.group_key, []).append(row_of[pin.answer_id])
    leaders = {key: answers.pinned_leader(key, rows) for key, rows in pinned.items()}
    confirmations = {c.group_key: c for c in layout.confirmations if c.group_key in pinned}
    pinned_ids = {pin.answer_id for pin in layout.pins}
    free = [row for row, detail in enumerate(details) if detail.answer.id not in pinned_ids]
    joining = answers.later_matches(
        free, {key: (leaders[key], c) for key, c in confirmations.items()}, threshold
    )
    groups = [
        answers.group(key, leaders[key], rows, joining.get(key, []), confirmations.get(key))
        for key, rows in pinned.items()
    ]
    joined = {row for rows in joining.values() for row in rows}
    rest = [row for row in free if row not in joined]
    for rows in cluster(answers.vectors[rest], threshold, answers.agree[np.ix_(rest, rest)]):
        leader = rest[rows[0]]
        key = group_key(details[leader].answer.id)
        groups.append(answers.group(key, leader, [], [rest[row] for row in rows[1:]]))
    return sorted(groups, key=lambda group: (-group.size, group.representative.answer.id))


@dataclass(frozen=True)
class _EmbeddedAnswers:
    """One question's answers by id, with their unit vectors and grade agreement in the same rows."""

    details: Sequence[AnswerDetail]
    vectors: np.ndarray
    agree: np.ndarray

    def pinned_leader(self, key: str, rows: Sequence[int]) -> int:
        """The answer the key names when it is still pinned there, else the oldest pinned member."""
        return next((row for row in rows if group_key(self.details[row].answer.id) == key), min(rows))

    def later_matches(
        self,
        free: Sequence[int],
        confirmed: Mapping[str, tuple[int, GroupConfirmationRecord]],
        threshold: float,
    ) -> dict[str, list[int]]:
        """Unpinned answers that came after a confirmed group's review and match its representative in
        meaning and auto grade (`confirmed`: key → leader row and confirmation); the closest group wins,
        ties the first key."""
        keys = sorted(confirmed)
        if not keys or not free:
            return {}
        similarity = self.vectors[list(free)] @ self.vectors[[confirmed[key][0] for key in keys]].T
        joining: dict[str, list[int]] = {}
        for position, row in enumerate(free):
            answer_id = self.details[row].answer.id
            best: tuple[float, str] | None = None
            for k, key in enumerate(keys):
                value = float(similarity[position, k])
                leader, confirmation = confirmed[key]
                later = answer_id > confirmation.last_answer_id
                matches = value >= threshold and bool(self.agree[row, leader])
                if later and matches and (best is None or value > best[0]):
                    best = (value, key)
            if best is not None:
                joining.setdefault(best[1], []).append(row)
        return joining

    def group(
        self,
        key: str,
        leader: int,
        pinned_rows: Sequence[int],
        other_rows: Sequence[int],
        confirmation: GroupConfirmationRecord | None = None,
    ) -> AnswerGroup:
        def closest_first(rows: Sequence[int]) -> list[int]:
            others = [row for row in rows if row != leader]
            return sorted(others, key=lambda row: (-float(self.vectors[row] @ self.vectors[leader]), row))

        rows = [leader, *closest_first(pinned_rows), *closest_first(other_rows)]
        return AnswerGroup(
            id=key,
            representative=self.details[leader],
            members=tuple(self.details[row] for row in rows),
            pinned_ids=frozenset(self.details[row].answer.id for row in pinned_rows),
            confirmation=confirmation,
        )


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


def group_of(groups: Sequence[AnswerGroup], answer_id: int) -> AnswerGroup:
    """The group an answer is in, or a TentaError naming the answer id."""
    for group in groups:
        if group.member(answer_id) is not None:
            return group
    question = groups[0].representative.answer.question_id if groups else "this question"
    raise TentaError(f"answer {answer_id} is not an answer to {question} (see `tenta groups --show GROUP`)")


# --- shaping groups --------------------------------------------------------------------------------


@dataclass
class _Change:
    """Pins, confirmations and the audit entries of one teacher action, written in one transaction."""

    pins: dict[int, str] = field(default_factory=dict)
    confirm: dict[str, int] = field(default_factory=dict)
    unconfirm: list[str] = field(default_factory=list)
    events: list[NewAuditEvent] = field(default_factory=list)

    def audit(self, answer_ids: Iterable[int], kind: AuditKind, **detail: object) -> None:
        self.events.extend(
            NewAuditEvent(answer_id=answer_id, kind=kind, detail=detail) for answer_id in answer_ids
        )

    def leave(self, group: AnswerGroup, answer_ids: set[int]) -> None:
        """`answer_ids` leave `group`: when they take the answer its key names, its other pinned members
        move to the key of the oldest of them (with the confirmation), so a group's key stays a member's."""
        if not group.pinned or not any(group_key(answer_id) == group.id for answer_id in answer_ids):
            return
        staying = sorted(group.pinned_ids - answer_ids)
        if group.confirmation is not None:
            self.unconfirm.append(group.id)
        if not staying:
            return
        new_key = group_key(staying[0])
        self.pins.update(dict.fromkeys(staying, new_key))
        if group.confirmation is not None:
            self.confirm[new_key] = group.confirmation.last_answer_id

    def save(self, repository: Repository, group: AnswerGroup, teacher: str) -> None:
        answer = group.representative.answer
        repository.save_group_layout(
            answer.bank_id,
            answer.question_id,
            teacher=teacher,
            pins=self.pins,
            confirm=self.confirm,
            unconfirm=self.unconfirm,
            events=self.events,
        )


def move_answer(
    repository: Repository, groups: Sequence[AnswerGroup], answer_id: int, target: AnswerGroup, teacher: str
) -> str:
    """Pin an answer into `target`; a computed target is pinned whole, since the teacher shaped it."""
    source = group_of(groups, answer_id)
    if source.id == target.id and answer_id in target.pinned_ids:
        raise TentaError(f"answer {answer_id} is already in group {target.id}")
    change = _Change()
    if source.id != target.id:
        change.leave(source, {answer_id})
    if not target.pinned:
        change.pins.update(dict.fromkeys((member.answer.id for member in target.members), target.id))
    change.pins[answer_id] = target.id
    change.audit([answer_id], AuditKind.MOVED_TO_GROUP, group=target.id, previous_group=source.id)
    change.save(repository, target, teacher)
    return f"answer {answer_id} moved to group {target.id}"


def take_out(repository: Repository, groups: Sequence[AnswerGroup], answer_id: int, teacher: str) -> str:
    """Pin an answer as a group of its own, whatever its similarity to the others."""
    source = group_of(groups, answer_id)
    if source.size == 1 and answer_id in source.pinned_ids:
        raise TentaError(f"answer {answer_id} is already a group of its own ({source.id})")
    change = _Change()
    change.leave(source, {answer_id})
    change.pins[answer_id] = group_key(answer_id)
    change.audit(
        [answer_id], AuditKind.TAKEN_OUT_OF_GROUP, group=group_key(answer_id), previous_group=source.id
    )
    change.save(repository, source, teacher)
    return f"answer {answer_id} is now a group of its own: {group_key(answer_id)}"


def merge_groups(repository: Repository, source: AnswerGroup, target: AnswerGroup, teacher: str) -> str:
    """Pin every answer of `source` into `target` (and a computed target's own members with them)."""
    if source.id == target.id:
        raise TentaError(f"group {source.id} cannot be merged into itself")
    change = _Change()
    if source.confirmation is not None:
        change.unconfirm.append(source.id)
    if not target.pinned:
        change.pins.update(dict.fromkeys((member.answer.id for member in target.members), target.id))
    change.pins.update(dict.fromkeys((member.answer.id for member in source.members), target.id))
    change.audit(
        (member.answer.id for member in source.members),
        AuditKind.GROUP_MERGED,
        group=target.id,
        previous_group=source.id,
    )
    change.save(repository, target, teacher)
    return f"group {source.id} ({source.size} answer(s)) merged into {target.id}"


def confirm_group(
    repository: Repository, groups: Sequence[AnswerGroup], group: AnswerGroup, teacher: str
) -> str:
    """Mark a group reviewed: every member shown now (new ones too) is pinned, and answers that arrive
    later are shown as new members instead of counting as reviewed."""
    last_seen = max(member.answer.id for each in groups for member in each.members)
    change = _Change(confirm={group.id: last_seen})
    change.pins.update(dict.fromkeys((member.answer.id for member in group.members), group.id))
    earlier = group.confirmation
    change.audit(
        (member.answer.id for member in group.members),
        AuditKind.GROUP_CONFIRMED,
        group=group.id,
        answers=group.size,
        new=len(group.new_ids),
        confirmed_before_by=earlier.confirmed_by if earlier is not None else None,
    )
    change.save(repository, group, teacher)
    return f"group {group.id} confirmed ({group.size} answer(s) reviewed)"


def unconfirm_group(repository: Repository, group: AnswerGroup, teacher: str) -> str:
    """Drop the review mark; the members stay pinned where the teacher put them."""
    if group.confirmation is None:
        raise TentaError(f"group {group.id} is not confirmed")
    change = _Change(unconfirm=[group.id])
    change.audit(
        sorted(group.pinned_ids),
        AuditKind.GROUP_UNCONFIRMED,
        group=group.id,
        confirmed_by=group.confirmation.confirmed_by,
    )
    change.save(repository, group, teacher)
    return f"group {group.id} is no longer confirmed"


# --- deciding a group ------------------------------------------------------------------------------


class MemberOutcome(StrEnum):
    APPLY = "apply"
    """Gets the decision (it had none, or an earlier group's)."""
    UNCHANGED = "unchanged"
    """Already has exactly this decision: no second override."""
    KEEP_OWN = "keep own"
    """Its own override (decided alone) is kept: say `replace_own` to replace it."""
    REPLACE_OWN = "replace own"


@dataclass(frozen=True)
class MemberPlan:
    detail: AnswerDetail
    outcome: MemberOutcome
    score: float
    """The score the member ends with: the decision's, or the kept override's."""


def plan_member(
    member: AnswerDetail,
    *,
    score: float | None,
    point_credits: Mapping[str, float],
    comment: str,
    replace_own: bool = False,
) -> MemberPlan:
    """What deciding its group would do to one member; a TentaError names it when the decision does
    not fit it (a key point its question, as asked, lacks)."""
    decisions = check_point_credits(member.answer.id, member.question, point_credits)
    new_score = score if score is not None else score_from_points(member, decisions)
    override = member.latest_override
    if override is not None and override.group_key is None:
        if not replace_own:
            return MemberPlan(member, MemberOutcome.KEEP_OWN, override.score)
        return MemberPlan(member, MemberOutcome.REPLACE_OWN, new_score)
    same = (
        override is not None
        and abs(override.score - new_score) < SCORE_EPSILON
        and override.point_credits == decisions
        and override.comment == comment
    )
    return MemberPlan(member, MemberOutcome.UNCHANGED if same else MemberOutcome.APPLY, new_score)


def plan_group_decision(
    group: AnswerGroup,
    *,
    score: float | None,
    point_credits: Mapping[str, float],
    comment: str,
    replace_own: bool = False,
) -> list[MemberPlan]:
    """What deciding the group would do to each member (the preview and the apply use this alike).

    Raises a TentaError naming the member when the decision does not fit one (nothing is written).
    """
    if score is None and not point_credits:
        raise TentaError(
            f"group {group.id}: give a score or key-point decisions (ID=covered|partial|missing)"
        )
    return [
        plan_member(
            member, score=score, point_credits=point_credits, comment=comment, replace_own=replace_own
        )
        for member in group.members
    ]


@dataclass(frozen=True)
class GroupDecisionResult:
    overrides: list[OverrideRecord]
    unchanged: list[int]
    kept_own: list[MemberPlan]
    """Members whose own override was kept (the teacher did not ask to replace it)."""

    def summary(self, group_id: str) -> str:
        decided = (
            f"{len(self.overrides)} answer(s) decided (one override each, audited)"
            if self.overrides
            else "no answer changed"
        )
        parts = [f"Group {group_id}: {decided}"]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} already had this decision")
        if self.kept_own:
            kept = ", ".join(
                f"{plan.detail.answer.id} ({decision_label(plan.detail)})" for plan in self.kept_own
            )
            parts.append(f"kept their own override: {kept} — replace them with --replace-own")
        return "; ".join(parts) + "."


def apply_group_decision(
    repository: Repository,
    group: AnswerGroup,
    *,
    score: float | None,
    point_credits: Mapping[str, float],
    comment: str,
    teacher: str,
    replace_own: bool = False,
) -> GroupDecisionResult:
    """One override per member that takes the decision, marked with the group, so each answer's audit
    trail shows the teacher's group decision.

    With key-point decisions (Gradescope's rubric items applied to an answer group) each member's score
    follows its own points: the decided ones, and its auto grade's credit for the rest. Every member is
    checked before any is changed, so a point the rubric lacks changes nothing. A member's own override
    is kept unless `replace_own`; a member that already has this decision is left as it is.
    """
    plans = plan_group_decision(
        group, score=score, point_credits=point_credits, comment=comment, replace_own=replace_own
    )
    overrides = [
        repository.add_override(
            plan.detail.answer.id,
            plan.score,
            comment,
            teacher,
            point_credits=point_credits,
            group_key=group.id,
        )
        for plan in plans
        if plan.outcome in (MemberOutcome.APPLY, MemberOutcome.REPLACE_OWN)
    ]
    return GroupDecisionResult(
        overrides=overrides,
        unchanged=[plan.detail.answer.id for plan in plans if plan.outcome is MemberOutcome.UNCHANGED],
        kept_own=[plan for plan in plans if plan.outcome is MemberOutcome.KEEP_OWN],
    )


# --- releasing a group decision --------------------------------------------------------------------


class ReleaseOutcome(StrEnum):
    TO_AUTO = "to auto"
    """Its group decision is withdrawn: the auto grade decides again."""
    TO_OWN = "to own"
    """Its group decision is withdrawn: an own override given before it decides again."""
    KEEP_OWN = "keep own"
    """Its own override decides and is kept (say `replace_own` to withdraw it too)."""
    AUTO_ALREADY = "auto already"
    """No teacher decision: nothing to release."""


@dataclass(frozen=True)
class ReleasePlan:
    detail: AnswerDetail
    outcome: ReleaseOutcome
    score: float | None
    """The final score after releasing."""
    withdrawn: tuple[OverrideRecord, ...] = ()

    @property
    def changes(self) -> bool:
        return bool(self.withdrawn)


def plan_member_release(member: AnswerDetail, *, replace_own: bool = False) -> ReleasePlan:
    """What releasing its group's decision does to one member.

    Group decisions are withdrawn when one decides the member's score (any group's: the member is in
    this group now); its own overrides stay, so an own override given before a group decision decides
    again. `replace_own` withdraws every override: the member goes back to its auto grade.
    """
    overrides = member.overrides
    auto = scaled_auto_score(member)
    if not overrides:
        return ReleasePlan(member, ReleaseOutcome.AUTO_ALREADY, auto)
    if replace_own:
        return ReleasePlan(member, ReleaseOutcome.TO_AUTO, auto, tuple(overrides))
    if overrides[-1].group_key is None:
        return ReleasePlan(member, ReleaseOutcome.KEEP_OWN, overrides[-1].score)
    own = [override for override in overrides if override.group_key is None]
    withdrawn = tuple(override for override in overrides if override.group_key is not None)
    if own:
        return ReleasePlan(member, ReleaseOutcome.TO_OWN, own[-1].score, withdrawn)
    return ReleasePlan(member, ReleaseOutcome.TO_AUTO, auto, withdrawn)


def plan_release(group: AnswerGroup, *, replace_own: bool = False) -> list[ReleasePlan]:
    """What releasing the group's decision would do to each member (the preview and the release alike)."""
    return [plan_member_release(member, replace_own=replace_own) for member in group.members]


@dataclass(frozen=True)
class ReleaseResult:
    released: list[ReleasePlan]
    kept_own: list[ReleasePlan]

    def summary(self, group_id: str) -> str:
        if not self.released:
            parts = [f"Group {group_id}: no answer changed (no group decision to release)"]
        else:
            to_own = sum(1 for plan in self.released if plan.outcome is ReleaseOutcome.TO_OWN)
            to_auto = len(self.released) - to_own
            parts = [f"Group {group_id}: {to_auto} answer(s) back to their auto grade (audited)"]
            if to_own:
                parts.append(f"{to_own} back to their own override")
        if self.kept_own:
            kept = ", ".join(str(plan.detail.answer.id) for plan in self.kept_own)
            parts.append(f"kept their own override: {kept} — withdraw them too with --replace-own")
        return "; ".join(parts) + "."


def release_group_decision(
    repository: Repository, group: AnswerGroup, *, teacher: str, replace_own: bool = False
) -> ReleaseResult:
    """Undo a group decision: its overrides are withdrawn in one transaction (each answer's audit trail
    says what was withdrawn, by whom), so each member's score follows its auto grade again. Releasing
    again finds nothing to withdraw and changes nothing."""
    plans = plan_release(group, replace_own=replace_own)
    released = [plan for plan in plans if plan.changes]
    if released:
        repository.withdraw_overrides(
            {plan.detail.answer.id: [override.id for override in plan.withdrawn] for plan in released},
            teacher,
            {"group": group.id, "replace_own": replace_own},
        )
    return ReleaseResult(
        released=released, kept_own=[plan for plan in plans if plan.outcome is ReleaseOutcome.KEEP_OWN]
    )
