"""The sandbox report templates and narrative placeholders render in, with size bounds
that hold for every way of building a string.

Jinja's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` stops escapes (no
``__class__``, no ``|attr`` to private names, no ``list.append``) but not an expression
that builds a gigabyte: ``'{:z>3000000}'.format(1)``, ``x|indent(3000000)``,
``x|join('z'*999999)``, ``lipsum(20000)``, ``x ~ x ~ x``, a loop inside a loop. Here
every way a template builds text is bounded, before the text is built where the growth
is unbounded (a width, a separator, a repetition) and after it where it is a small
factor (escaping, upper-casing):

* one string or list is at most :data:`MAX_BUILT` characters or items (``*``, ``+``,
  ``%``, ``~``, ``str.format`` and every amplifying filter and ``str`` method are checked
  from their arguments; a ``str`` method that is not on :data:`STR_METHODS` is refused);
* the characters built in one render (every filter's, call's, slice's and operator's
  result) add up to at most the environment's ``max_work``, and the loop steps to
  ``max_steps``, so that no loop, however nested, runs long;
* the text a render writes (top level, ``{% set %}`` blocks, macros) is at most
  ``max_output`` characters;
* ``lipsum``, ``urlize``, ``pprint`` and ``tojson`` (unbounded or unused) are removed;
* with ``inert_text``, every plain string a template prints (text from data) has its
  control and bidirectional-formatting characters removed.

A refusal is a :class:`~jinja2.exceptions.SecurityError`, which the callers turn into a
message naming the file and line.
"""

from __future__ import annotations

import functools
import numbers
import re
import string
from typing import Any

#: The longest string or list one expression may build.
MAX_BUILT = 1_000_000
#: The widest field a format (``%``, ``|format``, ``str.format``) may ask for.
MAX_WIDTH = 1000

#: The ``str`` methods a template may call (what text needs; none grows without bound
#: except those :meth:`ReportSandbox.call` checks).
STR_METHODS = frozenset({
    "capitalize", "casefold", "center", "count", "endswith", "find", "format", "format_map", "index",
    "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "islower", "isnumeric", "isspace",
    "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition", "removeprefix",
    "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split",
    "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill",
})
#: Filters removed from the sandbox.
REMOVED_FILTERS = ("urlize", "pprint", "tojson")

_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_NUMBERS = re.compile(r"\d+")


def _refuse(message: str):
    from jinja2.exceptions import SecurityError

    raise SecurityError(message)


def measure(value: Any, limit: int = MAX_BUILT) -> int:
    """An upper bound of ``len(str(value))``, walking lists, tuples, sets and dicts (each
    object's text is taken once however often it is repeated), stopping once past ``limit``."""
    total, stack, seen = 0, [value], {}
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, float):
            total += 24
        elif isinstance(item, (list, tuple, set, frozenset, dict, range)):
            total += 2 + 2 * len(item)
            if isinstance(item, range):
                total += 8 * len(item)
            elif total <= limit:
                stack.extend(item.items() if isinstance(item, dict) else item)
        else:
            if id(item) not in seen:
                seen[id(item)] = len(str(item))
            total += seen[id(item)]
    return total


def check_size(size: Any, what: str = "a string or list") -> None:
    if isinstance(size, numbers.Number) and size > MAX_BUILT:
        _refuse(f"building {what} longer than {MAX_BUILT:,} is not allowed")


def check_percent_format(text: str) -> None:
    for match in _PERCENT_FIELD.finditer(text):
        for size in match.groups():
            if size == "*" or (size and int(size) > MAX_WIDTH):
                _refuse(f"%-format widths over {MAX_WIDTH} (or given by *) are not allowed")


def check_str_format(text: str) -> int:
    """The number of fields of a ``str.format`` string; refused when a width is over
    :data:`MAX_WIDTH` or given by another field (``{:{w}}``)."""
    fields = 0
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return 0  # (str.format raises the same error itself)
    for _literal, field, spec, _conversion in parsed:
        if field is None:
            continue
        fields += 1
        spec = spec or ""
        if "{" in spec or any(int(n) > MAX_WIDTH for n in _NUMBERS.findall(spec)):
            _refuse(f"format widths over {MAX_WIDTH} (or given by another field) are not allowed")
    return fields


