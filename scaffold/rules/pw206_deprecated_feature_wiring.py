"""## What
Feature wiring (`extension-module`) on PyO3 0.26 or newer, where the build backend can say
"extension" instead (the feature is deprecated from PyO3 0.28); or wiring that disagrees with
the mode forced by `--wiring env`. `pyo3-build-config`'s own `extension-module` feature (in
`[build-dependencies]`) counts too.

## Why
Since PyO3 0.26 (PR #5343) the build backend says "this is an extension" by setting
`PYO3_BUILD_EXTENSION_MODULE` (maturin >= 1.9.4, setuptools-rust >= 1.12;
pyo3-build-config `is_extension_module`), so no feature has to be switched off for binaries
and tests, and `cargo build --workspace` is safe again. The guide marks the feature deprecated
from PyO3 0.28 (PR #5588). Informational unless the project chose
a mode: `[tool.pyo3-scaffold] wiring = "feature"` silences it.

## Example
```toml
[features]
default = ["extension-module"]
extension-module = ["pyo3/extension-module"]
```

## Fix (`--wiring env`)
Removes `pyo3/extension-module` everywhere (from `[features]`, the pyo3 and
pyo3-build-config dependencies, `[tool.maturin] features`). A feature that also enables
something else keeps the rest (and its comments); a feature left empty is removed only when
nothing references it: neither another crate nor a file outside the manifests that passes
`--features NAME` (`.github/workflows/*.yml`, `noxfile.py`, `Makefile`, `justfile`,
`tox.ini`, `setup.py`, scripts, `.cargo/config.toml` aliases, READMEs), where cargo would
then stop with "does not contain this feature". Such a feature stays as a no-op
(`extension-module = []  # no-op with env wiring; kept for .github/workflows/ci.yml`) and the
finding names the files; the files themselves are never edited. The finding points at the
line that holds the wiring: the feature, else the PyO3 dependency, else the backend's
`features` in pyproject.toml. The backend floor in `build-system.requires` is raised only when the
requirement admits a version below `maturin 1.9.4` / `setuptools-rust 1.12`, and then narrowed
minimally (upper bounds, exact pins and quoting kept). Dependents keep building:
`default-features = false` stays valid.
`--wiring feature` migrates back (PW202, PW203, PW205 then add the wiring).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold import facts
from scaffold.lint.claim import Claim
from scaffold.lint.diagnostic import Applicability, Severity
from scaffold.rules.backend_floor import raise_backend_floor
from scaffold.rules.wiring_edits import (
    plan_feature_removal,
    remove_extension_module_feature,
    remove_extension_module_from_dependency,
)
from scaffold.toml import manifest
from scaffold.workspace.crate import Dependency
from scaffold.workspace.feature_uses import feature_uses
from scaffold.workspace.wiring import (
    ENV,
    EXTENSION_MODULE,
    below_env_wiring,
    declared_mode,
    is_pyo3_entry,
    pyo3_keys,
    uses_feature,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tomlkit import TOMLDocument

    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Finding
    from scaffold.rules.wiring_edits import FeaturePlan
    from scaffold.toml.editor import Editor
    from scaffold.toml.textfile import TextFile
    from scaffold.workspace.crate import Crate
    from scaffold.workspace.model import Extension

CODE = "PW206"
NAME = "deprecated-extension-module-feature"
SUMMARY = (
    f"Feature wiring on PyO3 >= {facts.format_series(facts.ENV_WIRING_SINCE)}, where the "
    "backend can set PYO3_BUILD_EXTENSION_MODULE instead"
)
FIX_TITLE = "Migrate to `env` wiring (PYO3_BUILD_EXTENSION_MODULE set by the backend)"
APPLICABILITY = Applicability.DISPLAY_ONLY
FIX_CHANGES = Claim(frozenset({"extension-module", "default"}))


def check(ctx: Context) -> Iterator[Finding]:
    for ext in ctx.extensions:
        if not uses_feature(ext):
            continue
        if ctx.wiring == ENV:  # below env wiring, `check_forced` refused it before any rule ran
            setup_py = _setup_py(ext)
            if setup_py is not None:  # never edited: the migration cannot complete
                yield ctx.finding(
                    setup_py,
                    (),
                    None,
                    f"`{ext.crate.name}` gets `extension-module` from `RustExtension(features="
                    "...)` in setup.py; remove it there by hand for `--wiring env`",
                )
                continue
            yield ctx.finding(
                *_wiring_location(ext),
                f"`{ext.crate.name}` uses `extension-module` feature wiring; `--wiring env` "
                f"removes it{_plan_text(ctx, ext)}",
                _migrate(ctx, ext),
                Applicability.SAFE,
            )
        elif (
            ctx.wiring is None
            and declared_mode(ext) is None
            and not below_env_wiring(ctx.workspace, ext)
        ):
            yield ctx.finding(
                *_wiring_location(ext),
                f"`{ext.crate.name}` uses the `extension-module` feature, {_status(ctx, ext)}; "
                '`--wiring env` migrates, `[tool.pyo3-scaffold] wiring = "feature"` keeps it',
                _migrate(ctx, ext),
                severity=Severity.INFO,
            )


def _wiring_location(ext: Extension) -> tuple[TextFile, tuple[str, ...], str | None]:
    """Where the wiring is written: the crate feature enabling `pyo3/extension-module`, else
    the PyO3 dependency that lists it, else the backend's `features` in pyproject.toml."""
    crate, keys = ext.crate, pyo3_keys(ext.crate)
    feature = next(
        (
            name
            for name, values in crate.features.items()
            if any(is_pyo3_entry(v, keys) for v in values)
        ),
        None,
    )
    if feature is not None:
        return crate.file, ("features",), feature
    listed = next(
        (
            dep
            for dep in _family_dependencies(crate)
            if EXTENSION_MODULE in crate.effective(dep).features
        ),
        None,
    )
    if listed is not None:
        return crate.file, listed.table, listed.key
    pyproject = ext.project.pyproject if ext.project else None
    declared = ext.declared_by
    if pyproject is not None and declared is not None and declared.source == pyproject.path:
        table = (
            ("tool", "maturin")
            if ext.project and ext.project.backend == "maturin"
            else ("tool", "setuptools-rust", "ext-modules")
        )
        return pyproject, table, "features"
    return crate.file, ("features",), EXTENSION_MODULE


