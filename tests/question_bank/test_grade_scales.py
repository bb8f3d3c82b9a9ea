"""Grade scales: presets, the text form, validation with file/line/field, boundaries and a bank round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileErrors, TentaError
from question_bank.formats.yaml_json import dump_json, dump_yaml
from question_bank.grade_scales import (
    PRESETS,
    GradeBoundary,
    describe_scale,
    final_grade,
    parse_grade_scale,
    scale_option,
)
from question_bank.loader import load_bank_file
from question_bank.models import Bank

BANK_HEAD = """\
id: graded
title: Graded exam
questions:
  - id: q1
    type: true_false
    prompt: {en: "Is the sky blue?"}
    choices:
      - {text: "true", fraction: 1}
      - {text: "false", fraction: 0}
"""


def scale(*pairs: tuple[str, float]) -> tuple[GradeBoundary, ...]:
    return tuple(GradeBoundary(grade=grade, min_percent=percent) for grade, percent in pairs)


def write_bank(tmp_path: Path, grade_scale: str, suffix: str = ".yaml") -> Path:
    path = tmp_path / f"bank{suffix}"
    path.write_text(BANK_HEAD + grade_scale, encoding="utf-8")
    return path


def test_presets_cover_swedish_ects_and_moodle_scales_and_are_valid() -> None:
    assert [b.grade for b in parse_grade_scale("ug-vg")] == ["U", "G", "VG"]
    assert [b.grade for b in parse_grade_scale("U345")] == ["U", "3", "4", "5"]
    assert [b.grade for b in parse_grade_scale("ects")] == ["F", "E", "D", "C", "B", "A"]
    assert [b.grade for b in parse_grade_scale("pass-fail")] == ["Fail", "Pass"]
    for preset in PRESETS.values():
        assert preset[0].min_percent == 0
        assert [b.min_percent for b in preset] == sorted({b.min_percent for b in preset})


def test_text_form_takes_shares_and_points_with_spaces_and_decimals() -> None:
    assert parse_grade_scale(" U:0 , G: 50 %, VG:75%") == scale(("U", 0), ("G", 50), ("VG", 75))
    assert parse_grade_scale("U:0;G:24p;VG:36 points", max_points=48) == scale(
        ("U", 0), ("G", 50), ("VG", 75)
    )
    assert parse_grade_scale("U:0,G:50.5%", max_points=None) == scale(("U", 0), ("G", 50.5))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("ugvg", "unknown grade scale preset 'ugvg'"),
        ("U:0,G:50", "piece 'G:50': say whether 50 is a share or points, e.g. G:50%"),
        ("U:0,G:fifty%", "piece 'G:fifty%': 'fifty' is not a number"),
        ("U:0,G50%", "piece 'G50%': write GRADE:THRESHOLD"),
        ("U:0,:50%", "piece ':50%'"),
        ("U:0,G:120%", "piece 'G:120%': a share cannot exceed 100%"),
        ("U:0,G:24p", "piece 'G:24p': a threshold in points needs the exam's total"),
        ("U:10%,G:50%", "the lowest grade 'U' must start at 0%"),
        ("U:0,VG:75%,G:50%", "'G' at 50% is not above 'VG' at 75%"),
        ("U:0,G:50%,G:50%", "'G' at 50% is not above 'G' at 50%"),
        ("U:0,G:50%,g:60%", "grade 'g' appears twice"),
        ("", "empty grade scale"),
    ],
)
def test_bad_text_names_the_bad_piece(text: str, named: str) -> None:
    with pytest.raises(ValueError, match=None) as error:
        parse_grade_scale(text)
    assert named in str(error.value)


def test_the_cli_option_error_is_one_line_naming_the_option() -> None:
    with pytest.raises(TentaError) as error:
        scale_option("U:0,G:60p", max_points=48)
    assert str(error.value) == (
        "--grade-scale: grade scale piece 'G:60p': 60 points is more than the exam's total of 48"
    )
    assert scale_option(None) is None


def test_a_total_exactly_on_a_boundary_earns_that_grade() -> None:
    ug_vg = PRESETS["ug-vg"]
    assert final_grade(24, 48, ug_vg) == "G"
    assert final_grade(36, 48, ug_vg) == "VG"
    assert final_grade(23.99, 48, ug_vg) == "U"
    assert final_grade(0, 48, ug_vg) == "U"
    assert final_grade(48, 48, ug_vg) == "VG"
    thirds = parse_grade_scale("U:0,G:7p", max_points=21)  # 33.333...% of 21 is 7 up to float noise
    assert final_grade(7, 21, thirds) == "G"


def test_the_grade_follows_the_total_as_shown_with_two_decimals() -> None:
    ug_vg = PRESETS["ug-vg"]
    assert final_grade(23.9996, 48, ug_vg) == "G"  # 49.999 % is shown as 24 of 48: G, as the student reads it
    assert final_grade(23.994, 48, ug_vg) == "U"  # shown as 23.99
    assert final_grade(2.4949, 5, ug_vg) == "U"
    assert final_grade(2.495, 5, ug_vg) == "G"


def test_no_scale_or_no_points_gives_no_grade() -> None:
    assert final_grade(3, 5, ()) is None
    assert final_grade(0, 0, PRESETS["u-g"]) is None


def test_describe_scale_shows_shares_and_points() -> None:
    assert describe_scale(PRESETS["ug-vg"], 48) == "U 0% · G 50% (24 p) · VG 75% (36 p)"
    assert describe_scale(scale(("U", 0), ("G", 100 / 3))) == "U 0% · G 33.33%"


def test_bank_yaml_and_json_round_trip_the_scale(tmp_path: Path) -> None:
    bank = load_bank_file(
        write_bank(
            tmp_path, "grade_scale:\n  - {grade: U, min_percent: 0}\n  - {grade: G, min_percent: 55}\n"
        )
    )
    assert bank.grade_scale == scale(("U", 0), ("G", 55))
    for dump, suffix in ((dump_yaml, ".yaml"), (dump_json, ".json")):
        path = tmp_path / f"again{suffix}"
        path.write_text(dump(bank), encoding="utf-8")
        assert load_bank_file(path) == bank


def test_a_bank_may_name_a_preset_or_use_the_text_form(tmp_path: Path) -> None:
    assert load_bank_file(write_bank(tmp_path, "grade_scale: ug-vg\n")).grade_scale == PRESETS["ug-vg"]
    text_form = load_bank_file(write_bank(tmp_path, "grade_scale: 'U:0, 3:40%, 4:60%, 5:80%'\n"))
    assert [b.min_percent for b in text_form.grade_scale] == [0, 40, 60, 80]


def test_banks_without_a_scale_stay_valid_and_dump_without_it() -> None:
    bank = Bank.model_validate(
        {
            "id": "plain",
            "title": "Plain",
            "questions": [
                {
                    "id": "q",
                    "type": "true_false",
                    "prompt": {"en": "?"},
                    "choices": [{"text": "t", "fraction": 1}],
                }
            ],
        }
    )
    assert bank.grade_scale == ()
    assert "grade_scale" not in dump_yaml(bank)


@pytest.mark.parametrize(
    ("grade_scale", "where", "reason"),
    [
        (
            "grade_scale:\n  - {grade: U, min_percent: 0}\n  - {grade: G, min_percent: 50}\n"
            "  - {grade: VG, min_percent: 40}\n",
            ":10: grade_scale:",
            "'VG' at 40% is not above 'G' at 50%",
        ),
        (
            "grade_scale:\n  - {grade: U, min_percent: 0}\n  - {grade: G, min_percent: 150}\n",
            ":12: grade_scale[1].min_percent:",
            "less than or equal to 100",
        ),
        (
            "grade_scale:\n  - {grade: U, min_percent: 0}\n  - {grade: '', min_percent: 50}\n",
            ":12: grade_scale[1].grade:",
            "must not be empty",
        ),
        ("grade_scale: ug_vg\n", ":10: grade_scale:", "unknown grade scale preset 'ug_vg'"),
        ("grade_scale:\n  - {grade: G, min_percent: 50}\n", ":10: grade_scale:", "must start at 0%"),
    ],
)
def test_a_bad_scale_in_a_bank_file_is_reported_with_line_and_field(
    tmp_path: Path, grade_scale: str, where: str, reason: str
) -> None:
    path = write_bank(tmp_path, grade_scale)
    with pytest.raises(InputFileErrors) as error:
        load_bank_file(path)
    message = str(error.value)
    assert message.startswith(f"{path}{where}")
    assert reason in message
