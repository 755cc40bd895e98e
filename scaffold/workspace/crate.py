"""A Cargo package as the rules see it: parsed manifest, dependencies in every spelling; its
files (binaries, build script, Rust sources) seen through the workspace's reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from scaffold.toml.textfile import TextFile
from scaffold.workspace import rust_source
from scaffold.workspace.reader import Reader

DEPENDENCY_KINDS = ("dependencies", "dev-dependencies", "build-dependencies")


@dataclass(frozen=True)
class Effective:
    """A dependency as cargo builds it, `workspace = true` resolved (`Crate.effective`); the
    fields of cargo's `toml_mut::Dependency` the tool asks about."""

    package: str  # the real package name (`package = ...` of a renamed dependency)
    version: str | None
    path: str | None  # from the member's directory, or from the root when inherited
    features: tuple[str, ...]
    optional: bool
    default_features: bool

    @classmethod
    def of(cls, spec: dict, key: str) -> Effective:
        """Read from one table, as written (no inheritance)."""
        version, path = spec.get("version"), spec.get("path")
        return cls(
            package=str(spec.get("package", key)),
            version=version if isinstance(version, str) else None,
            path=path if isinstance(path, str) else None,
            features=tuple(f for f in spec.get("features", []) if isinstance(f, str)),
            optional=bool(spec.get("optional", False)),
            # `default_features` (underscore) is the deprecated spelling, gone in edition 2024.
            default_features=bool(spec.get("default-features", spec.get("default_features", True))),
        )


@dataclass(frozen=True)
class Dependency:
    """One dependency entry as written, normalised: a string requirement becomes
    {"version": ...}. What cargo builds, inheritance included: `Crate.effective(dep)`."""

    table: tuple[str, ...]  # ("dependencies",) or ("target", "cfg(unix)", "dependencies") ...
    key: str  # the name as written (may be renamed through `package = ...`)
    spec: dict

    @property
    def package(self) -> str:
        return self.spec.get("package", self.key)

    @property
    def kind(self) -> str:
        return self.table[-1]

    @property
    def inherits_workspace(self) -> bool:
        return self.spec.get("workspace") is True

    @property
    def path(self) -> str | None:
        return self.spec.get("path")

    @property
    def features(self) -> list[str]:
        return list(self.spec.get("features", []))

    @property
    def default_features(self) -> bool:
        # `default_features` (underscore) is the deprecated spelling, removed in edition 2024.
        return self.spec.get("default-features", self.spec.get("default_features", True))

    @property
    def version(self) -> str | None:
        return self.spec.get("version")


def dependencies_of(data: dict, prefix: tuple[str, ...] = ()) -> list[Dependency]:
    """Every dependency in a manifest table: plain, dev, build and target-specific ones."""
    found = []
    for kind in DEPENDENCY_KINDS:
        found += _table_dependencies(data.get(kind, {}), (*prefix, kind))
        if "-" in kind:  # `dev_dependencies` / `build_dependencies`: deprecated spellings
            legacy = kind.replace("-", "_")
            found += _table_dependencies(data.get(legacy, {}), (*prefix, legacy))
    for target, tables in data.get("target", {}).items():
        if isinstance(tables, dict):
            for kind in DEPENDENCY_KINDS:
                found += _table_dependencies(tables.get(kind, {}), ("target", target, kind))
    return found


def _table_dependencies(table: object, path: tuple[str, ...]) -> list[Dependency]:
    if not isinstance(table, dict):
        return []
    deps = []
    for key, spec in table.items():
        if isinstance(spec, str):
            spec = {"version": spec}
        if isinstance(spec, dict):
            deps.append(Dependency(path, key, spec))
    return deps


