"""Loading a workspace as cargo sees it, plus the Python projects that build its extensions.

`load(path)` finds the root the way cargo does, expands `members` globs minus `exclude`, adds
path dependencies inside the root (cargo makes them members implicitly), and reads every
pyproject.toml / setup.py beside the root or a member, and those elsewhere in the repository
(above the root, or up to `PYTHON_PROJECT_DEPTH` levels below the git work tree's top) that
build a member: the same projects whichever directory the command starts from. Reads are
fast (tomli, `scaffold.toml.parser`) and go through a `Reader`, whose overlay lets the fix loop
re-read edited text without touching disk.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from scaffold.errors import ManifestError, UserError
from scaffold.vcs import git_top
from scaffold.workspace.crate import Crate
from scaffold.workspace.model import Workspace
from scaffold.workspace.python import load_python_project
from scaffold.workspace.reader import Reader


def find_root(start: Path, reader: Reader | None = None) -> Path:
    """The workspace root for `start`, found as cargo finds it."""
    reader = reader or Reader()
    start = start.resolve()
    if not start.exists():
        raise UserError(f"{start}: no such file or directory", "pass the path of a Cargo project")
    directory = start if start.is_dir() else start.parent
    nearest = next(
        (d for d in (directory, *directory.parents) if reader.exists(d / "Cargo.toml")), None
    )
    if nearest is None:
        raise UserError(
            f"{start}: no Cargo.toml here or in any parent directory",
            "run inside a Cargo project or pass its path",
        )
    nearest_data = _parse(reader, nearest / "Cargo.toml")
    if "workspace" in nearest_data:
        return nearest
    declared = nearest_data.get("package", {}).get("workspace")
    if isinstance(declared, str):
        return (nearest / declared).resolve()
    if "package" not in nearest_data:
        return nearest  # `load` says what is wrong with it
    excluded_by = None
    for parent in nearest.parents:
        manifest = parent / "Cargo.toml"
        if not reader.is_file(manifest):
            continue
        workspace = _parse(reader, manifest).get("workspace")
        if isinstance(workspace, dict) and _excludes(parent, workspace, nearest):
            excluded_by = excluded_by or manifest
        if not isinstance(workspace, dict) or _excludes(parent, workspace, nearest):
            continue
        # Cargo takes the first workspace above that does not exclude the package, and
        # refuses a package that is not among its members (cargo's `find_workspace_root` and
        # `validate_members`).
        if nearest in _member_dirs(parent, workspace, reader) or any(
            reader.resolve(member.dir) == nearest for member in load(parent, reader).members
        ):
            return parent
        relative = nearest.relative_to(parent).as_posix()
        raise ManifestError(
            nearest / "Cargo.toml",
            f"this package is inside the workspace {manifest} but neither a member nor "
            "excluded (cargo: \"current package believes it's in a workspace when it's not\")",
            hint=f"add `{relative}` to `workspace.members` there, or to `workspace.exclude` "
            "(or give the package an empty [workspace] table) to keep it out",
        )
    _refuse_orphan_inheritance(nearest / "Cargo.toml", nearest_data, excluded_by)
    return nearest


def _refuse_orphan_inheritance(manifest: Path, data: dict, excluded_by: Path | None) -> None:
    """A package outside every workspace that still inherits (`KEY.workspace = true`): cargo
    refuses to load it ("error inheriting `KEY` from workspace root manifest's
    `workspace.package.KEY`", "failed to find a workspace root"), so the tool does too."""
    package = data.get("package", {})
    inherited = [key for key, value in package.items() if value == {"workspace": True}]
    tables = [data.get(t, {}) for t in ("dependencies", "dev-dependencies", "build-dependencies")]
    inherited += [
        name
        for table in tables
        for name, spec in table.items()
        if isinstance(spec, dict) and spec.get("workspace") is True
    ]
    if not inherited:
        return
    where = f"{excluded_by} excludes it" if excluded_by else "no workspace above includes it"
    raise ManifestError(
        manifest,
        f"inherits `{inherited[0]}` from a workspace (`workspace = true`), but {where} "
        '(cargo: "failed to find a workspace root")',
        hint="list it in that workspace's `members` instead of `exclude`, or write the values "
        "in this manifest",
    )


def through_python_project(path: Path, reader: Reader) -> Path:
    """PATH, or for a Python project directory without a Cargo.toml, the crate its backend
    builds (maturin `manifest-path` or `rust/Cargo.toml`, setuptools-rust ext-modules), so
    every command works from the project root as the backend does."""
    if not path.is_dir() or reader.exists(path / "Cargo.toml"):
        return path
    project = load_python_project(path, reader)
    for ext in project.extensions() if project is not None else []:
        if reader.is_file(ext.manifest):
            return ext.manifest.parent.resolve()
    return path


def load(path: Path, reader: Reader | None = None) -> Workspace:
    """Load the workspace containing `path`."""
    reader = reader or Reader()
    start = path.resolve() if path.is_dir() else path.resolve().parent
    root = find_root(through_python_project(path.resolve(), reader), reader)
    root_file = reader.read(root / "Cargo.toml")
    root_data = root_file.parse()
    if "package" not in root_data and "workspace" not in root_data:
        raise ManifestError(
            root_file.path,
            "has neither [package] nor [workspace]",
            hint="add one (cargo refuses it too), or pass the path of a Cargo project",
        )
    members: dict[Path, Crate] = {}
    pending = (
        _member_dirs(root, root_data.get("workspace", {}), reader)
        if "workspace" in root_data
        else []
    )
    excluded = [(root / e).resolve() for e in root_data.get("workspace", {}).get("exclude", [])]
    real_root = reader.resolve(root)
    asked: set[Path] = set()  # path-dependency targets already considered

    def add_path_dependencies(crate: Crate, directory: Path) -> None:
        """Cargo makes path dependencies inside the root members, the root package's too."""
        for dep in crate.dependencies:
            spec = crate.workspace_dependency(dep.key) if dep.inherits_workspace else dep.spec
            if "path" not in spec:
                continue  # most entries: nothing to resolve
            path = crate.effective(dep).path
            if path is not None:
                base = root if dep.inherits_workspace else directory
                target = reader.resolve_from(base, path)
                if target in asked:  # many members depend on the same crates
                    continue
                asked.add(target)
                if (
                    _inside(target, real_root)
                    and target not in members
                    and not any(_inside(target, e) for e in excluded)
                    and reader.exists(target / "Cargo.toml")
                ):
                    pending.append(target)

    if "package" in root_data:
        members[root] = Crate(root_file, root_data, root_data, reader)
        add_path_dependencies(members[root], root)
    while pending:
        directory = pending.pop(0)
        if directory in members:
            continue
        file = reader.read(directory / "Cargo.toml")
        data = file.parse()
        if "package" not in data:
            raise ManifestError(
                file.path,
                "workspace member has no [package] table",
                hint="add [package] or remove it from `members`",
            )
        if "workspace" in data and directory != root:
            raise ManifestError(
                file.path,
                "a workspace member is itself a workspace root",
                hint="remove its [workspace] table or exclude it from the root",
            )
        crate = Crate(file, data, root_data, reader)
        members[directory] = crate
        add_path_dependencies(crate, directory)
    projects = []
    for directory in [root, *[d for d in members if d != root]]:
        project = load_python_project(directory, reader)
        if project is not None:
            projects.append(project)
    manifests = {reader.resolve(c.path) for c in members.values()}
    known = {p.dir for p in projects}
    enclosing = _enclosing_directories(root, reader)
    top = enclosing[-1] if enclosing and reader.exists(enclosing[-1] / ".git") else root
    for directory in [*enclosing, *_python_project_dirs(top, reader), start]:
        if directory in known:
            continue
        known.add(directory)
        # A Python project elsewhere in the repository (above the workspace, beside it, below
        # it, or the directory given as PATH) that builds one of its crates (setuptools-rust
        # `path = "src/_bcrypt/Cargo.toml"`, maturin `rust/Cargo.toml` or
        # `manifest-path = "../crates/ext/Cargo.toml"`): found from every entry point alike.
        try:
            project = load_python_project(directory, reader)
        except ManifestError:  # not ours to lint unless it builds one of our crates
            continue
        if project is not None and any(
            reader.resolve(e.manifest) in manifests for e in project.extensions()
        ):
            projects.append(project)
    return Workspace(
        root,
        root_file,
        root_data,
        list(members.values()),
        projects,
        _lock_versions(root / "Cargo.lock", reader),
        reader,
    )


def _enclosing_directories(root: Path, reader: Reader) -> list[Path]:
    """The directories above the workspace root, up to the enclosing git work tree's top."""
    top = git_top(root, reader.exists)
    return [p for p in root.parents if top is None or top == p or top in p.parents]


# Folders never holding a project's own pyproject.toml / setup.py: build output, VCS and tool
# state, vendored JavaScript, virtual environments (recognised by their pyvenv.cfg).
_NOT_SEARCHED = frozenset({"target", "node_modules", "__pycache__", "site-packages"})
PYTHON_PROJECT_DEPTH = 3  # python/pyproject.toml, bindings/python/pkg/pyproject.toml
_PROJECT_FILES = ("pyproject.toml", "setup.py")


def _python_project_dirs(top: Path, reader: Reader) -> list[Path]:
    """Directories below `top` (the git work tree, else the workspace root), at most
    `PYTHON_PROJECT_DEPTH` levels down, holding a pyproject.toml or setup.py, breadth first."""
    found, level = [], [top]
    for depth in range(PYTHON_PROJECT_DEPTH + 1):
        below = []
        for directory in level:
            if depth == PYTHON_PROJECT_DEPTH:  # the last level: two questions, not a listing
                if any(os.path.lexists(os.path.join(directory, n)) for n in _PROJECT_FILES):
                    found.append(directory)
                continue
            try:
                with os.scandir(directory) as entries:
                    names = {e.name: e.is_dir() for e in entries}
            except OSError:
                continue
            if depth and any(name in names for name in _PROJECT_FILES):
                found.append(directory)
            if "pyvenv.cfg" in names:
                continue
            below += [
                directory / name
                for name, is_dir in sorted(names.items())
                if is_dir and not name.startswith(".") and name not in _NOT_SEARCHED
            ]
        level = below
    return [reader.resolve(d) for d in found]


def _excludes(root: Path, workspace: dict, package: Path) -> bool:
    """Cargo's `is_excluded`: below an `exclude` entry and below no `members` entry."""
    excluded = any(_inside(package, (root / e).resolve()) for e in _strings(workspace, "exclude"))
    listed = any(_inside(package, (root / m).resolve()) for m in _strings(workspace, "members"))
    return excluded and not listed


def _strings(table: dict, key: str) -> list[str]:
    value = table.get(key, [])
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _member_dirs(root: Path, workspace: dict, reader: Reader) -> list[Path]:
    members = workspace.get("members", [])
    excluded = {(root / e).resolve() for e in workspace.get("exclude", [])}
    found: list[Path] = []
    for pattern in members:
        if not isinstance(pattern, str):
            continue
        if glob.has_magic(pattern):
            matches = [
                m for m in reader.glob(str(root / pattern)) if reader.exists(m / "Cargo.toml")
            ]
            if not matches:
                raise ManifestError(
                    root / "Cargo.toml",
                    f"workspace member glob {pattern!r} matches no crate",
                    hint="fix the pattern or remove it from `members`",
                )
        else:
            matches = [(root / pattern).resolve()]
            if not reader.exists(matches[0] / "Cargo.toml"):
                raise ManifestError(
                    root / "Cargo.toml",
                    f"workspace member {pattern!r} has no Cargo.toml",
                    hint="create the crate or remove it from `members`",
                )
        seen = set(found)
        found += [m for m in matches if m not in excluded and m not in seen]
    return found


def _parse(reader: Reader, path: Path) -> dict:
    return reader.read(path).parse()


def _inside(path: Path, root: Path) -> bool:
    """`path == root or root in path.parents`, comparing parts (no Path per parent)."""
    return path.parts[: len(root.parts)] == root.parts


def _lock_versions(path: Path, reader: Reader) -> dict[str, list[str]]:
    """package name -> resolved versions, from Cargo.lock (absent: empty; corrupt: an error,
    as cargo itself refuses it)."""
    if not reader.is_file(path):
        return {}
    try:
        data = reader.read(path).parse()
    except ManifestError as error:
        raise ManifestError(
            error.path,
            error.detail,
            error.line,
            error.col,
            hint="regenerate it with `cargo generate-lockfile`",
        ) from None
    versions: dict[str, list[str]] = {}
    for package in data.get("package", []):
        if isinstance(package, dict) and "name" in package and "version" in package:
            versions.setdefault(package["name"], []).append(package["version"])
    return versions
