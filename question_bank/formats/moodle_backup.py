"""A Moodle course backup's question bank: `questions.xml` (`<question_categories>`) in a .mbz or unpacked.

Teachers keep and publish whole courses as backups (a .mbz file, a gzipped tar or before Moodle 2.6 a
zip, read here without unpacking it, or its unpacked folder); their question bank is not a Moodle XML
export but the backup's own layout: each `<question_category>` names its parent category, each
`<question>` its `<qtype>` and keeps its answers in a `<plugin_qtype_…_question>` element, texts are HTML
escaped as text with a numeric format (0 auto, 1 html, 2 plain, 4 markdown) and a fraction is a share
(1.0, not 100). Rather than a second importer, `backup_as_quiz` writes the same questions as the Moodle
XML export would (categories as category pseudo-questions in the file's order, tags, hints, idnumber;
from Moodle 4.0 the latest version of each question bank entry; a field the backup writes '$@NULL@$' is
empty), so they are read and checked by formats/moodle_xml.py as any export is, each at its line in the
backup's questions.xml.

Multiple choice (also all-or-nothing multichoiceset), true/false, short answer, numerical (with its
units), matching and drag-and-drop matching (qtype_ddmatch, whose backup keeps its pairs as matching's;
one without pairs, backed up where the plugin was missing, is an error naming it), essay, drag-and-drop
into text and select missing words (each word's group read from the settings the backup keeps in its
feedback field) keep their answers; any other type keeps only its name and type, so the importer names it
as unsupported or incomplete (`random` and `description` are left out as in an export). A Cloze
(multianswer) question's gaps are stored as questions of their own, their texts put back where the Cloze's
text has {#1}, {#2} …, so it is read as the export's Cloze. Pictures are in the backup's files/ folder,
listed in files.xml beside questions.xml: those of question texts and answers are embedded as the export
embeds them, so they become the questions' media (without files.xml they are only named, "[image: name]");
a .mbz is read in one pass per lookup, and only the members named questions.xml, files.xml and
files/<2 hex>/<content hash>.
"""

from __future__ import annotations

import base64
import re
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement

from question_bank.errors import InputFileError
from question_bank.formats.common import read_text, repair_member_names, starts_like_zip
from question_bank.formats.media_files import MAX_MEDIA_FILE_BYTES, plain_media_name
from question_bank.formats.xml_source import parse_with_lines

QuestionFiles = dict[tuple[str, str], list[tuple[str, bytes]]]
"""A backup's question files by (file area, item id): each file's name and content (Moodle 1.9's
separate question picture under the area "image")."""
_Listed = list[tuple[str, str, str, str]]
"""(file area, item id, name, content hash) of each question file files.xml lists."""

_QUESTIONS = "questions.xml"
_LEGACY_BACKUP = "moodle.xml"
_FILES_LISTING = "files.xml"
_NULL = "$@NULL@$"
_CONTENT_HASH = re.compile(r"[0-9a-f]{40}")
_FORMATS = {"0": "moodle_auto_format", "1": "html", "2": "plain_text", "4": "markdown"}
_ANSWER_KINDS = ("multichoice", "multichoiceset", "truefalse", "shortanswer", "numerical")
_GAP_OPTION_TAGS = {"ddwtos": "dragbox", "gapselect": "selectoption"}
_SERIALIZED_GROUP = re.compile(r'"(?:drag|select)group";(?:s:\d+:"(\d+)"|i:(\d+));')
_MATCHING_KINDS = {"match": "matching", "ddmatch": "drag-and-drop matching"}
"""Moodle's matching and the drag-and-drop matching plugin (qtype_ddmatch), whose backups keep the pairs
alike (`matches/match`, ddmatch adding each answer's format)."""
_UNIT_SETTINGS = ("showunits", "unitsleft", "unitgradingtype", "unitpenalty")
_FEEDBACKS = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
_OPTIONS = {
    "multichoice": "multichoice",
    "truefalse": "truefalse",
    "shortanswer": "shortanswer",
    "numerical": "numerical_options/numerical_option",
    "match": "matchoptions",
    "ddmatch": "matchoptions",
    "essay": "essay",
    "ddwtos": "ddwtos",
    "gapselect": "gapselect",
    "multichoiceset": "multichoiceset",
}


