"""## What
A member depends on the extension crate through `workspace = true`, and the
`[workspace.dependencies]` entry keeps the default features (which enable `extension-module`).

Asked of the feature model, as for PW203: the dependent's own builds (`cargo build -p D`,
`cargo test -p D`) end with pyo3's `extension-module` on through the inherited entry, and the
extension crate's default features are what turns it on.

## Why
An inherited dependency cannot turn default features off: `default-features = false` beside
`workspace = true` is ignored with a warning (edition 2021 and older) or an error (edition
2024) (Cargo reference, "Inheriting a dependency from a workspace"). The dependent always builds
PyO3 with `extension-module` and fails to link libpython.

## Example
```toml
[dependencies]
mylib = { workspace = true }
```

## Fix
```toml
[dependencies]
mylib = { path = "../mylib", default-features = false }
```
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability
from scaffold.rules.wiring_edits import feature_dependents, python_free_options
from scaffold.toml import manifest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor
    from scaffold.workspace.crate import Crate, Dependency

CODE = "PW204"
NAME = "dependent-inherits-extension-crate"
SUMMARY = "A dependent inherits the extension crate from the workspace with default features"
FIX_TITLE = "Rewrite as a direct path dependency with `default-features = false`"
APPLICABILITY = Applicability.SAFE
FIX_CHANGES = Claim(frozenset({"extension-module", "default"}))


def check(ctx: Context) -> Iterator[Finding]:
    for ext, member, dep in feature_dependents(ctx, inherited=True):
        relative = os.path.relpath(ext.crate.dir, member.dir).replace(os.sep, "/")

        def fix(
            editor: Editor, member: Crate = member, dep: Dependency = dep, relative: str = relative
        ) -> None:
            parent = manifest.ensure_table(editor.document(member.path), dep.table)  # holds `dep`
            manifest.rewrite_dependency(
                parent,
                dep.key,
                {"path": relative, "default-features": False},
                keep=("features", "optional"),
            )

        yield ctx.finding(
            member.file,
            dep.table,
            dep.key,
            f"`{member.name}` inherits `{ext.crate.name}` with `workspace = true`, where "
            "`default-features = false` cannot apply: `extension-module` stays on"
            + (
                ""
                if not member.has_binary or ctx.workspace.uses_python(member)
                else f" ({python_free_options(member, ext.crate)})"
            ),
            fix,
        )
