"""One question of the browser in full (read-only): prompt and code, the reference answer and weighted key
points in the chosen language, and every answer the student gave to it with its grade. f4 (or s) suspends or
unsuspends it; f5 (or p) leaves with the question's id, for the browser to start a practice quiz on it:
the same keys as in the list, where letters type into the filter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Label, Markdown, Static, TabbedContent, TabPane

from db.records import AnswerDetail, ReviewCardRecord
from question_bank.errors import TentaError
from question_bank.models import Bank, Question, QuestionType
from quiz import scheduling, topics
from quiz.local_time import local_minute
from quiz.modes import topic_label
from quiz.progress import question_label
from quiz.scores import score_out_of
from quiz.tui.screens.base import TentaScreen
from quiz.tui.widgets.answer_view import AnswerView
from quiz.tui.widgets.grade_notes import answer_labels
from quiz.tui.widgets.key_footer import KeyFooter
from quiz.tui.widgets.point_list import point_worth
from quiz.tui.widgets.question_view import OPTION_LETTERS, QuestionView, choice_markdown, text_markdown
from quiz.tui.widgets.table_fill import fill_table

if TYPE_CHECKING:
    from db.repository import Repository

STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}


def key_points_text(question: Question) -> str:
    """'(1.2 p) The layers learn features…' per rubric point: its share of the question's points, as the
    feedback and the teacher's decisions show it."""
    total = sum(point.weight for point in question.rubric)
    lines = [
        f"({point_worth(point.weight / total, question.max_points)}) {escape(point.text)}"
        for point in question.rubric
    ]
    return "\n".join(lines) if lines else "This question has no rubric key points."


def reference_markdown(question: Question, language: str) -> str:
    """The reference answer in `language`; a closed question's accepted answers instead."""
    if question.reference_answer:
        return text_markdown(question, question.reference_in(language))
    if question.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE):
        right = [
            f"- **{OPTION_LETTERS[index]}.** {choice_markdown(question, choice.text)} ({choice.fraction:.0%})"
            for index, choice in enumerate(question.choices)
            if choice.fraction > 0
        ]
        return "\n".join(right) or "_No choice earns points._"
    if question.type is QuestionType.NUMERICAL:
        return "\n".join(f"- {answer.value:g} ± {answer.tolerance:g}" for answer in question.numerical)
    if question.type is QuestionType.SHORT_EXACT:
        return "\n".join(
            f"- {choice_markdown(question, choice.text)}"
            for choice in question.choices
            if choice.fraction > 0
        )
    return "_No reference answer._"


def due_text(due: datetime, now: datetime) -> str:
    """'today', 'overdue' (due before today: 'due today' asks it too), else the day: '13 Apr', or
    '2026-01' in another year."""
    if due <= scheduling.end_of_day(now):
        return "today" if due.date() >= now.date() else "overdue"
    return f"{due:%d %b}" if due.year == now.year else f"{due:%Y-%m}"


def standing_line(question: Question, card: ReviewCardRecord | None, suspended: bool, now: datetime) -> str:
    """'Q3 · cnn, keras · 2 p · review, due 2025-03-05 · 1 lapse · ↯ leech · ⏸ suspended'."""
    parts = [f"[b]{escape(question_label(question))}[/b]"]
    parts.append(escape(", ".join(topic_label(topic) for topic in topics.topics_of(question))))
    parts.append(f"{question.max_points:g} p")
    if card is None:
        parts.append("new")
    else:
        when = {"today": " (today)", "overdue": " (overdue)"}.get(due_text(card.due, now), "")
        parts.append(f"{STATE_NAMES.get(card.state, '?')}, due {card.due:%Y-%m-%d}{when}")
        parts.append(f"{card.lapses} lapse{'s' if card.lapses != 1 else ''}")
        if card.leech:
            parts.append("↯ leech")
    if suspended:
        parts.append("⏸ suspended")
    return " · ".join(parts)


def set_suspended(
    repository: Repository, student_id: int, bank_id: str, question: Question, suspended: bool
) -> str:
    """Suspend or unsuspend the question for the student (the feedback's s does the same); what to tell."""
    label = question_label(question)
    if suspended:
        repository.suspend_question(student_id, bank_id, question.id)
        return f"{label} is suspended: practice, due today and weakest first leave it out."
    repository.unsuspend_question(student_id, bank_id, question.id)
    return f"{label} is back in practice and reviews."


