"""Re-run `scaffold fix-features` and `scaffold add-profiler` on real repositories.

    python benchmarks/real_repos.py [--repos DIR] [--scratch DIR] [--only NAME ...]
                                    [--no-build] [--json FILE] [--scaffold DIR]

The repositories are snapshots brought with the `fetch` tool and unpacked into `--repos`
(default /work/realrepos/<name>); none of their code is in this repository. For each entry of
`ENTRIES` (a repository and the directory to run from), in throw-away git copies below
`--scratch`:

1. `fix-features --check` (the codes found);
2. the safe fix, then `--unsafe-fixes` on top; before and after each, `cargo tree -e
   normal,features -i pyo3` for the default build (the root), the wheel build (`-p` the
   extension crate with the backend's features) and the test build (`-e normal,dev,features`),
   compared as the set of pyo3 features on (`absent` when pyo3 is not in the graph);
3. for entries marked `profile`, `add-profiler` in a fresh copy, `cargo metadata --no-deps` in
   every crate directory (it must succeed wherever it did before), and `cargo build -p` of the
   profiler (skipped with `--no-build`; builds share CARGO_TARGET_DIR).

Prints a Markdown table per step. Resolution only (`cargo tree`, `cargo metadata`) builds nothing.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

# (label, repository snapshot, directory to run from, run add-profiler: True builds the
# profiler, "resolve" runs add-profiler and `cargo metadata` but skips the (too long) build)
ENTRIES = [
    ("py-dissimilar", "py-dissimilar", ".", True),
    ("rtoml", "rtoml", ".", True),
    ("nh3", "nh3", ".", True),
    ("bcrypt", "bcrypt", ".", True),  # pyproject ext-modules, crate in src/_bcrypt
    ("tiktoken", "tiktoken", ".", True),  # setup.py, optional pyo3 behind `python`
    ("jiter", "jiter", ".", True),  # virtual workspace, crates/jiter-python
    ("css-inline", "css-inline", "bindings/python", True),  # standalone crates around it
    ("hyperjson", "hyperjson", ".", True),  # an existing `profiling` member
    ("pyo3-plugin", "pyo3", "examples/plugin", True),  # an existing embedding binary
    ("maturin-pyo3-mixed-src", "maturin", "test-crates/pyo3-mixed-src", True),  # src layout
    ("maturin-pyo3-mixed-workspace", "maturin", "test-crates/pyo3-mixed-workspace", False),
    ("maturin-pyo3-feature", "maturin", "test-crates/pyo3-feature", False),
    ("maturin-workspace-inheritance", "maturin", "test-crates/workspace-inheritance", False),
    ("maturin-pyo3-no-extension-module", "maturin", "test-crates/pyo3-no-extension-module", False),
    ("pyo3-word-count", "pyo3", "examples/word-count", False),
    ("pyo3-setuptools-rust-starter", "pyo3", "examples/setuptools-rust-starter", False),
    ("setuptools-rust-hello-world", "setuptools-rust", "examples/hello-world", False),
    ("setuptools-rust-html-py-ever", "setuptools-rust", "examples/html-py-ever", False),
    ("pyo3-log", "pyo3-log", ".", False),
    ("pyo3-getitem", "pyo3", "examples/getitem", False),
    # wave 2 (see notes/real-repos.md)
    ("cramjam", "cramjam", ".", "resolve"),  # root package + non-pyo3 member, `members = [.]`
    ("orjson", "orjson", ".", False),  # pyo3-ffi only, own build.rs
    ("safetensors", "safetensors", "bindings/python", True),  # maturin `features`
    ("rust-numpy", "rust-numpy", ".", False),  # a library, built without any backend
    ("rust-numpy-simple", "rust-numpy", "examples/simple", True),  # path dep to the root
    ("pyo3-async-runtimes", "pyo3-async-runtimes", ".", False),  # no backend, no cdylib
    ("watchfiles", "watchfiles", ".", True),
    ("pyo3-polars", "pyo3-polars", ".", False),  # examples as members, a path outside
    ("rustworkx", "rustworkx", ".", "resolve"),  # setup.py RustExtension + pyproject
    ("pydantic-core", "pydantic-core", ".", "resolve"),  # env wiring, `benches/`
    ("arro3", "arro3", ".", False),  # virtual workspace, three maturin extensions
    ("tokenizers", "tokenizers", "bindings/python", "resolve"),  # standalone stub-gen crate
    # round 3 (issue 23; see notes/real-repos.md)
    ("daft", "daft", ".", "resolve"),  # 70-member engine, root package, pyo3 behind `python`
    ("daft-hello", "daft", "examples/hello", False),  # a plugin example, setup.py
    ("lancedb", "lancedb", "python", "resolve"),  # env wiring, build-config in build-deps
    ("obstore", "obstore", ".", False),  # virtual workspace, an extension + two pyo3 libraries
    ("oxigraph", "oxigraph", "python", "resolve"),  # pyo3 inherited, `maturin~=1.0`
    ("oxigraph-root", "oxigraph", ".", False),
    ("prqlc-python", "prql", "prqlc/bindings/prqlc-python", False),  # `maturin[uv_build]`
    ("prql", "prql", ".", False),  # a compiler's workspace, bindings under a target table
    ("wasmer-python", "wasmer-python", ".", False),  # PyO3 0.14, build-config 0.15
    ("polars-xdt", "polars-xdt", ".", "resolve"),  # a polars plugin
    ("rpds", "rpds", ".", True),  # small, `[dependencies.pyo3]` table + maturin `features`
    ("pyrage", "pyrage", ".", "resolve"),
    ("tantivy-py", "tantivy-py", ".", "resolve"),  # build-config 0.29 beside pyo3 0.29
    ("limbo-python", "limbo", "bindings/python", False),  # a database's bindings
    ("vortex-python", "vortex", "vortex-python", False),  # 60-member Arrow workspace
    ("granian", "granian", ".", False),  # git dependencies
    ("candle-pyo3", "candle", "candle-pyo3", "resolve"),  # an ML framework's bindings member
]
FEATURE = re.compile(r'pyo3 feature "([^"]+)"')
SCAFFOLD = [sys.executable, "-m", "scaffold"]
# the scaffold checkout to run (`--scaffold`): this one unless told, e.g. a scratch merge of
# branches under review
SOURCE = Path(__file__).parents[1]


@dataclass
class Scenario:
    name: str
    cwd: Path
    args: list[str]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=Path, default=Path("/work/realrepos"))
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/real-repos-scratch"))
    parser.add_argument("--only", nargs="*", help="labels to run (default: all)")
    parser.add_argument("--no-build", action="store_true", help="skip the profiler builds")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--scaffold", type=Path, help="the scaffold checkout to run")
    args = parser.parse_args()
    global SOURCE
    SOURCE = (args.scaffold or SOURCE).resolve()
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    env.setdefault("CARGO_TARGET_DIR", "/work/.shared-target")
    results = []
    for label, repo, start, profile in ENTRIES:
        if args.only and label not in args.only:
            continue
        source = args.repos / repo
        if not (source / start).is_dir():
            print(f"skip {label}: {source / start} missing", file=sys.stderr)
            continue
        began = time.monotonic()
        result = {"label": label, "start": start}
        result["fix"] = fix_step(label, source, start, args.scratch, env)
        if profile:
            result["profiler"] = profile_step(
                label, source, start, args.scratch, env, build=profile is True and not args.no_build
            )
        result["seconds"] = round(time.monotonic() - began, 1)
        results.append(result)
        print(f"{label}: {result['seconds']}s", file=sys.stderr)
    print(markdown(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


def copy(source: Path, scratch: Path, label: str) -> Path:
    """A fresh git copy of the snapshot (no target directories)."""
    target = scratch / label
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("target", ".git"))
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "snapshot")
    return target


def git(cwd: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "real-repos",
        "GIT_AUTHOR_EMAIL": "r@example.com",
        "GIT_COMMITTER_NAME": "real-repos",
        "GIT_COMMITTER_EMAIL": "r@example.com",
    }
    subprocess.run(["git", *args], cwd=cwd, check=True, env=env, capture_output=True)


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 1800):
    try:
        return subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, 124, "", "timeout")


def scaffold(args: list[str], cwd: Path, env: dict[str, str]):
    return run([*SCAFFOLD, *args], cwd, {**env, "PYTHONPATH": str(SOURCE)})


def scenarios(directory: Path) -> list[Scenario]:
    """The builds to compare, found with scaffold's own workspace model."""
    sys.path.insert(0, str(SOURCE))
    from scaffold.workspace.loader import load

    ws = load(directory)
    found = [
        Scenario("default", ws.root, ["-e", "normal,features"]),
        Scenario("test", ws.root, ["-e", "normal,dev,features"]),
    ]
    for ext in ws.extensions():
        flags = ["-p", ext.crate.name, "-e", "normal,features"]
        features = list(ext.declared_by.features) if ext.declared_by else []
        maturin = ext.project.maturin if ext.project is not None else {}
        if features:
            flags += ["--features", ",".join(features)]
        if isinstance(maturin, dict) and maturin.get("no-default-features"):
            flags.append("--no-default-features")
        found.append(Scenario(f"wheel:{ext.crate.name}", ws.root, flags))
    return found


