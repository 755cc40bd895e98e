"""The tool installs anywhere (issue 27): its sdist and wheel, built once per session from a
clone of this repository, pass the release checks (twine, check-wheel-contents,
.github/scripts/check_dist.py); each installs with no network into a fresh venv (pip, from the
wheel and from the sdist away from any `.git`), with pipx, with `uv tool install` and with
`uvx`; each installed `scaffold` makes a project with `new --yes` that `fix-features --check`
finds clean, from the templates and history the artifact ships.

The only download is the dependencies' wheels (and hatchling, for the offline build and the
sdist install), once, into a local find-links folder. Every install then runs with pip's and
uv's offline switches and a proxy that answers nothing, so a network access fails the test.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
from pathlib import Path

import pytest

from scaffold import __version__
from scaffold.render import history
from tests.conftest import REPO, git_env

BIN = Path(sysconfig.get_path("scripts"))  # console scripts (Scripts on Windows)
SCRIPTS = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
# Files of this checkout the artifacts are built from (uncommitted edits included).
SOURCES = ("pyproject.toml", "hatch_build.py", "README.md", "LICENSE", "scaffold", "templates")
DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: a connection attempt fails at once


def _run(cmd: list, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env if env is not None else os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _offline(deps: Path, **extra: str) -> dict[str, str]:
    """The environment of an install that must not touch the network."""
    env = {
        k: v
        for k, v in git_env().items()
        if k.upper() not in ("VIRTUAL_ENV", "PYTHONPATH", "NO_PROXY", "PIP_INDEX_URL")
        and not k.startswith("SCAFFOLD_")  # the installed tool's own history and cache
    }
    env.update(
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(deps),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_COMPILE="1",  # no .pyc of ~30 packages: minutes on a loaded runner
        UV_OFFLINE="1",
        UV_NO_INDEX="1",
        UV_PYTHON_DOWNLOADS="never",
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        **extra,
    )
    return env


def _clone_with_this_release(dest: Path) -> Path:
    """A clone of this repository with the checkout's files on top, committed, whose newest
    release (`__version__` in templates/releases.toml) is that commit: what a release tag
    builds, also when the templates changed since the last release line."""
    _run(["git", "clone", "--quiet", "--no-hardlinks", REPO, dest], cwd=dest.parent, env=git_env())
    for name in SOURCES:
        source, target = REPO / name, dest / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "history"))
        else:
            shutil.copy2(source, target)
    git = ["git", "-c", "commit.gpgsign=false"]
    _run([*git, "add", "-A", *SOURCES], cwd=dest, env=git_env())
    _run([*git, "commit", "--quiet", "--allow-empty", "-m", "checkout"], cwd=dest, env=git_env())
    head = _run(["git", "rev-parse", "HEAD"], cwd=dest, env=git_env()).stdout.strip()
    releases = history.read_releases(dest / "templates" / "releases.toml")
    releases[__version__] = head
    lines = "".join(f'"{version}" = "{commit}"\n' for version, commit in releases.items())
    (dest / "templates" / "releases.toml").write_text(f"[releases]\n{lines}", encoding="utf-8")
    _run([*git, "commit", "--quiet", "-am", f"release {__version__}"], cwd=dest, env=git_env())
    return dest


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> dict[str, Path]:
    """{"deps": find-links folder, "dist", "sdist", "wheel", "repo": what they were built
    from}, built once for the module."""
    base = tmp_path_factory.mktemp("install")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [*pyproject["project"]["dependencies"], *pyproject["build-system"]["requires"]]
    deps = base / "deps"
    _run([sys.executable, "-m", "pip", "download", "--quiet", "-d", deps, *requirements], cwd=base)
    repo = _clone_with_this_release(base / "repo")
    dist = base / "dist"
    # sdist, then the wheel from the unpacked sdist alone; hatchling from the find-links.
    _run([sys.executable, "-m", "build", "--outdir", dist, repo], cwd=base, env=_offline(deps))
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    return {"deps": deps, "dist": dist, "sdist": sdist, "wheel": wheel, "repo": repo}


def _make_a_project(scaffold: list, where: Path, env: dict[str, str]) -> None:
    """`scaffold new --yes` in a folder outside any repository; `fix-features --check` clean."""
    where.mkdir()
    version = _run([*scaffold, "--version"], cwd=where, env=env).stdout
    assert version.startswith(f"scaffold {__version__} (pyo3-scaffold; templates {__version__}")
    _run([*scaffold, "new", "inst-lib", "--yes"], cwd=where, env=env)
    project = where / "inst-lib"
    answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert f"_commit: {__version__}\n" in answers, answers
    assert "_src_path: git+pyo3-scaffold://templates/workspace\n" in answers, answers
    check = _run([*scaffold, "fix-features", "--check"], cwd=project, env=env)
    assert "All checks passed." in check.stderr, check.stderr
    # The artifact's bundles served: nothing was built into the user cache from a checkout.
    assert not (Path(env["XDG_CACHE_HOME"]) / "pyo3-scaffold" / "template-history").exists()


def test_the_artifacts_pass_the_release_checks(artifacts):
    """The release workflow's checks, on what this session built."""
    dist = artifacts["dist"]
    _run([BIN / f"twine{EXE}", "check", "--strict", *dist.iterdir()], cwd=dist)
    _run([BIN / f"check-wheel-contents{EXE}", "--ignore", "W002", artifacts["wheel"]], cwd=dist)
    done = _run([sys.executable, REPO / ".github/scripts/check_dist.py", dist], cwd=dist)
    assert done.stdout.startswith(f"pyo3-scaffold {__version__}:"), done.stdout


