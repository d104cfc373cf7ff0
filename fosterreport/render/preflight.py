"""What ``build`` would refuse in the narrative and templates, found before anything runs.

``fosterreport validate`` is the command an analyst and a CI job run first; it must not
pass a project that ``build`` then rejects. The checks here need neither the extracts nor
the KPIs: a narrative placeholder is checked against the catalogue (every KPI id, every
breakdown and code it declares), not against one year's figures, and a template is
compiled, not rendered. Each problem is a :class:`~fosterreport.problems.Problem`
(``file:line``, a rule code, a message), so ``validate`` lists them with the extracts'.

Placeholders are resolved by the very objects that fill them in a build
(:class:`~fosterreport.render.narrative.KpiNamespace` and the rest), over
:class:`CatalogueFigures`, a stand-in whose every figure is ``0``: so the messages and
suggestions are the build's own. Every placeholder of a file is checked, in every branch
of an ``{% if %}`` (by walking the template's syntax tree), then the file is rendered once
over the stand-in, which finds what only running finds (a sandbox refusal, a filter
misused).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from fosterreport.exceptions import RenderError
from fosterreport.problems import Problem

if TYPE_CHECKING:
    from fosterreport.config import Config


def preflight(config: "Config") -> list[Problem]:
    """Every problem ``build`` would find in the configured narrative and templates folders."""
    from fosterreport.context.sections import unknown_sections

    problems: list[Problem] = []
    folder = config.resolve(config.report.narrative)
    where = str(config.source.name if config.source else "fosterreport.toml")
    problems += [Problem(where, line, None, "config", message) for line, message in unknown_sections(config, folder)]
    if folder is not None and folder.is_dir():
        problems += check_narratives(folder, config)
    if config.report.templates:
        problems += check_templates(config.resolve(config.report.templates), config.base)
    return problems


# -- the narrative ------------------------------------------------------------------------


class _Value:
    """What :class:`~fosterreport.render.narrative.ByPlaceholder` reads of a KPI value:
    its breakdowns, each a mapping of the codes the catalogue declares."""

    def __init__(self, kpi):
        self.target = self.rag = self.benchmark = None
        self.by = {axis.name: _AnyCode() if axis.keys is None else dict.fromkeys(axis.keys, 0)
                   for axis in kpi.axes}


class _AnyCode(dict):
    """The codes of a breakdown made from the data (budget lines): any is accepted."""

    def __contains__(self, key) -> bool:
        return True


class _Cell:
    text = "0"


class CatalogueFigures:
    """A stand-in for :class:`fosterreport.context.Figures`: every KPI of the catalogue
    present, every figure ``0``. What a placeholder may name is what the catalogue says."""

    def __init__(self, period):
        from types import SimpleNamespace

        from fosterreport.kpis.catalogue import CATALOGUE

        self.results = SimpleNamespace(period=period)
        self._values = {kpi.id: _Value(kpi) for kpi in CATALOGUE}

    def kv(self, kpi_id: str):
        return self._values.get(kpi_id)

    def breakdown_of(self, kpi_id: str, code: str) -> str | None:
        by = self._values[kpi_id].by
        return next((name for name, codes in by.items() if code in codes and not isinstance(codes, _AnyCode)),
                    next((name for name, codes in by.items() if isinstance(codes, _AnyCode)), None))

    def text(self, *args, **kwargs) -> str:
        return "0"

    change = benchmark = text

    def target(self, *args) -> str:
        return "0"

    def direction(self, *args) -> _Cell:
        return _Cell()

    rag = direction


def check_narratives(folder: Path, config: "Config") -> list[Problem]:
    """Each ``*.md`` of ``folder`` (and of its ``implications/``) read as the build reads
    it (size and symlink limits, UTF-8), its name matched to a section, the furniture or
    an author section of its own, its Jinja parsed and its placeholders resolved."""
    from fosterreport.context import SECTION_IDS
    from fosterreport.context.sections import FURNITURE, IMPLICATIONS_FOLDER, author_names, misspelling
    from fosterreport.periods import make_period
    from fosterreport.render.narrative import KpiNamespace, PeriodView, _closest, control_character, read_narrative
    from fosterreport.render.templates import md

    council = config.council()
    figures = CatalogueFigures(make_period(2024))
    variables = {"kpi": KpiNamespace(figures), "period": PeriodView(figures.results.period),
                 "authority": md(council.name or ""), "service": md(council.service or ""),
                 "committee": md(config.report.committee)}
    problems: list[Problem] = []
    chosen = config.report.sections
    authors = author_names(folder, chosen)
    implications = folder / IMPLICATIONS_FOLDER
    paths = sorted(folder.glob("*.md")) + (sorted(implications.glob("*.md")) if implications.is_dir() else [])
    for path in paths:
        name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
        stem = path.stem.lower()
        if path.parent != folder:
            if stem not in config.report.implications:
                close = _closest(stem, config.report.implications)
                problems.append(Problem(name, None, None, "narrative-unknown-file",
                                        "is not in [report] implications, so build would not use it"
                                        + (f" (did you mean {close}.md?)" if close else "")))
                continue
        elif stem not in SECTION_IDS and stem not in FURNITURE and stem not in authors:
            close = misspelling(stem, chosen)
            problems.append(Problem(name, None, None, "narrative-unknown-file",
                                    "matches no report section, so build would not use it"
                                    + (f" (did you mean {close}.md?)" if close else
                                       ": name an author section with lower-case letters, digits and hyphens")))
            continue
        try:
            source = read_narrative(path, folder, name).decode("utf-8-sig")
        except RenderError as error:
            problems.append(Problem(name, None, None, "narrative-unreadable", _without(name, error.messages[0])))
            continue
        except UnicodeDecodeError as error:
            line = error.object[:error.start].count(b"\n") + 1
            problems.append(Problem(name, line, None, "narrative-unreadable", "not UTF-8 text"))
            continue
        control = control_character(source)
        if control:
            problems.append(Problem(name, control[0], None, "narrative-unreadable", control[1]))
            continue
        problems += check_narrative(source, name, variables)
    return problems


def check_narrative(source: str, name: str, variables: dict[str, Any]) -> list[Problem]:
    """The problems of one narrative's text: syntax, then every placeholder, then one render."""
    from jinja2 import TemplateSyntaxError

    from fosterreport.render.narrative import _environment, render_placeholders

    try:
        tree = _environment({name: source}).parse(source, name)
    except TemplateSyntaxError as error:
        return [Problem(name, error.lineno, None, "narrative-syntax", f"placeholder syntax error: {error.message}")]
    problems = list(_placeholder_problems(tree, name, variables, set(_environment({}).globals)))
    if not problems:
        try:
            render_placeholders(source, name, variables)
        except RenderError as error:
            line, message = _located(name, error.messages[0])
            rule = "narrative-placeholder" if message.startswith("unknown placeholder") else "narrative-expression"
            problems.append(Problem(name, line, None, rule, message))
    return problems


