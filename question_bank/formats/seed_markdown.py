"""Exams written as Markdown or plain text: numbered questions, each followed by its reference answer.

Which numbered lines are questions? Answers themselves contain numbered steps ("1. **Training Dataset:**",
"### 1. Determining the Number of Columns:"), so a numbered line is only a candidate. The importer picks
the chain of candidates whose numbers rise by exactly one (or that are all "1.", as Markdown lets a list
be written; such questions are numbered 1, 2, 3 as Markdown shows them) and that holds the most
question-like prompts (a '?', or a sentence opening with an interrogative or an instruction such as
Förklara/Beskriv/Explain);
ties go to the longer chain, then to prompts in the exam's dominant language. Bare labels ending in ':'
and bold list labels are never questions.

Answers written by a chatbot are cleaned: <think> reasoning (closed or not) and first-person narration
("Alright, let's break down…", "First, I'll start by…") are dropped, as is filler about "the document";
code blocks are kept; code split out of sentences by PDF extraction is put back inline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from question_bank.formats.common import (
    ImportProblems,
    QuestionDraft,
    bank_languages,
    build_bank,
    read_text,
    slugify,
    title_from_path,
)
from question_bank.keypoints import propose_key_points, split_sentences
from question_bank.language import detect_bank_languages, detect_language
from question_bank.models import Bank

_CANDIDATE = re.compile(
    r"^\s{0,3}(?P<hashes>#{1,6}\s+)?(?:\*\*)?"
    r"(?:(?P<prefix>(?:fråga|uppgift|question|problem|exercise|övning)\s*)(?P<named>\d{1,3})\b\s*[.):]?"
    r"|(?:q\s*)?(?P<number>\d{1,3})\s*[.):](?!\d))"
    r"\s*(?:\*\*)?\s*(?P<text>.*)$",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^\s*(```|~~~)\s*([\w+#.-]*)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S")
_NUMBERED_ITEM = re.compile(r"^\s*\d{1,3}[.)]\s+\S")
_QUESTION_WORDS = (
    "vad|hur|varför|vilken|vilka|vilket|vem|vems|var|när|kan|finns|är|ge|förklara|beskriv|skriv|ange|"
    "redogör|diskutera|jämför|nämn|definiera|visa|beräkna|motivera|rita|välj|lista|analysera|identifiera|"
    "resonera|utveckla|sammanfatta|ranka|what|how|why|which|who|whom|whose|where|when|is|are|does|do|can|"
    "could|would|should|explain|describe|write|state|discuss|compare|contrast|give|name|define|show|"
    "calculate|compute|justify|draw|choose|list|analyse|analyze|identify|outline|summari[sz]e|derive|prove|"
    "evaluate|suggest|determine|estimate|find|provide|implement|sketch|classify|predict"
)
_QUESTION_START = re.compile(rf"(?:^|[.!?:;]\s+)[\"'“”*(_]*(?:{_QUESTION_WORDS})\b", re.IGNORECASE)
_POINTS = re.compile(
    r"\s*[(\[]\s*(\d+(?:[.,]\d+)?)\s*(?:p|p\.|poäng|points?|pts?|marks?|credits?)\s*[)\]]\s*", re.IGNORECASE
)
_CODE_REFERENCE = re.compile(
    r"nedanstående kod|följande kod|koden nedan|kod(?:en)? nedan|(?:the )?(?:following|below|given) code|"
    r"code below|code snippet below|this code",
    re.IGNORECASE,
)
_REASONING = re.compile(
    r"\b(?:let's|let me|let us|I'll|I will|I need to|I should|I must|I think|I'm|I am going|I can see|"
    r"I see|I recall|I remember|the user (?:asks|asked|wants|is asking)|låt oss|låt mig|jag (?:ska|måste|"
    r"behöver|tänker|börjar))\b|^(?:alright|okay|ok|hmm+|wait)\b",
    re.IGNORECASE,
)
_SOURCE_SUBJECT = (
    r"(?:the|this|these|provided|given)\s+(?:provided\s+|given\s+)?(?:documents?|context|texts?|sources?|"
    r"materials?|passages?|excerpts?|literature|notes)"
)
_FILLER = re.compile(
    rf"^{_SOURCE_SUBJECT}\s+(?:\w+ly\s+)?(?:mentions?|provides?|emphasi[sz]es?|highlights?|states?|notes?|"
    r"discuss(?:es)?|does not|doesn't|do not|don't|describes?|suggests?|explains?|says|indicates?|"
    r"focus(?:es)?|covers?|contains?|refers?|talks?|offers?|outlines?|presents?|lacks?)\b"
    r"|^(?:dokumentet|texten|källan|materialet)\s+(?:nämner|beskriver|tar upp|säger|innehåller|förklarar)\b"
    rf"|\b{_SOURCE_SUBJECT}\s+(?:does not|doesn't|do not|don't)\b",
    re.IGNORECASE,
)
_SOURCE_PREFIX = re.compile(
    rf"^(?:according to|based on|as (?:mentioned|stated|described|noted) in|from)\s+{_SOURCE_SUBJECT},?\s*"
    r"|^(?:enligt|baserat på)\s+(?:dokumentet|texten|källan|materialet),?\s*",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?:)\]*\"”]\s*$")
_CONTINUATION = re.compile(r"^\s*[,.;:)]")
_LOWER_START = re.compile(r"^\s*[`a-zåäö]")
_STATEMENT_CODE = re.compile(
    r"=|\.\w+\(|^\s*(?:import|from|def|class|for|if|while|return|print)\b", re.MULTILINE
)


@dataclass(frozen=True)
class _Candidate:
    index: int
    number: int
    prompt: str
    prompt_end: int
    question_like: bool
    language: str
    isolation: int
    in_numbered_list: bool = False
    """The nearest line before or after is another numbered line ('1. Compute …' among an answer's steps)."""


@dataclass
class _Block:
    """A fenced code block or a prose paragraph of an answer."""

    text: str
    is_code: bool = False
    info: str = ""


def _fenced_lines(lines: list[str]) -> list[bool]:
    inside = False
    flags = []
    for line in lines:
        if _FENCE.match(line):
            flags.append(True)
            inside = not inside
        else:
            flags.append(inside)
    return flags


def is_question_like(prompt: str) -> bool:
    """A '?' or a sentence that opens with an interrogative or an instruction (Swedish or English)."""
    return "?" in prompt or bool(_QUESTION_START.search(prompt))


def _prompt_extent(
    lines: list[str], fenced: list[bool], index: int, first: str, is_heading: bool
) -> tuple[str, int]:
    """The prompt text and the index of its last line; plain prompts continue over wrapped lines."""
    parts = [first.strip()] if first.strip() else []
    end = index
    cursor = index + 1
    if not parts:  # "## Fråga 3" with the prompt in the next paragraph
        while cursor < len(lines) and not lines[cursor].strip():
            cursor += 1
    while cursor < len(lines) and not fenced[cursor]:
        line = lines[cursor]
        if not line.strip() or _CANDIDATE.match(line) or line.lstrip().startswith("#"):
            break
        if parts and (is_heading or _TERMINAL.search(parts[-1])):
            break
        parts.append(line.strip())
        end = cursor
        cursor += 1
    return " ".join(parts), end


def _list_neighbours(lines: list[str], first: int, last: int, item: re.Pattern[str] = _LIST_ITEM) -> int:
    """How many of the nearest non-blank lines around a candidate are list items (0-2), or items of the
    kind `item` matches."""
    count = 0
    for step, start in ((-1, first - 1), (1, last + 1)):
        cursor = start
        while 0 <= cursor < len(lines) and not lines[cursor].strip():
            cursor += step
        if 0 <= cursor < len(lines) and item.match(lines[cursor]):
            count += 1
    return count


def _candidates(lines: list[str], fenced: list[bool]) -> list[_Candidate]:
    found = []
    for index, line in enumerate(lines):
        if fenced[index]:
            continue
        match = _CANDIDATE.match(line)
        if not match:
            continue
        text = match.group("text")
        if not text.strip() and not (match.group("hashes") or match.group("prefix")):
            continue
        prompt, end = _prompt_extent(lines, fenced, index, text, bool(match.group("hashes")))
        prompt = re.sub(r"^\*\*(.*)\*\*$", r"\1", prompt.strip()).strip()
        if prompt.count("**") % 2:  # "**1. What is X?**": the opening ** was before the number
            prompt = re.sub(r"^\*\*|\*\*$", "", prompt, count=1).strip()
        question_like = is_question_like(prompt)
        label_like = prompt.endswith(":") or prompt.startswith("**") or not prompt
        if label_like and not question_like:
            continue
        found.append(
            _Candidate(
                index=index,
                number=int(match.group("number") or match.group("named")),
                prompt=prompt,
                prompt_end=end,
                question_like=question_like,
                language=detect_language([prompt], default="en"),
                isolation=2 - _list_neighbours(lines, index, end),
                in_numbered_list=_list_neighbours(lines, index, end, _NUMBERED_ITEM) > 0,
            )
        )
    return found


def _best_chain(candidates: list[_Candidate]) -> list[_Candidate]:
    """The consecutive-number chain with most question-like prompts, then most members, then fewest
    list-item neighbours (steps of an answer sit among siblings), then prompts in the dominant language."""
    if not candidates:
        return []
    main_language = detect_language((c.prompt for c in candidates if c.question_like), default="en")
    scores: list[tuple[int, ...]] = []
    previous: list[int | None] = []
    all_ones: list[bool] = []
    lazy: list[bool] = []
    positions_by_number: dict[int, list[int]] = {}
    for position, candidate in enumerate(candidates):
        own: tuple[int, ...] = (
            int(candidate.question_like),
            1,
            candidate.isolation,
            int(candidate.language == main_language),
        )
        best, link = own, None
        for earlier in _links(candidates, positions_by_number, (all_ones, lazy), candidate):
            total = tuple(a + b for a, b in zip(scores[earlier], own, strict=True))
            if total > best:
                best, link = total, earlier
        scores.append(best)
        previous.append(link)
        all_ones.append(candidate.number == 1 and (link is None or all_ones[link]))
        lazy.append(all_ones[-1] and link is not None)
        positions_by_number.setdefault(candidate.number, []).append(position)
    end = max(range(len(candidates)), key=lambda position: (scores[position], -position))
    chain = []
    cursor: int | None = end
    while cursor is not None:
        chain.append(candidates[cursor])
        cursor = previous[cursor]
    return chain[::-1]


def _links(
    candidates: list[_Candidate],
    positions_by_number: dict[int, list[int]],
    chains: tuple[list[bool], list[bool]],
    candidate: _Candidate,
) -> list[int]:
    """The earlier candidates `candidate` may follow in a chain: those numbered one less (unless their
    chain is all "1."), and, for a question-like "1.", an earlier question-like "1." whose chain is all
    "1." (Markdown numbers a list whose every item is written "1." as 1, 2, 3, and many editors write
    lists so; _may_be_lazy). `chains` says, by position, whose chain is all "1." and whose has more than
    one."""
    all_ones, lazy = chains
    links = [earlier for earlier in positions_by_number.get(candidate.number - 1, ()) if not lazy[earlier]]
    if candidate.number == 1 and _may_be_lazy(candidate):
        links += [
            earlier
            for earlier in positions_by_number.get(1, ())
            if all_ones[earlier] and _may_be_lazy(candidates[earlier])
        ]
    return links


def _may_be_lazy(candidate: _Candidate) -> bool:
    """A question-like "1." standing apart from other numbered lines may be one of a list of questions all
    written "1."; steps of an answer written so sit next to each other."""
    return candidate.question_like and not candidate.in_numbered_list


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    paragraph: list[str] = []
    code: list[str] | None = None
    info = ""
    for line in text.split("\n"):
        fence = _FENCE.match(line)
        if code is not None:
            if fence:
                blocks.append(_Block("\n".join(code).rstrip(), is_code=True, info=info))
                code = None
            else:
                code.append(line.rstrip())
            continue
        if fence:
            if paragraph:
                blocks.append(_Block("\n".join(paragraph)))
                paragraph = []
            code, info = [], fence.group(2)
            continue
        if line.strip():
            paragraph.append(line.rstrip())
        elif paragraph:
            blocks.append(_Block("\n".join(paragraph)))
            paragraph = []
    if code is not None:
        blocks.append(_Block("\n".join(code).rstrip(), is_code=True, info=info))
    if paragraph:
        blocks.append(_Block("\n".join(paragraph)))
    return [block for block in blocks if block.text.strip()]


def _drop_think(text: str) -> str:
    text = re.sub(r"<think>.*?</think>", "", text, flags=re.DOTALL | re.IGNORECASE)
    if re.search(r"</think>", text, re.IGNORECASE) and not re.search(r"<think>", text, re.IGNORECASE):
        text = re.split(r"</think>", text, flags=re.IGNORECASE)[-1]
    return re.sub(r"</?think>", "", text, flags=re.IGNORECASE)


def _clean_sentence(sentence: str) -> str | None:
    plain = sentence.strip().lstrip("*_").strip()
    if _REASONING.search(plain) or _FILLER.search(plain):
        return None
    prefix = _SOURCE_PREFIX.match(sentence.strip())
    if prefix:
        rest = sentence.strip()[prefix.end() :]
        return rest[:1].upper() + rest[1:] if rest else None
    return sentence.strip()


def _clean_prose(paragraph: str) -> str:
    lines = []
    for line in paragraph.split("\n"):
        marker = re.match(r"^(\s*(?:[-*+•]|\d{1,2}[.)])\s+(?:\*\*[^*]+\*\*:?\s*)?|\s*)", line)
        lead = marker.group(1) if marker else ""
        body = line[len(lead) :]
        if not body.strip():
            if lead.strip():
                lines.append(line.rstrip())
            continue
        kept = [cleaned for sentence in split_sentences(body) if (cleaned := _clean_sentence(sentence))]
        if kept:
            lines.append((lead + " ".join(kept)).rstrip())
        elif lead.strip() and re.search(r"\*\*", lead):
            lines.append(lead.rstrip())
    return "\n".join(lines)


def _inline_code(blocks: list[_Block]) -> list[_Block]:
    """Put back one-line code that PDF extraction cut out of a sentence ("trained on `x_train` and …")."""
    merged: list[_Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        previous = merged[-1] if merged else None
        one_line = block.is_code and "\n" not in block.text.strip() and len(block.text.strip()) <= 100
        previous_open = previous is not None and not previous.is_code and not _TERMINAL.search(previous.text)
        following_continues = (
            following is not None
            and not following.is_code
            and bool(_CONTINUATION.match(following.text) or _LOWER_START.match(following.text))
        )
        if (
            one_line
            and previous is not None
            and not previous.is_code
            and (previous_open or following_continues)
        ):
            snippet = f"`{block.text.strip().strip('`')}`"
            previous.text = f"{previous.text.rstrip()} {snippet}"
            if following_continues and following is not None:
                joiner = "" if _CONTINUATION.match(following.text) else " "
                previous.text = previous.text + joiner + following.text.lstrip()
                index += 1
            index += 1
            continue
        if (
            not block.is_code
            and previous is not None
            and not previous.is_code
            and (
                _CONTINUATION.match(block.text)
                or (not _TERMINAL.search(previous.text) and _LOWER_START.match(block.text))
            )
        ):
            joiner = "" if _CONTINUATION.match(block.text) else " "
            previous.text = previous.text.rstrip() + joiner + block.text.lstrip()
            index += 1
            continue
        merged.append(_Block(block.text, block.is_code, block.info))
        index += 1
    return merged


def _render(blocks: list[_Block]) -> str:
    parts = []
    for block in blocks:
        if block.is_code:
            parts.append(f"```{block.info}\n{block.text}\n```")
        elif re.fullmatch(r"\s*(?:-{3,}|\*{3,}|_{3,})\s*", block.text):
            continue
        else:
            parts.append(block.text)
    # drop headings left with nothing under them
    while parts and parts[-1].lstrip().startswith("#"):
        parts.pop()
    return "\n\n".join(parts).strip()


def _statement_snippets(blocks: list[_Block]) -> list[str]:
    snippets = [
        block.text.strip() for block in blocks if block.is_code and _STATEMENT_CODE.search(block.text)
    ]
    return [
        snippet
        for position, snippet in enumerate(snippets)
        if not any(snippet in other and snippet != other for other in snippets)
        and snippet not in snippets[:position]
    ]


@dataclass(frozen=True)
class SeedQuestion:
    """One question as found in the file, before it becomes a Question."""

    line: int
    number: int
    prompt: str
    answer: str
    code: str | None
    code_language: str
    code_reconstructed: bool
    max_points: float | None


def split_exam(text: str) -> tuple[str, list[SeedQuestion]]:
    """The preamble and the questions of a numbered exam (answers cleaned)."""
    lines = text.split("\n")
    fenced = _fenced_lines(lines)
    chain = _best_chain(_candidates(lines, fenced))
    preamble = "\n".join(lines[: chain[0].index]) if chain else text
    all_ones = len(chain) > 1 and all(candidate.number == 1 for candidate in chain)
    questions = []
    for position, candidate in enumerate(chain):
        stop = chain[position + 1].index if position + 1 < len(chain) else len(lines)
        body = "\n".join(lines[candidate.prompt_end + 1 : stop])
        numbered = replace(candidate, number=position + 1) if all_ones else candidate  # as Markdown shows it
        questions.append(_seed_question(numbered, body))
    return preamble, questions


def _seed_question(candidate: _Candidate, body: str) -> SeedQuestion:
    prompt, max_points = candidate.prompt, None
    points = _POINTS.search(prompt)
    if points:
        max_points = float(points.group(1).replace(",", "."))
        prompt = (prompt[: points.start()] + " " + prompt[points.end() :]).strip()
    raw_blocks = _blocks(_drop_think(body))
    code, language, reconstructed = None, "python", False
    if raw_blocks and raw_blocks[0].is_code:
        code, language = raw_blocks[0].text, raw_blocks[0].info or "python"
        raw_blocks = raw_blocks[1:]
    elif _CODE_REFERENCE.search(prompt):
        snippets = _statement_snippets(raw_blocks)
        if snippets:
            code, reconstructed = "\n".join(snippets), True
    answer_label = re.compile(
        r"^\s*(?:\*\*)?(?:svar|answer|referenssvar|reference answer)\s*:?\s*(?:\*\*)?\s*:?\s*", re.IGNORECASE
    )
    cleaned = []
    for block in _inline_code(raw_blocks):
        if block.is_code:
            cleaned.append(block)
            continue
        text = answer_label.sub("", block.text, count=1) if not cleaned else block.text
        text = _clean_prose(text)
        if text.strip():
            cleaned.append(_Block(text))
    answer = _render(cleaned)
    return SeedQuestion(
        line=candidate.index + 1,
        number=candidate.number,
        prompt=prompt,
        answer=answer,
        code=code,
        code_language=language,
        code_reconstructed=reconstructed,
        max_points=max_points,
    )


def _title_and_description(preamble: str, path: Path) -> tuple[str, str]:
    title_match = re.search(r"^\s{0,3}#\s+(.+)$", preamble, re.MULTILINE)
    title = title_match.group(1).strip() if title_match else title_from_path(path)
    rest = preamble.replace(title_match.group(0), "") if title_match else preamble
    paragraphs = [block.text for block in _blocks(rest) if not block.is_code]
    return title, (paragraphs[0].strip() if paragraphs else "")


def import_seed_markdown(path: Path) -> Bank:
    """A bank from a Markdown/text exam; any question without prompt or answer fails the whole import."""
    text = read_text(path, windows_encodings=True)
    problems = ImportProblems(path)
    preamble, questions = split_exam(text)
    if not questions:
        problems.add("no numbered questions found (expected lines like '1. Vad är …?' or '## 2. Explain …')")
        problems.raise_if_any()
    prompt_language, answer_language = detect_bank_languages(
        (question.prompt for question in questions), (question.answer for question in questions)
    )
    drafts = []
    for question in questions:
        data: dict[str, object] = {
            "id": f"q{question.number}",
            "number": question.number,
            "prompt": {prompt_language: question.prompt},
        }
        if question.answer:
            data["reference_answer"] = {answer_language: question.answer}
            data["rubric"] = [point.model_dump() for point in propose_key_points(question.answer)]
        else:
            problems.add(
                "no reference answer after the prompt (free-text questions need one)",
                line=question.line,
                field=f"question {question.number}",
            )
            continue
        if question.code:
            data["code"] = {"language": question.code_language, "source": question.code}
        if question.max_points:
            data["max_points"] = question.max_points
        drafts.append(QuestionDraft(line=question.line, data=data, label=f"question {question.number}"))
    title, description = _title_and_description(preamble, path)
    languages = bank_languages(prompt_language, answer_language)
    bank_fields = {
        "id": slugify(title_from_path(path)),
        "title": title or title_from_path(path),
        "languages": languages,
        "description": description,
    }
    return build_bank(path, drafts, bank_fields=bank_fields, problems=problems)
