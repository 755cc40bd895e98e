"""The workspace as cargo sees it, plus the Python projects that build its extensions.

`load(path)` finds the root the way cargo does, expands `members` globs minus `exclude`, adds
path dependencies inside the root (cargo makes them members implicitly), and reads every
pyproject.toml / setup.py beside the root or a member. Reads are fast (tomllib); a `files`
overlay lets the fix loop re-read edited text without touching disk.
"""

from __future__ import annotations

import fnmatch
import glob
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from scaffold.errors import ManifestError, UserError
from scaffold.toml.textfile import TextFile
from scaffold.workspace import rust_source
from scaffold.workspace.crate import Crate, Dependency
from scaffold.workspace.python import PythonProject, RustExtension, load_python_project
from scaffold.workspace.versions import series

PYO3_FAMILY = ("pyo3", "pyo3-ffi", "pyo3-build-config", "pyo3-macros")
# Bindings that build something other than a PyO3 extension module: maturin `bindings`
# (bin, cffi, uniffi) and setuptools-rust `Binding` (Exec: a binary, NoBinding: a plain C ABI).
NON_PYO3_BINDINGS = ("bin", "cffi", "uniffi", "exec", "nobinding")


class Reader:
    """Reads TextFiles once, preferring in-memory edits (`overlay`) over disk."""

    def __init__(self, overlay: dict[Path, TextFile] | None = None) -> None:
        self.overlay = overlay or {}
        self.cache: dict[Path, TextFile] = {}
        self.resolved: dict[Path, Path] = {}

    def resolve(self, path: Path) -> Path:
        """`path.resolve()`, remembered per path and per parent directory.

        A workspace of N members resolves thousands of paths that share their parents
        (`crates/a/../b`); `Path.resolve` lstat()s every component of each of them again.
        Here each distinct path costs one lstat: a parent is resolved once, `..` is its
        parent, and only a component that is a symbolic link goes through `Path.resolve`.
        """
        known = self.resolved.get(path)
        if known is not None:
            return known
        parent = path.parent
        if not path.is_absolute() or parent == path:
            result = path.resolve()
        elif path.name == "..":  # pathlib keeps `..`; `.` and empty parts it drops
            result = self.resolve(parent).parent
        else:
            candidate = self.resolve(parent) / path.name
            result = candidate.resolve() if candidate.is_symlink() else candidate
        self.resolved[path] = result
        return result

    def exists(self, path: Path) -> bool:
        return path in self.overlay or path.exists()

    def glob(self, pattern: str) -> list[Path]:
        """Directories matching `pattern` on disk or holding a pending (overlay) manifest."""
        found = {self.resolve(Path(p)) for p in glob.glob(pattern)}
        found |= {p.parent for p in self.overlay if p.name == "Cargo.toml"
                  and fnmatch.fnmatch(str(p.parent), pattern)}
        return sorted(found)

    def read(self, path: Path) -> TextFile:
        if path in self.overlay:
            return self.overlay[path]
        if path not in self.cache:
            self.cache[path] = TextFile.read(path)
        return self.cache[path]


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
        default_factory=dict, init=False, repr=False)

    def source_text(self, path: Path) -> str | None:
        """A file's current text (pending edits included), or None when it does not exist."""
        if path in self.reader.overlay:
            return self.reader.overlay[path].text
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

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
                if (crate is not None and crate.path not in found
                        and self.builds_pyo3_module(project, declared, crate)):
                    found[crate.path] = Extension(crate, declared, project)
        if not found:
            for crate in self.members:
                # DESIGN 3: `cdylib` and `#[pymodule]`. A library without `cdylib` may define
                # a pymodule for its users to add (pyo3-async-runtimes): not an extension.
                if self.pyo3_dependencies(crate) and "cdylib" in crate.crate_types \
                        and _has_pymodule(crate):
                    found[crate.path] = Extension(crate, None, self.project_for(crate))
        return list(found.values())

    def builds_pyo3_module(self, project: PythonProject, declared: RustExtension,
                           crate: Crate) -> bool:
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
        has_bin = crate.has_binary or (crate.dir / "src" / "bin").is_dir()
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
            spec = crate.effective_spec(dep)
            package = spec.get("package", dep.key)
            if package in ("pyo3", "pyo3-ffi"):
                return True
            if "path" in spec:
                base = self.root if dep.inherits_workspace else crate.dir
                member = self.member_at(base / spec["path"] / "Cargo.toml")
                if member is not None and member.path not in seen and \
                        self.reaches_pyo3(member, seen):
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
                spec = member.effective_spec(dep)
                base = self.root if dep.inherits_workspace else member.dir
                if "path" in spec and resolve(base / spec["path"]) == target:
                    found.append((member, dep))
        self._dependents[crate.path] = found
        return list(found)

    def pyo3_dependencies(self, crate: Crate) -> list[Dependency]:
        return crate.dependencies_on("pyo3")

    def pyo3_series(self, crate: Crate | None = None) -> tuple[int, int] | None:
        """The PyO3 minor series in use: Cargo.lock first, else the requirement."""
        locked = self.lock_versions.get("pyo3", [])
        required = None
        crates = [crate] if crate else self.members
        for member in crates:
            for dep in self.pyo3_dependencies(member):
                required = required or series(member.effective_spec(dep).get("version") or "")
        if len(locked) == 1:
            return series(locked[0])
        if required and any(series(v) == required for v in locked):
            return required
        if locked:
            return max((series(v) for v in locked if series(v)), default=required)
        return required