class Budget:
    """What one render may still build: characters, and loop steps."""

    def __init__(self, work: int, steps: int):
        self.work, self.steps = work, steps

    def spend(self, characters: int) -> None:
        self.work -= characters
        if self.work < 0:
            _refuse("this builds more text in all than a report needs; is an expression in a loop?")

    def step(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            _refuse("this loops more often than a report needs (loops inside loops?)")


# -- the amplifying filters, checked from their arguments -------------------------------------


def _lines(text: Any) -> int:
    return str(text).count("\n") + 1


def _filter_checks():
    """name -> a check of the filter's arguments, for the filters whose output can grow
    far beyond their input."""

    def center(value, width=80, *args, **kwargs):
        check_size(width)

    def indent(value, width=4, *args, **kwargs):
        per_line = width if isinstance(width, int) else len(str(width))
        check_size(measure(value) + _lines(value) * per_line)

    def join(value, d="", *args, **kwargs):
        items = list(value) if not isinstance(value, (str, list, tuple)) else value
        check_size(measure(items) + len(str(d)) * len(items))
        return items

    def replace(value, old, new, count=None):
        text, old = str(value), str(old)
        times = text.count(old) if old else len(text) + 1
        if count is not None and isinstance(count, int) and count >= 0:
            times = min(times, count)
        check_size(len(text) + times * max(len(str(new)) - len(old), 0))

    def wordwrap(value, width=79, break_long_words=True, wrapstring=None, *args, **kwargs):
        text = str(value)
        check_size(len(text) * (1 + len(wrapstring if wrapstring is not None else "\n")))

    def format_(value, *args, **kwargs):
        check_percent_format(str(value))
        check_size(len(str(value)) + measure(list(args) + list(kwargs.values())) * max(str(value).count("%"), 1))

    def truncate(value, length=255, killwords=False, end="...", *args, **kwargs):
        check_size(len(str(end)))

    return {"center": center, "indent": indent, "join": join, "replace": replace, "wordwrap": wordwrap,
            "format": format_, "truncate": truncate}


#: Filters that make text of their first argument: it is measured (walking lists) first.
_STRINGIFYING = frozenset({"string", "e", "escape", "forceescape", "upper", "lower", "title", "capitalize",
                           "trim", "striptags", "urlencode", "wordcount", "reverse", "xmlattr", "safe",
                           "center", "indent", "wordwrap", "truncate", "replace", "format"})


def _bounded_filter(name: str, function, environment, check):
    @functools.wraps(function)
    def bounded(*args, **kwargs):
        # (a filter taking the context or environment first gets it before the value)
        offset = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0
        value_args = args[offset:]
        if value_args and name in _STRINGIFYING:
            check_size(measure(value_args[0]))
        if check is not None and value_args:
            replaced = check(*value_args, **kwargs)
            if replaced is not None:
                args = args[:offset] + (replaced,) + args[offset + 1:]
        result = function(*args, **kwargs)
        size = measure(result) if isinstance(result, (str, list, tuple, dict)) else 0
        check_size(size)
        environment.budget.spend(size)
        return result

    return bounded


def bounded_filters(environment) -> None:
    """Every filter of ``environment`` bounded (Jinja's own; the report's own add nothing
    their input does not hold)."""
    checks = _filter_checks()
    for name in REMOVED_FILTERS:
        environment.filters.pop(name, None)
    for name, function in list(environment.filters.items()):
        environment.filters[name] = _bounded_filter(name, function, environment, checks.get(name))


def _sandbox_class():
    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from fosterreport.text import strip_controls

    class BoundedCodeGenerator(CodeGenerator):
        """``a ~ b ~ c`` joined through :meth:`ReportSandbox.bounded_join`, slices taken
        through :meth:`ReportSandbox.getitem`."""

        def visit_Concat(self, node, frame):  # noqa: N802 (Jinja's name)
            if frame.eval_ctx.volatile:
                join = "(markup_join if context.eval_ctx.volatile else str_join)"
            elif frame.eval_ctx.autoescape:
                join = "markup_join"
            else:
                join = "str_join"
            self.write(f"environment.bounded_join({join}, (")
            for argument in node.nodes:
                self.visit(argument, frame)
                self.write(", ")
            self.write("))")

        def visit_Getitem(self, node, frame):  # noqa: N802 (Jinja's name)
            """``x[a:b:c]`` through :meth:`ReportSandbox.getitem` too (Jinja slices directly)."""
            if not isinstance(node.arg, nodes.Slice):
                return super().visit_Getitem(node, frame)
            self.write("environment.getitem(")
            self.visit(node.node, frame)
            self.write(", slice(")
            for part in (node.arg.start, node.arg.stop, node.arg.step):
                if part is None:
                    self.write("None")
                else:
                    self.visit(part, frame)
                self.write(", ")
            self.write("))")

    class ReportSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "%", "+"})
        code_generator_class = BoundedCodeGenerator

        def __init__(self, *args, max_output: int = MAX_BUILT, max_work: int = 20 * MAX_BUILT,
                     max_steps: int = 100_000, inert_text: bool = False, **kwargs):
            super().__init__(*args, **kwargs)
            self.inert_text = inert_text
            self.max_output, self.max_work, self.max_steps = max_output, max_work, max_steps
            self.budget = Budget(max_work, max_steps)
            self.globals.pop("lipsum", None)
            bounded_filters(self)
            self.filters["_steps"] = self._steps
            self.finalize = self._finalize
            self.concat = self.bounded_concat

        # -- what a render writes and joins ------------------------------------------------

        def _finalize(self, value):
            size = measure(value)
            check_size(size)
            self.budget.spend(size)
            if self.inert_text and isinstance(value, str) and not hasattr(value, "__html__"):
                return strip_controls(value)  # (text from data: no control or bidi character printed)
            return value

        def bounded_concat(self, parts) -> str:
            """What a render, a ``{% set %}`` block or a macro writes, stopped at ``max_output``."""
            kept, total = [], 0
            for part in parts:
                total += len(part)
                if total > self.max_output:
                    _refuse(f"the rendered text exceeds {self.max_output:,} characters")
                kept.append(part)
            return "".join(kept)

        def bounded_join(self, join, parts):
            total = 0
            for part in parts:
                total += measure(part)
                check_size(total)
            self.budget.spend(total)
            return join(parts)

        def _steps(self, iterable):
            for item in iterable:
                self.budget.step()
                yield item

        def _parse(self, source, name, filename):
            tree = super()._parse(source, name, filename)
            for loop in tree.find_all(nodes.For):  # every loop counts its steps
                loop.iter = nodes.Filter(loop.iter, "_steps", [], [], None, None, lineno=loop.iter.lineno)
            return tree

        # -- operators, calls, slices ---------------------------------------------------------

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, numbers.Number) and abs(right) > 64:
                _refuse("powers above 64 are not allowed")
            if operator == "*":
                for sequence, times in ((left, right), (right, left)):
                    if isinstance(sequence, (str, list, tuple)) and isinstance(times, int):
                        check_size(measure(sequence) * times if sequence else 0)
                if isinstance(left, int) and isinstance(right, int):
                    check_size(left.bit_length() + right.bit_length())
            if operator == "+" and isinstance(left, (str, list, tuple)):
                check_size(measure(left) + measure(right))
            if operator == "%" and isinstance(left, str):
                check_percent_format(left)
                check_size(len(left) + measure(right) * max(left.count("%"), 1))
            result = super().call_binop(context, operator, left, right)
            if isinstance(result, (str, list, tuple)):
                self.budget.spend(len(result))
            return result

        def format_string(self, s, args, kwargs, format_func=None):
            fields = check_str_format(str(s))
            check_size(len(s) + fields * measure(list(args) + list(kwargs.values())))
            result = super().format_string(s, args, kwargs, format_func)
            self.budget.spend(len(result))
            return result

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
            owner = getattr(__obj, "__self__", None)
            name = getattr(__obj, "__name__", "")
            if isinstance(owner, str) and callable(__obj) and name != "format" and name != "format_map":
                if name not in STR_METHODS:
                    _refuse(f"the string method {name!r} is not allowed")
                if name in ("ljust", "rjust", "center", "zfill"):
                    for size in args:
                        check_size(size)
                if name == "join" and args:
                    items = list(args[0])
                    check_size(measure(items) + len(owner) * len(items))
                    args = (items,) + args[1:]
                if name == "replace" and len(args) >= 2:
                    _filter_checks()["replace"](owner, *args[:3])
            result = super().call(__context, __obj, *args, **kwargs)
            size = measure(result) if isinstance(result, (str, list, tuple, dict)) else 0
            check_size(size)
            __self.budget.spend(size)
            return result

        def getitem(self, obj, argument):
            result = super().getitem(obj, argument)
            if isinstance(argument, slice) and isinstance(result, (str, list, tuple)):
                self.budget.spend(len(result))
            return result

    return ReportSandbox


_SANDBOX = None


def sandbox_class():
    """The report's sandboxed environment class (made once: Jinja is imported lazily)."""
    global _SANDBOX
    if _SANDBOX is None:
        _SANDBOX = _sandbox_class()
    return _SANDBOX
