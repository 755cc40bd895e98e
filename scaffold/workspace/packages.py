"""The package graph the feature model resolves, built from an already loaded `Workspace`.

Members come from their parsed manifests, `workspace = true` entries merged the way cargo
merges them (`features` add up; `optional` is the member's; a member's `default-features =
false` is ignored with a warning when `[workspace.dependencies]` leaves defaults on, an error
from edition 2024: cargo reference "Inheriting a dependency from a workspace" and
util/toml/mod.rs `inner_dependency_inherit_with`). Path dependencies outside the workspace are
read too. A registry `pyo3` gets its real `[features]` from `scaffold.facts`; other registry
crates are leaves (their own dependencies are not known without the registry).
"""

from __future__ import annotations

from pathlib import Path

from scaffold import facts
from scaffold.errors import ManifestError
from scaffold.workspace.crate import Crate
from scaffold.workspace.features import Dep, FeatureError, Graph, Package, implicit_features
from scaffold.workspace.model import Workspace

_KINDS = {"dependencies": "normal", "dev-dependencies": "dev", "dev_dependencies": "dev",
          "build-dependencies": "build", "build_dependencies": "build"}


def build_graph(ws: Workspace) -> Graph:
    packages: dict[str, Package] = {}
    by_dir: dict[Path, str] = {}
    for crate in ws.members:
        by_dir[ws.reader.resolve(crate.dir)] = crate.name
    pending: list[tuple[Crate, bool]] = [(crate, True) for crate in ws.members]
    while pending:
        crate, member = pending.pop(0)
        if crate.name in packages:
            continue
        deps = []
        for entry in crate.dependencies:
            spec = _effective(ws, crate, entry, member)
            base = ws.root if entry.inherits_workspace else crate.dir
            name = spec.get("package", entry.key) if not entry.inherits_workspace else \
                crate.workspace_dependency(entry.key).get("package", entry.key)
            if isinstance(spec.get("path"), str):
                target = ws.reader.resolve(base / spec["path"])
                name = by_dir.get(target) or _external(ws, target, by_dir, pending) or name
            table = entry.table
            deps.append(Dep(entry.key, name, _KINDS.get(table[-1], "normal"),
                            bool(spec.get("optional", False)),
                            tuple(f for f in spec.get("features", []) if isinstance(f, str)),
                            bool(spec.get("default-features", spec.get("default_features", True))),
                            table[1] if table[0] == "target" else None))
        optional = [d.name for d in deps if d.optional]
        lib = crate.data.get("lib", {})
        packages[crate.name] = Package(
            crate.name, implicit_features(crate.features, optional), deps, member,
            isinstance(lib, dict) and bool(lib.get("proc-macro", lib.get("proc_macro"))))
    queue = list(packages.values())
    while queue:
        for dep in queue.pop().deps:
            if dep.package not in packages:
                packages[dep.package] = _registry(dep.package)
                queue.append(packages[dep.package])
    members = [c.name for c in ws.members]
    return Graph(packages, _resolver(ws), members, _default_members(ws, by_dir, members),
                 None if ws.is_virtual else ws.root_data["package"]["name"])


def _effective(ws: Workspace, crate: Crate, entry, member: bool) -> dict:
    if not entry.inherits_workspace or not member:
        return entry.spec
    spec = crate.effective_spec(entry)
    inherited = crate.workspace_dependency(entry.key)
    ws_default = inherited.get("default-features", inherited.get("default_features"))
    own = entry.spec.get("default-features", entry.spec.get("default_features"))
    if own is False and ws_default in (None, True):
        if crate.edition >= "2024":
            raise FeatureError(f"{crate.name}: `default-features = false` on `{entry.key}` "
                               "cannot override the workspace's default features (edition 2024)")
        spec = {**spec, "default-features": True}  # ignored, with a warning (edition <= 2021)
    elif own is True and ws_default is False:
        spec = {**spec, "default-features": True}
    return spec


def _external(ws: Workspace, directory: Path, by_dir: dict, pending: list) -> str | None:
    """A path dependency outside the workspace: read its manifest, queue it as a package."""
    if directory in by_dir:
        return by_dir[directory]
    try:
        file = ws.reader.read(directory / "Cargo.toml")
        data = file.parse()
        name = data["package"]["name"]
    except (OSError, ManifestError, KeyError, TypeError):
        return None
    by_dir[directory] = name
    pending.append((Crate(file, data, {}), False))
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
        edition = Crate(ws.root_file, ws.root_data, ws.root_data).edition
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


def model_dependency(graph: Graph, package: str, entry) -> Dep | None:
    """The model's view of manifest dependency `entry` of member `package` (workspace
    inheritance applied), or None when the graph has no such edge."""
    found = graph.packages.get(package)
    if found is None:
        return None
    kind = _KINDS.get(entry.table[-1], "normal")
    platform = entry.table[1] if entry.table[0] == "target" else None
    for dep in found.deps:
        if dep.name == entry.key and dep.kind == kind and dep.platform == platform:
            return dep
    return None
