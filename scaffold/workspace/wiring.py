"""Wiring policy: how an extension crate gets PyO3's `extension-module` for its wheel build.

`feature`: a crate feature (or the dependency's `features`, or the backend's) turns pyo3's
`extension-module` on. `env`: the build backend sets PYO3_BUILD_EXTENSION_MODULE, which PyO3
reads from `facts.ENV_WIRING_SINCE` on. The linter, doctor, add-profiler and upgrade ask this
module which one a crate uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scaffold import facts

if TYPE_CHECKING:
    from scaffold.workspace.crate import Crate
    from scaffold.workspace.model import Extension, Workspace

FEATURE, ENV = "feature", "env"
EXTENSION_MODULE = "extension-module"


def mode(workspace: Workspace, ext: Extension, forced: str | None = None) -> str:
    """`feature` or `env`: `forced` (`--wiring`), declared in [tool.pyo3-scaffold], else
    detected: feature wiring when the crate uses the feature or its PyO3 predates env wiring."""
    if forced:
        return forced
    declared = declared_mode(ext)
    if declared in (FEATURE, ENV):
        return declared
    return FEATURE if uses_feature(ext) or below_env_wiring(workspace, ext) else ENV


def check_forced(workspace: Workspace, forced: str | None) -> None:
    """Refuse `--wiring env` (UserError) for a feature-wired extension whose PyO3 predates
    env wiring: an option checked before any rule runs, whichever rules are selected."""
    if forced != ENV:
        return
    for ext in workspace.extensions():
        if uses_feature(ext) and below_env_wiring(workspace, ext):
            _refuse_old_pyo3(workspace, ext)


def _refuse_old_pyo3(ws: Workspace, ext: Extension) -> None:
    """`--wiring env` below the env-wiring release; say when Cargo.lock decided the version."""
    from scaffold.errors import UserError
    from scaffold.workspace.versions import series

    crate = ext.crate
    found = ws.pyo3_series(crate)
    since = facts.format_series(facts.ENV_WIRING_SINCE)
    uses = facts.format_series(found) if found else "an unknown version"
    asked = next(
        filter(
            None,
            (series(crate.effective(d).version or "") for d in ws.pyo3_dependencies(crate)),
        ),
        None,
    )
    locked = [v for v in ws.lock_versions.get("pyo3", []) if series(v) == found]
    if locked and asked is not None and asked != found:
        raise UserError(
            f"{ws.root / 'Cargo.lock'}: `--wiring env` needs PyO3 >= {since}; read Cargo.lock, "
            f"which pins pyo3 {locked[0]} although {crate.path} asks for "
            f"{facts.format_series(asked)}",
            "run `cargo update -p pyo3` first, or keep `--wiring feature`",
        )
    raise UserError(
        f"{crate.path}: `--wiring env` needs PyO3 >= {since}, this crate uses {uses}",
        "upgrade pyo3 first, or keep `--wiring feature`",
    )


def declared_mode(ext: Extension) -> str | None:
    """`wiring` in the project's `[tool.pyo3-scaffold]`, as written (None when absent)."""
    return ext.project.scaffold_settings.get("wiring") if ext.project else None


def below_env_wiring(workspace: Workspace, ext: Extension) -> bool:
    """Whether the crate's PyO3 series is known and older than env wiring."""
    found = workspace.pyo3_series(ext.crate)
    return found is not None and not facts.supports_env_wiring(found)


def uses_feature(ext: Extension) -> bool:
    """Whether the crate or its build enables PyO3's `extension-module` (pyo3's, or
    pyo3-build-config's own in `[build-dependencies]`): a crate feature with
    `pyo3/extension-module`, the dependency's `features`, or the backend's features."""
    crate = ext.crate
    keys = pyo3_keys(crate)
    in_features = any(is_pyo3_entry(v, keys) for values in crate.features.values() for v in values)
    on_pyo3 = any(
        EXTENSION_MODULE in crate.effective(d).features
        for package in facts.EXTENSION_MODULE_PACKAGES
        for d in crate.dependencies_on(package)
    )
    built_with = ext.declared_by is not None and any(
        is_pyo3_entry(f, keys | {"pyo3"}) for f in ext.declared_by.features
    )
    return in_features or on_pyo3 or built_with


def pyo3_keys(crate: Crate) -> set[str]:
    """The keys under which `crate` depends on PyO3's packages (renames included)."""
    return {
        dep.key
        for package in facts.EXTENSION_MODULE_PACKAGES
        for dep in crate.dependencies_on(package)
    }


def is_pyo3_entry(value: object, keys: set[str]) -> bool:
    """`pyo3/extension-module` or `pyo3?/extension-module` for one of `keys`."""
    dep, sep, feature = str(value).partition("/")
    return bool(sep) and feature == EXTENSION_MODULE and dep.removesuffix("?") in keys
