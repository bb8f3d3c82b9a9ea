"""Quiz: one question at a time, a multi-line answer editor, drafts saved as you type."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.events import DescendantFocus, Key
from textual.timer import Timer
from textual.widgets import Header, Label, ProgressBar, Static, TextArea

from question_bank.errors import TentaError
from quiz.session import ActiveQuiz, ItemState, student_time_limit
from quiz.tui import messages
from quiz.tui.screens.base import TentaScreen
from quiz.tui.screens.feedback import FeedbackChoice, FeedbackScreen
from quiz.tui.screens.finish_dialog import FINISH, FinishDialog
from quiz.tui.widgets.key_footer import KeyFooter
from quiz.tui.widgets.media_line import MediaLine
from quiz.tui.widgets.question_view import QuestionView
from quiz.tui.widgets.quiz_timer import QuizTimer, format_duration

DRAFT_SAVE_DELAY_S = 0.6
"""Save the draft this long after the last keystroke (and always when leaving the question)."""
TIME_WARNINGS_S = (5 * 60, 60)
"""A timed exam warns when this much time is left (Moodle shows its timer in red for the last minutes)."""
FOOTER_MINOR = ("next_flagged", "open_media", "toggle_language", "command_palette")
"""Keys the footer leaves out first (in this order) on a narrow terminal: the status and media lines name
ctrl+r and ctrl+o where they apply, and f1's list names ctrl+p; submit, skip, back, flag, finish, suspend,
pause and f1 stay at 80 columns."""


class QuizScreen(TentaScreen[None]):
    """Answer the questions of an ActiveQuiz; submitting opens the feedback screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", priority=True, tooltip="Store and grade this answer."),
        Binding("ctrl+n", "move(1)", "Skip", priority=True, tooltip="Next question; the draft is kept."),
        Binding("ctrl+b", "move(-1)", "Back", priority=True, tooltip="Previous question."),
        Binding(
            "ctrl+g",
            "toggle_flag",
            "Flag",
            priority=True,
            tooltip="Flag this question to come back to it (again to unflag); the finish summary lists it.",
        ),
        Binding("ctrl+l", "toggle_language", "Language", priority=True, tooltip="Show the prompt in sv/en."),
        Binding(
            "ctrl+t", "toggle_timer", "Timer", priority=True, show=False, tooltip="Show or hide the timer."
        ),
        Binding("ctrl+f", "finish", "Finish", priority=True, tooltip="End the quiz (lists unsubmitted)."),
        Binding(
            "f4",
            "toggle_suspend",
            "Suspend",
            priority=True,
            tooltip="Suspend this question (Anki's suspend): practice, due today and weakest first leave it "
            "out; this quiz still asks it (again: unsuspend). A function key, so it never types into the "
            "answer.",
        ),
        Binding("ctrl+r", "next_flagged", "Next ⚑", priority=True, tooltip="The next flagged question."),
        Binding(
            "ctrl+o",
            "open_media",
            "Media",
            priority=True,
            tooltip="Open the question's picture or sound in the system viewer; again for the next one.",
        ),
        Binding("escape", "leave", "Pause", tooltip="Back to home; resume later where you left off."),
    ]

    def __init__(self, quiz: ActiveQuiz) -> None:
        super().__init__()
        self.quiz = quiz
        self.language = quiz.bank.languages[0]
        self._shown_at: datetime | None = None
        self._draft_timer: Timer | None = None
        self._confirm_empty = False
        self._media_index = 0
        self._warned: set[int] = set()
        self._out_of_box = False
        """Whether the focus left the answer box (the status line then says how to come back)."""
        self._unsaved = False
        """Whether the database refused the last draft (flush_draft)."""

    def compose(self) -> ComposeResult:
        quiz = self.quiz
        yield Header()
        with Horizontal(id="quiz-bar"):
            yield Label("", id="quiz-position")
            yield ProgressBar(total=quiz.total, show_eta=False, show_percentage=False, id="quiz-progress")
            yield Label("", id="quiz-language")
            if quiz.deadline is None:
                yield QuizTimer(self._elapsed, id="quiz-timer")
            else:
                yield self._countdown()
        with VerticalScroll(id="prompt-scroll"):
            yield QuestionView(quiz.current, self.language, id="prompt")
        yield MediaLine("", id="quiz-media")
        yield TextArea(
            quiz.draft(),
            id="answer",
            soft_wrap=True,
            tab_behavior="indent",
            placeholder="Type your answer here (Swedish or English)…",
        )
        yield Static("", id="quiz-status")
        yield KeyFooter(minor=FOOTER_MINOR)

    def on_mount(self) -> None:
        editor = self.query_one("#answer", TextArea)
        editor.cursor_blink = self.tenta.cursor_blink
        self.query_one("#quiz-timer").display = self.quiz.deadline is not None
        self._show_question()
        if self.quiz.deadline is not None:
            self._check_deadline()
            self.set_interval(1.0, self._check_deadline)

    # ----- showing a question ----------------------------------------------------------------------------

    def _show_question(self) -> None:
        quiz = self.quiz
        question = quiz.current
        self.query_one("#prompt", QuestionView).show(question, self.language)
        self.query_one("#prompt-scroll", VerticalScroll).scroll_home(animate=False)
        editor = self.query_one("#answer", TextArea)
        with editor.prevent(TextArea.Changed):
            editor.text = quiz.draft()
        editor.move_cursor(editor.document.end)
        editor.focus()
        self._show_position()
        self.query_one("#quiz-progress", ProgressBar).update(progress=len(quiz.answers))
        self._show_language()
        self._set_status()
        self._media_index = 0
        self._show_media()
        self.refresh_bindings()
        self._shown_at = self.tenta.clock()
        self._confirm_empty = False

    def _show_position(self) -> None:
        """'Question 3/12 · 2 p', with '· ⚑ flagged' when the student flagged it and '· ⏸ suspended' when
        it is one of their suspended questions (a full exam still asks those)."""
        quiz = self.quiz
        flag = " · ⚑ flagged" if quiz.is_flagged() else ""
        suspended = " · ⏸ suspended" if quiz.is_suspended() else ""
        self.query_one("#quiz-position", Label).update(
            f"Question {quiz.position + 1}/{quiz.total} · {quiz.current.max_points:g} p{flag}{suspended}"
        )

    def _countdown(self) -> QuizTimer:
        """A timed exam's clock; with the student's extra time it says so: '(+25 %)' after the time left
        and the whole limit ('30 min + 25 % = 37.5 min') in its tooltip."""
        quiz = self.quiz
        limit = student_time_limit(
            self.tenta.ctx.repository, quiz.session.student_id, quiz.bank.id, quiz.bank.time_limit_minutes
        )
        if limit is None or limit.extra_time is None:
            return QuizTimer(self._time_left, countdown=True, id="quiz-timer")
        timer = QuizTimer(
            self._time_left, countdown=True, extra_time=limit.extra_time.amount, id="quiz-timer"
        )
        timer.tooltip = f"Time limit: {limit.describe()} (your extra time)"
        return timer

    def _set_status(self, note: str = "") -> None:
        answered = self.quiz.answer_for()
        if note:
            text = note
        elif answered is not None:
            text = "Submitted — edit and press ctrl+s to submit again, or ctrl+n for the next question."
        else:
            text = "Your draft is saved as you type. ctrl+s submits."
        self.query_one("#quiz-status", Static).update(text)

    def _elapsed(self) -> float:
        running = (self.tenta.clock() - self._shown_at).total_seconds() if self._shown_at else 0.0
        return self.quiz.elapsed_seconds() + running

    def _time_left(self) -> float:
        return self.quiz.seconds_left(self.tenta.clock()) or 0.0

    def _check_deadline(self) -> None:
        """Warn as the end nears; at the deadline save the editor's text and hand the exam in."""
        if not self.is_current:
            return
        left = self._time_left()
        if left <= 0:
            self.flush_draft()
            self.bank_time()
            self.query_one("#answer", TextArea).read_only = True
            self.post_message(messages.TimeUp(self.quiz))
            return
        for warning in TIME_WARNINGS_S:
            if left <= warning and warning not in self._warned:
                self._warned.update(w for w in TIME_WARNINGS_S if w >= warning)
                self.notify(
                    f"{format_duration(left)} left: what you have typed is handed in when time is up.",
                    title="Time",
                    severity="warning",
                )
                break

    def bank_time(self) -> None:
        """Add the time spent on the current question since it was shown. A database that refuses it costs
        this sitting's time only: it stopped the app on ctrl+n, ctrl+s, ctrl+f and esc, and the answer in
        the box with it."""
        if self._shown_at is not None:
            now = self.tenta.clock()
            with suppress(TentaError):
                self.quiz.add_time((now - self._shown_at).total_seconds())
                self._shown_at = now

    def _media_files(self) -> dict[str, Path]:
        """The bank's media files that exist, by name (none when the bank was removed since the quiz
        started)."""
        try:
            return self.tenta.ctx.catalog.media_files(self.quiz.bank.id)
        except TentaError:
            return {}

    def _show_media(self) -> None:
        names = self.quiz.current.media
        missing = set(names) - set(self._media_files())
        self.query_one("#quiz-media", MediaLine).show(names, missing, self._media_index)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer 'Media' only on questions that have some, 'Next ⚑' once something is flagged."""
        if action == "open_media":
            return bool(self.quiz.current.media)
        if action == "next_flagged":
            return bool(self.quiz.flagged)
        return True

    # ----- the editor's focus ----------------------------------------------------------------------------

    def on_key(self, event: Key) -> None:
        """A character typed while the answer box is not focused goes into the answer. Escape in the box
        only moves the focus out (tab indents there, so escape is the way to the question's scroll); the
        student sees no change and would otherwise type on into nothing."""
        editor = self.query_one("#answer", TextArea)
        if not event.is_printable or event.character is None or editor.has_focus or editor.read_only:
            return
        event.stop()
        event.prevent_default()
        editor.focus()
        editor.replace(event.character, *editor.selection)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Say where the keys go while the focus is out of the answer box (escape moves it out, so the
        arrow keys can scroll a long question) and how to come back; back in the box, the usual line."""
        in_box = event.widget is self.query_one("#answer", TextArea)
        if in_box and self._out_of_box:
            self._set_status()
        elif not in_box:
            self._set_status("↑↓ scroll the question · esc pauses · typing returns to your answer")
        self._out_of_box = not in_box

    # ----- drafts ----------------------------------------------------------------------------------------

    @on(TextArea.Changed, "#answer")
    def _typed(self) -> None:
        self._confirm_empty = False
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_DELAY_S, self.flush_draft)

    def flush_draft(self) -> bool:
        """Save what is in the editor now (also called before leaving the question or the app); False when
        the database refused it: the status line then names the file the answer was copied to (told once
        as a notification too, not at every pause in typing), and the answer stays in the box."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        try:
            self.quiz.save_draft(self.query_one("#answer", TextArea).text)
        except TentaError as error:
            if not self._unsaved:
                self.notify(error.message, title="Draft not saved", severity="error", timeout=15)
            self._unsaved = True
            self._set_status(f"Not saved: {error.message}")
            return False
        if self._unsaved:
            self._unsaved = False
            self._set_status()
        return True

    # ----- actions ---------------------------------------------------------------------------------------

    def action_submit(self) -> None:
        text = self.query_one("#answer", TextArea).text
        if not text.strip() and not self._confirm_empty:
            self._confirm_empty = True
            self._set_status("The answer is empty — press ctrl+s again to submit it anyway (it scores 0).")
            return
        self.flush_draft()
        self.bank_time()
        try:
            answer = self.quiz.submit(text, now=self.tenta.clock())
        except TentaError as error:  # the deadline passed between two timer ticks
            self.notify(error.message, title="Not submitted", severity="warning")
            self._check_deadline()
            return
        self._set_status()
        self.query_one("#quiz-progress", ProgressBar).update(progress=len(self.quiz.answers))
        feedback = FeedbackScreen(
            self.quiz, answer, language=self.language, waiting_for_model=not self.tenta.model_ready.is_set()
        )
        self.app.push_screen(feedback, callback=self._after_feedback)
        self.post_message(messages.AnswerSubmitted(self.quiz, answer, feedback))

    def _after_feedback(self, choice: FeedbackChoice | None) -> None:
        self._show_position()  # the feedback may have suspended the question
        if choice is FeedbackChoice.FINISH:
            self.action_finish()
        elif choice is FeedbackChoice.NEXT:
            self._advance()
        else:
            self.query_one("#answer", TextArea).focus()
            self._shown_at = self.tenta.clock()

    def _advance(self) -> None:
        """Go to the next question; after the last, to the first unanswered one, or finish."""
        quiz = self.quiz
        if not quiz.is_last:
            self._go(quiz.position + 1)
            return
        unanswered = [i for i, question in enumerate(quiz.questions) if quiz.answer_for(question) is None]
        if unanswered:
            self._go(unanswered[0])
            self.notify(f"{len(unanswered)} question(s) still unanswered; ctrl+f finishes anyway.")
        else:
            self.action_finish()

    def _go(self, position: int) -> None:
        """Show another question, once this one's answer is saved (else the box would show that question's
        draft and this answer would be only in the unsaved-answers file)."""
        if not self.flush_draft():
            return
        self.bank_time()
        try:
            self.quiz.go_to(position)
        except TentaError as error:
            self.notify(error.message, title="Not moved; your answer is saved", severity="error")
            return
        self._show_question()

    def action_move(self, step: int) -> None:
        target = self.quiz.position + step
        if 0 <= target < self.quiz.total:
            self._go(target)
        else:
            self.notify("That was the last question." if step > 0 else "This is the first question.")

    def action_toggle_flag(self) -> None:
        try:
            flagged = self.quiz.toggle_flag()
        except TentaError as error:
            self.notify(error.message, title="Flag not saved", severity="error")
            return
        self._show_position()
        self.refresh_bindings()
        if flagged:
            self._set_status("Flagged — ctrl+r goes to the next flagged question; the finish lists it.")
        else:
            self._set_status()

    def action_toggle_suspend(self) -> None:
        """Suspend the question for this profile, or unsuspend it, after saving the answer typed so far."""
        self.flush_draft()
        question = self.quiz.current
        suspend = not self.quiz.is_suspended(question)
        try:
            self.quiz.set_suspended(question, suspend)
        except TentaError as error:
            self.notify(error.message, title="Not changed", severity="error")
            return
        self._show_position()
        if suspend:
            self._set_status(
                "Suspended — practice leaves it out until you unsuspend it (f4 again, or u at home)."
            )
        else:
            self._set_status("Unsuspended — it comes up in practice and reviews again.")

    def action_next_flagged(self) -> None:
        position = self.quiz.next_flagged()
        if position is None:
            self.notify("No question is flagged: ctrl+g flags the one on screen.")
        elif position == self.quiz.position:
            self.notify("This is the only flagged question.")
        else:
            self._go(position)

    def action_toggle_language(self) -> None:
        languages = self._languages()
        if len(languages) < 2:
            self.notify("This question is written in one language only.")
            return
        following = languages.index(self.language) + 1 if self.language in languages else 0
        self.language = languages[following % len(languages)]
        self.query_one("#prompt", QuestionView).show(self.quiz.current, self.language)
        self._show_language()

    def _languages(self) -> list[str]:
        """The languages the current prompt is written in, in the bank's order."""
        return [lang for lang in self.quiz.bank.languages if lang in self.quiz.current.prompt]

    def _show_language(self) -> None:
        """' sv   en ' with the shown language reversed; with two or more, a click (or ctrl+l, named here as
        the footer leaves it out at 80 columns) switches: an exchange student saw a Swedish question and
        no way to the English one but f1's list."""
        languages = self._languages()
        shown = " ".join(
            f"[reverse] {lang} [/reverse]" if lang == self.language else f" {lang} " for lang in languages
        )
        if len(languages) > 1:
            shown = f"[@click=screen.toggle_language]{shown} [dim]^l[/dim][/]"
        self.query_one("#quiz-language", Label).update(shown)

    def action_open_media(self) -> None:
        """Open the next attachment with the system's viewer or player (as a file:// URL)."""
        names = self.quiz.current.media
        if not names:
            return
        name = names[self._media_index % len(names)]
        self._media_index = (self._media_index + 1) % len(names)
        path = self._media_files().get(name)
        if path is None:
            self.notify(f"{name} is missing from the bank's media folder.", severity="warning")
        else:
            self.app.open_url(path.as_uri())
            self.notify(f"Opened {name}.")
        self._show_media()

    def action_toggle_timer(self) -> None:
        timer = self.query_one("#quiz-timer", QuizTimer)
        timer.display = not timer.display
        timer.tick()

    def action_finish(self) -> None:
        """Finish at once when every answer is submitted and nothing is flagged; else show what is not
        submitted and what is flagged (typed answers can be submitted with the finish, or the student
        goes back); not while the database refuses the answer on screen."""
        if not self.flush_draft():
            return
        self.bank_time()
        items = self.quiz.summary()
        if all(item.state is ItemState.SUBMITTED and not item.flagged for item in items):
            self.post_message(messages.QuizFinished(self.quiz))
        else:
            self.app.push_screen(FinishDialog(items, self.language), callback=self._after_summary)

    def _after_summary(self, choice: int | None) -> None:
        if choice == FINISH:
            self.post_message(messages.QuizFinished(self.quiz))
        elif choice is not None:
            self._go(choice)
        else:
            self.query_one("#answer", TextArea).focus()
            self._shown_at = self.tenta.clock()

    def action_leave(self) -> None:
        """Pause: back home, once the answer on screen is saved (the box is the only place it is shown)."""
        if not self.flush_draft():
            return
        self.bank_time()
        self.post_message(messages.QuizLeft(self.quiz))