def resolving(env: dict[str, str]) -> dict[str, str]:
    """Resolution (`cargo tree`, `cargo metadata`) on stable: a `rust-toolchain` file may pin a
    nightly that is not installed (pyo3-polars); resolving does not depend on it."""
    return {**env, "RUSTUP_TOOLCHAIN": "stable"}


@functools.cache
def git_patches(root: Path) -> list[str]:
    """`--config` arguments that patch each github.com git package of the lock file with the
    same version from crates.io: this machine cannot reach GitHub, and none of those packages
    (azure SDK forks, syntect, tpchgen, ...) depends on pyo3, so the pyo3 features that `cargo
    tree` reports are the same. A fork with features of its own still fails to resolve. Read once
    per copy, before the first `cargo tree` rewrites the lock with the patched packages."""
    lock = root / "Cargo.lock"
    if not lock.is_file():
        return []
    args = []
    for package in tomllib.loads(lock.read_text()).get("package", []):
        source = package.get("source", "")
        if source.startswith("git+https://github.com/"):
            url = source.removeprefix("git+").split("?")[0].split("#")[0]
            name, version = package["name"], package["version"]
            args += ["--config", f'patch."{url}".{name}.version="={version}"']
    return args


def pyo3_features(scenario: Scenario, env: dict[str, str]) -> str:
    proc = run(
        ["cargo", "tree", "-i", "pyo3", *scenario.args, *git_patches(scenario.cwd)],
        scenario.cwd,
        resolving(env),
        timeout=600,
    )
    if proc.returncode != 0:
        text = proc.stderr
        if "did not match any packages" in text or "nothing to print" in text:
            return "absent"
        lines = text.strip().splitlines() or ["?"]
        return (
            "error: "
            + next((line for line in lines if line.startswith("error")), lines[-1]).removeprefix(
                "error: "
            )[:120]
        )
    if "nothing to print" in proc.stdout + proc.stderr:
        return "absent"
    found = sorted(set(FEATURE.findall(proc.stdout)))
    return ", ".join(found) if found else "(no features)"


