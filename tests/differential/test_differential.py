"""The feature model against real cargo: generated workspaces, one `cargo tree` per scenario.

For each workspace and scenario, `scaffold.workspace.features` must say what
`cargo tree -e normal[,dev] -i pyo3` says: pyo3 absent ("did not match any packages" or
"nothing to print"), or present with exactly these features; and where cargo rejects the
manifests or flags, the model must reject them too. Where cargo resolves every scenario
(pyo3-build-config of another minor in build-dependencies included), PW301 reports no error.
At least 300 workspaces per run (the `long` hypothesis profile runs more); every disagreement
found is kept below as a fixed example.
"""

from __future__ import annotations

import itertools
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings

from scaffold.errors import ScaffoldError
from scaffold.workspace.features import FeatureError, Resolution, Scenario, resolve
from scaffold.workspace.loader import load
from scaffold.workspace.packages import build_graph
from tests.differential.oracle import cargo_binary, cargo_env, cargo_pyo3, write_stub
from tests.differential.workspaces import DepSpec, MemberSpec, WorkspaceSpec, workspaces

pytestmark = pytest.mark.needs_rust  # real `cargo tree` is the oracle

# 300 per CI run (`ci` profile), 1000 under `long`; SCAFFOLD_DIFF_EXAMPLES=N for a quick local run
EXAMPLES = int(os.environ.get("SCAFFOLD_DIFF_EXAMPLES", 0)) or max(
    300, settings.default.max_examples // 5
)
_counter = itertools.count()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    base = tmp_path_factory.mktemp("differential")
    stub = write_stub(base / "stub")
    home = base / "cargo-home"
    home.mkdir()
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield base, stub, cargo_binary(), cargo_env(home), pool


def model_pyo3(root: Path, scenarios: list[Scenario]) -> list:
    try:
        graph = build_graph(load(root))
    except FeatureError as error:
        return [f"error: {error}"] * len(scenarios)
    answers = []
    for scenario in scenarios:
        try:
            answers.append(resolve(graph, scenario).features_of("pyo3"))
        except FeatureError as error:
            answers.append(f"error: {error}")
    return answers


def pw301_errors(root: Path) -> list[str]:
    """PW301's errors on the workspace (its infos left out)."""
    from scaffold.lint.context import Context
    from scaffold.lint.diagnostic import Severity
    from scaffold.rules import pw301_mixed_pyo3_versions as pw301

    try:
        ws = load(root)
    except ScaffoldError:
        return []  # the model rejects it: the scenarios compare that
    return [f.message for f in pw301.check(Context(ws)) if f.severity is Severity.ERROR]


def check(sandbox, spec: WorkspaceSpec) -> None:
    base, stub, cargo, env, pool = sandbox
    root = base / f"ws{next(_counter)}" / "root"
    spec.write(root, stub)
    try:
        model = model_pyo3(root, spec.scenarios)
        first = cargo_pyo3(cargo, root, spec.scenarios[0], env)  # writes Cargo.lock once
        real = [first, *pool.map(lambda s: cargo_pyo3(cargo, root, s, env), spec.scenarios[1:])]
        for scenario, ours, theirs in zip(spec.scenarios, model, real, strict=True):
            manifests = {
                p.relative_to(root.parent).as_posix(): p.read_text()
                for p in sorted(root.parent.rglob("Cargo.toml"))
            }
            if isinstance(theirs, str) or isinstance(ours, str):
                assert isinstance(ours, str) and isinstance(theirs, str), (
                    scenario,
                    ours,
                    theirs,
                    manifests,
                )
            else:
                assert ours == theirs, (scenario, ours, theirs, manifests)
        if not any(isinstance(answer, str) for answer in real):
            # cargo resolved the graph, pyo3-build-config of either minor included: PW301
            # reports no conflict (an info at most)
            assert pw301_errors(root) == [], manifests
    finally:
        shutil.rmtree(root.parent)


