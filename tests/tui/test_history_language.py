"""A Swedish student rereads and questions a Swedish grade in Swedish: history's answer view and the "I
disagree" dialog (from the feedback and from history) follow the feedback screen's language rule
(grade_notes.feedback_labels, on the stored answer: answer_labels). They read English beside a Swedish
answer and its Swedish grade: 'Final', 'Answer', 'Key points', '✔ covered', 'auto …, confidence …',
'Ask a teacher to look again', 'Request regrade'. An English answer in the same quiz reads exactly the
English it always did. The real app on a real SQLite file with the real grader."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Label, Static, TextArea

from quiz.context import AppContext
from quiz.tui.screens.disagree_dialog import DisagreeDialog
from quiz.tui.screens.feedback import FeedbackScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.quiz import QuizScreen
from quiz.tui.screens.session_detail import SessionDetailScreen
from quiz.tui.widgets.answer_view import AnswerView
from tests.tui.conftest import make_app
from tests.tui.helpers import graded_feedback, home_ready, settle, steady, wait_until
from tests.tui.test_study import lapsing_card

pytestmark = pytest.mark.anyio

SWEDISH_ANSWER = (
    "AI är det breda området. Maskininlärning är en del av AI där datorn lär sig från data. "
    "Djupinlärning är en del av maskininlärning med neurala nätverk i många lager."
)
ENGLISH_ANSWER = "Keras is a high-level API that is used together with TensorFlow."
REASON = "Jag skrev att djupinlärning är en del av maskininlärning."


def rendered(widget: Static | Label) -> str:
    return str(widget.render())


def dialog_words(dialog: DisagreeDialog) -> tuple[str, ...]:
    """Title, prompt, the box's placeholder and the two buttons, as the student reads them."""
    title, prompt = (rendered(label) for label in dialog.query(Label).results(Label))
    buttons = (str(button.label) for button in dialog.query(Button).results(Button))
    return (title, prompt, dialog.query_one("#reason", Input).placeholder, *buttons)


def view_words(view: AnswerView) -> dict[str, str]:
    """The answer view's own words: score label, grade line, section titles and key point statuses."""
    statuses = {rendered(label) for label in view.query(".point-label").results(Static)} - {""}
    answer, points = (rendered(title) for title in view.query(".section-title").results(Label))
    return {
        "score": rendered(view.query_one(".score-text", Label)),
        "flags": rendered(view.query_one(".av-flags", Static)),
        "answer": answer,
        "points": points,
        "statuses": " ".join(sorted(statuses)),
    }


async def open_dialog(pilot: Pilot[None]) -> DisagreeDialog:
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DisagreeDialog), "the dialog")
    dialog = pilot.app.screen
    assert isinstance(dialog, DisagreeDialog)
    return dialog


async def submit(pilot: Pilot[None], answer: str) -> FeedbackScreen:
    pilot.app.screen.query_one("#answer", TextArea).insert(answer)
    await pilot.press("ctrl+s")
    return await graded_feedback(pilot)


async def answer_and_question(pilot: Pilot[None], answer: str) -> tuple[str, ...]:
    """Submit `answer`, then open 'I disagree' on its feedback and cancel it: the dialog's words."""
    feedback = await submit(pilot, answer)
    words = dialog_words(await open_dialog(pilot))
    await pilot.press("escape")
    await wait_until(pilot, lambda: pilot.app.screen is feedback, "back on the feedback")
    return words


async def next_question(pilot: Pilot[None]) -> None:
    await pilot.press("n")  # Next
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the next question")