def _named_elsewhere(ctx: Context, ext: Extension) -> dict[str, str]:
    """The extension crate's features named outside its own manifest -> who names them: other
    members (`mylib/python`, or `features` on their dependency on it), and files beyond the
    manifests (workflows, task runners, scripts, READMEs) that pass `--features NAME`."""
    crate, names = ext.crate, dict[str, str]()
    for member, dep in ctx.workspace.dependents(crate):
        named = set(member.effective(dep).features)
        for values in member.features.values():
            for value in map(str, values):
                target, sep, feature = value.partition("/")
                if sep and target.removesuffix("?") == dep.key:
                    named.add(feature)
        for name in named:
            names.setdefault(name, "another crate names it")
    for name, files in _used_outside(ctx, ext).items():
        names.setdefault(
            name, f"{_listed(ctx, files)} pass{'es' if len(files) == 1 else ''} `--features {name}`"
        )
    return names


def _used_outside(ctx: Context, ext: Extension) -> dict[str, list[Path]]:
    """The crate's PyO3-wiring features that files outside the manifests pass to cargo."""
    keys = pyo3_keys(ext.crate)
    wiring = [
        name
        for name, values in ext.crate.features.items()
        if name != "default" and any(is_pyo3_entry(v, keys) for v in values)
    ]
    return feature_uses(ctx.workspace, ext.crate, wiring)


def _listed(ctx: Context, files: list[Path]) -> str:
    shown = [f"`{ctx.workspace.relative(f)}`" for f in files[:2]]
    return ", ".join(shown) + (f" and {len(files) - 2} more" if len(files) > 2 else "")


def _notes(ctx: Context, ext: Extension) -> dict[str, str]:
    """The comment a feature kept only for outside uses gets: why a no-op stays."""
    relative = ctx.workspace.relative
    return {
        name: f"no-op with env wiring; kept for {', '.join(relative(f) for f in files)}"
        for name, files in _used_outside(ctx, ext).items()
    }