def trees(directory: Path, env: dict[str, str]) -> dict[str, str]:
    try:
        return {s.name: pyo3_features(s, env) for s in scenarios(directory)}
    except Exception as error:  # noqa: BLE001 - a report line, not a crash
        return {"load": f"error: {error}"}


def fix_step(label: str, source: Path, start: str, scratch: Path, env) -> dict:
    repo = copy(source, scratch, label)
    here = repo / start
    check = scaffold(["fix-features", "--check", "--output-format", "json"], here, env)
    try:
        codes = [d["code"] for d in json.loads(check.stdout)["diagnostics"]]
    except (ValueError, KeyError):
        codes = [f"exit {check.returncode}: {check.stderr.strip()[-160:]}"]
    step = {"check_exit": check.returncode, "codes": codes, "before": trees(here, env)}
    # `cargo tree` may refresh a stale Cargo.lock: commit it so that the fix starts clean and
    # "changed" lists only the files scaffold wrote
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "resolved", "--allow-empty")
    for mode, flags in (("safe", []), ("unsafe", ["--unsafe-fixes"])):
        fixed = scaffold(["fix-features", *flags], here, env)
        changed = subprocess.run(
            ["git", "status", "--porcelain"], cwd=repo, text=True, capture_output=True
        ).stdout.split("\n")
        step[mode] = {
            "exit": fixed.returncode,
            "changed": sorted(line[3:] for line in changed if line.strip()),
            "error": fixed.stderr.strip()[-200:] if fixed.returncode == 2 else "",
            "after": trees(here, env),
        }
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", mode, "--allow-empty")
        again = scaffold(["fix-features", *flags, "--diff"], here, env)
        step[mode]["second_run_changes"] = again.returncode == 1
    return step


