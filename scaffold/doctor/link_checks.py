"""Doctor checks about libpython at run time: is it shared, where, and will binaries find it.

A binary that embeds Python finds a shared libpython outside the loader path only through its
own rpath: `cargo:rustc-link-arg` from a dependency's build script never reaches it, so it needs
its own `build.rs` (`pyo3_build_config::add_libpython_rpath_link_args()`, PyO3 >= 0.28).
A binary whose code calls no Python API is judged by what its build loads (ELF NEEDED), never
told it fails to start before it is built.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from scaffold import facts
from scaffold.display import shown
from scaffold.doctor.findings import ERROR, NOTE, OK, WARN, Report
from scaffold.probes import elf, libpython
from scaffold.probes.probe import Interpreter
from scaffold.workspace import rust_source
from scaffold.workspace.crate import Crate
from scaffold.workspace.model import Workspace

# The platform the libpython and binary checks branch on (tests simulate others by setting it).
PLATFORM = sys.platform


def check_libpython(
    report: Report, found: Interpreter, environ: dict[str, str], ws: Workspace | None
) -> None:
    lib = libpython.locate(found, PLATFORM)
    if not lib.shared:
        report.add("libpython", OK, "libpython is static: binaries carry it, nothing to load")
        return
    if lib.directory is None:
        report.add(
            "libpython",
            WARN,
            f"shared {lib.name} not found in {found.libdir}",
            "reinstall that Python with its shared library, or use another one",
        )
        return
    loader = libpython.loader_dirs(environ, PLATFORM)
    where = f"shared {lib.name} in {lib.directory}"
    if libpython.covers(lib.directory, loader):
        report.add("libpython", OK, f"{where}, on the loader path")
        return
    line = libpython.export_line(lib.directory, PLATFORM)
    report.export(line)
    report.add(
        "libpython",
        NOTE,
        f"{where}, outside the loader path: binaries that embed "
        "Python need an rpath; other binaries (the library's `cargo test`) need "
        f"{libpython.loader_variable(PLATFORM)}",
        line,
    )
    if ws is None:
        return
    if not PLATFORM.startswith("linux"):
        report.add(
            "binaries",
            NOTE,
            f"rpath build scripts and built binaries not checked on "
            f"this platform ({PLATFORM}): doctor reads ELF (Linux) binaries only",
        )
        return
    for crate in embedding_binaries(ws):
        built = built_binaries(ws, crate, environ)
        if ws.uses_python(crate):
            _check_rpath(report, ws, crate, lib.directory, line)
        elif not built:  # what it loads is the linker's answer: read it once it is built
            report.add(
                f"rpath:{crate.name}",
                NOTE,
                f"binary crate `{crate.name}` links PyO3 through its dependencies but its code "
                f"calls no Python API: it needs {lib.name} only if a Python symbol survives "
                "linking (rustc links with `--as-needed`)",
                f"build it (`cargo build -p {crate.name}`) and run doctor again: it reads "
                "what the binary loads",
            )
        for binary in built:
            _check_binary(report, binary, lib.directory, loader, line, crate)


def embedding_binaries(ws: Workspace) -> list[Crate]:
    """Binary crates that link PyO3 (or pyo3-ffi), directly or through path dependencies in the
    workspace."""
    memo: dict[str, bool] = {}

    def uses_pyo3(crate: Crate, seen: frozenset[str]) -> bool:
        if crate.name not in memo:
            direct = any(
                d.kind != "build-dependencies"
                for name in facts.LINKS_PYTHON
                for d in crate.dependencies_on(name)
            )
            memo[crate.name] = direct or any(
                uses_pyo3(dep, seen | {crate.name})
                for dep in _path_deps(ws, crate)
                if dep.name not in seen
            )
        return memo[crate.name]

    return [c for c in ws.members if c.has_binary and uses_pyo3(c, frozenset())]


def _path_deps(ws: Workspace, crate: Crate) -> list[Crate]:
    """Members `crate` depends on by path (normal dependencies only)."""
    return [
        m
        for m in ws.members
        if m is not crate
        and any(member is crate and dep.kind == "dependencies" for member, dep in ws.dependents(m))
    ]


def _check_rpath(report: Report, ws: Workspace, crate: Crate, libdir: Path, line: str) -> None:
    name = f"rpath:{crate.name}"
    build = crate.build_script
    text = (crate.reader.text(build) or "") if build else ""
    wired = any(d.kind == "build-dependencies" for d in crate.dependencies_on("pyo3-build-config"))
    setting = rust_source.rpath_setting(text) if build else None
    if build is not None and (setting == "link-arg" or (setting == "helper" and wired)):
        report.add(
            name,
            OK,
            f"{shown(build, up=1)} puts libpython's directory on the rpath: "
            f"binaries of `{crate.name}` find {libdir}",
        )
        return
    series = ws.pyo3_series(crate) or ws.pyo3_series() or (0, 0)
    how = (
        "a build.rs calling pyo3_build_config::add_libpython_rpath_link_args() with "
        "pyo3-build-config in [build-dependencies]"
        if facts.has_rpath_helper(series)
        else f'a build.rs printing "cargo:rustc-link-arg=-Wl,-rpath,{libdir}"'
    )
    report.add(
        name,
        WARN,
        f"binary crate `{crate.name}` embeds Python but has no rpath build "
        f"script: it fails to start with 'cannot open shared object file'",
        f"add {how} (`scaffold fix-features --unsafe-fixes` does it), or {line}",
    )


def built_binaries(ws: Workspace, crate: Crate, environ: dict[str, str]) -> list[Path]:
    """The crate's binaries already built in the target directory (debug and release)."""
    target = Path(environ.get("CARGO_TARGET_DIR") or ws.root / "target")
    if not target.is_absolute():
        target = Path.cwd() / target
    names = _binary_names(crate)
    return [
        target / profile / name
        for profile in ("debug", "release")
        for name in names
        if (target / profile / name).is_file()
    ]


