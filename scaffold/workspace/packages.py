"""The package graph the feature model resolves, built from an already loaded `Workspace`.

Members come from their parsed manifests, `workspace = true` entries merged the way cargo
merges them (`features` add up; `optional` is the member's; a member's `default-features =
false` is ignored with a warning when `[workspace.dependencies]` leaves defaults on, an error
from edition 2024: cargo reference "Inheriting a dependency from a workspace" and
util/toml/mod.rs `inner_dependency_inherit_with`). Path dependencies outside the workspace are
read too. A registry `pyo3` gets its real `[features]` from `scaffold.facts`; other registry
crates are leaves (their own dependencies are not known without the registry).

The fix gate builds the whole graph; a lint pass builds it lazily (`build_graph(ws, lazy=True)`):
a package is read when a resolution reaches it, so a question about one member of a large
workspace reads only that member's part of the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from scaffold import facts
from scaffold.errors import ManifestError
from scaffold.workspace.crate import Crate, Dependency, Effective
from scaffold.workspace.features import Dep, FeatureError, Graph, Package, implicit_features
from scaffold.workspace.model import Workspace

_KINDS = {
    "dependencies": "normal",
    "dev-dependencies": "dev",
    "dev_dependencies": "dev",
    "build-dependencies": "build",
    "build_dependencies": "build",
}


def build_graph(ws: Workspace, lazy: bool = False) -> Graph:
    """The workspace's package graph. `lazy`: a package is read only when a resolution
    reaches it (a lint pass asks about a few packages of a large workspace), and a manifest
    cargo would reject raises FeatureError from that resolution instead of from here."""
    packages = Packages(ws)
    if not lazy:
        packages.load_all()
    members = [c.name for c in ws.members]
    return Graph(
        packages,
        _resolver(ws),
        members,
        _default_members(ws, packages.by_dir, members),
        None if ws.is_virtual else ws.root_data["package"]["name"],
    )


class Packages(Mapping):
    """Package name -> `Package`, each built from its manifest on first use: members, path
    dependencies outside the workspace (read when a package that names them is built), and
    registry crates (pyo3 with its real features, any other a leaf)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.loaded: dict[str, Package] = {}
        self.crates: dict[str, tuple[Crate, bool]] = {}
        self.by_dir: dict[Path, str] = {}
        for crate in ws.members:
            self.crates.setdefault(crate.name, (crate, True))
            self.by_dir[ws.reader.resolve(crate.dir)] = crate.name

    def __getitem__(self, name: str) -> Package:
        found = self.loaded.get(name)
        if found is None:
            known = self.crates.get(name)
            found = self.loaded[name] = self._package(*known) if known else _registry(name)
        return found

    def __iter__(self) -> Iterator[str]:
        self.load_all()
        return iter(self.loaded)

    def __len__(self) -> int:
        self.load_all()
        return len(self.loaded)

    def load_all(self) -> None:
        """Every package the members reach (the whole graph, as `cargo metadata` sees it):
        the crates first (members, then path dependencies outside the workspace, which win
        over a registry crate of the same name), then the registry crates they name."""
        while todo := [name for name in self.crates if name not in self.loaded]:
            for name in todo:
                self[name]
        queue = list(self.loaded.values())
        while queue:
            queue.extend(
                self[dep.package] for dep in queue.pop().deps if dep.package not in self.loaded
            )

    def _package(self, crate: Crate, member: bool) -> Package:
        ws = self.ws
        deps = [
            dependency_edge(ws, crate, entry, member, self.path_package)
            for entry in crate.dependencies
        ]
        optional = [d.name for d in deps if d.optional]
        lib = crate.data.get("lib", {})
        return Package(
            crate.name,
            implicit_features(crate.features, optional),
            deps,
            member,
            isinstance(lib, dict) and bool(lib.get("proc-macro", lib.get("proc_macro"))),
        )

    def path_package(self, target: Path) -> str | None:
        """The package at a path dependency's directory: a member, else read (once)."""
        return self.by_dir.get(target) or _external(self.ws, target, self.by_dir, self.crates)


