"""Cross-tabulations (issue 14, item 2): a KPI's count by two breakdowns at once.

The oracle is Dorset's 2022/23 fostering report, which gives deregistration reasons by
household type: mainstream 27 resigned and 2 ended by the service; connected persons 32
because the child moved on, 14 to special guardianship and 1 resigned. The households
below are built to have exactly those deregistrations in 2022/23 (and one the year
before, and one after, which must not count).
"""

from __future__ import annotations

import csv
import io

import pytest

from kpi_frames import extracts, household

from fosterreport.config import Config, Publication
from fosterreport.kpis import compute_kpis
from fosterreport.kpis.catalogue import BY_ID, CATALOGUE
from fosterreport.kpis.export import to_csv, to_json
from fosterreport.kpis.results import Figure, cross_withheld
from fosterreport.periods import make_period

DORSET = {("MAINSTREAM", "RESIGNED"): 27, ("MAINSTREAM", "TERMINATED"): 2,
          ("CONNECTED", "CHILD_MOVED_ON"): 32, ("CONNECTED", "SGO"): 14, ("CONNECTED", "RESIGNED"): 1}


def dorset_households() -> list[dict]:
    rows = []
    for (kind, reason), count in DORSET.items():
        for number in range(count):
            rows.append(household(f"{kind[0]}{reason[:3]}{number}", "2015-06-01", kind=kind,
                                  deregistered="2022-09-01", reason=reason))
    rows.append(household("BEFORE", "2015-06-01", deregistered="2022-03-31", reason="SGO"))  # 2021/22
    rows.append(household("AFTER", "2015-06-01", deregistered="2023-04-01", reason="RESIGNED"))  # 2023/24
    rows.append(household("STAYS", "2015-06-01", kind="CONNECTED"))
    return rows


@pytest.fixture(scope="module")
def dorset():
    return compute_kpis(extracts(households=dorset_households()), make_period(2023))


def test_dorset_deregistrations_by_type_and_reason(dorset):
    table = dorset["deregistrations"].figure.cross["household_type/reason"]
    found = {(row, column): count for row, line in table.items() for column, count in line.items() if count}
    assert found == DORSET
    assert table["MAINSTREAM"]["RESIGNED"] == 27 and table["MAINSTREAM"]["TERMINATED"] == 2
    assert (table["CONNECTED"]["CHILD_MOVED_ON"], table["CONNECTED"]["SGO"], table["CONNECTED"]["RESIGNED"]) == (32, 14, 1)


def test_every_code_is_present_zeros_included(dorset):
    table = dorset["deregistrations"].figure.cross["household_type/reason"]
    cross = BY_ID["deregistrations"].cross("household_type/reason")
    assert list(table) == list(cross.rows.keys)
    assert all(list(line) == list(cross.columns.keys) for line in table.values())
    assert table["FFA"] == dict.fromkeys(cross.columns.keys, 0)


def test_rows_and_columns_add_up_to_the_breakdowns(dorset):
    figure = dorset["deregistrations"].figure
    table = figure.cross["household_type/reason"]
    assert {row: sum(line.values()) for row, line in table.items()} == figure.by["household_type"]
    columns = {column: sum(line[column] for line in table.values()) for column in figure.by["reason"]}
    assert columns == figure.by["reason"]
    assert figure.value == 76


def test_json_carries_the_cross_tab_on_the_kpi(dorset):
    entry = to_json(dorset)["kpis"]["deregistrations"]
    assert entry["cross"]["household_type/reason"]["MAINSTREAM"]["RESIGNED"] == 27
    assert entry["cross"]["household_type/reason"]["CONNECTED"]["SGO"] == 14
    assert "cross_suppressed" not in entry  # suppression off: no flags, as for breakdowns
    assert "cross" not in to_json(dorset)["kpis"]["approvals"]  # only where the catalogue declares one


def test_json_withholds_small_cells_and_their_protectors(dorset):
    """suppress_below 10: the 2 terminated and the 1 resigned are withheld; each is alone
    in its row, whose total (29, 47) is published, so the smallest other non-zero cell of
    the row goes too (27 resigned; 14 SGO). Then the resigned column has two withheld, and
    the terminated and SGO columns one each but no other non-zero cell: nothing more."""
    entry = to_json(dorset, 10)["kpis"]["deregistrations"]
    table = entry["cross"]["household_type/reason"]
    assert set(entry["cross_suppressed"]["household_type/reason"]) == {
        "MAINSTREAM/TERMINATED", "MAINSTREAM/RESIGNED", "CONNECTED/RESIGNED", "CONNECTED/SGO"}
    assert table["MAINSTREAM"]["TERMINATED"] is None and table["CONNECTED"]["RESIGNED"] is None
    assert table["CONNECTED"]["CHILD_MOVED_ON"] == 32
    assert table["FFA"]["RESIGNED"] == 0


def test_a_single_withheld_cell_is_protected_in_its_row_and_column():
    """Rows A = (5, 1), B = (6, 7) adding up to published margins; suppress_below 2
    withholds the 1, so 5 goes with it (row A), then column 1 has 1 withheld and column 0
    has 5 withheld: 7 goes (column 1's smallest other), then row B has one withheld: 6."""
    figure = Figure(19, by={"r": {"A": 6, "B": 13}, "c": {"X": 11, "Y": 8}},
                    basis=(19,), basis_by={"r": {"A": (6,), "B": (13,)}, "c": {"X": (11,), "Y": (8,)}},
                    cross={"r/c": {"A": {"X": 5, "Y": 1}, "B": {"X": 6, "Y": 7}}})
    assert cross_withheld(figure, 2, "r/c") == {("A", "X"), ("A", "Y"), ("B", "X"), ("B", "Y")}
    assert cross_withheld(figure, 0, "r/c") == set()


