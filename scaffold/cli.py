"""The command line: parse flags, hand them to a command module, turn errors into exit 2.

Each subcommand lives in `scaffold.commands.<name>` with `register(subparsers)` and
`run(args) -> int`. Modules are imported only when their command runs, so `scaffold --help`
and the check path never import copier, questionary or gitpython. `--version` and the
top-level `--help` are answered before argparse is imported (`scaffold.cli_help`).
"""

from __future__ import annotations

import sys

from scaffold import __version__

# No typing, argparse or pathlib at import time: annotations below are strings.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import ModuleType
    from typing import Any

DESCRIPTION = "Cargo workspace scaffolder and feature manager for PyO3 extension modules."

# name -> one-line help; the module scaffold.commands.<module> implements it.
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("new", "create a PyO3 workspace: extension crate, profiler, Python package, CI"),
    "add-profiler": ("add_profiler", "add a profiling crate to an existing PyO3 repository"),
    "add": ("add", "add a crate: core library, CLI, benchmarks or a second extension"),
    "test": ("test", "run every test layer: Rust libraries, default members, pytest"),
    "fix-features": ("fix_features", "lint and fix the extension-module feature wiring"),
    "doctor": ("doctor", "check the interpreter, libpython and toolchain a build will use"),
    "cross": ("cross", "configure cross compilation for a target triple"),
    "update": ("update", "update a project to the installed templates, keeping its edits"),
    "profile": ("profile", "record the profiler crate and render a flamegraph of it"),
    "upgrade": ("upgrade", "move the workspace and its PyO3 companion crates to a new PyO3"),
}


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    import argparse

    from scaffold import cli_help

    class Formatter(argparse.HelpFormatter):
        """argparse's own layout; the width is given so argparse does not import shutil."""

        def __init__(self, prog: str, **options: Any) -> None:
            super().__init__(prog, **{"width": cli_help.width(), **options})

    parser = argparse.ArgumentParser(
        prog="scaffold", description=DESCRIPTION, formatter_class=Formatter
    )
    parser.add_argument("--version", action="version", version=_version())
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in COMMANDS.items():
        if name == wanted:
            sub = subparsers.add_parser(
                name, help=help_text, description=help_text, formatter_class=Formatter
            )
            _command_module(module).register(sub)
            sub.set_defaults(_module=module)
        else:
            subparsers.add_parser(name, help=help_text, add_help=False, formatter_class=Formatter)
    return parser


def _command_module(module: str) -> ModuleType:
    import importlib

    return importlib.import_module(f"scaffold.commands.{module}")


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """parse_args, also accepting PATH (or `new`'s DEST) after options (`cross T --lib-dir D
    PATH`, `new NAME --yes DEST`).

    argparse fills an optional positional in the first run of positionals only; a lone leftover
    argument after the options is that PATH or DEST.
    """
    args, extra = parser.parse_known_args(argv)
    lone = len(extra) == 1 and not extra[0].startswith("-")
    if lone and str(getattr(args, "path", "")) == ".":
        from pathlib import Path

        args.path = Path(extra[0])
    elif lone and getattr(args, "command", None) == "new" and args.dest is None:
        from pathlib import Path

        args.dest = Path(extra[0])
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Arguments after `--` go verbatim to commands that take them (`profile ... -- ARGS`).
    passthrough = argv[argv.index("--") + 1 :] if "--" in argv else None
    argv = argv[: argv.index("--")] if "--" in argv else argv
    if passthrough is None and _fast(argv):
        return 0
    recorder = None
    if passthrough is None and argv[:1] == ["fix-features"]:
        # A clean `--check` whose inputs did not change is answered from the cache.
        from scaffold.lint import verdicts

        cache_key = verdicts.key(argv)
        if cache_key is not None:
            remembered = verdicts.replay(cache_key)
            if remembered is not None:
                try:
                    sys.stdout.write(remembered[0])
                    sys.stderr.write(remembered[1])
                except BrokenPipeError:
                    return 1
                return 0
            recorder = verdicts.Recorder(cache_key)
    from scaffold.errors import ScaffoldError

    parser = build_parser(argv)
    args = _parse(parser, argv)
    if passthrough is not None:
        if not hasattr(args, "passthrough"):
            parser.error(f"unrecognized arguments: -- {' '.join(passthrough)}")
        args.passthrough = passthrough
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if recorder is None:
            return _command_module(args._module).run(args)
        with recorder:
            code = _command_module(args._module).run(args)
        if code == 0:
            recorder.save()
        return code
    except ScaffoldError as error:
        print(f"error: {error.one_line()}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


def _version() -> str:
    import scaffold
    from scaffold import cli_help

    return cli_help.version(__version__, scaffold.__path__[0])


def _fast(argv: list[str]) -> bool:
    """Answer `--version` and the top-level `--help` without argparse; False: not answered."""
    if argv == ["--version"]:
        print(_version())
        return True
    if argv in (["-h"], ["--help"]):
        from scaffold import cli_help

        text = cli_help.text(DESCRIPTION, COMMANDS)
        if text is not None:
            sys.stdout.write(text)
            return True
    return False