def _binary_names(crate: Crate) -> list[str]:
    names = [b["name"] for b in crate.data.get("bin", []) if isinstance(b, dict) and "name" in b]
    if (crate.dir / "src" / "main.rs").is_file():
        names.append(crate.name)
    bin_dir = crate.dir / "src" / "bin"
    if bin_dir.is_dir():
        names += [p.stem for p in bin_dir.glob("*.rs")]
        names += [p.name for p in bin_dir.iterdir() if (p / "main.rs").is_file()]
    return list(dict.fromkeys(names))


def _check_binary(
    report: Report, binary: Path, libdir: Path, loader: list[str], line: str, crate: Crate
) -> None:
    name = f"binary:{binary.parent.name}/{binary.name}"
    try:
        info = elf.read(binary)
    except elf.ElfError as error:
        report.add(name, NOTE, f"cannot read it: {error}")
        return
    needed = [n for n in info.needed if n.startswith(("libpython", "libpypy"))]
    if not needed:
        report.add(name, OK, "does not load libpython")
        return
    own = info.search_dirs()
    kind = "RUNPATH" if info.runpath else "RPATH" if info.rpath else "no RUNPATH"
    # Judge by the library it really needs, wherever that is: it may have been built for
    # another Python than the one chosen today.
    providing = next((d for d in own if (Path(d) / needed[0]).exists()), None)
    if providing is not None:
        report.add(name, OK, f"{kind} {providing} provides {needed[0]}")
    elif system := next((d for d in loader if (Path(d) / needed[0]).exists()), None):
        if libpython.covers(libdir, [system]):
            report.add(name, OK, f"{needed[0]} is on the loader path ({system})")
        else:
            report.add(
                name,
                WARN,
                f"{kind}: it starts with the {needed[0]} the loader finds in "
                f"{system}, not the one in {libdir} it was built against",
                f"add the rpath build script and rebuild (`cargo build -p "
                f"{crate.name}`), or {line}",
            )
    else:
        shown = f"{kind} {os.pathsep.join(own)}" if own else kind
        report.add(
            name,
            ERROR,
            f"needs {needed[0]} but neither its {shown} nor the loader "
            "path has it: it fails to start",
            f"rebuild it (`cargo build -p "
            f"{crate.name}`) after adding the rpath build script, or {line}",
        )
