"""A student's sessions with the bundled exam (QA, session 15): the real app (Pilot) on a real SQLite file
with the real MiniLM grader."""

from __future__ import annotations

import html

import pytest
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Paste
from textual.widgets import (
    Button,
    Collapsible,
    DataTable,
    Input,
    Label,
    Markdown,
    Select,
    SelectionList,
    Static,
)

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.tui.screens.disagree_dialog import DisagreeDialog
from quiz.tui.screens.finish_dialog import PROMPT_EXCERPT, FinishDialog
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.keys_dialog import screen_keys
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.screens.session_detail import SessionDetailScreen
from quiz.tui.screens.suspended_dialog import SuspendedDialog
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, open_browser, settle, wait_until
from tests.tui.test_teacher_footer import visible_footer_keys

pytestmark = pytest.mark.anyio


async def test_the_scroll_keys_read_the_whole_feedback_while_next_has_the_focus(ctx: AppContext) -> None:
    """At 80x24 the key points, the answer and the reference answer run far below the edge; the focus rests
    on Next (enter goes on), and pgdn, ↓, end, ↑, pgup and home still scroll the feedback."""
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"AI omfattar maskininlärning.")
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        scroll = feedback.query_one("#feedback", VerticalScroll)
        assert scroll.max_scroll_y > 40, "the feedback is several screens long at 80x24"
        assert isinstance(pilot.app.focused, Button) and pilot.app.focused.id == "next"

        positions = []
        for key in ("pagedown", "down", "end", "up", "pageup", "home"):
            await pilot.press(key)
            await settle(pilot)
            positions.append(scroll.scroll_y)
        page = scroll.scrollable_content_region.height
        assert positions == [
            page,
            page + 1,
            scroll.max_scroll_y,
            scroll.max_scroll_y - 1,
            scroll.max_scroll_y - 1 - page,
            0,
        ]
        assert pilot.app.focused.id == "next", "the focus stays on Next, so enter still goes on"
        assert "Read on" in [row.description for row in screen_keys(feedback)], "f1 lists the keys"


DRAFT = "Vikten w[i] gånger x[i], och h[t-1] är förra tillståndet [/]"
REASON = "Jag skrev att AI [b]omfattar[/b] ML, se rad [i] [/]"


async def test_a_students_draft_and_regrade_reason_are_shown_as_typed_in_history(ctx: AppContext) -> None:
    """Square brackets a student types (w[i], h[t-1], even '[/]') are text, not markup: history showed the
    draft of a paused quiz as 'Vikten w gånger x, och h är förra tillståndet' and a '[/]' in the regrade
    reason or the filter stopped the app with a MarkupError."""
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press("ctrl+n", *"AI omfattar maskininlärning.", "ctrl+s")
        await graded_feedback(pilot)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DisagreeDialog), "the reason")
        await pilot.press(*REASON, "enter")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "back to the question")
        await pilot.press("ctrl+b", *DRAFT, "escape", "escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home")

        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen), "history")
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the session")
        await settle(pilot)
        detail = pilot.app.screen
        assert str(detail.query_one("#detail-empty", Static).render()).endswith(
            f"Unsubmitted draft:\n{DRAFT}"
        )
        await pilot.press("down")
        await settle(pilot)
        flags = str(detail.query_one(".av-flags", Static).render())
        assert flags.endswith(f"omprövning begärd: {REASON}"), "a Swedish answer's grade reads Swedish"

        await pilot.press("escape", "/", *"[/]")
        await settle(pilot)
        history = pilot.app.screen
        assert isinstance(history, HistoryScreen)
        assert str(history.query_one("#history-empty", Static).render()) == "No session matches “[/]”."


BRACKET_BANK = "dl-brackets"
TITLE = "Deep learning [ht25]"
PROMPTS = {
    "q01-ai-ml-dl": "En neuron räknar ut summan av w[i]·x[i] plus b. Vad är w[i], x[i] och b?",
    "q02-tensorflow-keras": "I en RNN beror h[t] på h[t-1]. Vad betyder [t] här?",
}


def install_bracket_bank(ctx: AppContext) -> None:
    """The bundled course as a user bank whose title and first two prompts have lowercase square brackets,
    as a teacher writes indices."""
    bundled = ctx.catalog.load("dl-course").model_dump()
    for question in bundled["questions"]:
        if question["id"] in PROMPTS:
            question["prompt"] = {"sv": PROMPTS[question["id"]]}
    ctx.catalog.install(Bank.model_validate({**bundled, "id": BRACKET_BANK, "title": TITLE}))


def shown(cell: object) -> str:
    """What a table cell or list option shows: a str is read as markup, a Text or Content as it is."""
    return Content.from_markup(cell).plain if isinstance(cell, str) else str(cell)


