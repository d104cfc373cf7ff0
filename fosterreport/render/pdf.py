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
