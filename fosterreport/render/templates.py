"""The template environment: built-in templates, overridable by name.

Templates live in the repository's top-level ``templates/`` folder; the wheel ships them
as ``fosterreport/templates``. A project can override any of them by giving a file of
the same name in the folder named by ``[report] templates`` (a Jinja ``ChoiceLoader``:
the project's folder first, then the built-in one).

A section is laid out by ``sections/<id>.html`` (``.md.j2`` for Markdown) when such a
template exists, the project's first, then a built-in one; otherwise by the one generic
layout, ``sections/_section.html`` (:func:`section_templates`). So the built-in
``sections/`` folder holds only the layouts that differ from the generic one, and a
project overrides one section, or the generic layout, by name.

Templates render in a :class:`~jinja2.sandbox.SandboxedEnvironment` with
:class:`~jinja2.StrictUndefined`; HTML templates are autoescaped. An error in a
template becomes a :class:`~fosterreport.exceptions.RenderError` naming the template
and the line.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fosterreport.exceptions import RenderError

if TYPE_CHECKING:
    from fosterreport.config import Config


def builtin_templates() -> Path:
    """The built-in templates, found relative to the package (never the cwd)."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "report.html").is_file():
            return candidate
    raise RenderError("the built-in report templates are missing from this installation")


def template_folders(config: "Config | None") -> list[Path]:
    folders = []
    if config is not None and config.report.templates:  # (checked to exist when the config was loaded)
        folders.append(config.resolve(config.report.templates))
    folders.append(builtin_templates())
    return folders


# -- Markdown escaping filters ------------------------------------------------------------

def md(text: Any) -> str:
    """Inline text made safe for Markdown (:func:`fosterreport.text.markdown_text`)."""
    from fosterreport.text import markdown_text

    return markdown_text(text)


def md_head(head: list[str]) -> str:
    return "| " + " | ".join(md(h) for h in head) + " |"


def md_rule(table) -> str:
    """The alignment row: figures right-aligned, text left."""
    return "| " + " | ".join("---:" if numeric else "---" for numeric in table.numeric) + " |"


def md_row(row) -> str:
    from fosterreport.text import markdown_code

    header = md(row.header) + (f" ({markdown_code(row.code)})" if getattr(row, "code", None) else "")
    cells = [header] + [md(c.text) for c in row.cells]
    if row.total:
        cells = [f"**{c}**" if c else c for c in cells]
    return "| " + " | ".join(cells) + " |"


def gfm_anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", str(title).lower())
    return slug.replace(" ", "-")


#: The longest string or list one expression in a template or narrative may build.
#: Jinja's sandbox stops escapes (no ``__class__``, ``__globals__``, ``str.format``
#: attribute tricks, ``|attr`` to private names) but not an expression that builds a
#: gigabyte; these bound the usual ones: ``'a' * 10**9``, ``9 ** 10**9``,
#: ``'%0999999999d' % 1`` (and ``|format``), ``'x'.ljust(10**9)``, ``|center(10**9)``.
MAX_BUILT = 1_000_000
_FORMAT_WIDTH = re.compile(r"%[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _sandbox_class():
    """:class:`~jinja2.sandbox.SandboxedEnvironment` with the size bounds above: the one
    environment class for report templates and narrative placeholders alike."""
    import numbers

    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    def check_format(text: str) -> None:
        for match in _FORMAT_WIDTH.finditer(text):
            for size in match.groups():
                if size == "*" or (size and int(size) > 1000):
                    raise SecurityError("%-format widths over 1000 (or given by *) are not allowed")

    def check_size(size) -> None:
        if isinstance(size, numbers.Number) and size > MAX_BUILT:
            raise SecurityError(f"building a string or list longer than {MAX_BUILT:,} is not allowed")

    def safe_format(value, *args, **kwargs):
        from jinja2.filters import do_format

        check_format(str(value))
        return do_format(value, *args, **kwargs)

    def safe_center(value, width=80):
        from jinja2.filters import do_center

        check_size(width)
        return do_center(value, width)

    class ReportSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "%"})

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.filters.update(format=safe_format, center=safe_center)

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, numbers.Number) and abs(right) > 64:
                raise SecurityError("powers above 64 are not allowed")
            if operator == "*":
                for sequence, times in ((left, right), (right, left)):
                    if isinstance(sequence, (str, list, tuple)) and isinstance(times, int):
                        check_size(len(sequence) * times)
                if isinstance(left, int) and isinstance(right, int):
                    check_size(left.bit_length() + right.bit_length())
            if operator == "%" and isinstance(left, str):
                check_format(left)
            return super().call_binop(context, operator, left, right)

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
            if getattr(__obj, "__name__", "") in ("ljust", "rjust", "center", "zfill", "expandtabs") \
                    and isinstance(getattr(__obj, "__self__", None), str):
                for size in args:
                    check_size(size)
            return super().call(__context, __obj, *args, **kwargs)

    return ReportSandbox


_SANDBOX = None


def sandbox_class():
    """The report's sandboxed environment class (made once: Jinja is imported lazily)."""
    global _SANDBOX
    if _SANDBOX is None:
        _SANDBOX = _sandbox_class()
    return _SANDBOX


#: The file extension of each kind of template.
EXTENSIONS = {"html": ".html", "md": ".md.j2"}

#: The generic section layout, in ``sections/``: every section without one of its own.
GENERIC_SECTION = "_section"


def section_templates(section, kind: str) -> list[str]:
    """The templates that may lay out ``section``, in the order they are tried: its own
    (``sections/<template>``), then the generic one. Jinja's ``include`` of a list takes
    the first that exists, asking the project's folder before the built-in one for each."""
    extension = EXTENSIONS[kind]
    return [f"sections/{section.template or section.id}{extension}", f"sections/{GENERIC_SECTION}{extension}"]


def environment(config: "Config | None", kind: str):
    """A sandboxed environment for ``kind`` ``"html"`` or ``"md"``."""
    return environment_for_folders(template_folders(config), kind)


def environment_for_folders(folders: list[Path], kind: str):
    """:func:`environment` over the templates of ``folders`` (the first that has a name
    wins), then the built-in ones: what ``validate`` compiles a project's templates in."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined

    builtin = builtin_templates()
    folders = list(folders) + ([builtin] if builtin not in folders else [])
    loader = ChoiceLoader([FileSystemLoader(str(folder)) for folder in folders])
    env = sandbox_class()(
        loader=loader, undefined=StrictUndefined,
        autoescape=(lambda name: bool(name) and name.endswith(".html")) if kind == "html" else False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(md=md, md_head=md_head, md_rule=md_rule, md_row=md_row, gfm_anchor=gfm_anchor)
    env.globals["section_templates"] = lambda section: section_templates(section, kind)
    return env


def render(config: "Config | None", kind: str, name: str, **variables: Any) -> str:
    """Render template ``name``; any template problem is a RenderError naming where."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    env = environment(config, kind)
    try:
        return env.get_template(name).render(**variables)
    except TemplateSyntaxError as error:
        where = error.filename or error.name or name
        raise RenderError(f"template {where}:{error.lineno}: {error.message}") from None
    except TemplateNotFound as error:
        raise RenderError(f"template not found: {error.name} (needed by {name})") from None
    except RenderError:
        raise
    except Exception as error:
        raise RenderError(f"template {_where(error, name)}: {type(error).__name__}: {error}") from None


def _where(error: BaseException, fallback: str) -> str:
    """The innermost template file and line in the traceback of ``error``."""
    place = fallback
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".html", ".j2", ".css")):
            place = f"{frame.filename}:{frame.lineno}"
    return place
