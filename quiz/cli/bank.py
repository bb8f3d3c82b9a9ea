"""`tenta bank …`: list, inspect, validate, import, export question banks and print the file schema."""

from __future__ import annotations

import shutil
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from question_bank.errors import InputFileError, InputFileErrors, TentaError
from question_bank.formats.media_files import bank_media_names
from question_bank.grade_scales import describe_scale
from question_bank.models import Bank, Question, QuestionType
from quiz.context import AppContext

bank_app = typer.Typer(help="Question banks: list, show, validate, import, export.", no_args_is_help=True)


class ExportFormat(StrEnum):
    YAML = "yaml"
    JSON = "json"
    GIFT = "gift"
    MOODLE_XML = "moodle-xml"
    AIKEN = "aiken"
    ANKI = "anki"
    QTI = "qti"


class ImportFormat(StrEnum):
    AUTO = "auto"
    YAML = "yaml"
    JSON = "json"
    GIFT = "gift"
    CSV = "csv"
    MARKDOWN = "markdown"
    MOODLE_XML = "moodle-xml"
    ANKI = "anki"
    QTI = "qti"
    AIKEN = "aiken"
    XLSX = "xlsx"


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _read_any(
    path: Path, format_name: ImportFormat = ImportFormat.AUTO, *, skip_unsupported: bool = False
) -> Bank:
    """Import a file; several problems are all printed before the one-line summary error, and questions
    left out with `skip_unsupported` are each named on stderr."""
    from question_bank.formats.detect import import_file

    skipped: list[InputFileError] | None = [] if skip_unsupported else None
    notes: list[str] = []
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        bank = import_file(
            path,
            None if format_name is ImportFormat.AUTO else format_name.value,
            skipped=skipped,
            notes=notes,
        )
    except InputFileErrors as errors:
        if len(errors.errors) == 1:
            hint = " (or leave it out with --skip-unsupported)" if errors.errors[0].unsupported else ""
            raise TentaError(errors.errors[0].message + hint) from None
        for error in errors.errors:
            err.print(escape(error.message))
        if not skip_unsupported and any(error.unsupported for error in errors.errors):
            err.print("questions tenta has no type for can be left out with --skip-unsupported")
        raise TentaError(f"{len(errors.errors)} problems in {path}; nothing was imported") from None
    for note in notes:
        err.print(escape(note))
    for problem in skipped or []:
        err.print(escape(f"skipped {problem.message}"))
    return bank


def _weights(question: Question) -> str:
    return ", ".join(f"{point.weight:.0%}" for point in question.rubric)


@bank_app.command("list")
def list_banks() -> None:
    """Bundled and imported banks."""
    catalog = AppContext().catalog
    console = _console()
    table = Table(title="Question banks")
    for column in ("id", "title", "version", "questions", "languages"):
        table.add_column(column)
    table.add_column("source", overflow="fold")  # the whole path: where an imported bank is edited
    for summary in catalog.summaries():
        table.add_row(
            summary.id,
            escape(summary.title),
            summary.version,
            str(summary.question_count),
            ", ".join(summary.languages),
            "bundled" if summary.bundled else str(summary.path),
        )
    console.print(table)
    for problem in catalog.problems():
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            f"[yellow]skipped:[/] {escape(problem.message)}"
        )


