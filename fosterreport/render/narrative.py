"""The author's narrative: ``narrative/<section>.md`` merged above each section.

A narrative file is Markdown with KPI placeholders — ``{{ kpi.enquiries }}``,
``{{ kpi.enquiry_to_approval_rate }}``, ``{{ kpi.approvals.by.MAINSTREAM }}``,
``{{ kpi.enquiries.previous }}`` — so that no figure in the prose is typed by hand. A
placeholder prints exactly what the report's tables print (same rounding, same
suppression), because both go through :class:`fosterreport.context.Figures`.

Safety:

* Placeholders render in a Jinja2 :class:`~jinja2.sandbox.SandboxedEnvironment` with
  :class:`~jinja2.StrictUndefined`: a misspelt placeholder is a :class:`RenderError`
  naming the file, the line and the closest valid id; ``{{ ''.__class__ }}`` and the
  like are refused.
* Raw HTML in the Markdown is sanitised with nh3 for the HTML and PDF (no ``img``, no
  ``script``, links only to http(s) and mailto), and removed from the Markdown output.

In ``summary.md`` a paragraph beginning ``Recommendation:`` is lifted onto the cover
(unless ``recommendations.md`` gives them). The committee furniture and the author's own
sections are :mod:`fosterreport.render.furniture`'s.

The narrative is merged into a context already built (:func:`add_narratives`, called by
:func:`fosterreport.build.report_context`): this module reads the context, and the context
never calls up into it.
"""

from __future__ import annotations

import difflib
import os
import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fosterreport.exceptions import RenderError
from fosterreport.formatting import NOT_AVAILABLE, format_date
from fosterreport.text import CONTROL_CHARACTERS

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.context import Figures, Narrative, ReportContext
    from fosterreport.kpis.results import KpiResults

#: Largest narrative file read (a guard against a wrong file, not a style rule): refused
#: before it is read, with a message naming it.
MAX_BYTES = 512 * 1024

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small", "abbr", "code", "pre",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "h3", "h4", "h5", "h6", "hr", "a",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

#: Each optional part starts with a character that is not a space, so no two ``\s*`` meet:
#: a block of spaces is refused in one pass (two adjacent ``\s*`` took quadratic time).
_RECOMMENDATION = re.compile(
    r"\s*+(?:(?:\*\*|__)\s*+)?Recommendations?(?:\s*+:)?(?:\s*+(?:\*\*|__))?(?:\s*+:)?\s*+", re.IGNORECASE)
_TAG = re.compile(
    r"<!--.*?(?:-->|$)"  # comments
    r"|<!\[CDATA\[.*?(?:\]\]>|$)"
    # (an attribute name never holds "<", and the attributes are matched atomically: a
    # run of unclosed tags is one linear pass, not a rescan from each "<")
    r"|</?[A-Za-z][A-Za-z0-9:-]*(?>(?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>",
    re.DOTALL)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^\s<>]+)>")
#: Elements whose content goes too (as nh3 drops it from the HTML).
_WITH_CONTENT = re.compile(r"<(script|style|iframe|object|embed|template|noscript|textarea|title)\b.*?"
                           r"(?:</\1\s*>|$)", re.DOTALL | re.IGNORECASE)


#: Characters a narrative may not hold: the C0 controls but tab, line feed and carriage
#: return, DEL and the C1 controls. They print as nothing, and Markdown's own parsers use
#: some as placeholders (a NUL, a digit, a NUL once ended the build with an IndexError).
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}\x0b\x0c\x85]")  # (VT, FF and NEL too; tab, LF and CR kept)


