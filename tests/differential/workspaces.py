"""Hypothesis strategies for small Cargo workspaces around pyo3, written as real files.

A workspace has 1-3 members (`m0`.. in their directories, or `m0` as the root package), each
with an optional, dev, build or target-specific `pyo3` (inline or inherited from
`[workspace.dependencies]`), path dependencies on later members and on `ext` (a crate outside
the workspace with an optional pyo3 of its own), `[features]` made of feature names,
`dep:`, `dep/feat` and `dep?/feat`, default-features on or off, `default-members`, resolver 2
or 3 and editions 2021/2024. Only manifests cargo accepts are drawn, except the inheritance
case cargo rejects in edition 2024 (the model must reject it too).

Two shapes of issue 23: a library member with its own `extension-module` feature (on by
default or opt-in) that other members depend on, with `cargo test -p M --no-default-features`
among the scenarios; and `pyo3-build-config` of another minor (0.29 or 0.30) in
`[build-dependencies]`, which cargo builds beside pyo3 0.30 (no `links`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from scaffold.workspace.features import Scenario

PYO3_FEATURES = ("extension-module", "macros", "auto-initialize", "abi3-py39", "multiple-pymethods")
EXT_FEATURES = ("python", "em", "fast")
EXT = """[package]
name = "ext"
version = "0.1.0"
edition = "2021"

[dependencies]
pyo3 = { version = "0.30", optional = true, default-features = false }

