"""Answer groups of one question (Gradescope's answer groups): similar answers side by side, so one
decision — a score or key-point decisions — grades a whole group, each member's score following its own
key points. The teacher moves answers between groups, takes one out, merges and confirms groups (stored:
regrouping keeps them), and sees who decided each member; `r` releases a group's decision (previewed
first) so its members follow their auto grade again. With anonymous grading (the setting, or `n`)
members are shown by their pseudonym in the question's bank. Opened from the review queue on the current
answer's question."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Header, Input, Label, Static
from textual.worker import get_current_worker

from db.records import AnswerDetail
from question_bank.errors import TentaError
from quiz.scores import format_score, score_out_of
from quiz.teacher import grouping
from quiz.teacher.anonymous import Pseudonyms, pseudonyms_for, shown
from quiz.teacher.grouping import (
    AnswerGroup,
    DecisionSource,
    MemberOutcome,
    answer_groups,
    apply_group_decision,
    plan_release,
    release_group_decision,
)
from quiz.teacher.review import parse_score
from quiz.tui.screens.base import TentaScreen
from quiz.tui.screens.group_picker import GroupPicker
from quiz.tui.screens.release_dialog import ReleaseDialog
from quiz.tui.widgets.key_footer import TEACHER_FOOTER_MINOR, KeyFooter
from quiz.tui.widgets.point_decisions import PointDecisions
from quiz.tui.widgets.table_fill import Cell, fill_table

EXCERPT_LENGTH = 70
GROUP_EXCERPT_LENGTH = 60
THRESHOLD_STEP = 0.05
THRESHOLD_RANGE = (0.5, 0.99)
"""Looser than 0.5 groups unrelated answers; 1.0 would only group identical ones."""
MEMBER_EXCERPT_LENGTH = 16
"""Member rows are short: the highlighted member's whole answer is shown below them."""
GROUP_COLUMNS = ("Group", "Size", "State", "Mean auto", "Decided", "Representative answer")
MEMBER_COLUMNS = ("Student", "Auto", "Now", "Decided by", "After", "Answer")


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """The answer on one line, cut with an ellipsis, so a table row stays one row."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def group_cells(group: AnswerGroup) -> tuple[str, str, str, str, str, str]:
    """Group id, size, state (confirmed / shaped), mean automatic score, members a teacher decided,
    representative answer."""
    max_points = group.representative.max_points
    return (
        group.id,
        str(group.size),
        group.state,
        score_out_of(group.mean_auto_score, max_points),
        f"{group.overridden}/{group.size}",
        excerpt(group.representative.answer.text, GROUP_EXCERPT_LENGTH),
    )


def decided_by(detail: AnswerDetail) -> str:
    """Short form of who decided the member: 'auto', 'g12 Kim' (a group decision) or 'own Kim'."""
    override = detail.latest_override
    source = grouping.decision_source(detail)
    if override is None or source is DecisionSource.AUTO:
        return "auto" if detail.latest_grade is not None else "–"
    return (
        f"{override.group_key} {override.teacher}"
        if source is DecisionSource.GROUP
        else f"own {override.teacher}"
    )


def score_after(
    detail: AnswerDetail,
    score: float | None,
    decisions: Mapping[str, float],
    *,
    comment: str = "",
    replace_own: bool = False,
) -> str:
    """What applying the decision would do to this member: its new score, 'kept' for its own override,
    'same' when it already has this decision, '⚠ point' when the decision does not fit it."""
    if score is None and not decisions:
        return ""
    try:
        plan = grouping.plan_member(
            detail, score=score, point_credits=decisions, comment=comment, replace_own=replace_own
        )
    except TentaError:
        return "⚠ point"
    value = format_score(plan.score)
    return {
        MemberOutcome.APPLY: value,
        MemberOutcome.UNCHANGED: f"{value} same",
        MemberOutcome.KEEP_OWN: f"{value} kept",
        MemberOutcome.REPLACE_OWN: f"{value} replaces",
    }[plan.outcome]


class AnswerGroupsScreen(TentaScreen[bool]):
    """Pick a group, read its members, decide its key points or type a score, apply: one override per
    member (audited), written only after every member has been checked. Dismissed with whether names
    were hidden, so the review queue follows a toggle made here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the review queue."),
        Binding(
            "ctrl+s",
            "apply",
            "Apply",
            priority=True,
            tooltip="Store the decision as an override of every answer in the group.",
        ),
        Binding(
            "plus",
            "tighter",
            "Tighter",
            tooltip="Raise the similarity a member needs: more, smaller groups.",
        ),
        Binding(
            "minus",
            "looser",
            "Looser",
            tooltip="Lower the similarity a member needs: fewer, larger groups.",
        ),
        Binding("c", "confirm", "Confirm", tooltip="Mark the group reviewed (again: drop the mark)."),
        Binding("m", "move", "Move", tooltip="Move the highlighted member into another group."),
        Binding("o", "take_out", "Take out", tooltip="Make the highlighted member a group of its own."),
        Binding("j", "merge", "Merge", tooltip="Move every answer of this group into another group."),
        Binding(
            "r",
            "release",
            "Release",
            tooltip="Undo the group's decision: its members follow their auto grade again (previewed first).",
        ),
        Binding(
            "n",
            "toggle_names",
            "Anonymous",
            tooltip="Show students by name or by pseudonym (anonymous grading): one per student and bank.",
        ),
    ]

    def __init__(
        self, bank_id: str, question_id: str, teacher: str, *, anonymous: bool | None = None
    ) -> None:
        """`anonymous` None follows the TENTA_ANONYMOUS_GRADING setting."""
        super().__init__()
        self.bank_id = bank_id
        self.question_id = question_id
        self.teacher = teacher
        self.anonymous = anonymous
        self.pseudonyms: Pseudonyms | None = None
        self.threshold: float | None = None
        """None until the first grouping: then the model's default threshold."""
        self.groups: list[AnswerGroup] = []
        self.selected: AnswerGroup | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Grouping similar answers…", id="groups-title")
        with Vertical(id="groups"):
            yield DataTable(id="groups-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="groups-detail"):
                with Vertical(id="groups-members-side"):
                    yield Label(
                        "Members — score after applying", id="groups-members-title", classes="section-title"
                    )
                    yield DataTable(id="groups-members", cursor_type="row")
                    with VerticalScroll(id="groups-member-scroll"):
                        yield Static("", id="groups-member-text")
                with Vertical(id="groups-decision"):
                    yield Label(
                        "Key points for the whole group — space cycles",
                        id="groups-points-title",
                        classes="section-title",
                    )
                    yield PointDecisions(id="groups-points")
                    yield Static("", id="groups-hint")
                    with Horizontal(id="groups-form"):
                        yield Input(placeholder="Score", id="groups-score")
                        yield Input(placeholder="Comment for each student", id="groups-comment")
                        yield Button("Apply", id="groups-apply", variant="primary")
                    yield Checkbox("Replace own overrides", id="groups-replace")
        yield Static("", id="groups-empty", classes="empty-state")
        yield KeyFooter(minor=TEACHER_FOOTER_MINOR)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.tenta.cursor_blink
        self.query_one("#groups").display = False
        if self.anonymous is None:
            self.anonymous = self.tenta.ctx.settings.anonymous_grading
        self.load_groups()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_groups(self, keep: str | None = None) -> None:
        """Embedding the answers may load the model first, so it runs off the UI thread."""
        ctx = self.tenta.ctx
        try:
            if self.threshold is None:
                self.threshold = grouping.default_threshold(ctx.embedder)
            groups = answer_groups(
                ctx.repository, ctx.embedder, self.bank_id, self.question_id, threshold=self.threshold
            )
            pseudonyms = pseudonyms_for(ctx.repository, ctx.settings.data_dir) if self.anonymous else None
        except Exception as error:  # a missing or broken model must not take the screen down
            message = error.message if isinstance(error, TentaError) else f"{type(error).__name__}: {error}"
            self.app.call_from_thread(self.notify, message, title="Answer groups", severity="error")
            return
        if not get_current_worker().is_cancelled:  # a newer threshold asked again meanwhile
            self.app.call_from_thread(self._show_groups, groups, keep, pseudonyms)

    def _show_groups(
        self, groups: list[AnswerGroup], keep: str | None, pseudonyms: Pseudonyms | None = None
    ) -> None:
        self.groups = groups
        self.pseudonyms = pseudonyms
        table = self.query_one("#groups-table", DataTable)
        cells = [group_cells(group) for group in groups]
        # the answer as typed, not markup
        rows: list[tuple[Cell, ...]] = [(*short, Text(answer)) for *short, answer in cells]
        fill_table(table, GROUP_COLUMNS, rows, keys=[group.id for group in groups])
        has_groups = bool(groups)
        self.query_one("#groups").display = has_groups
        empty = self.query_one("#groups-empty", Static)
        empty.display = not has_groups
        empty.update(f"No answers to {self.question_id} yet.")
        answers = sum(group.size for group in groups)
        self.query_one("#groups-title", Static).update(
            f"[b]Answer groups[/b] · {self._question_label()} · {answers} answer(s) in {len(groups)} group(s)"
            f" · similarity ≥ {self.threshold or 0.0:.2f}, grades agree · teacher {self.teacher}"
            + (" · [b]anonymous[/b]" if pseudonyms is not None else "")
        )
        if not has_groups:
            self.selected = None
            return
        row = next((index for index, group in enumerate(groups) if group.id == keep), 0)
        table.move_cursor(row=row)
        table.focus()
        self._select(groups[row])

    def _question_label(self) -> str:
        if not self.groups:
            return self.question_id
        number = self.groups[0].representative.question.number
        return f"Q{number} {self.question_id}" if number is not None else self.question_id

    @on(DataTable.RowHighlighted, "#groups-table")
    def _group_highlighted(self, event: DataTable.RowHighlighted) -> None:
        group = next((group for group in self.groups if group.id == event.row_key.value), None)
        if group is not None and group is not self.selected:
            self._select(group)

    @on(DataTable.RowSelected, "#groups-table")
    def _group_chosen(self) -> None:
        points = self.query_one(PointDecisions)
        (points if points.display else self.query_one("#groups-score", Input)).focus()

    @on(DataTable.RowHighlighted, "#groups-members")
    def _member_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.selected is None or event.row_key.value is None:
            return
        answer_id = int(event.row_key.value)
        member = next((item for item in self.selected.members if item.answer.id == answer_id), None)
        if member is not None:
            self.query_one("#groups-member-text", Static).update(member.answer.text)

    def _select(self, group: AnswerGroup) -> None:
        """Show the group's members; the key points are the representative's, as the teacher reads it."""
        self.selected = group
        points = self.query_one(PointDecisions)
        points.show(group.representative)
        has_points = bool(points.rows)
        points.display = has_points
        self.query_one("#groups-points-title").display = has_points
        score = self.query_one("#groups-score", Input)
        score.value = ""
        score.placeholder = f"Score 0–{format_score(group.representative.max_points)}"
        self.query_one("#groups-comment", Input).value = ""
        self.query_one("#groups-replace", Checkbox).value = False
        self.query_one("#groups-member-text", Static).update(group.representative.answer.text)
        self._show_members()

    def _typed_score(self) -> float | None:
        """The score typed for the group, or None when blank (each member's score follows its points)."""
        if self.selected is None:
            return None
        raw = self.query_one("#groups-score", Input).value.strip()
        return parse_score(raw, self.selected.representative.max_points) if raw else None

    def _show_members(self) -> None:
        group = self.selected
        if group is None:
            return
        decisions = self.query_one(PointDecisions).decisions
        replace_own = self.query_one("#groups-replace", Checkbox).value
        try:
            score = self._typed_score()
            hint = (
                "The typed score goes to every member."
                if score is not None
                else "Each member's score follows its own key points."
                if decisions
                else "Decide key points or type a score, then apply (ctrl+s)."
            )
        except TentaError as error:
            score, hint = None, error.message
        own = sum(1 for member in group.members if grouping.decision_source(member) is DecisionSource.OWN)
        if own:
            hint += f" {own} member(s) have their own override: " + (
                "it is replaced." if replace_own else "kept unless 'Replace own overrides' is ticked."
            )
        if group.new_ids:
            hint += f" {len(group.new_ids)} new member(s) since the group was confirmed (• new)."
        self.query_one("#groups-hint", Static).update(hint)
        comment = self.query_one("#groups-comment", Input).value.strip()
        table = self.query_one("#groups-members", DataTable)
        row = table.cursor_row
        rows: list[tuple[Cell, ...]] = []
        for member in group.members:
            grade = member.latest_grade
            rows.append(
                (
                    Text(self._student(member) + (" • new" if member.answer.id in group.new_ids else "")),
                    format_score(grade.score) if grade else "–",
                    format_score(member.final_score) + (" ✎" if member.overrides else ""),
                    decided_by(member),
                    score_after(member, score, decisions, comment=comment, replace_own=replace_own),
                    Text(excerpt(member.answer.text, MEMBER_EXCERPT_LENGTH)),  # names and answers as typed
                )
            )
        fill_table(table, MEMBER_COLUMNS, rows, keys=[str(member.answer.id) for member in group.members])
        if 0 < row < table.row_count:
            table.move_cursor(row=row)

    @on(PointDecisions.Changed)
    def _points_changed(self) -> None:
        self._show_members()

    @on(Input.Changed, "#groups-score")
    @on(Input.Changed, "#groups-comment")
    @on(Checkbox.Changed, "#groups-replace")
    def _decision_edited(self) -> None:
        self._show_members()

    @on(Input.Submitted, "#groups-score")
    def _score_entered(self) -> None:
        self.query_one("#groups-comment", Input).focus()

    @on(Button.Pressed, "#groups-apply")
    @on(Input.Submitted, "#groups-comment")
    def _apply_pressed(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        """apply_group_decision checks every member before writing, so an error leaves the group as it was."""
        group = self.selected
        if group is None:
            return
        try:
            result = apply_group_decision(
                self.tenta.ctx.repository,
                group,
                score=self._typed_score(),
                point_credits=self.query_one(PointDecisions).decisions,
                comment=self.query_one("#groups-comment", Input).value.strip(),
                teacher=self.teacher,
                replace_own=self.query_one("#groups-replace", Checkbox).value,
            )
        except TentaError as error:
            self.notify(error.message, title="Nothing was changed", severity="error")
            return
        summary = result.summary(group.id).replace("--replace-own", "tick 'Replace own overrides'")
        scores = " / ".join(format_score(value) for value in sorted({o.score for o in result.overrides}))
        self.notify(summary + (f" Now scoring {scores}." if scores else ""))
        self.load_groups(keep=group.id)

    # --- shaping the groups (stored as pins, so regrouping keeps them) ---

    def _highlighted_member(self) -> int | None:
        table = self.query_one("#groups-members", DataTable)
        if self.selected is None or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def _shape(self, change: Callable[[], str], keep: str | None) -> None:
        """Run one teacher action on the groups, say what it did, and group again."""
        try:
            message = change()
        except TentaError as error:
            self.notify(error.message, title="Nothing was changed", severity="error")
            return
        self.notify(message[0].upper() + message[1:] + ".")
        self.load_groups(keep=keep)

    def action_confirm(self) -> None:
        group = self.selected
        if group is None:
            return
        repository = self.tenta.ctx.repository
        if group.confirmed and not group.new_ids:
            self._shape(lambda: grouping.unconfirm_group(repository, group, self.teacher), group.id)
        else:
            self._shape(
                lambda: grouping.confirm_group(repository, self.groups, group, self.teacher), group.id
            )

    def action_take_out(self) -> None:
        answer_id = self._highlighted_member()
        if answer_id is None:
            return
        repository = self.tenta.ctx.repository
        keep = self.selected.id if self.selected is not None else None
        self._shape(lambda: grouping.take_out(repository, self.groups, answer_id, self.teacher), keep)

    def action_move(self) -> None:
        answer_id, group = self._highlighted_member(), self.selected
        if answer_id is None or group is None:
            return
        others = [other for other in self.groups if other.id != group.id]
        if not others:
            self.notify("There is no other group to move it to.", severity="warning")
            return

        def moved(target_id: str | None) -> None:
            target = next((other for other in others if other.id == target_id), None)
            if target is not None:
                repository = self.tenta.ctx.repository
                self._shape(
                    lambda: grouping.move_answer(repository, self.groups, answer_id, target, self.teacher),
                    target.id,
                )

        self.app.push_screen(GroupPicker(f"Move answer {answer_id} into the group…", others), moved)

    def action_merge(self) -> None:
        group = self.selected
        if group is None:
            return
        others = [other for other in self.groups if other.id != group.id]
        if not others:
            self.notify("There is no other group to merge it into.", severity="warning")
            return

        def merged(target_id: str | None) -> None:
            target = next((other for other in others if other.id == target_id), None)
            if target is not None:
                repository = self.tenta.ctx.repository
                self._shape(lambda: grouping.merge_groups(repository, group, target, self.teacher), target.id)

        self.app.push_screen(GroupPicker(f"Merge group {group.id} into…", others), merged)

    def action_tighter(self) -> None:
        self._regroup(THRESHOLD_STEP)

    def action_looser(self) -> None:
        self._regroup(-THRESHOLD_STEP)

    def _regroup(self, step: float) -> None:
        """Group again at another threshold, as `tenta groups --threshold` does; the chosen group stays
        chosen while its representative still leads a group."""
        if self.threshold is None:  # the first grouping has not finished yet
            return
        low, high = THRESHOLD_RANGE
        threshold = round(min(max(self.threshold + step, low), high), 2)
        if threshold == self.threshold:
            return
        self.threshold = threshold
        self.load_groups(keep=self.selected.id if self.selected else None)

    def _student(self, member: AnswerDetail) -> str:
        return shown(member, self.pseudonyms).answer.student_name

    def action_toggle_names(self) -> None:
        self.anonymous = not self.anonymous
        self.load_groups(keep=self.selected.id if self.selected else None)

    def action_release(self) -> None:
        """Preview what releasing the group's decision does to each member, then withdraw it when the
        teacher confirms (own overrides follow the 'Replace own overrides' box, as applying does)."""
        group = self.selected
        if group is None:
            return
        replace_own = self.query_one("#groups-replace", Checkbox).value
        plans = plan_release(group, replace_own=replace_own)
        if not any(plan.changes for plan in plans):
            kept = any(plan.outcome is grouping.ReleaseOutcome.KEEP_OWN for plan in plans)
            self.notify(
                f"Nothing to release in group {group.id}: no member's score comes from a group decision"
                + (" (own overrides are kept unless 'Replace own overrides' is ticked)." if kept else "."),
                severity="warning",
            )
            return

        def confirmed(release: bool | None) -> None:
            if not release:
                return
            self._shape(lambda: self._release(group, replace_own), group.id)

        names = [self._student(plan.detail) for plan in plans]
        self.app.push_screen(ReleaseDialog(group.id, plans, names, replace_own), confirmed)

    def _release(self, group: AnswerGroup, replace_own: bool) -> str:
        result = release_group_decision(
            self.tenta.ctx.repository, group, teacher=self.teacher, replace_own=replace_own
        )
        summary = result.summary(group.id).replace("--replace-own", "tick 'Replace own overrides'")
        return summary.removesuffix(".")

    def action_back(self) -> None:
        self.dismiss(bool(self.anonymous))
