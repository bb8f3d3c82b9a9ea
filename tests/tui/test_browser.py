"""The question browser on the real app (Pilot) over a real SQLite file, with answers graded by the real
MiniLM grader: opening it from home, what its columns say, sorting, filtering, topics, a question in full,
suspending and practising one question."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Markdown, Static, TabbedContent, TextArea

from db.records import ReviewCardRecord
from question_bank.models import Bank, Choice, NumericalAnswer, Question, QuestionType
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import ActiveQuiz, QuizRequest, start_quiz
from quiz.tui.screens.browser import BrowserScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.question_detail import QuestionDetailScreen, key_points_text, reference_markdown
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.results import ResultsScreen
from quiz.tui.widgets.answer_view import AnswerView
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import graded_feedback, home_ready, open_browser, settle, wait_until

pytestmark = pytest.mark.anyio

DROPOUT = "q07-dropout"
FIRST = "q01-ai-ml-dl"
PARAMETERS = "q03-parameters-hyperparameters"


def answer(ctx: AppContext, question_ids: list[str], texts: list[str], days_ago: int) -> None:
    """A practice session on these questions, each answered and graded by the real grader (which also
    reviews its FSRS card), finished."""
    bank = ctx.catalog.load("dl-course")
    student = ctx.repository.default_student()
    when = NOW - timedelta(days=days_ago)
    record = ctx.repository.start_session(
        student.id, bank, [bank.question(question_id) for question_id in question_ids], "practice"
    )
    quiz = ActiveQuiz(ctx, bank, record)
    for position, text in enumerate(texts):
        quiz.go_to(position)
        quiz.grade(quiz.submit(text, now=when), now=when)
    quiz.finish(now=when)


def seed(ctx: AppContext) -> Bank:
    """Dropout answered well four days ago and badly yesterday; question 1 answered once, in Swedish."""
    bank = ctx.catalog.load("dl-course")
    dropout, first = bank.question(DROPOUT), bank.question(FIRST)
    answer(ctx, [DROPOUT, FIRST], [dropout.reference_in("en"), first.reference_in("sv")], days_ago=4)
    answer(ctx, [DROPOUT], ["Jag vet inte."], days_ago=1)
    return bank


def shown_ids(browser: BrowserScreen) -> list[str]:
    table = browser.query_one(DataTable)
    if not table.display:
        return []
    return [str(row.key.value) for row in table.ordered_rows]


def cells(browser: BrowserScreen, question_id: str) -> dict[str, str]:
    table = browser.query_one(DataTable)
    return {
        str(key.value): str(value)
        for key, value in zip(table.columns, table.get_row(question_id), strict=True)
    }


def highlighted_id(browser: BrowserScreen) -> str | None:
    row = browser.highlighted()
    return row.question.id if row is not None else None


def focused_id(browser: BrowserScreen) -> str | None:
    return browser.focused.id if browser.focused is not None else None


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*["space" if char == " " else char for char in text])
    await settle(pilot)


async def test_b_lists_every_question_with_the_students_standing(ctx: AppContext) -> None:
    bank = seed(ctx)
    student = ctx.repository.default_student()
    history = ctx.repository.answer_history(student.id, "dl-course", question_id=DROPOUT)
    newest, oldest = (detail.final_score for detail in history)
    assert newest is not None and oldest is not None and oldest > newest, "the real grader told them apart"
    card = ctx.repository.get_review_card(student.id, "dl-course", DROPOUT)
    assert card is not None
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        commands = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        assert "Browse" in commands, "the command palette offers the browser too"
        browser = await open_browser(pilot)
        assert focused_id(browser) == "browser-table"
        assert shown_ids(browser)[:2] == [FIRST, "q02-tensorflow-keras"] and len(shown_ids(browser)) == 12
        row = cells(browser, DROPOUT)
        assert row["number"] == "Q7"
        assert row["prompt"].endswith("…") and len(row["prompt"]) >= 25
        assert bank.question(DROPOUT).prompt["sv"].startswith(row["prompt"].removesuffix("…"))
        assert row["topics"] == "regularization"
        assert row["points"] == "3"
        assert (row["last"], row["best"], row["attempts"]) == (f"{newest:g}", f"{oldest:g}", "2")
        assert row["state"] == {1: "learn", 2: "review", 3: "relearn"}[card.state]
        assert row["lapses"] == str(card.lapses)
        assert card.due.date() < NOW.date(), "forgotten yesterday: due again minutes later"
        assert row["due"] == "overdue"
        untouched = cells(browser, "q12-cpu-gpu")
        assert (untouched["last"], untouched["attempts"], untouched["state"], untouched["due"]) == (
            "–",
            "0",
            "new",
            "–",
        )
        title = str(browser.query_one("#browser-title", Static).render())
        assert title.startswith("Deep learning — tentamen · sv · all topics · 12 questions")
        first_column = next(iter(browser.query_one(DataTable).columns.values()))
        assert str(first_column.label) == "#▲", "the sorted column's header says so"
        assert cells(browser, "q05-keras-code")["topics"] == "keras, regula…", "cut to the column"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert (
            bank.question(DROPOUT)
            .prompt["en"]
            .startswith(cells(browser, DROPOUT)["prompt"].removesuffix("…"))
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home again")


async def test_sorting_by_key_and_by_clicking_a_header(ctx: AppContext) -> None:
    seed(ctx)
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        browser = await open_browser(pilot)
        await pilot.press("ctrl+o")  # # → Question
        await settle(pilot)
        assert browser.sort_key == "prompt"
        prompts = [cells(browser, question_id)["prompt"].casefold() for question_id in shown_ids(browser)]
        assert prompts == sorted(prompts)
        await pilot.press("ctrl+r")
        await settle(pilot)
        reversed_prompts = [
            cells(browser, question_id)["prompt"].casefold() for question_id in shown_ids(browser)
        ]
        assert reversed_prompts == sorted(prompts, reverse=True)
        table = browser.query_one(DataTable)
        columns = list(table.columns.values())
        tries = next(index for index, column in enumerate(columns) if column.key.value == "attempts")
        x = sum(column.get_render_width(table) for column in columns[:tries]) + 2
        await pilot.click("#browser-table", offset=(x, 0))
        await settle(pilot)
        assert (browser.sort_key, browser.descending) == ("attempts", False)
        await pilot.click("#browser-table", offset=(x, 0))
        await settle(pilot)
        assert (browser.sort_key, browser.descending) == ("attempts", True)
        assert shown_ids(browser)[:2] == [DROPOUT, FIRST], "2 tries, then 1"
        assert str(table.columns[columns[tries].key].label) == "Tries▼"
        await pilot.press("ctrl+o", "ctrl+o", "ctrl+o")  # Tries → State → Due → Lapses
        await settle(pilot)
        assert browser.sort_key == "lapses"
        await pilot.press("ctrl+o", "ctrl+o")  # → Mark → # (wraps around)
        assert browser.sort_key == "number"
        await pilot.press("ctrl+o", "ctrl+o", "ctrl+o", "ctrl+o")  # → Question → Topics → Pts → Last
        await settle(pilot)
        assert browser.sort_key == "last"
        order = shown_ids(browser)
        assert set(order[:2]) == {DROPOUT, FIRST}, "questions never answered sort last"
        scores = [float(cells(browser, question_id)["last"]) for question_id in order[:2]]
        assert scores == sorted(scores)


def escape_in_footer(pilot: Pilot[None]) -> str:
    """What the footer says escape does now."""
    active = pilot.app.screen.active_bindings["escape"]
    assert active.binding.show and active.enabled
    return active.binding.description


async def test_typing_filters_on_prompts_in_both_languages_and_topics(ctx: AppContext) -> None:
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        assert escape_in_footer(pilot) == "Home"
        await pilot.press("slash")
        assert focused_id(browser) == "browser-filter"
        await pilot.pause()
        assert escape_in_footer(pilot) == "Clear filter"
        await type_text(pilot, "oversiktligt")
        assert shown_ids(browser) == ["q10-cnn-how"], "Swedish, typed without the accent"
        browser.query_one("#browser-filter", Input).value = ""
        await type_text(pilot, "image")
        assert shown_ids(browser) == ["q09-image-network"], "the English prompt"
        browser.query_one("#browser-filter", Input).value = ""
        await type_text(pilot, "Regularization stopping")
        assert shown_ids(browser) == ["q08-early-stopping"], "every word must match"
        browser.query_one("#browser-filter", Input).value = ""
        await type_text(pilot, "keras")
        assert shown_ids(browser) == ["q02-tensorflow-keras", "q05-keras-code", "q11-save-load-model"]
        await type_text(pilot, " zebra")
        assert shown_ids(browser) == []
        empty = str(browser.query_one("#browser-empty", Static).render())
        assert empty == "No question matches “keras zebra”."
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BrowserScreen), "escape clears the filter box first"
        assert browser.query_one("#browser-filter", Input).value == "" and len(shown_ids(browser)) == 12
        assert focused_id(browser) == "browser-table"
        assert escape_in_footer(pilot) == "Home"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home again")


async def test_typing_in_the_list_starts_the_filter(ctx: AppContext) -> None:
    """A file manager's type-ahead: a printable key typed in the list goes to the filter, the letters that
    were the list's actions (s, p, o, a) too; '/' focuses the filter without typing itself."""
    student = ctx.repository.default_student()
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        box = browser.query_one("#browser-filter", Input)
        assert focused_id(browser) == "browser-table"
        await type_text(pilot, "save")
        assert focused_id(browser) == "browser-filter" and box.value == "save"
        assert shown_ids(browser) == ["q11-save-load-model"]
        assert ctx.repository.suspended_questions(student.id, "dl-course") == [], "s was typed, not run"
        await pilot.press("enter")
        await settle(pilot)
        assert focused_id(browser) == "browser-table" and box.value == "save"
        await type_text(pilot, "dropout")
        assert box.value == "dropout", "typing in the list starts a new filter"
        assert isinstance(pilot.app.screen, BrowserScreen), "p was typed: no practice quiz"
        assert browser.sort_key == "number", "o was typed: the sort is unchanged"
        assert DROPOUT in shown_ids(browser) and len(shown_ids(browser)) < 12
        await pilot.press("escape")
        await settle(pilot)
        assert focused_id(browser) == "browser-table" and box.value == ""
        await pilot.press("space")
        await settle(pilot)
        assert focused_id(browser) == "browser-table" and box.value == "", "a space starts no filter"
        await type_text(pilot, "Q3")
        assert box.value == "Q3" and shown_ids(browser) == [PARAMETERS], "capitals and digits too"
        await pilot.press("enter", "slash")
        await settle(pilot)
        assert focused_id(browser) == "browser-filter" and box.value == "Q3", "'/' is not typed"
        await type_text(pilot, "Q7")
        assert box.value == "Q7", "'/' selects the filter's text, so typing replaces it"
        await pilot.press("enter", "f4")
        await settle(pilot)
        suspended = ctx.repository.suspended_questions(student.id, "dl-course")
        assert [question.question_id for question in suspended] == [DROPOUT], "the list's keys still work"


