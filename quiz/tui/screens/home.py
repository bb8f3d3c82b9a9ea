"""Home: choose a profile and a bank, see where you stand, and start a quiz in one of four modes,
on every topic of the bank or on the topics chosen with t (kept per profile and bank); u lists the
suspended questions to bring them back; b browses the bank's questions."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Header, Input, Label, Select, Static

from db.records import minutes_text
from question_bank.errors import TentaError
from quiz.modes import DEFAULT_PRACTICE_COUNT, QuizMode
from quiz.tui import messages
from quiz.tui.screens.base import TentaScreen
from quiz.tui.screens.profile_dialog import ProfileDialog
from quiz.tui.screens.resume_dialog import ResumeChoice, ResumeDialog
from quiz.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from db.records import StudentRecord
    from quiz.progress import Dashboard
    from quiz.session import ExamTimeLimit
    from quiz.topics import TopicScope

FOOTER_MINOR = ("choose_topics", "open('history')", "open('progress')")
"""Keys the footer leaves out first on a narrow terminal: the topic line says 't: choose' and History and
Progress are buttons; Browse has no button, so it stays (f1 lists every key)."""


def profile_label(student: StudentRecord, students: Sequence[StudentRecord]) -> str:
    """The profile's name, with its external id when another profile has the same name."""
    if sum(other.name == student.name for other in students) < 2:
        return student.name
    return f"{student.name} ({student.external_id or f'#{student.id}'})"


class CountInput(Input):
    """The practice count box: digits type into it; any other key goes on to the screen, so the mode keys
    (n, p, d, w) and the other letter keys work while the box has focus, as they do everywhere else on home
    (an Input takes every printable key, and with focus in the box pressing p did nothing)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Only digits are the box's; the screen's letter bindings stay active (and in the footer)."""
        return character is not None and character.isdigit()

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and not self.check_consume_key(event.key, event.character):
            event.prevent_default()  # not typed; the key bubbles on to the screen's bindings


