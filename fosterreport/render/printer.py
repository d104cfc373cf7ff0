"""The PDF printed in a process of its own, started before anything else is imported.

WeasyPrint's layout is most of a build and runs on one core; importing it (Pango and
HarfBuzz through cffi) takes about as long as importing pandas and computing the KPIs.
So ``fosterreport build`` starts a :class:`Printer` first thing: a fresh interpreter that
imports WeasyPrint while the command imports pandas, loads the extracts, computes the
KPIs and renders the HTML; it is then handed the HTML and lays out the PDF while the
command renders the Markdown, the JSON and the Word file. The PDF is the same bytes as
:func:`~fosterreport.render.pdf.render_pdf` gives in-process (it is that function, run
there), and a failure there is the same :class:`~fosterreport.exceptions.RenderError`.

The child is a plain ``python -c`` reading pickled requests on its stdin and writing
pickled answers on its stdout (no ``fork`` of a process that may hold threads, and no
``multiprocessing`` re-import of the caller's main module). Library callers
(:func:`fosterreport.build_report`) print in-process unless they pass a printer.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from fosterreport.exceptions import RenderError

#: The child's program: import the PDF engine at once, then print each request.
PROGRAM = "from fosterreport.render.printer import serve; serve()"


class Printer:
    """A WeasyPrint process, ready (or getting ready) to print one or more PDFs."""

    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-c", PROGRAM], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, close_fds=True)

    def submit(self, html: str, project: Path, excluded: tuple[Path, ...] = ()) -> None:
        """Start printing ``html`` (as :func:`~fosterreport.render.pdf.render_pdf` takes it)."""
        try:
            pickle.dump((html, str(project), tuple(str(folder) for folder in excluded)), self.process.stdin)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise RenderError(f"PDF rendering failed: the PDF process stopped ({self._ended()})") from None

    def result(self) -> tuple[bytes, int, list[str]]:
        """The PDF bytes, page count and WeasyPrint's warnings of the request submitted."""
        try:
            kind, value = pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError, OSError):
            raise RenderError(f"PDF rendering failed: the PDF process stopped ({self._ended()})") from None
        if kind == "error":
            raise RenderError(value)
        return value

    def ready(self) -> bool:
        """Whether the answer to the request submitted has begun to arrive (or the process
        has ended): :meth:`result` would then not wait for the layout. Never blocks."""
        import select

        readable, _, _ = select.select([self.process.stdout], [], [], 0)
        return bool(readable)

    def _ended(self) -> str:
        code = self.process.poll()
        return "still running" if code is None else f"exit code {code}"

    def close(self) -> None:
        """Stop the process, at once: it holds nothing to save (a PDF it printed has been
        read, and one under way is no longer wanted), and an interpreter that has laid out
        a report takes a few tenths of a second to tear itself down, which the command
        need not wait for."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    def __enter__(self) -> "Printer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve() -> None:
    """The child's loop: each pickled request on stdin gets one pickled answer on stdout,
    ``("ok", (pdf, pages, warnings))`` or ``("error", message)``, until stdin closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the answers
    from fosterreport.render.pdf import render_pdf
    import weasyprint  # noqa: F401  (imported now, while the parent works, not when the HTML arrives)

    while True:
        try:
            html, project, excluded = pickle.load(requests)
        except EOFError:
            return
        try:
            answer = ("ok", render_pdf(html, Path(project), tuple(Path(folder) for folder in excluded)))
        except RenderError as error:
            answer = ("error", str(error))
        except Exception as error:  # pragma: no cover - render_pdf turns failures into RenderError
            answer = ("error", f"PDF rendering failed: {type(error).__name__}: {error}")
        pickle.dump(answer, answers)
        answers.flush()
