"""The command line: parse flags, hand them to a command module, turn errors into exit 2.

Each subcommand lives in `scaffold.commands.<name>` with `register(subparsers)` and
`run(args) -> int`. Modules are imported only when their command runs, so `scaffold --help`
and the check path never import copier, questionary or gitpython.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from scaffold import __version__
from scaffold.errors import ScaffoldError

# name -> one-line help; the module scaffold.commands.<module> implements it.
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("new", "create a PyO3 workspace: extension crate, profiler, Python package, CI"),
    "add-profiler": ("add_profiler", "add a profiling crate to an existing PyO3 repository"),
    "fix-features": ("fix_features", "lint and fix the extension-module feature wiring"),
    "doctor": ("doctor", "check the interpreter, libpython and toolchain a build will use"),
    "cross": ("cross", "configure cross compilation for a target triple"),
    "profile": ("profile", "record the profiler crate and render a flamegraph of it"),
}


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scaffold",
        description="Cargo workspace scaffolder and feature manager for PyO3 extension modules.",
    )
    parser.add_argument("--version", action="version", version=f"scaffold {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in COMMANDS.items():
        if name == wanted:
            sub = subparsers.add_parser(name, help=help_text, description=help_text)
            _command_module(module).register(sub)
            sub.set_defaults(_module=module)
        else:
            subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def _command_module(module: str):
    return importlib.import_module(f"scaffold.commands.{module}")


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """parse_args, also accepting PATH after options (`cross T --lib-dir D PATH`).

    argparse fills an optional positional in the first run of positionals only; a lone leftover
    argument after the options is that PATH.
    """
    args, extra = parser.parse_known_args(argv)
    if len(extra) == 1 and not extra[0].startswith("-") and str(getattr(args, "path", "")) == ".":
        args.path = Path(extra[0])
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Arguments after `--` go verbatim to commands that take them (`profile ... -- ARGS`).
    passthrough = argv[argv.index("--") + 1:] if "--" in argv else None
    argv = argv[:argv.index("--")] if "--" in argv else argv
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
        return _command_module(args._module).run(args)
    except ScaffoldError as error:
        print(f"error: {error.one_line()}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
