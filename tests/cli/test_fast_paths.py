"""`scaffold --version` and `scaffold --help` answer before argparse is imported; the help
text is argparse's own, at every terminal width the fast path answers for."""

from __future__ import annotations

import pytest

from scaffold import __version__, cli, cli_help
from tests import importtime


@pytest.mark.parametrize("columns", range(20, 221))
def test_fast_help_is_argparse_help(columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    expected = cli.build_parser([]).format_help()
    fast = cli_help.text(cli.DESCRIPTION, cli.COMMANDS)
    if columns >= 52:
        assert fast is not None
    if fast is not None:
        assert fast == expected


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("-h",)])
def test_version_and_help_do_not_import_argparse(args):
    proc, modules = importtime.run(*args, env=importtime.environment(COLUMNS="100"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "scaffold.cli" in modules
    assert not modules & {"argparse", "pathlib", "shutil", "scaffold.errors"}, modules
    if args == ("--version",):
        assert proc.stdout == f"scaffold {__version__}\n"
    else:
        assert proc.stdout.startswith("usage: scaffold [-h] [--version] COMMAND ...\n")


def test_narrow_help_falls_back_to_argparse():
    proc, modules = importtime.run("--help", env=importtime.environment(COLUMNS="40"))
    assert proc.returncode == 0
    assert "argparse" in modules  # the fallback is real: argparse answered
    assert proc.stdout.startswith("usage: scaffold [-h] [--version]\n")