def control_character(text: str) -> tuple[int, str] | None:
    """The line of the first control character of ``text`` and what to say of it, if any."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return line, (f"control character U+{ord(found.group()):04X} at column {column} is not allowed in a "
                  "narrative; remove it")


def _refuse_controls(text: str, name: str) -> None:
    found = control_character(text)
    if found:
        raise RenderError(f"{name}:{found[0]}: {found[1]}")


class PlaceholderError(Exception):
    """A placeholder that names no KPI, breakdown or field; carries a suggestion."""

    def __init__(self, written: str, suggestion: str | None, hint: str = ""):
        self.written = written
        self.suggestion = suggestion
        message = f"unknown placeholder '{written}'"
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
        if hint:
            message += f"; {hint}"
        super().__init__(message)


def _closest(word: str, choices, prefix: str = "") -> str | None:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return prefix + match[0] if match else None


# -- what a placeholder can reach --------------------------------------------------------


class _Strict:
    """Attribute access that fails loudly (with a suggestion) instead of returning Undefined."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _path(self) -> str:  # pragma: no cover - overridden
        return ""

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise PlaceholderError(f"{self._path()}.{name}", _closest(name, self._fields, self._path() + "."))

    def __getitem__(self, name):
        return self.__getattr__(str(name))


class KpiNamespace(_Strict):
    """``kpi``: every KPI of the catalogue by id."""

    __slots__ = ("_figures", "_ids")

    def __init__(self, figures: "Figures"):
        from fosterreport.kpis.catalogue import CATALOGUE

        object.__setattr__(self, "_figures", figures)
        object.__setattr__(self, "_ids", [k.id for k in CATALOGUE])

    def _path(self) -> str:
        return "kpi"

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._ids:
            return KpiPlaceholder(self._figures, name)
        raise PlaceholderError(f"kpi.{name}", _closest(name, self._ids, "kpi."),
                               "`fosterreport kpis --list` lists every id")

    def __str__(self) -> str:
        raise PlaceholderError("kpi", None, "name a KPI, e.g. {{ kpi.enquiries }}")


class KpiPlaceholder(_Strict):
    """``kpi.<id>``: prints the value; ``.previous``, ``.change``, ``.direction``, ``.by.CODE`` …"""

    __slots__ = ("_f", "_id")
    _fields = ("value", "previous", "change", "direction", "target", "rag", "benchmark", "label",
               "definition", "by")

    def __init__(self, figures: "Figures", kpi_id: str):
        object.__setattr__(self, "_f", figures)
        object.__setattr__(self, "_id", kpi_id)

    def _path(self) -> str:
        return f"kpi.{self._id}"

    def __str__(self) -> str:
        return self._f.text(self._id)

    @property
    def value(self) -> str:
        return self._f.text(self._id)

    @property
    def previous(self) -> str:
        return self._f.text(self._id, "previous")

    @property
    def change(self) -> str:
        return self._f.change(self._id)

    @property
    def direction(self) -> str:
        return self._f.direction(self._id).text

    @property
    def target(self) -> str:
        kv = self._f.kv(self._id)
        return self._f.target(self._id, kv.target) if kv else NOT_AVAILABLE

    @property
    def rag(self) -> str:
        kv = self._f.kv(self._id)
        return self._f.rag(kv.rag if kv else None).text

    @property
    def benchmark(self) -> str:
        return self._f.benchmark(self._id)

    @property
    def label(self) -> str:
        return self._kpi().label

    @property
    def definition(self) -> str:
        return self._kpi().definition

    @property
    def by(self) -> "ByPlaceholder":
        return ByPlaceholder(self._f, self._id, None)

    def _kpi(self):
        from fosterreport.kpis.catalogue import CATALOGUE

        return next(k for k in CATALOGUE if k.id == self._id)


class ByPlaceholder(_Strict):
    """``kpi.<id>.by``: ``.MAINSTREAM`` (any breakdown) or ``.household_type.MAINSTREAM``."""

    __slots__ = ("_f", "_id", "_breakdown")

    def __init__(self, figures: "Figures", kpi_id: str, breakdown: str | None):
        object.__setattr__(self, "_f", figures)
        object.__setattr__(self, "_id", kpi_id)
        object.__setattr__(self, "_breakdown", breakdown)

    def _path(self) -> str:
        return f"kpi.{self._id}.by" + (f".{self._breakdown}" if self._breakdown else "")

    def __str__(self) -> str:
        raise PlaceholderError(self._path(), None, "name a code, e.g. {{ kpi.approvals.by.MAINSTREAM }}")

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        kv = self._f.kv(self._id)
        if kv is None:  # the KPI's file is absent: every breakdown is n/a
            return CodePlaceholder(self._f, self._id, self._breakdown, name)
        breakdowns = list(kv.by or {})
        if self._breakdown is None and name in breakdowns:
            return ByPlaceholder(self._f, self._id, name)
        if self._breakdown is not None:
            known = (kv.by or {}).get(self._breakdown, {})  # (asked, not listed: validate's stand-in
            if name in known:                                 # accepts any budget line)
                return CodePlaceholder(self._f, self._id, self._breakdown, name)
            codes = list(known)
        else:
            codes = [c for b in breakdowns for c in (kv.by or {}).get(b, {})]
            found = self._f.breakdown_of(self._id, name)
            if found:
                return CodePlaceholder(self._f, self._id, found, name)
            codes = codes + breakdowns
        raise PlaceholderError(f"{self._path()}.{name}", _closest(name, codes, self._path() + "."),
                               "codes are written as in the contract, e.g. MAINSTREAM" if codes else
                               f"{self._id} has no breakdowns")