def _plan(ctx: Context, ext: Extension) -> FeaturePlan:
    crate = ext.crate
    return plan_feature_removal(crate.features, pyo3_keys(crate), _named_elsewhere(ctx, ext))


def _plan_text(ctx: Context, ext: Extension) -> str:
    """What the migration does to `[features]`, for the message."""
    plan = _plan(ctx, ext)
    parts = [
        f"the feature `{name}` goes too (left empty, named nowhere else)" for name in plan.removed
    ]
    parts += [f"the feature `{name}` stays ({why})" for name, why in plan.kept]
    found = ctx.workspace.pyo3_series(ext.crate)
    if (
        found
        and facts.generate_import_lib_noop(found)
        and any("generate-import-lib" in why for _, why in plan.kept)
    ):
        parts.append(
            f"`generate-import-lib` does nothing since PyO3 "
            f"{facts.format_series(facts.GENERATE_IMPORT_LIB_NOOP_SINCE)}"
        )
    return "; " + "; ".join(parts) if parts else ""


def _family_dependencies(crate: Crate) -> list[Dependency]:
    """pyo3, pyo3-ffi and pyo3-build-config entries (build-dependencies included)."""
    return [
        dep for package in facts.EXTENSION_MODULE_PACKAGES for dep in crate.dependencies_on(package)
    ]


def _migrate(ctx: Context, ext: Extension) -> Callable[[Editor], None]:
    plan = _plan(ctx, ext)

    def fix(editor: Editor) -> None:
        document = editor.document(ext.crate.path)
        remove_extension_module_feature(
            document, pyo3_keys(ext.crate), _named_elsewhere(ctx, ext), _notes(ctx, ext)
        )
        for dep in _family_dependencies(ext.crate):
            remove_extension_module_from_dependency(document, dep)
            if dep.inherits_workspace:  # else the inherited feature keeps the finding alive
                shared = Dependency(
                    ("workspace", "dependencies"), dep.key, ext.crate.workspace_dependency(dep.key)
                )
                remove_extension_module_from_dependency(
                    editor.document(ctx.workspace.root_file.path), shared
                )
        if ext.project and ext.project.pyproject:
            _migrate_pyproject(
                editor.document(ext.project.pyproject.path), ext.project.backend, set(plan.removed)
            )

    return fix


def _setup_py(ext: Extension) -> Path | None:
    """The setup.py whose `RustExtension(features=...)` enables `extension-module`, if any."""
    declared = ext.declared_by
    if (
        declared is not None
        and declared.source is not None
        and declared.source.name == "setup.py"
        and any(EXTENSION_MODULE in f for f in declared.features)
    ):
        return declared.source
    return None


def _migrate_pyproject(document: TOMLDocument, backend: str | None, removed: set[str]) -> None:
    """The backend stops enabling `pyo3/extension-module` and the crate features removed."""
    setuptools_rust = manifest.table(document, ("tool", "setuptools-rust")) or {}
    keys = set(facts.LINKS_PYTHON)
    for table in [
        manifest.table(document, ("tool", "maturin")),
        *setuptools_rust.get("ext-modules", []),
    ]:
        if table is not None and "features" in table:
            for value in [
                v for v in list(table["features"]) if is_pyo3_entry(v, keys) or str(v) in removed
            ]:
                manifest.remove_from_array(table, "features", value, drop_empty=True)
    settings = manifest.table(document, ("tool", "pyo3-scaffold"))
    if settings is not None and "wiring" in settings:
        settings["wiring"] = ENV
    raise_backend_floor(document, backend)


def _status(ctx: Context, ext: Extension) -> str:
    """Where the feature stands in this crate's PyO3 (facts: deprecated from 0.28)."""
    since = facts.format_series(facts.FEATURE_DEPRECATED_SINCE)
    found = ctx.workspace.pyo3_series(ext.crate)
    if found is not None and not facts.feature_deprecated(found):
        return (
            f"superseded by PYO3_BUILD_EXTENSION_MODULE since PyO3 "
            f"{facts.format_series(facts.ENV_WIRING_SINCE)} (deprecated from {since})"
        )
    return f"deprecated since PyO3 {since}"