def answer_cells(detail: AnswerDetail) -> tuple[str, str]:
    """Date and score (✎ when a teacher overrode it, 'review' while a teacher should look)."""
    if detail.final_score is None:
        score = "not graded"
    else:
        mark = " ✎" if detail.overrides else (" review" if detail.needs_review else "")
        score = f"{score_out_of(detail.final_score, detail.max_points)}{mark}"
    return local_minute(detail.answer.submitted_at), score


class QuestionDetailScreen(TentaScreen[str | None]):
    """Dismissed with the question's id when the student asks to practise it, else with None."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the question list."),
        Binding("1", "tab('question')", "Question", tooltip="The question, reference answer and key points."),
        Binding("2", "tab('answers')", "Your answers", tooltip="Your answers to this question, graded."),
        Binding(
            "f4,s",
            "toggle_suspend",
            "Suspend",
            tooltip="Suspend or unsuspend this question (as in the list).",
        ),
        Binding(
            "f5,p", "practice", "Practise", tooltip="A practice quiz on this question alone (as in the list)."
        ),
        Binding("ctrl+l", "toggle_language", "Language", tooltip="Show the question in the other language."),
    ]

    def __init__(
        self,
        student_id: int,
        bank: Bank,
        question: Question,
        answers: Sequence[AnswerDetail],
        language: str,
        *,
        card: ReviewCardRecord | None,
        suspended: bool,
    ) -> None:
        super().__init__()
        self.student_id = student_id
        self.bank = bank
        self.question = question
        self.answers = list(answers)
        self.language = language
        self.card = card
        self.suspended = suspended

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="qd-standing")
        with TabbedContent(id="qd-tabs"):
            with TabPane("Question", id="question"), VerticalScroll(id="qd-question"):
                yield QuestionView(self.question, self.language, id="qd-prompt")
                yield Label("Reference answer", classes="section-title")
                yield Markdown("", id="qd-reference")
                yield Label("Key points", classes="section-title")
                yield Static(key_points_text(self.question), id="qd-points")
            with TabPane(f"Your answers ({len(self.answers)})", id="answers"):
                yield DataTable(id="qd-answers", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="qd-answer"):
                    yield AnswerView(id="qd-answer-view")
                    yield Static(
                        "You have not answered this question yet — f5 practises it now.",
                        id="qd-no-answers",
                        classes="empty-state",
                    )
        yield KeyFooter(minor=("toggle_language",))

    def on_mount(self) -> None:
        self._show_language()
        self._show_standing()
        table = self.query_one(DataTable)
        fill_table(
            table,
            ("Date", "Score"),
            [answer_cells(detail) for detail in self.answers],
            keys=[str(detail.answer.id) for detail in self.answers],
        )
        table.display = bool(self.answers)
        self.query_one(AnswerView).display = bool(self.answers)
        self.query_one("#qd-no-answers").display = not self.answers
        if self.answers:
            self.query_one(AnswerView).show(self.answers[0], answer_labels(self.answers[0]))

    def _show_standing(self) -> None:
        line = standing_line(self.question, self.card, self.suspended, self.tenta.clock())
        self.query_one("#qd-standing", Static).update(f"{line} · {self.language}")

    def _show_language(self) -> None:
        self.query_one(QuestionView).show(self.question, self.language)
        self.query_one("#qd-reference", Markdown).update(reference_markdown(self.question, self.language))

    @on(DataTable.RowHighlighted, "#qd-answers")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        chosen = next((d for d in self.answers if str(d.answer.id) == event.row_key.value), None)
        if chosen is not None:
            self.query_one(AnswerView).show(chosen, answer_labels(chosen))

    def action_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        if pane == "answers" and self.answers:
            self.query_one(DataTable).focus()

    def action_toggle_language(self) -> None:
        languages = [language for language in self.bank.languages if language in self.question.prompt]
        if len(languages) < 2:
            self.notify("This question is written in one language only.")
            return
        following = languages.index(self.language) + 1 if self.language in languages else 0
        self.language = languages[following % len(languages)]
        self._show_language()
        self._show_standing()

    def action_toggle_suspend(self) -> None:
        repository = self.tenta.ctx.repository
        try:
            told = set_suspended(repository, self.student_id, self.bank.id, self.question, not self.suspended)
        except TentaError as error:
            self.notify(error.message, title="Not changed", severity="error")
            return
        self.notify(told)
        self.suspended = not self.suspended
        self._show_standing()

    def action_practice(self) -> None:
        self.dismiss(self.question.id)

    def action_back(self) -> None:
        self.dismiss(None)
