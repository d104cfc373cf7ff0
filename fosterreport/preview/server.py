"""Serving the preview on 127.0.0.1, and rebuilding it when a file it reads changes.

The server is the standard library's :class:`~http.server.ThreadingHTTPServer`, bound to
the loopback address only (a report from real data is not for the network). Watching is
:mod:`watchfiles` (the operating system's file events, not a polling loop): each batch of
changes is sorted by what it reaches (:meth:`ReportPreview.kind_of`) and rebuilds once,
from the widest stage it reaches; files the report does not read are ignored.

Paths served::

    /             the report (with the reload script), or the problem page (status 500)
    /events       Server-Sent Events: the current version, then each new one
    /version      the current version as JSON; ``?after=N`` waits (long-poll) for a newer one
    /report.pdf   the current report through the PDF engine, built on request
"""

from __future__ import annotations

import errno
import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from fosterreport.exceptions import FosterReportError, UsageError
from fosterreport.preview.page import EVENTS_PATH, PDF_PATH, VERSION_PATH, problem_page, with_reload
from fosterreport.preview.report import CONFIG, KINDS, Outcome, Problem, ReportPreview

#: The only interface the preview listens on.
HOST = "127.0.0.1"
#: Longest a long-poll or a quiet event stream waits before answering (it then asks again).
WAIT_SECONDS = 15.0


class PreviewHandler(BaseHTTPRequestHandler):
    server: "PreviewHTTPServer"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        url = urlsplit(self.path)
        preview = self.server.preview
        if url.path in ("/", "/index.html"):
            outcome = preview.current
            if outcome.html is not None:
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", with_reload(outcome.html, outcome.version))
            else:
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                           problem_page(outcome.problems, outcome.version))
        elif url.path == VERSION_PATH:
            after = parse_qs(url.query).get("after", [None])[0]
            version = preview.current.version
            if after is not None and after.lstrip("-").isdigit():
                version = preview.wait_for(int(after), WAIT_SECONDS)
            outcome = preview.current
            self._send(HTTPStatus.OK, "application/json",
                       json.dumps({"version": version, "ok": outcome.html is not None}))
        elif url.path == EVENTS_PATH:
            self._events()
        elif url.path == PDF_PATH:
            self._pdf()
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", "not found: the report is at /\n")

    def _send(self, status: HTTPStatus, content_type: str, body: str | bytes) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _events(self) -> None:
        """The version now, then each new one, until the client or the server goes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        preview, version = self.server.preview, -1
        try:
            while not self.server.stopping.is_set():
                current = preview.wait_for(version, WAIT_SECONDS)
                # a comment line when nothing changed keeps proxies and the browser from timing out
                self.wfile.write(f"data: {current}\n\n".encode() if current != version else b": waiting\n\n")
                self.wfile.flush()
                version = current
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page reloaded or was closed

    def _pdf(self) -> None:
        try:
            data = self.server.preview.pdf()
        except FosterReportError as error:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                       problem_page([Problem("", message) for message in error.messages],
                                    self.server.preview.current.version))
            return
        self._send(HTTPStatus.OK, "application/pdf", data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the standard library's name)
        """Quiet: the command prints rebuilds and problems, not every request."""


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never holds the command at Ctrl-C

    def __init__(self, preview: ReportPreview, port: int):
        self.preview = preview
        self.stopping = threading.Event()
        super().__init__((HOST, port), PreviewHandler)


def bind(preview: ReportPreview, port: int) -> PreviewHTTPServer:
    """The server listening on 127.0.0.1:``port`` (0: a free port); a port that cannot be
    had is a UsageError saying so."""
    try:
        return PreviewHTTPServer(preview, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"--port {port}: the port is already in use on {HOST}; stop what uses it or "
                             f"choose another (--port 8001)") from None
        if error.errno == errno.EACCES:
            raise UsageError(f"--port {port}: not allowed to listen on this port; choose one above 1023") from None
        raise UsageError(f"--port {port}: cannot listen on {HOST}: {error.strerror or error}") from None


def watched_roots(preview: ReportPreview) -> list[Path]:
    """The folders to watch: the config's, the data, narrative and templates folders, each
    once (none inside another). The config's folder is watched because an editor saves a
    file by replacing it, which a watch on the file itself would lose."""
    config = preview.config
    roots = list(preview.folders().values())
    if config is not None and config.source is not None:
        roots.append(Path(config.source).resolve().parent)
    existing = sorted({root for root in roots if root.is_dir()}, key=lambda root: len(root.parts))
    kept: list[Path] = []
    for root in existing:
        if not any(root.is_relative_to(outer) for outer in kept):
            kept.append(root)
    return kept


def reach_of(preview: ReportPreview, paths: list[str]) -> str | None:
    """The widest stage any of ``paths`` reaches (:data:`KINDS`), or None when none matters."""
    kinds = {preview.kind_of(path) for path in paths} - {None}
    return next((kind for kind in KINDS if kind in kinds), None)


def watch(preview: ReportPreview, stop: threading.Event, report: Callable[[Outcome, list[str]], None],
          ready: threading.Event | None = None) -> None:
    """Rebuild on each batch of relevant changes until ``stop`` is set, telling ``report``
    each outcome and the files that caused it. After a config change the folders watched
    are worked out again (the data folder may have moved)."""
    import watchfiles

    while not stop.is_set():
        roots = watched_roots(preview)
        if not roots:
            stop.wait()
            return
        changes = watchfiles.watch(*roots, stop_event=stop, debounce=400, step=30, rust_timeout=500,
                                   yield_on_timeout=True, raise_interrupt=False)
        try:
            for batch in changes:
                if ready is not None:
                    ready.set()  # (the first timeout: the watch is in place)
                paths = sorted({path for _change, path in batch})
                reach = reach_of(preview, paths)
                if reach is None:
                    continue
                report(preview.rebuild(reach, reason=", ".join(paths)), paths)
                if reach == CONFIG and watched_roots(preview) != roots:
                    break
        except OSError:  # a watched folder removed or renamed: watch what is there now
            report(preview.rebuild(CONFIG, reason="a watched folder changed"), [])
            stop.wait(1.0)


class PreviewServer:
    """The server and the watcher, each in a thread: :meth:`start`, then :meth:`stop`.
    The command runs the server in its own thread instead (:meth:`serve`)."""

    def __init__(self, preview: ReportPreview, port: int,
                 report: Callable[[Outcome, list[str]], None] = lambda outcome, paths: None):
        self.preview, self.report = preview, report
        self.http = bind(preview, port)
        self.stopping = self.http.stopping
        self.watching = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{host}:{port}/"

    def start_watching(self) -> None:
        thread = threading.Thread(target=watch, args=(self.preview, self.stopping, self.report, self.watching),
                                  name="fosterreport-preview-watch", daemon=True)
        thread.start()
        self._threads.append(thread)

    def start(self) -> "PreviewServer":
        """Watch and serve in background threads; returns once the watch is in place."""
        self.start_watching()
        thread = threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.1},
                                  name="fosterreport-preview-http", daemon=True)
        thread.start()
        self._threads.append(thread)
        self.watching.wait(10)
        return self

    def serve(self) -> None:
        """Serve in this thread until Ctrl-C (or :meth:`stop` from another)."""
        self.start_watching()
        try:
            self.http.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        self.stopping.set()
        self.preview.close()  # event streams and long-polls waiting return now
        if any(thread.name.endswith("http") for thread in self._threads):
            self.http.shutdown()
        self.http.server_close()
        for thread in self._threads:
            thread.join(5)
        self._threads = []
