"""Doctor checks about the toolchain, the build backends, stale settings and cross configs."""

from __future__ import annotations

from pathlib import Path

from scaffold import facts
from scaffold.cross import envfile
from scaffold.doctor import stale
from scaffold.doctor.findings import ERROR, NOTE, OK, WARN, Report
from scaffold.probes.probe import Interpreter
from scaffold.probes.toolchain import tool_version
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
    """Each backend the projects use: installed, and new enough for the wiring mode."""
    needs: dict[str, set[str]] = {}
    for ext in ws.extensions():
        if ext.project is not None and ext.project.backend:
            needs.setdefault(ext.project.backend, set()).add(mode(ws, ext))
    for backend, modes in needs.items():
        version = _installed(backend, environ, found)
        floor = facts.backend_env_floor(backend) if ENV in modes else None
        minimum = floor or (1, 0, 0)
        wiring = "env" if ENV in modes else "feature"
        install = f"pip install '{backend}>={facts.fmt(minimum)}'"
        if version is None:
            report.add(
                backend,
                WARN,
                f"not installed ({wiring} wiring needs >= "
                f"{facts.fmt(minimum)}); only isolated builds (pip, build) work",
                install,
            )
        elif version < minimum:
            report.add(
                backend,
                ERROR,
                f"{facts.fmt(version)} is older than {wiring} wiring needs ({facts.fmt(minimum)})",
                install,
            )
        else:
            report.add(
                backend, OK, f"{facts.fmt(version)} >= {facts.fmt(minimum)} ({wiring} wiring)"
            )


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
