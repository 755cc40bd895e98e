"""Which commands test the project, layer by layer.

- rust, libraries: every library crate's tests with `extension-module` off (`cargo test-lib`
  when `.cargo/config.toml` defines it, as `scaffold new` and `scaffold add` keep it; else
  `cargo test -p LIB`, with `--no-default-features` for feature-wired extension crates);
- rust, default members: a plain `cargo test` at the root, what CI's `cargo test` runs;
- python, one step per extension project: the extension freshly built into the project's
  environment (`uv sync` with uv.lock, else `maturin develop` or `pip install -e .`), then
  pytest on its tests.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from scaffold.errors import UserError
from scaffold.workspace.model import Workspace

LAYERS = ("rust", "python")


@dataclass(frozen=True)
class Step:
    layer: str  # one of LAYERS
    title: str  # what it tests, for the summary line
    commands: list[list[str]]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)  # set on top of the environment
    problem: str = ""  # why it cannot run (a failed layer, with this message)


def steps(ws: Workspace, layer: str | None, environ: dict[str, str]) -> list[Step]:
    if layer is not None and layer not in LAYERS:
        raise UserError(f"unknown layer {layer!r}", f"pass --layer {' or --layer '.join(LAYERS)}")
    found: list[Step] = []
    if layer in (None, "rust"):
        found += [_libraries(ws), Step("rust", "default members", [["cargo", "test"]], ws.root)]
    if layer in (None, "python"):
        found += [_python(ws, project.dir, environ) for project in _projects(ws)]
    return found


def _libraries(ws: Workspace) -> Step:
    from scaffold.workspace.wiring import FEATURE, mode

    config = ws.root / ".cargo" / "config.toml"
    if ws.reader.is_file(config) and "test-lib" in (ws.reader.text(config) or ""):
        return Step("rust", "libraries", [["cargo", "test-lib"]], ws.root)
    feature = {e.crate.name for e in ws.extensions() if mode(ws, e) == FEATURE}
    libraries = [c.name for c in ws.members if ws.reader.is_file(c.dir / "src" / "lib.rs")]
    commands = []
    for names, flags in (
        ([n for n in libraries if n in feature], ["--no-default-features"]),
        ([n for n in libraries if n not in feature], []),
    ):
        if names:
            commands.append(["cargo", "test", *[a for n in names for a in ("-p", n)], *flags])
    return Step("rust", "libraries", commands, ws.root)


def _projects(ws: Workspace) -> list:
    extensions = {e.project.dir for e in ws.extensions() if e.project is not None}
    return [p for p in ws.projects if p.backend is not None and p.dir in extensions]


def _python(ws: Workspace, project: Path, environ: dict[str, str]) -> Step:
    from scaffold.workspace.python import PythonProject

    found = next(p for p in ws.projects if p.dir == project)
    assert isinstance(found, PythonProject)
    title = os.path.relpath(project, ws.root) if project != ws.root else "the project"
    tests = ["-m", "pytest", *(["tests"] if (project / "tests").is_dir() else [])]
    if (project / "uv.lock").is_file() and shutil.which("uv"):
        return Step(
            "python",
            f"{title} (uv)",
            [["uv", "sync", "--group", "test", "--reinstall"], ["uv", "run", "python", *tests]],
            project,
        )
    venv = _environment(ws, project, environ)
    if venv is None:
        return Step(
            "python",
            title,
            [],
            project,
            problem="no Python environment: activate one or create .venv "
            "(python -m venv .venv), then run again",
        )
    python = str(venv / "bin" / "python")
    if found.backend == "maturin":
        build = ["maturin", "develop"]
    else:
        build = [python, "-m", "pip", "install", "--quiet", "-e", "."]
    install = [] if _has_pytest(python) else [[python, "-m", "pip", "install", "-q", "pytest"]]
    return Step(
        "python",
        f"{title} ({'maturin develop' if build[0] == 'maturin' else 'pip install -e'})",
        [build, *install, [python, *tests]],
        project,
        {"VIRTUAL_ENV": str(venv)},
    )


def _environment(ws: Workspace, project: Path, environ: dict[str, str]) -> Path | None:
    """The project's environment: the active one, else a `.venv` beside pyproject.toml or at
    the workspace root."""
    active = environ.get("VIRTUAL_ENV")
    if active and (Path(active) / "bin" / "python").exists():
        return Path(active)
    for directory in (project, ws.root):
        if (directory / ".venv" / "bin" / "python").exists():
            return directory / ".venv"
    return None


def _has_pytest(python: str) -> bool:
    import subprocess

    try:
        proc = subprocess.run([python, "-c", "import pytest"], capture_output=True, check=False)
    except OSError:
        return False
    return proc.returncode == 0
