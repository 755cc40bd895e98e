"""`scaffold new`'s project: the options checked, the templates' answers computed from the
facts, the workspace and profiler rendered, and the first commit.

Names and options are checked before anything is written. On any failure, or Ctrl-C, what
`create` made is removed; an existing non-empty destination is refused untouched.
"""

from __future__ import annotations

import importlib
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold import facts
from scaffold.errors import UserError
from scaffold.render import licenses
from scaffold.workspace import names

# Which PyO3 `new` offers, and what each series needs, come from scaffold.facts.
DEFAULT_PYO3 = facts.format_series(facts.DEFAULT_SERIES)
OLDEST_PYO3 = facts.OLDEST_SUPPORTED
BACKENDS = ("maturin", "setuptools-rust")
WIRINGS = ("feature", "env")
LAYOUTS = ("mixed", "rust")
# hand: a stub written with the code; generated: maturin writes it from the built module.
STUBS = ("hand", "generated")
# abi3-py3X features that every supported PyO3 series has (from the newest series' floor).
# (facts.abi3_floor and facts.python_min of a CPython build: the SUPPORT table's python_min.)
ABI3_RANGE = (
    facts.SUPPORT[facts.NEWEST_SUPPORTED].python_min[1],
    facts.ABI3_NEWEST_IN_ALL_SUPPORTED[1],
)
# The oldest CPython the default PyO3 supports.
OLDEST_PYTHON = facts.SUPPORT[facts.DEFAULT_SERIES].python_min[1]
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
    stubs: str = "hand"


def check_dest(dest: Path) -> None:
    if dest.is_dir() and any(dest.iterdir()):
        raise UserError(f"{dest} exists and is not empty", "choose a new or empty DEST")
    if dest.exists() and not dest.is_dir():
        raise UserError(f"{dest} exists and is not a directory", "choose a new or empty DEST")


def check_pyo3(version: str, warn: Callable[[str], None]) -> str:
    """`--pyo3` stripped, or UserError; a warning when it is newer than the newest tested."""
    match = _PYO3.match(version.strip())
    if not match:
        raise UserError(f"--pyo3 {version!r} is not a version", "pass e.g. 0.30 or 0.30.1")
    series = (int(match.group(1)), int(match.group(2)))
    if not facts.supported_by_new(series):
        raise UserError(
            f"--pyo3 {version}: the templates need PyO3 >= {facts.format_series(OLDEST_PYO3)}",
            f"pass --pyo3 {DEFAULT_PYO3}",
        )
    if facts.newer_than_tested(series):
        warn(
            f"warning: PyO3 {version} is newer than {DEFAULT_PYO3}, the newest tested; if it "
            f"no longer has the `extension-module` feature, use --pyo3 {DEFAULT_PYO3}"
        )
    return version.strip()


def pyo3_series(version: str) -> tuple[int, int]:
    """(0, 30) for "0.30" or "0.30.1" (a version `check_pyo3` accepted)."""
    match = _PYO3.match(version)
    assert match is not None, version
    return int(match.group(1)), int(match.group(2))


def _minor(python: str) -> int:
    return int(python.split(".")[1])


def _check_abi3(version: str) -> str:
    version = version.strip()
    if not version:
        return ""
    match = _PYTHON.match(version)
    if not match or not ABI3_RANGE[0] <= int(match.group(1)) <= ABI3_RANGE[1]:
        raise UserError(
            f"--abi3 {version!r} is not a supported Python 3.X",
            f"pass 3.{ABI3_RANGE[0]} to 3.{ABI3_RANGE[1]}, e.g. 3.10",
        )
    return version


def _check_python(version: str) -> str:
    match = _PYTHON.match(version.strip())
    if not match or int(match.group(1)) < OLDEST_PYTHON:
        raise UserError(
            f"--python-min {version!r} is not a supported Python 3.X",
            f"pass 3.{OLDEST_PYTHON} or newer, e.g. {DEFAULT_PYTHON_MIN}",
        )
    return version.strip()


