"""Doctor checks about the interpreter PyO3 picks and whether its version fits the project."""

from __future__ import annotations

import re
import shlex

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from scaffold import facts
from scaffold.env import interpreter
from scaffold.env.probe import Interpreter, ProbeError, probe
from scaffold.env.report import ERROR, NOTE, OK, WARN, Report
from scaffold.workspace.model import Workspace

_ABI3 = re.compile(r"abi3-py3(\d+)$")


def check_interpreter(report: Report, environ: dict[str, str]) -> Interpreter | None:
    """Report the interpreter PyO3 would pick; returns it when it can be queried."""
    choice = interpreter.find(environ)
    for warning in choice.warnings:
        report.add("environment", WARN, warning, "deactivate the virtualenv or the conda "
                                                  "environment you are not using")
    if choice.problem:
        report.add("interpreter", ERROR, f"PyO3 would fail: {choice.problem}",
                   _fallback_fix(report, environ, choice.source))
        return None
    try:
        found = probe(choice.command if choice.source == "PYO3_PYTHON" else choice.path,
                      env=environ)
    except ProbeError as error:
        report.add("interpreter", ERROR, f"PyO3 would fail: {error}",
                   _fallback_fix(report, environ, choice.source))
        return None
    via = {"PATH": f"`{choice.command}` on PATH"}.get(choice.source, choice.source)
    if found.version[0] != 3:
        report.add("interpreter", ERROR, f"{found.label} at {found.executable} (from {via}) is "
                   "not Python 3", "export PYO3_PYTHON=/path/to/python3")
        return None
    report.add("interpreter", OK, f"{found.label} at {found.executable} (from {via})")
    return found


def _fallback_fix(report: Report, environ: dict[str, str], source: str) -> str:
    if source != "PYO3_PYTHON":
        return "export PYO3_PYTHON=/path/to/python3"
    fallback = interpreter.find(environ, skip_pyo3_python=True)
    if fallback.problem:
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
        where = ws.relative(project.pyproject.path if project.pyproject else project.dir)
        try:
            inside = SpecifierSet(spec).contains(version, prereleases=True)
        except InvalidSpecifier:
            report.add("requires-python", WARN, f"{where}: requires-python {spec!r} is not a "
                       "valid PEP 440 specifier", "fix requires-python")
            continue
        if inside:
            report.add("requires-python", OK, f"{version} satisfies {spec!r} ({where})")
        else:
            report.add("requires-python", ERROR, f"{version} is outside {spec!r} ({where}): "
                       "the wheel built with it cannot be installed",
                       "point PYO3_PYTHON at a matching interpreter or widen requires-python")
    floor = abi3_floor(ws)
    series = ws.pyo3_series()
    oldest = facts.abi3_floor(series) if series else None
    if floor and oldest and floor < oldest:  # e.g. abi3-py37 is gone from PyO3 0.29
        report.add("abi3-feature", ERROR, f"PyO3 {facts.fmt(series)} has no abi3-py3{floor[1]} "
                   f"feature (its oldest is abi3-py3{oldest[1]}): cargo cannot resolve it",
                   f"use abi3-py3{oldest[1]} or newer, or an older PyO3")
    if floor and found.implementation == "CPython":
        if found.minor >= floor:
            report.add("abi3", OK, f"abi3 floor {facts.fmt(floor)} <= {version}")
        else:
            report.add("abi3", ERROR, f"abi3 floor {facts.fmt(floor)} is above {version}: "
                       "PyO3 refuses to build", "use a newer interpreter or lower the "
                       "abi3-py3X feature")
    _check_series_range(report, found, ws, floor)


def _check_series_range(report: Report, found: Interpreter, ws: Workspace,
                        floor: tuple[int, int] | None) -> None:
    series = ws.pyo3_series()
    if series is None:
        return
    known = facts.support(series)
    name = f"PyO3 {facts.fmt(series)}"
    if known is None:
        report.add("pyo3-python", NOTE, f"{name}: supported Python range not known to scaffold")
        return
    low = facts.python_min(series, found.implementation)
    high = known.python_max
    span = f"{facts.fmt(low)}..={facts.fmt(high)}" if high else f">={facts.fmt(low)}"
    label = f"{name} supports {found.implementation} {span}"
    if found.minor < low:
        report.add("pyo3-python", ERROR, f"{label}; {found.label} is too old",
                   f"use Python >= {facts.fmt(low)} or an older PyO3")
    elif high and found.minor > high and not floor:
        report.add("pyo3-python", ERROR, f"{label}; {found.label} is newer: the build stops "
                   "unless PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1",
                   "upgrade PyO3, use an older Python, or build for abi3")
    else:
        report.add("pyo3-python", OK, f"{label}; {found.label} is inside")


def abi3_floor(ws: Workspace) -> tuple[int, int] | None:
    """The lowest `abi3-py3X` any extension crate enables on pyo3, directly or via a feature."""
    floors = []
    for ext in ws.extensions():
        crate = ext.crate
        names = [f for d in ws.pyo3_dependencies(crate) for f in crate.effective_spec(d)
                 .get("features", [])]
        names += [v.split("/", 1)[1] for values in crate.features.values() for v in values
                  if v.startswith(("pyo3/", "pyo3?/")) and "/" in v]
        floors += [(3, int(m.group(1))) for n in names if (m := _ABI3.match(n))]
    return min(floors) if floors else None
