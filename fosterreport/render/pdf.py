"""The PDF: WeasyPrint renders the same HTML, tagged (PDF/UA-1), with title and language.

* ``pdf_variant="pdf/ua-1"``: a tagged PDF (structure tree, ``/MarkInfo``), ``/Lang``
  from ``<html lang>``, ``/Title`` from ``<title>``; each chart is an ``img`` whose
  ``alt`` becomes the ``/Alt`` of its Figure.
* A restricted URL fetcher: ``data:`` URIs, and the images, stylesheets and fonts of the
  project folder (never the data folder), each opened once by the fetcher with symlinks
  refused and handed to WeasyPrint as bytes. Nothing is fetched from the network, nothing
  outside the project is read, no file is attached; a refusal is an error naming the URL.
* Stable bytes: the metadata dates come from ``<meta name=dcterms.created/modified>``,
  which the template fills with the meeting date (or ``SOURCE_DATE_EPOCH``), never now.
* Three repairs to WeasyPrint's structure tree, made by :func:`finish_tags` on its own
  objects before it writes them (WeasyPrint 70, the newest, does none of them):
  the running title, status and page numbers (the page's margin boxes) become
  ``/Artifact`` (``/Pagination``) instead of tagged content attached to nothing (WeasyPrint
  says it would only do this for PDF 2.0); each ``TH`` gets its ``/Scope`` (column in the
  header row, row in the body) beside the ``/ID``/``/Headers`` pairs WeasyPrint sets; and each
  link's ``/Contents`` is the link's own words, not its target's fragment id (``s-summary``).
"""

from __future__ import annotations

import logging
import os
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fosterreport.exceptions import RenderError

PDF_VARIANT = "pdf/ua-1"


#: What the PDF may load from the project, by extension: images, stylesheets and fonts.
#: An extract (``.csv``, ``.xlsx``) or any other file is never served, wherever it is.
ASSET_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp", ".css": "text/css", ".woff": "font/woff",
               ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf"}
#: The largest asset read (a guard against a wrong file).
MAX_ASSET_BYTES = 20 * 1024 * 1024


class Refused(Exception):
    """A resource the PDF may not load; the message says why."""


def read_asset(root: Path, path: str, excluded: tuple[Path, ...] = ()) -> tuple[bytes, str]:
    """The bytes and type of the project asset at absolute ``path``, opened once, by the
    fetcher itself with no link followed (:func:`~fosterreport.render.safe_open.read_inside`):
    no component can be (or become, while the PDF renders) a link out of the project,
    and what was checked is what is read."""
    from pathlib import PurePosixPath

    from fosterreport.render.safe_open import NotInside, read_inside

    pure = PurePosixPath(path)
    if not pure.is_absolute() or not pure.is_relative_to(root.as_posix()):
        raise Refused("outside the project folder")
    parts = pure.relative_to(root.as_posix()).parts
    if not parts or any(part in ("", ".", "..") for part in parts):
        raise Refused("not a file of the project")
    for folder in excluded:
        if pure.is_relative_to(folder.as_posix()):
            raise Refused(f"in the {folder.name}/ folder, whose files never reach an output")
    mime = ASSET_TYPES.get(PurePosixPath(parts[-1]).suffix.lower())
    if mime is None:
        raise Refused("not an image, stylesheet or font (" + ", ".join(sorted(ASSET_TYPES)) + ")")
    try:
        data = read_inside(root, parts, MAX_ASSET_BYTES)
    except NotInside as why:
        raise Refused(str(why)) from None
    except OSError as error:
        raise Refused(error.strerror or str(error)) from None
    return data, mime


def restricted_fetcher(root: Path, excluded: tuple[Path, ...] = (), refused: list[str] | None = None):
    """A WeasyPrint URL fetcher serving ``data:`` URIs and the project's own assets
    (:func:`read_asset`) only, as bytes it read itself (WeasyPrint is never handed a
    path it could open again). Each refusal is added to ``refused``."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = Path(root).resolve()
    excluded = tuple(Path(folder).resolve() for folder in excluded)
    refusals = refused if refused is not None else []

    class Bytes(URLFetcherResponse):
        path = None  # (no file for WeasyPrint to read again later: it has the bytes)

    class RestrictedFetcher(URLFetcher):
        def __init__(self):
            super().__init__(timeout=5, allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            try:
                if scheme != "file":
                    raise Refused("not a file of the project (nothing is fetched from the network)")
                data, mime = read_asset(root, unquote(urlsplit(url).path), excluded)
            except Refused as why:
                refusals.append(f"{_shown(url)!r}: {why}")
                raise ValueError(f"blocked by fosterreport: {_shown(url)}") from None
            return Bytes(url, data, {"Content-Type": mime})

    return RestrictedFetcher()


def _shown(url: str) -> str:
    """At most 60 characters of ``url``: its start and its end, which names the file."""
    return url if len(url) <= 60 else f"{url[:24]}…{url[-35:]}"


def _attachments(document) -> list[str]:
    """The files the document would embed (``<link rel=attachment>``, ``<a rel=attachment>``):
    none is allowed, whatever it names, so that no extract can ever be attached."""
    found = ["<link rel=attachment>: an attachment (a report embeds no files)"] * len(document.metadata.attachments)
    for page in document.pages:
        found += [f"{_shown(str(target))!r}: an attachment (a report embeds no files)"
                  for kind, target, *_ in page.links if kind == "attachment"]
    return found


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


class _LinkWords(HTMLParser):
    """Each link's words, by its target: ``{"s-summary": "1. Summary", "https://…": "…"}``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: dict[str, str] = {}
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self._href, self._text = href, []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            target = self._href[1:] if self._href.startswith("#") else self._href
            words = " ".join("".join(self._text).split())
            if words:
                self.words.setdefault(target, words)
            self._href = None


