"""Real cargo as the oracle: a local stub `pyo3` with pyo3's real `[features]` table, and
`cargo tree -e normal[,dev] -i pyo3` per scenario, offline, no network per workspace.

The stub (and stubs of its optional dependencies, pyo3-ffi and pyo3-macros, each with the
features pyo3's table names) is written once per session from `scaffold.facts.PYO3_FEATURES`;
workspaces reach it through `[patch.crates-io]`, so their manifests say `pyo3 = "0.30"` as a
real project does and the model reads pyo3's features as it would for a registry pyo3.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from scaffold import facts
from scaffold.workspace.features import Scenario, parse_value

ABSENT = ("did not match any packages", "nothing to print")


def cargo_binary() -> str:
    """The toolchain's cargo itself, not the rustup proxy (one exec less per call)."""
    try:
        found = subprocess.run(
            ["rustup", "which", "cargo"], capture_output=True, text=True, check=True
        ).stdout.strip()
        return found or "cargo"
    except (OSError, subprocess.CalledProcessError):
        return shutil.which("cargo") or "cargo"


def write_stub(base: Path, version: str = "0.30.1", extra: tuple[str, ...] = ()) -> Path:
    """pyo3 0.30.1's features over empty crates; returns the pyo3 stub directory.

    `version` and `extra` (further empty features) let the stub stand in for an older pyo3
    that a rule case names, whose features (`abi3-py38`) 0.30 no longer has."""
    wanted: dict[str, set[str]] = {"pyo3-ffi": set(), "pyo3-macros": set()}
    wanted.update({name: set() for name in facts.PYO3_OPTIONAL_DEPENDENCIES})
    for values in facts.PYO3_FEATURES.values():
        for value in values:
            kind, dep, feature, _ = parse_value(value)
            if kind == "dep_feature":
                wanted.setdefault(dep, set()).add(feature)
    for name, features in wanted.items():
        table = "".join(f"{f} = []\n" for f in sorted(features))
        # at pyo3's own version (pyo3-ffi and pyo3-macros follow it), so the stubs of two
        # series are distinct packages in one lock file
        _crate(base / name, name, version, f"[features]\n{table}")
    deps = "".join(
        f'{name} = {{ path = "../{name}"'
        f"{', optional = true' if name in facts.PYO3_OPTIONAL_DEPENDENCIES else ''} }}\n"
        for name in sorted(wanted)
    )
    table = {**{name: [] for name in extra}, **facts.PYO3_FEATURES}
    features = "".join(f"{k} = {_array(v)}\n" for k, v in table.items())
    return _crate(base / "pyo3", "pyo3", version, f"[dependencies]\n{deps}\n[features]\n{features}")


def _crate(directory: Path, name: str, version: str, body: str) -> Path:
    (directory / "src").mkdir(parents=True, exist_ok=True)
    (directory / "src" / "lib.rs").write_text("")
    (directory / "Cargo.toml").write_text(
        f'[package]\nname = "{name}"\nversion = "{version}"\nedition = "2021"\n\n{body}'
    )
    return directory


def _array(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def cargo_args(scenario: Scenario, spec: str = "pyo3") -> list[str]:
    """`cargo tree` inverted on `spec` (`pyo3`, or `pyo3@0.22.99` when two series coexist)."""
    args = [
        "tree",
        "--offline",
        "-e",
        "normal,dev" if scenario.dev else "normal",
        "-i",
        spec,
        "-f",
        "{p}|{f}",
        "--depth",
        "0",
        "--color",
        "never",
    ]
    args += [f"-p={p}" for p in scenario.packages]
    if scenario.workspace:
        args.append("--workspace")
    if scenario.features:
        args.append("--features=" + ",".join(scenario.features))
    if scenario.no_default_features:
        args.append("--no-default-features")
    if scenario.all_features:
        args.append("--all-features")
    return args


def cargo_pyo3(
    cargo: str, root: Path, scenario: Scenario, env: dict, spec: str = "pyo3"
) -> frozenset[str] | str | None:
    """pyo3's features in the scenario's graph per `cargo tree`, None when absent, or the
    error text when cargo rejects the workspace or the flags. `spec` names one pyo3 package
    (`pyo3@0.21.99`) where the lock file holds several."""
    result = subprocess.run(
        [cargo, *cargo_args(scenario, spec)], cwd=root, capture_output=True, text=True, env=env
    )
    if result.returncode != 0:
        if any(marker in result.stderr for marker in ABSENT):
            return None
        return "error: " + result.stderr.strip()
    lines = [line for line in result.stdout.splitlines() if line.startswith("pyo3 ")]
    if not lines:
        return None
    assert len(lines) == 1, result.stdout
    listed = lines[0].split("|", 1)[1].strip()
    return frozenset(f for f in listed.split(",") if f)


def cargo_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_") or k == "CARGO_HOME"}
    env.update(CARGO_HOME=str(home), CARGO_NET_OFFLINE="true", CARGO_TERM_COLOR="never")
    env.pop("LD_LIBRARY_PATH", None)
    return env