def test_a_withheld_margin_keeps_a_cell_of_its_row_withheld():
    """Row A's margin (3) is withheld; its cells 3 and 0 would add up to it, so 3 goes,
    and then column X (margin 9, published) has one withheld cell: its other, 6, goes."""
    figure = Figure(9, by={"r": {"A": 3, "B": 6}}, basis=(9,), basis_by={"r": {"A": (3,), "B": (6,)}},
                    cross={"r/c": {"A": {"X": 3, "Y": 0}, "B": {"X": 6, "Y": 0}}})
    assert cross_withheld(figure, 4, "r/c") == {("A", "X"), ("B", "X")}


def test_csv_has_a_row_per_cell(dorset):
    rows = list(csv.DictReader(io.StringIO(to_csv(dorset))))
    cells = {row["key"]: row["value"] for row in rows if row["breakdown"] == "household_type/reason"}
    assert cells["MAINSTREAM/RESIGNED"] == "27" and cells["CONNECTED/CHILD_MOVED_ON"] == "32"
    assert cells["FFA/SGO"] == "0"
    assert len(cells) == len(BY_ID["deregistrations"].cross("household_type/reason").rows.keys) * \
        len(BY_ID["deregistrations"].cross("household_type/reason").columns.keys)
    withheld = {row["key"]: row["value"] for row in csv.DictReader(io.StringIO(to_csv(dorset, 10)))
                if row["breakdown"] == "household_type/reason"}
    assert withheld["MAINSTREAM/TERMINATED"] == "c" and withheld["CONNECTED/CHILD_MOVED_ON"] == "32"


def test_approvals_by_type_sought_and_source_and_panel_items_by_type_and_outcome():
    enquiries = [
        {"enquiry_id": "E1", "enquiry_date": "2022-05-01", "source": "WEBSITE", "household_type_sought": "MAINSTREAM",
         "approval_date": "2022-12-01"},
        {"enquiry_id": "E2", "enquiry_date": "2022-05-01", "source": None, "household_type_sought": "CONNECTED",
         "approval_date": "2023-01-01"},
        {"enquiry_id": "E3", "enquiry_date": "2022-05-01", "source": "WEBSITE", "household_type_sought": "MAINSTREAM"},
    ]
    panel = [
        {"panel_date": "2022-06-01", "item_type": "FORM_F", "outcome": "RECOMMENDED"},
        {"panel_date": "2022-06-01", "item_type": "FORM_F", "outcome": None},
        {"panel_date": "2021-06-01", "item_type": "FORM_F", "outcome": "RECOMMENDED"},
    ]
    results = compute_kpis(extracts(households=[household("H1", "2015-01-01")], enquiries=enquiries, panel=panel),
                           make_period(2023))
    approvals = results["approvals_from_enquiries"].figure.cross["household_type_sought/source"]
    assert approvals["MAINSTREAM"]["WEBSITE"] == 1 and approvals["CONNECTED"]["NOT_RECORDED"] == 1
    assert sum(sum(line.values()) for line in approvals.values()) == 2
    items = results["panel_items"].figure.cross["item_type/outcome"]
    assert items["FORM_F"]["RECOMMENDED"] == 1 and items["FORM_F"]["NOT_RECORDED"] == 1
    assert sum(sum(line.values()) for line in items.values()) == 2


def test_crosses_are_of_count_kpis_and_of_their_own_breakdowns():
    declared = [kpi for kpi in CATALOGUE if kpi.crosses]
    assert {kpi.id for kpi in declared} >= {"deregistrations", "approvals_from_enquiries", "panel_items"}
    for kpi in declared:
        assert kpi.unit == "count", kpi.id
        assert all(table.rows.keys and table.columns.keys for table in kpi.crosses), kpi.id


# -- the report's table ---------------------------------------------------------------------


def _table(results, suppress_below: int = 0):
    from fosterreport.context.tables import TableBuilder

    config = Config(publication=Publication(suppress_below=suppress_below))
    return TableBuilder(results, None, config).cross_table(
        "t", "Deregistrations by household type and reason", "deregistrations", "household_type/reason",
        header="Type of fostering household")


def test_the_report_table_has_row_and_column_headers_and_totals(dorset):
    table = _table(dorset)
    assert table.head == ["Type of fostering household", "Resigned", "Terminated by the service",
                          "Special guardianship", "Child moved on", "Total"]
    assert [(row.header, [cell.text for cell in row.cells], row.total) for row in table.rows] == [
        ("Mainstream", ["27", "2", "0", "0", "29"], False),
        ("Connected persons", ["1", "0", "14", "32", "47"], False),
        ("Total", ["28", "2", "14", "32", "76"], True),
    ]
    assert table.notes == ["Household type and reason values with none in any cell are not shown."]


def test_the_report_table_withholds_what_the_json_does(dorset):
    """The column totals are the reason breakdown's cells, withheld as the breakdown
    withholds them: 2 terminated, and 14 SGO as its secondary cell."""
    rows = {row.header: [cell.text for cell in row.cells] for row in _table(dorset, 10).rows}
    assert rows["Mainstream"] == ["c", "c", "0", "0", "29"]
    assert rows["Connected persons"] == ["c", "0", "c", "32", "47"]
    assert rows["Total"] == ["28", "c", "c", "32", "76"]
