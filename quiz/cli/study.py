"""`tenta study …`: a student's suspended questions (Anki's suspend), and leeches, from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from db.records import StudentRecord, SuspensionReason
from db.repository import Repository
from question_bank.errors import TentaError
from question_bank.models import Bank, Question
from quiz.cli.students import find_student
from quiz.context import AppContext
from quiz.progress import question_label

study_app = typer.Typer(
    help="Your study: suspend questions so practice, due today and weakest first leave them out.",
    no_args_is_help=True,
)

QuestionsArgument = Annotated[
    list[str], typer.Argument(help="Question ids or exam numbers ('7' or 'Q7'), as `tenta study list` shows.")
]
BankOption = Annotated[str | None, typer.Option("--bank", "-b", help="The bank (default: the settings').")]
StudentOption = Annotated[
    str | None,
    typer.Option("--student", "-s", help="The student's name or id (default: your profile, as in the app)."),
]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _student(ctx: AppContext, name: str | None) -> StudentRecord:
    """The named student, else the profile the app opens with (TENTA_STUDENT or the local profile)."""
    if name is not None:
        return find_student(ctx.repository, name)
    return ctx.own_profile()


def resolve_question(bank: Bank, reference: str) -> Question:
    """The bank's question with this id, or with this exam number ('7', 'Q7'); else a TentaError."""
    key = reference.strip()
    for question in bank.questions:
        if question.id == key:
            return question
    number = key.removeprefix("Q").removeprefix("q")
    if number.isdigit():
        for question in bank.questions:
            if question.number == int(number):
                return question
    raise TentaError(
        f"bank {bank.id} has no question {reference!r} (give an id or an exam number; "
        "`tenta study list` lists them)"
    )


def _questions(bank: Bank, references: list[str]) -> list[Question]:
    """Every referenced question, checked before anything changes."""
    return [resolve_question(bank, reference) for reference in references]


@study_app.command("suspend")
def suspend(questions: QuestionsArgument, bank: BankOption = None, student: StudentOption = None) -> None:
    """Suspend questions: practice, due today and weakest first leave them out until unsuspended."""
    ctx = AppContext()
    loaded = ctx.catalog.load(bank or ctx.settings.default_bank)
    chosen = _questions(loaded, questions)
    who = _student(ctx, student)
    for question in chosen:
        ctx.repository.suspend_question(who.id, loaded.id, question.id)
    names = ", ".join(f"{question_label(question)} ({question.id})" for question in chosen)
    _console().print(f"Suspended for {who.name}: {names}.", markup=False)


@study_app.command("unsuspend")
def unsuspend(
    questions: Annotated[
        list[str] | None, typer.Argument(help="Question ids or exam numbers; none with --all.")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Unsuspend every suspended question.")] = False,
    bank: BankOption = None,
    student: StudentOption = None,
) -> None:
    """Let suspended questions come up in practice, due today and weakest first again."""
    if bool(questions) == every:
        raise TentaError("name the questions to unsuspend, or give --all (not both)")
    ctx = AppContext()
    loaded = ctx.catalog.load(bank or ctx.settings.default_bank)
    who = _student(ctx, student)
    if every:
        ids = [suspension.question_id for suspension in ctx.repository.suspended_questions(who.id, loaded.id)]
    else:
        ids = [question.id for question in _questions(loaded, questions or [])]
    removed = [qid for qid in ids if ctx.repository.unsuspend_question(who.id, loaded.id, qid) is not None]
    console = _console()
    if removed:
        console.print(f"Unsuspended for {who.name}: {', '.join(removed)}.", markup=False)
    not_suspended = [qid for qid in ids if qid not in removed]
    if not_suspended:
        console.print(f"Not suspended: {', '.join(not_suspended)}.", markup=False)
    if not ids:
        console.print(f"No suspended question in {loaded.id} for {who.name}.", markup=False)


@study_app.command("list")
def list_questions(
    bank: BankOption = None,
    student: StudentOption = None,
    suspended_only: Annotated[
        bool, typer.Option("--suspended", help="Only the suspended questions.")
    ] = False,
) -> None:
    """The bank's questions with their lapses, leech mark and suspension for the student."""
    ctx = AppContext()
    loaded = ctx.catalog.load(bank or ctx.settings.default_bank)
    who = _student(ctx, student)
    _print_questions(ctx.repository, loaded, who, suspended_only=suspended_only)


def _print_questions(
    repository: Repository, bank: Bank, student: StudentRecord, *, suspended_only: bool
) -> None:
    suspensions = {s.question_id: s for s in repository.suspended_questions(student.id, bank.id)}
    cards = {card.question_id: card for card in repository.review_cards(student.id, bank.id)}
    console = _console()
    shown = [q for q in bank.questions if q.id in suspensions or not suspended_only]
    if not shown:
        console.print(f"No suspended question in {bank.id} for {student.name}.", markup=False)
        return
    table = Table(
        title=f"{bank.title} · {student.name} · {len(suspensions)} suspended",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Question")
    table.add_column("Lapses", justify="right", no_wrap=True)
    table.add_column("Status")
    for question in shown:
        card = cards.get(question.id)
        suspension = suspensions.get(question.id)
        status = []
        if card is not None and card.leech:
            status.append("leech")
        if suspension is not None:
            how = " as a leech" if suspension.reason is SuspensionReason.LEECH else ""
            status.append(f"suspended{how} {suspension.suspended_at.astimezone():%Y-%m-%d}")
        table.add_row(
            question_label(question),
            escape(question.id),
            str(card.lapses) if card else "-",
            ", ".join(status),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `tenta study …` to the root app."""
    app.add_typer(study_app, name="study")