def is_backup_archive(path: Path) -> bool:
    """True for a Moodle course backup file: a .mbz (a gzipped tar, or a zip before Moodle 2.6), or any
    zip, as Moodle 1.9 wrote its backups (backup-<course>-<date>.zip holding moodle.xml)."""
    return path.suffix.lower() == ".mbz" or (path.is_file() and zipfile.is_zipfile(path))


def backup_questions_text(path: Path) -> str:
    """The question bank of a backup file, as text: its questions.xml, or a Moodle 1.9 backup's
    moodle.xml."""
    members = archive_members(path, {_QUESTIONS, _LEGACY_BACKUP})
    content = members.get(_QUESTIONS, members.get(_LEGACY_BACKUP))
    if content is None:
        raise InputFileError(
            path,
            "this Moodle backup has neither questions.xml nor (Moodle 1.9) moodle.xml (a backup without "
            "its question bank?)",
        )
    return _decoded(content, path)


def backup_as_quiz(root: Element, lines: dict[Element, int], path: Path) -> Element:
    """The questions of a backup's `<question_categories>` (read from `path`: questions.xml of an unpacked
    backup, or a .mbz) as a Moodle XML `<quiz>`; `lines` gets each new question at the line of the
    backup question it comes from. The pictures of question texts and answers are embedded from the
    backup's files (files.xml and files/) as the export embeds them."""
    files = _archive_files(path) if is_backup_archive(path) else _folder_files(path.parent)
    return quiz_of_categories(root, lines, path, files)


def quiz_of_categories(root: Element, lines: dict[Element, int], path: Path, files: QuestionFiles) -> Element:
    """The questions of a `<question_categories>` as a Moodle XML `<quiz>`, with these files embedded
    (see backup_as_quiz)."""
    quiz = Element("quiz")
    categories = {category.get("id", ""): category for category in root.findall("question_category")}
    held = {category: list(_held_questions(category)) for category in categories.values()}
    gaps = {
        question.get("id", ""): question
        for questions in held.values()
        for question, _idnumber in questions
        if not _stands_alone(question)
    }
    for category, questions in held.items():
        shown = [(question, idnumber) for question, idnumber in questions if _stands_alone(question)]
        if not shown:
            continue
        _category(quiz, _category_path(category, categories))
        for question, idnumber in shown:
            _check_pairs(question, path, lines)
            lines[_question(quiz, question, idnumber, gaps, files)] = lines.get(question, 0)
    return quiz


def _check_pairs(question: Element, path: Path, lines: dict[Element, int]) -> None:
    """A matching question must bring its pairs: a backup made where the question type's plugin was not
    installed keeps the question but not them, which is said here rather than as a matching question
    without items."""
    kind = _text(question, "qtype")
    if kind not in _MATCHING_KINDS:
        return
    plugin = question.find(f"plugin_qtype_{kind}_question")
    if plugin is None or next(_matches(plugin), None) is None:
        raise InputFileError(
            path,
            f"this {_MATCHING_KINDS[kind]} question has no pairs in the backup (no "
            f"<plugin_qtype_{kind}_question><matches><match>; was the qtype_{kind} plugin installed on the "
            "site that made it?)",
            line=lines.get(question),
            field=_text(question, "name") or question.get("id", ""),
        )


def _held_questions(category: Element) -> Iterator[tuple[Element, str]]:
    """(question, idnumber) of each question the category holds: directly until Moodle 3.11, from 4.0 the
    latest version of each question bank entry (whose idnumber the entry keeps)."""
    for question in category.iterfind("questions/question"):
        yield question, _text(question, "idnumber")
    for entry in category.iterfind("question_bank_entries/question_bank_entry"):
        versions = entry.findall("question_version/question_versions")
        if versions:
            latest = max(versions, key=lambda version: _number(_text(version, "version")))
            for question in latest.iterfind("questions/question"):
                yield question, _text(entry, "idnumber") or _text(question, "idnumber")


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _listed_files(listing: str, where: Path) -> _Listed:
    """The question files a files.xml lists whose hash is a content hash: a hash is all a content path is
    made of, so nothing else is ever read."""
    root, _lines = parse_with_lines(listing, where)
    listed = []
    for file in root.iterfind("file"):
        name = plain_media_name(_text(file, "filename"))
        content_hash = _text(file, "contenthash")
        if (
            _text(file, "component") == "question"
            and name is not None
            and _CONTENT_HASH.fullmatch(content_hash)
        ):
            listed.append((_text(file, "filearea"), _text(file, "itemid"), name, content_hash))
    return listed


