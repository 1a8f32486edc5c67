"""Text from the data shown as text, never as markup.

Unit, category, file and sheet names, header cells and load messages come from exports. Streamlit
renders Markdown in st.markdown, captions, alerts, metric and widget labels, tab labels and help
tooltips, and Plotly renders a subset of HTML in every label, legend and hover text. A county named
``![c](http://host/x.png)`` made a public visitor's browser fetch that address; ``<a href>`` in a unit
name was a link in a chart. Data meets markup only through these two functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Every ASCII punctuation character: CommonMark lets each be escaped with a backslash, which turns off
# links, images, ``<...>`` autolinks, emphasis, HTML, Streamlit's ``:red[...]`` and ``$`` math. Line
# breaks would start a new block (a heading, a list): data stays on one line.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# GitHub's autolink literals (``http://…``, ``www.…``, ``name@host.cn``) are found in the text after
# the escapes are read, so no escape stops them (checked in the browser): an invisible WORD JOINER
# (U+2060) between the scheme and ``:``, after ``www`` and before ``@`` does.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<![a-z])(https?|www)(?=[:.])|(?=@)")


def md(value: object) -> str:
    """``value`` as literal text inside Markdown (None -> '')."""
    text = _BREAKS.sub(" ", "" if value is None else str(value))
    text = _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, text)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def plot_text(value: object) -> str:
    """``value`` as literal text in a Plotly label, legend or hover (Plotly decodes &amp; &lt; &gt;)."""
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plot_texts(values: Iterable[object]) -> list[str]:
    return [plot_text(v) for v in values]
