"""`scaffold --version` and `scaffold --help` answer before argparse is imported; the help
text is argparse's own, at every terminal width the fast path answers for."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scaffold import __version__, cli, cli_help
from tests.conftest import REPO


@pytest.mark.parametrize("columns", range(20, 221))
def test_fast_help_is_argparse_help(columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    expected = cli.build_parser([]).format_help()
    fast = cli_help.text(cli.DESCRIPTION, cli.COMMANDS)
    if columns >= 52:
        assert fast is not None
    if fast is not None:
        assert fast == expected


def _run(*args: str, columns: str = "100") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=str(REPO), COLUMNS=columns)
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "scaffold", *args],
                          env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("-h",)])
def test_version_and_help_do_not_import_argparse(args):
    proc = _run(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    modules = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
               if line.startswith("import time:")}
    assert "scaffold.cli" in modules
    assert not modules & {"argparse", "pathlib", "shutil", "scaffold.errors"}, modules
    if args == ("--version",):
        assert proc.stdout == f"scaffold {__version__}\n"
    else:
        assert proc.stdout.startswith("usage: scaffold [-h] [--version] COMMAND ...\n")


def test_narrow_help_falls_back_to_argparse():
    proc = _run("--help", columns="40")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: scaffold [-h] [--version]\n")
