"""Cargo's feature resolution, on manifests already parsed (no cargo subprocess).

`resolve(graph, scenario)` answers: in build `scenario`, which features of each package are on
in the target graph, and which packages are in it. It mirrors cargo's `FeatureResolver`
(src/cargo/core/resolver/features.rs): `activate_pkg` / `activate_fv` / `activate_rec` /
`activate_dependency` / `activate_dep_feature`, with weak (`dep?/feat`) features deferred until
the dependency is enabled, and the implicit feature of an optional dependency enabled by a
non-weak `dep/feat` only when no `dep:` hides it (cargo#10788). Resolver "2" and "3" decouple
build dependencies (host), dev-dependencies (unless tests/benches are built) and inactive
platforms; resolver "1" unifies all of them (cargo reference, "Feature resolver version 2").
The packages come from `scaffold.workspace.packages`; the scenarios from
`scaffold.workspace.scenarios`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scaffold.workspace.platform import HOST, Platform


@dataclass(frozen=True)
class Dep:
    """One dependency entry of a package, workspace inheritance already applied."""

    name: str  # the name in the manifest (`name_in_toml`, the key features refer to)
    package: str  # the package it resolves to
    kind: str  # "normal", "build" or "dev"
    optional: bool = False
    features: tuple[str, ...] = ()
    default_features: bool = True
    platform: str | None = None  # `cfg(...)` or a target triple from `[target.X.*]`


@dataclass
class Package:
    name: str
    features: dict[str, list[str]]  # explicit [features] plus implicit optional-dep features
    deps: list[Dep] = field(default_factory=list)
    member: bool = False
    proc_macro: bool = False


@dataclass(frozen=True)
class Scenario:
    """One cargo invocation: package selection, feature flags, and whether tests are built."""

    name: str
    packages: tuple[str, ...] = ()  # `-p`; empty: the default selection
    workspace: bool = False  # `--workspace`
    features: tuple[str, ...] = ()
    no_default_features: bool = False
    all_features: bool = False
    dev: bool = False  # tests, benches or examples: dev-dependencies of selected packages


@dataclass(frozen=True)
class Resolution:
    features: dict[str, frozenset[str]]  # package -> features on, target graph
    present: frozenset[str]  # packages reachable through normal (and root dev) edges

    def features_of(self, package: str) -> frozenset[str] | None:
        """The features of `package` when it is in the graph, else None."""
        return self.features.get(package, frozenset()) if package in self.present else None


@dataclass
class Graph:
    """Every package the workspace can reach, with the workspace's resolver and selection."""

    packages: Mapping[str, Package]  # a dict, or packages.Packages (read on first use)
    resolver: int  # 1, 2 or 3
    members: list[str]  # every member, in order
    default_members: list[str]  # what `cargo build` at the root selects
    current: str | None = None  # the root package, where the scenarios run (cargo's cwd)


class FeatureError(Exception):
    """A selection or flag cargo itself rejects (unknown package or feature)."""


def parse_value(value: str) -> tuple[str, str, str | None, bool]:
    """A feature value as ("feature", name, None, False), ("dep", name, None, False) or
    ("dep_feature", dep, feature, weak) (cargo's `FeatureValue::new`): the feature is None
    exactly when the kind is not "dep_feature"."""
    if value.startswith("dep:"):
        return "dep", value[4:], None, False
    if "/" in value:
        dep, feature = value.split("/", 1)
        weak = dep.endswith("?")
        return "dep_feature", dep.rstrip("?"), feature, weak
    return "feature", value, None, False


def implicit_features(features: dict, optional: list[str]) -> dict[str, list[str]]:
    """`features` plus `name = ["dep:name"]` for each optional dependency no `dep:` names."""
    hidden = {
        v[4:]
        for values in features.values()
        for v in values
        if isinstance(v, str) and v.startswith("dep:")
    }
    result = {
        k: [v for v in values if isinstance(v, str)]
        for k, values in features.items()
        if isinstance(values, list)
    }
    for name in optional:
        if name not in hidden and name not in result:
            result[name] = [f"dep:{name}"]
    return result


def selected(graph: Graph, scenario: Scenario) -> list[str]:
    if scenario.workspace:
        return list(graph.members)
    if scenario.packages:
        unknown = [p for p in scenario.packages if p not in graph.members]
        if unknown:
            raise FeatureError(f"package(s) `{', '.join(unknown)}` not found in workspace")
        return list(scenario.packages)
    return list(graph.default_members)


def resolve(graph: Graph, scenario: Scenario, platform: Platform = HOST) -> Resolution:
    return _Resolver(graph, scenario, platform).run()


