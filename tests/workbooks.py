"""Writing extracts as Excel workbooks for the tests, the way a council's would be typed.

openpyxl (a test dependency) writes them; the tool reads them with python-calamine, so
the writer is no oracle of the reader. Cells are written typed, as Excel would hold them
after a council's analyst opened the CSV: dates as dates, amounts and counts as numbers
(``3`` as the float ``3.0``), Yes/No as booleans, and ids with a leading zero as text.
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

_FORMATS = ((re.compile(r"\d{2}/\d{2}/\d{4}"), "%d/%m/%Y"), (re.compile(r"\d{4}-\d{2}-\d{2}"), "%Y-%m-%d"),
            (re.compile(r"\d{2}-[A-Za-z]{3}-\d{4}"), "%d-%b-%Y"))
_NUMBER = re.compile(r"£?-?(\d{1,3}(,\d{3})+|[1-9]\d*|0)(\.\d+)?")


def typed(text: str) -> Any:
    """The value Excel would hold for a CSV cell's text."""
    for shape, fmt in _FORMATS:
        if shape.fullmatch(text):
            return datetime.strptime(text, fmt)
    if _NUMBER.fullmatch(text):
        return float(text.replace("£", "").replace(",", ""))
    if text in ("Yes", "No"):
        return text == "Yes"
    return text if text else None


def write_workbook(rows: list[list[str]], path: Path, *, sheet: str = "Sheet1", typed_cells: bool = True,
                   before: list[list[Any]] | None = None) -> Path:
    """``rows`` (the header first) as the only sheet of a workbook at ``path``; ``before``:
    rows written above the header (a title, a blank row)."""
    from openpyxl import Workbook

    book = Workbook()
    table = book.active
    table.title = sheet
    for row in before or []:
        table.append(row)
    for number, row in enumerate(rows):
        table.append([typed(cell) if typed_cells and number else (cell or None) for cell in row])
    book.save(path)
    return path


def csv_as_workbook(source: Path, target: Path, **options) -> Path:
    with source.open(newline="", encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    return write_workbook(rows, target, **options)


def csvs_and_workbooks(source: Path, folder: Path, label: str = "") -> tuple[Path, Path]:
    """Two data folders under ``folder``: ``source``'s CSV extracts copied, and each saved
    as a workbook (``<stem>.xlsx``), for comparing the two paths on the same extracts."""
    csvs, books = folder / f"{label}csv", folder / f"{label}xlsx"
    csvs.mkdir()
    books.mkdir()
    for path in source.iterdir():
        if path.suffix.lower() == ".csv":
            shutil.copy(path, csvs / path.name)
            csv_as_workbook(path, books / f"{path.stem}.xlsx")
    return csvs, books