def find_root(start: Path, reader: Reader | None = None) -> Path:
    """The workspace root for `start`, found as cargo finds it."""
    reader = reader or Reader()
    start = start.resolve()
    if not start.exists():
        raise UserError(f"{start}: no such file or directory", "pass the path of a Cargo project")
    directory = start if start.is_dir() else start.parent
    nearest = next((d for d in (directory, *directory.parents) if (d / "Cargo.toml").exists()),
                   None)
    if nearest is None:
        raise UserError(f"{start}: no Cargo.toml here or in any parent directory",
                        "run inside a Cargo project or pass its path")
    nearest_data = _parse(reader, nearest / "Cargo.toml")
    if "workspace" in nearest_data:
        return nearest
    declared = nearest_data.get("package", {}).get("workspace")
    if isinstance(declared, str):
        return (nearest / declared).resolve()
    for parent in nearest.parents:
        manifest = parent / "Cargo.toml"
        if manifest.is_file():
            data = _parse(reader, manifest)
            if "workspace" in data and nearest in _member_dirs(parent, data["workspace"], reader):
                return parent
    return nearest


def load(path: Path, reader: Reader | None = None) -> Workspace:
    """Load the workspace containing `path`."""
    reader = reader or Reader()
    start = path.resolve() if path.is_dir() else path.resolve().parent
    from scaffold.workspace.discover import through_python_project

    root = find_root(through_python_project(path.resolve(), reader), reader)
    root_file = reader.read(root / "Cargo.toml")
    root_data = root_file.parse()
    if "package" not in root_data and "workspace" not in root_data:
        raise ManifestError(root_file.path, "has neither [package] nor [workspace]",
                            hint="add one (cargo refuses it too), or pass the path of a Cargo "
                            "project")
    members: dict[Path, Crate] = {}
    pending = (_member_dirs(root, root_data.get("workspace", {}), reader)
               if "workspace" in root_data else [])
    excluded = [(root / e).resolve() for e in root_data.get("workspace", {}).get("exclude", [])]

    def add_path_dependencies(crate: Crate, directory: Path) -> None:
        """Cargo makes path dependencies inside the root members, the root package's too."""
        for dep in crate.dependencies:
            spec = crate.effective_spec(dep)
            if "path" in spec:
                base = root if dep.inherits_workspace else directory
                target = reader.resolve(base / spec["path"])
                if (_inside(target, reader.resolve(root)) and target not in members
                        and not any(_inside(target, e) for e in excluded)
                        and reader.exists(target / "Cargo.toml")):
                    pending.append(target)

    if "package" in root_data:
        members[root] = Crate(root_file, root_data, root_data)
        add_path_dependencies(members[root], root)
    while pending:
        directory = pending.pop(0)
        if directory in members:
            continue
        file = reader.read(directory / "Cargo.toml")
        data = file.parse()
        if "package" not in data:
            raise ManifestError(file.path, "workspace member has no [package] table",
                                hint="add [package] or remove it from `members`")
        if "workspace" in data and directory != root:
            raise ManifestError(file.path, "a workspace member is itself a workspace root",
                                hint="remove its [workspace] table or exclude it from the root")
        crate = Crate(file, data, root_data)
        members[directory] = crate
        add_path_dependencies(crate, directory)
    projects = []
    for directory in [root, *[d for d in members if d != root]]:
        project = load_python_project(directory, reader.read)
        if project is not None:
            projects.append(project)
    manifests = {reader.resolve(c.path) for c in members.values()}
    known = {p.dir for p in projects}
    for directory in [*_enclosing_directories(root), start]:
        if directory in known:
            continue
        known.add(directory)
        # A Python project above the workspace, or in the directory given as PATH, that builds
        # one of its crates (setuptools-rust `path = "src/_bcrypt/Cargo.toml"`, maturin
        # `rust/Cargo.toml` or `manifest-path = "../crates/pyo3/Cargo.toml"`).
        try:
            project = load_python_project(directory, reader.read)
        except ManifestError:  # not ours to lint unless it builds one of our crates
            continue
        if project is not None and any(reader.resolve(e.manifest) in manifests
                                       for e in project.extensions()):
            projects.append(project)
    return Workspace(root, root_file, root_data, list(members.values()), projects,
                     _lock_versions(root / "Cargo.lock"), reader)