async def test_the_topic_choice_is_respected_and_ctrl_t_shows_all(ctx: AppContext) -> None:
    student = ctx.repository.default_student()
    ctx.repository.set_topic_filter(student.id, "dl-course", ["cnn", "hardware"])
    leech = ReviewCardRecord(
        student_id=student.id,
        bank_id="dl-course",
        question_id="q10-cnn-how",
        state=2,
        stability=2.0,
        difficulty=8.0,
        due=NOW + timedelta(days=3),
        last_review=NOW - timedelta(days=1),
        lapses=8,
        leech=True,
    )
    ctx.repository.save_review_card(leech, suspend_as_leech=True)
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        assert shown_ids(browser) == ["q09-image-network", "q10-cnn-how", "q12-cpu-gpu"]
        assert cells(browser, "q10-cnn-how")["marks"] == "⏸↯", "suspended as a leech"
        assert cells(browser, "q10-cnn-how")["due"] == f"{NOW + timedelta(days=3):%d %b}"
        assert "lapses" not in cells(browser, "q10-cnn-how"), "left out at 80 columns"
        title = str(browser.query_one("#browser-title", Static).render())
        assert "topics: cnn, hardware · 3 of 12 · ctrl+t: all" in title
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert len(shown_ids(browser)) == 12
        assert "all topics · 12 questions · ctrl+t: only chosen" in str(
            browser.query_one("#browser-title", Static).render()
        )
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert len(shown_ids(browser)) == 3


