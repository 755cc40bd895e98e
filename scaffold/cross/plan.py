"""`scaffold cross`'s plan: every input validated before anything is written (the target
against `rustc --print target-list`, the version string, the lib dir (libpython and
`_sysconfigdata*.py`, searched as PyO3 searches), the linker), then the files to write:
`[target.TARGET] linker` in `.cargo/config.toml` and the PYO3_CROSS_* settings in
`.cargo/cross/TARGET.env`, which only the printed `--target` commands read (see
scaffold.cross.envfile for why not Cargo's `[env]`).
"""

from __future__ import annotations

import difflib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from scaffold import facts
from scaffold.cross import envfile, libdir
from scaffold.errors import UserError
from scaffold.probes.toolchain import Rustc
from scaffold.toml import cargo_config
from scaffold.transaction.changeset import ChangeSet
from scaffold.workspace.loader import load
from scaffold.workspace.model import Workspace

IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy"}
_VERSION = re.compile(r"3\.(\d+)(t?)")
_VENDORS = {"unknown", "pc", "apple", "sun", "nvidia", "fortanix", "uwp", "wrs", "win7", "ibm"}


@dataclass
class Plan:
    ws: Workspace
    triple: str
    settings: dict[str, str]
    changeset: ChangeSet = field(default_factory=ChangeSet)  # the files to write
    notes: list[str] = field(default_factory=list)


def make_plan(
    path: Path,
    triple: str,
    *,
    lib_dir: Path | None = None,
    python_version: str | None = None,
    implementation: str = "cpython",
    linker: str | None = None,
    zig: bool = False,
) -> Plan:
    """Validate every input and compute the files to write; raises UserError, writes nothing.
    `implementation`: CPython or PyPy (any case)."""
    if linker and zig:
        raise UserError("--linker and --zig exclude each other", "pass one of them")
    version = parse_version(python_version)
    if implementation.lower() not in IMPLEMENTATIONS:
        raise UserError(f"--implementation {implementation!r} is not CPython or PyPy")
    implementation = IMPLEMENTATIONS[implementation.lower()]
    ws = load(path)
    rustc = Rustc()
    if triple not in rustc.targets:
        close = difflib.get_close_matches(triple, rustc.targets, n=3)
        raise UserError(
            f"unknown target {triple!r} (not in `rustc --print target-list`)",
            f"did you mean {' or '.join(close)}?"
            if close
            else "run `rustc --print target-list` for the names",
        )
    plan = Plan(ws, triple, {})
    if not rustc.std_installed(triple):
        plan.notes.append(
            f"warning: the standard library for {triple} is not installed; "
            f"run `rustup target add {triple}` before building"
        )
    plan.settings = _python_settings(plan, lib_dir, version, implementation)
    after: dict[Path, str | None] = {}
    if linker:
        _check_linker(linker)
        config = cargo_config.config_path(ws.root)
        text, previous = cargo_config.with_linker(config, triple, linker)
        if previous != linker:
            after[config] = text
    elif zig:
        if not shutil.which("zig"):
            plan.notes.append(
                "note: `zig` is not on PATH; maturin --zig needs it (pip install ziglang)"
            )
    elif triple != rustc.host:
        plan.notes.append(
            f"note: no --linker or --zig: cargo links {triple} with the host's "
            "`cc`, which usually fails"
        )
    env_file = envfile.path_for(ws.root, triple)
    after[env_file] = envfile.render(triple, plan.settings)
    ignore = envfile.ignore_file(ws.root)
    if not ws.reader.is_file(ignore):  # a folder the user already ignores their way is left
        after[ignore] = envfile.IGNORE_ALL
    before = {p: ws.reader.read(p).original if ws.reader.is_file(p) else None for p in after}
    plan.changeset = ChangeSet(before, after)
    return plan


