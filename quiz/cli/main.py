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
    help="Offline exam grader and quiz engine. Run `tenta` with no command to open the quiz app.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
error_console = Console(stderr=True, soft_wrap=True)  # one error = one line, however long

for group in (bank, database, history, model, grading, teacher, students, study, progress):
    group.register(app)


def reflow_help(typer_app: typer.Typer) -> None:
    """Typer's rich help keeps a docstring's line breaks (it joins only the first paragraph's), leaving
    half-empty lines: in the Commands panel each command's summary becomes its first paragraph on one
    line (short_help), and in its own --help every paragraph becomes one line that rich wraps where
    the terminal is full ('leaves the total' alone on a line of `export gradebook --help` at 80)."""
    for command in typer_app.registered_commands:
        text = command.help if isinstance(command.help, str) else inspect.getdoc(command.callback)
        if not text:
            continue
        paragraphs = [" ".join(paragraph.split()) for paragraph in text.split("\n\n")]
        command.help = "\n\n".join(paragraphs)
        if command.short_help is None:
            command.short_help = paragraphs[0] or None
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)


reflow_help(app)


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
