"""The PDF: WeasyPrint renders the same HTML, tagged (PDF/UA-1), with title and language.

* ``pdf_variant="pdf/ua-1"``: a tagged PDF (structure tree, ``/MarkInfo``), ``/Lang``
  from ``<html lang>``, ``/Title`` from ``<title>``; each chart is an ``img`` whose
  ``alt`` becomes the ``/Alt`` of its Figure.
* A restricted URL fetcher: ``data:`` URIs, and files inside the project folder only.
  Nothing is fetched from the network, and nothing outside the project is read.
* Stable bytes: the metadata dates come from ``<meta name=dcterms.created/modified>``,
  which the template fills with the meeting date (or ``SOURCE_DATE_EPOCH``), never now.
"""

from __future__ import annotations

import logging
import os
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fosterreport.exceptions import RenderError

PDF_VARIANT = "pdf/ua-1"


def restricted_fetcher(root: Path):
    """A WeasyPrint URL fetcher allowing ``data:`` and files under ``root`` only."""
    from weasyprint.urls import URLFetcher

    root = Path(root).resolve()

    class RestrictedFetcher(URLFetcher):
        def __init__(self):
            super().__init__(timeout=5, allowed_protocols={"data", "file"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"blocked by fosterreport: {url[:80]}")

    return RestrictedFetcher()


_CREATED = re.compile(r'<meta name="dcterms.created" content="(\d{4}-\d{2}-\d{2})')


@contextmanager
def pinned_font_dates(html: str):
    """Pin the subset fonts' ``head.modified`` to the document's date while WeasyPrint writes.

    When no HarfBuzz subset library is installed, WeasyPrint subsets fonts with fontTools,
    which stamps each subset font with the time it is saved, so two builds seconds apart
    would differ. fontTools takes that time from ``SOURCE_DATE_EPOCH`` when it is set: set
    it (unless the caller already has) to the date the PDF's metadata carries, and put it
    back afterwards.
    """
    found = _CREATED.search(html)
    day = found.group(1) if found else "1970-01-01"
    epoch = int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp())
    before = os.environ.get("SOURCE_DATE_EPOCH")
    if before is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render_pdf(html: str, project: Path) -> tuple[bytes, int, list[str]]:
    """The PDF bytes, its page count, and WeasyPrint's warnings (blocked resources…)."""
    try:
        from weasyprint import HTML
    except Exception as error:  # pragma: no cover - a broken installation
        raise RenderError(f"PDF engine unavailable: {error}") from None
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        project = Path(project).resolve()
        with pinned_font_dates(html):
            document = HTML(string=html, base_url=project.as_uri() + "/",
                            url_fetcher=restricted_fetcher(project)).render(pdf_variant=PDF_VARIANT)
            data = document.write_pdf(pdf_variant=PDF_VARIANT)
        return data, len(document.pages), collect.messages
    except RenderError:
        raise
    except Exception as error:
        raise RenderError(f"PDF rendering failed: {type(error).__name__}: {error}") from None
    finally:
        logger.removeHandler(collect)
