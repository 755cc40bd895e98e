"""What a fresh `python -X importtime -m scaffold ...` imports beyond the interpreter's own
start-up. Start-up is measured in the same environment (`python -X importtime -c pass`) and
subtracted: a `.pth` file in site-packages may import modules before scaffold runs (one CI
machine's imports certifi, which loads pathlib, shutil, tempfile and zipfile), and a module
already loaded costs scaffold nothing."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def environment(**extra: str) -> dict[str, str]:
    """The test process's environment without PYTHON* variables, importing this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=str(REPO), **extra)
    return env


def listed(stderr: str) -> list[tuple[int, str]]:
    """(cumulative microseconds, module name as indented) per `-X importtime` row."""
    rows = [
        line.split("|")
        for line in stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    ]
    return [(int(row[1]), row[2].rstrip()) for row in rows[1:]]  # rows[0] is the header


@functools.cache
def _startup(env_items: tuple[tuple[str, str], ...]) -> frozenset[str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "pass"],
        env=dict(env_items),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return frozenset(name.strip() for _, name in listed(proc.stderr))


def startup_modules(env: dict[str, str]) -> frozenset[str]:
    """Every module the bare interpreter imports at start-up in `env`."""
    return _startup(tuple(sorted(env.items())))


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `python -X importtime -m scaffold ARGS`; the process and the modules it imported
    beyond start-up."""
    env = env or environment()
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scaffold", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    names = {name.strip() for _, name in listed(proc.stderr)}
    return proc, names - startup_modules(env)
