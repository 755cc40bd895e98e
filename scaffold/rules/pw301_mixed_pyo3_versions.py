"""## What
Members require different PyO3 minor versions of the crates that link Python: pyo3, pyo3-ffi,
or crates released once per PyO3 minor (`numpy`, `pythonize`, `pyo3-async-runtimes`), which
depend on that minor's pyo3.

`pyo3-build-config` or `pyo3-macros` of another minor (a build script's `[build-dependencies]`)
is no conflict: neither declares `links`, so both minors build side by side and Cargo.lock
holds both. It gets an info saying what it may cause (the build script reads the interpreter
with that minor's rules), never an error and never a fix that moves other crates.

## Why
PyO3's sys crate declares `links = "python"` (and pyo3 `links = "pyo3-python"`), and Cargo
allows only one package with a given `links` value in a build graph: two PyO3 minors cannot be
built together ("failed to select a version for `pyo3-ffi` ... links to the native library
`python`"). Within 0.x releases every minor is a breaking series (`"0.21"` means
`>=0.21.0, <0.22.0`).

## Example
```toml
# crates/a/Cargo.toml            # crates/b/Cargo.toml
pyo3 = "0.21"                    pyo3 = "0.22"
```

## Fix (unsafe: older members may need code changes)
```toml
# Cargo.toml
[workspace.dependencies]
pyo3 = "0.22"
# crates/a/Cargo.toml and crates/b/Cargo.toml
pyo3 = { workspace = true }
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold import facts
from scaffold.lint.diagnostic import Applicability, Severity
from scaffold.toml import manifest
from scaffold.workspace.versions import format_series, series

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tomlkit import TOMLDocument

    from scaffold.facts import Series
    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.workspace.crate import Crate, Dependency
    from scaffold.workspace.model import Workspace

CODE = "PW301"
NAME = "mixed-pyo3-versions"
SUMMARY = "Members require more than one PyO3 minor version"
FIX_TITLE = "Unify through `[workspace.dependencies]` on the newest version"
APPLICABILITY = Applicability.UNSAFE

_MOVABLE_KEYS = {"version", "features", "optional", "workspace"}


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    uses = []  # (crate, dep, package, series)
    for crate in ws.members:
        for dep in crate.dependencies_on_any(_versioned_with_pyo3):
            effective = crate.effective(dep)
            package = effective.package
            if _versioned_with_pyo3(package):
                found = series(effective.version or "")
                if found:
                    uses.append((crate, dep, package, found))
    linking = [use for use in uses if facts.links_python(use[2])]
    yield from _conflicts(ctx, linking)
    yield from _side_by_side(ctx, [use for use in uses if not facts.links_python(use[2])], linking)


def _versioned_with_pyo3(package: str) -> bool:
    """PyO3's own crates and the companions released per PyO3 minor (numpy, pyo3-log, ...)."""
    return package in facts.PYO3_FAMILY or facts.pinned_to_pyo3_minor(package)


def _conflicts(
    ctx: Context, uses: list[tuple[Crate, Dependency, str, Series]]
) -> Iterator[Finding]:
    """Errors: crates that link Python (one `links` value per graph) on more than one minor."""
    if len({found for *_, found in uses}) < 2:
        return
    ws = ctx.workspace
    newest = max(found for *_, found in uses)
    requirement: dict[str, str] = {}
    for crate, dep, package, found in uses:
        if found == newest:
            requirement.setdefault(package, str(crate.effective(dep).version))
    for crate, dep, package, found in uses:
        if found == newest:
            continue
        target = requirement.get(package, format_series(newest))
        movable = dep.inherits_workspace or (set(dep.spec) <= _MOVABLE_KEYS and dep.key == package)
        yield ctx.finding(
            crate.file,
            dep.table,
            dep.key,
            f"`{crate.name}` requires {package} {format_series(found)} while the newest PyO3 "
            f"in the workspace is {format_series(newest)}; only one PyO3 minor can be linked",
            _unify(ws, crate, dep, package, target) if movable else None,
        )


def _side_by_side(
    ctx: Context,
    uses: list[tuple[Crate, Dependency, str, Series]],
    linking: list[tuple[Crate, Dependency, str, Series]],
) -> Iterator[Finding]:
    """Infos: pyo3-build-config / pyo3-macros of a minor the crate's own pyo3 (else the
    workspace's one PyO3 minor) is not. Both build; what differs is what the older one knows."""
    everywhere = {found for *_, found in linking}
    for crate, dep, package, found in uses:
        own = {f for c, _, _, f in linking if c is crate} or everywhere
        if len(own) != 1 or found in own:
            continue  # nothing to compare with, or the same minor
        pyo3 = format_series(next(iter(own)))
        effect = (
            "its build script reads the interpreter with that minor's rules, so what it prints "
            "(`cfg`s such as `Py_3_x`, link and rpath arguments) may differ from what pyo3 "
            f"{pyo3} builds with, e.g. for a Python that minor does not know"
            if package == "pyo3-build-config"
            else f"its macros generate code for that minor's API, which pyo3 {pyo3} may not have"
        )
        yield ctx.finding(
            crate.file,
            dep.table,
            dep.key,
            f"`{crate.name}` requires {package} {format_series(found)} beside PyO3 {pyo3}: no "
            f"conflict ({package} declares no `links`, so both minors build and Cargo.lock "
            f"holds both), but {effect}",
            severity=Severity.INFO,
        )


def _unify(
    ws: Workspace, crate: Crate, dep: Dependency, package: str, target: str
) -> Callable[[Editor], None]:
    def fix(editor: Editor) -> None:
        root = editor.document(ws.root_file.path)
        if ws.has_workspace:
            shared = manifest.ensure_table(root, ("workspace", "dependencies"))
            key = dep.key if dep.inherits_workspace else package
            entry = shared.get(key)
            if entry is None or isinstance(entry, str):
                shared[key] = target
            else:
                entry["version"] = target
            if not dep.inherits_workspace:
                _inherit(editor.document(crate.path), dep, package)
        else:
            table = manifest.dependency_table(editor.document(crate.path), dep)
            table["version"] = target

    return fix


def _inherit(document: TOMLDocument, dep: Dependency, package: str) -> None:
    fields: dict[str, object] = {"workspace": True}
    if dep.key != package:  # a renamed dependency keeps its name; the workspace entry renames
        fields["package"] = package
    manifest.rewrite_dependency(
        manifest.ensure_table(document, dep.table), dep.key, fields, keep=("features", "optional")
    )
