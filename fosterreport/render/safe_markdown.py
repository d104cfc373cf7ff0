"""Published Markdown with no live link or image but http(s), mailto and the report's own
headings, under any CommonMark construct.

The narrative's Markdown is made readable text where it is simple (a ``javascript:`` link
becomes its text, :mod:`fosterreport.render.narrative`); this is the guarantee, on the whole
document as written: it is parsed by a CommonMark parser (markdown-it-py, with GitHub's
tables), every link, image, autolink and raw HTML is looked at as a renderer would see it
(entities and escapes undone, reference definitions resolved, link text over several lines),
and each block holding one that is not allowed has its ``[``, ``]`` and ``<`` escaped, so
that it prints as the text it is. Parsing is linear in the text.
"""

from __future__ import annotations

import re

#: Link schemes a published report may keep; a link to ``#…`` (a heading) is kept too.
SCHEMES = {"http", "https", "mailto"}
_UNESCAPED = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]<])")


def allowed_link(url: str) -> bool:
    """http(s), mailto, or a heading of the document (``#…``), after entities, percent
    escapes and control characters are undone as a browser would."""
    import html
    from urllib.parse import unquote

    plain = re.sub(r"[\x00-\x20\x7f]", "", unquote(html.unescape(url or "")))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", plain)
    if scheme is None:
        return plain.startswith("#")
    return scheme.group(1).lower() in SCHEMES


def _parser():
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")
    parser.validateLink = lambda url: True  # (see every link: markdown-it would drop javascript: silently)
    return parser


def unsafe_blocks(text: str) -> list[tuple[int, int]]:
    """The line ranges ``[start, end)`` of the blocks holding a link, image or raw HTML
    that is not allowed."""
    found = []
    for token in _parser().parse(text):
        if token.type == "html_block" and token.map:
            found.append(tuple(token.map))
        if token.type != "inline" or not token.map:
            continue
        for child in token.children or []:
            if (child.type == "html_inline"
                    or (child.type == "link_open" and not allowed_link(str(child.attrGet("href") or "")))
                    or (child.type == "image" and not allowed_link(str(child.attrGet("src") or "")))):
                found.append(tuple(token.map))
                break
    return found


def inert_markdown(text: str) -> str:
    """``text`` with every block that holds a link, image or raw HTML that is not allowed
    escaped until none is left (an escaped block can only lose links)."""
    for _ in range(8):
        blocks = unsafe_blocks(text)
        if not blocks:
            return text
        lines = text.split("\n")
        for start, end in blocks:
            for index in range(start, min(end, len(lines))):
                lines[index] = _UNESCAPED.sub(r"\1\\\2", lines[index])
        text = "\n".join(lines)
    return _UNESCAPED.sub(r"\1\\\2", text)  # (not reached: every construct is escaped by then)
