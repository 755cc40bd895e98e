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
from scaffold.workspace.loader import load
from scaffold.workspace.packages import build_graph
from scaffold.workspace.scenarios import scenarios
from tests.conftest import git_init, run_cli
from tests.differential.oracle import cargo_binary, cargo_env, cargo_pyo3, write_stub
from tests.rules.test_rule_cases import _cases

pytestmark = pytest.mark.needs_rust  # real `cargo tree` is the oracle


@pytest.fixture(scope="module")
def cargo(tmp_path_factory):
    home = tmp_path_factory.mktemp("cargo-home")
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield cargo_binary(), cargo_env(home), pool


def _stubs_for(case: Path, base: Path) -> dict[str, list[tuple[str, Path]]]:
    """Stubs for every registry crate the case names (pyo3 with pyo3's real features): one
    per version its requirements ask for (before and after the fix), with the features they
    ask for. Two series of one crate (PW301's cases) are two stubs, both patched in
    (`_patch`)."""
    stubs: dict[str, list[tuple[str, Path]]] = {}
    for package, (versions, features) in _wanted(case).items():
        for version in sorted(versions):
            if package == "pyo3":
                directory = write_stub(
                    base / f"pyo3-stub-{version}", version, tuple(sorted(features))
                )
            else:
                table = "".join(f"{f} = []\n" for f in sorted(features))
                directory = base / "stubs" / f"{package}-{version}"
                (directory / "src").mkdir(parents=True)
                (directory / "src" / "lib.rs").write_text("")
                (directory / "Cargo.toml").write_text(
                    f'[package]\nname = "{package}"\nversion = "{version}"\n'
                    f'edition = "2021"\n\n[features]\n{table}'
                )
            stubs.setdefault(package, []).append((version, directory))
    return stubs


def _wanted(directory: Path) -> dict[str, tuple[set[str], set[str]]]:
    """Registry crate -> (stub versions, features) the manifests below `directory` ask for."""
    wanted: dict[str, tuple[set[str], set[str]]] = {}
    for manifest in directory.rglob("Cargo.toml"):
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
    return wanted


def _patch(stubs: dict[str, list[tuple[str, Path]]]) -> str:
    """`[patch.crates-io]` for every stub. A second version of a crate gets its own key with
    `package = "..."`: cargo patches several versions of one crate that way (cargo reference,
    "Overriding Dependencies", "Using `[patch]` with multiple versions")."""
    lines = ["[patch.crates-io]"]
    for package, found in stubs.items():
        for index, (version, path) in enumerate(found):
            key = package if index == 0 else f"{package}-{version.replace('.', '-')}"
            lines.append(f'{key} = {{ path = "{path.as_posix()}", package = "{package}" }}')
    return "\n".join(lines) + "\n"


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


def _agree(root: Path, cargo, pyo3_versions: list[str]) -> dict:
    """The model's pyo3 features per scenario equal cargo's. With two pyo3 series in the
    lock file the model still names one package `pyo3`: its answer is the union of what
    cargo shows for each (`cargo tree -i pyo3@VERSION`), None when neither is in the build."""
    binary, env, pool = cargo
    model = _model(root)
    items = list(model.items())
    cargo_pyo3(binary, root, items[0][0], env)  # writes Cargo.lock once
    locked = [f"pyo3@{v}" for v in pyo3_versions if f'version = "{v}"' in _locked_pyo3(root)]
    specs = locked if len(locked) > 1 else ["pyo3"]

    def real_pyo3(scenario):
        found = [cargo_pyo3(binary, root, scenario, env, spec) for spec in specs]
        errors = [f for f in found if isinstance(f, str)]
        if errors:
            return errors[0]
        present = [f for f in found if f is not None]
        return frozenset().union(*present) if present else None

    real = list(pool.map(lambda item: real_pyo3(item[0]), items))
    for (scenario, ours), theirs in zip(items, real, strict=True):
        assert ours == theirs, (scenario.name, ours, theirs)
    return {s.name: v for s, v in model.items()}


def _locked_pyo3(root: Path) -> str:
    """The `[[package]]` entries of pyo3 in the case's Cargo.lock, as text."""
    lock = root / "Cargo.lock"
    text = lock.read_text(encoding="utf-8") if lock.is_file() else ""
    return "".join(
        block for block in text.split("[[package]]") if block.lstrip().startswith('name = "pyo3"')
    )


FIXED = [
    c for c in _cases() if (c.values[0] / "out").is_dir() and any(c.values[0].rglob("Cargo.toml"))
]


@pytest.mark.parametrize("case", FIXED)
def test_fix_changes_cargo_tree_as_the_model_says(case: Path, tmp_path: Path, cargo) -> None:
    stubs = _stubs_for(case, tmp_path)
    (tmp_path / ".cargo").mkdir()
    (tmp_path / ".cargo" / "config.toml").write_text(_patch(stubs))
    pyo3_versions = [version for version, _ in stubs.get("pyo3", [])]
    root = tmp_path / "ws"
    shutil.copytree(case / "in", root)
    (root / "Cargo.lock").unlink(missing_ok=True)  # resolved against the stub
    git_init(root)
    before = _agree(root, cargo, pyo3_versions)
    series = _wanted(case / "in").get("pyo3", (set(), set()))[0]
    assert _locked_pyo3(root).count('name = "pyo3"') == len(series), "one stub per series"
    flags = (case / "cmd").read_text().split() if (case / "cmd").is_file() else []
    result = run_cli("fix-features", *flags, cwd=root)
    assert result.exit_code in (0, 1), result.stderr
    (root / "Cargo.lock").unlink(missing_ok=True)
    after = _agree(root, cargo, pyo3_versions)
    assert before.keys() & after.keys(), "no build scenario in common"