def link_words(html: str) -> dict[str, str]:
    parser = _LinkWords()
    parser.feed(html)
    return parser.words


def _resolve(pdf, reference):
    return pdf.objects[int(reference.split()[0])]


def finish_tags(html: str):
    """A WeasyPrint ``finisher``: the three structure-tree repairs of the module docstring."""
    words = link_words(html)

    def finish(document, pdf):
        import pydyf

        root = _resolve(pdf, pdf.catalog["StructTreeRoot"])
        reachable: set[int] = set()
        pending = list(root["K"])
        while pending:
            reference = pending.pop()
            if not isinstance(reference, bytes) or int(reference.split()[0]) in reachable:
                continue
            reachable.add(int(reference.split()[0]))
            element = _resolve(pdf, reference)
            if element.get("S") == "/TH":
                section = _resolve(pdf, _resolve(pdf, element["P"])["P"]).get("S")
                element["A"]["Scope"] = "/Column" if section == "/THead" else "/Row"
            pending.extend(k for k in element.get("K", ()) if isinstance(k, bytes))

        # Marked content whose element hangs from nothing: the margin boxes. Streams of a
        # page (its content and the groups drawn in it) share one dict of tags.
        parent_tree = _resolve(pdf, root["ParentTree"])["Nums"]
        page_tags = [id(_resolve(pdf, _resolve(pdf, reference)["Contents"])._tags)
                     for reference in pdf.page_references]
        detached = {}
        for index, tags in enumerate(page_tags):
            by_mcid = parent_tree[2 * index + 1]
            orphans = {mcid for mcid, reference in enumerate(by_mcid)
                       if int(reference.split()[0]) not in reachable}
            detached[tags] = orphans
            for mcid in orphans:
                by_mcid[mcid] = b"null"
        for stream in pdf.objects:
            orphans = detached.get(id(getattr(stream, "_tags", None)))
            if not orphans or not isinstance(stream, pydyf.Stream):
                continue
            operations = stream.stream
            for at, item in enumerate(operations):
                if isinstance(item, pydyf.Dictionary) and item.get("MCID") in orphans:
                    operations[at - 1] = "/Artifact"
                    operations[at] = pydyf.Dictionary({"Type": "/Pagination"})

        for item in pdf.objects:
            if isinstance(item, pydyf.Dictionary) and item.get("Subtype") == "/Link":
                target = item.get("Contents")
                if isinstance(target, pydyf.String) and target.string in words:
                    item["Contents"] = pydyf.String(words[target.string])

    return finish


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render_pdf(html: str, project: Path, excluded: tuple[Path, ...] = ()) -> tuple[bytes, int, list[str]]:
    """The PDF bytes, its page count, and WeasyPrint's warnings. A resource the fetcher
    refuses, or any attachment, is a RenderError naming each (never a silent drop);
    nothing in ``excluded`` (the data folder) is ever read."""
    try:
        from weasyprint import HTML
    except Exception as error:  # pragma: no cover - a broken installation
        raise RenderError(f"PDF engine unavailable: {error}") from None
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        project = Path(project).resolve()
        refused: list[str] = []
        with pinned_font_dates(html):
            document = HTML(string=html, base_url=project.as_uri() + "/",
                            url_fetcher=restricted_fetcher(project, excluded, refused)).render(pdf_variant=PDF_VARIANT)
            refused += _attachments(document)
            if refused:  # (before anything is written, and before any attachment is read)
                raise RenderError("PDF: a template or the logo asks for what the PDF may not load: "
                                  + "; ".join(dict.fromkeys(refused))
                                  + ". It may use data: URIs and images, stylesheets and fonts of the project "
                                    "folder only (see docs/choices.md)")
            data = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=finish_tags(html))
        return data, len(document.pages), collect.messages
    except RenderError:
        raise
    except Exception as error:
        raise RenderError(f"PDF rendering failed: {type(error).__name__}: {error}") from None
    finally:
        logger.removeHandler(collect)
