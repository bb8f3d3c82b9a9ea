"""`tenta eval / calibrate / grade-one / ingest`: measure the grader, calibrate it, try it, feed it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from question_bank.errors import TentaError
from quiz.context import AppContext
from quiz.teacher.exports import check_writable

if TYPE_CHECKING:
    from grading.calibration import Calibration
    from grading.datasets import GradedRecord
    from grading.evaluate import EvaluationReport, Metrics
    from grading.grader import Grader
    from question_bank.models import Bank

REPORT_KEYS = ("n", "pearson", "spearman", "rmse", "qwk", "accuracy", "macro_f1")


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _bank(ctx: AppContext, bank_id: str | None) -> Bank | None:
    if bank_id is None:
        return None
    try:
        return ctx.catalog.load(bank_id)
    except KeyError as error:
        raise TentaError(f"no bank {bank_id!r}; see `tenta bank list`") from error


def _records_bank(
    ctx: AppContext, bank_id: str | None, records: Sequence[GradedRecord], *, match: bool
) -> Bank | None:
    """The bank given, else (with `match`) the installed bank whose questions the records name, so answers
    to a course's exam are graded against its rubric, course material and both languages' references;
    records that only give a question number refer to the default bank, as `tenta grade-one` does."""
    if bank_id is not None or not match:
        return _bank(ctx, bank_id)
    from grading.datasets import names_bank_questions

    for candidate in ctx.catalog.bank_ids():
        bank = ctx.catalog.load(candidate)
        if names_bank_questions(records, bank):
            _console().print(
                f"[dim]The records answer questions of bank {escape(bank.id)!r}: graded against its rubric "
                "(--no-match-bank grades them against their own reference answers).[/]"
            )
            return bank
    if all(_only_numbered(record) for record in records):
        _console().print(
            f"[dim]The records give question numbers only: graded against the default bank "
            f"{escape(ctx.settings.default_bank)!r} (--bank chooses another).[/]"
        )
        return _bank(ctx, ctx.settings.default_bank)
    return None


def _only_numbered(record: GradedRecord) -> bool:
    text = record.question + record.reference_answer
    return record.question_number is not None and not text.strip()


def _calibration(ctx: AppContext, path: Path | None) -> Calibration | None:
    if path is None:
        return None
    from grading.calibration import Calibration

    return Calibration.load(path, model_id=ctx.embedder.model_id)


def _grader(
    ctx: AppContext, *, calibration: Path | None, course_material: bool, profile: str | None
) -> Grader:
    from grading.grader import Grader

    course_index = None
    if course_material:
        from quiz.ingest import ensure_course_index

        course_index = ensure_course_index(ctx)
    grader = Grader.create(
        ctx.embedder,
        course_index=course_index,
        calibration=_calibration(ctx, calibration),
        review_threshold=ctx.settings.review_threshold,
    )
    if profile is not None:
        grader.use_profile(profile)
    return grader


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def _metrics_row(label: str, metrics: Metrics, keys: Sequence[str]) -> list[str]:
    return [escape(label), *(_fmt(getattr(metrics, key)) for key in keys)]


def _print_report(report: EvaluationReport, *, per_question: bool) -> None:
    """One row per question and the overall row; metrics that apply to no row (QWK across mixed scales,
    accuracy and F1 without 0/1 labels) are left out so the table fits a terminal."""
    rows: list[tuple[str, Metrics]] = (
        [(row.question_id, row) for row in report.per_question] if per_question else []
    )
    keys = [
        key
        for key in REPORT_KEYS
        if any(getattr(m, key) is not None for m in [report, *(m for _, m in rows)])
    ]
    table = Table(
        title=f"Agreement with human grades ({report.model_id})", box=box.SIMPLE_HEAD, pad_edge=False
    )
    longest_id = max((len(label) for label, _ in rows), default=0)
    table.add_column("question", min_width=min(max(longest_id, len("overall")), 14), overflow="fold")
    for key in keys:
        table.add_column(key, justify="right")
    for label, metrics in rows:
        table.add_row(*_metrics_row(label, metrics, keys))
    if rows:
        table.add_section()
    table.add_row(*_metrics_row("overall", report, keys), style="bold")
    _console().print(table)
    if len(report.per_language) > 1:
        _print_languages(report)


def _print_languages(report: EvaluationReport) -> None:
    """Agreement per answer language; 'engine - human' below 0 means that language is graded more strictly."""
    table = Table(title="Per answer language", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("language")
    for heading in ("n", "pearson", "rmse", "engine - human"):
        table.add_column(heading, justify="right")
    for row in report.per_language:
        difference = "–" if row.mean_difference is None else f"{row.mean_difference:+.3f}"
        table.add_row(escape(row.language), str(row.n), _fmt(row.pearson), _fmt(row.rmse), difference)
    _console().print(table)


def _write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise TentaError(f"{path}: cannot write: {error.strerror or error}") from None


def _sibling_examples(dataset: Path, records: Sequence[GradedRecord]) -> list[GradedRecord]:
    """Human-graded answers to the evaluated questions in the training files beside the dataset (a test
    split next to its train split, as SemEval and ../shared/datasets lay them out): the graded neighbours
    `--examples` would give. Files that do not read as graded answers are passed over."""
    from grading.datasets import read_records

    wanted = {(record.dataset, record.group) for record in records}
    found: list[GradedRecord] = []
    for path in sorted(dataset.parent.glob("*train*.jsonl")):
        if path.resolve() == dataset.resolve():
            continue
        try:
            matching = [record for record in read_records(path) if (record.dataset, record.group) in wanted]
        except TentaError:
            continue
        if matching:
            found.extend(matching)
            _console().print(
                f"[dim]{len(matching)} graded answers to the same questions in {escape(str(path))} serve as "
                "graded neighbours (--no-find-examples leaves them out).[/]"
            )
    return found


def _dataset_profile(records: Sequence[GradedRecord]) -> str | None:
    """The dataset name shared by all records, whose shipped calibration then applies (e.g. 0..5 vs 0/1)."""
    names = {record.dataset for record in records}
    return names.pop() if len(names) == 1 and "" not in names else None


def eval_command(  # noqa: PLR0917 - typer maps parameters to options
    dataset: Annotated[Path, typer.Argument(help="JSONL of graded answers (../shared/datasets format).")],
    bank: Annotated[
        str | None, typer.Option(help="Grade records with question_number against this bank.")
    ] = None,
    examples: Annotated[
        Path | None, typer.Option(help="JSONL of human-graded answers used as graded neighbours.")
    ] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON here.")] = None,
    calibration: Annotated[Path | None, typer.Option(help="Calibration JSON from `tenta calibrate`.")] = None,
    per_question: Annotated[bool, typer.Option(help="Print one row per question.")] = True,
    match_bank: Annotated[
        bool, typer.Option(help="Without --bank, use an installed bank whose questions the records name.")
    ] = True,
    find_examples: Annotated[
        bool,
        typer.Option(
            help="Without --examples, use graded answers to the same questions from *train*.jsonl files "
            "beside DATASET."
        ),
    ] = True,
    classmates: Annotated[
        bool,
        typer.Option(
            "--classmates/--alone",
            help="Read the other records' answers to a question as each answer's classmates (never their "
            "scores), as when a class is graded together; --alone grades every answer by itself.",
        ),
    ] = True,
) -> None:
    """Grade a human-graded dataset and print Pearson, Spearman, RMSE, QWK, accuracy and macro-F1."""
    from grading.datasets import check_questions, read_numbered_records, read_records
    from grading.evaluate import evaluate_records

    check_writable(json_path)
    ctx = AppContext()
    numbered = read_numbered_records(dataset)
    records = [record for _, record in numbered]
    if not records:
        raise TentaError(f"{dataset}: no records")
    if examples is not None:
        example_records = read_records(examples)
    else:
        example_records = _sibling_examples(dataset, records) if find_examples else []
    the_bank = _records_bank(ctx, bank, records, match=match_bank)
    check_questions(dataset, numbered, the_bank)
    grader = _grader(
        ctx,
        calibration=calibration,
        course_material=the_bank is not None,
        profile=None if calibration else _dataset_profile(records),
    )
    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("grading", total=len(records))
        try:
            report = evaluate_records(
                grader,
                records,
                bank=the_bank,
                examples=example_records,
                progress=lambda done, _total: progress.update(task, completed=done),
                classmates=classmates,
            )
        except ValueError as error:
            raise TentaError(f"{dataset}: {error}") from error
    _print_report(report, per_question=per_question)
    if json_path is not None:
        payload = report.model_dump(mode="json", exclude={"predictions", "confidences"})
        _write_text(json_path, json.dumps(payload, indent=1, ensure_ascii=False))


def calibrate_command(
    dataset: Annotated[
        Path | None, typer.Argument(help="JSONL of graded answers to fit the calibration on.")
    ] = None,
    from_overrides: Annotated[
        bool, typer.Option("--from-overrides", help="Fit on the teacher's overrides in the database instead.")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Where to write the calibration JSON.")] = None,
    bank: Annotated[str | None, typer.Option(help="Bank for question_number records / overrides.")] = None,
    match_bank: Annotated[
        bool, typer.Option(help="Without --bank, use an installed bank whose questions the records name.")
    ] = True,
) -> None:
    """Fit a monotone map from the grader's similarity score to the human score fraction (JSON, no pickle)."""
    from grading.calibration import isotonic_fit

    if (dataset is None) == (not from_overrides):
        raise TentaError("give a DATASET.jsonl or --from-overrides (one of them)")
    check_writable(out)
    ctx = AppContext()
    grader = _grader(ctx, calibration=None, course_material=False, profile=None)
    if from_overrides:
        raw, target = _override_pairs(ctx, grader, bank)
        source = "teacher overrides" + (f" in bank {bank}" if bank else "")
    else:
        assert dataset is not None
        raw, target = _dataset_pairs(ctx, grader, dataset, bank, match_bank=match_bank)
        source = str(dataset)
    calibration = isotonic_fit(raw, target, model_id=grader.model_id, source=source)
    destination = out or ctx.settings.data_dir / "calibration.json"
    try:
        calibration.save(destination)
    except OSError as error:
        raise TentaError(f"{destination}: cannot write the calibration: {error.strerror or error}") from None
    _console().print(
        f"Calibration for {grader.model_id} from {len(raw)} answers ({escape(source)}) written to "
        f"{escape(str(destination))} ({len(calibration.x)} knots)."
    )


