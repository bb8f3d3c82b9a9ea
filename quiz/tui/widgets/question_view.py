"""A question rendered as Markdown: prompt, syntax-highlighted code, and the options of closed questions."""

from __future__ import annotations

from textual.widgets import Markdown

from question_bank.models import Question, QuestionType

OPTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def code_markdown(question: Question) -> str:
    """The question's code as a fenced block ('' when it has none)."""
    if question.code is None:
        return ""
    return f"```{question.code.language}\n{question.code.source.rstrip()}\n```"


def question_markdown(question: Question, language: str) -> str:
    """The Markdown source shown for `question` in `language` (falls back to the first language written)."""
    number = f"**{question.number}.** " if question.number is not None else ""
    parts = [f"{number}{question.prompt_in(language)}"]
    if question.code is not None:
        parts.append(code_markdown(question))
    if question.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.TRUE_FALSE):
        options = [
            f"- **{OPTION_LETTERS[index]}.** {choice.text}" for index, choice in enumerate(question.choices)
        ]
        parts.append("\n".join(options))
        if question.all_or_nothing:
            parts.append(
                "*Answer with the letters of every choice you think correct (e.g. A, C). All or nothing: "
                "points only for exactly the correct ones.*"
            )
        elif question.takes_one_answer:
            parts.append("*Answer with the letter or the text of one choice.*")
        else:
            cost = (
                "; a wrong one costs points"
                if any(choice.fraction < 0 for choice in question.choices)
                else ""
            )
            parts.append(
                "*Answer with the letters of every choice you think correct (e.g. A, C): each right one "
                f"earns its share of the points{cost}.*"
            )
    elif question.type is QuestionType.NUMERICAL:
        parts.append("*Answer with a number.*")
    elif question.type is QuestionType.SHORT_EXACT:
        parts.append("*Answer with a word or a short phrase.*")
    return "\n\n".join(parts)


class QuestionView(Markdown):
    """Shows one question; `show` swaps question or language without rebuilding the screen."""

    def __init__(self, question: Question, language: str, *, id: str | None = None) -> None:
        super().__init__(question_markdown(question, language), id=id)

    def show(self, question: Question, language: str) -> None:
        self.update(question_markdown(question, language))
