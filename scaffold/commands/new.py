"""`scaffold new NAME [DEST]`: a Cargo workspace for a PyO3 extension, ready to build.

Names and options are checked before anything is written. The workspace and the profiler come
from the copier templates; then `git init` and one commit. On any failure, or Ctrl-C, what this
command created is removed; an existing non-empty DEST is refused untouched.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from scaffold import facts
from scaffold.errors import UserError
from scaffold.render import licenses, names

# Which PyO3 `new` offers, and what each series needs, come from scaffold.facts.
DEFAULT_PYO3 = facts.format_series(facts.DEFAULT_SERIES)
OLDEST_PYO3 = facts.OLDEST_SUPPORTED
BACKENDS = ("maturin", "setuptools-rust")
WIRINGS = ("feature", "env")
LAYOUTS = ("mixed", "rust")
# abi3-py3X features that every supported PyO3 series has (from the newest series' floor).
ABI3_RANGE = (facts.abi3_floor(facts.NEWEST_SUPPORTED)[1], facts.ABI3_NEWEST_IN_ALL_SUPPORTED[1])
# The oldest CPython the default PyO3 supports.
OLDEST_PYTHON = facts.python_min(facts.DEFAULT_SERIES)[1]
DEFAULT_PYTHON_MIN = "3.10"
DEFAULT_LICENSE = "MIT"
# The cibuildwheel release the setuptools-rust workflow runs (pypa/cibuildwheel@vX.Y.Z, whose
# tags are full versions); the `test` extra pins the same version, whose
# --print-build-identifiers checks the generated configuration (tests/test_release_ci.py).
CIBUILDWHEEL = "4.3.5"
# Edition 2024 needs Rust 1.85, which is also PyO3 0.30's rust-version.
EDITION, RUST_VERSION = "2024", "1.85"

_PYO3 = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?\Z")
_PYTHON = re.compile(r"3\.(\d+)\Z")


@dataclass
class Options:
    crate: str
    module: str
    dest: Path
    pyo3: str
    python_min: str
    author: str
    license: str
    profiler: bool
    git: bool
    backend: str = "maturin"
    wiring: str = "feature"
    abi3: str = ""  # "3.X" for an abi3 wheel
    layout: str = "mixed"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the crate name, e.g. my-lib (module my_lib)")
    parser.add_argument("dest", nargs="?", type=Path, help="where to create it (default: ./NAME)")
    parser.add_argument("--pyo3", metavar="VERSION",
                        help=f"PyO3 version requirement (default: {DEFAULT_PYO3})")
    parser.add_argument("--python-min", metavar="3.X",
                        help=f"oldest supported Python (default: {DEFAULT_PYTHON_MIN})")
    parser.add_argument("--backend", choices=BACKENDS,
                        help="Python build backend (default: maturin)")
    parser.add_argument("--wiring", choices=WIRINGS,
                        help="feature: the extension-module feature (default); env: the backend "
                             "sets PYO3_BUILD_EXTENSION_MODULE (PyO3 >= "
                             f"{facts.format_series(facts.ENV_WIRING_SINCE)})")
    parser.add_argument("--abi3", metavar="3.X",
                        help="build abi3 wheels for CPython >= 3.X (default: none)")
    parser.add_argument("--layout", choices=LAYOUTS,
                        help="mixed: a Python package beside the native module (default); "
                             "rust: the native module alone")
    parser.add_argument("--author",
                        help='"Name <email>" for Cargo.toml, pyproject.toml and the LICENSE '
                             'copyright line (default: "the NAME authors" there)')
    parser.add_argument("--license",
                        help=f"SPDX license expression (default: {DEFAULT_LICENSE}); LICENSE "
                             f"files are written for {', '.join(licenses.TEXTS)} and "
                             "'MIT OR Apache-2.0' (LICENSE-MIT, LICENSE-APACHE)")
    parser.add_argument("--no-profiler", action="store_true", help="skip the profiler crate")
    parser.add_argument("--no-git", action="store_true", help="skip git init and the first commit")
    parser.add_argument("--yes", "--defaults", action="store_true",
                        help="never prompt: take the defaults for missing answers")


def run(args: argparse.Namespace) -> int:
    options = _options(args, interactive=sys.stdin.isatty() and not args.yes)
    note = _create(options)
    rel = _shown(options.dest)
    print(f"created {rel}: crate {options.crate}, Python module {options.module}"
          f"{'' if options.profiler else ', no profiler'}", file=sys.stderr)
    if note is not None:
        print(note, file=sys.stderr)
    develop = "maturin develop" if options.backend == "maturin" else "pip install -e ."
    print(f"\nnext:\n  cd {rel}\n  cargo build && cargo test && cargo test-lib\n"
          f"  {develop} && pytest", file=sys.stderr)
    return 0


def _options(args: argparse.Namespace, interactive: bool) -> Options:
    crate, module = names.validate_project(args.name)
    dest = (args.dest if args.dest is not None else Path(crate)).absolute()
    _check_dest(dest)
    answers = {"python_min": args.python_min, "author": args.author, "license": args.license,
               "backend": args.backend, "wiring": args.wiring, "abi3": args.abi3,
               "layout": args.layout}
    profiler = not args.no_profiler
    pyo3 = _check_pyo3(args.pyo3 or DEFAULT_PYO3)
    if interactive:
        if answers["wiring"] is None and not facts.supports_env_wiring(_series(pyo3)):
            answers["wiring"] = "feature"  # the only choice: not worth a question
        answers, profiler = _ask(answers, profiler, args.no_profiler)
    wiring = answers["wiring"] or "feature"
    if wiring == "env" and not facts.supports_env_wiring(_series(pyo3)):
        raise UserError(f"--wiring env needs PyO3 >= {facts.format_series(facts.ENV_WIRING_SINCE)}"
                        " (PYO3_BUILD_EXTENSION_MODULE), "
                        f"not {pyo3}", "pass --wiring feature or a newer --pyo3")
    abi3 = _check_abi3(answers["abi3"] or "")
    python_min = _check_python(answers["python_min"] or abi3 or DEFAULT_PYTHON_MIN)
    if abi3 and _minor(python_min) < _minor(abi3):
        raise UserError(f"--python-min {python_min} is older than --abi3 {abi3}: an abi3-py3"
                        f"{_minor(abi3)} wheel does not load there",
                        f"pass --python-min {abi3} or leave it out")
    options = Options(
        crate=crate, module=module, dest=dest, pyo3=pyo3, python_min=python_min,
        author=_check_text("--author", answers["author"] or ""),
        license=licenses.normalize(
            _check_text("--license", answers["license"] or DEFAULT_LICENSE)),
        profiler=profiler, git=not args.no_git,
        backend=answers["backend"] or "maturin", wiring=wiring, abi3=abi3,
        layout=answers["layout"] or "mixed")
    if not licenses.files(options.license):
        print(f"warning: no LICENSE text for {options.license!r}: add the LICENSE file "
              f"yourself", file=sys.stderr)
    return options


def _ask(answers: dict, profiler: bool, profiler_given: bool) -> tuple[dict, bool]:
    """Ask for what the flags left out (only on a TTY, without --yes)."""
    import questionary

    choices = {"backend": ("Python build backend", BACKENDS),
               "wiring": ("How the extension avoids linking libpython (env: PyO3 >= "
                          f"{facts.format_series(facts.ENV_WIRING_SINCE)})",
                          WIRINGS),
               "layout": ("Layout (mixed: a Python package beside the native module; rust: "
                          "the module alone)", LAYOUTS)}
    for key, (prompt, options) in choices.items():
        if answers[key] is None:
            answers[key] = questionary.select(prompt, choices=list(options),
                                              default=options[0]).unsafe_ask()
    if answers["abi3"] is None:
        answers["abi3"] = questionary.text("abi3 wheels for CPython >= 3.X (empty for none)",
                                           default="").unsafe_ask()
    # After --abi3: the oldest Python defaults to the abi3 version.
    questions = {"python_min": ("Oldest supported Python",
                                (answers["abi3"] or "").strip() or DEFAULT_PYTHON_MIN),
                 "author": ('Author ("Name <email>", empty for none)', ""),
                 "license": ("License (SPDX)", DEFAULT_LICENSE)}
    for key, (prompt, default) in questions.items():
        if answers[key] is None:
            answers[key] = questionary.text(prompt, default=default).unsafe_ask()
    if not profiler_given:
        profiler = questionary.confirm("Add the profiler crate?", default=True).unsafe_ask()
    return answers, profiler


def _check_dest(dest: Path) -> None:
    if dest.is_dir() and any(dest.iterdir()):
        raise UserError(f"{dest} exists and is not empty", "choose a new or empty DEST")
    if dest.exists() and not dest.is_dir():
        raise UserError(f"{dest} exists and is not a directory", "choose a new or empty DEST")


def _check_pyo3(version: str) -> str:
    match = _PYO3.match(version.strip())
    if not match:
        raise UserError(f"--pyo3 {version!r} is not a version", "pass e.g. 0.30 or 0.30.1")
    series = (int(match.group(1)), int(match.group(2)))
    if not facts.supported_by_new(series):
        raise UserError(f"--pyo3 {version}: the templates need PyO3 >= "
                        f"{facts.format_series(OLDEST_PYO3)}",
                        f"pass --pyo3 {DEFAULT_PYO3}")
    if facts.newer_than_tested(series):
        print(f"warning: PyO3 {version} is newer than {DEFAULT_PYO3}, the newest tested; if it "
              f"no longer has the `extension-module` feature, use --pyo3 {DEFAULT_PYO3}",
              file=sys.stderr)
    return version.strip()


def _series(version: str) -> tuple[int, int]:
    match = _PYO3.match(version)
    return int(match.group(1)), int(match.group(2))


def _minor(python: str) -> int:
    return int(python.split(".")[1])


def _check_abi3(version: str) -> str:
    version = version.strip()
    if not version:
        return ""
    match = _PYTHON.match(version)
    if not match or not ABI3_RANGE[0] <= int(match.group(1)) <= ABI3_RANGE[1]:
        raise UserError(f"--abi3 {version!r} is not a supported Python 3.X",
                        f"pass 3.{ABI3_RANGE[0]} to 3.{ABI3_RANGE[1]}, e.g. 3.10")
    return version


def _check_python(version: str) -> str:
    match = _PYTHON.match(version.strip())
    if not match or int(match.group(1)) < OLDEST_PYTHON:
        raise UserError(f"--python-min {version!r} is not a supported Python 3.X",
                        f"pass 3.{OLDEST_PYTHON} or newer, e.g. {DEFAULT_PYTHON_MIN}")
    return version.strip()


def _check_text(flag: str, value: str) -> str:
    """Values go into TOML and YAML strings: refuse what would need escaping."""
    if any(c in value for c in '"\\') or not value.isprintable():
        raise UserError(f"{flag} {value!r} contains quotes, backslashes or control characters",
                        "leave them out")
    return value.strip()


def _create(options: Options) -> str | None:
    """Render and commit; on failure remove what was created. Returns a note for the user."""
    from scaffold.render.copier_render import render

    if options.git:  # import gitpython while copier waits on its git subprocesses
        threading.Thread(target=importlib.import_module, args=("git",), daemon=True).start()
    made = _first_missing(options.dest)
    try:
        render("workspace", options.dest, _workspace_answers(options))
        if options.profiler:
            render("profiler", options.dest / "crates", _profiler_answers(options))
        return _commit(options) if options.git else None
    except BaseException:
        _remove(options.dest, made)
        raise


def _workspace_answers(options: Options) -> dict:
    """The workspace template's answers (templates/workspace/copier.yml)."""
    return {"project_name": options.crate, "module_name": options.module,
            "pyo3_version": options.pyo3, "python_min": options.python_min,
            "author": options.author, "license": options.license, "edition": EDITION,
            "rust_version": RUST_VERSION, "with_profiler": options.profiler,
            "profiler_crate": f"{options.crate}-profiler",
            **facts.template_flags(_series(options.pyo3)), "backend": options.backend,
            "wiring": options.wiring, "abi3": options.abi3, "layout": options.layout,
            **_release_answers(options)}


