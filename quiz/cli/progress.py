"""`tenta progress`: am I ready for the exam? The readiness estimate and mastery per topic, as the app's
Progress screen shows them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from db.records import StudentRecord
from question_bank.errors import TentaError
from question_bank.grade_scales import describe_scale
from question_bank.models import Bank
from quiz.cli.students import find_student
from quiz.context import AppContext
from quiz.modes import topic_label
from quiz.progress import ESTIMATE_NOTE, ExamOutlook, exam_outlook, points_text
from quiz.topics import bank_topics

PROMPT_ROOM = 70
"""Characters of a prompt shown in the gains table (a narrow terminal wraps them)."""


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _student(ctx: AppContext, name: str | None) -> StudentRecord:
    """The named student, else the profile the app opens with (TENTA_STUDENT or the local profile)."""
    if name:
        return find_student(ctx.repository, name)
    return ctx.own_profile()


def _known_topics(bank: Bank, wanted: Sequence[str]) -> list[str]:
    """`wanted` as the bank's topics; a topic the bank does not have is an error that lists them."""
    present = [name for name, _count in bank_topics(bank)]
    unknown = [name for name in wanted if name not in present]
    if unknown:
        listed = ", ".join(topic_label(name) for name in present)
        raise TentaError(f"Bank {bank.id} has no topic {', '.join(unknown)}; its topics: {listed}.")
    return list(wanted)


def _gains_table(outlook: ExamOutlook) -> Table:
    table = Table(title="Most points to gain if mastered", title_justify="left", expand=False)
    table.add_column("Question", no_wrap=True)
    table.add_column("Gain", justify="right", no_wrap=True)
    table.add_column("Now", justify="right", no_wrap=True)
    table.add_column("Prompt", overflow="fold")
    for item in outlook.readiness.biggest_gains():
        now = (
            f"{points_text(item.expected_points)} / {points_text(item.max_points)} p"
            if item.practised
            else "not practised"
        )
        prompt = " ".join(item.prompt.split())
        prompt = prompt if len(prompt) <= PROMPT_ROOM else prompt[: PROMPT_ROOM - 1].rstrip() + "…"
        table.add_row(escape(item.label), f"+{points_text(item.gain)} p", now, escape(prompt))
    return table


def _topics_table(outlook: ExamOutlook) -> Table:
    table = Table(title="Mastery per topic, weakest first", title_justify="left")
    table.add_column("Topic")
    table.add_column("Questions", justify="right")
    table.add_column("Seen", justify="right")
    table.add_column("Mean score", justify="right")
    table.add_column("Due today", justify="right")
    for row in outlook.topics:
        mean = "—" if row.mean_latest is None else f"{row.mean_latest:.0%}"
        table.add_row(
            escape(row.label), str(row.questions), f"{row.seen}/{row.questions}", mean, str(row.due)
        )
    return table


def progress(
    student: Annotated[
        str | None,
        typer.Option(
            "--student", "-s", help="The student's name or id (default: your profile, as in the app)."
        ),
    ] = None,
    bank: Annotated[
        str | None, typer.Option("--bank", "-b", help="The bank (default: the settings').")
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            "--topic",
            "-t",
            help="Estimate only these topics' questions (repeatable; default: the topics chosen in the app "
            "with t on the home screen).",
        ),
    ] = None,
    all_topics: Annotated[
        bool, typer.Option("--all-topics", help="Estimate the whole exam, whatever topics are chosen.")
    ] = False,
) -> None:
    """Am I ready for the exam? Today's estimated exam score and grade, and mastery per topic. The estimate
    covers the topics chosen in the app (or --topic, or --all-topics) and says which."""
    if all_topics and topic:
        # Each says what the estimate covers: one silently winning would show another estimate than asked.
        raise TentaError(f"give --topic ({', '.join(topic)}) or --all-topics (the whole exam), not both")
    ctx = AppContext()
    loaded = ctx.catalog.load(bank or ctx.settings.default_bank)
    who = _student(ctx, student)
    chosen = [] if all_topics else _known_topics(loaded, topic) if topic else None
    outlook = exam_outlook(ctx.repository, who.id, loaded, datetime.now(UTC), chosen)
    readiness = outlook.readiness
    console = _console()
    console.print(f"[bold]{escape(loaded.title)}[/] · {escape(who.name)}")
    console.print(f"[bold]{escape(readiness.headline())}[/]")
    console.print(escape(readiness.coverage()))
    console.print(f"[dim]{escape(ESTIMATE_NOTE)}[/]")
    if readiness.biggest_gains():
        console.print(_gains_table(outlook))
    unseen = readiness.not_practised
    if unseen:
        console.print(f"Not practised ({len(unseen)}): " + escape(", ".join(item.label for item in unseen)))
    if readiness.scale:
        console.print(f"Grade scale: {escape(describe_scale(readiness.scale, readiness.max_points))}")
    elif not readiness.topics:  # chosen topics: the coverage line says why no grade
        console.print(f"Bank {escape(loaded.id)} sets no grade scale, so no grade is estimated.")
    console.print(_topics_table(outlook))


def register(app: typer.Typer) -> None:
    """Add `tenta progress` to the root app."""
    app.command("progress")(progress)
