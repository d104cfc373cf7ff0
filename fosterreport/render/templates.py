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
from fosterreport.text import markdown_code, markdown_text
from fosterreport.render.sandbox import MAX_BUILT, sandbox_class  # noqa: F401 (the one sandbox, for both)

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
    """Inline text made safe for Markdown: controls removed, special characters escaped,
    HTML inert (:func:`fosterreport.text.markdown_text`)."""
    return markdown_text(text)


def md_head(head: list[str]) -> str:
    return "| " + " | ".join(md(h) for h in head) + " |"


def md_rule(table) -> str:
    """The alignment row: figures right-aligned, text left."""
    return "| " + " | ".join("---:" if numeric else "---" for numeric in table.numeric) + " |"


def md_row(row) -> str:
    header = md(row.header) + (f" ({markdown_code(row.code)})" if getattr(row, "code", None) else "")
    cells = [header] + [md(c.text) for c in row.cells]
    if row.total:
        cells = [f"**{c}**" if c else c for c in cells]
    return "| " + " | ".join(cells) + " |"


def gfm_anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    slug = re.sub(r"[^\w\- ]", "", str(title).lower())
    return slug.replace(" ", "-")


#: What one render of a report template may build and write: generous for a regional
#: report of many councils, far from what a machine runs out of.
TEMPLATE_LIMITS = {"max_output": 200 * MAX_BUILT, "max_work": 400 * MAX_BUILT, "max_steps": 2_000_000,
                   "inert_text": True}


#: The largest template file read (a guard against a wrong file).
MAX_TEMPLATE_BYTES = 1024 * 1024


def read_template(folder: Path, name: str) -> str:
    """The text of template ``name`` (``sections/x.html``) of ``folder``, read with no
    symbolic link followed; :class:`~jinja2.TemplateNotFound` when it is not there, a
    RenderError naming it when it is a link, not a file, too large or not UTF-8."""
    from jinja2 import TemplateNotFound

    from fosterreport.render.safe_open import NotInside, read_inside

    shown = f"{folder.name}/{name}"
    try:
        data = read_inside(folder, name.split("/"), MAX_TEMPLATE_BYTES)
    except FileNotFoundError:
        raise TemplateNotFound(name) from None
    except NotInside as why:
        raise RenderError(f"template {shown}: {why}; templates must be files of the templates folder") from None
    except OSError as error:
        raise RenderError(f"template {shown}: cannot be read: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RenderError(f"template {shown}: not UTF-8 text") from None


def folder_loader(folder: Path):
    """A Jinja loader of ``folder`` (resolved once, here) through :func:`read_template`."""
    from jinja2 import BaseLoader

    root = Path(folder).resolve()

    class FolderLoader(BaseLoader):
        def get_source(self, environment, template):
            return read_template(root, template), str(root / template), lambda: True

    return FolderLoader()


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


_compiled_templates = None


def compiled_templates():
    """Jinja's cache of compiled templates, in the user's own temporary folder
    (``FileSystemBytecodeCache``, which refuses a folder another user could write to), so
    that a fresh ``build`` does not compile the report's templates again (0.1 s of the
    build before its PDF can start). Keyed by each file's path and the checksum of its
    text, so an edited template, a project's own included, is compiled anew; the output is
    the same either way. A cache that cannot be used only makes the build slower: a missing
    safe folder, a file that cannot be read or written, is not an error."""
    global _compiled_templates
    if _compiled_templates is None:
        try:
            _compiled_templates = template_cache()
        except (OSError, RuntimeError):  # no safe temporary folder: compiled every time
            _compiled_templates = False
    return _compiled_templates or None


def template_cache(directory: str | None = None):
    """A ``FileSystemBytecodeCache`` (in ``directory``, else Jinja's per-user temporary
    folder) that treats a file it cannot read or write as absent."""
    from jinja2 import FileSystemBytecodeCache

    class TemplateCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # unreadable, cut short or not a cache file at all: compiled afresh
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:  # a full or read-only folder: compiled again next time
                pass

    return TemplateCache(directory)


def environment_for_folders(folders: list[Path], kind: str):
    """:func:`environment` over the templates of ``folders`` (the first that has a name
    wins), then the built-in ones: what ``validate`` compiles a project's templates in."""
    from jinja2 import ChoiceLoader, StrictUndefined

    from fosterreport.render.svg_charts import sparkline_uri

    builtin = builtin_templates()
    folders = list(folders) + ([builtin] if builtin not in folders else [])
    loader = ChoiceLoader([folder_loader(folder) for folder in folders])
    env = sandbox_class()(
        loader=loader, undefined=StrictUndefined,
        autoescape=(lambda name: bool(name) and name.endswith(".html")) if kind == "html" else False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=compiled_templates(),
        **TEMPLATE_LIMITS)
    env.filters.update(md=md, md_head=md_head, md_rule=md_rule, md_row=md_row, gfm_anchor=gfm_anchor,
                       sparkline=sparkline_uri)
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
