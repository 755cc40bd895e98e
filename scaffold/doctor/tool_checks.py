"""Doctor checks about the toolchain, the build backends, stale settings and cross configs."""

from __future__ import annotations

from pathlib import Path

from scaffold import facts
from scaffold.cross import envfile
from scaffold.doctor import stale
from scaffold.doctor.findings import ERROR, NOTE, OK, WARN, Report
from scaffold.probes.probe import Interpreter
from scaffold.probes.toolchain import tool_version
from scaffold.rules import backend_floor
from scaffold.workspace.model import Workspace
from scaffold.workspace.wiring import ENV, mode

# `feature` wiring works with any 1.x backend; `env` wiring needs facts.backend_env_floor.


def check_rust(report: Report, environ: dict[str, str], ws: Workspace | None) -> None:
    series = ws.pyo3_series() if ws else None
    known = facts.support(series)
    for tool in ("rustc", "cargo"):
        command = environ.get(tool.upper(), tool)
        version = tool_version([command, "--version"], environ)
        if version is None:
            report.add(
                tool,
                ERROR,
                f"`{command} --version` does not run",
                "install Rust with rustup (https://rustup.rs)",
            )
        elif known and series and version[:2] < known.msrv:
            report.add(
                tool,
                ERROR,
                f"{facts.fmt(version)} is older than PyO3 "
                f"{facts.fmt(series)}'s MSRV {facts.fmt(known.msrv)}",
                "rustup update",
            )
        elif known and series:
            report.add(
                tool,
                OK,
                f"{facts.fmt(version)} >= PyO3 {facts.fmt(series)}'s MSRV {facts.fmt(known.msrv)}",
            )
        else:
            report.add(tool, OK, facts.fmt(version))


def check_backends(
    report: Report, environ: dict[str, str], ws: Workspace, found: Interpreter | None
) -> None:
    """Each backend the projects use: installed, and new enough for the wiring mode and for the
    project's own floor (its `build-system.requires`)."""
    needs: dict[str, set[str]] = {}
    requires: dict[str, str] = {}
    for ext in ws.extensions():
        if ext.project is not None and ext.project.backend:
            backend = ext.project.backend
            needs.setdefault(backend, set()).add(mode(ws, ext))
            found_requirement = backend_floor.requirement_for(ext.project.build_requires, backend)
            if found_requirement is not None:
                requires.setdefault(backend, found_requirement[1])
    for backend, modes in needs.items():
        version = _installed(backend, environ, found)
        wiring = "env" if ENV in modes else "feature"
        requirement = requires.get(backend)
        minimum = _minimum(backend, requirement, ENV in modes)
        install = f"pip install '{backend}>={facts.fmt(minimum)}'" if minimum else None
        if version is None and requirement is not None:
            report.add(
                backend,
                NOTE,
                f"not installed here; isolated builds (pip, build) install `{requirement}` "
                "from build-system.requires; builds in this environment "
                "(`maturin develop`, `pip install --no-build-isolation`) need it installed",
                install or f"pip install {backend}",
            )
        elif version is None:
            report.add(
                backend,
                WARN,
                f"not installed, and build-system.requires does not name it "
                f"({wiring} wiring needs >= {facts.fmt(minimum or (1, 0, 0))})",
                install or f"pip install {backend}",
            )
        elif minimum and version < minimum:
            report.add(
                backend,
                ERROR,
                f"{facts.fmt(version)} is older than {_why(minimum, requirement, wiring)}",
                install,
            )
        else:
            floor = f" >= {facts.fmt(minimum)}" if minimum else ""
            report.add(backend, OK, f"{facts.fmt(version)}{floor} ({wiring} wiring)")


def _minimum(backend: str, requirement: str | None, env: bool) -> tuple[int, ...] | None:
    """The lowest version the project accepts: its own floor or env wiring's, the higher."""
    floors = [facts.backend_env_floor(backend) if env else None]
    lowest = backend_floor.lowest_admitted(requirement) if requirement else None
    if lowest is not None:
        floors.append(tuple(lowest.release[:3]))
    return max((f for f in floors if f), default=None)


def _why(minimum: tuple[int, ...], requirement: str | None, wiring: str) -> str:
    """What asks for `minimum`: the project's requirement or the wiring mode."""
    lowest = backend_floor.lowest_admitted(requirement) if requirement else None
    if lowest is not None and tuple(lowest.release[:3]) == minimum:
        return f"the project's `{requirement}`"
    return f"{wiring} wiring needs ({facts.fmt(minimum)})"


def _installed(
    backend: str, environ: dict[str, str], found: Interpreter | None
) -> tuple[int, ...] | None:
    if backend == "maturin":
        version = tool_version(["maturin", "--version"], environ)
        if version:
            return version
    text = (found.packages.get(backend) if found else None) or ""
    parts = [p for p in text.split(".")[:3] if p.isdigit()]
    return tuple(int(p) for p in parts) or None


def check_settings(report: Report, environ: dict[str, str], root: Path | None) -> None:
    settings = stale.find(environ, stale.cargo_configs(root, environ))
    for s in settings:
        report.add(
            f"setting:{s.name}", s.severity, f"{s.name}={s.value} ({s.where}) {s.problem}", s.fix
        )
        if s.where == "environment":
            report.export(f"unset {s.name}")
    if not settings:
        report.add("settings", OK, "no obsolete or global PyO3 settings")


def check_cross(report: Report, root: Path) -> None:
    """Targets configured by `scaffold cross`: their lib dirs must still exist."""
    for path in sorted((root / ".cargo" / "cross").glob("*.env")):
        triple = path.name[: -len(".env")]
        settings = envfile.read(path)
        lib_dir = settings.get("PYO3_CROSS_LIB_DIR")
        if lib_dir and not Path(lib_dir).is_dir():
            report.add(
                f"cross:{triple}",
                WARN,
                f"PYO3_CROSS_LIB_DIR {lib_dir} no longer exists",
                f"scaffold cross {triple} --lib-dir DIR",
            )
        else:
            report.add(
                f"cross:{triple}",
                NOTE,
                "configured: " + ", ".join(f"{k}={v}" for k, v in settings.items()),
            )
