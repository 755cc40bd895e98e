"""## What
`extension-module` enabled directly on a `pyo3` dependency (an inline table,
`[dependencies.pyo3]`, dotted keys, a `[target.*.dependencies]` table) or on
`[workspace.dependencies] pyo3`.

Asked of the feature model: the least test build of the crate that has pyo3 in its graph
(`cargo test -p C --no-default-features`, with the crate feature that enables an optional
pyo3) still resolves pyo3 with `extension-module`. Feature resolution is monotone, so every
build that links the crate then has it on: its tests, the profiler's, each dependent's. For
`[workspace.dependencies] pyo3`, the same question for each member that inherits it (an
entry no member inherits yet is reported: the first member to inherit it gets the feature).

## Why
`extension-module` tells PyO3 not to link libpython, which a Python extension must not do
(manylinux) but a binary or a test must. Enabled on the dependency itself, nothing can turn it
off: every binary and `cargo test` that links the crate fails with undefined `Py*` symbols.
Behind the crate's own feature, on by default, a dependent opts out with
`default-features = false`.

## Example
```toml
[dependencies]
pyo3 = { version = "0.21", features = ["extension-module"] }
```

## Fix
```toml
[dependencies]
pyo3 = { version = "0.21" }

[features]
default = ["extension-module"]
extension-module = ["pyo3/extension-module"]
```
For an optional pyo3 (bindings behind a feature of their own) the feature is
`extension-module = ["pyo3?/extension-module"]`: `pyo3/extension-module` would enable the
optional dependency, and a plain `cargo build` of the pure-Rust library would compile PyO3.
In `env` wiring (PyO3 >= 0.26 with maturin >= 1.9.4 or setuptools-rust >= 1.12, which set
`PYO3_BUILD_EXTENSION_MODULE`) the feature is only removed; so it is when the build backend
already enables it (`[tool.maturin] features = ["pyo3/extension-module"]`, setuptools-rust's
`features`): the wheel keeps it, and a crate feature turning it on by default would keep it
in `cargo test` too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability
from scaffold.rules.wiring_edits import (
    ensure_extension_module_feature,
    remove_extension_module_from_dependency,
)
from scaffold.workspace.crate import Dependency
from scaffold.workspace.wiring import ENV, EXTENSION_MODULE, is_pyo3_entry

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.workspace.crate import Crate
    from scaffold.workspace.model import Extension

CODE = "PW201"
NAME = "extension-module-on-pyo3-dependency"
SUMMARY = "`extension-module` is enabled on the pyo3 dependency itself"
FIX_TITLE = "Move `extension-module` behind the crate's own default feature"
APPLICABILITY = Applicability.SAFE
FIX_CHANGES = Claim(frozenset({"extension-module", "default"}))


def check(ctx: Context) -> Iterator[Finding]:
    ws = ctx.workspace
    extension_crates = {ext.crate.path: ext for ext in ctx.extensions}
    for crate in ws.members:
        for dep in ws.pyo3_dependencies(crate):
            if (
                EXTENSION_MODULE in dep.features
                and ctx.forced_by_dependency(crate, dep) is not False
            ):  # None (the model cannot say): the manifest's word stands
                yield _report(ctx, crate, dep, extension_crates.get(crate.path))
    workspace_pyo3 = ws.manifest.get("dependencies", {}).get("pyo3")
    if isinstance(workspace_pyo3, dict) and EXTENSION_MODULE in workspace_pyo3.get("features", []):
        dep = Dependency(("workspace", "dependencies"), "pyo3", workspace_pyo3)
        inheritors = [
            (c, d)
            for c in ws.members
            for d in c.dependencies_on("pyo3")
            if d.inherits_workspace and d.key == "pyo3"
        ]
        if inheritors and all(ctx.forced_by_dependency(c, d) is False for c, d in inheritors):
            return  # no member's build has it on through the workspace entry (with none
            # inheriting it yet, the first member that does would be: it is reported)

        def fix(
            editor: Editor,
            dep: Dependency = dep,
            inheritors: list[tuple[Crate, Dependency]] = inheritors,
        ) -> None:
            remove_extension_module_from_dependency(editor.document(ws.root_file.path), dep)
            for crate, inherited in inheritors:
                ext = extension_crates.get(crate.path)
                if ext is not None and ctx.mode(ext) != ENV:
                    ensure_extension_module_feature(
                        editor.document(crate.path),
                        inherited.key,
                        weak=crate.effective(inherited).optional,
                    )

        yield ctx.finding(
            ws.root_file,
            ("workspace", "dependencies"),
            "pyo3",
            "`extension-module` is enabled on `[workspace.dependencies] pyo3`, so no member "
            "that inherits it can link libpython (binaries and tests fail to link)",
            fix,
        )


def _report(ctx: Context, crate: Crate, dep: Dependency, ext: Extension | None) -> Finding:
    env_mode = ext is not None and ctx.mode(ext) == ENV
    backend_enables = (
        ext is not None
        and ext.declared_by is not None
        and any(is_pyo3_entry(f, {dep.key}) for f in ext.declared_by.features)
    )

    def fix(editor: Editor) -> None:
        document = editor.document(crate.path)
        remove_extension_module_from_dependency(document, dep)
        if not (env_mode or backend_enables):
            ensure_extension_module_feature(document, dep.key, weak=crate.effective(dep).optional)

    where = ".".join(dep.table)
    return ctx.finding(
        crate.file,
        dep.table,
        dep.key,
        f"`{crate.name}` enables `extension-module` on its `{dep.key}` dependency "
        f"(in [{where}]); no binary or test can turn it off",
        fix,
    )
