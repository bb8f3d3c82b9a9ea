"""tenta's native bank format: one YAML (or JSON) file per bank, validated with line-precise errors.

Both parsers also build a `SourceNode` tree recording the line of every mapping key and list item, so a
pydantic error path like questions[3].rubric[1].weight is reported at the line a teacher must edit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json import decoder as json_decoder
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from question_bank.errors import InputFileError
from question_bank.formats.common import (
    ImportProblems,
    field_path,
    friendly_message,
    meaningful_errors,
    read_text,
)
from question_bank.models import Bank, QuestionType

_scanstring: Any = json_decoder.scanstring  # type: ignore[attr-defined]
_QUESTION_INDEX = re.compile(r"^questions\[(\d+)\]")
_JSON_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|NaN|-?Infinity")


@dataclass
class SourceNode:
    """Where a parsed value came from: its line, and the lines of its keys or items."""

    line: int
    keys: dict[str, tuple[int, SourceNode]] = field(default_factory=dict)
    items: list[SourceNode] = field(default_factory=list)

    def locate(self, loc: tuple[Any, ...] | list[Any]) -> int:
        """The line of the deepest node on `loc` that exists (a missing key points at its parent)."""
        node, line = self, self.line
        for part in loc:
            if isinstance(part, int) and 0 <= part < len(node.items):
                node = node.items[part]
                line = node.line
            elif isinstance(part, str) and part in node.keys:
                line, node = node.keys[part]
            else:
                break
        return line


def _yaml_tree(node: yaml.Node, problems: ImportProblems) -> SourceNode:
    tree = SourceNode(line=node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            key_line = key_node.start_mark.line + 1
            if key in tree.keys:
                problems.add(f"duplicate key {key!r} (first at line {tree.keys[key][0]})", line=key_line)
            tree.keys[key] = (key_line, _yaml_tree(value_node, problems))
    elif isinstance(node, yaml.SequenceNode):
        tree.items = [_yaml_tree(item, problems) for item in node.value]
    return tree


def parse_yaml(text: str, path: Path, problems: ImportProblems) -> tuple[Any, SourceNode]:
    """safe_load semantics plus a line map; syntax errors become InputFileError with the line."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as error:
        bad_line = text.count("\n", 0, error.position) + 1
        raise InputFileError(
            path, f"invalid YAML: character #x{error.character:04x} is not allowed", line=bad_line
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputFileError(path, "file is empty")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "invalid YAML"
        raise InputFileError(path, f"invalid YAML: {reason}", line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise InputFileError(path, f"invalid YAML: {error}") from None
    except (ValueError, OverflowError) as error:
        raise InputFileError(path, f"invalid value: {error}") from None
    except RecursionError:
        raise InputFileError(path, "nested too deeply") from None
    finally:
        loader.dispose()
    return data, _yaml_tree(node, problems)


class _JsonLines:
    """A minimal scanner over already-valid JSON that records the line of each key and item."""

    def __init__(self, text: str, problems: ImportProblems) -> None:
        self.text = text
        self.problems = problems

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def skip(self, offset: int) -> int:
        while offset < len(self.text) and self.text[offset] in " \t\n\r":
            offset += 1
        return offset

    def value(self, offset: int) -> tuple[SourceNode, int]:
        offset = self.skip(offset)
        node = SourceNode(line=self.line(offset))
        char = self.text[offset]
        if char == "{":
            offset = self.skip(offset + 1)
            while self.text[offset] != "}":
                key, end = _scanstring(self.text, offset + 1)
                key_line = self.line(offset)
                if key in node.keys:
                    self.problems.add(
                        f"duplicate key {key!r} (first at line {node.keys[key][0]})", line=key_line
                    )
                child, offset = self.value(self.skip(end) + 1)
                node.keys[key] = (key_line, child)
                offset = self.skip(offset)
                if self.text[offset] == ",":
                    offset = self.skip(offset + 1)
            return node, offset + 1
        if char == "[":
            offset = self.skip(offset + 1)
            while self.text[offset] != "]":
                child, offset = self.value(offset)
                node.items.append(child)
                offset = self.skip(offset)
                if self.text[offset] == ",":
                    offset = self.skip(offset + 1)
            return node, offset + 1
        if char == '"':
            return node, _scanstring(self.text, offset + 1)[1]
        match = _JSON_SCALAR.match(self.text, offset)
        return node, match.end() if match else len(self.text)


def parse_json(text: str, path: Path, problems: ImportProblems) -> tuple[Any, SourceNode]:
    """json.loads semantics plus a line map; syntax errors become InputFileError with the line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFileError(path, f"invalid JSON: {error.msg}", line=error.lineno) from None
    except (ValueError, RecursionError) as error:
        raise InputFileError(path, f"invalid JSON: {error}") from None
    try:
        tree, _ = _JsonLines(text, problems).value(0)
    except (IndexError, ValueError, RecursionError):
        tree = SourceNode(line=1)
    return data, tree


def _check_structure(
    data: dict[str, Any], tree: SourceNode, problems: ImportProblems
) -> set[tuple[int, str]]:
    """Problems pydantic reports poorly or late: duplicates and free text without a reference answer."""
    reported: set[tuple[int, str]] = set()
    questions = data.get("questions")
    if not isinstance(questions, list):
        return reported
    seen_ids: dict[str, int] = {}
    seen_numbers: dict[int, int] = {}
    for index, question in enumerate(questions):
        if not isinstance(question, dict):
            continue
        where = f"questions[{index}]"
        question_id, number = question.get("id"), question.get("number")
        if isinstance(question_id, str):
            line = tree.locate(("questions", index, "id"))
            if question_id in seen_ids:
                problems.add(
                    f"duplicate question id {question_id!r} (first at line {seen_ids[question_id]})",
                    line=line,
                    field=f"{where}.id",
                )
            seen_ids.setdefault(question_id, line)
        if isinstance(number, int) and not isinstance(number, bool):
            line = tree.locate(("questions", index, "number"))
            if number in seen_numbers:
                problems.add(
                    f"duplicate question number {number} (first at line {seen_numbers[number]})",
                    line=line,
                    field=f"{where}.number",
                )
            seen_numbers.setdefault(number, line)
        is_free_text = question.get("type", QuestionType.FREE_TEXT.value) == QuestionType.FREE_TEXT.value
        reference = question.get("reference_answer")
        if is_free_text and not (isinstance(reference, dict) and reference):
            line = tree.locate(("questions", index, "reference_answer"))
            problems.add(
                "free-text question needs a reference answer", line=line, field=f"{where}.reference_answer"
            )
            reported.add((tree.locate(("questions", index)), where))
        rubric = question.get("rubric")
        if isinstance(rubric, list) and _duplicate_ids(
            rubric,
            ("questions", index, "rubric"),
            f"{where}.rubric",
            kind="rubric point",
            tree=tree,
            problems=problems,
        ):
            reported.add((tree.locate(("questions", index)), where))
        if _misconception_problems(question, index, tree, problems):
            reported.add((tree.locate(("questions", index)), where))
    return reported


def _misconception_problems(
    question: dict[str, Any], index: int, tree: SourceNode, problems: ImportProblems
) -> bool:
    """Misconceptions on a question that is not free text, a penalty above the question's points and
    duplicate ids, each at the line to edit (pydantic would name only the question). True when any."""
    misconceptions = question.get("misconceptions")
    if not isinstance(misconceptions, list) or not misconceptions:
        return False
    where = f"questions[{index}].misconceptions"
    kind = question.get("type", QuestionType.FREE_TEXT.value)
    if kind != QuestionType.FREE_TEXT.value:
        problems.add(
            f"misconceptions apply to free_text questions only, not {kind}",
            line=tree.locate(("questions", index, "misconceptions")),
            field=where,
        )
        return True
    found = False
    max_points = question.get("max_points", 1.0)
    for item_index, item in enumerate(misconceptions):
        penalty = item.get("penalty") if isinstance(item, dict) else None
        if _is_number(penalty) and _is_number(max_points) and penalty > max_points:
            problems.add(
                f"penalty {penalty:g} is more than the question's max_points {max_points:g}",
                line=tree.locate(("questions", index, "misconceptions", item_index, "penalty")),
                field=f"{where}[{item_index}].penalty",
            )
            found = True
    path = ("questions", index, "misconceptions")
    return (
        _duplicate_ids(misconceptions, path, where, kind="misconception", tree=tree, problems=problems)
        or found
    )


def _duplicate_ids(
    items: list[Any],
    path: tuple[str | int, ...],
    where: str,
    *,
    kind: str,
    tree: SourceNode,
    problems: ImportProblems,
) -> bool:
    """Each item whose id an earlier item of the list already has, at its line, naming the first's line
    (rubric points, misconceptions). True when any."""
    seen: dict[str, int] = {}
    found = False
    for item_index, item in enumerate(items):
        item_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(item_id, str):
            continue
        line = tree.locate((*path, item_index, "id"))
        if item_id in seen:
            problems.add(
                f"duplicate {kind} id {item_id!r} (first at line {seen[item_id]})",
                line=line,
                field=f"{where}[{item_index}].id",
            )
            found = True
        seen.setdefault(item_id, line)
    return found


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_native(data: Any, tree: SourceNode, path: Path, problems: ImportProblems) -> Bank:
    """A Bank from parsed data, or InputFileErrors listing every problem with its line and field."""
    if not isinstance(data, dict):
        problems.add("expected a mapping with id, title and questions at the top level", line=tree.line)
        problems.raise_if_any()
    reported = _check_structure(data, tree, problems)
    try:
        bank = Bank.model_validate(data)
    except ValidationError as error:
        found_before = bool(problems.errors)
        for item in meaningful_errors(error):
            loc = tuple(item["loc"])
            message = friendly_message(item)
            if not loc:
                if found_before:
                    continue  # the bank-wide check repeats a duplicate already reported with its line
                index = _QUESTION_INDEX.match(message)
                loc = ("questions", int(index.group(1))) if index else loc
            line = tree.locate(loc)
            where = field_path(loc)
            if (line, where) in reported:
                continue
            reported.add((line, where))
            problems.add(message, line=line, field=where or None)
        problems.raise_if_any()
        raise  # pragma: no cover - raise_if_any always raises after a ValidationError
    problems.raise_if_any()
    return bank


def read_native(path: Path) -> Bank:
    """Load a bank written in the native YAML or JSON format (JSON when it starts with '{')."""
    text = read_text(path)
    problems = ImportProblems(path)
    is_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() not in (".yaml", ".yml") and text.lstrip().startswith("{")
    )
    data, tree = parse_json(text, path, problems) if is_json else parse_yaml(text, path, problems)
    return validate_native(data, tree, path, problems)


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings as `|` blocks so reference answers and code stay readable in the file."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def bank_to_data(bank: Bank) -> dict[str, Any]:
    """The bank as plain data, defaults left out so files stay short."""
    data = bank.model_dump(mode="json", exclude_defaults=True)
    data.setdefault("languages", list(bank.languages))
    return data


def dump_yaml(bank: Bank) -> str:
    """The native YAML text of a bank (round-trips through read_native to an equal Bank)."""
    header = "# tenta question bank — schema: `tenta bank schema`\n"
    body = yaml.dump(bank_to_data(bank), Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100)
    return header + body


def dump_json(bank: Bank) -> str:
    """The native JSON text of a bank."""
    return json.dumps(bank_to_data(bank), ensure_ascii=False, indent=2) + "\n"
