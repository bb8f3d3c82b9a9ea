"""A question rendered as Markdown: prompt, syntax-highlighted code, and the options of closed questions.

A question imported from a format without Markdown (text_format 'plain': Aiken, GIFT, CSV, Moodle's
plain or HTML text, Anki notes and QTI items without formatting) is escaped first, so its '2*3*4',
'snake_case', a '#' or '-' at a line's start and '<b>' read as written; its line breaks are kept and only
its fenced code blocks (which importers write for HTML's <pre>) stay code."""

from __future__ import annotations

from textual.widgets import Markdown

from question_bank.models import Question, QuestionType
from quiz.teacher.feedback.as_markdown import markdown_escape, markdown_text

OPTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def code_markdown(question: Question) -> str:
    """The question's code as a fenced block ('' when it has none)."""
    if question.code is None:
        return ""
    return f"```{question.code.language}\n{question.code.source.rstrip()}\n```"


ANSWER_HINTS = {
    "en": {
        "all_or_nothing": "Answer with the letters of every choice you think correct (e.g. A, C). All or "
        "nothing: points only for exactly the correct ones.",
        "one": "Answer with the letter or the text of one choice.",
        "several": "Answer with the letters of every choice you think correct (e.g. A, C): each right one "
        "earns its share of the points{cost}.",
        "cost": "; a wrong one costs points",
        "number": "Answer with a number.",
        "phrase": "Answer with a word or a short phrase.",
    },
    "sv": {
        "all_or_nothing": "Svara med bokstäverna för alla alternativ du tror är rätt (t.ex. A, C). Allt "
        "eller inget: poäng bara för exakt de rätta.",
        "one": "Svara med bokstaven eller texten för ett av alternativen.",
        "several": "Svara med bokstäverna för alla alternativ du tror är rätt (t.ex. A, C): varje rätt ger "
        "sin del av poängen{cost}.",
        "cost": ", ett fel kostar poäng",
        "number": "Svara med ett tal.",
        "phrase": "Svara med ett ord eller en kort fras.",
    },
}
"""How to answer a closed question, in the language its prompt is shown in (ctrl+l switches it): under a
Swedish prompt the English line was the one sentence of the question a student had to translate. Other
languages read English."""


def answer_hint(question: Question, language: str) -> str:
    """How to answer `question` ('' for free text), in `language` when there is wording for it."""
    hints = ANSWER_HINTS.get(language, ANSWER_HINTS["en"])
    if question.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE):
        if question.all_or_nothing:
            return hints["all_or_nothing"]
        if question.takes_one_answer:
            return hints["one"]
        costs = any(choice.fraction < 0 for choice in question.choices)
        return hints["several"].format(cost=hints["cost"] if costs else "")
    if question.type is QuestionType.NUMERICAL:
        return hints["number"]
    if question.type is QuestionType.SHORT_EXACT:
        return hints["phrase"]
    return ""


def text_markdown(question: Question, text: str) -> str:
    """Markdown source showing `text`, one of the question's texts (prompt, reference answer), as its
    author wrote it: as is for a Markdown question, escaped for a plain one."""
    if question.text_format == "markdown":
        return text
    return "\n".join(markdown_text(text))


def choice_markdown(question: Question, text: str) -> str:
    """A choice's text for one list item: as is for a Markdown question, escaped on one line for a plain
    one (an option shows no paragraphs)."""
    return text if question.text_format == "markdown" else markdown_escape(text)


def question_markdown(question: Question, language: str) -> str:
    """The Markdown source shown for `question` in `language` (falls back to the first language written)."""
    prompt = text_markdown(question, question.prompt_in(language))
    number = f"**{question.number}.**" if question.number is not None else ""
    starts_with_code = prompt.startswith(("```", "~~~"))
    parts = [number, prompt] if number and starts_with_code else [f"{number} {prompt}".lstrip()]
    if question.code is not None:
        parts.append(code_markdown(question))
    if question.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE):
        options = [
            f"- **{OPTION_LETTERS[index]}.** {choice_markdown(question, choice.text)}"
            for index, choice in enumerate(question.choices)
        ]
        parts.append("\n".join(options))
    shown = language if language in question.prompt else next(iter(question.prompt))
    hint = answer_hint(question, shown)
    if hint:
        parts.append(f"*{hint}*")
    return "\n\n".join(parts)


class QuestionView(Markdown):
    """Shows one question; `show` swaps question or language without rebuilding the screen."""

    def __init__(self, question: Question, language: str, *, id: str | None = None) -> None:
        super().__init__(question_markdown(question, language), id=id)

    def show(self, question: Question, language: str) -> None:
        self.update(question_markdown(question, language))