class HomeScreen(TentaScreen[None]):
    """The start page; everything else is one key away."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "start('full')", "Full exam", tooltip="Every question of the bank, in order."),
        Binding("p", "start('practice')", "Practice", tooltip="A few random questions (count in the box)."),
        Binding(
            "d", "start('due')", "Due today", tooltip="Spaced repetition: due reviews, then new questions."
        ),
        Binding("w", "start('weakest')", "Weakest", tooltip="Questions of your weakest topics first."),
        Binding(
            "t", "choose_topics", "Topics", tooltip="Study only some topics (Anki decks, Moodle categories)."
        ),
        Binding(
            "u",
            "suspended",
            "Suspended",
            show=False,
            tooltip="Questions you suspended (or that were suspended as leeches): bring them back.",
        ),
        Binding("b", "browse", "Browse", tooltip="Every question with your scores, due dates and marks."),
        Binding("h", "open('history')", "History", tooltip="Past quizzes and every graded answer."),
        Binding(
            "g",
            "open('progress')",
            "Progress",
            tooltip="Am I ready? Estimated exam score and grade, mastery per topic, charts, forecast.",
        ),
        Binding(
            "r",
            "open('review')",
            "Review queue",
            show=False,
            tooltip="Teacher: answers that need a human look.",
        ),
        Binding(
            "ctrl+o",
            "new_profile",
            "New profile",
            show=False,
            tooltip="Create a student profile and switch to it.",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._students: list[StudentRecord] = []
        self._dashboard: Dashboard | None = None
        self._scope: TopicScope | None = None
        self._scope_of: tuple[int, str] | None = None
        """The (student id, bank id) the topic scope was loaded for."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            with Horizontal(id="pickers"):
                with Vertical(classes="picker"):
                    yield Label("Profile", classes="field-label")
                    with Horizontal(classes="picker-row"):
                        yield Select[int]([], id="profile", prompt="Loading…", allow_blank=True)
                        yield Button("New", id="new-profile", tooltip="Create a profile (ctrl+o)")
                with Vertical(classes="picker"):
                    yield Label("Question bank", classes="field-label")
                    yield Select[str]([], id="bank", prompt="Loading…", allow_blank=True)
            yield Static("Loading your progress…", id="summary")
            with Horizontal(id="start-title"):
                yield Label("Start a quiz", classes="section-title")
                yield Static("", id="topic-line")
            with Horizontal(id="modes"):
                yield Button("Full exam", id="mode-full", variant="primary")
                with Horizontal(id="practice-group"):
                    yield Button("Practice", id="mode-practice")
                    yield CountInput(
                        str(DEFAULT_PRACTICE_COUNT),
                        id="practice-count",
                        type="integer",
                        max_length=3,
                        tooltip="How many random questions",
                    )
                yield Button("Due today", id="mode-due")
                yield Button("Weakest first", id="mode-weakest")
            yield Label("Look back", classes="section-title")
            with Horizontal(id="nav"):
                yield Button("History", id="open-history")
                yield Button("Progress", id="open-progress")
                yield Button("Review queue", id="open-review")
            yield Static("", id="hint", classes="empty-state")
        yield KeyFooter(minor=FOOTER_MINOR)

    def on_mount(self) -> None:
        self.query_one("#practice-count", Input).cursor_blink = self.tenta.cursor_blink
        self.call_after_refresh(self.load_profiles)

    def on_screen_resume(self) -> None:
        """Coming back from a quiz or another screen: the numbers may have changed."""
        if self._dashboard is not None:
            self.refresh_dashboard()

    # ----- data ------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="home-profiles", exit_on_error=False)
    def load_profiles(self) -> None:
        """Open the database and catalog off the UI thread (migrations and YAML parsing take a moment).

        On first load the bank shown is that of the profile's unfinished quiz, if any, so it is offered
        for resuming; else the default bank."""
        from quiz.session import unfinished_quiz_bank

        ctx = self.tenta.ctx
        try:
            students = ctx.repository.list_students()
            current = self.tenta.current_student or self.tenta.initial_student()
            if current.id not in {student.id for student in students}:
                students = ctx.repository.list_students()
            banks = [(summary.title, summary.id) for summary in ctx.catalog.summaries()]
            bank_ids = [bank_id for _, bank_id in banks]
            chosen: str | None = (
                self.tenta.current_bank_id
                or unfinished_quiz_bank(ctx, current.id, bank_ids)
                or ctx.settings.default_bank
            )
        except Exception as error:
            self.app.call_from_thread(self.app.notify, str(error), title="Cannot open data", severity="error")
            return
        if chosen not in bank_ids:
            chosen = bank_ids[0] if bank_ids else None
        self.app.call_from_thread(self._show_profiles, students, current, banks, chosen)

    def _show_profiles(
        self,
        students: list[StudentRecord],
        current: StudentRecord,
        banks: list[tuple[str, str]],
        chosen_bank: str | None,
    ) -> None:
        self._students = students
        self.tenta.current_student = current
        profile = self.query_one("#profile", Select)
        profile.set_options([(Text(profile_label(student, students)), student.id) for student in students])
        profile.value = current.id
        bank = self.query_one("#bank", Select)
        bank.set_options(banks)
        self.tenta.current_bank_id = chosen_bank
        if chosen_bank is None:
            self.query_one("#summary", Static).update(
                "No question bank found — import one with `tenta bank import`."
            )
            return
        bank.value = chosen_bank
        self.refresh_dashboard()

    def refresh_dashboard(self) -> None:
        """Reload the summary line (after a quiz, a profile or bank switch)."""
        if self.tenta.current_student is not None and self.tenta.current_bank_id:
            self.load_dashboard(self.tenta.current_student, self.tenta.current_bank_id)

    @work(thread=True, exclusive=True, group="home-dashboard", exit_on_error=False)
    def load_dashboard(self, student: StudentRecord, bank_id: str) -> None:
        from quiz.progress import dashboard
        from quiz.session import student_time_limit
        from quiz.topics import topic_scope

        ctx = self.tenta.ctx
        now = self.tenta.clock()
        try:
            summary = dashboard(ctx, student, bank_id, now)
            limit = student_time_limit(ctx.repository, student.id, bank_id, summary.time_limit_minutes)
            scope = topic_scope(ctx.repository, student.id, ctx.catalog.load(bank_id), now)
        except Exception as error:
            self.app.call_from_thread(
                self.app.notify, str(error), title="Cannot load progress", severity="error"
            )
            return
        self.app.call_from_thread(self._show_dashboard, summary, limit, scope)

    def _show_dashboard(self, summary: Dashboard, limit: ExamTimeLimit | None, scope: TopicScope) -> None:
        self._dashboard = summary
        self._scope, self._scope_of = scope, (summary.student.id, summary.bank_id)
        self.tenta.preload_model_soon()
        self._show_scope(scope)
        line = Content(summary.line())
        if summary.suspended:
            line += Content.from_markup(" · [@click=screen.suspended]u: show[/]")
        exam = self.query_one("#mode-full", Button)
        if scope.chosen:
            self.query_one("#summary", Static).update(line)
            exam.label = f"Full exam ({scope.questions})"
            exam.tooltip = "The chosen topics' questions in exam order, untimed."
        elif limit is None:
            self.query_one("#summary", Static).update(line)
            exam.label = f"Full exam ({summary.question_count})"
            exam.tooltip = None
        else:
            whose = " (your extra time)" if limit.extra_time else ""
            timed = f"Timed full exam: {limit.describe()}{whose}"
            self.query_one("#summary", Static).update(line + f"\n{timed}")
            exam.label = f"Full exam ({summary.question_count}, {minutes_text(limit.minutes)} min)"
            exam.tooltip = timed
        due = self.query_one("#mode-due", Button)
        due.label = f"Due today ({summary.due_today})"
        for button in (exam, due):  # a new label does not resize a button by itself
            button.refresh(layout=True)
        hint = self.query_one("#hint", Static)
        if summary.graded_answers == 0 and summary.finished_sessions == 0:
            hint.update("No sessions yet — press n to start a full exam, or p to practise a few questions.")
        else:
            hint.update("")
        resumable = summary.resumable
        if resumable is not None and resumable.id not in self.tenta.resume_offered:
            self.tenta.resume_offered.add(resumable.id)
            dialog = ResumeDialog(resumable, now=self.tenta.clock())
            self.app.push_screen(dialog, callback=self._resume_chosen)

    def _show_scope(self, scope: TopicScope) -> None:
        change = "change" if scope.chosen else "choose"
        link = f" · [@click=screen.choose_topics]t: {change}[/]" if scope.has_topics else ""
        self.query_one("#topic-line", Static).update(Content(scope.line()) + Content.from_markup(link))

    def _resume_chosen(self, choice: ResumeChoice | None) -> None:
        resumable = self._dashboard.resumable if self._dashboard else None
        if resumable is None or choice is None or choice is ResumeChoice.LATER:
            return
        if choice is ResumeChoice.RESUME:
            self.post_message(messages.ResumeQuiz(resumable.id))
        else:
            self.tenta.ctx.repository.abandon_session(resumable.id)
            self.notify("The unfinished quiz was discarded; its submitted answers are kept.")
            self.refresh_dashboard()

    # ----- events ----------------------------------------------------------------------------------------

    @on(Select.Changed, "#profile")
    def _profile_changed(self, event: Select.Changed) -> None:
        chosen = next((s for s in self._students if s.id == event.value), None)
        if chosen is not None and chosen != self.tenta.current_student:
            self.tenta.current_student = chosen
            self.refresh_dashboard()

    @on(Select.Changed, "#bank")
    def _bank_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.tenta.current_bank_id:
            self.tenta.current_bank_id = event.value
            self.refresh_dashboard()

    @on(Button.Pressed, "#modes Button")
    def _mode_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_start(event.button.id.removeprefix("mode-"))

    @on(Button.Pressed, "#nav Button")
    def _nav_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_open(event.button.id.removeprefix("open-"))

    @on(Button.Pressed, "#new-profile")
    def _new_profile_pressed(self) -> None:
        self.action_new_profile()

    @on(Input.Submitted, "#practice-count")
    def _practice_submitted(self) -> None:
        self.action_start("practice")

    # ----- actions ---------------------------------------------------------------------------------------

    def action_start(self, mode: str) -> None:
        student, bank_id = self.tenta.current_student, self.tenta.current_bank_id
        if student is None or not bank_id:
            self.notify("Still loading — try again in a moment.")
            return
        quiz_mode = QuizMode(mode)
        count: int | None = None
        if quiz_mode is QuizMode.PRACTICE:
            value = self.query_one("#practice-count", Input).value.strip()
            count = int(value) if value.isdigit() and int(value) > 0 else DEFAULT_PRACTICE_COUNT
        request = messages.StartQuiz(student.id, bank_id, quiz_mode, count, self._chosen_topics())
        resumable = self.tenta.ctx.repository.resumable_session(student.id, bank_id)
        if resumable is None:
            self.post_message(request)
            return
        dialog = ResumeDialog(resumable, now=self.tenta.clock())
        self.app.push_screen(dialog, callback=partial(self._resume_or_start, resumable.id, request))

    def _resume_or_start(
        self, session_id: int, request: messages.StartQuiz, choice: ResumeChoice | None
    ) -> None:
        """A new quiz sets the bank's unfinished one aside, drafts and all; a quiz paused with escape is
        offered once per run, so a mode key asks again: resume it, discard it and start the new quiz, or
        (later) neither."""
        if choice is ResumeChoice.RESUME:
            self.post_message(messages.ResumeQuiz(session_id))
        elif choice is ResumeChoice.DISCARD:
            self.tenta.ctx.repository.abandon_session(session_id)
            self.notify("The unfinished quiz was discarded; its submitted answers are kept.")
            self.post_message(request)

    def _chosen_topics(self) -> tuple[str, ...]:
        """The topics chosen for the profile and bank on screen (none while they are still loading)."""
        student, bank_id = self.tenta.current_student, self.tenta.current_bank_id
        if self._scope is None or student is None or self._scope_of != (student.id, bank_id):
            return ()
        return tuple(self._scope.chosen)

    def action_choose_topics(self) -> None:
        student, bank_id = self.tenta.current_student, self.tenta.current_bank_id
        if self._scope is None or student is None or self._scope_of != (student.id, bank_id):
            self.notify("Still loading — try again in a moment.")
            return
        if not self._scope.has_topics:
            self.notify("This bank's questions name no topics (a question's `topics:` in the bank file).")
            return
        from quiz.tui.screens.topic_dialog import TopicDialog

        self.app.push_screen(
            TopicDialog(self._scope.topics, self._scope.chosen), callback=self._topics_chosen
        )

    def _topics_chosen(self, chosen: list[str] | None) -> None:
        """Keep the choice for this profile and bank (in the database, so it outlives the app)."""
        student, bank_id = self.tenta.current_student, self.tenta.current_bank_id
        if chosen is None or student is None or not bank_id:
            return
        try:
            self.tenta.ctx.repository.set_topic_filter(student.id, bank_id, chosen)
        except TentaError as error:
            self.notify(error.message, title="Topics not saved", severity="error")
            return
        self.refresh_dashboard()

    def action_suspended(self) -> None:
        student, bank_id = self.tenta.current_student, self.tenta.current_bank_id
        if student is None or not bank_id:
            self.notify("Still loading — try again in a moment.")
            return
        from quiz.progress import suspended_questions
        from quiz.tui.screens.suspended_dialog import SuspendedDialog

        ctx = self.tenta.ctx
        questions = suspended_questions(ctx.repository, student.id, ctx.catalog.load(bank_id))
        if not questions:
            self.notify("No question is suspended: s on a question's feedback suspends it.")
            return
        self.app.push_screen(SuspendedDialog(questions), callback=self._unsuspend)

    def _unsuspend(self, question_ids: list[str] | None) -> None:
        student, bank_id = self.tenta.current_student, self.tenta.current_bank_id
        if not question_ids or student is None or not bank_id:
            return
        try:
            for question_id in question_ids:
                self.tenta.ctx.repository.unsuspend_question(student.id, bank_id, question_id)
        except TentaError as error:
            self.notify(error.message, title="Not unsuspended", severity="error")
        else:
            count = len(question_ids)
            self.notify(f"{count} question{'s' if count != 1 else ''} back in practice and reviews.")
        self.refresh_dashboard()

    def action_browse(self) -> None:
        student, bank_id = self.tenta.current_student, self.tenta.current_bank_id
        if student is None or not bank_id:
            self.notify("Still loading — try again in a moment.")
            return
        from quiz.tui.screens.browser import BrowserScreen

        self.app.push_screen(BrowserScreen(student.id, bank_id))

    def action_open(self, name: str) -> None:
        student, bank_id = self.tenta.current_student, self.tenta.current_bank_id
        if student is None or not bank_id:
            self.notify("Still loading — try again in a moment.")
            return
        self.post_message(messages.OpenScreen(name, student.id, bank_id))

    def action_new_profile(self) -> None:
        self.app.push_screen(ProfileDialog(), callback=self._profile_named)

    def _profile_named(self, name: str | None) -> None:
        if not name:
            return
        from db.repository import AmbiguousStudentName  # loaded with the repository by now

        try:
            student = self.tenta.ctx.repository.get_or_create_student(name)
        except AmbiguousStudentName as error:
            self.notify(
                f"{len(error.candidates)} profiles are named {name!r}: choose yours in the profile list.",
                severity="warning",
            )
            return
        self.tenta.current_student = student
        self.notify(f"Switched to profile {student.name}.")
        self.load_profiles()