def _dataset_pairs(
    ctx: AppContext, grader: Grader, dataset: Path, bank: str | None, *, match_bank: bool
) -> tuple[list[float], list[float]]:
    """(raw grader score, human fraction) for every record of a graded dataset."""
    from grading.datasets import check_questions, questions_for, read_numbered_records

    numbered = read_numbered_records(dataset)
    records = [record for _, record in numbered]
    if not records:
        raise TentaError(f"{dataset}: no records")
    the_bank = _records_bank(ctx, bank, records, match=match_bank)
    check_questions(dataset, numbered, the_bank)
    questions = questions_for(records, the_bank)
    raw, target = [], []
    for record, question in zip(records, questions, strict=True):
        value = grader.raw_score(question, record.student_answer, bank=the_bank)
        if value is not None:
            raw.append(value)
            target.append(record.fraction)
    return raw, target


def _override_pairs(ctx: AppContext, grader: Grader, bank: str | None) -> tuple[list[float], list[float]]:
    """(raw grader score, teacher fraction) for every answer a teacher overrode."""
    from quiz.teacher.review import override_examples

    raw, target = [], []
    for example in override_examples(ctx.repository, bank_id=bank):
        value = grader.raw_score(example.question, example.answer)
        if value is not None:
            raw.append(value)
            target.append(example.teacher_fraction)
    if len(raw) < 2:
        raise TentaError("calibrating from overrides needs at least two overridden answers (tenta override)")
    return raw, target