def _release_answers(options: Options) -> dict:
    """What the LICENSE files and the release workflow need (templates/workspace/copier.yml)."""
    series = _series(options.pyo3)
    known = facts.support(series) or facts.support(facts.NEWEST_SUPPORTED)
    # The CI's own Python: the newest every supported PyO3 builds for, or python_min if newer.
    ci = max(facts.support(facts.OLDEST_SUPPORTED).python_max, (3, _minor(options.python_min)))
    return {"license_files": licenses.files(options.license),
            "copyright_holder": licenses.holder(options.author, options.crate),
            # "3.14t": the free-threaded CPython whose wheels CI builds, "" for none.
            "free_threaded": (f"{facts.fmt(facts.FREE_THREADED_PYTHON)}t"
                              if not options.abi3 and facts.builds_free_threaded(series) else ""),
            "ci_python": facts.fmt(ci), "cibuildwheel_version": CIBUILDWHEEL,
            "python_max": facts.fmt(known.python_max)}


def refreshed_answers(template: str, recorded: dict) -> dict:
    """The answers this release derives from its facts, recomputed from a project's recorded
    answers (PyO3 version, Python range, abi3, license, author).

    `scaffold update` passes them to copier, where they override the recorded ones: a release's
    new facts (PyO3 API flags, Python range, free-threaded build, cibuildwheel release) reach
    projects made earlier, and a 0.1.0 project, whose answers lack them, gets what `new` gives
    its PyO3 version instead of copier.yml's defaults (written for the newest PyO3).
    ValueError names a recorded answer that is not what `new` writes."""
    match = re.search(r"(\d+)\.(\d+)", str(recorded.get("pyo3_version", "")))
    if match is None:
        return {}
    pyo3 = f"{match.group(1)}.{match.group(2)}"
    flags = facts.template_flags(_series(pyo3))
    if template != "workspace":
        return flags
    for key in ("python_min", "abi3"):
        value = recorded.get(key, "")
        if value and not re.fullmatch(r"3\.\d+", str(value)):
            raise ValueError(f"{key}: {value!r} is not 3.X")
    crate = str(recorded.get("project_name", ""))
    options = Options(crate=crate, module=str(recorded.get("module_name", "")), dest=Path(crate),
                      pyo3=pyo3, python_min=str(recorded.get("python_min", DEFAULT_PYTHON_MIN)),
                      author=str(recorded.get("author", "")),
                      license=str(recorded.get("license", "")),
                      profiler=bool(recorded.get("with_profiler", True)), git=True,
                      abi3=str(recorded.get("abi3", "") or ""))
    return {**flags, **_release_answers(options)}


