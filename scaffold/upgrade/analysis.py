"""What an upgrade starts from: the workspace's dependency entries on PyO3's family and its
companions, Cargo.lock (read through the workspace's Reader), and the refusals decided before
any edit (a path crate or a locked companion on another PyO3)."""

from __future__ import annotations

from scaffold import facts
from scaffold.upgrade import registry
from scaffold.upgrade.model import Entry
from scaffold.workspace.crate import Dependency, dependencies_of
from scaffold.workspace.model import Workspace
from scaffold.workspace.versions import parse, series

Lock = dict  # Cargo.lock as parsed


def entries(ws: Workspace, inherited: bool = False) -> list[Entry]:
    """(file, dependency, package) for every dependency written with its own spec, and with
    `inherited` those that inherit it (`pyo3 = { workspace = true, features = [...] }`)."""
    found: list[Entry] = []
    if ws.has_workspace:
        for dep in dependencies_of(ws.manifest, ("workspace",)):
            found.append((ws.root_file, dep, dep.package))
    for crate in ws.members:
        for dep in crate.dependencies:
            if dep.inherits_workspace and inherited:
                package = crate.workspace_dependency(dep.key).get("package", dep.key)
                found.append((crate.file, dep, package))
            elif not dep.inherits_workspace:
                found.append((crate.file, dep, dep.package))
    return found


def up_to_date(
    family: list[Entry], companions: list[Entry], locked: list[facts.Series], new: facts.Series
) -> bool:
    """Whether the requirements already select `new` (no registry query needed): the PyO3
    family's requirements name it, and Cargo.lock resolved the companions with it (without a
    lock, the companions whose version names the PyO3 minor do)."""
    if any((series(d.spec.get("version") or "") or new) != new for f, d, p in family):
        return False
    if locked:
        return all(s == new for s in locked)
    return all(
        facts.pinned_to_pyo3_minor(p) and series(d.spec["version"]) == new for f, d, p in companions
    )


def lock(ws: Workspace) -> Lock | None:
    """Cargo.lock, read through the workspace's Reader (None when there is none; the loader
    already refused a corrupt one)."""
    path = ws.root / "Cargo.lock"
    return ws.reader.read(path).parse() if ws.reader.is_file(path) else None


def companions(ws: Workspace, entries: list[Entry], lock: Lock | None) -> list[Entry]:
    """Registry dependencies built on PyO3: the known companions, and any crate Cargo.lock
    shows depending on pyo3 or pyo3-ffi."""
    on_pyo3 = set()
    for package in (lock or {}).get("package", []):
        if "registry" in package.get("source", "") and any(
            d.split(" ")[0] in facts.LINKS_PYTHON for d in package.get("dependencies", [])
        ):
            on_pyo3.add(package.get("name"))
    return [
        (f, d, p)
        for f, d, p in entries
        if p not in facts.PYO3_FAMILY
        and (p in facts.COMPANIONS or p in on_pyo3)
        and d.path is None
        and "git" not in d.spec
        and d.spec.get("version")
    ]


def minimum(package: str, dep: Dependency, lock: Lock | None) -> str | None:
    for entry in (lock or {}).get("package", []):
        if entry.get("name") == package and "registry" in entry.get("source", ""):
            return entry["version"]
    found = parse(dep.spec.get("version") or "")
    return ".".join(map(str, found)) if found else None


def check_path_crates(
    ws: Workspace, entries: list[Entry], new: facts.Series, lock: Lock | None
) -> None:
    """A path dependency outside the workspace that requires another PyO3, or a companion
    Cargo.lock resolved on another PyO3 (numpy 0.24 is built on PyO3 0.24), cannot be moved by
    this command: refuse, naming it (nothing is written; `cargo update` would fail later)."""
    built_on = pyo3_series_in_lock(lock)
    for file, dep, package in entries:
        if dep.path is None:
            continue
        base = ws.root if dep.table[0] == "workspace" else file.path.parent
        target = ws.reader.resolve(base / dep.path / "Cargo.toml")
        if ws.member_at(target) is not None or not target.is_file():
            continue
        data = ws.reader.read(target).parse()
        for inner in dependencies_of(data):
            found = series(inner.spec.get("version") or "")
            if inner.package in facts.PYO3_FAMILY and found and found != new:
                raise registry.Refusal(
                    f"{target}: `{package}` (a path dependency outside the workspace) requires "
                    f"PyO3 {facts.format_series(found)}; it has no release for PyO3 "
                    f"{facts.format_series(new)}",
                    "upgrade it first, then run again",
                )
            on = built_on.get(inner.package, set())
            if inner.package not in facts.PYO3_FAMILY and on and new not in on:
                raise registry.Refusal(
                    f"{target}: `{package}` (a path dependency outside the workspace) depends on "
                    f"`{inner.package}`, locked on PyO3 "
                    f"{', '.join(sorted(map(facts.format_series, on)))}; this command does not "
                    f"move it to PyO3 {facts.format_series(new)}",
                    "upgrade it first, then run again",
                )


def pyo3_series_in_lock(lock: Lock | None) -> dict[str, set]:
    """Registry package -> the PyO3 series its locked versions depend on (pyo3 or pyo3-ffi)."""
    packages = (lock or {}).get("package", [])
    versions: dict[str, list[str]] = {}
    for package in packages:
        versions.setdefault(package.get("name"), []).append(package.get("version", ""))
    found: dict[str, set] = {}
    for package in packages:
        if "registry" not in package.get("source", ""):
            continue
        for dep in package.get("dependencies", []):
            name, version = [*dep.split(" "), ""][:2]  # "pyo3 0.24.2 (registry+...)"
            version = version or next(iter(versions.get(name, [])), "")
            if name in facts.LINKS_PYTHON and (on := series(version)):
                found.setdefault(package["name"], set()).add(on)
    return found