def grade_one_command(
    answer: Annotated[str, typer.Argument(help="The answer text ('-' reads standard input).")],
    question: Annotated[str, typer.Option("--question", "-q", help="Question id or number.")],
    bank: Annotated[str | None, typer.Option(help="Bank id (default: settings.default_bank).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Grade as JSON.")] = False,
    calibration: Annotated[Path | None, typer.Option(help="Calibration JSON from `tenta calibrate`.")] = None,
) -> None:
    """Grade one answer to a bank question and print the score and feedback."""
    import sys

    ctx = AppContext()
    the_bank = _bank(ctx, bank or ctx.settings.default_bank)
    assert the_bank is not None
    try:
        target = the_bank.question(question)
    except KeyError as error:
        raise TentaError(f"bank {the_bank.id!r} has no question {question!r}") from error
    text = sys.stdin.read() if answer == "-" else answer
    grader = _grader(ctx, calibration=calibration, course_material=True, profile=None)
    grade = grader.grade(target, text, bank=the_bank)
    console = _console()
    if as_json:
        console.print_json(grade.model_dump_json())
        return
    flags = ", ".join(flag.value for flag in grade.flags) or "none"
    console.print(
        f"[bold]{grade.score:g} / {grade.max_points:g}[/]  confidence {grade.confidence:.2f}  flags: {flags}"
    )
    if grade.needs_review:
        console.print("[yellow]needs teacher review[/]")
    for point in grade.points:
        console.print(f"  {point.status.value:8} {point.similarity:.2f}  {escape(point.text)}")
    for found in grade.misconceptions:
        console.print(
            f"  [red]✘ misconception (−{found.penalty:g} p)[/] {found.similarity:.2f}  {escape(found.text)}"
            f'{"  (borderline)" if found.borderline else ""}\n      said: "{escape(found.matched_sentence)}"'
        )
    console.print(escape(grade.feedback))


def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Markdown, text or PDF files, or folders of them.")],
) -> None:
    """Add course material to the database and rebuild the faiss index used as rubric evidence."""
    from quiz.ingest import ingest_paths

    ctx = AppContext()
    result = ingest_paths(ctx, paths)
    _console().print(
        f"Ingested {result.documents} document(s), {result.chunks} chunk(s); "
        f"the index now holds {result.index_size} chunk(s) in {escape(str(ctx.settings.index_dir))}."
    )


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("eval")(eval_command)
    app.command("calibrate")(calibrate_command)
    app.command("grade-one")(grade_one_command)
    app.command("ingest")(ingest_command)
