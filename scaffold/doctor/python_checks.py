"""Doctor checks about the interpreter PyO3 picks and whether its version fits the project."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from scaffold import facts
from scaffold.display import shown
from scaffold.doctor.findings import ERROR, NOTE, OK, WARN, Report
from scaffold.probes import interpreter, recorded
from scaffold.probes.probe import Interpreter, ProbeError, probe
from scaffold.workspace.model import Workspace


def check_interpreter(
    report: Report, environ: dict[str, str], project_dir: Path | None = None
) -> Interpreter | None:
    """Report the interpreter PyO3's build script picks; returns it when it can be queried.

    The build script runs in the pyo3-ffi package's directory, not the project's (cargo:
    "the build script's current directory is the source directory of the build script's
    package"), so a bare `python3` is resolved there: a pyenv `.python-version` in the project
    does not apply to it. `maturin build` runs `python3` in the project itself (maturin PR #964:
    `maturin build` means `-i python3`) and passes it on as PYO3_PYTHON; when the two differ,
    the wheel and the binaries are built for different Pythons.
    """
    choice = interpreter.find(environ)
    for warning in choice.warnings:
        report.add(
            "environment",
            WARN,
            warning,
            "deactivate the virtualenv or the conda environment you are not using",
        )

    def would_fail(why: object) -> None:
        report.add(
            "interpreter",
            ERROR,
            f"PyO3 would fail: {why}",
            _fallback_fix(report, environ, choice.source),
        )

    if choice.problem or choice.command is None or choice.path is None:  # None: a problem
        would_fail(choice.problem)
        return None
    command = choice.command if choice.source == "PYO3_PYTHON" else choice.path
    try:
        found = probe(command, env=environ, cwd=build_script_dir(environ))
    except ProbeError as error:
        would_fail(error)
        return None
    via = {"PATH": f"`{choice.command}` on PATH"}.get(choice.source, choice.source)
    if found.version[0] != 3:
        report.add(
            "interpreter",
            ERROR,
            f"{found.label} at {found.executable} (from {via}) is not Python 3",
            "export PYO3_PYTHON=/path/to/python3",
        )
        return None
    report.add(
        "interpreter",
        OK,
        f"{found.label} at {found.executable} (from {via}, as cargo's build script resolves it)",
    )
    if choice.source == "PATH" and project_dir is not None:
        _check_maturin_mismatch(report, found, environ, project_dir)
    return found


def check_last_build(
    report: Report, found: Interpreter | None, root: Path, environ: dict[str, str]
) -> Interpreter | None:
    """The interpreter the last PyO3 build in the target directory used (what its binaries
    link), compared with today's choice; returns it (queried), else `found`."""
    target = recorded.target_dir(root, environ)
    last = recorded.last_build(target, found.executable if found is not None else None)
    if last is None or last.executable is None:
        return found
    where = f"{last.record.parent.name} in {target}"
    try:
        used = probe(last.executable, env=environ)
    except ProbeError as error:
        report.add(
            "last-build",
            WARN,
            f"the last PyO3 build ({where}) used {last.executable}, which no longer runs ({error})",
            "rebuild (`cargo build`)",
        )
        return found
    report.add(
        "last-build", OK, f"the last PyO3 build ({where}) used {used.label} at {used.executable}"
    )
    if found is not None and os.path.realpath(found.executable) != os.path.realpath(
        used.executable
    ):
        report.add(
            "last-build",
            NOTE,
            f"today's settings choose {found.label} at "
            f"{found.executable} instead (a virtual environment activated or left since?): "
            "the next `cargo build` recompiles PyO3 for it",
            f"keep one interpreter for every build: export PYO3_PYTHON="
            f"{shlex.quote(used.executable)}",
        )
    return used


def build_script_dir(environ: dict[str, str]) -> Path:
    """A directory like the one PyO3's build script runs in: cargo's registry sources."""
    home = Path(environ.get("CARGO_HOME") or Path.home() / ".cargo")
    for candidate in (home / "registry" / "src", home, Path.home()):
        if candidate.is_dir():
            return candidate
    return Path("/")


def _check_maturin_mismatch(
    report: Report, found: Interpreter, environ: dict[str, str], project_dir: Path
) -> None:
    try:
        here = probe("python3", env=environ, cwd=project_dir)
    except ProbeError:
        return
    if os.path.realpath(here.executable) == os.path.realpath(found.executable):
        return
    line = f"export PYO3_PYTHON={shlex.quote(here.executable)}"
    report.export(line)
    local, build = here.label, found.label
    if local == build:  # two installations of one version: name them by path
        local, build = f"{local} at {here.executable}", f"{build} at {found.executable}"
    report.add(
        "interpreter-mismatch",
        WARN,
        f"`python3` is {local} in {project_dir} (a version manager's local setting, "
        f"e.g. pyenv's .python-version) but {build} in cargo's build scripts: "
        f"maturin run here builds the wheel for {local}, while `cargo build` builds "
        f"the binaries (profiler, tests) for {build}",
        f"{line} so cargo uses the same Python, or remove the mismatch (make the "
        "project's Python the global one, or drop the local setting)",
    )


def _fallback_fix(report: Report, environ: dict[str, str], source: str) -> str:
    if source != "PYO3_PYTHON":
        return "export PYO3_PYTHON=/path/to/python3"
    fallback = interpreter.find(environ, skip_pyo3_python=True)
    if fallback.problem or fallback.path is None:  # None: a problem
        return "point PYO3_PYTHON at a Python 3 interpreter"
    try:
        exe = probe(fallback.path, env=environ).executable
    except ProbeError:
        return "point PYO3_PYTHON at a Python 3 interpreter"
    line = f"export PYO3_PYTHON={shlex.quote(exe)}"
    report.export(line)
    return f"{line} (or unset PYO3_PYTHON: PyO3 then uses {fallback.command})"


def check_versions(report: Report, found: Interpreter, ws: Workspace) -> None:
    """The interpreter against requires-python, the abi3 floor and the PyO3 series' range."""
    version = ".".join(map(str, found.version))
    for project in ws.projects:
        spec = project.requires_python
        if not spec or project.backend is None:
            continue
        where = shown(project.pyproject.path if project.pyproject else project.dir, up=1)
        try:
            inside = SpecifierSet(spec).contains(version, prereleases=True)
        except InvalidSpecifier:
            report.add(
                "requires-python",
                WARN,
                f"{where}: requires-python {spec!r} is not a valid PEP 440 specifier",
                "fix requires-python",
            )
            continue
        if inside:
            report.add("requires-python", OK, f"{version} satisfies {spec!r} ({where})")
        else:
            report.add(
                "requires-python",
                ERROR,
                f"{version} is outside {spec!r} ({where}): "
                "the wheel built with it cannot be installed",
                "point PYO3_PYTHON at a matching interpreter or widen requires-python",
            )
    floor = ws.lowest_abi3_enabled()
    series = ws.pyo3_series()
    oldest = facts.abi3_floor(series) if series else None
    if series and floor and oldest and floor < oldest:  # e.g. abi3-py37 is gone from PyO3 0.29
        report.add(
            "abi3-feature",
            ERROR,
            f"PyO3 {facts.fmt(series)} has no abi3-py3{floor[1]} "
            f"feature (its oldest is abi3-py3{oldest[1]}): cargo cannot resolve it",
            f"use abi3-py3{oldest[1]} or newer, or an older PyO3",
        )
    if floor and found.implementation == "CPython":
        if found.minor >= floor:
            report.add("abi3", OK, f"abi3 floor {facts.fmt(floor)} <= {version}")
        else:
            report.add(
                "abi3",
                ERROR,
                f"abi3 floor {facts.fmt(floor)} is above {version}: PyO3 refuses to build",
                "use a newer interpreter or lower the abi3-py3X feature",
            )
    _check_series_range(report, found, ws, floor)


def _check_series_range(
    report: Report, found: Interpreter, ws: Workspace, floor: tuple[int, int] | None
) -> None:
    series = ws.pyo3_series()
    if series is None:
        return
    known = facts.support(series)
    name = f"PyO3 {facts.fmt(series)}"
    if known is None:
        report.add("pyo3-python", NOTE, f"{name}: supported Python range not known to scaffold")
        return
    # python_min is None only for a series the table does not know; `known` says it does.
    low = facts.python_min(series, found.implementation) or known.python_min
    high = known.python_max
    span = f"{facts.fmt(low)}..={facts.fmt(high)}" if high else f">={facts.fmt(low)}"
    label = f"{name} supports {found.implementation} {span}"
    if found.minor < low:
        report.add(
            "pyo3-python",
            ERROR,
            f"{label}; {found.label} is too old",
            f"use Python >= {facts.fmt(low)} or an older PyO3",
        )
    elif high and found.minor > high and not floor:
        report.add(
            "pyo3-python",
            ERROR,
            f"{label}; {found.label} is newer: the build stops "
            "unless PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1",
            "upgrade PyO3, use an older Python, or build for abi3",
        )
    else:
        report.add("pyo3-python", OK, f"{label}; {found.label} is inside")