[features]
default = ["fast"]
fast = []
python = ["dep:pyo3", "pyo3/macros"]
em = ["pyo3?/extension-module"]
"""


@dataclass
class DepSpec:
    key: str  # "pyo3", "ext" or a member name
    # "dependencies", "dev-dependencies", "build-dependencies", "target.'cfg(..)'.dependencies"
    table: str
    optional: bool
    features: list[str]
    default_features: bool | None  # None: not written
    inherit: bool = False  # `workspace = true`
    version: str | None = None  # pyo3-build-config's requirement ("0.29" or "0.30")


@dataclass
class MemberSpec:
    name: str
    edition: str
    deps: list[DepSpec]
    features: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class WorkspaceSpec:
    members: list[MemberSpec]
    root_package: bool
    resolver: str | None
    default_members: list[str] | None
    workspace_pyo3: dict | None  # [workspace.dependencies] pyo3
    scenarios: list[Scenario]

    def write(self, root: Path, stub: Path) -> None:
        """The workspace under `root`, `ext` beside it, pyo3 patched to `stub`."""
        (root.parent / "ext" / "src").mkdir(parents=True, exist_ok=True)
        (root.parent / "ext" / "Cargo.toml").write_text(EXT)
        (root.parent / "ext" / "src" / "lib.rs").write_text("")
        for version in BUILD_CONFIG_STUBS:
            directory = root.parent / f"pyo3-build-config-{version}"
            (directory / "src").mkdir(parents=True, exist_ok=True)
            (directory / "src" / "lib.rs").write_text("")
            (directory / "Cargo.toml").write_text(
                f'[package]\nname = "pyo3-build-config"\nversion = "{version}"\nedition = "2021"\n'
            )
        for member in self.members:
            directory = root if self.root_package and member.name == "m0" else root / member.name
            (directory / "src").mkdir(parents=True, exist_ok=True)
            (directory / "src" / "lib.rs").write_text("")
            text = self.manifest(member)
            if directory == root:
                text += self.workspace_table(stub)
            (directory / "Cargo.toml").write_text(text)
        if not self.root_package:
            (root / "Cargo.toml").write_text(self.workspace_table(stub))

    def workspace_table(self, stub: Path) -> str:
        names = [m.name for m in self.members if not (self.root_package and m.name == "m0")]
        lines = ["[workspace]", f"members = {_array(names)}"]
        if self.resolver:
            lines.append(f'resolver = "{self.resolver}"')
        if self.default_members is not None:
            paths = ["." if self.root_package and n == "m0" else n for n in self.default_members]
            lines.append(f"default-members = {_array(paths)}")
        if self.workspace_pyo3 is not None:
            lines.append("\n[workspace.dependencies]")
            lines.append("pyo3 = " + _inline({"version": "0.30", **self.workspace_pyo3}))
        lines.append(f'\n[patch.crates-io]\npyo3 = {{ path = "{stub}" }}')
        # two versions of one crate patched: the second under a key of its own (cargo
        # reference, "Using `[patch]` with multiple versions")
        for index, version in enumerate(BUILD_CONFIG_STUBS):
            key = "pyo3-build-config" + (f"-{index}" if index else "")
            lines.append(
                f'{key} = {{ path = "../pyo3-build-config-{version}", '
                'package = "pyo3-build-config" }'
            )
        lines.append("")
        return "\n".join(lines) + "\n"

    def manifest(self, member: MemberSpec) -> str:
        lines = [
            "[package]",
            f'name = "{member.name}"',
            'version = "0.1.0"',
            f'edition = "{member.edition}"',
            "",
        ]
        tables: dict[str, list[str]] = {}
        for dep in member.deps:
            spec: dict = {}
            if dep.inherit:
                spec["workspace"] = True
            elif dep.key == "pyo3":
                spec["version"] = "0.30"
            elif dep.key == "pyo3-build-config":
                spec["version"] = dep.version or "0.30"
            else:
                at_root = self.root_package and member.name == "m0"
                if dep.key == "ext":
                    spec["path"] = "../ext" if at_root else "../../ext"
                else:
                    spec["path"] = dep.key if at_root else f"../{dep.key}"
            if dep.optional:
                spec["optional"] = True
            if dep.features:
                spec["features"] = dep.features
            if dep.default_features is not None:
                spec["default-features"] = dep.default_features
            tables.setdefault(dep.table, []).append(f"{dep.key} = {_inline(spec)}")
        for table, entries in tables.items():
            lines += [f"[{table}]", *entries, ""]
        if member.features:
            lines.append("[features]")
            lines += [f"{k} = {_array(v)}" for k, v in member.features.items()]
        return "\n".join(lines) + "\n"


def _array(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def _inline(spec: dict) -> str:
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return _array(v)
        return f'"{v}"'

    return "{ " + ", ".join(f"{k} = {value(v)}" for k, v in spec.items()) + " }"


BUILD_CONFIG_STUBS = ("0.30.1", "0.29.99")  # the stubs `pyo3-build-config = "0.30"/"0.29"` reach

TABLES = (
    "dependencies",
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    "target.'cfg(unix)'.dependencies",
    "target.'cfg(windows)'.dependencies",
)


@st.composite
def workspaces(draw) -> WorkspaceSpec:
    count = draw(st.integers(1, 3))
    root_package = draw(st.booleans())
    # resolver 1 (legacy: the package in the current directory joins every build) is checked
    # by fixed examples in test_differential.py only
    resolver = draw(st.sampled_from([None, "2", "3"]))
    if not root_package and resolver is None:
        resolver = draw(st.sampled_from(["2", "3"]))
    workspace_pyo3 = None
    if draw(st.booleans()):
        workspace_pyo3 = {}
        features = draw(st.lists(st.sampled_from(PYO3_FEATURES), max_size=2, unique=True))
        if features:
            workspace_pyo3["features"] = features
        if draw(st.booleans()):
            workspace_pyo3["default-features"] = draw(st.booleans())
    names = [f"m{i}" for i in range(count)]
    members = []
    for index, name in enumerate(names):
        edition = draw(st.sampled_from(["2021", "2024"]))
        deps: list[DepSpec] = []
        used: set[tuple[str, str]] = set()
        targets = ["pyo3", "ext", *names[index + 1 :]]
        for key in draw(st.lists(st.sampled_from(targets), max_size=4)):
            table = draw(st.sampled_from(TABLES))
            if (key, table) in used:
                continue
            used.add((key, table))
            inherit = key == "pyo3" and workspace_pyo3 is not None and draw(st.booleans())
            choices = (
                PYO3_FEATURES if key == "pyo3" else EXT_FEATURES if key == "ext" else ("f0", "f1")
            )
            features = draw(st.lists(st.sampled_from(choices), max_size=2, unique=True))
            default = draw(st.sampled_from([None, True, False]))
            optional = "dev" not in table and draw(st.booleans())
            deps.append(DepSpec(key, table, optional, features, default, inherit))
        if draw(st.integers(0, 3)) == 0:  # a build script's pyo3-build-config, either minor
            version = draw(st.sampled_from(["0.29", "0.30"]))
            deps.append(
                DepSpec("pyo3-build-config", "build-dependencies", False, [], None, False, version)
            )
        members.append(MemberSpec(name, edition, deps))
    # features after dependencies: every member defines f0 and f1 (other members name them)
    for member in members:
        member.features = draw(_features(member))
    default_members = None
    if count > 1 and draw(st.booleans()):
        default_members = draw(
            st.lists(st.sampled_from(names), min_size=1, max_size=count, unique=True)
        )
    scenarios = [Scenario("cargo build")]
    for _ in range(draw(st.integers(1, 4))):
        package = draw(st.sampled_from(names))
        kind = draw(
            st.sampled_from(["p", "workspace", "no-default", "features", "dev", "test-no-default"])
        )
        if kind == "workspace":
            scenarios.append(Scenario("--workspace", workspace=True))
        elif kind == "no-default":
            scenarios.append(
                Scenario(
                    f"-p {package} --no-default-features", (package,), no_default_features=True
                )
            )
        elif kind == "features":
            feature = draw(st.sampled_from(["f0", "f1"]))
            scenarios.append(
                Scenario(f"-p {package} --features {feature}", (package,), features=(feature,))
            )
        elif kind == "test-no-default":  # the least test build PW201 asks about
            scenarios.append(
                Scenario(
                    f"test -p {package} --no-default-features",
                    (package,),
                    no_default_features=True,
                    dev=True,
                )
            )
        elif kind == "dev":
            scenarios.append(Scenario(f"test -p {package}", (package,), dev=True))
        else:
            scenarios.append(Scenario(f"-p {package}", (package,)))
    return WorkspaceSpec(
        members,
        root_package,
        resolver,
        default_members,
        workspace_pyo3,
        list(dict.fromkeys(scenarios)),
    )


@st.composite
def _features(draw, member: MemberSpec) -> dict[str, list[str]]:
    """`default`, `f0`, `f1` over this member's dependencies; implicit or `dep:` style."""
    optional = sorted({d.key for d in member.deps if d.optional})
    normal_keys = sorted(
        {d.key for d in member.deps if "dev" not in d.table and d.key != "pyo3-build-config"}
    )
    dep_style = draw(st.booleans())
    values: list[str] = []
    for key in optional:
        values.append(f"dep:{key}" if dep_style else key)
    for key in normal_keys:
        choices = PYO3_FEATURES if key == "pyo3" else EXT_FEATURES if key == "ext" else ("f0", "f1")
        for feature in choices:
            values.append(f"{key}/{feature}")
            if key in optional:
                values.append(f"{key}?/{feature}")
    result = {}
    for name in ("f0", "f1"):
        pool = values + (["f0"] if name == "f1" else [])
        result[name] = (
            draw(st.lists(st.sampled_from(pool), max_size=3, unique=True)) if pool else []
        )
    result["default"] = draw(
        st.lists(st.sampled_from(["f0", "f1", *values]), max_size=2, unique=True)
    )
    pyo3 = [d for d in member.deps if d.key == "pyo3" and "dev" not in d.table]
    if pyo3 and draw(st.booleans()):  # a library member with its own `extension-module`
        weak = "?" if pyo3[0].optional and draw(st.booleans()) else ""
        result["extension-module"] = [f"pyo3{weak}/extension-module"]
        if draw(st.booleans()):  # on by default (what PW201's fix once wrote) or opt-in
            result["default"].append("extension-module")
    if not result["default"] and draw(st.booleans()):
        del result["default"]
    return result