def dependency_edge(
    ws: Workspace,
    crate: Crate,
    entry: Dependency,
    member: bool = True,
    path_package: Callable[[Path], str | None] | None = None,
) -> Dep:
    """One manifest dependency entry as the model's edge, workspace inheritance applied.
    `path_package` names the package at a path dependency's directory (default: members)."""
    spec = _effective(crate, entry, member)
    base = ws.root if entry.inherits_workspace else crate.dir
    name = spec.package
    if spec.path is not None:
        target = ws.reader.resolve(base / spec.path)
        found = (
            path_package(target)
            if path_package
            else next((c.name for c in ws.members if ws.reader.resolve(c.dir) == target), None)
        )
        name = found or name
    table = entry.table
    return Dep(
        entry.key,
        name,
        _KINDS.get(table[-1], "normal"),
        spec.optional,
        spec.features,
        spec.default_features,
        table[1] if table[0] == "target" else None,
    )


def _effective(crate: Crate, entry: Dependency, member: bool) -> Effective:
    """The entry as cargo builds it; a package outside the workspace keeps its own words.
    Edition 2024 refuses a `default-features = false` the workspace's entry overrides."""
    if not entry.inherits_workspace or not member:
        return Effective.of(entry.spec, entry.key)
    inherited = crate.workspace_dependency(entry.key)
    ws_default = inherited.get("default-features", inherited.get("default_features"))
    own = entry.spec.get("default-features", entry.spec.get("default_features"))
    if own is False and ws_default in (None, True) and crate.edition >= "2024":
        raise FeatureError(
            f"{crate.name}: `default-features = false` on `{entry.key}` "
            "cannot override the workspace's default features (edition 2024)"
        )
    return crate.effective(entry)


def _external(ws: Workspace, directory: Path, by_dir: dict, crates: dict) -> str | None:
    """A path dependency outside the workspace: read its manifest, register it as a package."""
    if directory in by_dir:
        return by_dir[directory]
    try:
        file = ws.reader.read(directory / "Cargo.toml")
        data = file.parse()
        name = data["package"]["name"]
    except (OSError, ManifestError, KeyError, TypeError):
        return None
    by_dir[directory] = name
    crates.setdefault(name, (Crate(file, data, {}, ws.reader), False))
    return name


def _registry(name: str) -> Package:
    """pyo3 with its features and optional dependencies (leaves); any other crate a leaf."""
    if name != "pyo3":
        return Package(name, {})
    optional = list(facts.PYO3_OPTIONAL_DEPENDENCIES)
    deps = [Dep(d, d, "normal", optional=True) for d in optional]
    deps.append(Dep("pyo3-ffi", "pyo3-ffi", "normal"))
    return Package(name, implicit_features(facts.PYO3_FEATURES, optional), deps)


def _resolver(ws: Workspace) -> int:
    declared = ws.manifest.get("resolver") or ws.root_data.get("package", {}).get("resolver")
    if declared is None and not ws.is_virtual:
        edition = Crate(ws.root_file, ws.root_data, ws.root_data, ws.reader).edition
        declared = "3" if edition >= "2024" else "2" if edition >= "2021" else "1"
    return int(declared) if str(declared) in ("1", "2", "3") else 1


def _default_members(ws: Workspace, by_dir: dict, members: list[str]) -> list[str]:
    declared = ws.default_members
    if declared is not None:
        found = []
        for pattern in declared:
            for directory in ws.reader.glob(str(ws.root / pattern)) or [ws.root / pattern]:
                name = by_dir.get(ws.reader.resolve(directory))
                if name is not None and name not in found:
                    found.append(name)
        return found
    if not ws.is_virtual:
        return [ws.root_data["package"]["name"]]
    return members
