"""Fit `ScoringModel.authored_rubric_scale` and `long_reference_scale` on hand-graded exam answers.

The combiner is fitted on the datasets' short answers; on a course exam with long rubric answers
its blend with the rubric credit lands too close to the middle (full-credit answers near 0.65, blank
ones near 0.2). A slope and offset, fitted by least squares on graded answers, map the blend to a
human grader's scale. The script prints the leave-one-question-out result first, so the number
reported is for questions the fit never saw, then stores the fit on all answers in the model's
shipped coefficients. Run it after `python -m grading.training.fit` (a refit changes the blend).
With `--imported`, the same answers are graded against the exam file imported as it is (its key points
cut out of the references) and the long-reference scale for such banks is fitted the same way.

    python -m grading.training.rubric_scale --model multilingual-e5-small \\
        tests/data/dl_course_answers.jsonl --bank dl-course
    python -m grading.training.rubric_scale --model multilingual-e5-small \\
        tests/data/dl_course_answers.jsonl --imported ../shared/seeds/000_d7daf46238b56a97.txt
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from grading.combine import shipped_path
from grading.datasets import GradedRecord, questions_for, read_records
from grading.evaluate import pearson, rmse
from grading.grader import Grader, GradeRequest
from grading.models import GradeFlag
from question_bank.models import Bank

IDENTITY = (1.0, 0.0)
_NOT_SCALED = frozenset({GradeFlag.EMPTY, GradeFlag.OFF_TOPIC, GradeFlag.COPIED_CODE})
"""Grades the scale never touches (they are 0 before and after it)."""


AUTHORED, LONG_REFERENCE = "authored_rubric_scale", "long_reference_scale"


def blended_fractions(
    grader: Grader, records: Sequence[GradedRecord], bank: Bank, field: str = AUTHORED
) -> tuple[np.ndarray, np.ndarray]:
    """Unscaled grade fractions of the records and a mask of those the scale `field` applies to:
    authored-rubric questions, or long-reference questions with a derived rubric."""
    unscaled = grader.scoring.model_copy(update={AUTHORED: IDENTITY, LONG_REFERENCE: IDENTITY})
    plain = Grader(grader.embedder, unscaled, course_index=grader.course_index)
    questions = questions_for(records, bank)
    profiles = [plain.profile(question) for question in questions]
    stretched = np.array(
        [
            profile.authored_rubric
            if field == AUTHORED
            else profile.long_reference and not profile.authored_rubric
            for profile in profiles
        ]
    )
    requests = [
        GradeRequest(question=question, answer=record.student_answer, bank=bank)
        for question, record in zip(questions, records, strict=True)
    ]
    grades = plain.grade_many(requests)
    fractions = np.array([grade.score / grade.max_points for grade in grades])
    scaled = np.array([not _NOT_SCALED.intersection(grade.flags) for grade in grades]) & stretched
    return fractions, scaled


def fit_scale(blended: np.ndarray, human: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and offset from blended fractions to human fractions."""
    design = np.column_stack([blended, np.ones(len(blended))])
    slope, offset = np.linalg.lstsq(design, human, rcond=None)[0]
    return float(slope), float(offset)


def apply_scale(blended: np.ndarray, scaled: np.ndarray, scale: tuple[float, float]) -> np.ndarray:
    slope, offset = scale
    return np.where(scaled, np.clip(slope * blended + offset, 0.0, 1.0), blended)


def leave_one_question_out(
    blended: np.ndarray, scaled: np.ndarray, human: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Each question's fractions under a scale fitted on the other questions only."""
    result = blended.copy()
    scales = []
    for group in np.unique(groups):
        train = (groups != group) & scaled
        scale = fit_scale(blended[train], human[train])
        held = groups == group
        result[held] = apply_scale(blended[held], scaled[held], scale)
        scales.append(scale)
    return result, scales


def _report(label: str, fractions: np.ndarray, human: np.ndarray, max_scores: np.ndarray) -> str:
    """Agreement on the records' point scales (as `tenta eval` prints it) and as fractions."""
    return (
        f"{label}: Pearson {pearson(fractions * max_scores, human * max_scores):.3f}, "
        f"RMSE {rmse(fractions * max_scores, human * max_scores):.3f} points; "
        f"as fractions Pearson {pearson(fractions, human):.3f}, RMSE {rmse(fractions, human):.3f}; "
        f"mean fraction {fractions.mean():.3f} vs human {human.mean():.3f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "answers", type=Path, help="JSONL of hand-graded answers (question_number per record)"
    )
    parser.add_argument("--bank", default="dl-course")
    parser.add_argument(
        "--imported",
        type=Path,
        default=None,
        help="grade against this exam file imported as it is (derived key points) instead of --bank, and "
        "fit long_reference_scale",
    )
    parser.add_argument("--model", default="multilingual-e5-small")
    parser.add_argument("--out", type=Path, default=None, help="default: grading/data/<model id>.json")
    args = parser.parse_args(argv)
    import platformdirs

    from grading.embedder import Embedder
    from grading.retrieval import CourseIndex, chunks_for_file, material_files
    from question_bank.formats.detect import import_file
    from question_bank.loader import BankCatalog

    cache = Path(platformdirs.user_cache_dir("tenta"))
    embedder = Embedder.load(args.model, models_dir=cache / "models", cache_dir=cache / "embeddings")
    catalog = BankCatalog(None)
    bank = import_file(args.imported) if args.imported else catalog.load(args.bank)
    notes = None if args.imported else catalog.notes_dir(args.bank)
    chunks = [chunk for path in material_files([notes] if notes else []) for chunk in chunks_for_file(path)]
    course_index = CourseIndex.build(chunks, embedder) if chunks else None
    grader = Grader.create(embedder, course_index=course_index)
    records = read_records(args.answers)
    human = np.array([record.fraction for record in records])
    groups = np.array([record.group for record in records])
    max_scores = np.array([record.max_score for record in records])
    field = LONG_REFERENCE if args.imported else AUTHORED
    blended, scaled = blended_fractions(grader, records, bank, field)
    print(_report("unscaled", blended, human, max_scores))
    held_out, scales = leave_one_question_out(blended, scaled, human, groups)
    print(_report("leave one question out", held_out, human, max_scores))
    slopes = [slope for slope, _ in scales]
    print(f"  slopes {min(slopes):.3f}..{max(slopes):.3f} over {len(scales)} folds")
    scale = fit_scale(blended[scaled], human[scaled])
    print(
        _report(
            f"all answers (in sample), scale {scale[0]:.3f}x{scale[1]:+.3f}",
            apply_scale(blended, scaled, scale),
            human,
            max_scores,
        )
    )
    out = args.out or shipped_path(embedder.model_id)
    grader.scoring.model_copy(update={field: scale}).save(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
