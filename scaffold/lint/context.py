"""What every rule may ask about the workspace, computed once per lint pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from functools import cached_property
from pathlib import Path

from scaffold.lint.diagnostic import Applicability, Diagnostic, Fix, Severity
from scaffold.lint.rule import Rule
from scaffold.toml.locate import locate
from scaffold.toml.textfile import TextFile
from scaffold.workspace.model import Extension, Workspace

if TYPE_CHECKING:
    from scaffold.workspace.features import Graph, Scenario

FEATURE, ENV = "feature", "env"
# PYO3_BUILD_EXTENSION_MODULE replaces the `extension-module` feature from PyO3 0.26
# (pyo3-build-config 0.30.1 src/impl_.rs `is_extension_module`; PyO3 CHANGELOG 0.26.0).
ENV_WIRING_MIN_PYO3 = (0, 26)


@dataclass
class Context:
    workspace: Workspace
    wiring: str | None = None  # forced with --wiring (a migration), else detected per extension
    rule: Rule | None = None  # the rule whose check is running; set by the engine

    @cached_property
    def extensions(self) -> list[Extension]:
        return self.workspace.extensions()

    @cached_property
    def graph(self) -> Graph | None:
        """The feature model's package graph; None when cargo would reject the manifests."""
        from scaffold.workspace.features import FeatureError  # only when a rule asks
        from scaffold.workspace.packages import build_graph

        try:
            return build_graph(self.workspace)
        except FeatureError:
            return None

    def pyo3_features(self, scenario: Scenario) -> frozenset[str] | None | bool:
        """pyo3's features in `scenario` (None: pyo3 not in that build; False: unknown, the
        model cannot resolve it, e.g. a flag naming a feature no selected package has)."""
        from scaffold.workspace.features import FeatureError, resolve

        key = ("pyo3", scenario)
        if key not in self._resolved:
            try:
                found = resolve(self.graph, scenario).features_of("pyo3") \
                    if self.graph is not None else False
            except FeatureError:
                found = False
            self._resolved[key] = found
        return self._resolved[key]

    @cached_property
    def _resolved(self) -> dict:
        return {}

    def mode(self, ext: Extension) -> str:
        """`feature` or `env`: forced, declared in [tool.pyo3-scaffold], else detected."""
        if self.wiring:
            return self.wiring
        declared = ext.project.scaffold_settings.get("wiring") if ext.project else None
        if declared in (FEATURE, ENV):
            return declared
        return FEATURE if self.uses_feature(ext) or self.below_env_wiring(ext) else ENV

    def declared_mode(self, ext: Extension) -> str | None:
        return ext.project.scaffold_settings.get("wiring") if ext.project else None

    def below_env_wiring(self, ext: Extension) -> bool:
        found = self.workspace.pyo3_series(ext.crate)
        return found is not None and found < ENV_WIRING_MIN_PYO3

    def uses_feature(self, ext: Extension) -> bool:
        """Whether anything in the crate or its build names `extension-module`."""
        crate = ext.crate
        in_features = any("extension-module" in name or any("extension-module" in v for v in values)
                          for name, values in crate.features.items())
        on_pyo3 = any("extension-module" in crate.effective_spec(d).get("features", [])
                      for d in self.workspace.pyo3_dependencies(crate))
        built_with = ext.declared_by is not None and any(
            "extension-module" in f for f in ext.declared_by.features)
        return in_features or on_pyo3 or built_with

    def diagnostic(self, file: TextFile | Path, table: tuple[str, ...],
                   key: str | None, message: str, fix=None,
                   applicability: Applicability | None = None,
                   severity: Severity = Severity.ERROR) -> Diagnostic:
        """A diagnostic of the running rule at `key` in `table` of `file`, with an optional fix."""
        rule = self.rule
        if isinstance(file, Path):
            line, col, path = 1, 1, file
        else:
            (line, col), path = locate(file.text, table, key), file.path
        wrapped = None
        if fix is not None:
            wrapped = Fix(rule.fix_title, applicability if applicability is not None
                          else rule.applicability, fix)
        return Diagnostic(rule.code, rule.name, message, path, line, col, wrapped, severity)