def _placeholder_problems(tree, name: str, variables: dict[str, Any], globals_: set[str]) -> Iterator[Problem]:
    """Every ``kpi.…``/``period.…`` chain of the tree resolved on ``variables`` (in every
    branch), and every name that is neither a placeholder nor set in the narrative."""
    from jinja2 import meta, nodes

    from fosterreport.render.narrative import NAMES, PlaceholderError, _closest

    undeclared = meta.find_undeclared_variables(tree)
    printed = {id(child) for output in tree.find_all(nodes.Output) for child in output.nodes}
    seen: set[tuple[int, str]] = set()

    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        chain = _chain(node)
        if chain is None:
            continue
        root, names = chain
        if root in undeclared and root not in variables and root not in globals_:
            key = (node.lineno, root)
            if key not in seen:
                seen.add(key)
                suggestion = _closest(root, NAMES)
                yield Problem(name, node.lineno, None, "narrative-placeholder",
                              f"unknown placeholder '{root}'" + (f" (did you mean '{suggestion}'?)" if suggestion
                                                                 else ""))
            continue
        if root not in variables or root not in undeclared:
            continue
        value = variables[root]
        try:
            for attribute in names:
                value = getattr(value, attribute)
            if id(node) in printed:
                str(value)
        except PlaceholderError as error:
            key = (node.lineno, error.written)
            if key not in seen:
                seen.add(key)
                yield Problem(name, node.lineno, None, "narrative-placeholder", str(error))
        except AttributeError:
            pass  # a method of a string (``authority.upper``): the render below tries it


def _chain(node) -> tuple[str, list[str]] | None:
    """``kpi.approvals.by.MAINSTREAM`` as ("kpi", ["approvals", "by", "MAINSTREAM"]); None
    for a chain that does not start at a name (``'x'.upper``)."""
    from jinja2 import nodes

    names: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            names.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str):
            names.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name) and node.ctx == "load":
            return node.name, names[::-1]
        else:
            return None


def _located(name: str, message: str) -> tuple[int | None, str]:
    """``narrative/x.md:12: message`` (a RenderError's words) as (12, "message")."""
    rest = _without(name, message)
    head, _, tail = rest.partition(": ")
    return (int(head), tail) if head.isdigit() else (None, rest)


def _without(name: str, message: str) -> str:
    return message[len(name) + 1:].lstrip() if message.startswith(name + ":") else message


# -- the templates ------------------------------------------------------------------------


def check_templates(folder: Path, base: Path) -> list[Problem]:
    """Every file of the templates folder compiled in the report's sandbox, the templates
    it includes or extends found, none of them a symbolic link (read as the build reads them)."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, meta

    from fosterreport.render.templates import environment_for_folders, read_template

    problems: list[Problem] = []
    root = Path(folder).resolve()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()):
        relative = path.relative_to(folder).as_posix()
        shown = f"{folder.name}/{relative}"
        if path.is_symlink():
            problems.append(Problem(shown, None, None, "template-outside",
                                    "a symbolic link; templates must be files of the templates folder, not links"))
            continue
        try:  # (read as a build reads it: a link anywhere on the way is refused)
            source = read_template(root, relative)
        except (RenderError, TemplateNotFound) as error:
            message = _without(f"template {shown}", str(error)) if isinstance(error, RenderError) else "not found"
            problems.append(Problem(shown, None, None, "template-outside" if "link" in message else "template-syntax",
                                    message))
            continue
        env = environment_for_folders([folder], "md" if relative.endswith(".md.j2") else "html")
        try:
            tree = env.parse(source, relative)
        except TemplateSyntaxError as error:
            problems.append(Problem(shown, error.lineno, None, "template-syntax", error.message or "syntax error"))
            continue
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                continue  # a name computed while rendering (section_templates): checked then
            try:
                env.loader.get_source(env, referenced)
            except RenderError as error:
                problems.append(Problem(shown, None, None, "template-outside",
                                        f"includes {referenced!r}: " + str(error).removeprefix("template ")))
            except TemplateNotFound:
                problems.append(Problem(shown, None, None, "template-syntax",
                                        f"includes or extends {referenced!r}, which is neither in {folder.name}/ "
                                        f"nor a built-in template"))
    return problems