async def test_a_banks_square_brackets_are_shown_in_feedback_finish_results_home_browser(
    ctx: AppContext,
) -> None:
    """A prompt's 'w[i]' and 'h[t-1]' and a title's '[ht25]' read as written on every student screen; they
    were Rich markup there ('[i]' italicised the rest, '[t-1]' and '[ht25]' vanished)."""
    install_bracket_bank(ctx)
    first, second = PROMPTS.values()
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.query_one("#bank", Select).value = BRACKET_BANK
        await wait_until(
            pilot, lambda: TITLE in str(pilot.app.screen.query_one("#summary").render()), "the title"
        )
        assert str(pilot.app.screen.query_one("#summary", Static).render()).startswith(f"{TITLE}: nothing")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"w är vikterna, x indata och b bias.", "ctrl+s")
        feedback = await graded_feedback(pilot)
        assert str(feedback.query_one("#fb-question", Static).render()) == f"Fråga 1 · {first}"
        await pilot.press("s", "e")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "back to the question")
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the finish summary")
        finish = pilot.app.screen.query_one("#finish-items", DataTable)
        assert shown(finish.get_row_at(0)[1]) == second[: PROMPT_EXCERPT - 1] + "…"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        await settle(pilot)
        results = pilot.app.screen
        assert str(results.query_one("#results-title", Static).render()) == f"Full exam finished · {TITLE}"
        rows = results.query_one("#results-table", DataTable)
        assert [shown(rows.get_row_at(index)[1]) for index in (0, 1)] == [first[:37] + "…", second[:37] + "…"]

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home")
        await wait_until(
            pilot, lambda: "suspended" in str(pilot.app.screen.query_one("#summary").render()), "1 suspended"
        )
        assert str(pilot.app.screen.query_one("#summary", Static).render()).startswith(f"{TITLE}: 1 quiz")
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SuspendedDialog), "the suspended list")
        option = pilot.app.screen.query_one("#suspended-list", SelectionList).get_option_at_index(0)
        assert shown(option.prompt).startswith(f"Q1   {first[:37]}…")
        await pilot.press("escape")
        browser = await open_browser(pilot)
        cells = [shown(cell) for cell in browser.query_one(DataTable).get_row("q02-tensorflow-keras")]
        prompt = cells[1].removesuffix("…")
        assert len(prompt) > 20 and second.startswith(prompt), cells


async def test_the_feedback_on_a_code_question_has_the_code_the_prompt_speaks_of(ctx: AppContext) -> None:
    """Question 5 asks 'Förklara vad nedanstående kod gör:' and its key points name the layers; the feedback
    showed the prompt without the code below it, so the student went back to the question to compare.
    The code is one click (or enter) away, folded so the grade stays on the first screen."""
    source = ctx.catalog.load("dl-course").question("q05-keras-code").code
    assert source is not None
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*["ctrl+n"] * 4, *"Ett nätverk med dropout.", "ctrl+s")
        feedback = await graded_feedback(pilot)
        code = feedback.query_one("#fb-code", Collapsible)
        assert code.collapsed and code.region.y < feedback.query_one("#fb-score").region.y < 24
        assert "nn_model.add(Dropout(rate=0.2))" in code.query_one(Markdown).source
        await pilot.click("#fb-code CollapsibleTitle")
        await settle(pilot)
        assert not code.collapsed
        assert feedback.query_one("#fb-code Markdown").region.height > 10


async def test_a_question_without_code_has_no_code_fold(ctx: AppContext) -> None:
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"AI omfattar ML.", "ctrl+s")
        feedback = await graded_feedback(pilot)
        assert not feedback.query("#fb-code")


async def test_next_says_results_only_when_it_shows_them(ctx: AppContext) -> None:
    """A practice of three with the first skipped: on the last question's feedback the button said 'Results'
    and took the student back to the skipped first question. It says 'Next' there, and 'Results' once
    every question is answered."""
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.query_one("#practice-count", Input).value = "3"
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press("ctrl+n", *"Ett svar.", "ctrl+s")
        await graded_feedback(pilot)
        await pilot.press("n", *"Ett annat svar.", "ctrl+s")
        last = await graded_feedback(pilot)
        assert str(last.query_one("#next", Button).label) == "Next"
        await pilot.click("#next")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the skipped question")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen) and quiz_screen.quiz.position == 0
        await pilot.press(*"Det tredje svaret.", "ctrl+s")
        first = await graded_feedback(pilot)
        assert str(first.query_one("#next", Button).label) == "Next", "not the last question"
        await pilot.press("e", "ctrl+n", "ctrl+n", "ctrl+s")
        again = await graded_feedback(pilot)
        assert str(again.query_one("#next", Button).label) == "Results"
        await pilot.click("#next")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")


async def test_enter_on_a_result_opens_that_answer_with_its_key_points(ctx: AppContext) -> None:
    """The results table is a list of rows to pick, and enter did nothing: the answers handed in at the
    finish (typed, never submitted one by one) had their per-key-point feedback nowhere on the way home.
    Enter opens the highlighted question's answer as history shows it; esc comes back."""
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.query_one("#practice-count", Input).value = "2"
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        second = f"Q{quiz_screen.quiz.questions[1].number}"
        await pilot.press(*"Ett svar.", "ctrl+n", *"Regularisering minskar överanpassning.", "ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the finish summary")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        results = pilot.app.screen
        await wait_until(
            pilot, lambda: "grading" not in str(results.query_one("#results-summary").render()), "the grades"
        )
        assert "open_answer" in visible_footer_keys(pilot)
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the answer")
        await settle(pilot)
        detail = pilot.app.screen
        assert detail.query_one("#detail-table", DataTable).cursor_row == 1
        assert str(detail.query_one(".av-question", Static).render()).startswith(f"{second} · local")
        assert "Regularisering minskar överanpassning." in str(detail.query_one(".av-answer").render())
        assert detail.query_one(".av-points").display
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is results, "back to the results")


