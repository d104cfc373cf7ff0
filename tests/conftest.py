"""Shared pytest options.

``--fuzz-long`` (or ``FOSTERREPORT_FUZZ=long`` in the environment) runs the fuzz tests of
``tests/test_hardening_fuzz.py`` with the long profile: thousands of random examples
instead of the fast, derandomised profile the default run (and CI) uses.
"""

from __future__ import annotations

import os


def pytest_addoption(parser):
    parser.addoption("--fuzz-long", action="store_true", default=False,
                     help="run the extract fuzz tests with the long profile (thousands of random examples)")


def pytest_configure(config):
    # Set before the test modules are imported, so their @settings see it.
    if config.getoption("--fuzz-long"):
        os.environ["FOSTERREPORT_FUZZ"] = "long"