def _profiler_answers(options: Options) -> dict[str, object]:
    """The profiler template's answers for a new workspace (its library writes primes)."""
    from scaffold.profiler.answers import template_answers

    return template_answers(
        library_crate=options.crate, library_ident=options.module, module_name=options.module,
        profiler_crate=f"{options.crate}-profiler", library_path=f"../{options.crate}",
        pyo3_version=options.pyo3, pyo3_series=_series(options.pyo3), wiring=options.wiring,
        edition=EDITION, pyo3_from_workspace=True, workspace_package=True, workload="primes",
        cargo_profile="profiling")


def _commit(options: Options) -> str | None:
    from scaffold import vcs

    outer = vcs.enclosing_repository(options.dest.parent)
    if outer is not None:
        return f"inside the git repository {outer.working_tree_dir}: no nested repository made"
    vcs.init_and_commit(options.dest, f"Create {options.crate} with pyo3-scaffold")
    return None


def _first_missing(dest: Path) -> Path | None:
    """The outermost folder of `dest` that does not exist yet (what to remove on failure)."""
    missing = None
    for path in (dest, *dest.parents):
        if path.exists():
            break
        missing = path
    return missing


def _remove(dest: Path, made: Path | None) -> None:
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
    elif dest.is_dir():  # an empty DEST that existed: empty it again
        for child in dest.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