@pytest.mark.parametrize("artifact", ["wheel", "sdist"])
def test_pip_installs_into_a_fresh_venv_offline(artifact, artifacts, tmp_path):
    """pip in a fresh venv, no network; the sdist is built where no `.git` is above it."""
    source = tmp_path / "download" / artifacts[artifact].name
    source.parent.mkdir()
    shutil.copy2(artifacts[artifact], source)
    build_dir = tmp_path / "tmp"  # where pip unpacks and builds the sdist
    build_dir.mkdir()
    outside = subprocess.run(["git", "rev-parse", "--git-dir"], cwd=build_dir, capture_output=True)
    assert outside.returncode != 0, "the test's folder is inside a git repository"
    env = _offline(
        artifacts["deps"],
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        TMPDIR=str(build_dir),
        TEMP=str(build_dir),
        TMP=str(build_dir),
    )
    # The venv gets no pip of its own (ensurepip costs seconds): this pip installs into it.
    _run([sys.executable, "-m", "venv", "--without-pip", tmp_path / "venv"], cwd=tmp_path, env=env)
    python = tmp_path / "venv" / SCRIPTS / f"python{EXE}"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet"]
    _run([*pip, source], cwd=source.parent, env=env)
    where = _run([python, "-c", "import scaffold; print(scaffold.__file__)"], cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(tmp_path / "venv"), where.stdout
    _make_a_project([tmp_path / "venv" / SCRIPTS / f"scaffold{EXE}"], tmp_path / "work", env)


def test_pipx_install_offline(artifacts, tmp_path):
    home = tmp_path / "pipx"
    env = _offline(
        artifacts["deps"],
        PIPX_HOME=str(home / "home"),
        PIPX_BIN_DIR=str(home / "bin"),
        PIPX_MAN_DIR=str(home / "man"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    _run(
        [
            sys.executable,
            "-m",
            "pipx",
            "install",
            "--python",
            sys.executable,
            f"--pip-args=--no-index --find-links {artifacts['deps']}",
            artifacts["wheel"],
        ],
        cwd=tmp_path,
        env=env,
    )
    _make_a_project([home / "bin" / f"scaffold{EXE}"], tmp_path / "work", env)


def test_uv_tool_install_and_uvx_offline(artifacts, tmp_path):
    uv = tmp_path / "uv"
    env = _offline(
        artifacts["deps"],
        UV_TOOL_DIR=str(uv / "tools"),
        UV_TOOL_BIN_DIR=str(uv / "bin"),
        UV_CACHE_DIR=str(uv / "cache"),  # empty: nothing comes from an earlier download
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    links = ["--find-links", artifacts["deps"], "--python", sys.executable]
    _run([BIN / f"uv{EXE}", "tool", "install", *links, artifacts["wheel"]], cwd=tmp_path, env=env)
    _make_a_project([uv / "bin" / f"scaffold{EXE}"], tmp_path / "tool", env)
    uvx = [BIN / f"uvx{EXE}", *links, "--find-links", artifacts["dist"]]
    _make_a_project([*uvx, "--from", "pyo3-scaffold", "scaffold"], tmp_path / "uvx", env)


@pytest.mark.parametrize("tree", ["shallow clone", "archive without .git"])
def test_a_tree_without_the_history_says_what_to_do_in_one_line(tree, artifacts, tmp_path):
    """A wheel built from a shallow clone or an exported tree (no bundles, no history) stops
    with one line naming the fix, before the build hook runs git on commits it lacks."""
    source = tmp_path / "source"
    repo = artifacts["repo"]
    if tree == "shallow clone":
        clone = ["git", "clone", "--quiet", "--depth", "1", repo.as_uri(), source]
        _run(clone, cwd=tmp_path, env=git_env())
        expected = f"pyo3-scaffold: {source} is a shallow git clone"
        fix = "run `git fetch --unshallow`"
    else:
        source.mkdir()
        archive = subprocess.run(
            ["git", "archive", "--format=tar", "HEAD"], cwd=repo, capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tree:
            tree.extractall(source, filter="data")
        expected = f"pyo3-scaffold: {source} is neither a git clone nor an unpacked sdist"
        fix = "build from a full git clone or install from PyPI"
    build = [sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path / "dist", source]
    proc = subprocess.run(
        [str(c) for c in build],
        cwd=tmp_path,
        env=_offline(artifacts["deps"]),
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if "pyo3-scaffold:" in line]
    assert len(lines) == 1 and lines[0].startswith(expected) and fix in lines[0], lines
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())