def _question_details(question: Question, bank: Bank, missing_media: frozenset[str] = frozenset()) -> str:
    scoring = " (all or nothing: exactly the correct choices)" if question.all_or_nothing else ""
    lines = [
        f"[bold]{question.number or ''} {question.id}[/]  {question.type.value}{scoring}, "
        f"{question.max_points:g} p"
    ]
    if question.topics:
        lines.append(f"topics: {escape(', '.join(question.topics))}")
    for language in bank.languages:
        if language in question.prompt:
            lines.append(f"prompt ({language}): {escape(question.prompt[language])}")
    if question.code:
        lines.append(f"code ({question.code.language}):\n{escape(question.code.source)}")
    if question.media:
        files = (f"{name} (missing)" if name in missing_media else name for name in question.media)
        lines.append(f"media: {escape(', '.join(files))}")
    for choice in question.choices:
        feedback = f"  — {escape(choice.feedback)}" if choice.feedback else ""
        lines.append(f"  [{choice.fraction:+.0%}] {escape(choice.text)}{feedback}")
    unit = f" {question.units.units[0].name}" if question.units else ""
    for answer in question.numerical:
        feedback = f"  — {escape(answer.feedback)}" if answer.feedback else ""
        lines.append(
            f"  [{answer.fraction:+.0%}] {answer.value:g} ± {answer.tolerance:g}{escape(unit)}{feedback}"
        )
    if question.units is not None and len(question.units.units) > 1:
        listed = ", ".join(f"{item.name} (×{item.multiplier:g})" for item in question.units.units)
        lines.append(f"units: {escape(listed)}")
    for point in question.rubric:
        lines.append(f"  • {escape(point.id)}  {point.weight:.0%}  {escape(point.text)}")
    for misconception in question.misconceptions:
        feedback = f"  — {escape(misconception.feedback)}" if misconception.feedback.strip() else ""
        lines.append(
            f"  ✘ {escape(misconception.id)}  misconception (−{misconception.penalty:g} p): "
            f"{escape(misconception.text)}{feedback}"
        )
        lines += [f"      also: {escape(paraphrase)}" for paraphrase in misconception.paraphrases]
    return "\n".join(lines + _feedback_lines(question))


def _feedback_lines(question: Question) -> list[str]:
    """General feedback, the outcome feedback by result and the hints, as the student meets them."""
    outcome = question.outcome_feedback
    labelled = [
        ("general feedback", question.general_feedback),
        ("if right", outcome.correct if outcome else ""),
        ("if partly right", outcome.partially_correct if outcome else ""),
        ("if wrong", outcome.incorrect if outcome else ""),
        *((f"hint {number}", hint) for number, hint in enumerate(question.hints, start=1)),
    ]
    return [f"{label}: {escape(text.strip())}" for label, text in labelled if text.strip()]


@bank_app.command()
def show(
    bank_id: Annotated[str, typer.Argument(help="Bank id (see `tenta bank list`).")],
    question: Annotated[
        str | None, typer.Option("--question", "-q", help="Only this question (id or number).")
    ] = None,
    reference: Annotated[bool, typer.Option(help="Also print reference answers.")] = False,
) -> None:
    """Questions of a bank with prompts, type, points, topics, media, weighted key points and misconceptions
    with their penalties."""
    catalog = AppContext().catalog
    bank = catalog.load(bank_id)
    questions = bank.questions if question is None else (_shown_question(bank, question),)
    console = _console()
    console.print(
        f"[bold]{escape(bank.title)}[/] ({bank.id}, version {bank.version}, {len(bank.questions)} questions)"
    )
    if bank.description:
        console.print(escape(bank.description))
    total = sum(item.max_points for item in bank.questions)
    exam = [f"{total:g} points in all"]
    if bank.time_limit_minutes:
        exam.append(f"time limit {bank.time_limit_minutes:g} min (full exam)")
    if bank.grade_scale:
        exam.append(f"grades {describe_scale(bank.grade_scale, total)}")
    console.print(escape(" · ".join(exam)))
    names = bank_media_names(bank)
    missing = frozenset(names) - set(catalog.media_files(bank.id))
    if names:
        console.print(f"media folder: {escape(str(catalog.media_dir(bank.id)))}")
    for item in questions:
        console.print()
        console.print(_question_details(item, bank, missing))
        if reference and item.reference_answer:
            for language, text in item.reference_answer.items():
                console.print(f"reference ({language}):\n{escape(text)}")


def _shown_question(bank: Bank, key: str) -> Question:
    """The question `bank show -q` asks for, checked before anything is printed so a wrong number fails
    on its own, saying which numbers the bank has."""
    try:
        return bank.question(key)
    except KeyError as error:
        raise TentaError(f"{error.args[0]}: give {_valid_numbers(bank)}a question id") from None


def _valid_numbers(bank: Bank) -> str:
    """'a number from 1 to 12 or ' (or the numbers one by one where some are skipped); '' when the bank's
    questions have no numbers."""
    numbers = sorted(item.number for item in bank.questions if item.number is not None)
    if not numbers:
        return ""
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"a number from {numbers[0]} to {numbers[-1]} or "
    return f"one of the numbers {', '.join(map(str, numbers))} or "


