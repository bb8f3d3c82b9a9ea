"""The `tenta` command: with no sub-command it opens the TUI; sub-commands are the headless interface."""

from __future__ import annotations

import inspect
import sys

import typer
from rich.console import Console

from question_bank.errors import TentaError
from quiz.cli import bank, database, grading, history, model, progress, students, study, teacher

app = typer.Typer(
    name="tenta",
    help="Offline exam grader and quiz engine.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
error_console = Console(stderr=True, soft_wrap=True)  # one error = one line, however long

for group in (bank, database, history, model, grading, teacher, students, study, progress):
    group.register(app)


def one_line_summaries(typer_app: typer.Typer) -> None:
    """Typer's rich help keeps a docstring's line breaks in the Commands panel, leaving half-empty
    lines; each command's summary there becomes its first paragraph on one line (its own --help is
    unchanged)."""
    for command in typer_app.registered_commands:
        if command.short_help is None and command.callback is not None:
            text = command.help if isinstance(command.help, str) else inspect.getdoc(command.callback)
            command.short_help = " ".join((text or "").split("\n\n")[0].split()) or None
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            one_line_summaries(group.typer_instance)


one_line_summaries(app)


@app.callback(invoke_without_command=True)
def root(ctx: typer.Context) -> None:
    """Open the quiz app when no command is given."""
    if ctx.invoked_subcommand is None:
        from quiz.tui.app import run_app

        run_app()


def main() -> None:
    """Entry point: user-facing errors become one line and exit code 1; --debug shows tracebacks."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    try:
        app()
    except TentaError as error:
        if debug:
            raise
        error_console.print(f"[bold red]error:[/] {error.message}", highlight=False)
        sys.exit(1)