def _check_text(flag: str, value: str) -> str:
    """Values go into TOML and YAML strings: refuse what would need escaping."""
    if any(c in value for c in '"\\') or not value.isprintable():
        raise UserError(
            f"{flag} {value!r} contains quotes, backslashes or control characters", "leave them out"
        )
    return value.strip()


def options(
    name: str,
    dest: Path | None = None,
    *,
    pyo3: str | None = None,
    python_min: str | None = None,
    backend: str | None = None,
    wiring: str | None = None,
    abi3: str | None = None,
    layout: str | None = None,
    stubs: str | None = None,
    author: str | None = None,
    license: str | None = None,
    profiler: bool = True,
    git: bool = True,
    warn: Callable[[str], None],
) -> Options:
    """The checked options of a new project (None: the default); UserError names the first
    bad one. `warn` gets each warning for the user as it is found."""
    crate, module = names.validate_project(name)
    if crate != name:
        warn(f"note: {name!r} gives the crate {crate} and the module {module} (Rust's snake_case)")
    dest = (dest if dest is not None else Path(crate)).absolute()
    check_dest(dest)
    pyo3 = check_pyo3(pyo3 or DEFAULT_PYO3, warn)
    wiring = wiring or "feature"
    if wiring not in WIRINGS:
        raise UserError(f"--wiring {wiring!r} is not one of {', '.join(WIRINGS)}")
    if wiring == "env" and not facts.supports_env_wiring(pyo3_series(pyo3)):
        raise UserError(
            f"--wiring env needs PyO3 >= {facts.format_series(facts.ENV_WIRING_SINCE)}"
            " (PYO3_BUILD_EXTENSION_MODULE), "
            f"not {pyo3}",
            "pass --wiring feature or a newer --pyo3",
        )
    abi3 = _check_abi3(abi3 or "")
    python_min = _check_python(python_min or abi3 or DEFAULT_PYTHON_MIN)
    if abi3 and _minor(python_min) < _minor(abi3):
        raise UserError(
            f"--python-min {python_min} is older than --abi3 {abi3}: an abi3-py3"
            f"{_minor(abi3)} wheel does not load there",
            f"pass --python-min {abi3} or leave it out",
        )
    for flag, value, choices in (
        ("--backend", backend, BACKENDS),
        ("--layout", layout, LAYOUTS),
        ("--stubs", stubs, STUBS),
    ):
        if value is not None and value not in choices:
            raise UserError(f"{flag} {value!r} is not one of {', '.join(choices)}")
    if stubs == "generated" and (backend or "maturin") != "maturin":
        raise UserError(
            "--stubs generated needs --backend maturin (maturin --generate-stubs)",
            "pass --stubs hand or --backend maturin",
        )
    if stubs == "generated" and not facts.generates_stubs(pyo3_series(pyo3)):
        raise UserError(
            f"--stubs generated needs PyO3 >= {facts.format_series(facts.GENERATED_STUBS_SINCE)}"
            f" (experimental-inspect), not {pyo3}",
            "pass --stubs hand or a newer --pyo3",
        )
    checked = Options(
        crate=crate,
        module=module,
        dest=dest,
        pyo3=pyo3,
        python_min=python_min,
        author=_check_text("--author", author or ""),
        license=licenses.normalize(_check_text("--license", license or DEFAULT_LICENSE)),
        profiler=profiler,
        git=git,
        backend=backend or "maturin",
        wiring=wiring,
        abi3=abi3,
        layout=layout or "mixed",
        stubs=stubs or "hand",
    )
    if not licenses.files(checked.license):
        warn(f"warning: no LICENSE text for {checked.license!r}: add the LICENSE file yourself")
    return checked