def _enclosing_directories(root: Path) -> list[Path]:
    """The directories above the workspace root, up to the enclosing git work tree's top."""
    if (root / ".git").exists():
        return []
    found = []
    for parent in root.parents:
        found.append(parent)
        if (parent / ".git").exists():
            break
    return found


def _member_dirs(root: Path, workspace: dict, reader: Reader) -> list[Path]:
    members = workspace.get("members", [])
    excluded = {(root / e).resolve() for e in workspace.get("exclude", [])}
    found = []
    for pattern in members:
        if not isinstance(pattern, str):
            continue
        if glob.has_magic(pattern):
            matches = [m for m in reader.glob(str(root / pattern))
                       if reader.exists(m / "Cargo.toml")]
            if not matches:
                raise ManifestError(root / "Cargo.toml",
                                    f"workspace member glob {pattern!r} matches no crate",
                                    hint="fix the pattern or remove it from `members`")
        else:
            matches = [(root / pattern).resolve()]
            if not reader.exists(matches[0] / "Cargo.toml"):
                raise ManifestError(root / "Cargo.toml",
                                    f"workspace member {pattern!r} has no Cargo.toml",
                                    hint="create the crate or remove it from `members`")
        seen = set(found)
        found += [m for m in matches if m not in excluded and m not in seen]
    return found


def _parse(reader: Reader, path: Path) -> dict:
    return reader.read(path).parse()


def _inside(path: Path, root: Path) -> bool:
    """`path == root or root in path.parents`, comparing parts (no Path per parent)."""
    return path.parts[:len(root.parts)] == root.parts


def _lock_versions(path: Path) -> dict[str, list[str]]:
    """package name -> resolved versions, from Cargo.lock (absent: empty; corrupt: an error,
    as cargo itself refuses it)."""
    if not path.is_file():
        return {}
    try:
        data = TextFile.read(path).parse()
    except ManifestError as error:
        raise ManifestError(error.path, error.detail, error.line, error.col,
                            hint="regenerate it with `cargo generate-lockfile`") from None
    versions: dict[str, list[str]] = {}
    for package in data.get("package", []):
        if isinstance(package, dict) and "name" in package and "version" in package:
            versions.setdefault(package["name"], []).append(package["version"])
    return versions


def _has_pymodule(crate: Crate) -> bool:
    """A `#[pymodule]`, or a hand-written `PyInit_<name>` through pyo3's FFI."""
    return rust_source.defines_module(crate.rust_sources())