async def start_exam(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the exam")


async def go_home(pilot: Pilot[None]) -> None:
    """Feedback → the question (escape) → out of the box (escape) → paused at home (escape)."""
    for _ in range(3):
        await pilot.press("escape")
        await settle(pilot)
        if isinstance(pilot.app.screen, HomeScreen):
            break
    await wait_until(pilot, home_ready(pilot), "the home screen")


ENGLISH_DIALOG = (
    "Ask a teacher to look again",
    "Which key point did you cover that was missed?",
    "Reason (optional)",
    "Request regrade",
    "Cancel",
)
SWEDISH_DIALOG = (
    "Be en lärare titta på svaret igen",
    "Vilken bedömningspunkt tog du upp som rättningen missade?",
    "Motivering (valfritt)",
    "Begär omprövning",
    "Avbryt",
)


async def test_i_disagree_on_the_feedback_asks_in_the_language_of_the_grade(ctx: AppContext) -> None:
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        await start_exam(pilot)
        assert await answer_and_question(pilot, SWEDISH_ANSWER) == SWEDISH_DIALOG
        await next_question(pilot)
        assert await answer_and_question(pilot, ENGLISH_ANSWER) == ENGLISH_DIALOG


async def test_a_swedish_grade_is_reread_and_questioned_in_swedish_in_history(ctx: AppContext) -> None:
    async with make_app(ctx).run_test(size=(100, 32)) as pilot:
        await start_exam(pilot)
        await submit(pilot, SWEDISH_ANSWER)
        await next_question(pilot)
        await submit(pilot, ENGLISH_ANSWER)
        await go_home(pilot)

        await pilot.press("h")
        await wait_until(pilot, lambda: pilot.app.screen.query_one(DataTable).row_count == 1, "history")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SessionDetailScreen), "the session")
        await steady(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, SessionDetailScreen)
        view = detail.query_one(AnswerView)

        swedish = view_words(view)
        assert swedish["score"].startswith("Slutpoäng ") and swedish["score"].endswith(" / 2 p")
        assert swedish["flags"].startswith("automatisk rättning "), swedish
        assert swedish["flags"].endswith(" %") and ", säkerhet " in swedish["flags"], swedish
        assert (swedish["answer"], swedish["points"]) == ("Svar", "Bedömningspunkter")
        assert swedish["statuses"] and set(swedish["statuses"].split(" ")) <= {"✔", "täckt", "◐", "delvis"}
        assert view.query_one(".av-flags", Static).tooltip == (
            "Säkerhet: hur säker tenta är på att en lärare skulle ge ungefär samma poäng."
        )

        await pilot.press("down")
        await steady(pilot)
        english = view_words(view)
        assert english["score"].startswith("Final ") and english["score"].endswith(" / 2 p")
        assert english["flags"].startswith("auto ") and english["flags"].endswith("%"), english
        assert ", confidence " in english["flags"] and " %" not in english["flags"], english
        assert (english["answer"], english["points"]) == ("Answer", "Key points")
        assert set(english["statuses"].split(" ")) <= {"✔", "covered", "◐", "partial", "✘", "missing"}
        assert view.query_one(".av-flags", Static).tooltip == (
            "Confidence: how sure tenta is that a teacher would give about the same score."
        )
        assert dialog_words(await open_dialog(pilot)) == ENGLISH_DIALOG
        await pilot.press("escape")
        await wait_until(pilot, lambda: pilot.app.screen is detail, "back on the session")

        await pilot.press("up")
        await steady(pilot)
        assert dialog_words(await open_dialog(pilot)) == SWEDISH_DIALOG
        await pilot.press(*REASON, "enter")
        await wait_until(
            pilot,
            lambda: "omprövning begärd: " in rendered(view.query_one(".av-flags", Static)),
            "the request shown",
        )
        assert rendered(view.query_one(".av-flags", Static)).endswith(f" · omprövning begärd: {REASON}")
        notice = list(pilot.app._notifications)[-1]
        assert (notice.title, notice.message) == ("Tack", "Omprövning begärd — en lärare tittar på svaret.")

    session = ctx.repository.history(student_id=ctx.repository.default_student().id)[0]
    answers = [item.answer for item in ctx.repository.session_detail(session.session_id).items[:2]]
    assert answers[0] is not None and answers[0].regrade_reason == REASON
    assert answers[1] is not None and not answers[1].regrade_requested


def notices(pilot: Pilot[None]) -> list[str]:
    return [notice.message for notice in pilot.app._notifications]


async def test_the_swedish_leech_and_suspension_wording_reads_naturally(ctx: AppContext) -> None:
    """The modes are named as their buttons read (Practice, Due today, Weakest first: 'svagaste först
    hoppar över den' read as 'the weakest first skip it' and named no button), a suspended question is
    taken back into practice ('ta med igen'; 'ta tillbaka' means to retract), 'Tillbaka —' alone read as a
    navigation word, and the leech advice says what to do in plain Swedish ('arbeta om' is to rewrite a
    text, 'mindre fakta' is no Swedish plural, 'kursanteckningarna' are the student's own notes)."""
    lapsing_card(ctx, 7)
    async with make_app(ctx).run_test(size=(100, 40)) as pilot:
        await start_exam(pilot)
        await pilot.press("ctrl+s", "ctrl+s")  # an empty answer: the Swedish prompt's language
        feedback = await graded_feedback(pilot)
        assert isinstance(feedback, FeedbackScreen) and feedback.outcome is not None
        assert rendered(feedback.query_one("#fb-leech", Static)) == (
            "Den här frågan vill inte fastna — du har glömt den 8 gånger efter att ha lärt dig den. Den är "
            "pausad: Practice, Due today och Weakest first hoppar över den tills du tar med den igen (s här, "
            "u på startskärmen). Ta itu med den innan den kommer tillbaka: läs om den i kursmaterialet, "
            "skriv bedömningspunkterna med egna ord eller bryt ner den i mindre bitar."
        )
        assert rendered(feedback.query_one("#fb-suspended", Static)) == (
            "⏸ Pausad: Practice, Due today och Weakest first hoppar över den (s: ta med igen)."
        )
        await pilot.press("s")
        await settle(pilot)
        assert notices(pilot)[-1] == "Inte längre pausad — den kommer med i övning och repetitioner igen."
        await pilot.press("s")
        await settle(pilot)
        assert notices(pilot)[-1] == (
            "Pausad — övningen hoppar över den tills du tar med den igen (s, eller u på startskärmen)."
        )