class CodePlaceholder(_Strict):
    """``kpi.<id>.by.<CODE>``: prints the value for that code; ``.previous`` too."""

    __slots__ = ("_f", "_id", "_breakdown", "_code")
    _fields = ("value", "previous")

    def __init__(self, figures: "Figures", kpi_id: str, breakdown: str | None, code: str):
        object.__setattr__(self, "_f", figures)
        object.__setattr__(self, "_id", kpi_id)
        object.__setattr__(self, "_breakdown", breakdown)
        object.__setattr__(self, "_code", code)

    def _path(self) -> str:
        return f"kpi.{self._id}.by.{self._code}"

    def __str__(self) -> str:
        return self.value

    @property
    def value(self) -> str:
        if self._breakdown is None:
            return NOT_AVAILABLE
        return self._f.text(self._id, "value", self._breakdown, self._code)

    @property
    def previous(self) -> str:
        if self._breakdown is None:
            return NOT_AVAILABLE
        return self._f.text(self._id, "previous", self._breakdown, self._code)


class PeriodView(_Strict):
    """``period``: ``label`` (2022/23), ``in_words``, ``end`` (31 March 2023), ``previous``,
    ``before`` ("a year earlier", or "on 31 August 2023" before a custom period)."""

    __slots__ = ("label", "in_words", "end", "start", "previous", "before")
    _fields = ("label", "in_words", "end", "start", "previous", "before")

    def __init__(self, period):
        object.__setattr__(self, "label", period.label)
        object.__setattr__(self, "in_words", period.in_words)
        object.__setattr__(self, "end", format_date(period.end))
        object.__setattr__(self, "start", format_date(period.start))
        object.__setattr__(self, "previous", period.previous().label)
        object.__setattr__(self, "before", period.before_words)

    def _path(self) -> str:
        return "period"

    def __str__(self) -> str:
        return self.label


# -- rendering ----------------------------------------------------------------------------

NAMES = ("kpi", "period", "authority", "service", "committee")

#: The longest text a narrative renders to (twice the longest file), what it may build
#: in all on the way, and how many loop steps it may take.
MAX_RENDERED = 2 * MAX_BYTES
NARRATIVE_LIMITS = {"max_output": MAX_RENDERED, "max_work": 20 * MAX_RENDERED, "max_steps": 100_000}


def _environment(sources: dict[str, str]):
    from jinja2 import FunctionLoader, StrictUndefined

    from fosterreport.render.templates import sandbox_class

    def load(name: str):
        return sources[name], name, lambda: True

    return sandbox_class()(loader=FunctionLoader(load), undefined=StrictUndefined,
                           autoescape=False, keep_trailing_newline=True, **NARRATIVE_LIMITS)


