"""The Textual app: a thin shell over quiz/ that routes screen messages to core functions and workers.

Screens never call the grader or the database's internals; they post messages (quiz.tui.messages)
and the app answers them with core calls, running anything slow (model loading, grading) in
thread workers so the first paint and every keystroke stay fast.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from question_bank.errors import TentaError
from quiz.modes import QuizMode
from quiz.tui import messages
from quiz.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from db.records import AnswerRecord, StudentRecord
    from quiz.context import AppContext
    from quiz.session import ActiveQuiz, GradeOutcome

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class TentaApp(App[None]):
    """tenta's student and teacher app."""

    CSS_PATH = Path(__file__).with_name("tenta.tcss")
    TITLE = "tenta"
    SUB_TITLE = "exam practice"
    ENABLE_COMMAND_PALETTE = True
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {"home": HomeScreen}
    DEFAULT_MODE: ClassVar[str] = "home"
    """Home is the base screen, so nothing else is composed before the first paint."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f1",
            "show_keys",
            "Keys",
            tooltip="List every key of this screen, also those the footer has no room for.",
            priority=True,
        ),
        Binding(
            "f2",
            "toggle_dark",
            "Light/dark",
            show=False,
            tooltip="Switch between the light and dark theme.",
        ),
    ]

    model_state: reactive[str] = reactive("idle")
    """'idle', 'loading', 'ready' or 'failed': where the grading model is."""

    def __init__(
        self,
        ctx: AppContext | None = None,
        *,
        clock: Clock = utc_now,
        seed: int | None = None,
        cursor_blink: bool = True,
        preload_model: bool = True,
    ) -> None:
        super().__init__()
        self._ctx = ctx
        self.clock = clock
        self.rng = random.Random(seed)
        self.cursor_blink = cursor_blink
        self.preload_model = preload_model
        self.model_ready = threading.Event()
        self.active_quiz: ActiveQuiz | None = None
        self.current_student: StudentRecord | None = None
        self.current_bank_id: str | None = None
        self.resume_offered: set[int] = set()
        """Sessions already offered for resuming or taken in this run: don't ask about them again."""
        self.theme = "textual-dark"

    @property
    def ctx(self) -> AppContext:
        """The application context, created on first use (off the UI thread) so first paint stays fast."""
        if self._ctx is None:
            from quiz.context import AppContext

            self._ctx = AppContext()
        return self._ctx

    def initial_student(self) -> StudentRecord:
        """The profile named in settings, else the local default profile (called off the UI thread)."""
        return self.ctx.own_profile()

    # ----- lifecycle -------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Start in the theme chosen in an earlier run (the `theme` setting) and keep every later choice."""
        try:
            saved = self.ctx.settings.theme
        except TentaError:  # a bad config.toml: the home screen's data loading reports it
            saved = self.theme
        if saved in self.available_themes:
            self.theme = saved
        else:
            self.notify(
                f"No theme is named {saved!r} (the theme setting); f2 switches light and dark.",
                title="Theme",
                severity="warning",
            )
        self.watch(self, "theme", self._remember_theme, init=False)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification shows its text as written: they name profiles, banks, files and errors,
        none uses markup, and read as markup 'Switched to profile Åsa Öberg [ht25].' lost '[ht25]' (a
        '[/]' in an error message stopped the app). Screens and widgets notify through here."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _remember_theme(self, theme: str) -> None:
        """Write the chosen theme into the user's config.toml, so the next run starts in it."""
        from quiz.settings import save_setting

        try:
            save_setting("theme", theme)
        except TentaError as error:
            self.notify(error.message, title="Theme not remembered", severity="warning")
            return
        if self._ctx is not None:
            self._ctx.settings = self._ctx.settings.model_copy(update={"theme": theme})

    def preload_model_soon(self) -> None:
        """Start loading the model once the home screen has its data (so the two don't compete)."""
        if self.preload_model and self.model_state == "idle":
            self.model_state = "loading"
            self.load_model()

    @work(thread=True, exclusive=True, group="model", exit_on_error=False)
    def load_model(self) -> None:
        """Load the embedding model and grader after first paint, so submitting later is instant."""
        from quiz.grading_service import ensure_grader

        try:
            ensure_grader(self.ctx, ingest_course_material=True)
        except Exception as error:  # the UI must survive a missing or broken model
            self.call_from_thread(setattr, self, "model_state", "failed")
            self.call_from_thread(self.notify, _message_of(error), title="Grading model", severity="error")
            return
        self.model_ready.set()
        self.call_from_thread(setattr, self, "model_state", "ready")

    # ----- command palette -------------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key binding of the current screen is also a command (its help names the key), so the palette
        lists every action."""
        from quiz.tui.screens.keys_dialog import key_name

        # Textual's "Keys" opens its key panel, which starts with the focused widget's cursor keys; f1's
        # list (the "Keys" binding below) shows the screen's own keys.
        yield from (command for command in super().get_system_commands(screen) if command.title != "Keys")
        seen: set[str] = {"Theme", "Quit", "Screenshot", "Maximize", "Minimize"}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.description in seen or not active.enabled:
                continue
            seen.add(binding.description)
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip} Key: {key_name(binding)}."
                if binding.tooltip
                else f"Key: {key_name(binding)}.",
                partial(self.run_action, binding.action, active.node),
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """f1 is a priority key because a dialog (finishing the quiz, resuming, disagreeing) shuts out the
        app's other keys; over the key list itself it is the list's own key, which closes it."""
        if action == "show_keys":
            from quiz.tui.screens.keys_dialog import KeysDialog

            return not isinstance(self.screen, KeysDialog)
        return True

    def action_show_keys(self) -> None:
        """f1: every key of the current screen in a list (the footer leaves the minor ones out on a narrow
        terminal; a function key, so it never types into an answer or a filter box)."""
        from quiz.tui.screens.keys_dialog import KeysDialog, screen_keys

        self.push_screen(KeysDialog(screen_keys(self.screen)))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    # ----- quiz flow -------------------------------------------------------------------------------------

    @on(messages.StartQuiz)
    def start_quiz(self, message: messages.StartQuiz) -> None:
        from quiz.session import QuizRequest, start_quiz
        from quiz.tui.screens.quiz import QuizScreen

        try:
            quiz = start_quiz(
                self.ctx,
                QuizRequest(
                    student_id=message.student_id,
                    bank_id=message.bank_id,
                    mode=message.mode,
                    count=message.count,
                    topics=message.topics,
                ),
                now=self.clock(),
                rng=self.rng,
            )
        except TentaError as error:
            self.notify(error.message, title="Cannot start quiz", severity="warning")
            return
        self.active_quiz = quiz
        self.resume_offered.add(quiz.session_id)
        self.push_screen(QuizScreen(quiz))
        if message.mode is QuizMode.PRACTICE and message.count and quiz.total < message.count:
            self.notify(
                f"Practice asks {quiz.total} question(s), all there are"
                + (" in the chosen topics." if message.topics else ".")
            )

    @on(messages.ResumeQuiz)
    def resume_quiz(self, message: messages.ResumeQuiz) -> None:
        from quiz.session import resume_quiz
        from quiz.tui.screens.quiz import QuizScreen

        try:
            quiz = resume_quiz(self.ctx, message.session_id)
        except TentaError as error:
            self.notify(error.message, title="Cannot resume", severity="error")
            return
        self.resume_offered.add(quiz.session_id)
        if quiz.time_is_up(self.clock()):
            self.hand_in(quiz, timed_out=True)
            return
        self.active_quiz = quiz
        self.push_screen(QuizScreen(quiz))

    @on(messages.TimeUp)
    def time_up(self, message: messages.TimeUp) -> None:
        self.hand_in(message.quiz, timed_out=True)

    @on(messages.QuizFinished)
    def finish_quiz(self, message: messages.QuizFinished) -> None:
        self.hand_in(message.quiz, timed_out=False)

    def hand_in(self, quiz: ActiveQuiz, *, timed_out: bool) -> None:
        """Submit the typed answers not yet submitted (at a timed exam's deadline: as they stood then),
        close the session, show the results and grade what was handed in."""
        from quiz.tui.screens.quiz import QuizScreen
        from quiz.tui.screens.results import ResultsScreen

        try:
            handed_in = quiz.hand_in(now=self.clock())
        except TentaError as error:
            self.notify(error.message, title="Hand-in failed; your drafts are kept", severity="error")
            return
        self.active_quiz = None
        if timed_out:
            note = f"Time is up: {len(handed_in)} typed answer(s) handed in"
        else:
            note = f"{len(handed_in)} typed answer(s) submitted at the finish" if handed_in else ""
        results = ResultsScreen(quiz, note=note)
        if isinstance(self.screen, QuizScreen):
            self.switch_screen(results)
        else:
            self.push_screen(results)
        for answer in handed_in:
            self.grade_in_background(quiz, answer, results)

    @on(messages.AnswerSubmitted)
    def grade_submitted(self, message: messages.AnswerSubmitted) -> None:
        self.grade_in_background(message.quiz, message.answer, message.feedback)

    @work(thread=True, group="grading", exit_on_error=False)
    def grade_in_background(self, quiz: ActiveQuiz, answer: AnswerRecord, screen: Screen[Any]) -> None:
        """Grade one stored answer; on failure the answer stays ungraded for `tenta regrade`."""
        from quiz.grading_service import ensure_grader

        try:
            if not self.model_ready.is_set():
                ensure_grader(self.ctx, ingest_course_material=True)
                self.model_ready.set()
                self.call_from_thread(setattr, self, "model_state", "ready")
            outcome: GradeOutcome = quiz.grade(answer, now=self.clock())
        except Exception as error:
            self.call_from_thread(self._grading_failed, screen, answer, _message_of(error))
            return
        self.call_from_thread(self._graded, screen, outcome)

    def _graded(self, screen: Screen[Any], outcome: GradeOutcome) -> None:
        for target in (screen, *self._results_screens()):
            target.post_message(messages.GradeReady(outcome))

    def _grading_failed(self, screen: Screen[Any], answer: AnswerRecord, reason: str) -> None:
        self.notify(
            f"Your answer is saved; grading failed ({reason}). Run `tenta regrade` later.",
            title="Grading failed",
            severity="error",
            timeout=10,
        )
        for target in (screen, *self._results_screens()):
            target.post_message(messages.GradeFailed(answer.id, reason))

    def _results_screens(self) -> list[Screen[Any]]:
        from quiz.tui.screens.results import ResultsScreen

        return [screen for screen in self.screen_stack if isinstance(screen, ResultsScreen)]

    @on(messages.QuizLeft)
    def leave_quiz(self, message: messages.QuizLeft) -> None:
        from quiz.tui.screens.quiz import QuizScreen

        self.active_quiz = None
        if isinstance(self.screen, QuizScreen):
            self.pop_screen()
        self.notify(
            "Your place and draft are saved; starting a quiz of this bank offers to resume it.",
            title="Quiz paused",
        )

    # ----- navigation ------------------------------------------------------------------------------------

    @on(messages.OpenScreen)
    def open_screen(self, message: messages.OpenScreen) -> None:
        from quiz.tui.screens import build_screen

        student_name = self.current_student.name if self.current_student else "teacher"
        self.push_screen(build_screen(message.name, message.student_id, message.bank_id, student_name))

    async def action_quit(self) -> None:
        """Save the draft being typed and the time spent on the question before leaving, as pausing does,
        so nothing typed is lost and a resumed quiz hands the answer in with this sitting's time too: also
        when a dialog (f1's keys, the command palette, the finish summary) is open over the quiz. A database
        that refuses the time does not stop the quit (only this sitting's time is lost)."""
        from quiz.tui.screens.quiz import QuizScreen

        for screen in self.screen_stack:
            if isinstance(screen, QuizScreen):
                screen.flush_draft()
                with suppress(TentaError):
                    screen.bank_time()
        self.exit()


def _message_of(error: BaseException) -> str:
    if isinstance(error, TentaError):
        return error.message
    return f"{type(error).__name__}: {error}"


def run_app() -> None:
    """Entry point of `tenta` without a sub-command."""
    TentaApp().run()
