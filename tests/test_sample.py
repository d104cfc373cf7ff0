"""The synthetic sample: reproducible, contract-valid, and messy the way real exports are.

The consistency checks here read the files with the csv module and the contract's own
column specs, independently of the validating loader, so a loader bug cannot hide a
generator bug (the loader gets its own end-to-end check at the bottom).
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from fosterreport.codes import HouseholdType
from fosterreport.contract import EXTRACTS, columns
from fosterreport.exceptions import UsageError
from fosterreport.sample import generate_sample
from fosterreport.sample.export import MOSAIC_HEADERS, TYPE_LABELS
from fosterreport.values import is_blank

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
LAST_DAY = date(2024, 3, 31)


@pytest.fixture(scope="module")
def anyshire(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("anyshire")
    generate_sample(folder)
    return folder


@pytest.fixture(scope="module")
def two_councils(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("two")
    generate_sample(folder, authorities=2, households=60, seed=11)
    return folder


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def read(folder: Path, extract: str) -> list[dict] | None:
    """Rows of one extract as typed dicts, headers resolved through the contract's aliases."""
    model = EXTRACTS[extract]
    path = next((p for p in folder.iterdir() if p.name.lower() == model.file), None)
    if path is None:
        return None
    specs = {}
    for spec in columns(model):
        for name in (spec.name, *spec.aliases):
            specs[header_key(name)] = spec
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        found = [specs.get(header_key(name)) for name in next(reader)]
        rows = []
        for cells in reader:
            row = {spec.name: spec.default for spec in columns(model)}
            for spec, cell in zip(found, cells):
                if spec is not None and not is_blank(cell):
                    row[spec.name] = spec.cell.parse(cell)
            rows.append(row)
    return rows


def check_contract(folder: Path) -> None:
    """The contract's invariants, checked row by row on one council's folder."""
    households = {h["household_id"]: h for h in read(folder, "households")}
    assert len(households) == len(read(folder, "households")), "household ids are unique"
    for extract in ("enquiries", "placements", "holds", "reviews", "visits", "budget"):
        assert read(folder, extract), f"{extract}: the row-by-row checks below would check nothing"
    for h in households.values():
        assert (h["deregistration_date"] is None) == (h["deregistration_reason"] is None)
        assert h["deregistration_date"] is None or h["deregistration_date"] >= h["approval_date"]

    def active(hid: str, start: date, end: date | None) -> bool:
        """Approved for the whole of [start, end), end None meaning still open."""
        h = households[hid]
        dereg = h["deregistration_date"]
        return h["approval_date"] <= start and (dereg is None or (end is not None and end <= dereg))

    for extract in EXTRACTS:
        rows = read(folder, extract) or []
        for spec in columns(EXTRACTS[extract]):
            if spec.unique:
                values = [row[spec.name] for row in rows]
                assert len(values) == len(set(values)), f"{extract}.{spec.name} is unique"
            if spec.references == "households" or (spec.name == "household_id" and extract != "households"):
                assert {row[spec.name] for row in rows} - {None} <= households.keys(), f"{extract} references"
            if spec.cell.kind == "date":
                assert all(row[spec.name] is None or row[spec.name] <= LAST_DAY for row in rows), extract

    chain = ("enquiry_date", "initial_visit_date", "application_date", "stage2_date", "panel_date", "approval_date")
    for e in read(folder, "enquiries"):
        dates = [e[name] for name in chain if e[name] is not None]
        assert dates == sorted(dates)
        assert e["closed_date"] is None or e["closed_date"] >= e["enquiry_date"]
        assert e["approval_date"] is None or e["closed_date"] is None
        assert (e["closed_date"] is None) == (e["closed_reason"] is None)
        if e["approval_date"] is not None:
            assert households[e["household_id"]]["approval_date"] == e["approval_date"]

    placements = read(folder, "placements")
    main_by_child, main_by_household = defaultdict(list), defaultdict(list)
    for p in placements:
        assert p["end_date"] is None or p["end_date"] >= p["start_date"]
        if p["provider"] == "IN_HOUSE":
            assert active(p["household_id"], p["start_date"], p["end_date"]), p
        if p["placement_kind"] == "MAIN":
            main_by_child[p["child_id"]].append(p)
            if p["provider"] == "IN_HOUSE":
                main_by_household[p["household_id"]].append(p)
    assert any(p["placement_kind"] == "RESPITE" for p in placements)
    for stays in main_by_child.values():
        stays.sort(key=lambda p: p["start_date"])
        for before, after in zip(stays, stays[1:]):
            assert before["end_date"] is not None and after["start_date"] >= before["end_date"]
    for hid, stays in main_by_household.items():
        events = sorted([(p["start_date"], 1) for p in stays] +
                        [(p["end_date"], -1) for p in stays if p["end_date"] is not None],
                        key=lambda e: (e[0], e[1]))   # an end frees the place for a start that day
        placed = 0
        for _, change in events:
            placed += change
            assert placed <= households[hid]["approved_places"], hid

    for hold in read(folder, "holds"):
        assert active(hold["household_id"], hold["start_date"], hold["end_date"])
    for review in read(folder, "reviews"):
        assert households[review["household_id"]]["approval_date"] <= review["due_date"]
    for visit in read(folder, "visits"):
        assert active(visit["household_id"], visit["visit_date"], visit["visit_date"])

    members = read(folder, "mockingbird") or []
    for m in members:
        assert active(m["household_id"], m["joined_date"] or m["launch_date"], m["left_date"])
    for name in {m["constellation"] for m in members}:
        hubs = [m for m in members if m["constellation"] == name and m["role"] == "HUB"]
        assert len(hubs) == 1 and hubs[0]["left_date"] is None and hubs[0]["joined_date"] is None

    budget = read(folder, "budget")
    years = {row["financial_year"] for row in budget}
    assert all(re.fullmatch(r"\d{4}-\d{2}", year) for year in years)
    latest = max(years)
    assert any(row["forecast"] and row["as_at"] for row in budget if row["financial_year"] == latest)
    assert any(not row["forecast"] for row in budget if row["financial_year"] == latest)