def metadata_ok(directories: list[Path], env) -> dict[str, bool]:
    return {
        str(d): run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps"],
            d,
            resolving(env),
            timeout=300,
        ).returncode
        == 0
        for d in directories
    }


def profile_step(label: str, source: Path, start: str, scratch: Path, env, build: bool) -> dict:
    repo = copy(source, scratch, label + "-profiler")
    here = repo / start
    dirs = sorted({p.parent for p in repo.rglob("Cargo.toml") if "target" not in p.parts})
    before = metadata_ok(dirs, env)
    added = scaffold(["add-profiler"], here, env)
    step = {"exit": added.returncode, "output": added.stderr.strip().splitlines()[-12:]}
    after = metadata_ok(dirs, env)
    step["metadata_broken"] = [
        os.path.relpath(d, repo) for d, ok in before.items() if ok and not after[d]
    ]
    hint = re.search(r"cargo run (.*?)--release -p (\S+)", added.stderr)
    step["package"] = hint.group(2) if hint else None
    if build and added.returncode == 0 and hint:
        manifest = hint.group(1).replace("--manifest-path", "").strip()
        cmd = ["cargo", "build", "-p", hint.group(2)] + (
            ["--manifest-path", manifest] if manifest else []
        )
        built = run(cmd, here, env)
        step["build"] = (
            "ok"
            if built.returncode == 0
            else "failed: "
            + " | ".join(line for line in built.stderr.splitlines() if line.startswith("error"))[
                :300
            ]
        )
    return step


def markdown(results: list[dict]) -> str:
    lines = [
        "| Entry | `--check` | safe fix | unsafe fix | pyo3 features per build: before"
        " -> after (changed only) |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        fix = r["fix"]
        changes = []
        for mode in ("safe", "unsafe"):
            for name, before in fix["before"].items():
                after = fix[mode]["after"].get(name)
                if after != before and (mode == "safe" or after != fix["safe"]["after"].get(name)):
                    changes.append(f"{mode} {name}: {before or '-'} -> {after}")
        modes = []
        for mode in ("safe", "unsafe"):
            m = fix[mode]
            text = f"exit {m['exit']}, {', '.join(m['changed']) or 'nothing'}"
            if m["error"]:
                text += f" ({m['error']})"
            if m["second_run_changes"]:
                text += "; second run changes more"
            modes.append(text)
        lines.append(
            f"| {r['label']} (`{r['start']}`) | {', '.join(fix['codes']) or 'clean'} | "
            f"{modes[0]} | {modes[1]} | {'; '.join(changes) or 'unchanged'} |"
        )
    lines += [
        "",
        "| Entry (fix applied) | build | before | after safe fix | after unsafe fix |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        fix = r["fix"]
        if not (fix["safe"]["changed"] or fix["unsafe"]["changed"]):
            continue
        for name, before in fix["before"].items():
            safe, unsafe = fix["safe"]["after"].get(name), fix["unsafe"]["after"].get(name)
            lines.append(
                f"| {r['label']} | {name} | {before} | "
                f"{'same' if safe == before else safe} | "
                f"{'same' if unsafe == safe else unsafe} |"
            )
    lines += [
        "",
        "| Entry | add-profiler | package | cargo metadata broken | build |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        p = r.get("profiler")
        if p is None:
            continue
        said = next(
            (
                line
                for line in p["output"]
                if "already profiles" in line or "error" in line or "note:" in line
            ),
            "",
        )
        lines.append(
            f"| {r['label']} | exit {p['exit']} {said[:160]} | {p['package']} | "
            f"{', '.join(p['metadata_broken']) or 'none'} | {p.get('build', '-')} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
