"""The loaded workspace and the questions asked of it: members, extension crates and who
builds them, dependents, the PyO3 series in use (Cargo.lock first). Built by
`scaffold.workspace.loader.load`; every file it looks at goes through its `Reader`.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from scaffold import facts
from scaffold.toml.textfile import TextFile
from scaffold.workspace import rust_source
from scaffold.workspace.crate import Crate, Dependency
from scaffold.workspace.python import PythonProject, RustExtension
from scaffold.workspace.reader import Reader
from scaffold.workspace.versions import series

_ABI3 = re.compile(r"abi3-py3(\d+)$")
# Bindings that build something other than a PyO3 extension module: maturin `bindings`
# (bin, cffi, uniffi) and setuptools-rust `Binding` (Exec: a binary, NoBinding: a plain C ABI).
NON_PYO3_BINDINGS = ("bin", "cffi", "uniffi", "exec", "nobinding")


@dataclass
class Extension:
    """A crate that builds a Python extension module, and who builds it."""

    crate: Crate
    declared_by: RustExtension | None  # None: found by `cdylib` + `#[pymodule]` alone
    project: PythonProject | None


@dataclass
class Workspace:
    root: Path
    root_file: TextFile
    root_data: dict
    members: list[Crate]
    projects: list[PythonProject]
    lock_versions: dict[str, list[str]] = field(default_factory=dict)
    reader: Reader = field(default_factory=Reader, repr=False)
    _dependents: dict[Path, list[tuple[Crate, Dependency]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def source_text(self, path: Path) -> str | None:
        """A file's current text (pending edits included), or None when it does not exist."""
        return self.reader.text(path)

    @property
    def manifest(self) -> dict:
        return self.root_data.get("workspace", {})

    @property
    def is_virtual(self) -> bool:
        return "package" not in self.root_data

    @property
    def has_workspace(self) -> bool:
        return "workspace" in self.root_data

    @property
    def default_members(self) -> list[str] | None:
        value = self.manifest.get("default-members")
        return list(value) if isinstance(value, list) else None

    def plain_build_selection(self) -> set[Path]:
        """Package directories a `cargo build` without `-p`/`--workspace` at the root builds:
        `default-members` (globs expanded as in `members`, as cargo does), else the root
        package, else every member of a virtual workspace."""
        if self.default_members is not None:
            return {d for entry in self.default_members for d in self.default_member_dirs(entry)}
        if not self.is_virtual:
            return {self.root.resolve()}
        return {m.dir.resolve() for m in self.members}

    def default_member_dirs(self, entry: str) -> set[Path]:
        """The member directories a `default-members` entry names (a path or a glob)."""
        if not glob.has_magic(entry):
            return {(self.root / entry).resolve()}
        members = {m.dir.resolve() for m in self.members}
        return set(self.reader.glob(str(self.root / entry))) & members

    def maturin_builds_root(self, project: PythonProject | None) -> bool:
        """Whether maturin builds the workspace root's own package (its manifest is the
        root's, as `maturin new` and `uv init --lib --build-backend maturin` make it)."""
        return (
            project is not None
            and project.backend == "maturin"
            and not self.is_virtual
            and self.reader.resolve(project.maturin_manifest)
            == self.reader.resolve(self.root_file.path)
        )

    def member(self, name: str) -> Crate | None:
        return next((c for c in self.members if c.name == name), None)

    def member_at(self, manifest: Path) -> Crate | None:
        return self._by_manifest.get(self.reader.resolve(manifest))

    @cached_property
    def _by_manifest(self) -> dict[Path, Crate]:
        """Members by resolved manifest path (the first one, should two resolve alike)."""
        index: dict[Path, Crate] = {}
        for crate in self.members:
            index.setdefault(self.reader.resolve(crate.path), crate)
        return index

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix() or "."
        except ValueError:
            return str(path)

    def extensions(self) -> list[Extension]:
        """Extension crates: those a Python project declares, else cdylib crates with a pymodule."""
        found: dict[Path, Extension] = {}
        for project in self.projects:
            for declared in project.extensions():
                crate = self.member_at(declared.manifest)
                if (
                    crate is not None
                    and crate.path not in found
                    and self.builds_pyo3_module(project, declared, crate)
                ):
                    found[crate.path] = Extension(crate, declared, project)
        if not found:
            for crate in self.members:
                # DESIGN 3: `cdylib` and `#[pymodule]`. A library without `cdylib` may define
                # a pymodule for its users to add (pyo3-async-runtimes): not an extension.
                if (
                    self.pyo3_dependencies(crate)
                    and "cdylib" in crate.crate_types
                    and _has_pymodule(crate)
                ):
                    found[crate.path] = Extension(crate, None, self.project_for(crate))
        return list(found.values())

    def builds_pyo3_module(
        self, project: PythonProject, declared: RustExtension, crate: Crate
    ) -> bool:
        """Whether the backend builds `crate` as a PyO3 module, not a binary, cffi or uniffi.

        Explicit bindings decide. Otherwise maturin picks `pyo3` only when pyo3 or pyo3-ffi is
        among the dependencies, and `bin` when the crate has binaries but no `cdylib`
        (maturin src/bridge/detection.rs `find_bridge`).
        """
        bindings = declared.bindings
        if bindings is None and project.backend == "maturin":
            metadata = crate.data["package"].get("metadata", {})
            maturin = metadata.get("maturin", {}) if isinstance(metadata, dict) else {}
            bindings = maturin.get("bindings") if isinstance(maturin, dict) else None
        if isinstance(bindings, str):
            return bindings.lower() not in NON_PYO3_BINDINGS
        if project.backend != "maturin":
            return True
        has_bin = crate.has_binary or self.reader.is_dir(crate.dir / "src" / "bin")
        if has_bin and "cdylib" not in crate.crate_types:
            return False
        return self.reaches_pyo3(crate)

    def reaches_pyo3(self, crate: Crate, seen: set[Path] | None = None) -> bool:
        """pyo3 or pyo3-ffi among the crate's dependencies, directly or through members."""
        seen = seen if seen is not None else set()
        seen.add(crate.path)
        for dep in crate.dependencies:
            if dep.kind != "dependencies":
                continue
            effective = crate.effective(dep)
            if effective.package in facts.LINKS_PYTHON:
                return True
            if effective.path is not None:
                base = self.root if dep.inherits_workspace else crate.dir
                member = self.member_at(base / effective.path / "Cargo.toml")
                if (
                    member is not None
                    and member.path not in seen
                    and self.reaches_pyo3(member, seen)
                ):
                    return True
        return False

    def project_for(self, crate: Crate) -> PythonProject | None:
        return next((p for p in self.projects if p.dir in (crate.dir, self.root)), None)

    def dependents(self, crate: Crate) -> list[tuple[Crate, Dependency]]:
        """Members with a path dependency (direct or through the workspace) on `crate`."""
        known = self._dependents.get(crate.path)
        if known is not None:  # several rules ask for the same crate
            return list(known)
        found = []
        resolve = self.reader.resolve
        target = resolve(crate.dir)
        for member in self.members:
            if member is crate:
                continue
            for dep in member.dependencies_on(crate.name):
                path = member.effective(dep).path
                base = self.root if dep.inherits_workspace else member.dir
                if path is not None and resolve(base / path) == target:
                    found.append((member, dep))
        self._dependents[crate.path] = found
        return list(found)

    def pyo3_dependencies(self, crate: Crate) -> list[Dependency]:
        return crate.dependencies_on("pyo3")

    def lowest_abi3_enabled(self) -> tuple[int, int] | None:
        """The lowest `abi3-py3X` any extension crate enables on pyo3, directly or through a
        feature of its own (`facts.abi3_floor` is the lowest a PyO3 series has)."""
        floors = []
        for ext in self.extensions():
            crate = ext.crate
            names = [f for d in self.pyo3_dependencies(crate) for f in crate.effective(d).features]
            names += [
                v.split("/", 1)[1]
                for values in crate.features.values()
                for v in values
                if v.startswith(("pyo3/", "pyo3?/")) and "/" in v
            ]
            floors += [(3, int(m.group(1))) for n in names if (m := _ABI3.match(n))]
        return min(floors) if floors else None

    def uses_python(self, crate: Crate) -> bool:
        """Whether `crate` uses Python itself: pyo3 among its own dependencies, or
        `Python::` / `pyo3::` in its code. A binary that does neither (a CLI over an
        extension's Rust API) embeds no interpreter of its own."""
        return bool(self.pyo3_dependencies(crate)) or rust_source.uses_python(
            crate.rust_sources(), crate.reader.text
        )

    def pyo3_series(self, crate: Crate | None = None) -> tuple[int, int] | None:
        """The PyO3 minor series in use: Cargo.lock first, else the requirement."""
        locked = self.lock_versions.get("pyo3", [])
        required = None
        crates = [crate] if crate else self.members
        for member in crates:
            for dep in self.pyo3_dependencies(member):
                required = required or series(member.effective(dep).version or "")
        if len(locked) == 1:
            return series(locked[0])
        if required and any(series(v) == required for v in locked):
            return required
        if locked:
            return max((s for v in locked if (s := series(v))), default=required)
        return required


def _has_pymodule(crate: Crate) -> bool:
    """A `#[pymodule]`, or a hand-written `PyInit_<name>` through pyo3's FFI."""
    return rust_source.defines_module(crate.rust_sources(), crate.reader.text)
