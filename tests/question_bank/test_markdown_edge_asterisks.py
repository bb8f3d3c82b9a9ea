"""Bold or italic HTML whose text begins or ends with an asterisk, as a QTI item or an Anki field may hold
('<b>* w</b>', a footnote mark, a wildcard), read as Markdown. The asterisk joined the marker's run:
'<b>  *  w</b>' became '*** w**', which shows three asterisks and no bold (found by the property test in
test_markdown_html.py, seed-independent example kept here)."""

from __future__ import annotations

import pytest

from question_bank.formats.common import html_to_markdown, html_to_text
from question_bank.formats.markdown_text import markdown_html


@pytest.mark.parametrize(
    ("source", "markdown", "shown"),
    [
        ("<p><b>  *  w</b></p>", "**\\* w**", "<strong>* w</strong>"),
        ("<p><i>* note</i></p>", "*\\* note*", "<em>* note</em>"),
        ("<p>a <b>w *</b> b</p>", "a **w \\*** b", "<strong>w *</strong>"),
        ("<p><b>*</b></p>", "**\\***", "<strong>*</strong>"),
    ],
)
def test_an_asterisk_at_the_edge_of_emphasis_is_shown_and_the_emphasis_kept(
    source: str, markdown: str, shown: str
) -> None:
    written = html_to_markdown(source)

    assert written == markdown
    assert shown in markdown_html(written)
    assert html_to_text(markdown_html(written)) == html_to_text(source)
