"""The templates' release history, and how copier opens a version of it on any machine.

`templates/releases.toml` maps each release of pyo3-scaffold to the commit of this repository
whose `templates/` it ships. `build_bundles` turns it into one git bundle per template: a
history holding only that template, one commit per release, tagged with the release (PEP 440,
as copier compares tags). The sdist carries the bundles (hatch_build.py), the wheel ships them.

Answers files record `_src_path: git+pyo3-scaffold://templates/NAME` and `_commit: RELEASE`,
which name nothing of the machine. git knows no such place: for the duration of a copier call
`git_env` rewrites that URL to the installed bundle with git's `url.<base>.insteadOf`, passed
as `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` (git >= 2.31), so copier clones
the bundle (copier's `run_update` renders the old version from the answers' `_src_path` at
`_commit`, copier/_main.py `_apply_update`; git bundles are templates it accepts,
copier/_vcs.py `get_repo`). `SCAFFOLD_TEMPLATE_HISTORY=DIR` (DIR holding `NAME.bundle` per
template) replaces the installed history: how tests and release checks point the tool at
another history.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from collections.abc import Iterable
from pathlib import Path

TEMPLATE_NAMES = ("workspace", "profiler")
HISTORY_ENV = "SCAFFOLD_TEMPLATE_HISTORY"
_URL = "pyo3-scaffold://templates/"
# What 0.1.0 recorded: the absolute path of the template folder it rendered (in site-packages,
# `.../scaffold/templates/NAME`; in a checkout, `.../templates/NAME`), and no `_commit`.
_LEGACY = re.compile(r"\A(?:/|[A-Za-z]:[/\\]).*[/\\]templates[/\\](workspace|profiler)[/\\]?\Z")
LEGACY_RELEASE = "0.1.0"
_IDENTITY = {
    "GIT_AUTHOR_NAME": "pyo3-scaffold",
    "GIT_AUTHOR_EMAIL": "pyo3-scaffold@invalid",
    "GIT_COMMITTER_NAME": "pyo3-scaffold",
    "GIT_COMMITTER_EMAIL": "pyo3-scaffold@invalid",
}


class HistoryError(Exception):
    """The template history cannot be read or built."""


def stable_ref(name: str) -> str:
    """The `_src_path` answers files record for template `name`."""
    return f"git+{_URL}{name}"


def template_of(src_path: str) -> tuple[str, bool] | None:
    """(template name, recorded by 0.1.0) for an answers' `_src_path`, None if not ours."""
    for name in TEMPLATE_NAMES:
        if src_path == stable_ref(name):
            return name, False
    match = _LEGACY.search(src_path)
    return (match.group(1), True) if match else None


def read_releases(path: Path) -> dict[str, str]:
    """release -> commit, oldest first (PEP 440 order)."""
    from packaging.version import InvalidVersion, Version

    try:
        releases = tomllib.loads(path.read_text(encoding="utf-8"))["releases"]
        order = sorted(releases, key=Version)
    except (OSError, KeyError, tomllib.TOMLDecodeError, InvalidVersion) as error:
        raise HistoryError(f"{path}: {error}") from None
    return {version: releases[version] for version in order}


def newest(versions: Iterable[str]) -> str:
    """The highest release (PEP 440)."""
    from packaging.version import Version

    return max(versions, key=Version)


