"""HTML tables as Word tables: caption above, header rows repeated on every page.

Part of the walk in :mod:`fosterreport.render.docx`. Each ``table`` becomes a real Word
table (Table Grid style), never text laid out with tabs: its ``caption`` a Caption
paragraph kept with the table, its ``thead`` rows (or a first row of ``th`` cells) marked
``w:tblHeader`` so Word and LibreOffice repeat them at the top of each page the table runs
onto, ``colspan``/``rowspan`` as merged cells, numbers right-aligned and totals in bold as
in the HTML. Rows never split across pages, and a short table is kept on one page.
"""

from __future__ import annotations

#: Tables of at most this many rows are kept on one page (a longer one splits between
#: rows, its header repeated).
KEEP_WHOLE_ROWS = 15
HEADER_FILL = "F3F2F1"


class CellBox:
    """A table cell the walk writes into as into the body: its first paragraph (a cell
    always has one) is used before any is added, so no cell starts with an empty one."""

    def __init__(self, cell, style_ids):
        self.cell, self.style_ids, self.fresh = cell, style_ids, True

    @property
    def paragraphs(self):
        return self.cell.paragraphs

    def add_paragraph(self, text: str = "", style: str | None = None):
        if self.fresh:
            self.fresh = False
            paragraph = self.cell.paragraphs[0]
            if text:
                paragraph.add_run(text)
        else:
            paragraph = self.cell.add_paragraph(text)
        self.style_ids.apply(paragraph, style or "Table Text")
        return paragraph

    def add_table(self, rows: int, cols: int):
        self.fresh = False
        return self.cell.add_table(rows, cols)


class Grid:
    """A Word table's cells by row and column, as ``table.cell(r, c)`` gives them, laid out
    once and again only after a merge (the one thing that changes the layout).

    python-docx's ``table.cell`` (and its public ``row.cells`` alike) lays out the whole
    table's grid on each call, so filling a table cell by cell cost time in the square of
    its size (a third of a Word build); its grid, ``table._cells``, is kept here instead."""

    def __init__(self, table):
        self.table, self.columns, self.cells = table, len(table.columns), None

    def cell(self, row: int, column: int):
        if self.cells is None:
            self.cells = self.table._cells  # the list ``table.cell`` indexes
        return self.cells[row * self.columns + column]

    def merge(self, cell, other):
        self.cells = None
        return cell.merge(other)


def _span(cell, name: str) -> int:
    try:
        return max(1, int(cell.get(name, "1")))
    except ValueError:
        return 1


#: Characters of table text (9.5 pt Arial) a line of the page's text width holds.
LINE_CHARACTERS = 88


def column_widths(placed, columns: int, total: int) -> list[int]:
    """Widths sharing ``total``: each column at least as wide as its longest word (so
    headings and numbers do not break inside a word), the rest of the line shared in
    proportion to how much longer its cells' texts are."""
    floor, want = [3] * columns, [3] * columns
    for _, c, _, across, cell in placed:
        if across == 1:
            words = cell.text_content().split()
            bold = 1.2 if cell.tag == "th" else 1.0  # header cells are bold: wider letters
            floor[c] = max(floor[c], round(min(max((len(word) for word in words), default=0), 24) * bold) + 2)
            want[c] = max(want[c], min(len(" ".join(words)), 45) + 2)
    room = LINE_CHARACTERS - sum(floor)
    extra = [w - f for w, f in zip(want, floor)]
    if room > 0 and sum(extra):
        chars = [f + room * e / sum(extra) if sum(extra) > room else w for f, e, w in zip(floor, extra, want)]
    else:
        chars = floor
    return [int(total * share / sum(chars)) for share in chars]


def add_table(builder, table, box) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Inches

    from fosterreport.render import wordml

    caption = table.find("caption")
    if caption is not None:
        builder.paragraph(box, builder.runs(caption), "Caption")
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    if not rows:
        return
    headers = sum(1 for row in rows if row.getparent().tag == "thead")
    if not headers and all(cell.tag == "th" for cell in rows[0].xpath("./th|./td")):
        headers = 1
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row.xpath("./th|./td"):
            while (r, c) in taken:
                c += 1
            down, across = min(_span(cell, "rowspan"), len(rows) - r), _span(cell, "colspan")
            taken.update((r + i, c + j) for i in range(down) for j in range(across))
            placed.append((r, c, down, across, cell))
            c += across
    columns = max(c for _, c in taken) + 1
    word = box.add_table(rows=len(rows), cols=columns)
    word._tbl.tblStyle_val = builder.style_ids("Table Grid", WD_STYLE_TYPE.TABLE)  # what ``word.style = …`` sets
    word.autofit = False

    widths = column_widths(placed, columns, Inches(builder.text_width))
    for index, column in enumerate(word.columns):
        column.width = widths[index]
    grid = Grid(word)
    for r, c, down, across, cell in placed:
        target = grid.cell(r, c)
        if down > 1 or across > 1:
            target = grid.merge(target, grid.cell(r + down - 1, c + across - 1))
        target.width = sum(widths[c:c + across])
        builder.blocks(cell, CellBox(target, builder.style_ids), "Table Text")
        bold = r < headers or "total" in cell.getparent().classes
        right = "num" in cell.classes or "dir" in cell.classes or "rag" in cell.classes
        for paragraph in target.paragraphs:
            if right:
                wordml.align_right(paragraph)
            if bold:
                for run in paragraph.runs:
                    run.bold = True
            if len(rows) <= KEEP_WHOLE_ROWS and r < len(rows) - 1:
                wordml.keep_with_next(paragraph)
        if r < headers:
            wordml.shade(target, HEADER_FILL)
    for r, row in enumerate(word.rows):
        (wordml.repeat_header if r < headers else wordml.keep_row_whole)(row)
