"""The build questions PW203 and PW204 ask of the feature model answer what resolving each
dependent's builds answers, and the lazy package graph a lint pass uses resolves every
scenario exactly as the eager one the fix gate uses (which tests/differential checks
against cargo).

`Context.dependent_builds_on` answers most edges without a resolution of their own (cargo's
feature resolution is monotone); here every answer is compared with the full resolution of
`cargo build -p D` and `cargo test -p D`, on the rule cases and on generated workspaces.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from scaffold.lint.context import Context
from scaffold.workspace.features import FeatureError, Scenario, resolve
from scaffold.workspace.loader import load
from scaffold.workspace.packages import build_graph
from scaffold.workspace.scenarios import scenarios
from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location(
    "bench_generate", REPO / "benchmarks" / "generate.py"
)
_generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_generate)

CASES = REPO / "tests" / "rules" / "cases"
WITH_DEPENDENTS = sorted(
    p.parent for code in ("PW203", "PW204", "PW205") for p in (CASES / code).glob("*/in")
)


def _generated(tmp_path: Path, needs_fix: bool, seed: int) -> Path:
    return _generate.generate(tmp_path / "ws", 40, needs_fix=needs_fix, seed=seed)


def _on(graph, scenario: Scenario) -> bool:
    found = resolve(graph, scenario).features_of("pyo3")
    return found is not None and "extension-module" in found


def _compare(root: Path) -> int:
    """Every dependent edge's answer against the full resolution; how many were compared."""
    ws = load(root)
    ctx, graph = Context(ws), build_graph(ws)
    compared = 0
    for ext in ctx.extensions:
        if not ctx.defaults_enable_extension_module(ext.crate):
            continue
        for member, dep in ws.dependents(ext.crate):
            answer = ctx.dependent_builds_on(member, dep)
            if answer is None:
                continue
            flags = [()] + [
                (f,)
                for f in member.features
                if dep.spec.get("optional")
                and any(
                    v in (dep.key, f"dep:{dep.key}") or v.startswith(f"{dep.key}/")
                    for v in member.features[f]
                )
            ]
            builds = [Scenario(f"test {f}", (member.name,), features=f, dev=True) for f in flags]
            if dep.kind == "dependencies":
                builds += [Scenario(f"build {f}", (member.name,), features=f) for f in flags]
            assert answer == any(_on(graph, s) for s in builds), (member.name, dep.key)
            compared += 1
    return compared


@pytest.mark.parametrize("case", WITH_DEPENDENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_dependent_question_on_rule_cases(case: Path) -> None:
    _compare(case / "in")


@pytest.mark.parametrize("needs_fix, seed", [(True, 0), (False, 0), (True, 3)])
def test_dependent_question_on_generated_workspaces(
    tmp_path: Path, needs_fix: bool, seed: int
) -> None:
    assert _compare(_generated(tmp_path, needs_fix, seed)) >= (38 if needs_fix else 1)


def test_an_optional_dependent_counts_in_the_builds_that_enable_it() -> None:
    """Enabled by default, or behind a feature of its own (`native = ["dep:mylib"]`): either
    way some build a user runs (`cargo build -p D --features native`) fails to link."""
    answers = []
    for case in ("optional-enabled-by-default", "optional-behind-a-feature"):
        ws = load(CASES / "PW203" / case / "in")
        ctx = Context(ws)
        (ext,) = ctx.extensions
        ((member, dep),) = ws.dependents(ext.crate)
        answers.append(ctx.dependent_builds_on(member, dep))
    assert answers == [True, True]


@pytest.mark.parametrize("case", WITH_DEPENDENTS[:6], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_lazy_graph_resolves_as_the_eager_one(case: Path, tmp_path: Path) -> None:
    for root in (case / "in", _generated(tmp_path, True, 1)):
        ws = load(root)
        eager, lazy = build_graph(ws), build_graph(ws, lazy=True)
        for scenario in scenarios(ws, ws.extensions()):
            try:
                expected = resolve(eager, scenario)
            except FeatureError:
                continue
            assert resolve(lazy, scenario) == expected, scenario.name
        assert dict(lazy.packages) == dict(eager.packages)