@dataclass
class Crate:
    """A package manifest (`[package]` present) inside the workspace."""

    file: TextFile
    data: dict
    workspace_data: dict = field(default_factory=dict, repr=False)
    reader: Reader = field(default_factory=Reader, repr=False, compare=False)

    @property
    def path(self) -> Path:
        return self.file.path

    @property
    def dir(self) -> Path:
        return self.file.path.parent

    @property
    def name(self) -> str:
        return self.data["package"]["name"]

    @property
    def lib(self) -> dict:
        lib = self.data.get("lib", {})
        return lib if isinstance(lib, dict) else {}

    @property
    def lib_name(self) -> str:
        """The library target name: `[lib] name`, else the package name with `-` as `_`."""
        return self.lib.get("name", self.name.replace("-", "_"))

    @property
    def crate_types(self) -> list[str]:
        return list(self.lib.get("crate-type", self.lib.get("crate_type", [])))

    @property
    def has_binary(self) -> bool:
        """`[[bin]]` targets or those cargo finds: src/main.rs, src/bin/*.rs, src/bin/*/main.rs."""
        src = self.dir / "src"
        if self.data.get("bin") or self.reader.is_file(src / "main.rs"):
            return True
        bins = src / "bin"
        return self.reader.is_dir(bins) and bool(
            self.reader.files(bins, "*.rs") or self.reader.files(bins, "*/main.rs")
        )

    @property
    def build_script_path(self) -> Path | None:
        """Where the build script is or would be (`package.build`, default build.rs)."""
        build = self.data["package"].get("build", "build.rs")
        if build is False:
            return None
        return self.dir / (build if isinstance(build, str) else "build.rs")

    @property
    def build_script(self) -> Path | None:
        path = self.build_script_path
        return path if path is not None and self.reader.is_file(path) else None

    @property
    def features(self) -> dict[str, list[str]]:
        return self.data.get("features", {})

    @property
    def edition(self) -> str:
        edition = self.data["package"].get("edition", "2015")
        if isinstance(edition, dict):  # edition.workspace = true
            inherited = self.workspace_data.get("workspace", {}).get("package", {})
            edition = inherited.get("edition", "2015")
        return str(edition)

    @cached_property
    def dependencies(self) -> list[Dependency]:
        return dependencies_of(self.data)

    def dependencies_on(self, package: str) -> list[Dependency]:
        """Entries for `package`, resolving `workspace = true` for its real package name."""
        return list(self._by_package.get(package, ()))

    def dependencies_on_any(self, wanted: Callable[[str], bool]) -> list[Dependency]:
        """Entries whose real package name (renamed or inherited) `wanted` accepts, in
        manifest order: a rule looking for a family of packages skips the others unresolved."""
        chosen = [d for name, deps in self._by_package.items() if wanted(name) for d in deps]
        return [dep for dep in self.dependencies if any(dep is c for c in chosen)]

    @cached_property
    def _by_package(self) -> dict[str, list[Dependency]]:
        """Every dependency under its real package name, computed once: rules ask each member
        about pyo3 and each extension crate, so a scan per question was O(members x deps)."""
        index: dict[str, list[Dependency]] = {}
        for dep in self.dependencies:
            index.setdefault(dep.package, []).append(dep)
            if dep.inherits_workspace:
                inherited = self.workspace_dependency(dep.key).get("package", dep.key)
                if inherited != dep.package:
                    index.setdefault(inherited, []).append(dep)
        return index

    def workspace_dependency(self, key: str) -> dict:
        spec = self.workspace_data.get("workspace", {}).get("dependencies", {}).get(key, {})
        return {"version": spec} if isinstance(spec, str) else spec

    def effective(self, dep: Dependency) -> Effective:
        """`dep` as cargo builds it, `workspace = true` resolved (the Cargo book, "Inheriting a
        dependency from a workspace": only `features`, which add up, and `optional` may be
        given beside it): the member can turn the workspace's `default-features = false` back
        on, not off (ignored with a warning; an error in edition 2024, the edition guide's
        "Reject unused inherited default-features", which the feature model raises).

        Computed once per entry and kept on it with the workspace table it was resolved
        against: the loader and most rules ask about the same entries. (Not a dict keyed by
        `id(dep)`: `id()` is an audit event, which the verdict cache's hook hears.)"""
        known = dep.__dict__.get("_effective")
        if known is not None and known[0] is self.workspace_data:
            return known[1]
        effective = self._resolve(dep)
        object.__setattr__(dep, "_effective", (self.workspace_data, effective))  # not a field
        return effective

    def _resolve(self, dep: Dependency) -> Effective:
        if not dep.inherits_workspace:
            return Effective.of(dep.spec, dep.key)
        inherited = self.workspace_dependency(dep.key)
        workspace_default = inherited.get("default-features", inherited.get("default_features"))
        own_default = dep.spec.get("default-features", dep.spec.get("default_features"))
        merged = {
            **inherited,
            "features": [*inherited.get("features", []), *dep.features],
            "default-features": workspace_default is not False or own_default is True,
        }
        if "optional" in dep.spec:
            merged["optional"] = dep.spec["optional"]
        return Effective.of(merged, dep.key)

    def rust_sources(self) -> list[Path]:
        """The Rust files the library and the binaries compile: their roots and the files
        their `mod` declarations bring in (`rust_source.module_files`); every `.rs` file below
        src/ when there is no root to start from."""
        roots = self.target_roots()
        if not roots:
            return self.reader.files(self.dir / "src", "*.rs", recursive=True)
        return rust_source.module_files(roots, self.reader.text)

    def target_roots(self) -> list[Path]:
        """The root files of the library and binary targets that exist: `[lib] path` (default
        src/lib.rs), `[[bin]] path`, and those cargo finds (src/main.rs, src/bin/*.rs,
        src/bin/*/main.rs)."""
        src = self.dir / "src"
        lib = self.lib.get("path")
        candidates = [self.dir / lib if isinstance(lib, str) else src / "lib.rs", src / "main.rs"]
        bins = self.data.get("bin")
        for target in bins if isinstance(bins, list) else []:
            if isinstance(target, dict) and isinstance(target.get("path"), str):
                candidates.append(self.dir / target["path"])
        roots = [path for path in dict.fromkeys(candidates) if self.reader.is_file(path)]
        return (
            roots
            + self.reader.files(src / "bin", "*.rs")
            + self.reader.files(src / "bin", "*/main.rs")
        )
