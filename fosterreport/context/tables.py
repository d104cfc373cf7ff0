"""The building blocks every section is made of: measures and breakdown tables,
headline cards, bar charts and scorecard tables.

:class:`TableBuilder` holds what all sections share (the :class:`Figures`, the period's
labels, the config) and builds the generic tables from KPI ids, so that each section
builder only says which KPIs go where. One :class:`TableBuilder` is made per report and
handed to every section builder (``build(section, tables)``, listed in
:mod:`fosterreport.context.sections`) and to the appendices: the sections use it, they
are not made of it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Iterable

from fosterreport.context.figures import Figures, format_value
from fosterreport.context.model import Card, Cell, ChartSpec, Row, Series, Table
from fosterreport.context.words import BREAKDOWN_WORDS, code_label, lower_first
from fosterreport.formatting import SUPPRESSED, format_date, format_direction
from fosterreport.kpis.restatements import shown

#: After a previous-period figure that differs from the one last year's report published
#: (``[report] previous_report``); the table's note gives both, Appendix B lists them all.
RESTATED_MARK = "r"

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.kpis.results import KpiResults
    from fosterreport.records import Extracts


class TableBuilder:
    """Builds the tables and charts of the sections; holds the figures, the labels and the
    running numbers."""

    def __init__(self, results: "KpiResults", extracts: "Extracts", config: "Config"):
        self.results = results
        self.extracts = extracts
        self.config = config
        self.f = Figures(results, config.publication.suppress_below)
        self.period = results.period
        self.label = self.period.label
        self.previous_label = self.period.previous().label
        self.end_words = format_date(self.period.end)
        self.start_words = format_date(self.period.start - timedelta(days=1))
        #: The restatements the report may show (none withheld now), by (kpi, breakdown, key).
        self.restated = {(each.kpi, each.breakdown, each.key): each
                         for each in shown(results.restated or [], self.f.suppression)}

    def one(self, kpi_id: str, singular: str, plural: str, which: str = "value") -> str:
        """``singular`` when the figure is exactly 1 (and published), else ``plural``."""
        value = self.f.raw(kpi_id, which)
        return singular if value == 1 and not self.f.suppressed(kpi_id, which) else plural

    # restated figures -----------------------------------------------------------------

    def figure_cell(self, kpi_id: str, which: str = "value", breakdown: str | None = None,
                    code: str | None = None, notes: list[str] | None = None) -> Cell:
        """A figure's cell; a restated previous-period figure gets :data:`RESTATED_MARK`
        and (into ``notes``) a note giving what was published and what it is now."""
        text = self.f.text(kpi_id, which, breakdown, code)
        found = self.restated.get((kpi_id, breakdown, code)) if which == "previous" else None
        if found is None:
            return Cell(text)
        if notes is not None:
            note = self.restated_note(found)
            if note not in notes:
                notes.append(note)
        return Cell(f"{text} {RESTATED_MARK}")

    def restated_note(self, found) -> str:
        unit = self.f.unit(found.kpi)
        what = self.f.label(found.kpi)
        if found.breakdown is not None:
            what += f": {lower_first(code_label(found.kpi, found.breakdown, found.key))}"
        return (f"{RESTATED_MARK} = restated: {what}, {self.previous_label}, was published as "
                f"{format_value(found.published, unit)} in last year's report and is now "
                f"{format_value(found.now, unit)} (see Appendix B).")

    # generic tables -------------------------------------------------------------------

    def measures_table(self, table_id: str, caption: str, ids: Iterable[str], *,
                       targets: bool = True, benchmarks: bool = True) -> Table | None:
        """One row per KPI: value, previous, change, direction (+ target, RAG, benchmark)."""
        ids = [i for i in ids if self.f.has(i)]
        if not ids:
            return None
        show_targets = targets and any(self.f.kv(i).target is not None for i in ids)
        show_bench = benchmarks and any(self.f.kv(i).benchmarks for i in ids)
        head = ["Measure", self.label, self.previous_label, "Change", "Direction"]
        if show_targets:
            head += ["Target", "RAG"]
        if show_bench:
            head += ["Benchmark"]
        rows, notes, restated = [], [], []
        for kpi_id in ids:
            kv = self.f.kv(kpi_id)
            cells = [Cell(self.f.text(kpi_id)), self.figure_cell(kpi_id, "previous", notes=restated),
                     Cell(self.f.change(kpi_id)), self.f.direction(kpi_id)]
            if show_targets:
                cells += [Cell(self.f.target(kpi_id, kv.target)), self.f.rag(kv.rag, kpi_id)]
            if show_bench:
                cells += [Cell(self.f.benchmarks_text(kpi_id))]
                notes += self.f.benchmark_notes(kpi_id)
            label = kv.kpi.label + (f" ({kv.note})" if kv.note else "")
            rows.append(Row(label, cells))
        notes += self.coverage_notes([(kpi_id, which) for kpi_id in ids for which in ("value", "previous")])
        return Table(table_id, caption, head, rows, notes + restated, wide=len(head) > 6)

    def coverage_notes(self, figures: Iterable[tuple[str, str]]) -> list[str]:
        """A footnote for each figure shown as n/a because the extracts cannot support it:
        never a 0, and never a direction of travel built on one."""
        notes = []
        for kpi_id, which in dict.fromkeys(figures):
            reason = self.f.not_covered(kpi_id, which)
            if reason:
                period = self.label if which == "value" else self.previous_label
                notes.append(f"{self.f.label(kpi_id)}, {period}: n/a, because {reason}: the extracts do not "
                             f"reach back far enough to compute it.")
        return notes

    def breakdown_table(self, table_id: str, caption: str, kpi_id: str, breakdown: str, *,
                        header: str | None = None, columns: list[tuple[str, str, str]] | None = None,
                        previous: bool = True, total: bool = True, keep_zero: bool = False,
                        note_zero: bool = True) -> Table | None:
        """One row per code of ``breakdown``; ``columns`` = [(heading, kpi id, which)].

        Rows that are zero in every column are left out (and a note says so) unless
        ``keep_zero``. The total row is the KPI's own value, never a sum made here.
        """
        if not self.f.has(kpi_id) or breakdown not in (self.f.kv(kpi_id).by or {}):
            return None
        if columns is None:
            columns = [(self.label, kpi_id, "value")]
            if previous:
                columns.append((self.previous_label, kpi_id, "previous"))
        columns = [c for c in columns if self.f.has(c[1])]
        head = [header or BREAKDOWN_WORDS.get(breakdown, breakdown).capitalize()] + [c[0] for c in columns]
        rows, dropped, restated = [], 0, []
        for code in self.f.codes(kpi_id, breakdown):
            raws = [self.f.raw(k, w, breakdown, code) for _, k, w in columns]
            if not keep_zero and all(not r for r in raws):
                dropped += 1
                continue
            rows.append(Row(code_label(kpi_id, breakdown, code),
                            [self.figure_cell(k, w, breakdown, code, restated) for _, k, w in columns]))
        if total:
            rows.append(Row("Total", [self.figure_cell(k, w, notes=restated) for _, k, w in columns], total=True))
        notes = []
        if dropped and note_zero:
            notes.append(f"{BREAKDOWN_WORDS.get(breakdown, breakdown).capitalize()} values with none "
                         f"in any column are not shown.")
        notes += self.coverage_notes([(k, w) for _, k, w in columns])
        return Table(table_id, caption, head, rows, notes + restated, wide=len(head) > 6)

    def cross_table(self, table_id: str, caption: str, kpi_id: str, name: str, *,
                    header: str | None = None) -> Table | None:
        """A cross-tabulation of the catalogue as a table: a row per key of its rows
        breakdown, a column per key of its columns breakdown, with totals.

        Rows and columns with none in any cell are left out (a note says so). Each total
        is the KPI's own published breakdown cell (or value), never a sum made here,
        except a column whose breakdown the KPI does not publish: then its total is the
        column's sum, withheld when any of its cells is. Withheld cells are "c", decided by
        :func:`fosterreport.kpis.results.cross_withheld` as for the JSON and CSV.
        """
        kv = self.f.kv(kpi_id)
        if kv is None or kv.figure.value is None or name not in kv.figure.cross:
            return None
        table = kv.kpi.cross(name)
        cells = kv.figure.cross[name]
        hidden = self.f.suppression.cross_withheld(kpi_id, name)
        rows_shown = [row for row, line in cells.items() if any(line.values())]
        columns = [column for column in table.columns.keys if any(cells[row][column] for row in cells)]
        if not rows_shown or not columns:
            return None

        def text(row: str, column: str) -> str:
            return SUPPRESSED if (row, column) in hidden else format_value(cells[row][column], "count")

        def column_total(column: str) -> str:
            if column in kv.by.get(table.columns.name, {}):
                return self.f.text(kpi_id, "value", table.columns.name, column)
            if any((row, column) in hidden for row in cells):
                return SUPPRESSED
            return format_value(sum(cells[row][column] for row in cells), "count")

        def row_total(row: str) -> str:
            if row in kv.by.get(table.rows.name, {}):
                return self.f.text(kpi_id, "value", table.rows.name, row)
            if any((row, column) in hidden for column in cells[row]):
                return SUPPRESSED
            return format_value(sum(cells[row].values()), "count")

        head = [header or table.rows.title] + [table.columns.label(column) for column in columns] + ["Total"]
        rows = [Row(table.rows.label(row), [Cell(text(row, column)) for column in columns] + [Cell(row_total(row))])
                for row in rows_shown]
        rows.append(Row("Total", [Cell(column_total(column)) for column in columns] + [Cell(self.f.text(kpi_id))],
                        total=True))
        notes = []
        if len(rows_shown) < len(cells) or len(columns) < len(table.columns.keys):
            notes.append(f"{table.rows.title} and {table.columns.title.lower()} values with none in any "
                         f"cell are not shown.")
        return Table(table_id, caption, head, rows, notes, wide=len(head) > 6)

    def card(self, kpi_id: str, notes: list[str] | None = None) -> Card | None:
        """A headline card; a restated previous figure is marked, its note put in ``notes``."""
        kv = self.f.kv(kpi_id)
        if kv is None:
            return None
        return Card(kpi_id, kv.kpi.label, self.f.text(kpi_id), self.figure_cell(kpi_id, "previous", notes=notes).text,
                    self.previous_label, self.f.change(kpi_id), self.f.direction(kpi_id),
                    self.f.rag(kv.rag, kpi_id) if kv.rag else None, kv.note)

    def hbar(self, chart_id: str, title: str, rows: list[tuple[str, str, Any]], table: Table,
             x_label: str = "") -> ChartSpec:
        labels = [r[0] for r in rows]
        texts = [r[1] for r in rows]
        values = [self.f.chart_value(t, v) for _, t, v in rows]
        alt = f"Bar chart. {title}: " + "; ".join(f"{lbl} {t}" for lbl, t in zip(labels, texts)) + "."
        if self.f.suppress_below and SUPPRESSED in texts:
            alt += f" c = fewer than {self.f.suppress_below}, not published."
        return ChartSpec(chart_id, "hbar", title, alt, labels, [Series(title, values, texts)], table,
                         x_label=x_label)

    def scorecard_table(self, table_id: str, caption: str, rows_in) -> Table:
        f = self.f
        rows, notes, restated = [], [], []
        rows_in = list(rows_in)
        # A column of benchmarks only when one of the rows has any (id, or id.CODE's own).
        show_bench = any(f.kv(row.kpi.id) is not None and (row.code in f.kv(row.kpi.id).benchmark_by if row.code
                                                             else f.kv(row.kpi.id).benchmarks) for row in rows_in)
        for row in rows_in:
            kpi_id, _, code = row.key.partition(".")
            breakdown = f.breakdown_of(kpi_id, code) if code else None
            label = row.kpi.label
            if code:
                label += f": {lower_first(code_label(kpi_id, breakdown or '', code))}"
            previous_cell = None
            if f.has(kpi_id) and (breakdown or not code):
                value = f.text(kpi_id, "value", breakdown, code or None)
                previous = f.text(kpi_id, "previous", breakdown, code or None)
                previous_cell = self.figure_cell(kpi_id, "previous", breakdown, code or None, restated)
            else:
                value = format_value(row.value, row.kpi.unit, suppress_below=f.suppress_below)
                previous = format_value(row.previous, row.kpi.unit, suppress_below=f.suppress_below)
            hidden = SUPPRESSED in (value, previous)
            direction = (Cell(SUPPRESSED, "dir", "n/a") if hidden else
                         Cell(format_direction(row.direction), "dir", row.direction or "n/a"))
            cells = [Cell(value), Cell(format_value(row.target, row.kpi.unit)),
                     f.rag(row.rag, row.kpi.id, row.breakdown, row.code), previous_cell or Cell(previous), direction]
            if show_bench:
                cells.append(Cell(f.benchmarks_text(row.kpi.id, row.code)))
                notes += [note for note in f.benchmark_notes(row.kpi.id, row.code) if note not in notes]
            rows.append(Row(label, cells))
        r = self.config.rules
        head = ["Measure", self.label, "Target", "RAG", self.previous_label, "Direction"]
        return Table(table_id, caption, head + (["Benchmark"] if show_bench else []), rows,
                     [f"RAG: Green = on or better than target, or short of it by at most "
                      f"{format_value(r.rag_green_tolerance, 'rate')} of the target; Amber = short by up to "
                      f"{format_value(r.rag_red_threshold, 'rate')}; Red = short by more.", *notes, *restated],
                     wide=show_bench)
