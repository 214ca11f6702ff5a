"""`python -m tests.faults`: the whole fault suite in full (PONTE_FAULTS_FULL=1), repeated
PONTE_FAULTS_REPEAT times (3), then one table of every run from var/faults/. Extra arguments go
to pytest (e.g. -k kills)."""

from __future__ import annotations

import os
import subprocess
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("PONTE_FAULTS_FULL", "1")
    from tests.faults.report import RESULTS_DIR, load_saved, table

    for old in RESULTS_DIR.glob("*.json"):
        old.unlink()
    code = 0
    for round_ in range(1, int(os.environ.get("PONTE_FAULTS_REPEAT", "3")) + 1):
        os.environ["PONTE_FAULTS_ROUND"] = str(round_)
        args = ["tests/faults", "-q", "-p", "no:cacheprovider", *argv]
        code = code or int(subprocess.call([sys.executable, "-m", "pytest", *args]))
    runs = load_saved()
    print("\n" + table(runs) if runs else "no fault run saved")
    print(f"\nresults: {RESULTS_DIR}")
    clean = runs and all(run.lost == 0 and run.duplicated == 0 for run in runs)
    return code or (0 if clean else 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