def _folder_files(folder: Path) -> QuestionFiles:
    """The question files of an unpacked backup (files.xml, contents in files/<2 hex>/<hash>); one without
    files.xml has none, and a file larger than tenta takes is left to be named only."""
    listing = folder / "files.xml"
    if not listing.is_file():
        return {}
    files: QuestionFiles = {}
    for area, item, name, content_hash in _listed_files(read_text(listing), listing):
        content = folder / "files" / content_hash[:2] / content_hash
        if content.is_file() and content.stat().st_size <= MAX_MEDIA_FILE_BYTES:
            files.setdefault((area, item), []).append((name, content.read_bytes()))
    return files


def _archive_files(path: Path) -> QuestionFiles:
    """The question files of a .mbz: files.xml, then the listed contents in a second pass."""
    listing = archive_members(path, {_FILES_LISTING}).get(_FILES_LISTING)
    if listing is None:
        return {}
    listed = _listed_files(_decoded(listing, path), path)
    contents = archive_members(path, {_content_member(content_hash) for *_rest, content_hash in listed})
    files: QuestionFiles = {}
    for area, item, name, content_hash in listed:
        if (content := contents.get(_content_member(content_hash))) is not None:
            files.setdefault((area, item), []).append((name, content))
    return files


def _content_member(content_hash: str) -> str:
    return f"files/{content_hash[:2]}/{content_hash}"


def archive_members(path: Path, wanted: set[str]) -> dict[str, bytes]:
    """The wanted members of a .mbz (gzipped tar, or zip), read in one pass; a member over tenta's size
    limit for a file is left out."""
    found: dict[str, bytes] = {}
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                repair_member_names(archive)  # Moodle 1.9 zipped course files under UTF-8 names, unflagged
                for info in archive.infolist():
                    name = info.filename.removeprefix("./")
                    if name in wanted and not info.is_dir() and info.file_size <= MAX_MEDIA_FILE_BYTES:
                        found[name] = archive.read(info)
            return found
        with tarfile.open(path, "r:*") as archive:
            for member in archive:
                name = member.name.removeprefix("./")
                if name in wanted and member.isfile() and member.size <= MAX_MEDIA_FILE_BYTES:
                    content = archive.extractfile(member)
                    if content is not None:
                        found[name] = content.read()
    except OSError as error:
        raise InputFileError(path, f"cannot be read: {error.strerror or error}") from None
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError):
        raise InputFileError(path, f"not a Moodle backup (.mbz): {_unreadable_archive(path)}") from None
    return found


_GZIP_MAGIC = b"\x1f\x8b"


def _unreadable_archive(path: Path) -> str:
    """Why a backup file could not be unpacked: one that begins as a gzipped tar or a zip does is damaged
    or cut short (a large course backup's download often is), anything else is no archive at all."""
    try:
        with path.open("rb") as handle:
            gzipped = handle.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC
    except OSError:
        gzipped = False
    if gzipped or starts_like_zip(path):
        return "a damaged or incomplete archive: cut short in a download or copy? Fetch it again"
    return "neither a gzipped tar nor a zip archive"


def _decoded(content: bytes, path: Path) -> str:
    try:
        return content.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise InputFileError(path, "the backup's XML is not UTF-8") from None


def _embed(element: Element, files: list[tuple[str, bytes]]) -> None:
    """The files as the export's base64 `<file>`s of the text element that shows them."""
    for name, content in files:
        embedded = SubElement(element, "file", name=name, path="/", encoding="base64")
        embedded.text = base64.b64encode(content).decode("ascii")


def _stands_alone(question: Element) -> bool:
    """False for a Cloze question's gap, which the backup keeps as a question whose parent is the Cloze."""
    return _text(question, "parent") in ("", "0", question.get("id", ""))


