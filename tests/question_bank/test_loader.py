"""Native YAML/JSON banks: accepted files load exactly, bad files are reported by line and field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors, TentaError
from question_bank.formats.yaml_json import dump_json, dump_yaml
from question_bank.loader import BankCatalog, load_bank_file, version_key
from question_bank.models import Bank, QuestionType
from question_bank.schema import bank_json_schema
from tests.question_bank.conftest import sample_bank_data

BAD_YAML = """\
id: broken
title: Broken bank
languages: [sv, en]
questions:
  - id: q1
    prompt:
      sv: Vad är dropout?
    reference_answer:
      en: Dropout disables neurons.
    rubric:
      - id: p1
        text: disables neurons
        weight: heavy
  - id: q1
    prompt:
      sv: ""
  - id: q3
    prompt: {sv: Förklara early stopping.}
    reference_answer: {en: Stops training early.}
    rubric:
      - {id: p1, text: stops early, weight: 1}
      - {id: p1, text: uses validation data, weight: 1}
"""


def _errors(path: Path) -> list[InputFileError]:
    with pytest.raises(InputFileErrors) as caught:
        load_bank_file(path)
    return caught.value.errors


def test_yaml_bank_loads_with_normalised_weights(write_bank: Callable[..., Path]) -> None:
    bank = load_bank_file(write_bank(sample_bank_data()))
    assert bank.id == "sample"
    assert [question.type for question in bank.questions] == [
        QuestionType.FREE_TEXT,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.NUMERICAL,
    ]
    assert [point.weight for point in bank.question(1).rubric] == pytest.approx([2 / 3, 1 / 3])


def test_every_problem_is_reported_with_its_line_and_field(write_bank: Callable[..., Path]) -> None:
    errors = _errors(write_bank(BAD_YAML))
    found = {(error.line, error.field, error.reason) for error in errors}
    assert (13, "questions[0].rubric[0].weight", "'heavy' is not a number") in found
    assert (14, "questions[1].id", "duplicate question id 'q1' (first at line 5)") in found
    assert (14, "questions[1].reference_answer", "free-text question needs a reference answer") in found
    assert (16, "questions[1].prompt.sv", "must not be empty") in found
    assert (22, "questions[2].rubric[1].id", "duplicate rubric point id 'p1' (first at line 21)") in found
    assert all(error.path.name == "bank.yaml" for error in errors)
    assert all("\n" not in error.message for error in errors)


def test_yaml_syntax_error_names_the_line(write_bank: Callable[..., Path]) -> None:
    path = write_bank("id: x\ntitle: y\nquestions:\n  - id: q1\n    prompt: [unclosed\n")
    with pytest.raises(InputFileError) as caught:
        load_bank_file(path)
    assert caught.value.line is not None and caught.value.line >= 5
    assert "invalid YAML" in caught.value.reason


def test_duplicate_yaml_keys_are_not_silently_overwritten(write_bank: Callable[..., Path]) -> None:
    data = dump_yaml(Bank.model_validate(sample_bank_data())).replace(
        "title: Sample bank", "title: A\ntitle: B"
    )
    errors = _errors(write_bank(data))
    assert any("duplicate key 'title'" in error.reason for error in errors)


def test_json_errors_point_at_the_json_line(write_bank: Callable[..., Path]) -> None:
    data = sample_bank_data()
    data["questions"][0]["rubric"][1]["weight"] = "lots"
    text = json.dumps(data, indent=2, ensure_ascii=False)
    expected_line = next(number for number, line in enumerate(text.split("\n"), 1) if '"lots"' in line)
    errors = _errors(write_bank(text, name="bank.json"))
    assert [(error.line, error.field) for error in errors] == [
        (expected_line, "questions[0].rubric[1].weight")
    ]


def test_json_syntax_error_names_the_line(write_bank: Callable[..., Path]) -> None:
    with pytest.raises(InputFileError) as caught:
        load_bank_file(write_bank('{\n  "id": "x",\n  "title": \n}\n', name="bank.json"))
    assert caught.value.line == 4


def test_non_mapping_and_unreadable_files_are_clean_errors(tmp_path: Path) -> None:
    listing = tmp_path / "list.yaml"
    listing.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(InputFileErrors):
        load_bank_file(listing)
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("id: x\ntitle: Fr\xe5ga\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8") as caught:
        load_bank_file(latin1)
    assert caught.value.line == 2
    with pytest.raises(InputFileError, match="file not found"):
        load_bank_file(tmp_path / "missing.yaml")


@pytest.mark.parametrize("dump", [dump_yaml, dump_json])
def test_native_round_trip_is_exact(dump: Callable[[Bank], str], tmp_path: Path) -> None:
    bank = Bank.model_validate(sample_bank_data())
    suffix = ".yaml" if dump is dump_yaml else ".json"
    path = tmp_path / f"round{suffix}"
    path.write_text(dump(bank), encoding="utf-8")
    assert load_bank_file(path) == bank


def test_yaml_export_keeps_multiline_text_readable() -> None:
    data = sample_bank_data()
    data["questions"][0]["reference_answer"]["en"] = "First line.\n\n```\ncode()\n```"
    text = dump_yaml(Bank.model_validate(data))
    assert "en: |-\n" in text or "en: |\n" in text


def test_schema_describes_the_bank_format() -> None:
    schema = bank_json_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) >= {"id", "title", "questions"}
    question = schema["$defs"]["Question"]
    assert question["additionalProperties"] is False
    assert "rubric" in question["properties"]
    assert set(schema["$defs"]["QuestionType"]["enum"]) == {t.value for t in QuestionType}


def test_versions_order_numerically() -> None:
    assert version_key("2") > version_key("1.9") > version_key("1.2") > version_key("1")
    assert version_key("10") > version_key("9")


# ---- catalog -------------------------------------------------------------------------------------------


@pytest.fixture
def bundled_dir(tmp_path: Path, write_bank: Callable[..., Path]) -> Path:
    folder = tmp_path / "bundled"
    write_bank(sample_bank_data("course-a"), name="bank.yaml", folder=folder / "course-a")
    (folder / "course-a" / "notes").mkdir()
    (folder / "course-a" / "notes" / "01.md").write_text("# Notes\n", encoding="utf-8")
    return folder


def test_catalog_lists_bundled_and_user_banks(
    tmp_path: Path, bundled_dir: Path, write_bank: Callable[..., Path]
) -> None:
    user_dir = tmp_path / "user"
    write_bank(sample_bank_data("mine"), name="mine.yaml", folder=user_dir)
    write_bank(json.dumps(sample_bank_data("json-bank")), name="other.json", folder=user_dir)
    catalog = BankCatalog(user_dir, bundled_dir=bundled_dir)
    assert catalog.bank_ids() == ["course-a", "json-bank", "mine"]
    summaries = {summary.id: summary for summary in catalog.summaries()}
    assert summaries["course-a"].bundled and not summaries["mine"].bundled
    assert summaries["mine"].question_count == 3
    assert catalog.notes_dir("course-a") == bundled_dir / "course-a" / "notes"
    assert catalog.notes_dir("mine") is None
    assert catalog.load("mine").id == "mine"


def test_broken_user_file_is_reported_not_fatal(
    tmp_path: Path, bundled_dir: Path, write_bank: Callable[..., Path]
) -> None:
    user_dir = tmp_path / "user"
    write_bank("id: [unclosed\n", name="broken.yaml", folder=user_dir)
    catalog = BankCatalog(user_dir, bundled_dir=bundled_dir)
    assert catalog.bank_ids() == ["course-a"]
    assert [problem.path.name for problem in catalog.problems()] == ["broken.yaml"]


def test_unknown_bank_is_a_clean_error(tmp_path: Path, bundled_dir: Path) -> None:
    with pytest.raises(TentaError, match=r"no bank with id 'nope'.*course-a"):
        BankCatalog(tmp_path / "user", bundled_dir=bundled_dir).load("nope")


def test_install_writes_yaml_and_replaces_an_earlier_import_only_when_asked(
    tmp_path: Path, bundled_dir: Path
) -> None:
    user_dir = tmp_path / "user"
    catalog = BankCatalog(user_dir, bundled_dir=bundled_dir)
    first = Bank.model_validate(sample_bank_data("mine"))
    path = catalog.install(first)
    assert path == user_dir / "mine.yaml"
    assert load_bank_file(path) == first
    updated = Bank.model_validate({**sample_bank_data("mine"), "title": "Updated"})
    with pytest.raises(TentaError, match=r"'mine' is already imported .*mine\.yaml.*--replace"):
        catalog.install(updated)
    assert load_bank_file(path) == first
    assert catalog.install(updated, replace=True) == path
    assert catalog.load("mine").title == "Updated"
    assert [p.name for p in user_dir.iterdir()] == ["mine.yaml"]  # no temporary files left behind


def test_install_refuses_to_shadow_a_bundled_bank_unless_newer(tmp_path: Path, bundled_dir: Path) -> None:
    catalog = BankCatalog(tmp_path / "user", bundled_dir=bundled_dir)
    same_version = Bank.model_validate(sample_bank_data("course-a"))
    with pytest.raises(TentaError, match="bundled bank"):
        catalog.install(same_version)
    assert not (tmp_path / "user" / "course-a.yaml").exists()
    newer = Bank.model_validate({**sample_bank_data("course-a", version="2"), "title": "Course A, 2nd ed."})
    catalog.install(newer)
    assert catalog.load("course-a").title == "Course A, 2nd ed."
    assert not catalog.is_bundled("course-a")


def test_user_folder_bank_with_notes(
    tmp_path: Path, bundled_dir: Path, write_bank: Callable[..., Path]
) -> None:
    user_dir = tmp_path / "user"
    write_bank(sample_bank_data("folder-course"), name="bank.yaml", folder=user_dir / "folder-course")
    (user_dir / "folder-course" / "notes").mkdir()
    catalog = BankCatalog(user_dir, bundled_dir=bundled_dir)
    assert catalog.notes_dir("folder-course") == user_dir / "folder-course" / "notes"


def test_real_catalog_lists_the_bundled_dl_course(tmp_path: Path) -> None:
    catalog = BankCatalog(tmp_path / "user")
    assert "dl-course" in catalog.bank_ids()
    bank = catalog.load("dl-course")
    assert len(bank.questions) >= 12
    notes = catalog.notes_dir("dl-course")
    assert notes is not None and any(notes.glob("*.md"))
    assert catalog.problems() == []


def test_bundled_course_survives_yaml_and_gift_round_trips(tmp_path: Path) -> None:
    from question_bank.formats.gift import dump_gift, import_gift

    bank = BankCatalog(None).load("dl-course")
    yaml_path = tmp_path / "dl.yaml"
    yaml_path.write_text(dump_yaml(bank), encoding="utf-8")
    assert load_bank_file(yaml_path) == bank
    gift_path = tmp_path / "dl.gift"
    gift_path.write_text(dump_gift(bank), encoding="utf-8")
    again = import_gift(gift_path)
    main = bank.languages[0]
    assert [(q.id, q.type, q.prompt_in(main)) for q in again.questions] == [
        (q.id, q.type, q.prompt_in(main)) for q in bank.questions
    ]
    assert [q.code for q in again.questions] == [q.code for q in bank.questions]