async def test_why_a_whole_answer_scored_low_is_said_next_to_the_score(ctx: AppContext) -> None:
    """A very long answer is graded on its beginning only, and an answer that pastes Q5's code scores 0; the
    grader's comment said so, but under the whole answer (hundreds of lines down for the long one). The
    note now sits under the score, on the first screen at 80x24."""
    code = ctx.catalog.load("dl-course").question("q05-keras-code").code
    assert code is not None
    long_answer = "Regularisering minskar överanpassning genom att straffa stora vikter. " * 400
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        pilot.app.post_message(Paste(long_answer))
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        notes = feedback.query_one("#fb-notes", Static)
        assert notes.display and notes.region.y < 24
        assert str(notes.render()) == "⚠ Svaret är mycket långt: bara dess första 6000 tecken har rättats."

        await pilot.press("n", *["ctrl+n"] * 3)
        pilot.app.post_message(Paste(code.source))
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        notes = feedback.query_one("#fb-notes", Static)
        assert notes.display and notes.region.y < 24
        assert "repeats the question's code" in str(notes.render())


async def test_an_ordinary_answer_has_no_note(ctx: AppContext) -> None:
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"Djupinlärning är en del av maskininlärning, som är en del av AI.", "ctrl+s")
        feedback = await graded_feedback(pilot)
        assert not feedback.query_one("#fb-notes").display


async def test_pgdn_reads_on_in_a_past_answer_while_the_arrows_pick_the_question(ctx: AppContext) -> None:
    """At 80x24 a past answer's key points and passages run below the edge of the right pane; the focus is
    on the question list, so only a mouse scrolled the pane. pgdn and pgup scroll it, ↑↓ still pick."""
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        pilot.app.screen.query_one("#practice-count", Input).value = "2"
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        await pilot.press(*"Ett svar.", "ctrl+n", *"Ett annat svar.", "ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the finish summary")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        results = pilot.app.screen
        await wait_until(
            pilot, lambda: "grading" not in str(results.query_one("#results-summary").render()), "the grades"
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the answer")
        await settle(pilot)
        detail = pilot.app.screen
        pane = detail.query_one("#detail-answer", VerticalScroll)
        assert pane.max_scroll_y > pane.scrollable_content_region.height
        await pilot.press("pagedown")
        await settle(pilot)
        assert pane.scroll_y == pane.scrollable_content_region.height
        await pilot.press("pageup", "down")
        await settle(pilot)
        assert pane.scroll_y == 0
        assert detail.query_one("#detail-table", DataTable).cursor_row == 1
        assert "Read on" in [row.description for row in screen_keys(detail)]


async def test_history_says_why_a_long_answer_scored_low(ctx: AppContext) -> None:
    """History showed a very long answer's low score with no word that only its beginning was graded (the
    grader's comment is not shown there); the note is under the score, as on the feedback."""
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        pilot.app.post_message(Paste("Regularisering minskar överanpassning. " * 300))
        await pilot.press("ctrl+s")
        await graded_feedback(pilot)
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FinishDialog), "the finish summary")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the answer")
        await settle(pilot)
        flags = str(pilot.app.screen.query_one(".av-flags", Static).render())
        assert flags.endswith("\n⚠ Svaret är mycket långt: bara dess första 6000 tecken har rättats.")


async def test_the_language_switch_is_named_and_clickable_at_80_columns(ctx: AppContext) -> None:
    """At 80 columns the footer leaves ctrl+l out; the bar's ' sv   en ' now ends in '^l' and a click on it
    shows the English prompt (and back)."""
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        assert "toggle_language" not in visible_footer_keys(pilot)
        label = quiz_screen.query_one("#quiz-language", Label)
        assert str(label.render()) == " sv   en  ^l"
        await pilot.click("#quiz-language")
        await settle(pilot)
        assert quiz_screen.language == "en"
        assert "How are AI, machine learning" in quiz_screen.query_one("#prompt", Markdown).source
        await pilot.click("#quiz-language")
        await settle(pilot)
        assert quiz_screen.language == "sv"


async def test_the_profile_list_shows_a_typed_name_as_typed(ctx: AppContext) -> None:
    """A new profile 'Åsa Öberg [ht25]' was listed as 'Åsa Öberg': the profile list read names as markup
    (and a '[/]' in one stopped the app)."""
    async with make_app(ctx).run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("ctrl+o", *"Åsa Öberg [ht25]", "enter")
        await settle(pilot)
        screen = html.unescape(pilot.app.export_screenshot()).replace("\xa0", " ")
        assert ">Åsa Öberg [ht25]<" in screen
