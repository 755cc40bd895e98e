"""## What
Feature wiring (`extension-module`) on PyO3 0.26 or newer, where the feature is deprecated; or
wiring that disagrees with the mode forced by `--wiring env`.

## Why
Since PyO3 0.26 the build backend says "this is an extension" by setting
`PYO3_BUILD_EXTENSION_MODULE` (maturin >= 1.9.4, setuptools-rust >= 1.12;
pyo3-build-config `is_extension_module`), so no feature has to be switched off for binaries
and tests, and `cargo build --workspace` is safe again. Informational unless the project chose
a mode: `[tool.pyo3-scaffold] wiring = "feature"` silences it.

## Example
```toml
[features]
default = ["extension-module"]
extension-module = ["pyo3/extension-module"]
```

## Fix (`--wiring env`)
Removes the feature everywhere (its definition, `default`, `[tool.maturin] features`), and
raises the backend floor in `build-system.requires` to `maturin>=1.9.4` or
`setuptools-rust>=1.12`. Dependents keep building: `default-features = false` stays valid.
`--wiring feature` migrates back (PW202, PW203, PW205 then add the wiring).
"""

from __future__ import annotations

from scaffold.errors import UserError
from scaffold.lint.context import ENV
from scaffold.lint.diagnostic import Applicability, Severity
from scaffold.lint.claim import Claim
from scaffold.rules.backend_floor import raise_backend_floor
from scaffold.rules.wiring_edits import (EXTENSION_MODULE, remove_extension_module_feature,
                                         remove_extension_module_from_dependency)
from scaffold.toml import manifest
from scaffold.workspace.crate import Dependency

CODE = "PW206"
NAME = "deprecated-extension-module-feature"
SUMMARY = "Feature wiring on PyO3 >= 0.26, where `extension-module` is deprecated"
FIX_TITLE = "Migrate to `env` wiring (PYO3_BUILD_EXTENSION_MODULE set by the backend)"
APPLICABILITY = Applicability.DISPLAY_ONLY
FIX_CHANGES = Claim(frozenset({"extension-module", "default"}))


def check(ctx):
    for ext in ctx.extensions:
        if not ctx.uses_feature(ext):
            continue
        if ctx.wiring == ENV:
            if ctx.below_env_wiring(ext):
                raise UserError(
                    f"{ext.crate.path}: `--wiring env` needs PyO3 >= 0.26, this crate uses "
                    f"{_series(ctx, ext)}", "upgrade pyo3 first, or keep `--wiring feature`")
            if _in_setup_py(ext):  # never edited: the migration cannot complete
                yield ctx.diagnostic(
                    ext.declared_by.source, (), None,
                    f"`{ext.crate.name}` gets `extension-module` from `RustExtension(features="
                    "...)` in setup.py; remove it there by hand for `--wiring env`")
                continue
            yield ctx.diagnostic(
                ext.crate.file, ("features",), EXTENSION_MODULE,
                f"`{ext.crate.name}` uses `extension-module` feature wiring; `--wiring env` "
                "removes it", _migrate(ctx, ext), Applicability.SAFE)
        elif ctx.wiring is None and ctx.declared_mode(ext) is None and not ctx.below_env_wiring(ext):
            yield ctx.diagnostic(
                ext.crate.file, ("features",), EXTENSION_MODULE,
                f"`{ext.crate.name}` uses the `extension-module` feature, deprecated since PyO3 "
                "0.26; `--wiring env` migrates, `[tool.pyo3-scaffold] wiring = \"feature\"` "
                "keeps it", _migrate(ctx, ext), severity=Severity.INFO)


def _migrate(ctx, ext):
    def fix(editor):
        document = editor.document(ext.crate.path)
        remove_extension_module_feature(document)
        for dep in ctx.workspace.pyo3_dependencies(ext.crate):
            remove_extension_module_from_dependency(document, dep)
            if dep.inherits_workspace:  # else the inherited feature keeps the finding alive
                shared = Dependency(("workspace", "dependencies"), dep.key,
                                    ext.crate.workspace_dependency(dep.key))
                remove_extension_module_from_dependency(
                    editor.document(ctx.workspace.root_file.path), shared)
        if ext.project and ext.project.pyproject:
            _migrate_pyproject(editor.document(ext.project.pyproject.path), ext.project.backend)

    return fix


def _in_setup_py(ext) -> bool:
    declared = ext.declared_by
    return (declared is not None and declared.source is not None
            and declared.source.name == "setup.py"
            and any(EXTENSION_MODULE in f for f in declared.features))


def _migrate_pyproject(document, backend: str | None) -> None:
    setuptools_rust = manifest.table(document, ("tool", "setuptools-rust")) or {}
    for table in [manifest.table(document, ("tool", "maturin")),
                  *setuptools_rust.get("ext-modules", [])]:
        if table is not None and "features" in table:
            for value in [v for v in list(table["features"]) if EXTENSION_MODULE in str(v)]:
                manifest.remove_from_array(table, "features", value, drop_empty=True)
    settings = manifest.table(document, ("tool", "pyo3-scaffold"))
    if settings is not None and "wiring" in settings:
        settings["wiring"] = ENV
    raise_backend_floor(document, backend)


def _series(ctx, ext) -> str:
    found = ctx.workspace.pyo3_series(ext.crate)
    return f"{found[0]}.{found[1]}" if found else "an unknown version"