def create(options: Options) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Render and commit; on failure remove what was created. Returns each template's
    answers, and a note for the user (no nested repository made) or None."""
    from scaffold.render.copier_render import render

    if options.git:  # import gitpython while copier waits on its git subprocesses
        threading.Thread(target=importlib.import_module, args=("git",), daemon=True).start()
    made = _first_missing(options.dest)
    rendered = {"workspace": workspace_answers(options)}
    if options.profiler:
        rendered["profiler"] = profiler_answers(options)
    try:
        render("workspace", options.dest, rendered["workspace"])
        if options.profiler:
            render("profiler", options.dest / "crates", rendered["profiler"])
        return rendered, _commit(options) if options.git else None
    except BaseException:
        _remove(options.dest, made)
        raise


def workspace_answers(options: Options) -> dict:
    """The workspace template's answers (templates/workspace/copier.yml)."""
    return {
        "project_name": options.crate,
        "module_name": options.module,
        "pyo3_version": options.pyo3,
        "python_min": options.python_min,
        "author": options.author,
        "license": options.license,
        "edition": EDITION,
        "rust_version": RUST_VERSION,
        "with_profiler": options.profiler,
        "profiler_crate": f"{options.crate}-profiler",
        **facts.template_flags(pyo3_series(options.pyo3)),
        "backend": options.backend,
        "wiring": options.wiring,
        "abi3": options.abi3,
        "layout": options.layout,
        "stubs": options.stubs,
        **_release_answers(options),
    }


def _release_answers(options: Options) -> dict:
    """What the LICENSE files and the release workflow need (templates/workspace/copier.yml)."""
    series = pyo3_series(options.pyo3)
    known = facts.support(series) or facts.SUPPORT[facts.NEWEST_SUPPORTED]
    oldest = facts.SUPPORT[facts.OLDEST_SUPPORTED]
    # Every series `new` offers records its newest Python (only PyO3 < 0.20.3 has none).
    assert known.python_max is not None and oldest.python_max is not None
    # The CI's own Python: the newest every supported PyO3 builds for, or python_min if newer.
    ci = max(oldest.python_max, (3, _minor(options.python_min)))
    return {
        "license_files": licenses.files(options.license),
        "copyright_holder": licenses.holder(options.author, options.crate),
        # "3.14t": the free-threaded CPython whose wheels CI builds, "" for none.
        "free_threaded": (
            f"{facts.fmt(facts.FREE_THREADED_PYTHON)}t"
            if not options.abi3 and facts.builds_free_threaded(series)
            else ""
        ),
        "ci_python": facts.fmt(ci),
        "cibuildwheel_version": CIBUILDWHEEL,
        "python_max": facts.fmt(known.python_max),
    }


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
    flags = facts.template_flags(pyo3_series(pyo3))
    if template != "workspace":
        return flags
    for key in ("python_min", "abi3"):
        value = recorded.get(key, "")
        if value and not re.fullmatch(r"3\.\d+", str(value)):
            raise ValueError(f"{key}: {value!r} is not 3.X")
    crate = str(recorded.get("project_name", ""))
    options = Options(
        crate=crate,
        module=str(recorded.get("module_name", "")),
        dest=Path(crate),
        pyo3=pyo3,
        python_min=str(recorded.get("python_min", DEFAULT_PYTHON_MIN)),
        author=str(recorded.get("author", "")),
        license=str(recorded.get("license", "")),
        profiler=bool(recorded.get("with_profiler", True)),
        git=True,
        abi3=str(recorded.get("abi3", "") or ""),
    )
    return {**flags, **_release_answers(options)}


def profiler_answers(options: Options) -> dict[str, object]:
    """The profiler template's answers for a new workspace (its library writes primes)."""
    from scaffold.profiler.answers import template_answers

    return template_answers(
        library_crate=options.crate,
        library_ident=options.module,
        module_name=options.module,
        profiler_crate=f"{options.crate}-profiler",
        library_path=f"../{options.crate}",
        pyo3_version=options.pyo3,
        pyo3_series=pyo3_series(options.pyo3),
        wiring=options.wiring,
        edition=EDITION,
        pyo3_from_workspace=True,
        workspace_package=True,
        workload="primes",
        cargo_profile="profiling",
    )


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
