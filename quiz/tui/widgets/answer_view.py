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
from quiz.tui.widgets.grade_notes import ENGLISH_LABELS, GradeLabels
from quiz.tui.widgets.point_list import PointList, points_from_dicts
from quiz.tui.widgets.score_bar import ScoreBar


class AnswerView(Vertical):
    """Read-only view used by history drill-down and the teacher's review queue, headed by the question's
    number ('Q3', as the results and the browser name it; its id only when it has none).

    The key points are the final grade's: a teacher's key-point decisions replace the grader's status.
    Under them, the misconceptions the automatic grade deducted for, read from its comment (the database
    keeps a grade's comment and key points).
    Its words are `labels`' (English for the teacher's screens; history gives the answer's own language).
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="answer-view")

    def compose(self) -> ComposeResult:
        yield Static("", classes="av-question")
        yield ScoreBar(label="Final")
        yield Static("", classes="av-flags")
        yield Label("Answer", classes="section-title av-answer-title")
        yield AnswerText("", classes="av-answer")
        yield Label("Key points", classes="section-title av-points-title")
        yield PointList(classes="av-points")
        misconceptions = Static("", classes="av-misconceptions")
        misconceptions.display = False
        yield misconceptions
        yield Static("", classes="av-overrides")

    def show(self, detail: AnswerDetail, labels: GradeLabels = ENGLISH_LABELS) -> None:
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
            bar.show(detail.final_score, detail.max_points, labels.final_score)
        flags = []
        if grade is None:
            flags.append(labels.not_graded)
        else:
            flags.append(
                labels.auto_grade_line(score_out_of(grade.score, grade.max_points), grade.confidence)
            )
        if detail.needs_review:
            flags.append(labels.needs_review)
        if detail.regrade_requested:
            flags.append(labels.regrade_reason.format(reason=detail.regrade_reason or labels.no_reason))
        notes = labels.flag_notes(grade.flags) if grade is not None else []
        flag_line = self.query_one(".av-flags", Static)
        flag_line.update(Content("\n".join([" · ".join(flags), *notes])))
        flag_line.tooltip = labels.confidence_tooltip() if grade is not None else None
        self.query_one(".av-answer-title", Label).update(labels.answer)
        self.query_one(".av-points-title", Label).update(labels.key_points)
        self.query_one(AnswerText).show(answer.text, points, labels.empty_answer)
        self.query_one(PointList).show(points, decided_by, max_points=detail.max_points, labels=labels)
        misconceptions = labels.misconception_lines(grade.feedback) if grade is not None else []
        misconception_list = self.query_one(".av-misconceptions", Static)
        misconception_list.update(
            Content("\n").join(
                Content.styled(line, "$text-error") if line.startswith("✘") else Content(line)
                for line in misconceptions
            )
        )
        misconception_list.display = bool(misconceptions)
        overrides = [
            Content.from_markup(
                labels.override,
                teacher=override.teacher,
                score=format_score(override.score),
                day=f"{override.created_at:%Y-%m-%d}",
                comment=override.comment or labels.no_comment,
            )
            for override in detail.overrides
        ]
        self.query_one(".av-overrides", Static).update(Content("\n").join(overrides))
        self.query_one(".av-overrides").display = bool(overrides)