class _Resolver:
    def __init__(self, graph: Graph, scenario: Scenario, platform: Platform) -> None:
        self.graph, self.scenario, self.platform = graph, scenario, platform
        self.v2 = graph.resolver >= 2
        self.roots = selected(graph, scenario)
        if not self.v2 and graph.current is not None and graph.current not in self.roots:
            # resolver 1: the package in the current directory joins every build (checked
            # against cargo in tests/differential, `v1-current-package`)
            self.roots.append(graph.current)
        self.features: dict[tuple[str, bool], set[str]] = {}
        self.activated: dict[tuple[str, bool], set[str]] = {}
        self.processed: set[tuple[str, bool]] = set()
        self.deferred: dict[tuple[str, bool, str], set[str]] = {}

    def run(self) -> Resolution:
        for root, values in self.requested().items():
            self.activate_pkg(root, False, values)
        return Resolution(
            {p: frozenset(f) for (p, host), f in self.features.items() if not host},
            frozenset(self.reachable()),
        )

    def requested(self) -> dict[str, list[str]]:
        """Feature values per selected package from the flags (cargo `members_with_features`
        under resolver 2: `member/feat` goes to that member, a bare name to each selected
        package that has it, `dep/feat` to each selected package)."""
        s = self.scenario
        result: dict[str, list[str]] = {}
        for root in self.roots:
            package = self.graph.packages[root]
            values = []
            if not s.no_default_features and "default" in package.features:
                values.append("default")
            if s.all_features:
                values += list(package.features)
            result[root] = values
        missing = []
        for value in s.features:
            kind, name, feature, _ = parse_value(value)
            if kind == "dep_feature" and name in result and feature is not None:
                result[name].append(feature)
            elif kind == "feature":
                having = [r for r in self.roots if name in self.graph.packages[r].features]
                for root in having:
                    result[root].append(name)
                if not having:
                    missing.append(name)
            else:
                for root in self.roots:
                    result[root].append(value)
        if missing:
            raise FeatureError(
                f"none of the selected packages contains these features: {', '.join(missing)}"
            )
        return result

    def key(self, host: bool) -> bool:
        """cargo `FeaturesFor::apply_opts`: resolver 1 keeps one feature set per package."""
        return host if self.v2 else False

    def deps(self, name: str, host: bool) -> list[tuple[Dep, bool]]:
        """The package's dependencies in this build, each with whether it builds for the host."""
        package = self.graph.packages.get(name)
        if package is None:
            return []
        found = []
        for dep in package.deps:
            if dep.kind == "dev" and (
                name not in self.roots or (self.v2 and not self.scenario.dev)
            ):
                continue  # dev-dependencies: only of selected packages, only for tests (v2)
            if self.v2 and dep.platform is not None and not self.platform.matches(dep.platform):
                continue
            target = self.graph.packages.get(dep.package)
            dep_host = host or (
                self.v2 and (dep.kind == "build" or (target is not None and target.proc_macro))
            )
            found.append((dep, dep_host))
        return found

    def activate_pkg(self, name: str, host: bool, values: list[str]) -> None:
        self.features.setdefault((name, self.key(host)), set())
        for value in values:
            self.activate_fv(name, host, value)
        if (name, host) in self.processed:
            return
        self.processed.add((name, host))
        for dep, dep_host in self.deps(name, host):
            if not dep.optional:
                self.activate_pkg(dep.package, dep_host, self.from_dependency(dep))

    def from_dependency(self, dep: Dep) -> list[str]:
        target = self.graph.packages.get(dep.package)
        values = list(dep.features)
        if dep.default_features and target is not None and "default" in target.features:
            values.append("default")
        return values

    def activate_fv(self, name: str, host: bool, value: str) -> None:
        kind, dep_name, feature, weak = parse_value(value)
        if kind == "feature":
            self.activate_rec(name, host, dep_name)
        elif kind == "dep":
            self.activate_dependency(name, host, dep_name)
        elif feature is not None:  # "dep_feature", the only kind with a feature
            self.activate_dep_feature(name, host, dep_name, feature, weak)

    def activate_rec(self, name: str, host: bool, feature: str) -> None:
        enabled = self.features.setdefault((name, self.key(host)), set())
        if feature in enabled:
            return
        enabled.add(feature)
        package = self.graph.packages.get(name)
        for value in package.features.get(feature, []) if package else []:
            self.activate_fv(name, host, value)

    def activate_dependency(self, name: str, host: bool, dep_name: str) -> None:
        self.activated.setdefault((name, self.key(host)), set()).add(dep_name)
        to_enable = self.deferred.pop((name, host, dep_name), set())
        for dep, dep_host in self.deps(name, host):
            if dep.name != dep_name:
                continue
            for feature in sorted(to_enable):
                self.activate_fv(dep.package, dep_host, feature)
            self.activate_pkg(dep.package, dep_host, self.from_dependency(dep))

    def activate_dep_feature(
        self, name: str, host: bool, dep_name: str, feature: str, weak: bool
    ) -> None:
        for dep, dep_host in self.deps(name, host):
            if dep.name != dep_name:
                continue
            if dep.optional:
                if weak and dep_name not in self.activated.get((name, self.key(host)), ()):
                    self.deferred.setdefault((name, host, dep_name), set()).add(feature)
                    continue
                self.activate_dependency(name, host, dep_name)
                if not weak and dep_name in self.graph.packages[name].features:
                    self.activate_rec(name, host, dep_name)
            self.activate_fv(dep.package, dep_host, feature)

    def reachable(self) -> set[str]:
        """Packages `cargo tree -e normal` (plus `dev` for tests) shows from the roots."""
        seen: set[str] = set()
        pending = list(self.roots)
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            for dep, _host in self.deps(name, False):
                if dep.kind == "build" or (dep.kind == "dev" and not self.scenario.dev):
                    continue
                if dep.platform is not None and not self.platform.matches(dep.platform):
                    continue
                if dep.optional and dep.name not in self.activated.get((name, False), ()):
                    continue
                pending.append(dep.package)
        return seen