def _m(name, deps=(), features=None, edition="2021"):
    return MemberSpec(name, edition, list(deps), features or {})


def _d(
    key,
    table="dependencies",
    optional=False,
    features=(),
    default=None,
    inherit=False,
    version=None,
):
    return DepSpec(key, table, optional, list(features), default, inherit, version)


# Fixed examples: the opt-in-bindings shape of issue 13 (`pkg/feat` enables the optional dep,
# `pkg?/feat` does not), workspace inheritance of default-features per edition, dev and build
# dependencies under resolver 1 and 2, and target-specific tables.
OPT_IN = WorkspaceSpec(
    [
        _m(
            "m0",
            [_d("pyo3", optional=True, features=["macros"])],
            {
                "python": ["pyo3"],
                "em": ["pyo3/extension-module"],
                "weak": ["pyo3?/extension-module"],
            },
        )
    ],
    True,
    None,
    None,
    None,
    [
        Scenario("cargo build"),
        Scenario("-p m0 --features em", ("m0",), features=("em",)),
        Scenario("-p m0 --features weak", ("m0",), features=("weak",)),
        Scenario("-p m0 --features python,weak", ("m0",), features=("python", "weak")),
    ],
)
INHERIT_2021 = WorkspaceSpec(
    [_m("m0", [_d("pyo3", default=False, inherit=True)])],
    False,
    "2",
    None,
    {"features": ["auto-initialize"]},
    [Scenario("cargo build")],
)
INHERIT_2024 = WorkspaceSpec(
    [_m("m0", [_d("pyo3", default=False, inherit=True)], edition="2024")],
    False,
    "3",
    None,
    {},
    [Scenario("cargo build")],
)
INHERIT_ON = WorkspaceSpec(
    [_m("m0", [_d("pyo3", default=True, inherit=True, features=["abi3-py39"])])],
    False,
    "2",
    None,
    {"default-features": False},
    [Scenario("cargo build")],
)
DEV_AND_BUILD = WorkspaceSpec(
    [
        _m(
            "m0",
            [
                _d("pyo3"),
                _d("pyo3", "dev-dependencies", features=["auto-initialize"]),
                _d("pyo3", "build-dependencies", features=["extension-module"]),
            ],
        )
    ],
    False,
    "2",
    None,
    None,
    [Scenario("cargo build"), Scenario("test -p m0", ("m0",), dev=True)],
)
DEV_AND_BUILD_V1 = WorkspaceSpec(
    DEV_AND_BUILD.members, False, "1", None, None, DEV_AND_BUILD.scenarios
)
TARGETS = WorkspaceSpec(
    [
        _m(
            "m0",
            [
                _d("pyo3", "target.'cfg(unix)'.dependencies", features=["macros"]),
                _d("pyo3", "target.'cfg(windows)'.dependencies", features=["extension-module"]),
            ],
        )
    ],
    False,
    "2",
    None,
    None,
    [Scenario("cargo build")],
)
TARGETS_V1 = WorkspaceSpec(TARGETS.members, False, "1", None, None, TARGETS.scenarios)
SELECTION = WorkspaceSpec(
    [
        _m("m0", [_d("m1", default=False)]),
        _m(
            "m1",
            [_d("pyo3", default=False, optional=True)],
            {"default": ["f0"], "f0": ["pyo3/extension-module"], "f1": []},
        ),
    ],
    True,
    None,
    ["m0"],
    None,
    [Scenario("cargo build"), Scenario("--workspace", workspace=True), Scenario("-p m1", ("m1",))],
)

