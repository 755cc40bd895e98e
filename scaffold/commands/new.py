"""`scaffold new NAME [DEST]`: a Cargo workspace for a PyO3 extension, ready to build.

Flags, and on a TTY questions for the answers they leave out; `scaffold.api.new` checks them,
renders the templates and makes the first commit (`scaffold.render.project`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scaffold import facts
from scaffold.display import shown
from scaffold.render import licenses
from scaffold.render.project import (
    BACKENDS,
    DEFAULT_LICENSE,
    DEFAULT_PYO3,
    DEFAULT_PYTHON_MIN,
    LAYOUTS,
    STUBS,
    WIRINGS,
)


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the crate name, e.g. my-lib (module my_lib)")
    parser.add_argument("dest", nargs="?", type=Path, help="where to create it (default: ./NAME)")
    parser.add_argument(
        "--pyo3", metavar="VERSION", help=f"PyO3 version requirement (default: {DEFAULT_PYO3})"
    )
    parser.add_argument(
        "--python-min",
        metavar="3.X",
        help=f"oldest supported Python (default: {DEFAULT_PYTHON_MIN})",
    )
    parser.add_argument(
        "--backend", choices=BACKENDS, help="Python build backend (default: maturin)"
    )
    parser.add_argument(
        "--wiring",
        choices=WIRINGS,
        help="feature: the extension-module feature (default); env: the backend "
        "sets PYO3_BUILD_EXTENSION_MODULE (PyO3 >= "
        f"{facts.format_series(facts.ENV_WIRING_SINCE)})",
    )
    parser.add_argument(
        "--abi3", metavar="3.X", help="build abi3 wheels for CPython >= 3.X (default: none)"
    )
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        help="mixed: a Python package beside the native module (default); "
        "rust: the native module alone",
    )
    parser.add_argument(
        "--stubs",
        choices=STUBS,
        help="hand: a type stub written beside the code (default); generated: maturin "
        "writes it from the built module (PyO3 >= "
        f"{facts.format_series(facts.GENERATED_STUBS_SINCE)}, experimental-inspect)",
    )
    parser.add_argument(
        "--author",
        help='"Name <email>" for Cargo.toml, pyproject.toml and the LICENSE '
        'copyright line (default: "the NAME authors" there)',
    )
    parser.add_argument(
        "--license",
        help=f"SPDX license expression (default: {DEFAULT_LICENSE}); LICENSE "
        f"files are written for {', '.join(licenses.TEXTS)} and "
        "'MIT OR Apache-2.0' (LICENSE-MIT, LICENSE-APACHE)",
    )
    parser.add_argument("--no-profiler", action="store_true", help="skip the profiler crate")
    parser.add_argument("--no-git", action="store_true", help="skip git init and the first commit")
    parser.add_argument(
        "--yes",
        "--defaults",
        action="store_true",
        help="never prompt: take the defaults for missing answers",
    )


def run(args: argparse.Namespace) -> int:
    from scaffold import api

    printed: list[str] = []  # warnings printed before the questions

    def warn(text: str) -> None:
        if text not in printed:
            printed.append(text)
            print(text, file=sys.stderr)

    answers = _answers(args, sys.stdin.isatty() and not args.yes, warn)
    created = api.new(**answers, on_note=warn)
    options = created.options
    rel = shown(created.path)
    print(
        f"created {rel}: crate {options.crate}, Python module {options.module}"
        f"{'' if options.profiler else ', no profiler'}",
        file=sys.stderr,
    )
    if created.note is not None:
        print(created.note, file=sys.stderr)
    develop = "maturin develop" if options.backend == "maturin" else "pip install -e ."
    if options.stubs == "generated":
        develop += " --generate-stubs"
    print(
        f"\nnext:\n  cd {rel}\n  cargo build && cargo test && cargo test-lib\n"
        f"  {develop} && pytest",
        file=sys.stderr,
    )
    return 0


def _answers(
    args: argparse.Namespace, interactive: bool, warn: Callable[[str], None]
) -> dict[str, Any]:
    """`api.new`'s keyword arguments from the flags; on a TTY (`interactive`), the user's
    answers for what they leave out, asked once the name, folder and PyO3 version are known
    good."""
    from scaffold.render import project
    from scaffold.workspace import names

    answers = {
        "python_min": args.python_min,
        "author": args.author,
        "license": args.license,
        "backend": args.backend,
        "wiring": args.wiring,
        "abi3": args.abi3,
        "layout": args.layout,
    }
    stubs = {"stubs": args.stubs} if args.stubs else {}
    profiler = not args.no_profiler
    if interactive:
        crate, _ = names.validate_project(args.name)
        project.check_dest((args.dest if args.dest is not None else Path(crate)).absolute())
        pyo3 = project.check_pyo3(args.pyo3 or DEFAULT_PYO3, warn)
        if answers["wiring"] is None and not facts.supports_env_wiring(project.pyo3_series(pyo3)):
            answers["wiring"] = "feature"  # the only choice: not worth a question
        answers, profiler = _ask(answers, profiler, args.no_profiler)
    return {
        "name": args.name,
        "dest": args.dest,
        "pyo3": args.pyo3,
        **answers,
        **stubs,
        "profiler": profiler,
        "git": not args.no_git,
    }


def _ask(answers: dict, profiler: bool, profiler_given: bool) -> tuple[dict, bool]:
    """Ask for what the flags left out (only on a TTY, without --yes)."""
    import questionary

    choices = {
        "backend": ("Python build backend", BACKENDS),
        "wiring": (
            "How the extension avoids linking libpython (env: PyO3 >= "
            f"{facts.format_series(facts.ENV_WIRING_SINCE)})",
            WIRINGS,
        ),
        "layout": (
            "Layout (mixed: a Python package beside the native module; rust: the module alone)",
            LAYOUTS,
        ),
    }
    for key, (prompt, options) in choices.items():
        if answers[key] is None:
            answers[key] = questionary.select(
                prompt, choices=list(options), default=options[0]
            ).unsafe_ask()
    if answers["abi3"] is None:
        answers["abi3"] = questionary.text(
            "abi3 wheels for CPython >= 3.X (empty for none)", default=""
        ).unsafe_ask()
    # After --abi3: the oldest Python defaults to the abi3 version.
    questions = {
        "python_min": (
            "Oldest supported Python",
            (answers["abi3"] or "").strip() or DEFAULT_PYTHON_MIN,
        ),
        "author": ('Author ("Name <email>", empty for none)', ""),
        "license": ("License (SPDX)", DEFAULT_LICENSE),
    }
    for key, (prompt, default) in questions.items():
        if answers[key] is None:
            answers[key] = questionary.text(prompt, default=default).unsafe_ask()
    if not profiler_given:
        profiler = questionary.confirm("Add the profiler crate?", default=True).unsafe_ask()
    return answers, profiler
