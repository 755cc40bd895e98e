"""Which versions of PyO3 and its companion crates go together, asked of cargo itself.

A scratch package requiring `pyo3 = TARGET` and each companion at `>=` its current version is
resolved by `cargo generate-lockfile` against crates.io: PyO3's sys crate declares
`links = "python"`, so cargo may pick only companion releases built on the target's PyO3
(`cargo info` shows one version only; the resolver searches them all). Nothing is built.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import UserError
from scaffold.facts import LINKS_PYTHON, format_series
from scaffold.toml import parser as toml_parser
from scaffold.workspace.versions import parse, series


@dataclass(frozen=True)
class Resolved:
    version: tuple[int, ...]
    pyo3: tuple[int, ...] | None  # the pyo3 (or pyo3-ffi) version it was resolved with


class Refusal(UserError):
    """A companion has no release for the target PyO3."""


def resolve(
    target: str, companions: dict[str, str | None]
) -> tuple[tuple[int, ...], dict[str, Resolved]]:
    """The pyo3 version `target` (a Cargo requirement) resolves to, and a version of each
    companion (name -> lowest acceptable version or None) built on it.

    Raises UserError when pyo3 has no such release, Refusal naming each companion that has
    no release for it (with the PyO3 its newest release uses).
    """
    lock = _lock({"pyo3": target, **{n: f">={v}" if v else "*" for n, v in companions.items()}})
    if lock is not None:
        found = _read(lock, ["pyo3", *companions])
        if all(name in found and _on_pyo3(found[name], found["pyo3"]) for name in companions):
            return found["pyo3"].version, {n: found[n] for n in companions}
    alone = _lock({"pyo3": target})
    if alone is None:
        newest = _lock({"pyo3": "*"})
        hint = (
            f"the newest is {_fmt(_read(newest, ['pyo3'])['pyo3'].version)}"
            if newest is not None
            else "check the network and the version"
        )
        raise UserError(f"PyO3 {target} is not on crates.io", hint)
    missing = []
    for name, minimum in companions.items():
        pair = _lock({"pyo3": target, name: f">={minimum}" if minimum else "*"})
        found = _read(pair, ["pyo3", name]) if pair is not None else {}
        if name not in found or not _on_pyo3(found[name], found["pyo3"]):
            missing.append(name)
    wanted = format_series(series(target) or (0, 0))
    parts = []
    for name in missing or list(companions):
        newest = _lock({name: "*"})
        info = _read(newest, [name]).get(name) if newest is not None else None
        used = series(_fmt(info.pyo3)) if info is not None and info.pyo3 else None
        if info is not None and used is not None:
            parts.append(
                f"{name} (its newest release, {_fmt(info.version)}, uses PyO3 "
                f"{format_series(used)})"
            )
        else:
            parts.append(name)
    raise Refusal(
        f"no release of {', '.join(parts)} supports PyO3 {wanted} yet",
        "wait for a release, or upgrade to the PyO3 it supports",
    )


def _on_pyo3(companion: Resolved, pyo3: Resolved) -> bool:
    return companion.pyo3 is not None and series(_fmt(companion.pyo3)) == series(_fmt(pyo3.version))


def _fmt(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def _lock(requirements: dict[str, str]) -> dict | None:
    """Cargo.lock (parsed) of a scratch package with these dependencies, or None when cargo
    finds no solution. Raises UserError when cargo cannot run at all."""
    cargo = shutil.which("cargo")
    if cargo is None:
        raise UserError("cargo is not on PATH", "install Rust (https://rustup.rs) and run again")
    deps = "\n".join(f'"{name}" = "{req}"' for name, req in requirements.items())
    with tempfile.TemporaryDirectory(prefix="scaffold-resolve-") as scratch:
        root = Path(scratch)
        (root / "src").mkdir()
        (root / "src" / "lib.rs").write_text("", encoding="utf-8")
        (root / "Cargo.toml").write_text(
            '[package]\nname = "scaffold-resolve"\nversion = "0.0.0"\nedition = "2021"\n'
            f"publish = false\n\n[dependencies]\n{deps}\n\n[workspace]\n",
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_TARGET")}
        proc = subprocess.run(
            [cargo, "generate-lockfile", "--quiet"],
            cwd=root,
            env=env,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=300,
            check=False,
        )
        if proc.returncode != 0:
            if "failed to select a version" in proc.stderr or "links to the native" in proc.stderr:
                return None
            last = next(
                (line for line in reversed(proc.stderr.splitlines()) if line.strip()),
                "cargo failed",
            )
            raise UserError(
                f"cargo could not query crates.io: {last.strip()}",
                "check the network (or the registry configuration) and run again",
            )
        return toml_parser.loads((root / "Cargo.lock").read_text(encoding="utf-8"))


def _read(lock: dict, names: list[str]) -> dict[str, Resolved]:
    """name -> (version, the pyo3 version it depends on) for `names` in a lock file."""
    packages = {p["name"]: p for p in lock.get("package", [])}
    versions = {p["name"]: parse(p["version"]) for p in lock.get("package", [])}
    found = {}
    for name in names:
        package = packages.get(name)
        if package is None:
            continue
        pyo3 = None
        if name in LINKS_PYTHON:
            pyo3 = versions[name]
        else:
            for dep in package.get("dependencies", []):
                dep_name, _, dep_version = dep.partition(" ")
                if dep_name in LINKS_PYTHON:
                    pyo3 = parse(dep_version) if dep_version else versions.get(dep_name)
                    break
        found[name] = Resolved(versions[name], pyo3)
    return found