# -- reproducible -------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path):
    first = generate_sample(tmp_path / "a", seed=7, households=80)
    second = generate_sample(tmp_path / "b", seed=7, households=80)
    assert [p.name for p in first] == [p.name for p in second]
    assert contents(tmp_path / "a") == contents(tmp_path / "b")


def test_different_seeds_differ(tmp_path):
    generate_sample(tmp_path / "a", seed=1, households=80)
    generate_sample(tmp_path / "b", seed=2, households=80)
    a, b = contents(tmp_path / "a"), contents(tmp_path / "b")
    assert a.keys() == b.keys()
    assert all(a[name] != b[name] for name in ("households.csv", "enquiries.csv", "visits.csv"))


def test_committed_sample_is_the_default_output(anyshire):
    expected = {**contents(anyshire), "README.md": (SAMPLE_DATA / "README.md").read_bytes()}
    assert contents(SAMPLE_DATA) == expected, (
        "sample_data/ is not the generator's output: run `fosterreport sample --out sample_data --seed 2024`")


@pytest.mark.parametrize("where", [".", "council-01"])
def test_a_folder_holding_extracts_is_never_written_over(tmp_path, where):
    (tmp_path / where).mkdir(exist_ok=True)
    (tmp_path / where / "placements.csv").write_text("a council's own file\n")
    with pytest.raises(UsageError, match="already holds extracts"):
        generate_sample(tmp_path, households=30, authorities=1 if where == "." else 2)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        str(Path(where) / "placements.csv")]
    assert (tmp_path / where / "placements.csv").read_text() == "a council's own file\n"


# -- several councils ---------------------------------------------------------------------


def test_authorities_gives_a_folder_and_config_per_council(tmp_path):
    written = generate_sample(tmp_path, authorities=3, households=40)
    folders = sorted(p for p in tmp_path.iterdir())
    assert len(folders) == 3 and all(re.fullmatch(r"council-0[1-3]-[a-z-]+", f.name) for f in folders)
    configs = [tomllib.loads((f / "fosterreport.toml").read_text(encoding="utf-8")) for f in folders]
    assert all(set(c) == {"authority"} and set(c["authority"]) == {"name", "service"} for c in configs)
    names = [c["authority"]["name"] for c in configs]
    assert len(set(names)) == 3 and names[0] == "Anyshire County Council"
    assert {p.parent for p in written} == set(folders)
    sizes = {len((f / "households.csv").read_bytes()) for f in folders}
    assert len(sizes) == 3


def test_every_council_keeps_the_contract(two_councils):
    for folder in sorted(two_councils.iterdir()):
        check_contract(folder)


# -- the embedded sample ------------------------------------------------------------------


def test_sample_keeps_the_contract(anyshire):
    check_contract(anyshire)


def test_sample_has_the_mess_real_exports_have(anyshire):
    households = (anyshire / "households.csv").read_text(encoding="utf-8")
    header = households.splitlines()[0].split(",")
    assert set(MOSAIC_HEADERS.values()) <= set(header) and "Carer Name" in header
    assert "Connected Persons" in households and "Foster to Adopt" in households and ",DER3," in households
    assert (anyshire / "Placements.CSV").exists() and " 00:00" in (anyshire / "Placements.CSV").read_text()
    assert re.search(r"\d{2}-[A-Z][a-z]{2}-\d{4}", (anyshire / "panel.csv").read_text())
    assert re.search(r"\d{4}-\d{2}-\d{2}", (anyshire / "visits.csv").read_text())
    budget = (anyshire / "budget.csv").read_text(encoding="utf-8")
    assert '"£' in budget and '"(' in budget
    assert ",Yes\n" in (anyshire / "reviews.csv").read_text() and ",Y," in households


def test_type_labels_are_accepted_spellings():
    assert all(HouseholdType.parse(label) is kind for kind, label in TYPE_LABELS.items())
    households = {spec.name: spec.aliases for spec in columns(EXTRACTS["households"])}
    assert all(alias in households[name] for name, alias in MOSAIC_HEADERS.items())


def test_sample_looks_like_a_shire_county(anyshire):
    """The figures a committee would read for 2023/24 are in realistic ranges."""
    end = LAST_DAY
    households = read(anyshire, "households")
    approved = [h for h in households if h["approval_date"] <= end and h["deregistration_date"] is None]
    assert 150 <= len(approved) <= 200
    mainstream = [h for h in approved if h["household_type"] == "MAINSTREAM"]
    assert 0.55 <= len(mainstream) / len(approved) <= 0.75
    year = [e for e in read(anyshire, "enquiries") if e["enquiry_date"] >= date(2023, 4, 1)]
    assert 45 <= len(year) <= 80
    placed = [p for p in read(anyshire, "placements")
              if p["placement_kind"] == "MAIN" and p["end_date"] is None and p["provider"] == "IN_HOUSE"]
    assert 150 <= len(placed) <= 220


# -- the validating loader agrees ---------------------------------------------------------


def test_loader_finds_no_problems_in_the_samples(two_councils):
    from fosterreport.records import load_extracts

    for folder in [SAMPLE_DATA, *sorted(two_councils.iterdir())]:
        problems = load_extracts(folder).problems
        assert problems.errors == [] and problems.warnings == [], folder