def _cloze_text(question: Element, gaps: dict[str, Element]) -> str:
    """A Cloze question's text with its gaps back in place: the backup writes {#1}, {#2} … for the gaps
    its `sequence` lists, each gap's own text being its {1:SHORTANSWER:…} as the teacher wrote it."""
    text = _raw(question, "questiontext")
    sequence = _text(question, "plugin_qtype_multianswer_question/multianswer/sequence")
    for number, gap_id in enumerate(filter(None, sequence.split(",")), start=1):
        if (gap := gaps.get(gap_id.strip())) is not None:
            text = text.replace(f"{{#{number}}}", _raw(gap, "questiontext"))
    return text


def _raw(element: Element, path: str) -> str:
    """The text at `path`; a backup writes a field that is NULL in Moodle's database as '$@NULL@$'."""
    text = element.findtext(path) or ""
    return "" if text == _NULL else text


def _text(element: Element, path: str) -> str:
    return _raw(element, path).strip()


def _category_path(category: Element, categories: dict[str, Element]) -> str:
    """'$course$/Parent/Child': names up the parent chain the file holds (Moodle's 'top' left out), a '/'
    inside a name written '//' as Moodle writes it."""
    names: list[str] = []
    seen: set[str] = set()
    current: Element | None = category
    while current is not None and current.get("id", "") not in seen:
        seen.add(current.get("id", ""))
        if _text(current, "name") != "top":
            names.append(_text(current, "name").replace("/", "//"))
        current = categories.get(_text(current, "parent"))
    return "/".join(["$course$", *reversed(names)])


def _category(quiz: Element, path: str) -> None:
    element = SubElement(quiz, "question", type="category")
    SubElement(SubElement(element, "category"), "text").text = path


def _formatted(parent: Element, tag: str, text: str, text_format: str) -> Element:
    element = SubElement(parent, tag, format=_FORMATS.get(text_format, "html"))
    SubElement(element, "text").text = text
    return element


def _copied(parent: Element, tag: str, source: Element, name: str) -> Element:
    """The backup's text `name` (with its `{name}format`) as the export's `tag`."""
    return _formatted(parent, tag, _raw(source, name), _text(source, f"{name}format"))


def _question(
    quiz: Element, source: Element, idnumber: str, gaps: dict[str, Element], files: QuestionFiles
) -> Element:
    kind = _text(source, "qtype")
    element = SubElement(quiz, "question", type="matching" if kind == "match" else kind)
    SubElement(SubElement(element, "name"), "text").text = _text(source, "name")
    if kind == "multianswer":
        text = _formatted(
            element, "questiontext", _cloze_text(source, gaps), _text(source, "questiontextformat")
        )
    else:
        text = _copied(element, "questiontext", source, "questiontext")
    _embed(text, files.get(("questiontext", source.get("id", "")), []))
    if image := _text(source, "image"):
        _legacy_image(element, image, files.get(("image", source.get("id", "")), []))
    _copied(element, "generalfeedback", source, "generalfeedback")
    SubElement(element, "defaultgrade").text = _text(source, "defaultmark") or "1"
    if idnumber:
        SubElement(element, "idnumber").text = idnumber
    plugin = source.find(f"plugin_qtype_{kind}_question")
    if plugin is not None:
        _plugin_data(element, kind, plugin, files)
    for hint in source.iterfind("question_hints/question_hint"):
        _copied(element, "hint", hint, "hint")
    tags = [_text(tag, "rawname") or _text(tag, "name") for tag in source.iterfind("tags/tag")]
    if any(tags):
        holder = SubElement(element, "tags")
        for tag in filter(None, tags):
            SubElement(SubElement(holder, "tag"), "text").text = tag
    return element


def _legacy_image(element: Element, image: str, files: list[tuple[str, bytes]]) -> None:
    """Moodle 1.9's question picture (a course file or a web address) as its XML export wrote it: the
    `<image>` path and, when the backup holds the file, its `<image_base64>` content."""
    SubElement(element, "image").text = image
    for _name, content in files[:1]:
        SubElement(element, "image_base64").text = base64.b64encode(content).decode("ascii")