def _line_of(error: BaseException, name: str) -> int | None:
    line = getattr(error, "lineno", None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == name:
            line = frame.lineno
    return line


def render_placeholders(source: str, name: str, variables: dict[str, Any]) -> str:
    """The narrative text with its placeholders filled; any problem is a RenderError
    naming ``name`` (the file as the author knows it) and the line."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    env = _environment({name: source})
    try:
        parts, total = [], 0
        for part in env.get_template(name).generate(**variables):
            total += len(part)
            if total > MAX_RENDERED:
                raise RenderError(f"{name}: the rendered text exceeds {MAX_RENDERED:,} characters")
            parts.append(part)
        return "".join(parts)
    except RenderError:
        raise
    except TemplateSyntaxError as error:
        raise RenderError(f"{name}:{error.lineno}: placeholder syntax error: {error.message}") from None
    except PlaceholderError as error:
        raise RenderError(f"{name}:{_line_of(error, name) or '?'}: {error}") from None
    except SecurityError as error:
        raise RenderError(f"{name}:{_line_of(error, name) or '?'}: not allowed in a narrative "
                          f"({error})") from None
    except UndefinedError as error:
        match = re.search(r"'([^']+)' is undefined", str(error))
        written = match.group(1) if match else str(error)
        suggestion = _closest(written, NAMES)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        raise RenderError(f"{name}:{_line_of(error, name) or '?'}: unknown placeholder "
                          f"'{written}'{hint}") from None
    except Exception as error:  # a filter misused, a bad comparison…
        raise RenderError(f"{name}:{_line_of(error, name) or '?'}: {type(error).__name__}: {error}") from None


def _outside_fences(text: str, transform) -> str:
    """Apply ``transform`` to each line outside fenced code blocks."""
    out, fenced = [], False
    for line in text.split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
            out.append(line)
            continue
        out.append(line if fenced else transform(line))
    return "\n".join(out)


def _setext_to_atx(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and out and out[-1].strip() and not out[-1].lstrip().startswith(("#", "-", "*", "+", ">", "|")):
            if re.fullmatch(r"\s*=+\s*", line):
                out[-1] = "# " + out[-1].strip()
                continue
            if re.fullmatch(r"\s*-{2,}\s*", line):
                out[-1] = "## " + out[-1].strip()
                continue
        out.append(line)
    return "\n".join(out)


def _demote_atx(line: str) -> str:
    match = re.match(r"^( {0,3})(#{1,6})(\s|$)", line)
    if not match:
        return line
    level = min(len(match.group(2)) + 2, 6)
    return match.group(1) + "#" * level + line[match.end(2):]


def markdown_to_html(text: str, caption: str) -> str:
    """Narrative Markdown as sanitised HTML: headings start at h3 (the section is h2),
    tables get ``th scope`` and a caption, no images, no scripts, safe links only."""
    import markdown
    import nh3

    text = _CONTROL.sub("", text)  # (refused with their place when read; never given to the parser)
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = re.sub(r"<(/?)h([1-6])([\s>])", lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}{m.group(3)}",
                  html)
    html = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer",
                     attribute_filter=lambda tag, name, value: value if name != "href" or _safe_url(value) else None)
    html = re.sub(r"<th>", '<th scope="col">', html)
    html = re.sub(r"<p>Table:\s*(.*?)</p>\s*<table>", r"<table><caption>\1</caption>", html, flags=re.DOTALL)
    html = re.sub(r"<table>(?!<caption>)", f"<table><caption>{caption}</caption>", html)
    return html.strip()


# Linear by construction: link text holds no "[" (so a run of "[" is not rescanned from
# each one), and every quantifier is possessive. They make the common links readable
# text; the guarantee that no unsafe link is left is :func:`fosterreport.render.safe_markdown.inert_markdown`'s.
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]*+)\]\((?:[^()\n]|\([^()\n]*+\))*+\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]*+)\]\(\s*+<?((?:[^()\s<>]|\([^()\s]*+\))*+)>?"
                      r"(?:\s++(?:\"[^\"\n]*+\"|'[^'\n]*+'|\([^()\n]*+\)))?\s*+\)")
_MD_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*<?(\S*?)>?(?:\s.*)?$")


def _safe_url(url: str) -> bool:
    """A link a published narrative may keep: http(s), mailto, or a heading of the report
    (``#…``). A relative link names a file of the project, which the PDF would turn into
    the machine's own path (``file:///home/…``): it becomes text, like a ``javascript:``
    one. Entities and control characters are undone first, as a Markdown renderer would."""
    import html

    plain = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", plain)
    if scheme is None:
        return plain.startswith("#")
    return scheme.group(1).lower() in URL_SCHEMES


def relative_links(text: str) -> list[str]:
    """The links of a narrative that name a file of the project (made text in every output)."""
    found = [m.group(2) for m in _MD_LINK.finditer(text)]
    found += [m.group(1) for line in text.splitlines() if (m := _MD_REFERENCE.match(line))]
    return [url for url in found if url and not _safe_url(url)
            and not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", url)]


def _inert_links(line: str) -> str:
    """Markdown images become their alt text and links to other schemes (``javascript:``,
    ``file:``, ``data:``) their text, as the HTML output's sanitiser does with the tags."""
    if _MD_REFERENCE.match(line) and not _safe_url(_MD_REFERENCE.match(line).group(1)):
        return ""
    line = _MD_IMAGE.sub(lambda m: m.group(1), line)
    return _MD_LINK.sub(lambda m: m.group(0) if _safe_url(m.group(2)) else m.group(1), line)


def markdown_plain(text: str) -> str:
    """Narrative Markdown for the Markdown output: raw HTML removed, images and unsafe
    links made text, headings demoted."""
    text = _outside_fences(_CONTROL.sub("", text), _inert_links)
    autolinks: list[str] = []

    def keep(match: re.Match) -> str:
        autolinks.append(match.group(0))
        return f"\x00{len(autolinks) - 1}\x00"

    text = _AUTOLINK.sub(keep, text)
    text = _WITH_CONTENT.sub("", text)
    for _ in range(4):  # nested or split tags: strip a few times; what is left is made inert
        previous, text = text, _TAG.sub("", text)
        if previous == text:
            break
    text = text.replace("<", "&lt;")
    text = re.sub("\x00(\\d+)\x00", lambda m: autolinks[int(m.group(1))], text)
    text = _setext_to_atx(text)
    text = _outside_fences(text, _demote_atx)
    return text.strip()


def split_recommendation(text: str) -> tuple[str, str | None]:
    """Lift the paragraph that starts "Recommendation:" out of the summary narrative."""
    blocks = re.split(r"\n\s*\n", text)
    for i, block in enumerate(blocks):
        if _RECOMMENDATION.match(block) and _RECOMMENDATION.sub("", block, count=1).strip():
            body = _RECOMMENDATION.sub("", block, count=1).strip()
            rest = "\n\n".join(blocks[:i] + blocks[i + 1:])
            return rest, body
    return text, None


def _narrative(text: str, caption: str, source: str | None) -> "Narrative":
    from markupsafe import Markup

    from fosterreport.context import Narrative

    return Narrative(html=Markup(markdown_to_html(text, caption)) if text.strip() else Markup(""),
                     md=markdown_plain(text), source=source)


def read_narrative(path: Path, folder: Path, name: str) -> bytes:
    """The bytes of one narrative file, read with no symbolic link followed
    (:func:`~fosterreport.render.safe_open.read_inside`: a link is refused, so nothing
    outside the project is read), refused (a RenderError naming it) when it is over
    :data:`MAX_BYTES` — checked before reading, and again by reading one byte past the
    limit, so a huge or growing file is never read whole — or not a regular file."""
    from fosterreport.render.safe_open import NotInside, TooLarge, read_inside

    try:
        try:  # (a file of a subfolder, implications/risk.md, is read part by part)
            parts = Path(os.path.abspath(path)).relative_to(os.path.abspath(folder)).parts
        except ValueError:
            raise NotInside(f"not a file of the {Path(folder).name}/ folder") from None
        return read_inside(Path(folder).resolve(), parts, MAX_BYTES)
    except TooLarge as error:
        raise RenderError(f"{name}: {error.size:,} bytes, over the limit of {MAX_BYTES // 1024} KB "
                          "for a narrative; is this the right file?") from None
    except NotInside as why:
        raise RenderError(f"{name}: {why}; narrative files must be files of the "
                          f"{Path(folder).name}/ folder") from None
    except OSError as error:
        raise RenderError(f"{name}: cannot be read: {error.strerror or error}") from None


def placeholder_variables(figures: "Figures", cover) -> dict[str, Any]:
    """What a narrative's placeholders may name. Config strings enter Markdown source here
    (the authority/service/committee placeholders), so they go in as escaped text: a
    committee named "[x](javascript:…)" or "<script>" is printed, never a link or a tag."""
    from fosterreport.render.templates import md

    return {"kpi": KpiNamespace(figures), "period": PeriodView(figures.results.period),
            "authority": md(cover.authority), "service": md(cover.service), "committee": md(cover.committee)}


def narrative_text(path: Path, folder: Path, name: str, variables: dict[str, Any], notices: list[str]) -> str:
    """One narrative file read (:func:`read_narrative`), decoded and its placeholders
    filled; a link to a project file is noted (it is printed as text)."""
    raw = read_narrative(path, Path(folder), name)
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RenderError(f"{name}: not UTF-8 text") from None
    _refuse_controls(source, name)
    text = render_placeholders(source, name, variables)
    _refuse_controls(text, name)  # (one an expression wrote: '\x00', placed in the text it made)
    for url in relative_links(text):
        notices.append(f"{name}: the link to {url[:60]!r} is printed as text: a link to a project file "
                       f"would put this machine's path into the PDF (link to an https:// address)")
    return text


def load_narratives(folder: Path | None, figures: "Figures", context: "ReportContext",
                    chosen: list[str] | None = None) -> tuple[dict[str, "Narrative"], "Narrative", list[str]]:
    """Every ``<section>.md`` of ``folder`` rendered, the cover's recommendation, and
    notices for the author (unused or misspelt file names). The furniture and the author's
    own sections (every other name) are :mod:`fosterreport.render.furniture`'s; a name
    close to a built-in one and not in ``[report] sections`` (``chosen``) is taken to be
    a misspelling of it and is not used."""
    from fosterreport.context import SECTION_IDS, SECTIONS
    from fosterreport.context.sections import author_names, misspelling
    from fosterreport.render.templates import md

    cover = context.cover
    default = (f"The {md(cover.committee)} is asked to note the {md(cover.title)} and to comment on the "
               f"service's performance.")
    narratives: dict[str, Narrative] = {}
    notices: list[str] = []
    recommendation = None
    present = {s.id: s for s in context.sections}
    titles = {section[0]: section[1] for section in SECTIONS}
    if folder is not None and Path(folder).is_dir():
        variables = placeholder_variables(figures, cover)
        authors = author_names(Path(folder), chosen)
        from fosterreport.context.sections import FURNITURE

        for path in sorted(Path(folder).glob("*.md")):
            name = f"{Path(folder).name}/{path.name}"
            stem = path.stem.lower()
            if stem not in SECTION_IDS:
                if stem in FURNITURE or stem in authors:
                    continue  # the furniture's, or a section of the author's own
                close = misspelling(stem, chosen)
                notices.append(f"{name} matches no report section and was not used"
                               + (f" (did you mean {close}.md?)" if close else
                                  ": name an author section with lower-case letters, digits and hyphens"))
                continue
            if stem not in present:
                notices.append(f"{name} was not used: the {titles[stem]} section is left out "
                               f"(see Appendix B)")
                continue
            text = narrative_text(path, Path(folder), name, variables, notices)
            if stem == "summary":
                text, recommendation = split_recommendation(text)
            narratives[stem] = _narrative(text, f"Table in the narrative of {titles[stem]}", name)
    rec = _narrative(recommendation or default, "Table in the recommendation",
                     f"{Path(folder).name}/summary.md" if recommendation else None)
    return narratives, rec, notices


def add_narratives(context: "ReportContext", results: "KpiResults", config: "Config", folder: Path | None) -> None:
    """Merge the author's narrative from ``folder`` into ``context``: each section's, the
    cover's recommendation, and notices for the author. Placeholders read the figures as
    the report's tables do (the same suppression)."""
    from fosterreport.context import Figures

    from fosterreport.render.furniture import add_furniture

    figures = Figures(results, config.publication.suppress_below)
    narratives, recommendation, notices = load_narratives(folder, figures, context, config.report.sections)
    for section in context.sections:
        if section.id in narratives:
            section.narrative = narratives[section.id]
    context.cover.recommendation = recommendation
    context.notices.extend(notices)
    variables = placeholder_variables(figures, context.cover)
    add_furniture(context, config, folder,
                  read=lambda path, name: narrative_text(path, Path(folder), name, variables, context.notices),
                  make=_narrative, lifted_recommendation=recommendation.source is not None)
