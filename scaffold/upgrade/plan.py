"""What `scaffold upgrade --pyo3 X` changes, decided in memory: every edit, every note.

`build(path, target, unsafe)` loads the workspace, resolves the target PyO3 and its companions
with cargo (registry.py), and plans: requirements of the PyO3 family and companions (in their
own style), `rust-version` up to the new MSRV, `abi3-py3X` features up to the new floor
(`requires-python` and setup.cfg's `py_limited_api` with them), no-op features dropped, the
profiler's hand-written rpath replaced by PyO3's helper, renamed APIs in Rust sources. Nothing
is written here; the command writes `Plan.changes` in one transaction.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold import facts
from scaffold.errors import UserError
from scaffold.toml import manifest
from scaffold.toml.locate import locate
from scaffold.toml.textfile import TextFile
from scaffold.upgrade import registry, sources
from scaffold.upgrade.requirements import admits, current, like, restyle, set_requirement
from scaffold.workspace.crate import Dependency, dependencies_of
from scaffold.workspace.loader import load
from scaffold.workspace.model import Workspace
from scaffold.workspace.rust_source import code
from scaffold.workspace.versions import parse, series

if TYPE_CHECKING:
    from scaffold.toml.editor import Editor

_TARGET = re.compile(r"\d+\.\d+(\.\d+)?\Z")
_ABI3 = re.compile(r"\babi3-py3(\d+)\b")
_NOOP = "generate-import-lib"
_REQUIRES_PYTHON_MIN = re.compile(r">=\s*3\.(\d+)")
_LIMITED_API = re.compile(r"(?m)^(\s*py_limited_api\s*=\s*cp3)(\d+)(\s*)$")
# The rpath a build script wrote by hand before pyo3_build_config had a helper (the templates'
# and PW103's fallback), with the comment line that explains it.
_RPATH_BY_HAND = re.compile(
    r"(?m)^(?P<indent>[ \t]*)(?://[^\n]*add_libpython_rpath_link_args[^\n]*\n[ \t]*)?"
    r"if let Some\((?P<var>\w+)\) = &?pyo3_build_config::get\(\)\.lib_dir \{\n"
    r"[ \t]*println!\(\"cargo:rustc-link-arg=-Wl,-rpath,\{(?P=var)\}\"\);\n[ \t]*\}\n"
)


# (file, dependency, package): one dependency entry as written in a manifest.
Entry = tuple[TextFile, Dependency, str]


@dataclass
class Step:
    """One line of the plan: where, what, and whether it is applied."""

    where: str
    text: str
    kind: str = "edit"  # edit | unsafe (needs --unsafe-fixes) | manual | note


@dataclass
class Plan:
    workspace: Workspace
    old: facts.Series
    new: facts.Series
    pyo3: tuple[int, ...] | None
    unsafe: bool
    steps: list[Step] = field(default_factory=list)
    changes: dict[Path, TextFile] = field(default_factory=dict)
    originals: dict[Path, TextFile] = field(default_factory=dict)
    update: list[str] = field(default_factory=list)  # packages for `cargo update -p`
    blocking: int = 0  # uses of APIs the new series removed, left in the sources
    uses_abi3: bool = False  # an `abi3-py3X` feature is enabled somewhere
    base: Path | None = None  # where printed paths start (discover.display_base)

    def relative(self, path: Path) -> str:
        """`path` as printed: relative to `base` (the current directory when the project is
        in it), so a plan run from a Python-first root names `rust/Cargo.toml`."""
        base = self.base or self.workspace.root
        return os.path.relpath(path.resolve(), base.resolve()).replace(os.sep, "/")


def parse_target(text: str) -> facts.Series:
    found = series(text) if _TARGET.match(text.strip()) else None
    if found is None:
        raise UserError(f"--pyo3 {text!r} is not a PyO3 version", "pass e.g. 0.30 or 0.30.1")
    return found


def build(path: Path, target: str, unsafe: bool) -> Plan:
    from scaffold.workspace.discover import discover, display_base

    new = parse_target(target)
    ws = load(path)
    entries = _entries(ws)
    family = [(f, d, p) for f, d, p in entries if p in facts.PYO3_FAMILY]
    if not family:
        raise UserError(
            f"{ws.root_file.path}: no pyo3 dependency in this workspace", "run it in a PyO3 project"
        )
    required = [s for f, d, p in family if (s := series(d.spec.get("version") or ""))]
    locked = [s for v in ws.lock_versions.get("pyo3", []) if (s := series(v))]
    if any(s > new for s in required + locked):
        newest = facts.format_series(max(required + locked))
        raise UserError(
            f"the workspace uses PyO3 {newest}; `scaffold upgrade` does not "
            f"downgrade to {facts.format_series(new)}",
            f"pass --pyo3 {newest} or newer",
        )
    old = min(required + locked, default=new)
    lock = _lock(ws.root / "Cargo.lock")
    companions = _companions(ws, entries, lock)
    _check_path_crates(ws, entries, new, lock)
    plan = Plan(ws, old, new, None, unsafe, base=display_base(discover(path)))
    if not _up_to_date(family, companions, locked, new):
        minimums = {p: _minimum(p, d, lock) for f, d, p in companions}
        plan.pyo3, resolved = registry.resolve(target, minimums)
        versions = {p: plan.pyo3 for f, d, p in family} | {
            p: r.version for p, r in resolved.items()
        }
    else:
        versions = {}
    from scaffold.toml.editor import Editor  # tomlkit only when planning edits

    editor = Editor(ws.reader.read)
    _requirements(plan, editor, family + companions, versions)
    _rust_version(plan, editor)
    _features(plan, editor, _entries(ws, inherited=True))
    _python_floor(plan, editor)
    _build_scripts(plan)
    _sources(plan)
    _notes(plan)
    for file_path, text in editor.changes().items():
        plan.originals[file_path] = ws.reader.read(file_path)
        plan.changes[file_path] = text
    if lock is not None and (plan.changes or any(s != new for s in locked)):
        names = {p for f, d, p in family + companions if p in versions}
        in_lock = {p["name"] for p in lock.get("package", [])}
        plan.update = sorted(names & in_lock)
        if plan.update:
            plan.steps.append(
                Step(
                    plan.relative(ws.root / "Cargo.lock"),
                    "cargo update -p " + " -p ".join(plan.update),
                )
            )
    return plan


# --- what the workspace depends on ------------------------------------------------------------


def _entries(ws: Workspace, inherited: bool = False) -> list[Entry]:
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


def _up_to_date(
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


def _lock(path: Path) -> dict | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def _companions(ws: Workspace, entries: list[Entry], lock: dict | None) -> list[Entry]:
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


def _minimum(package: str, dep: Dependency, lock: dict | None) -> str | None:
    for entry in (lock or {}).get("package", []):
        if entry.get("name") == package and "registry" in entry.get("source", ""):
            return entry["version"]
    found = parse(dep.spec.get("version") or "")
    return ".".join(map(str, found)) if found else None


def _check_path_crates(
    ws: Workspace, entries: list[Entry], new: facts.Series, lock: dict | None
) -> None:
    """A path dependency outside the workspace that requires another PyO3, or a companion
    Cargo.lock resolved on another PyO3 (numpy 0.24 is built on PyO3 0.24), cannot be moved by
    this command: refuse, naming it (nothing is written; `cargo update` would fail later)."""
    built_on = _pyo3_series_in_lock(lock)
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


def _pyo3_series_in_lock(lock: dict | None) -> dict[str, set]:
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


# --- manifest edits ---------------------------------------------------------------------------


def _requirements(
    plan: Plan, editor: Editor, entries: list[Entry], versions: dict[str, tuple[int, ...]]
) -> None:
    for file, dep, package in entries:
        version = versions.get(package)
        document = editor.document(file.path)
        written = current(document, dep)
        if version is None or written is None or admits(written, version):
            continue
        new = restyle(written, version)
        line, _ = locate(file.text, dep.table, dep.key)
        if set_requirement(document, dep, new):
            plan.steps.append(
                Step(f"{plan.relative(file.path)}:{line}", f'{package} "{written}" -> "{new}"')
            )


def _rust_version(plan: Plan, editor: Editor) -> None:
    needed = facts.msrv(plan.new)
    if needed is None:
        return
    ws = plan.workspace
    places: list[tuple[TextFile, tuple[str, ...]]] = (
        [(ws.root_file, ("workspace", "package"))] if ws.has_workspace else []
    )
    places += [(c.file, ("package",)) for c in ws.members]
    for file, table_path in places:
        table = manifest.table(editor.document(file.path), table_path)
        if table is None:
            continue
        value = table.get("rust-version")
        if not isinstance(value, str) or not parse(value) or parse(value)[:2] >= needed:
            continue  # inherited, unreadable, or new enough
        line, _ = locate(file.text, table_path, "rust-version")
        table["rust-version"] = like(table["rust-version"], facts.fmt(needed))
        plan.steps.append(
            Step(
                f"{plan.relative(file.path)}:{line}",
                f'rust-version "{value}" -> "{facts.fmt(needed)}" (PyO3 '
                f"{facts.format_series(plan.new)} needs Rust {facts.fmt(needed)})",
            )
        )


def _features(plan: Plan, editor: Editor, entries: list[Entry]) -> None:
    """abi3 features up to the new floor; no-op features removed (dependency `features`,
    `[features]` values, maturin / setuptools-rust `features` in pyproject.toml)."""
    floor = facts.abi3_floor(plan.new)
    noop = facts.generate_import_lib_noop(plan.new)
    # (file, table path, container, key, the key `locate` finds the array's line by)
    arrays: list[tuple[TextFile, tuple[str, ...], MutableMapping, str, str]] = []
    for file, dep, package in entries:
        if package in facts.PYO3_FAMILY:
            item = manifest.dependency(editor.document(file.path), dep)
            if isinstance(item, MutableMapping) and "features" in item:
                arrays.append((file, dep.table, item, "features", dep.key))
    for crate in plan.workspace.members:
        features = editor.document(crate.path).get("features")
        if not isinstance(features, MutableMapping):
            continue
        for name in list(features):
            arrays.append((crate.file, ("features",), features, name, name))
    for project in plan.workspace.projects:
        if project.pyproject is None:
            continue
        document = editor.document(project.pyproject.path)
        maturin = manifest.table(document, ("tool", "maturin"))
        if maturin is not None and "features" in maturin:
            arrays.append((project.pyproject, ("tool", "maturin"), maturin, "features", "features"))
        for module in (manifest.table(document, ("tool", "setuptools-rust")) or {}).get(
            "ext-modules", []
        ):
            if "features" in module:
                arrays.append(
                    (
                        project.pyproject,
                        ("tool", "setuptools-rust"),
                        module,
                        "features",
                        "ext-modules",
                    )
                )
    for file, table_path, container, key, locate_key in arrays:
        array = container[key]
        if not hasattr(array, "__iter__") or isinstance(array, str):
            continue
        line, _ = locate(file.text, table_path, locate_key)
        where = f"{plan.relative(file.path)}:{line}"
        for index, value in reversed(list(enumerate(list(array)))):
            text = str(value)
            match = _ABI3.search(text)
            plan.uses_abi3 = plan.uses_abi3 or match is not None
            if floor and match and int(match.group(1)) < floor[1]:
                new = _ABI3.sub(f"abi3-py3{floor[1]}", text)
                array[index] = new
                plan.steps.append(
                    Step(
                        where,
                        f'"{text}" -> "{new}" (PyO3 '
                        f"{facts.format_series(plan.new)} supports Python "
                        f">= {facts.fmt(floor)})",
                    )
                )
            elif noop and text.split("/")[-1] == _NOOP:
                del array[index]
                plan.steps.append(
                    Step(
                        where,
                        f'"{text}" removed (no effect since PyO3 '
                        f"{facts.format_series(facts.GENERATE_IMPORT_LIB_NOOP_SINCE)})",
                    )
                )


def _python_floor(plan: Plan, editor: Editor) -> None:
    """With abi3 features (now at least the new floor): setup.cfg's `py_limited_api` follows
    (the wheel tag must not claim older Pythons), and `requires-python` (unsafe: it drops
    users)."""
    floor = facts.abi3_floor(plan.new)
    if not plan.uses_abi3 or floor is None:
        return
    for project in plan.workspace.projects:
        setup_cfg = project.dir / "setup.cfg"
        if setup_cfg.is_file():
            file = TextFile.read(setup_cfg)
            match = _LIMITED_API.search(file.text)
            if match and int(match.group(2)) < floor[1]:
                text = _LIMITED_API.sub(lambda m: f"{m.group(1)}{floor[1]}{m.group(3)}", file.text)
                _text_change(plan, file, text)
                line = file.text[: match.start()].count("\n") + 1
                plan.steps.append(
                    Step(
                        f"{plan.relative(setup_cfg)}:{line}",
                        f"py_limited_api cp3{match.group(2)} -> cp3{floor[1]}",
                    )
                )
        if project.pyproject is None:
            continue
        document = editor.document(project.pyproject.path)
        table = manifest.table(document, ("project",))
        value = table.get("requires-python") if table is not None else None
        match = _REQUIRES_PYTHON_MIN.search(str(value)) if value is not None else None
        if table is None or match is None or int(match.group(1)) >= floor[1]:
            continue
        new = _REQUIRES_PYTHON_MIN.sub(f">={facts.fmt(floor)}", str(value), count=1)
        line, _ = locate(project.pyproject.text, ("project",), "requires-python")
        where = f"{plan.relative(project.pyproject.path)}:{line}"
        text = f'requires-python "{value}" -> "{new}" (the abi3 floor)'
        if plan.unsafe:
            table["requires-python"] = like(table["requires-python"], new)
            plan.steps.append(Step(where, text + " [unsafe fix]"))
        else:
            plan.steps.append(Step(where, text + "; needs --unsafe-fixes", "unsafe"))


# --- build scripts and sources ----------------------------------------------------------------


def _build_scripts(plan: Plan) -> None:
    ws = plan.workspace
    for crate in ws.members:
        script = crate.build_script
        if script is None:
            continue
        file = _current(plan, script)
        where = plan.relative(script)
        if facts.has_rpath_helper(plan.new) and _RPATH_BY_HAND.search(file.text):
            text = _RPATH_BY_HAND.sub(
                lambda m: (
                    f"{m.group('indent')}pyo3_build_config::add_libpython_rpath_link_args();\n"
                ),
                file.text,
            )
            _text_change(plan, file, text)
            plan.steps.append(
                Step(where, "rpath by hand -> pyo3_build_config::add_libpython_rpath_link_args()")
            )
        direct = any(
            d.kind == "dependencies"
            for package in facts.LINKS_PYTHON
            for d in crate.dependencies_on(package)
        )
        if (
            facts.build_config_needs_direct_dep(plan.new)
            and not direct
            and "pyo3_build_config" in code(file.text)
        ):
            since = facts.format_series(facts.BUILD_CONFIG_NEEDS_DIRECT_DEP_SINCE)
            plan.steps.append(
                Step(
                    where,
                    f"build script uses pyo3_build_config: from PyO3 "
                    f"{since} `{crate.name}` needs pyo3 or pyo3-ffi in "
                    "[dependencies]",
                    "manual",
                )
            )


def _sources(plan: Plan) -> None:
    changes = facts.api_changes(plan.new)
    if not changes:
        return
    ws = plan.workspace
    for path in sources.rust_files([c.dir for c in ws.members]):
        file = _current(plan, path)
        uses = sources.scan(path, file.text, changes)
        for use in uses:
            change = use.change
            removed_in = (
                change.removed
                if change.removed is not None and change.removed <= plan.new
                else None
            )
            removed = removed_in is not None
            status = (
                f"removed in PyO3 {facts.format_series(removed_in)}"
                if removed_in
                else f"deprecated since PyO3 {facts.format_series(change.deprecated)}"
            )
            where = f"{plan.relative(path)}:{use.line}:{use.col}"
            if change.replacement is None:
                plan.steps.append(Step(where, f"{change.what} ({status}); by hand", "manual"))
                plan.blocking += removed
            elif plan.unsafe:
                plan.steps.append(Step(where, f"{change.what} ({status}) [unsafe fix, renamed]"))
            else:
                plan.steps.append(
                    Step(where, f"{change.what} ({status}); --unsafe-fixes renames it", "unsafe")
                )
                plan.blocking += removed
        if plan.unsafe and uses:
            text = sources.rename(file.text, changes)
            if text != file.text:
                _text_change(plan, file, text)


def _notes(plan: Plan) -> None:
    """Offer env wiring to feature-wired extensions once the new PyO3 supports it."""
    if not facts.supports_env_wiring(plan.new):
        return
    from scaffold.workspace.wiring import FEATURE, mode

    for ext in plan.workspace.extensions():
        if mode(plan.workspace, ext) != FEATURE:
            continue
        backend = ext.project.backend if ext.project else None
        floor = facts.BACKEND_FLOOR_SPECIFIERS.get(backend or "")
        needs = f" with {backend}{floor} in build-system.requires" if floor else ""
        plan.steps.append(
            Step(
                plan.relative(ext.crate.path),
                f"PyO3 {facts.format_series(plan.new)} supports env wiring "
                f"(PYO3_BUILD_EXTENSION_MODULE{needs}): `scaffold fix-features "
                "--wiring env` migrates",
                "note",
            )
        )


def _current(plan: Plan, path: Path) -> TextFile:
    return plan.changes.get(path) or plan.workspace.reader.read(path)


def _text_change(plan: Plan, file: TextFile, text: str) -> None:
    plan.originals.setdefault(file.path, file)
    plan.changes[file.path] = TextFile(file.path, text, file.bom, file.crlf)
