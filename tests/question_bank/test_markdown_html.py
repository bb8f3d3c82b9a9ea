"""Markdown <-> HTML for the formats that hold HTML (QTI, Anki): markdown-it renders a question's Markdown,
common.html_to_markdown reads HTML back to Markdown, so a text goes out and comes back as written."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from question_bank.formats.common import holds_markdown_markup, html_to_markdown, html_to_text
from question_bank.formats.markdown_text import markdown_html

ROUND_TRIPS = [
    "Förklara **vikt** och *bias* i `Dense(64)`.",
    "Beräkna 2\\*3\\*4 med snake_case och x_train.shape[1].",
    "Vad skriver koden ut?\n\n```python\nfor i in range(3):\n    print(i * 2)\n```\n\nSvara med en rad.",
    "Tre steg:\n\n1. ladda data\n2. träna\n   - med early stopping\n   - och dropout\n3. utvärdera",
    "- ett\n- två\n\nEfter listan.",
    "# Rubrik\n\n> Ett citat\n> på två rader\n\nSlut.",
    "Läs [kapitel 7](https://example.org/bok/kap7) och [image: graf.png] nedan.",
    "Rad ett\\\nrad två med en radbrytning.",
    "Kod med backticks: ``` ``x`` ``` och `a*b`.",
    "Mjuk radbrytning\nsom visas som ett mellanslag.",
    "\\# ingen rubrik\n\n1\\. ingen lista\n\n\\- inget streck, 1. och - mitt i raden, \\<b> som text",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_markdown_rendered_and_read_back_is_the_same_text(text: str) -> None:
    assert html_to_markdown(markdown_html(text)) == text


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        (  # Canvas New Quizzes' rich content editor
            '<div><p>Vad gör <strong>Dropout</strong>?</p><pre><code class="language-python">'
            "model.add(Dropout(0.5))\n</code></pre><ul><li>Stänger av neuroner</li>"
            "<li>Minskar <em>överanpassning</em></li></ul></div>",
            "Vad gör **Dropout**?\n\n```python\nmodel.add(Dropout(0.5))\n```\n\n- Stänger av neuroner\n"
            "- Minskar *överanpassning*",
        ),
        (  # Anki's editor: <b>, <br>, a <div> per line
            "<b>Vad är</b> en epok?<br><div>Ett varv genom <i>all</i> data.</div><div>2*3 = 6</div>",
            "**Vad är** en epok?\n\nEtt varv genom *all* data.\n\n2\\*3 = 6",
        ),
        ("<p>Text <b> fet </b>sedan</p>", "Text **fet** sedan"),  # spaces go outside the markers
        ("<p>Tom <b></b> och <a>utan adress</a></p>", "Tom och utan adress"),
        ('<ol start="3"><li><p>a</p></li><li><p>b</p><p>c</p></li></ol>', "3. a\n4. b\n\n   c"),
        ("<pre>a\n```\nb</pre>", "````\na\n```\nb\n````"),
        ("<p>x<sup>2</sup> &lt;b&gt; &amp;amp;</p>", "x^2 \\<b> \\&amp;"),
        ("<ul><li>a</li></ul><ul><li>b</li></ul>", "- a\n\n* b"),  # two lists, not one loose list
        ("<ol><li>a</li></ol><ol><li>b</li></ol>", "1. a\n\n1) b"),
        ("<p><b>a</b><b>b</b> <code>c</code><code>d</code></p>", "**ab** `cd`"),  # not '**a****b**'
        ("<p>ord<b>.</b>x och <b>42</b>.</p>", "ord.x och **42**."),  # '**.**' there shows its asterisks
    ],
)
def test_html_from_other_tools_reads_as_markdown(html: str, markdown: str) -> None:
    assert html_to_markdown(html) == markdown


@pytest.mark.parametrize(
    "html",
    [
        "<p>Beräkna 2*3*4, _____ och __init__ i snake_case.</p>",
        "<p># inte en rubrik</p><p>1. inte en lista</p><p>- inte heller</p><p>&gt; inget citat</p>",
        "<p>&lt;b&gt;taggen&lt;/b&gt; och &amp;amp; visas som de står, [a](b) är ingen länk</p>",
        "<p>___</p><p>* * *</p><p>a~~b~~c</p>",
    ],
)
def test_text_that_looks_like_markdown_shows_as_written(html: str) -> None:
    """The Markdown read shows, rendered again, exactly the text the HTML showed."""
    assert html_to_text(markdown_html(html_to_markdown(html))) == html_to_text(html)


def test_formatting_is_told_apart_from_paragraphs_and_code_blocks() -> None:
    assert holds_markdown_markup("<p>Vad gör <strong>Dropout</strong>?</p>")
    assert holds_markdown_markup("<ul><li>ett</li></ul>")
    assert not holds_markdown_markup("<p>Rad</p><div>rad<br>rad</div>")
    assert not holds_markdown_markup('<pre><code class="language-python">x = 1</code></pre>')


_TEXT = st.sampled_from([*"ab 1.*_`[]()<>&#-+~!\\|:", "xyz", "1. ", "- ", "# ", "> ", "  "]).map(html.escape)


def _wrapped(tag: str) -> st.SearchStrategy[str]:
    """A formatted run of text and special characters, ending in a letter (runs of punctuation alone next
    to other formatting are a known limit: CommonMark's flanking rules cannot always mark them)."""
    return st.lists(_TEXT, max_size=4).map(lambda parts: f"<{tag}>{''.join(parts)}w</{tag}>")


_INLINE = st.one_of(_TEXT, _wrapped("b"), _wrapped("i"), _wrapped("code"), st.just("<br>"))
_PARAGRAPH = st.lists(_INLINE, max_size=8).map(lambda parts: f"<p>{''.join(parts)}</p>")
_LIST = st.lists(
    st.lists(_INLINE, min_size=1, max_size=4).map(lambda p: f"<li>{''.join(p)}</li>"), min_size=1, max_size=3
)


def _words(text: str) -> str:
    return " ".join(text.replace("- ", " ").split())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(_PARAGRAPH, _LIST.map(lambda items: f"<ul>{''.join(items)}</ul>")), min_size=1, max_size=4
    )
)
def test_any_html_of_text_emphasis_code_and_lists_reads_as_markdown_showing_the_same_text(
    blocks: list[str],
) -> None:
    source = "".join(blocks)
    assert _words(html_to_text(markdown_html(html_to_markdown(source)))) == _words(html_to_text(source))
