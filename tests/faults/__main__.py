"""`python -m tests.faults`: the whole fault suite in full (PONTE_FAULTS_FULL=1), then one table
of every scenario's runs from var/faults/. Extra arguments go to pytest (e.g. -k kills)."""

from __future__ import annotations

import os
import sys

import pytest


def main(argv: list[str]) -> int:
    os.environ.setdefault("PONTE_FAULTS_FULL", "1")
    from tests.faults.report import RESULTS_DIR, load_saved, table

    for old in RESULTS_DIR.glob("*.json"):
        old.unlink()
    code = int(pytest.main(["tests/faults", "-q", "-p", "no:cacheprovider", *argv]))
    runs = load_saved()
    print("\n" + table(runs) if runs else "no fault run saved")
    print(f"\nresults: {RESULTS_DIR}")
    clean = runs and all(run.lost == 0 and run.duplicated == 0 for run in runs)
    return code or (0 if clean else 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