async def test_enter_opens_the_question_in_full_with_past_answers(ctx: AppContext) -> None:
    bank = seed(ctx)
    dropout = bank.question(DROPOUT)
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        browser = await open_browser(pilot)
        await pilot.press(*["down"] * 6)
        assert highlighted_id(browser) == DROPOUT
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuestionDetailScreen), "the question")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, QuestionDetailScreen)
        standing = str(detail.query_one("#qd-standing", Static).render())
        assert standing.startswith("Q7 · regularization · 3 p · ")
        assert detail.query_one("#qd-reference", Markdown).source == dropout.reference_in("sv")
        points = str(detail.query_one("#qd-points", Static).render()).splitlines()
        assert len(points) == len(dropout.rubric)
        assert [line.split(")")[0] + ")" for line in points] == [
            "(1 p)",
            "(0.75 p)",
            "(0.5 p)",
            "(0.5 p)",
            "(0.25 p)",
        ]
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert detail.query_one("#qd-reference", Markdown).source == dropout.reference_in("en")
        await pilot.press("2")
        await settle(pilot)
        assert detail.query_one(TabbedContent).active == "answers"
        table = detail.query_one("#qd-answers", DataTable)
        assert table.row_count == 2
        dates = [str(table.get_row_at(index)[0]) for index in range(2)]
        assert dates == [
            f"{NOW - timedelta(days=1):%Y-%m-%d %H:%M}",
            f"{NOW - timedelta(days=4):%Y-%m-%d %H:%M}",
        ]
        view = detail.query_one(AnswerView)
        assert "Jag vet inte." in str(view.query_one(".av-answer").render())
        await pilot.press("down")
        await settle(pilot)
        assert "Dropout" in str(view.query_one(".av-answer").render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "the list again")