def _plugin_data(element: Element, kind: str, plugin: Element, files: QuestionFiles) -> None:
    """The answers and options of a question type, as the export writes them."""
    options = plugin.find(_OPTIONS[kind]) if kind in _OPTIONS else None
    if options is not None:
        if kind == "multichoice":
            SubElement(element, "single").text = "true" if _text(options, "single") == "1" else "false"
        if kind == "shortanswer":
            SubElement(element, "usecase").text = _text(options, "usecase") or "0"
        if kind == "numerical":
            for setting in _UNIT_SETTINGS:
                if value := _text(options, setting):
                    SubElement(element, setting).text = value
        for feedback in _FEEDBACKS:
            if options.find(feedback) is not None:
                _copied(element, feedback, options, feedback)
    if kind in _ANSWER_KINDS:
        tolerances = {
            _text(record, "answer"): _text(record, "tolerance")
            for record in plugin.iterfind("numerical_records/numerical_record")
        }
        truth = (
            {_text(options, "trueanswer"): "true", _text(options, "falseanswer"): "false"}
            if (kind == "truefalse" and options is not None)
            else {}
        )
        for answer in plugin.iterfind("answers/answer"):
            identifier = answer.get("id", "")
            written = _answer(element, answer, truth.get(identifier), tolerances.get(identifier, ""))
            _embed(written, files.get(("answer", identifier), []))
    if kind == "numerical" and (units := plugin.findall("numerical_units/numerical_unit")):
        written = SubElement(element, "units")
        for unit in units:
            holder = SubElement(written, "unit")
            SubElement(holder, "multiplier").text = _text(unit, "multiplier")
            SubElement(holder, "unit_name").text = _text(unit, "unit")
    if kind in _GAP_OPTION_TAGS:
        for answer in plugin.iterfind("answers/answer"):
            option = SubElement(element, _GAP_OPTION_TAGS[kind])
            SubElement(option, "text").text = _raw(answer, "answertext")
            SubElement(option, "group").text = _group(_raw(answer, "feedback"))
    if kind in _MATCHING_KINDS:
        _pairs(element, plugin)
    if kind == "essay" and options is not None:
        _copied(element, "graderinfo", options, "graderinfo")


def _pairs(element: Element, plugin: Element) -> None:
    """A matching question's pairs as the export's `<subquestion>`s, a drag-and-drop matching answer with
    the format the backup gives it (its export writes one too)."""
    for match in _matches(plugin):
        subquestion = _copied(element, "subquestion", match, "questiontext")
        answer = SubElement(subquestion, "answer")
        if answer_format := _text(match, "answertextformat"):
            answer.set("format", _FORMATS.get(answer_format, "html"))
        SubElement(answer, "text").text = _raw(match, "answertext")


def _group(settings: str) -> str:
    """A drag-and-drop or drop-down word's group, which the backup keeps in the answer's feedback field:
    select missing words the number itself ('2'), drag and drop into text PHP-serialized
    (`s:9:"draggroup";s:1:"2";`); 1 when it says none."""
    if settings.strip().isdigit():
        return settings.strip()
    found = _SERIALIZED_GROUP.search(settings)
    return (found.group(1) or found.group(2)) if found else "1"


def _answer(element: Element, answer: Element, truth: str | None, tolerance: str) -> Element:
    """An answer as the export writes it: its fraction in per cent, a true/false answer as 'true' or
    'false' (the backup keeps the label the teacher saw, 'Vrai'), a numerical one with its tolerance."""
    text = truth or _raw(answer, "answertext")
    written = _formatted(element, "answer", text, _text(answer, "answerformat"))
    written.set("fraction", _percent(_text(answer, "fraction") or "0"))
    if tolerance:
        SubElement(written, "tolerance").text = tolerance
    _copied(written, "feedback", answer, "feedback")
    return written


def _percent(share: str) -> str:
    """A backup's share (0.5) as the export's per cent ('50'); a value that is no number is passed on
    as written, for the importer to name at the question."""
    try:
        return f"{float(share) * 100:g}"
    except ValueError:
        return share


def _matches(plugin: Element) -> Iterator[Element]:
    """A matching question's pairs: `matches/match` since Moodle 3.0, `match_subquestions` before."""
    yield from plugin.iterfind("matches/match")
    yield from plugin.iterfind("match_subquestions/match_subquestion")
