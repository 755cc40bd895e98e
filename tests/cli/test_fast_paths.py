"""`scaffold --version` and `scaffold --help` answer before argparse is imported; the help
text is argparse's own, at every terminal width the fast path answers for."""

from __future__ import annotations

import pytest

from scaffold import __version__, cli, cli_help
from scaffold.render import history
from tests import importtime
from tests.conftest import REPO, write_tree


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
        releases = history.read_releases(REPO / "templates" / "releases.toml")
        newest = history.newest(releases)
        assert proc.stdout == (
            f"scaffold {__version__} (pyo3-scaffold; templates {newest}, "
            f"history {', '.join(releases)})\n"
        )
    else:
        assert proc.stdout.startswith("usage: scaffold [-h] [--version] COMMAND ...\n")


def test_narrow_help_falls_back_to_argparse():
    proc, modules = importtime.run("--help", env=importtime.environment(COLUMNS="40"))
    assert proc.returncode == 0
    assert "argparse" in modules  # the fallback is real: argparse answered
    assert proc.stdout.startswith("usage: scaffold [-h] [--version]\n")


def test_version_through_argparse_is_the_fast_version(capsys):
    """`--version` among other arguments goes through argparse: the same line."""
    with pytest.raises(SystemExit):
        cli.build_parser(["--version", "new"]).parse_args(["--version", "new"])
    assert capsys.readouterr().out == cli._version() + "\n"


def test_version_reads_the_wheels_templates_and_orders_releases(tmp_path, monkeypatch):
    """An installed package has `templates/` inside it (the wheel's force-include); releases are
    listed in version order whatever the file's order; no releases.toml is said, not hidden."""
    monkeypatch.delenv("SCAFFOLD_TEMPLATE_HISTORY", raising=False)
    package = tmp_path / "site" / "scaffold"
    write_tree(
        package,
        {
            "templates/releases.toml": """\
                [releases]
                "0.10.0" = "c"
                "0.2.0" = "b"
                "0.1.0" = "a"
            """
        },
    )
    assert cli_help.version("0.10.0", str(package)) == (
        "scaffold 0.10.0 (pyo3-scaffold; templates 0.10.0, history 0.1.0, 0.2.0, 0.10.0)"
    )
    assert cli_help.version("9", str(tmp_path / "nowhere" / "scaffold")) == (
        "scaffold 9 (pyo3-scaffold; no template history found)"
    )
    monkeypatch.setenv("SCAFFOLD_TEMPLATE_HISTORY", str(tmp_path))
    assert "templates from SCAFFOLD_TEMPLATE_HISTORY" in cli_help.version("9", str(package))