def _python_settings(
    plan: Plan, lib_dir: Path | None, version: tuple[int, int, bool] | None, implementation: str
) -> dict[str, str]:
    """The PYO3_CROSS_* settings; the lib dir is checked as PyO3 reads it (not on Windows,
    where PyO3 0.30 links with raw-dylib and reads no sysconfigdata)."""
    settings = {}
    windows = "windows" in plan.triple
    if lib_dir is not None:
        if not lib_dir.is_dir():
            raise UserError(
                f"--lib-dir {lib_dir}: no such directory",
                "pass the target's directory holding libpython and _sysconfigdata*.py",
            )
        if not windows:
            arch, os_name = _arch_os(plan.triple)
            found = libdir.inspect(
                lib_dir.resolve(), arch, os_name, version[:2] if version else None, implementation
            )
            version = version or (*found.version, found.free_threaded)
            plan.notes.append(f"{lib_dir}: {found.sysconfigdata.name}, {found.libpython.name}")
        settings["PYO3_CROSS_LIB_DIR"] = str(lib_dir.resolve())
    elif not windows:
        plan.notes.append(
            "note: without --lib-dir only extension modules build for "
            f"{plan.triple}; binaries that embed Python need the target's libpython"
        )
    if version is None:
        if plan.ws.lowest_abi3_enabled() is None:
            raise UserError(
                f"no --python-version{'' if windows else ' or --lib-dir'} given",
                "PyO3 needs the target's Python version (or an abi3-py3X feature)",
            )
    else:
        _check_version_supported(plan.ws, version, implementation)
        settings["PYO3_CROSS_PYTHON_VERSION"] = f"3.{version[1]}{'t' if version[2] else ''}"
    settings["PYO3_CROSS_PYTHON_IMPLEMENTATION"] = implementation
    return settings


def parse_version(text: str | None) -> tuple[int, int, bool] | None:
    """ "3.11" -> (3, 11, False), "3.14t" -> (3, 14, True); UserError for anything else."""
    if text is None:
        return None
    match = _VERSION.fullmatch(text.strip())
    if not match:
        raise UserError(
            f"bad --python-version {text!r}",
            "expected 3.Y, or 3.Yt for a free-threaded Python, e.g. 3.12",
        )
    return 3, int(match.group(1)), bool(match.group(2))


def _check_version_supported(
    ws: Workspace, version: tuple[int, int, bool], implementation: str
) -> None:
    if version[2] and implementation != "CPython":
        raise UserError(f"Python 3.{version[1]}t: only CPython is free-threaded")
    series = ws.pyo3_series()
    low = facts.python_min(series) if series else None
    if series and low and version[:2] < low:
        raise UserError(
            f"Python 3.{version[1]}: PyO3 {facts.fmt(series)} supports Python >= {facts.fmt(low)}",
            "target a newer Python or use an older PyO3",
        )


def _check_linker(linker: str) -> None:
    if shutil.which(linker) is None:
        raise UserError(
            f"--linker {linker}: not found on PATH",
            "install the cross linker (e.g. gcc-aarch64-linux-gnu) or pass its path",
        )


def _arch_os(triple: str) -> tuple[str, str]:
    """The architecture and OS names PyO3 matches in `lib.<os>-<arch>` directory names."""
    parts = triple.split("-")
    os_name = next((p for p in parts[1:] if p not in _VENDORS), parts[-1])
    return parts[0], os_name


def commands(plan: Plan, zig: bool) -> list[str]:
    """The exact build commands, run from the workspace root."""
    ws = plan.ws
    source = f". .cargo/cross/{plan.triple}.env"
    cargo = "cargo zigbuild" if zig else "cargo build"
    lines = [f"# from {ws.root}", f"({source} && {cargo} --target {plan.triple})"]
    for project in ws.projects:
        cd = "" if project.dir == ws.root else f"cd {shown(project.dir, ws.root)} && "
        if project.backend == "maturin":
            lines.append(
                f"({source} && {cd}maturin build --release --target {plan.triple}"
                f"{' --zig' if zig else ''})"
            )
        elif project.backend == "setuptools-rust":
            lines.append(
                f"({source} && {cd}CARGO_BUILD_TARGET={plan.triple} python -m build --wheel)"
            )
    return lines


def shown(path: Path, root: Path) -> str:
    """`path` relative to `root` when below it, else as given."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
