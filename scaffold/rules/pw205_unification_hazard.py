"""## What
A plain `cargo build` or `cargo test` at the workspace root selects both the extension crate
(with its default features) and a member that depends on it.

Asked of the feature model too: the finding stands only when a plain `cargo build` at the
root resolves pyo3 with `extension-module` on.

## Why
Cargo unifies features across the packages one command builds: the extension crate's default
`extension-module` is switched on for PyO3 everywhere in that build, the dependent's
`default-features = false` notwithstanding, and the dependent binary fails to link libpython.
With the extension crate left out of `default-members`, a plain `cargo build` builds the
dependents (and the library through them, without the feature); maturin still builds the
extension with `-p`/`--manifest-path`. `cargo build --workspace` remains the one command to
avoid in this wiring.

## Example
```toml
[workspace]
members = ["crates/mylib", "crates/mylib-profiler"]
```

## Fix (unsafe: it changes what a plain `cargo build` builds)
```toml
[workspace]
members = ["crates/mylib", "crates/mylib-profiler"]
default-members = ["crates/mylib-profiler"]
```
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability
from scaffold.rules.wiring_edits import extension_module_enabled_by_default
from scaffold.toml import manifest
from scaffold.workspace.wiring import EXTENSION_MODULE, FEATURE

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.workspace.model import Workspace

CODE = "PW205"
NAME = "feature-unification-hazard"
SUMMARY = "A plain `cargo build` at the root unifies `extension-module` into a dependent"
FIX_TITLE = "Set `default-members` without the extension crate"
APPLICABILITY = Applicability.UNSAFE
FIX_CHANGES = Claim(frozenset({"extension-module", "default"}), presence=True)


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    if not ws.has_workspace:
        return
    hazards = []
    for ext in ctx.extensions:
        if ctx.mode(ext) != FEATURE or not extension_module_enabled_by_default(ext.crate):
            continue
        dependents = [m for m, _ in ws.dependents(ext.crate)]
        selected = selected_by_plain_build(ws)
        if ext.crate.dir.resolve() in selected and any(
            m.dir.resolve() in selected for m in dependents
        ):
            hazards.append(ext)
    if not hazards:
        return
    from scaffold.workspace.features import Scenario  # the model only for a hazard

    plain = ctx.pyo3_features(Scenario("cargo build"))
    if plain is not False and (plain is None or EXTENSION_MODULE not in plain):
        return  # the feature model: a plain `cargo build` does not end with the feature on
    excluded = {ext.crate.dir.resolve() for ext in hazards}
    keep = [ws.relative(m.dir) for m in ws.members if m.dir.resolve() not in excluded]
    names = ", ".join(f"`{ext.crate.name}`" for ext in hazards)

    def fix(editor: Editor) -> None:
        table = manifest.ensure_table(editor.document(ws.root_file.path), ("workspace",))
        if "default-members" in table:
            for entry in list(table["default-members"]):
                matched = _expand(ws, entry)
                if not matched & excluded:
                    continue
                manifest.remove_from_array(table, "default-members", entry)
                if glob.has_magic(entry):  # `crates/*` covering the extension: list the rest
                    for kept in sorted(ws.relative(d) for d in matched - excluded):
                        manifest.add_to_array(table, "default-members", kept)
            if not list(table["default-members"]):
                table["default-members"] = keep
        else:
            table["default-members"] = keep

    yield ctx.finding(
        ws.root_file,
        ("workspace",),
        "default-members" if ws.default_members else "members",
        f"a plain `cargo build` at the root builds {names} with `extension-module` together "
        "with its dependents; Cargo unifies the feature and the dependents fail to link "
        "libpython",
        fix,
    )


def selected_by_plain_build(ws: Workspace) -> set[Path]:
    """Package directories a `cargo build` without `-p`/`--workspace` at the root builds."""
    if ws.default_members is not None:  # globs expand as in `members` (cargo does so too)
        return {d for entry in ws.default_members for d in _expand(ws, entry)}
    if not ws.is_virtual:
        return {ws.root.resolve()}
    return {m.dir.resolve() for m in ws.members}


def _expand(ws: Workspace, entry: str) -> set[Path]:
    """The member directories a `default-members` entry names (a path or a glob)."""
    if not glob.has_magic(entry):
        return {(ws.root / entry).resolve()}
    members = {m.dir.resolve() for m in ws.members}
    return set(ws.reader.glob(str(ws.root / entry))) & members
