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

When maturin builds the workspace root's own package (`maturin new`, `uv init --lib
--build-backend maturin` plus a profiler), the root package must stay in `default-members`
(PW404: maturin's sdist lists the files of the default members). The fix then makes the
feature opt-in instead: `extension-module` leaves `default` and joins `[tool.maturin]
features`, so the wheel build keeps it and a plain `cargo build` no longer unifies it.
"""

from __future__ import annotations

import glob
from typing import TYPE_CHECKING

from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability
from scaffold.rules.wiring_edits import extension_module_enabled_by_default
from scaffold.toml import manifest
from scaffold.workspace.wiring import EXTENSION_MODULE, FEATURE, is_pyo3_entry, pyo3_keys

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.workspace.model import Extension

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
        selected = ws.plain_build_selection()
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
    for ext in [e for e in hazards if ws.maturin_builds_root(e.project)]:
        hazards.remove(ext)
        yield _opt_in_finding(ctx, ext)
    if not hazards:
        return
    excluded = {ext.crate.dir.resolve() for ext in hazards}
    keep = [ws.relative(m.dir) for m in ws.members if m.dir.resolve() not in excluded]
    names = ", ".join(f"`{ext.crate.name}`" for ext in hazards)

    def fix(editor: Editor) -> None:
        table = manifest.ensure_table(editor.document(ws.root_file.path), ("workspace",))
        if "default-members" in table:
            for entry in list(table["default-members"]):
                matched = ws.default_member_dirs(entry)
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


def _opt_in_finding(ctx: Context, ext: Extension) -> Finding:
    """The root package maturin builds: `extension-module` moves from `default` to
    `[tool.maturin] features` (when `default` names it through a feature that only enables
    PyO3's), since dropping the package from `default-members` would break the sdist."""
    crate, keys = ext.crate, pyo3_keys(ext.crate)
    movable = [
        str(entry)
        for entry in crate.features.get("default", [])
        if is_pyo3_entry(entry, keys)
        or (
            str(entry) in crate.features
            and crate.features[str(entry)]
            and all(is_pyo3_entry(v, keys) for v in crate.features[str(entry)])
        )
    ]
    pyproject = ext.project.pyproject if ext.project else None
    message = (
        f"a plain `cargo build` at the root builds `{crate.name}` with `extension-module` "
        "together with its dependents; Cargo unifies the feature and the dependents fail to "
        "link libpython; maturin builds this root package, so it stays in `default-members`"
    )
    if not movable or pyproject is None:
        return ctx.finding(
            crate.file,
            ("features",),
            "default",
            f"{message}: enable `extension-module` from `[tool.maturin] features` instead of "
            "`default`",
        )

    def fix(editor: Editor) -> None:
        features = editor.document(crate.path)["features"]
        for entry in movable:
            manifest.remove_from_array(features, "default", entry, drop_empty=True)
        maturin = manifest.ensure_table(editor.document(pyproject.path), ("tool", "maturin"))
        for entry in movable:
            manifest.add_to_array(maturin, "features", entry)

    listed = ", ".join(f"`{e}`" for e in movable)
    return ctx.finding(
        crate.file,
        ("features",),
        "default",
        f"{message}; the fix moves {listed} from `default` to `[tool.maturin] features` "
        "(the wheel build keeps it)",
        fix,
    )
