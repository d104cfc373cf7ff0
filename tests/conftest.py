"""Shared pytest options and fixtures.

``--fuzz-long`` (or ``FOSTERREPORT_FUZZ=long`` in the environment) runs the fuzz and
property tests (``tests/test_hardening_fuzz.py``, ``tests/test_kpis_properties.py``, the
random councils of ``tests/test_fast_paths.py``) with the long profile: many more, fresh
random examples instead of the fast, derandomised profile the default run (and CI) uses.

``sample_outputs`` is the embedded sample built as a user builds it (``fosterreport build
--year 2024 --format html,md``), made once per session (per xdist worker) for the modules
that only read it; a test that changes a file copies it first.
"""

from __future__ import annotations

import os
import sys

import pytest


def pytest_addoption(parser):
    parser.addoption("--fuzz-long", action="store_true", default=False,
                     help="run the extract fuzz tests with the long profile (thousands of random examples)")


#: What an xdist worker's environment may differ in from the run that started it: execnet's
#: worker process comes up with COLUMNS=80 and LINES=24, which the terminal tables read.
TERMINAL_SIZE = ("COLUMNS", "LINES")


def pytest_configure(config):
    # Set before the test modules are imported, so their @settings see it.
    if config.getoption("--fuzz-long"):
        os.environ["FOSTERREPORT_FUZZ"] = "long"
    if getattr(config.option, "loadscopereorder", None):
        # xdist (3.x) otherwise hands out the modules by how many tests each has, most first,
        # whatever their order here: the region build (8 tests, the longest setup) then
        # starts near the end and the run waits on it with one worker idle. LONGEST_FIRST
        # below is the order that counts.
        config.option.loadscopereorder = False
    started_by = getattr(config, "workerinput", {}).get("terminal_size")
    if started_by is not None:  # an xdist worker: the environment of the run that started it
        for name in TERMINAL_SIZE:
            if started_by.get(name) is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = started_by[name]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """(xdist, in the run that starts the workers) hand each worker this run's terminal size."""
    node.workerinput["terminal_size"] = {name: os.environ.get(name) for name in TERMINAL_SIZE}


#: The modules that take longest (each builds PDFs or a region, or many small reports),
#: longest first (CPU measured on the 2-core machine), collected first so that xdist hands
#: them out first and the run does not end waiting on one of them alone.
LONGEST_FIRST = ("test_region_build.py", "test_hostile_render.py", "test_render_docx.py",
                 "test_hardening_determinism.py", "test_build.py", "test_hardening_security.py",
                 "test_region_hub.py", "test_preview.py", "test_render_furniture.py", "test_hardening_privacy.py",
                 "test_hardening_faults.py", "test_cli_build.py", "test_render_accessibility.py")


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session):
    """Collect with bytecode writing on, even where ``PYTHONDONTWRITEBYTECODE`` is set (as in
    many containers): pytest then keeps each test module's assert-rewritten code in
    ``tests/__pycache__`` (git ignores it) instead of rewriting all of them again in every
    xdist worker on every run, about 5 s of CPU per worker. Only collection is affected;
    the tests run under the setting they were started with."""
    saved = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    try:
        yield
    finally:
        sys.dont_write_bytecode = saved


def pytest_collection_modifyitems(config, items):
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each module's order kept


@pytest.fixture(scope="session")
def sample_outputs(tmp_path_factory) -> dict[str, bytes]:
    """Each file of ``fosterreport build --year 2024 --format html,md`` of the embedded
    sample, by name (the golden build's, :func:`golden_files.build_sample`)."""
    from golden_files import build_sample

    return build_sample(tmp_path_factory.mktemp("sample-build"))
