"""## What
Feature wiring where nothing enables `extension-module` for the wheel build: not the crate's
`default` features, not `[tool.maturin] features`, not setuptools-rust's `features`.

Asked of the feature model: the backend's build of the crate (its `features`, `args`,
`no-default-features`, `all-features`) resolves pyo3 without `extension-module`.

## Why
Before PyO3 0.26 (or with maturin < 1.9.4 / setuptools-rust < 1.12, which do not set
`PYO3_BUILD_EXTENSION_MODULE`), an extension built without the feature links libpython: the
wheel is not manylinux-compliant and can crash in an interpreter built statically.

## Example
```toml
[features]
extension-module = ["pyo3/extension-module"]
```

## Fix
```toml
[features]
default = ["extension-module"]
extension-module = ["pyo3/extension-module"]
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability
from scaffold.rules.wiring_edits import (
    ensure_extension_module_feature,
    extension_module_enabled_by_default,
)
from scaffold.workspace.wiring import EXTENSION_MODULE, FEATURE, below_env_wiring, declared_mode

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.toml.editor import Editor

CODE = "PW202"
NAME = "extension-module-not-enabled"
SUMMARY = "Nothing enables `extension-module` for the wheel build"
FIX_TITLE = "Add `extension-module` to the crate's default features"
APPLICABILITY = Applicability.SAFE
FIX_CHANGES = Claim(frozenset({"extension-module", "default"}))


def check(ctx: Context) -> Iterator[Finding]:
    for ext in ctx.extensions:
        if ctx.mode(ext) != FEATURE:
            continue
        chosen = ctx.wiring == FEATURE or declared_mode(ext) == FEATURE
        if not chosen and not below_env_wiring(ctx.workspace, ext):
            continue  # PyO3 >= 0.26: a current backend sets PYO3_BUILD_EXTENSION_MODULE
        crate = ext.crate
        pyo3 = ctx.workspace.pyo3_dependencies(crate)
        if not pyo3:
            continue
        on_dependency = any(
            EXTENSION_MODULE in crate.effective(d).features and not crate.effective(d).optional
            for d in pyo3
        )
        by_backend = ext.declared_by is not None and any(
            f in (EXTENSION_MODULE, f"pyo3/{EXTENSION_MODULE}") for f in ext.declared_by.features
        )
        defaults = ext.declared_by is None or "--no-default-features" not in ext.declared_by.args
        if on_dependency or by_backend or (defaults and extension_module_enabled_by_default(crate)):
            continue  # on in the wheel build: no need to ask the model
        from scaffold.workspace.scenarios import wheel  # the model only when in doubt

        scenario = wheel(ext)
        wheel_features = ctx.pyo3_features(scenario)
        if wheel_features is not False and (
            wheel_features is None or EXTENSION_MODULE in wheel_features
        ):
            continue  # the wheel build ends with `extension-module` on (or has no pyo3)

        weak = crate.effective(pyo3[0]).optional

        def fix(
            editor: Editor, path: Path = crate.path, key: str = pyo3[0].key, weak: bool = weak
        ) -> None:
            ensure_extension_module_feature(editor.document(path), key, weak=weak)

        # A backend that turns `default` off would not see the fix: naming the feature there
        # is the user's call.
        yield ctx.finding(
            crate.file,
            ("features",),
            None,
            f"nothing enables `extension-module` when `{crate.name}` is built as a Python "
            "extension, so the module links libpython",
            None if scenario.no_default_features else fix,
        )