@bank_app.command()
def validate(file: Annotated[Path, typer.Argument(help="A bank file in any importable format.")]) -> None:
    """Check a file without installing it; every problem is listed with line and field, and the pictures and
    sound it lists are read, as an import would."""
    from question_bank.formats.media import read_media

    bank = _read_any(file)
    media = read_media(file, bank_media_names(bank))
    media_note = f", {len(media)} media files" if media else ""
    _console().print(f"OK: {file} — bank {bank.id!r}, {len(bank.questions)} questions{media_note}")


def _dry_run_table(bank: Bank) -> Table:
    table = Table(
        title=f"Would import {bank.id!r}: {len(bank.questions)} questions ({', '.join(bank.languages)})"
    )
    for column in ("#", "type", "prompt", "key points", "code"):
        table.add_column(column, overflow="fold")
    for question in bank.questions:
        table.add_row(
            str(question.number or question.id),
            question.type.value if question.type is not QuestionType.FREE_TEXT else "free text",
            escape(question.prompt_in(bank.languages[0])),
            f"{len(question.rubric)} ({_weights(question)})" if question.rubric else "-",
            f"{len(question.code.source.splitlines())} lines" if question.code else "",
        )
    return table


def _with_option(bank: Bank, option: str, key: str, value: str) -> Bank:
    """`bank` with its id or title replaced; a value the bank cannot take is refused naming the option and
    the value, and for an id which characters it may hold (not pydantic's regular expression)."""
    from pydantic import ValidationError

    try:
        return Bank.model_validate({**bank.model_dump(), key: value})
    except ValidationError as error:
        first = error.errors()[0]
        reason = (
            "a bank id is letters, digits, '.', '_' and '-', starting with a letter or digit "
            "(e.g. dl101-ht26)"
            if first["type"] == "string_pattern_mismatch"
            else first["msg"]
        )
        raise TentaError(f"{option} {value!r}: {reason}") from None


