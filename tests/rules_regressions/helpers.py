"""Helpers for the regressions found on real PyO3 repositories (notes/real-repos.md).

Each case is a small fixture of our own, in the shape of the repository that showed the
problem; none of their files are copied.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def check(root: Path, *args: str):
    result = run_cli("fix-features", "--check", *args, root)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1), result.stderr
    return result


def codes(stdout: str) -> list[str]:
    return [line.split(": ", 1)[1].split()[0] for line in stdout.splitlines()]
