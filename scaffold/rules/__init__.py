"""Every rule, in code order. A rule is a module: CODE, NAME, SUMMARY, FIX_TITLE,
APPLICABILITY, `check(ctx)`, and a docstring with What / Why / Example / Fix."""

from __future__ import annotations

from scaffold.errors import UserError
from scaffold.lint.rule import Rule
from scaffold.rules import (pw101_missing_cdylib, pw102_missing_rlib,
                            pw103_embedded_python_without_rpath,
                            pw201_extension_module_on_dependency,
                            pw202_extension_module_not_enabled,
                            pw203_dependent_with_default_features,
                            pw204_dependent_through_workspace, pw205_unification_hazard,
                            pw206_deprecated_feature_wiring, pw301_mixed_pyo3_versions,
                            pw401_module_name_mismatch, pw402_maturin_manifest_path,
                            pw403_backend_too_old_for_env_wiring)

ALL: list[Rule] = [Rule.from_module(m) for m in (
    pw101_missing_cdylib, pw102_missing_rlib, pw103_embedded_python_without_rpath,
    pw201_extension_module_on_dependency, pw202_extension_module_not_enabled,
    pw203_dependent_with_default_features, pw204_dependent_through_workspace,
    pw205_unification_hazard, pw206_deprecated_feature_wiring, pw301_mixed_pyo3_versions,
    pw401_module_name_mismatch, pw402_maturin_manifest_path,
    pw403_backend_too_old_for_env_wiring)]


def select(selectors: list[str] | None, ignore: list[str] | None) -> list[Rule]:
    """Rules chosen by `--select` (default: all) minus `--ignore`, by code, prefix or name.

    A selector that matches no rule is a UserError (a typo must not silently select nothing).
    """
    given = (selectors or []) + (ignore or [])
    unknown = [s for s in given if not any(r.matches([s]) for r in ALL)]
    if unknown:
        raise UserError(f"unknown rule code or name: {', '.join(unknown)}",
                        "see `scaffold fix-features --explain CODE` or docs/rules.md")
    chosen = [r for r in ALL if not selectors or r.matches(selectors)]
    return [r for r in chosen if not ignore or not r.matches(ignore)]


def by_code(code: str) -> Rule | None:
    return next((r for r in ALL if r.code == code.upper() or r.name == code), None)
