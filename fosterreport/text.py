"""Text from data made inert: control and bidi characters removed, Markdown escaped.

A council folder's name, a budget line or a local code is data, not markup: it must
print as the characters it is, in every format, and never move the text around it. So
every such text passes :func:`strip_controls` before it reaches an output, and
:func:`markdown_text` (or :func:`markdown_code`, inside a code span) before it reaches
Markdown; HTML is escaped by the templates' autoescaping and JSON by
:func:`fosterreport.kpis.export.json_text`. This module imports nothing of the tool, so
every layer may use it.
"""

from __future__ import annotations

import re

#: The control characters, as the body of a regex character class, that no text of the
#: tool's may hold: C0 controls, DEL and C1 controls, but tab and the line breaks (each
#: user decides what a line break means: a space in a cell, a refusal in a narrative).
CONTROL_CHARACTERS = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
#: The line breaks: LF, VT, FF, CR and NEL.
LINE_BREAK_CHARACTERS = "\x0a-\x0d\x85"
#: The invisible marks that turn text around: ALM, LRM/RLM, the bidi embeddings and
#: overrides, the isolates.
BIDI_MARKS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"

#: What data text loses on its way to an output: the controls and every line break but
#: newline, and the bidi marks: nothing a name needs, and each can make a report show
#: other than what it holds.
CONTROLS = re.compile(f"[{CONTROL_CHARACTERS}\x0b-\x0d\x85{BIDI_MARKS}]")

#: Characters with a meaning in CommonMark or GitHub's tables inline, backslash-escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
#: ``&`` that would start an entity reference (``&lt;``, ``&#60;``): written ``&amp;``.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def strip_controls(text: str) -> str:
    """``text`` without :data:`CONTROLS` (tabs and newlines are kept)."""
    return CONTROLS.sub("", text)


def markdown_text(text: object) -> str:
    """Text from data as inline Markdown that shows exactly its characters: controls
    removed, lines joined, every inline marker escaped (no emphasis, link, code span or
    extra table cell), ``<`` and ``>`` as entities (no HTML) and no entity reference."""
    text = strip_controls("" if text is None else str(text))
    text = re.sub(r"\s*\n\s*", " ", text.replace("\t", " "))
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def markdown_code(text: object) -> str:
    """Text from data as a Markdown code span, safe in a GitHub table cell: controls
    removed, lines joined, fenced by more backticks than the longest run inside it (padded
    with a space when it starts or ends with one), and ``|`` escaped for the table."""
    text = re.sub(r"\s*\n\s*", " ", strip_controls("" if text is None else str(text)))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return fence + text.replace("|", "\\|") + fence
