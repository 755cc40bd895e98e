"""Every rule, in code order. A rule is a module: CODE, NAME, SUMMARY, FIX_TITLE,
APPLICABILITY, `check(ctx)`, and a docstring with What / Why / Example / Fix.

Rules are selected from `TABLE` and only the selected modules are imported (`--select PW101`
imports one); `ALL` imports every one. `tests/rules/test_registry.py` checks the table against
the modules' CODE and NAME.
"""

from __future__ import annotations

from importlib import import_module

from scaffold.errors import UserError
from scaffold.lint.rule import Rule, matches

# code -> (name, module in scaffold.rules)
TABLE: dict[str, tuple[str, str]] = {
    "PW101": ("extension-without-cdylib", "pw101_missing_cdylib"),
    "PW102": ("extension-without-rlib", "pw102_missing_rlib"),
    "PW103": ("embedded-python-without-rpath", "pw103_embedded_python_without_rpath"),
    "PW104": ("unused-manifest-key", "pw104_unused_manifest_key"),
    "PW201": ("extension-module-on-pyo3-dependency", "pw201_extension_module_on_dependency"),
    "PW202": ("extension-module-not-enabled", "pw202_extension_module_not_enabled"),
    "PW203": ("dependent-enables-extension-module", "pw203_dependent_with_default_features"),
    "PW204": ("dependent-inherits-extension-crate", "pw204_dependent_through_workspace"),
    "PW205": ("feature-unification-hazard", "pw205_unification_hazard"),
    "PW206": ("deprecated-extension-module-feature", "pw206_deprecated_feature_wiring"),
    "PW301": ("mixed-pyo3-versions", "pw301_mixed_pyo3_versions"),
    "PW401": ("module-name-mismatch", "pw401_module_name_mismatch"),
    "PW402": ("maturin-manifest-path", "pw402_maturin_manifest_path"),
    "PW403": ("backend-too-old-for-env-wiring", "pw403_backend_too_old_for_env_wiring"),
    "PW404": (
        "default-members-without-backend-package",
        "pw404_default_members_without_backend_package",
    ),
}

_loaded: dict[str, Rule] = {}


def load(code: str) -> Rule:
    """The rule with this code, its module imported on first use."""
    if code not in _loaded:
        _loaded[code] = Rule.from_module(import_module(f"scaffold.rules.{TABLE[code][1]}"))
    return _loaded[code]


def __getattr__(name: str) -> list[Rule]:
    if name == "ALL":
        return [load(code) for code in TABLE]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def select(selectors: list[str] | None, ignore: list[str] | None) -> list[Rule]:
    """Rules chosen by `--select` (default: all) minus `--ignore`, by code, prefix or name.

    A selector that matches no rule is a UserError (a typo must not silently select nothing).
    """
    given = (selectors or []) + (ignore or [])
    unknown = [s for s in given if not any(matches(c, n, [s]) for c, (n, _) in TABLE.items())]
    if unknown:
        raise UserError(
            f"unknown rule code or name: {', '.join(unknown)}",
            "see `scaffold fix-features --explain CODE` or docs/rules.md",
        )
    return [
        load(code)
        for code, (name, _) in TABLE.items()
        if (not selectors or matches(code, name, selectors))
        and not (ignore and matches(code, name, ignore))
    ]


def by_code(code: str) -> Rule | None:
    found = next((c for c, (name, _) in TABLE.items() if c == code.upper() or name == code), None)
    return None if found is None else load(found)