def build_bundles(
    repo: Path, releases: dict[str, str], out: Path, prefix: str = "templates"
) -> None:
    """Write `out/NAME.bundle` for every template: its `prefix/NAME` at each release.

    The commits are made with fixed identities and the source commits' dates, so the same
    repository and release list always give the same commit ids.
    """
    common = Path(_git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir"))
    out.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_NAMES:
        with tempfile.TemporaryDirectory(prefix="scaffold-history.") as scratch:
            work = Path(scratch)
            _git(work, "init", "--quiet", "--bare")
            (work / "objects" / "info" / "alternates").write_text(
                f"{common / 'objects'}\n",
                encoding="utf-8",
                newline="\n",  # git's: no CR
            )
            parent: list[str] = []
            for version, commit in releases.items():
                tree = _git(
                    repo,
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    f"{commit}^{{commit}}:{prefix}/{name}",
                    error=f"release {version}: commit {commit} has no {prefix}/{name} "
                    f"in {repo} (a shallow clone? fetch the full history)",
                )
                date = _git(repo, "log", "-1", "--format=%cI", commit)
                made = _git(
                    work,
                    "commit-tree",
                    tree,
                    *parent,
                    "-m",
                    f"pyo3-scaffold {version}: {prefix}/{name} of {commit}",
                    env={**_IDENTITY, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
                )
                _git(work, "tag", version, made)
                parent = ["-p", made]
            _git(work, "update-ref", "refs/heads/main", parent[1])
            _git(work, "symbolic-ref", "HEAD", "refs/heads/main")
            _git(work, "bundle", "create", "--quiet", str(out / f"{name}.bundle"), "--all")


def unreleased(repo: Path, releases: dict[str, str], prefix: str = "templates") -> list[str]:
    """The templates whose `prefix/NAME` in `repo`'s work tree differs from the newest release's:
    new projects would record that release for templates that are not its own."""
    commit = releases[newest(releases)]
    changed = []
    for name in TEMPLATE_NAMES:
        path = f"{prefix}/{name}"
        if _git(repo, "diff", "--name-only", commit, "--", path) or _git(
            repo, "ls-files", "--others", "--exclude-standard", "--", path
        ):
            changed.append(name)
    return changed


def templates_root() -> Path:
    """The templates folder: inside the installed package, else at the top of the checkout."""
    package = Path(__file__).resolve().parents[1]
    for root in (package / "templates", package.parent / "templates"):
        if (root / "workspace" / "copier.yml").is_file():
            return root
    raise FileNotFoundError(f"templates not found beside {package}")


def history_dir() -> Path:
    """The folder holding `NAME.bundle` for every template this installation knows."""
    override = os.environ.get(HISTORY_ENV)
    if override:
        folder = Path(override)
        if not _complete(folder):
            raise HistoryError(
                f"{HISTORY_ENV}={override} holds no "
                f"{' and '.join(n + '.bundle' for n in TEMPLATE_NAMES)}"
            )
        return folder
    root = templates_root()
    if _complete(root / "history"):  # shipped by the wheel
        return root / "history"
    return _from_checkout(root)


def versions(folder: Path, name: str = "workspace") -> list[str]:
    """The releases (tags) of one template's bundle."""
    heads = _git(folder, "bundle", "list-heads", str(folder / f"{name}.bundle"))
    return [line.split("refs/tags/", 1)[1] for line in heads.splitlines() if "refs/tags/" in line]


def installed_version() -> str:
    """The release whose templates this installation renders (`_commit` of new projects)."""
    if os.environ.get(HISTORY_ENV):
        return newest(versions(history_dir()))
    return newest(read_releases(templates_root() / "releases.toml"))


def git_env(folder: Path) -> dict[str, str]:
    """Environment that makes git open each template's stable reference from `folder`."""
    start = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    env = {"GIT_CONFIG_COUNT": str(start + len(TEMPLATE_NAMES))}
    for i, name in enumerate(TEMPLATE_NAMES, start):
        env[f"GIT_CONFIG_KEY_{i}"] = f"url.{(folder / f'{name}.bundle').resolve()}.insteadOf"
        env[f"GIT_CONFIG_VALUE_{i}"] = f"{_URL}{name}"
    return env


def _complete(folder: Path) -> bool:
    return all((folder / f"{name}.bundle").is_file() for name in TEMPLATE_NAMES)


def _from_checkout(root: Path) -> Path:
    """Build the bundles from a git checkout (an editable install) into the user cache once."""
    from scaffold.user_cache import cache_dir

    releases_file = root / "releases.toml"
    if not releases_file.is_file() or not (root.parent / ".git").exists():
        raise HistoryError(f"this installation ({root}) carries no template history")
    key = hashlib.sha256(releases_file.read_bytes()).hexdigest()[:16]
    cache = cache_dir("template-history")
    folder = cache / key
    if _complete(folder):
        return folder
    staging = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=cache))
    try:
        build_bundles(root.parent, read_releases(releases_file), staging)
        try:
            staging.rename(folder)
        except OSError:  # another process made it first
            if not _complete(folder):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _git(cwd: Path, *args: str, env: dict | None = None, error: str = "") -> str:
    """`vcs.git` with this module's error: hatch_build.py loads this file alone, in a build
    environment where the `scaffold` package cannot be imported."""
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, **(env or {})},
    )
    if done.returncode:
        detail = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise HistoryError(error or f"git {' '.join(args)}: {detail[0]}")
    return done.stdout.strip()