async def test_f4_suspends_and_unsuspends_from_the_list_and_s_too_in_the_question(ctx: AppContext) -> None:
    student = ctx.repository.default_student()

    def suspended() -> list[str]:
        return [s.question_id for s in ctx.repository.suspended_questions(student.id, "dl-course")]

    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        await pilot.press("down", "f4")
        await wait_until(pilot, lambda: "⏸" in cells(browser, "q02-tensorflow-keras")["marks"], "the mark")
        assert suspended() == ["q02-tensorflow-keras"]
        assert highlighted_id(browser) == "q02-tensorflow-keras", "the highlight stays on the question"
        await pilot.press("f4")
        await wait_until(pilot, lambda: cells(browser, "q02-tensorflow-keras")["marks"] == "", "no mark")
        assert suspended() == []
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuestionDetailScreen), "the question")
        detail = pilot.app.screen
        assert isinstance(detail, QuestionDetailScreen)
        await pilot.press("s")
        await settle(pilot)
        assert suspended() == ["q02-tensorflow-keras"]
        assert "⏸ suspended" in str(detail.query_one("#qd-standing", Static).render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "the list again")
        await wait_until(pilot, lambda: "⏸" in cells(browser, "q02-tensorflow-keras")["marks"], "the mark")


async def test_f5_practises_the_highlighted_question_alone_and_the_list_shows_the_new_score(
    ctx: AppContext,
) -> None:
    async with make_app(ctx).run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        await pilot.press("down", "down", "f5")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the practice quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        assert [question.id for question in quiz_screen.quiz.questions] == [PARAMETERS]
        assert quiz_screen.quiz.mode is QuizMode.PRACTICE
        quiz_screen.query_one("#answer", TextArea).insert(
            "Parameters are learnt from the data during training, like weights. Hyperparameters are set "
            "before training, like the learning rate."
        )
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        assert feedback.outcome is not None
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen), "the results")
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is browser, "back in the browser")
        await wait_until(pilot, lambda: cells(browser, PARAMETERS)["attempts"] == "1", "the new try")
        score = feedback.outcome.grade.score
        assert cells(browser, PARAMETERS)["last"] == cells(browser, PARAMETERS)["best"] == f"{score:g}"
        assert cells(browser, PARAMETERS)["state"] != "new"


