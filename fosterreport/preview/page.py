"""What the preview's browser page is: the report with a reload script, or its problems.

The script is added to the served copy only (:func:`with_reload`): a built report never
carries it. It listens to the server's event stream (``/events``, Server-Sent Events,
which the browser reconnects by itself when the server restarts) and reloads the page
when the version it hears is not the one it shows. It adds nothing to the page a reader
sees or a screen reader announces, so the report's accessibility is the built report's.

The problem page (:func:`problem_page`) is a small accessible document of its own (a
language, a title, one ``h1``, a list), every text escaped: a problem quotes what the
author wrote, and a narrative may hold markup.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fosterreport.preview.report import Problem

#: The event stream the page listens to, and the long-poll a script or test can wait on.
EVENTS_PATH = "/events"
VERSION_PATH = "/version"
PDF_PATH = "/report.pdf"

_SCRIPT = """<script>
/* fosterreport preview (never in a built report): reload when the report is rebuilt */
(function () {{
  var shown = {version};
  var events = new EventSource("{events}");
  events.onmessage = function (event) {{
    if (Number(event.data) !== shown) {{ events.close(); window.location.reload(); }}
  }};
}}());
</script>
"""


def reload_script(version: int) -> str:
    return _SCRIPT.format(version=int(version), events=EVENTS_PATH)


def with_reload(html: str, version: int) -> str:
    """``html`` with the reload script just before its last ``</body>`` (at the end when
    a template override has none)."""
    script = reload_script(version)
    at = html.rfind("</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report not rebuilt: {count}</title>
<style>
body {{ font-family: system-ui, sans-serif; line-height: 1.5; margin: 2rem auto; max-width: 60rem;
        padding: 0 1rem; color: #1a1a1a; background: #fff; }}
h1 {{ color: #8a1c1c; font-size: 1.6rem; }}
li {{ margin-bottom: 1rem; }}
code, pre {{ font-family: ui-monospace, monospace; }}
pre {{ background: #f3f3f3; border-left: 4px solid #8a1c1c; padding: 0.5rem 0.75rem; overflow-x: auto;
       white-space: pre-wrap; }}
</style>
</head>
<body>
<main>
<h1>The report was not rebuilt: {count}</h1>
<p>Fix what is listed below and save: this page reloads itself once the report builds again.
The same problems are printed where <code>fosterreport preview</code> runs.</p>
<ol>
{items}
</ol>
</main>
{script}</body>
</html>
"""


def _item(problem: "Problem") -> str:
    where = f"<code>{escape(problem.location)}</code>: " if problem.file else ""
    excerpt = ""
    if problem.excerpt is not None:
        label = f"Line {problem.line} of {problem.file}"
        excerpt = (f'\n<pre aria-label="{escape(label)}"><code>{escape(problem.excerpt)}</code></pre>')
    return f"<li>{where}{escape(problem.message)}{excerpt}</li>"


def problem_page(problems: list["Problem"], version: int) -> str:
    """The page listing ``problems``, each located and escaped, with the reload script."""
    count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
    return _PAGE.format(count=count, items="\n".join(_item(problem) for problem in problems),
                        script=reload_script(version))
