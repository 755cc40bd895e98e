"""What every rule may ask about the workspace, computed once per lint pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from scaffold.lint.diagnostic import Applicability, Finding, Severity
from scaffold.toml.locate import locate
from scaffold.toml.textfile import TextFile
from scaffold.workspace import wiring
from scaffold.workspace.model import Extension, Workspace

if TYPE_CHECKING:
    from scaffold.toml.editor import Editor
    from scaffold.workspace.crate import Crate, Dependency
    from scaffold.workspace.features import Dep, Graph, Scenario

# pyo3's features in a build: None when pyo3 is not in it, False when the model cannot say.
Pyo3Features = frozenset[str] | Literal[False] | None


@dataclass
class Context:
    workspace: Workspace
    wiring: str | None = None  # forced with --wiring (a migration), else detected per extension

    @cached_property
    def extensions(self) -> list[Extension]:
        return self.workspace.extensions()

    @cached_property
    def graph(self) -> Graph | None:
        """The feature model's package graph; None when cargo would reject the manifests."""
        from scaffold.workspace.features import FeatureError  # only when a rule asks
        from scaffold.workspace.packages import build_graph

        try:
            return build_graph(self.workspace, lazy=True)  # only what a question reaches
        except FeatureError:
            return None

    def pyo3_features(self, scenario: Scenario) -> Pyo3Features:
        """pyo3's features in `scenario` (None: pyo3 not in that build; False: unknown, the
        model cannot resolve it, e.g. a flag naming a feature no selected package has)."""
        return self.features_of(scenario, "pyo3")

    def features_of(self, scenario: Scenario, package: str) -> Pyo3Features:
        """`package`'s features in `scenario` (None: not in that build; False: unknown)."""
        from scaffold.workspace.features import FeatureError, resolve

        key = (package, scenario)
        if key not in self._resolved:
            found: Pyo3Features
            try:
                found = (
                    resolve(self.graph, scenario).features_of(package)
                    if self.graph is not None
                    else False
                )
            except FeatureError:
                found = False
            self._resolved[key] = found
        return self._resolved[key]

    @cached_property
    def _resolved(self) -> dict[tuple[str, Scenario], Pyo3Features]:
        return {}

    def extension_module_on(self, scenario: Scenario) -> bool | None:
        """Whether `scenario` ends with pyo3's `extension-module` on (None: the model cannot
        say). Each scenario is resolved once per lint pass and shared by every rule."""
        found = self.pyo3_features(scenario)
        if found is False:
            return None
        return found is not None and "extension-module" in found

    def defaults_enable_extension_module(self, crate: Crate) -> bool | None:
        """Whether `crate`'s default features are what turns `extension-module` on in its own
        build: `cargo build -p C` ends with it on, `--no-default-features` with it off."""
        from scaffold.workspace.features import Scenario

        name = crate.name
        with_defaults = self.extension_module_on(Scenario(f"cargo build -p {name}", (name,)))
        without = self.extension_module_on(
            Scenario(
                f"cargo build -p {name} --no-default-features", (name,), no_default_features=True
            )
        )
        if with_defaults is None or without is None:
            return None
        return with_defaults and not without

    def forced_by_dependency(self, crate: Crate, dep: Dependency) -> bool | None:
        """Whether `crate`'s own pyo3 dependency `dep` forces `extension-module`: the least
        test build that has pyo3 in its graph (`cargo test -p C --no-default-features`, plus
        the feature that enables an optional pyo3) ends with it on. Cargo's feature
        resolution is monotone, so then every build that links the crate has it on: its
        tests, the profiler's, each dependent's. None: the model cannot say (no graph, a
        build dependency, an optional pyo3 no feature of the crate enables by itself)."""
        from scaffold.workspace.features import Scenario

        graph = self.graph
        found = self._edge(crate, dep)  # None without a graph
        if graph is None or found is None or found.kind == "build" or found.platform is not None:
            return None  # a `[target.X]` entry forces it on X, which the host model may not be
        enables: tuple[str, ...] = ()
        if found.optional:
            features = graph.packages[crate.name].features
            enables = tuple(
                sorted(
                    (name for name, values in features.items() if f"dep:{found.name}" in values),
                    key=lambda name: len(features[name]),
                )
            )[:1]
            if not enables:
                return None
        flags = "".join(f" --features {f}" for f in enables)
        return self.extension_module_on(
            Scenario(
                f"cargo test -p {crate.name} --no-default-features{flags}",
                (crate.name,),
                features=enables,
                no_default_features=True,
                dev=True,
            )
        )

    def _edge(self, crate: Crate, dep: Dependency) -> Dep | None:
        """The feature model's edge for manifest entry `dep` of member `crate` (workspace
        inheritance applied), or None when cargo would reject it."""
        from scaffold.workspace.features import FeatureError
        from scaffold.workspace.packages import Packages, dependency_edge

        if self.graph is None:
            return None
        packages = self.graph.packages  # Packages: the graph is built lazily
        path_package = packages.path_package if isinstance(packages, Packages) else None
        try:
            return dependency_edge(self.workspace, crate, dep, True, path_package)
        except FeatureError:
            return None

    def dependent_builds_on(self, member: Crate, dep: Dependency) -> bool | None:
        """Whether `member`'s own builds (`cargo build -p D`, `cargo test -p D`) end with
        `extension-module` on through dependency `dep` keeping the defaults of an extension
        crate whose defaults enable it (`defaults_enable_extension_module`). None: the model
        cannot say.

        A non-optional normal or dev edge that keeps the defaults needs no resolution of its
        own: under resolver 2 and 3 the dependency activated with its defaults is part of
        D's build, and feature resolution is monotone, so D's build has everything the
        dependency's own default build has. Other edges are resolved as D's builds."""
        from scaffold.workspace.features import Scenario

        graph = self.graph
        found = self._edge(member, dep)  # None without a graph
        if graph is None or found is None:
            return None
        if not found.default_features and "default" not in found.features:
            return False
        if not found.optional and found.kind in ("normal", "dev") and graph.resolver >= 2:
            return True
        if found.kind == "build":
            return None
        name = member.name
        # An optional edge counts in the builds a user runs to turn it on: `--features F`
        # for each feature of D that enables it (a profiler behind `profile = ["dep:ext"]`).
        enabling = (
            _enabling_features(graph.packages[name].features, found.name) if found.optional else []
        )
        flags: list[tuple[str, ...]] = [(), *((f,) for f in enabling)]
        builds = [
            Scenario(_named(f"cargo test -p {name}", f), (name,), features=f, dev=True)
            for f in flags
        ]
        if found.kind == "normal":
            builds += [
                Scenario(_named(f"cargo build -p {name}", f), (name,), features=f) for f in flags
            ]
        answers = [self.extension_module_on(s) for s in builds]
        if True in answers:
            return True
        return None if None in answers else False

    def mode(self, ext: Extension) -> str:
        """`feature` or `env` for `ext`, `--wiring` (a migration) first."""
        return wiring.mode(self.workspace, ext, self.wiring)

    def finding(
        self,
        file: TextFile | Path,
        table: tuple[str, ...],
        key: str | None,
        message: str,
        fix: Callable[[Editor], None] | None = None,
        applicability: Applicability | None = None,
        severity: Severity = Severity.ERROR,
    ) -> Finding:
        """A finding at `key` in `table` of `file` (line 1 of a file that is not TOML), with
        the edit that fixes it; `applicability` overrides the rule's."""
        if isinstance(file, Path):
            line, col, path = 1, 1, file
        else:
            (line, col), path = locate(file.text, table, key), file.path
        return Finding(path, line, col, message, fix, applicability, severity)


def _enabling_features(features: dict[str, list[str]], dep: str) -> list[str]:
    """The features of a package that turn on its optional dependency `dep` (`dep:x`, `x`,
    `x/feat`; a weak `x?/feat` does not), its implicit feature included."""
    return sorted(
        feature
        for feature, values in features.items()
        if feature == dep
        or any(v in (dep, f"dep:{dep}") or v.startswith(f"{dep}/") for v in values)
    )


def _named(command: str, features: tuple[str, ...]) -> str:
    return f"{command} --features {','.join(features)}" if features else command
