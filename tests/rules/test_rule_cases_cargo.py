"""Every rule case against real cargo: the model's view of each build, before and after the fix,
is what `cargo tree -e normal[,dev] -i pyo3` prints for that build.

So a fix changes the real `cargo tree` output exactly as the model (and the gate that verified
it) says. Offline: a stub pyo3 of the case's series, patched in through `.cargo/config.toml`
above the case (the case's manifests stay as they are).
"""

from __future__ import annotations

import re
import shutil
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scaffold.workspace.crate import dependencies_of
from scaffold.workspace.features import FeatureError, resolve
from scaffold.workspace.model import load
from scaffold.workspace.packages import build_graph
from scaffold.workspace.scenarios import scenarios
from tests.conftest import git_init, run_cli
from tests.differential.oracle import cargo_binary, cargo_env, cargo_pyo3, write_stub
from tests.rules.test_rule_cases import _cases

# Cases one stub cannot stand for, and why (they are still run by test_rule_cases.py).
UNRESOLVABLE = {
    "PW301/two-minors": "two pyo3 series at once; one local stub stands for one series",
    "PW301/workspace-inherited-pyo3": "two pyo3 series at once (0.21 and 0.22)",
}
@pytest.fixture(scope="module")
def cargo(tmp_path_factory):
    home = tmp_path_factory.mktemp("cargo-home")
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield cargo_binary(), cargo_env(home), pool


def _stubs_for(case: Path, base: Path) -> dict[str, Path]:
    """A stub for every registry crate the case names (pyo3 with pyo3's real features), at a
    version its requirements accept, with the features they ask for."""
    wanted: dict[str, tuple[set[str], set[str]]] = {}
    for manifest in case.rglob("Cargo.toml"):
        data = tomllib.loads(manifest.read_text(encoding="utf-8-sig"))
        entries = [(d.package, d.spec) for d in dependencies_of(data)]
        for key, spec in data.get("workspace", {}).get("dependencies", {}).items():
            spec = {"version": spec} if isinstance(spec, str) else spec
            entries.append((spec.get("package", key), spec))
        for package, spec in entries:
            if "path" in spec or spec.get("workspace") is True:
                continue
            versions, features = wanted.setdefault(package, (set(), set()))
            versions.add(_stub_version(spec.get("version", "*")))
            features.update(spec.get("features", []))
    stubs = {}
    for package, (versions, features) in wanted.items():
        assert len(versions) == 1, f"{case}: {package} at {sorted(versions)}"
        version = versions.pop()
        if package == "pyo3":
            stubs[package] = write_stub(base / "pyo3-stub", version, tuple(sorted(features)))
        else:
            table = "".join(f"{f} = []\n" for f in sorted(features))
            directory = base / "stubs" / package
            (directory / "src").mkdir(parents=True)
            (directory / "src" / "lib.rs").write_text("")
            (directory / "Cargo.toml").write_text(
                f'[package]\nname = "{package}"\nversion = "{version}"\nedition = "2021"\n'
                f"\n[features]\n{table}")
            stubs[package] = directory
    return stubs


def _stub_version(requirement: str) -> str:
    """A version `requirement` accepts: the exact one for `=x.y.z`, else a late patch."""
    found = re.search(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", requirement)
    if found is None:
        return "0.1.0"
    major, minor, patch = found.group(1), found.group(2) or "0", found.group(3) or "0"
    if requirement.lstrip().startswith("="):
        return f"{major}.{minor}.{patch}"
    return f"{major}.{minor}.99" if major == "0" else f"{major}.99.0"


def _model(root: Path) -> dict:
    ws = load(root)
    graph = build_graph(ws)
    found = {}
    for scenario in scenarios(ws, ws.extensions()):
        try:
            found[scenario] = resolve(graph, scenario).features_of("pyo3")
        except FeatureError:
            continue
    return found


def _agree(root: Path, cargo) -> dict:
    binary, env, pool = cargo
    model = _model(root)
    items = list(model.items())
    cargo_pyo3(binary, root, items[0][0], env)  # writes Cargo.lock once
    real = list(pool.map(lambda item: cargo_pyo3(binary, root, item[0], env), items))
    for (scenario, ours), theirs in zip(items, real):
        assert ours == theirs, (scenario.name, ours, theirs)
    return {s.name: v for s, v in model.items()}


FIXED = [c for c in _cases() if (c.values[0] / "out").is_dir()
         and any(c.values[0].rglob("Cargo.toml"))]


@pytest.mark.parametrize("case", FIXED)
def test_fix_changes_cargo_tree_as_the_model_says(case: Path, tmp_path: Path, cargo) -> None:
    name = f"{case.parent.name}/{case.name}"
    if name in UNRESOLVABLE:
        pytest.skip(UNRESOLVABLE[name])
    stubs = _stubs_for(case, tmp_path)
    (tmp_path / ".cargo").mkdir()
    (tmp_path / ".cargo" / "config.toml").write_text("[patch.crates-io]\n" + "".join(
        f'{name} = {{ path = "{path.as_posix()}" }}\n' for name, path in stubs.items()))
    root = tmp_path / "ws"
    shutil.copytree(case / "in", root)
    (root / "Cargo.lock").unlink(missing_ok=True)  # resolved against the stub
    git_init(root)
    before = _agree(root, cargo)
    flags = (case / "cmd").read_text().split() if (case / "cmd").is_file() else []
    result = run_cli("fix-features", *flags, cwd=root)
    assert result.exit_code in (0, 1), result.stderr
    (root / "Cargo.lock").unlink(missing_ok=True)
    after = _agree(root, cargo)
    assert before.keys() & after.keys(), "no build scenario in common"
