"""Counts of what the property tests generated, printed at the end of the run.

The hypothesis profiles (`ci`, the default, and `long`) are registered in tests/conftest.py, so
`pytest --hypothesis-profile=long` finds them before this directory is collected.
"""

from __future__ import annotations

import json
import os

COUNTS: dict[str, dict[str, int]] = {}


def pytest_terminal_summary(terminalreporter) -> None:
    if not COUNTS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("generated manifests (tests/robustness)")
    total_ws = sum(c["workspaces"] for c in COUNTS.values())
    total_manifests = sum(c["manifests"] for c in COUNTS.values())
    for name, counts in sorted(COUNTS.items()):
        write(f"{name:11} " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    write(f"total: {total_ws} generated workspaces, {total_manifests} manifests")
    target = os.environ.get("SCAFFOLD_PROPERTY_COUNTS")
    if target:
        with open(target, "w", encoding="utf-8") as handle:
            json.dump(
                {"counts": COUNTS, "workspaces": total_ws, "manifests": total_manifests},
                handle,
                indent=1,
            )
