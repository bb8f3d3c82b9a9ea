"""MathML as one line of readable text: tenta shows no rendered math, so E = mc^2 and (−b±√(b^2−4ac))/(2a)
must survive as text wherever a formula appears (QTI 2 items, or MathML pasted into HTML by MathType,
Brightspace and Moodle editors)."""

from __future__ import annotations

from xml.etree.ElementTree import Element

_RELATIONS = frozenset("=<>≤≥≠≈≡→⇒")
_ANNOTATIONS = frozenset({"annotation", "annotationXml", "annotation-xml"})


def local_name(tag: str) -> str:
    """'{http://www.w3.org/1998/Math/MathML}mi' or 'm:mi' -> 'mi'."""
    return tag.rpartition("}")[2].rpartition(":")[2]


def _group(element: Element) -> str:
    text = _linear(element)
    return text if len(text) == 1 or local_name(element.tag) in ("mi", "mn") else f"({text})"


def _linear(element: Element) -> str:
    tag = local_name(element.tag)
    parts = [child for child in element if local_name(child.tag) not in _ANNOTATIONS]
    if tag in ("mi", "mn", "mtext", "ms"):
        return " ".join((element.text or "").split())
    if tag == "mo":
        operator = (element.text or "").strip()
        return f" {operator} " if operator in _RELATIONS else operator
    if tag in ("msup", "msub") and len(parts) == 2:
        mark = "^" if tag == "msup" else "_"
        return f"{_group(parts[0])}{mark}{_group(parts[1])}"
    if tag == "msubsup" and len(parts) == 3:
        return f"{_group(parts[0])}_{_group(parts[1])}^{_group(parts[2])}"
    if tag == "mfrac" and len(parts) == 2:
        return f"{_group(parts[0])}/{_group(parts[1])}"
    if tag == "msqrt":
        return f"√({''.join(_linear(part) for part in parts)})"
    if tag == "mroot" and len(parts) == 2:
        return f"{_group(parts[0])}^(1/{_linear(parts[1])})"
    if tag == "mfenced":
        inner = (element.get("separators") or ",")[:1].join(_linear(part) for part in parts)
        return f"{element.get('open', '(')}{inner}{element.get('close', ')')}"
    return "".join(_linear(part) for part in parts)


def math_text(math: Element) -> str:
    """A MathML formula as readable text, else its TeX annotation."""
    text = " ".join(_linear(math).split())
    if text:
        return text
    annotations = (element for element in math.iter() if local_name(element.tag) == "annotation")
    tex = next((a.text for a in annotations if "tex" in a.get("encoding", "").lower()), "")
    return (tex or "").strip()