@bank_app.command("import")
def import_bank(  # noqa: PLR0917 - typer maps parameters to options
    file: Annotated[
        Path,
        typer.Argument(
            help="Moodle XML, a Moodle course backup (.mbz or its questions.xml; Moodle 1.9: its .zip or "
            "moodle.xml) or GIFT, QTI (.xml or .zip "
            "package: Inspera, Canvas, Blackboard, Brightspace, Respondus, ONYX, OpenOLAT, TAO; a Canvas "
            "course export .imscc; a Blackboard 6 pool .dat), Aiken, Anki .apkg, CSV or Excel .xlsx, "
            "Markdown/text exam, or native YAML/JSON."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")
    ] = False,
    new_id: Annotated[
        str | None,
        typer.Option(
            "--id", help="Bank id to use instead of the one the file gives (its tenta header, else its name)."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Bank title to use.")] = None,
    format_name: Annotated[
        ImportFormat, typer.Option("--format", help="Skip auto-detection.")
    ] = ImportFormat.AUTO,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite an imported bank with the same id.")
    ] = False,
    skip_unsupported: Annotated[
        bool,
        typer.Option(
            "--skip-unsupported",
            help="Leave out questions tenta has no type for (calculated, ordering, drag and drop onto "
            "images, QTI associate, polls, essays without a model answer) and name each one, "
            "instead of refusing the file.",
        ),
    ] = False,
) -> None:
    """Import a bank file into your banks folder with its pictures and sound (nothing is written if any
    problem is found)."""
    from question_bank.formats.media import read_media

    bank = _read_any(file, format_name, skip_unsupported=skip_unsupported)
    for option, key, value in (("--id", "id", new_id), ("--title", "title", title)):
        if value is not None:
            bank = _with_option(bank, option, key, value)
    console = _console()
    names = bank_media_names(bank)
    media_note = f", {len(names)} media files" if names else ""
    catalog = AppContext().catalog
    # The dry run goes as far as the import would before writing: the pictures and sound are read and the
    # id is checked against the banks already there, so it never promises an import that is then refused.
    media = read_media(file, names, None if format_name is ImportFormat.AUTO else format_name.value)
    target = catalog.install_target(bank, replace=replace)
    if dry_run:
        console.print(_dry_run_table(bank))
        if names:
            console.print(f"media: {escape(', '.join(names))}")
        console.print(f"dry run: nothing was written (the import would write {escape(str(target))})")
        return
    target = catalog.install(bank, replace=replace, media=media)
    console.print(f"imported {bank.id!r} ({len(bank.questions)} questions{media_note}) into {target}")


@bank_app.command()
def export(
    bank_id: Annotated[str, typer.Argument(help="Bank id (see `tenta bank list`).")],
    format_name: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExportFormat.YAML,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Write a bank as native YAML/JSON, as Moodle XML, GIFT or Aiken for Moodle, as an Anki package
    (.apkg, needs --out), or as a QTI 2.1 package for Inspera, ONYX, TAO, Canvas (.zip, needs --out).
    Pictures and sound go along where the format can: embedded in Moodle XML and the Anki and QTI
    packages, in a <name>.media folder beside a YAML/JSON file; what stays behind is named on stderr."""
    from question_bank.formats.detect import EXPORTERS, PACKAGE_EXPORTERS
    from question_bank.formats.export_losses import export_losses
    from question_bank.formats.moodle_xml import dump_moodle_xml

    catalog = AppContext().catalog
    bank = catalog.load(bank_id)
    files = catalog.media_files(bank.id)
    console = _console()
    if format_name.value in PACKAGE_EXPORTERS:
        _write_package(bank, format_name, out, files, console)
    else:
        if format_name is ExportFormat.MOODLE_XML:
            text = dump_moodle_xml(bank, {name: path.read_bytes() for name, path in files.items()})
        else:
            text = EXPORTERS[format_name.value](bank)
        if _write_or_print(text, out):
            console.print(f"wrote {out}")
            if out is not None and format_name in (ExportFormat.YAML, ExportFormat.JSON) and files:
                console.print(f"copied {len(files)} media files to {_copy_media(files, out)}")
    warnings = Console(stderr=True, highlight=False, soft_wrap=True)
    missing = set(bank_media_names(bank)) - set(files)
    for loss in export_losses(bank, format_name.value, to_file=out is not None, media_missing=missing):
        warnings.print(f"[yellow]warning:[/] {escape(loss)}")


def _write_package(
    bank: Bank, format_name: ExportFormat, out: Path | None, files: dict[str, Path], console: Console
) -> None:
    """The bank as a binary package (an Anki .apkg, a QTI .zip) at `out`: a zip cannot go to the terminal."""
    from question_bank.formats.detect import PACKAGE_EXPORTERS

    if out is None:
        raise TentaError(
            f"--format {format_name.value} writes a binary package: name the file with --out "
            f"(e.g. --out {bank.id}.{'zip' if format_name is ExportFormat.QTI else 'apkg'})"
        )
    packed = PACKAGE_EXPORTERS[format_name.value](bank, out, files)
    media_note = f", {len(packed)} media files" if packed else ""
    console.print(f"wrote {escape(str(out))} ({len(bank.questions)} questions{media_note})")


def _copy_media(files: dict[str, Path], out: Path) -> Path:
    """The media copied into the folder the YAML/JSON importer reads beside `out` (<stem>.media)."""
    from question_bank.formats.media_files import media_folder

    folder = media_folder(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, source in files.items():
            if source.resolve() != (folder / name).resolve():
                shutil.copyfile(source, folder / name)
    except OSError as error:
        raise TentaError(f"cannot copy the media to {folder}: {error.strerror or error}") from None
    return folder


@bank_app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """JSON Schema of the native bank format (for editor completion and CI checks)."""
    from question_bank.schema import bank_json_schema_text

    _write_or_print(bank_json_schema_text(), out)


def _write_or_print(text: str, out: Path | None) -> bool:
    """Write `text` to `out`, or to stdout when no file is named; True when a file was written."""
    if out is None:
        typer.echo(text, nl=False)
        return False
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise TentaError(f"cannot write {out}: {error.strerror or error}") from None
    return True


def register(app: typer.Typer) -> None:
    """Add the `bank` command group to the root app."""
    app.add_typer(bank_app, name="bank")
