"""The template environment: built-in templates, overridable by name.

Templates live in the repository's top-level ``templates/`` folder; the wheel ships them
as ``fosterreport/templates``. A project can override any of them by giving a file of
the same name in the folder named by ``[report] templates`` (a Jinja ``ChoiceLoader``:
the project's folder first, then the built-in one).

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
    if config is not None and config.report.templates:
        user = config.resolve(config.report.templates)
        if user is None or not user.is_dir():
            raise RenderError(f"[report] templates: folder not found: {user}")
        folders.append(user)
    folders.append(builtin_templates())
    return folders


# -- Markdown escaping filters ------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def md(text: Any) -> str:
    """Inline text made safe for Markdown: special characters escaped, HTML inert."""
    text = "" if text is None else str(text)
    text = re.sub(r"\s*\n\s*", " ", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def md_head(head: list[str]) -> str:
    return "| " + " | ".join(md(h) for h in head) + " |"


def md_rule(table) -> str:
    """The alignment row: figures right-aligned, text left."""
    return "| " + " | ".join("---:" if numeric else "---" for numeric in table.numeric) + " |"


def md_row(row) -> str:
    header = md(row.header) + (f" (`{row.code}`)" if getattr(row, "code", None) else "")
    cells = [header] + [md(c.text) for c in row.cells]
    if row.total:
        cells = [f"**{c}**" if c else c for c in cells]
    return "| " + " | ".join(cells) + " |"


def gfm_anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", str(title).lower())
    return slug.replace(" ", "-")


def environment(config: "Config | None", kind: str):
    """A sandboxed environment for ``kind`` ``"html"`` or ``"md"``."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    loader = ChoiceLoader([FileSystemLoader(str(folder)) for folder in template_folders(config)])
    env = SandboxedEnvironment(
        loader=loader, undefined=StrictUndefined,
        autoescape=(lambda name: bool(name) and name.endswith(".html")) if kind == "html" else False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(md=md, md_head=md_head, md_rule=md_rule, md_row=md_row, gfm_anchor=gfm_anchor)
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
