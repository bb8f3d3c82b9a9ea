"""One stored answer in full: the question, the answer with evidence, its grade, overrides and requests."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, Static

from db.records import AnswerDetail
from quiz.local_time import local_minute
from quiz.progress import question_label
from quiz.scores import format_score, score_out_of
from quiz.tui.widgets.answer_text import AnswerText
from quiz.tui.widgets.grade_notes import CONFIDENCE_WORDING, ENGLISH_LABELS
from quiz.tui.widgets.point_list import PointList, points_from_dicts
from quiz.tui.widgets.score_bar import ScoreBar


class AnswerView(Vertical):
    """Read-only view used by history drill-down and the teacher's review queue, headed by the question's
    number ('Q3', as the results and the browser name it; its id only when it has none).

    The key points are the final grade's: a teacher's key-point decisions replace the grader's status.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="answer-view")

    def compose(self) -> ComposeResult:
        yield Static("", classes="av-question")
        yield ScoreBar(label="Final")
        yield Static("", classes="av-flags")
        yield Label("Answer", classes="section-title")
        yield AnswerText("", classes="av-answer")
        yield Label("Key points", classes="section-title av-points-title")
        yield PointList(classes="av-points")
        yield Static("", classes="av-overrides")

    def show(self, detail: AnswerDetail) -> None:
        answer = detail.answer
        grade = detail.latest_grade
        final_points = detail.final_points
        points = points_from_dicts(final_points)
        decided_by = {
            str(point["point_id"]): str(point["decided_by"])
            for point in final_points
            if "decided_by" in point
        }
        self.query_one(".av-question", Static).update(
            Content.from_markup(
                "[b]$question[/b] · $student · $submitted\n$prompt",
                question=question_label(detail.question),
                student=answer.student_name,
                submitted=local_minute(answer.submitted_at),
                prompt=detail.prompt,
            )
        )
        bar = self.query_one(ScoreBar)
        bar.display = detail.final_score is not None
        if detail.final_score is not None:
            bar.show(detail.final_score, detail.max_points)
        flags = []
        if grade is None:
            flags.append("not graded yet (`tenta regrade` grades it)")
        else:
            flags.append(
                f"auto {score_out_of(grade.score, grade.max_points)}, confidence {grade.confidence:.0%}"
            )
        if detail.needs_review:
            flags.append("⚑ needs teacher review")
        if detail.regrade_requested:
            flags.append(f"regrade requested: {detail.regrade_reason or 'no reason given'}")
        notes = ENGLISH_LABELS.flag_notes(grade.flags) if grade is not None else []
        flag_line = self.query_one(".av-flags", Static)
        flag_line.update(Content("\n".join([" · ".join(flags), *notes])))
        flag_line.tooltip = (
            f"Confidence: {CONFIDENCE_WORDING['en']['meaning']}." if grade is not None else None
        )
        self.query_one(AnswerText).show(answer.text, points)
        self.query_one(PointList).show(points, decided_by, max_points=detail.max_points)
        overrides = [
            Content.from_markup(
                "[b]Teacher $teacher[/b] set $score on $day: $comment",
                teacher=override.teacher,
                score=format_score(override.score),
                day=f"{override.created_at:%Y-%m-%d}",
                comment=override.comment or "(no comment)",
            )
            for override in detail.overrides
        ]
        self.query_one(".av-overrides", Static).update(Content("\n").join(overrides))
        self.query_one(".av-overrides").display = bool(overrides)