async def test_f5_with_an_unfinished_quiz_asks_first_and_marks_its_flags(ctx: AppContext) -> None:
    bank = ctx.catalog.load("dl-course")
    student = ctx.repository.default_student()
    request = QuizRequest(student_id=student.id, bank_id=bank.id, mode=QuizMode.FULL)
    unfinished = start_quiz(ctx, request, now=NOW, rng=random.Random(0))
    unfinished.go_to(3)
    unfinished.toggle_flag()
    app = make_app(ctx)
    app.resume_offered.add(unfinished.session_id)
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        assert cells(browser, "q04-train-validation-test")["marks"] == "⚑"
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BrowserScreen), "the first f5 only warns"
        assert ctx.repository.resumable_session(student.id, bank.id) is not None
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the practice quiz")
        quiz_screen = pilot.app.screen
        assert isinstance(quiz_screen, QuizScreen)
        assert [question.id for question in quiz_screen.quiz.questions] == [FIRST]


async def test_a_bank_without_numbers_and_in_one_language(ctx: AppContext) -> None:
    """An imported bank (GIFT, CSV…) may number nothing and speak one language: ids show whole."""
    bundled = ctx.catalog.load("dl-course")
    questions = [
        question.model_copy(
            update={
                "number": None,
                "prompt": {"en": question.prompt["en"]},
                "reference_answer": {"en": question.reference_in("en")},
            }
        ).model_dump()
        for question in bundled.questions[:3]
    ]
    plain = {**bundled.model_dump(), "id": "plain", "languages": ["en"], "questions": questions}
    ctx.catalog.install(Bank.model_validate(plain))
    app = make_app(ctx)
    app.current_bank_id = "plain"
    async with app.run_test(size=(80, 24)) as pilot:
        browser = await open_browser(pilot)
        assert [cells(browser, question_id)["number"] for question_id in shown_ids(browser)] == [
            "q01-ai-ml-dl",
            "q02-tensorflow-…",
            "q03-parameters-…",
        ]
        assert cells(browser, FIRST)["prompt"].startswith("How are AI")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert cells(browser, FIRST)["prompt"].startswith("How are AI"), "one language: nothing to switch"


def test_a_closed_questions_reference_is_its_accepted_answers() -> None:
    choice = Question(
        id="mc",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which of these regularise a network?"},
        choices=(
            Choice(text="Dropout", fraction=0.5),
            Choice(text="A larger learning rate", fraction=-0.5),
            Choice(text="Early stopping", fraction=0.5),
        ),
    )
    assert reference_markdown(choice, "sv") == "- **A.** Dropout (50%)\n- **C.** Early stopping (50%)"
    number = Question(
        id="num",
        type=QuestionType.NUMERICAL,
        prompt={"en": "How many layers?"},
        numerical=(NumericalAnswer(value=3, tolerance=0.5),),
    )
    assert reference_markdown(number, "en") == "- 3 ± 0.5"
    assert key_points_text(number) == "This question has no rubric key points."
