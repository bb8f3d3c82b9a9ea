"""Safe XML parsing for the XML importers (Moodle XML, QTI): every element keeps the line it starts on,
so a problem is reported at its line, and malformed XML or entity tricks become one clean error."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from question_bank.errors import InputFileError


class LineRecordingBuilder(TreeBuilder):
    """A TreeBuilder that remembers the line each element starts on (ElementTree keeps no positions).

    Subclasses may rename tags and attributes as they are read (`renamed`, `renamed_end`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.expat: Any = None
        self.lines: dict[Element, int] = {}

    def renamed(self, tag: str, attrs: dict[str, str]) -> tuple[str, dict[str, str]]:
        return tag, attrs

    def renamed_end(self, tag: str) -> str:
        return tag

    def start(self, tag: Any, attrs: dict[Any, Any], /) -> Element:
        name, attributes = self.renamed(str(tag), {str(key): str(value) for key, value in attrs.items()})
        element = super().start(name, attributes)
        self.lines[element] = int(self.expat.CurrentLineNumber) if self.expat is not None else 0
        return element

    def end(self, tag: Any, /) -> Element:
        return super().end(self.renamed_end(str(tag)))


def parse_with_lines(
    text: str, path: Path, builder: LineRecordingBuilder | None = None
) -> tuple[Element, dict[Element, int]]:
    """The root element and each element's line, parsed with defusedxml (no entity expansion)."""
    builder = builder or LineRecordingBuilder()
    parser = SafeElementTree.XMLParser(target=builder)
    builder.expat = parser.parser
    try:
        parser.feed(text)
        root: Element = parser.close()
    except ParseError as error:
        line, _column = error.position
        reason = str(error).split(": line", 1)[0]
        raise InputFileError(path, f"not well-formed XML ({reason})", line=line) from None
    except DefusedXmlException:
        raise InputFileError(
            path,
            "XML entity declarations and external references are not allowed in a question file",
            line=int(parser.parser.CurrentLineNumber),
        ) from None
    return root, builder.lines