# Found by the generated runs: pyo3's `multiple-pymethods` names `pyo3-macros/...`, which also
# turns on pyo3's implicit `pyo3-macros` feature (the model once had no pyo3 dependencies).
IMPLICIT_OF_DEPENDENCY = WorkspaceSpec(
    [_m("m0", [_d("pyo3", features=["multiple-pymethods"], default=False)])],
    False,
    "2",
    None,
    None,
    [Scenario("cargo build")],
)
V1_CURRENT = WorkspaceSpec(
    [_m("m0", [_d("pyo3", features=["auto-initialize"])]), _m("m1", [_d("pyo3")])],
    True,
    "1",
    None,
    None,
    [
        Scenario("-p m1", ("m1",)),
        Scenario("test -p m1", ("m1",), dev=True),
        Scenario("--workspace", workspace=True),
    ],
)
V1_CURRENT_ABSENT = WorkspaceSpec(
    [_m("m0", [_d("pyo3", features=["auto-initialize"])]), _m("m1")],
    True,
    "1",
    None,
    None,
    [Scenario("-p m1", ("m1",))],
)

# Issue 23: a library member (m1) whose own `extension-module` is on by default; m0 keeps its
# defaults, so `cargo test -p m0 --no-default-features` still has it on (PW201's question).
LIBRARY_MEMBER = WorkspaceSpec(
    [
        _m("m0", [_d("m1"), _d("pyo3")], {"default": ["f0"], "f0": [], "f1": []}),
        _m(
            "m1",
            [_d("pyo3")],
            {
                "default": ["extension-module"],
                "extension-module": ["pyo3/extension-module"],
                "f0": [],
                "f1": [],
            },
        ),
    ],
    False,
    "2",
    None,
    None,
    [
        Scenario("test -p m0 --no-default-features", ("m0",), no_default_features=True, dev=True),
        Scenario("-p m1 --no-default-features", ("m1",), no_default_features=True),
        Scenario("cargo build"),
    ],
)
# Issue 23: pyo3-build-config 0.29 in one member's build-dependencies beside pyo3 0.30 (and
# 0.30 in another's): cargo resolves both minors, and PW301 reports no conflict.
BUILD_CONFIG_MINORS = WorkspaceSpec(
    [
        _m("m0", [_d("pyo3"), _d("pyo3-build-config", "build-dependencies", version="0.29")]),
        _m("m1", [_d("pyo3"), _d("pyo3-build-config", "build-dependencies", version="0.30")]),
    ],
    False,
    "2",
    None,
    None,
    [Scenario("cargo build"), Scenario("--workspace", workspace=True)],
)


@pytest.mark.parametrize(
    "spec",
    [
        OPT_IN,
        INHERIT_2021,
        INHERIT_2024,
        INHERIT_ON,
        DEV_AND_BUILD,
        DEV_AND_BUILD_V1,
        TARGETS,
        TARGETS_V1,
        SELECTION,
        V1_CURRENT,
        V1_CURRENT_ABSENT,
        IMPLICIT_OF_DEPENDENCY,
        LIBRARY_MEMBER,
        BUILD_CONFIG_MINORS,
    ],
    ids=[
        "opt-in",
        "inherit-2021",
        "inherit-2024",
        "inherit-on",
        "dev-build",
        "dev-build-v1",
        "targets",
        "targets-v1",
        "selection",
        "v1-current-package",
        "v1-current-package-absent",
        "implicit-feature-of-pyo3-dependency",
        "library-member-extension-module",
        "build-config-of-another-minor",
    ],
)
def test_fixed_workspaces(sandbox, spec: WorkspaceSpec) -> None:
    check(sandbox, spec)


@settings(max_examples=EXAMPLES, deadline=None)
@given(spec=workspaces())
def test_model_agrees_with_cargo(sandbox, spec: WorkspaceSpec) -> None:
    check(sandbox, spec)


def test_resolution_answers_presence() -> None:
    """`features_of` is None for a package outside the graph, a set otherwise."""
    resolution = Resolution({"pyo3": frozenset({"macros"})}, frozenset({"a"}))
    assert resolution.features_of("pyo3") is None
    assert Resolution({}, frozenset({"pyo3"})).features_of("pyo3") == frozenset()
