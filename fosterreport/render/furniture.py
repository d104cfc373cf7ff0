"""The committee furniture and the author's own sections, from the narrative folder.

:func:`fosterreport.render.narrative.add_narratives` merges the narratives of the
registry's sections; this module adds the rest of what a committee paper carries:

* on the cover, ``brief-summary.md``, ``recommendations.md`` (numbered: a Markdown list,
  or else one recommendation per paragraph) and ``reasons.md``;
* the author's own sections: every other ``narrative/<name>.md``
  (:func:`fosterreport.context.sections.author_names`), titled by its first heading;
* the implications, ``implications/<name>.md`` for each name of ``[report] implications``,
  in that order, titled by the file's first heading or the name's default title;
* the narrative of the appendices and background papers lists (``appendices.md``,
  ``background-papers.md``).

Each is read, its placeholders filled and its Markdown made safe exactly as a section's
narrative is (:func:`fosterreport.render.narrative.narrative_text`). A file's first heading,
when it opens the file, is its title and is not printed twice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.context import Narrative, ReportContext

#: HTML comments and blank lines before a file's first heading (init's guide comment).
_LEADING = re.compile(r"\A(?:\s*<!--.*?-->)*\s*", re.DOTALL)
_ATX = re.compile(r"\A {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*(?:\n|\Z)")
_SETEXT = re.compile(r"\A {0,3}([^\s#>\-*+|][^\n]*)\n {0,3}(?:=+|-{2,})[ \t]*(?:\n|\Z)")
_COMMENT_BLOCK = re.compile(r"\A\s*<!--.*?-->\s*\Z", re.DOTALL)
_BULLET = re.compile(r"^( {0,3})[-*+](\s+)", re.MULTILINE)
_NUMBER = re.compile(r"^ {0,3}\d{1,9}[.)]\s+", re.MULTILINE)


def split_heading(text: str) -> tuple[str | None, str]:
    """The title a file's opening heading gives (emphasis marks removed), and the text
    without it; ``(None, text)`` when the file does not open with a heading."""
    start = _LEADING.match(text).end()
    rest = text[start:]
    match = _ATX.match(rest) or _SETEXT.match(rest)
    if match is None:
        return None, text
    title = re.sub(r"(\*\*|__|\*|_|`)", "", match.group(1)).strip()
    return (title or None), text[:start] + rest[match.end():]


def numbered(text: str) -> tuple[str, int]:
    """The recommendations as a numbered Markdown list, and how many there are.

    A list the author wrote is kept (bullets become numbers); otherwise each paragraph
    is one recommendation. HTML comments are not recommendations."""
    blocks = [b for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip() and not _COMMENT_BLOCK.match(b)]
    if any(_BULLET.search(b) or _NUMBER.search(b) for b in blocks):
        listed = _BULLET.sub(lambda m: f"{m.group(1)}1.{m.group(2)}", "\n\n".join(blocks))
        return listed, len(_NUMBER.findall(listed))
    items = [f"{i}. " + block.strip().replace("\n", "\n   ") for i, block in enumerate(blocks, start=1)]
    return "\n".join(items), len(items)


#: Reads one narrative file as a section's is read: (path, shown name) -> its text, placeholders filled.
Reader = Callable[[Path, str], str]
#: Makes a :class:`Narrative` of Markdown: (text, table caption, shown name).
Maker = Callable[[str, str, str], "Narrative"]


def add_furniture(context: "ReportContext", config: "Config", folder: Path | None, read: Reader,
                  make: Maker, lifted_recommendation: bool) -> None:
    """Add the cover's furniture, the author's sections and the implications to ``context``
    (then put its sections in order and number them again)."""
    from fosterreport.context import Furniture, Section, arrange
    from fosterreport.context.sections import (
        FURNITURE, FURNITURE_TEMPLATE, IMPLICATION_TITLES, IMPLICATIONS_FOLDER, author_names, implication_id, name_title,
    )

    notices = context.notices
    report = config.report
    folder = Path(folder) if folder is not None and Path(folder).is_dir() else None
    shown = folder.name if folder is not None else "narrative"
    files = {p.stem.lower(): p for p in sorted(folder.glob("*.md"))} if folder is not None else {}

    def titled(stem: str, path: Path, default: str) -> tuple[str, "Narrative"]:
        name = f"{shown}/{path.relative_to(folder).as_posix()}"
        title, text = split_heading(read(path, name))
        if stem == "recommendations":
            text, count = numbered(text)
            default = "Recommendations" if count != 1 else "Recommendation"
        title = title or default
        return title, make(text, f"Table in the narrative of {title}", name)

    cover = context.cover
    for stem in ("brief-summary", "reasons"):
        if stem in files:
            title, narrative = titled(stem, files[stem], FURNITURE[stem])
            setattr(cover, stem.replace("-", "_"), Furniture(title, narrative))
    if "recommendations" in files:
        cover.recommendation_title, cover.recommendation = titled("recommendations", files["recommendations"], "")
        if lifted_recommendation:
            notices.append(f"{shown}/summary.md: its \"Recommendation:\" paragraph was not used: "
                           f"{shown}/recommendations.md gives the recommendations")

    added: list[Section] = []
    chosen = report.sections
    for stem in author_names(folder, chosen):
        title, narrative = titled(stem, files[stem], name_title(stem))
        if chosen is not None and stem not in chosen:
            context.omitted.append(title)
            notices.append(f"{shown}/{files[stem].name} was not used: {stem!r} is not in [report] sections "
                           f"(see Appendix B)")
            continue
        section = Section(stem, title)
        section.narrative = narrative
        added.append(section)

    present = {s.id: s for s in context.sections}
    for stem in ("appendices", "background-papers"):
        if stem in files:
            title, narrative = titled(stem, files[stem], FURNITURE[stem])
            section = present.get(stem) or Section(stem, title, kind="end", template=FURNITURE_TEMPLATE)
            section.title, section.narrative = title, narrative
            if stem not in present:
                added.append(section)

    implications = folder / IMPLICATIONS_FOLDER if folder is not None else None
    found = ({p.stem.lower(): p for p in sorted(implications.glob("*.md"))}
             if implications is not None and implications.is_dir() else {})
    for name in report.implications:
        sid = implication_id(name)
        default = IMPLICATION_TITLES.get(name) or name_title(name)
        if name in found:
            title, narrative = titled(name, found[name], default)
            section = present.get(sid) or Section(sid, title, kind="implication")
            section.title, section.narrative = title, narrative
            if sid not in present:
                added.append(section)
        elif sid not in present and "implications" in report.model_fields_set:
            notices.append(f"{shown}/{IMPLICATIONS_FOLDER}/{name}.md not found: the report has no "
                           f"{default[:1].lower() + default[1:]} section")
    for name, path in found.items():
        if name not in report.implications:
            notices.append(f"{shown}/{IMPLICATIONS_FOLDER}/{path.name} was not used: {name!r} is not in "
                           f"[report] implications")
    context.sections.extend(added)
    arrange(context, config)
