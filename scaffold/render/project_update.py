"""`scaffold update`'s work: bring a project to the installed templates, keeping the user's
edits.

For each answers file (the workspace's, each profiler's), copier's 3-way update runs from the
recorded release to the newest one in the template history (`scaffold.render.history`). It runs
in a throwaway clone of the project's repository at HEAD with the working tree's uncommitted
changes committed on top, one template after the other (copier refuses a dirty tree, and the
first update dirties it). `plan` returns the result as a `ChangeSet` against the working tree;
the API writes it in one transaction (removals journaled like writes).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.errors import UserError
from scaffold.transaction.changeset import ChangeSet
from scaffold.vcs import git as _git
from scaffold.vcs import git_top

ANSWERS = ".copier-answers.yml"
# The labels copier's inline conflicts carry (copier/_main.py, `_apply_update`, git merge-file).
_MARKERS = (b"<<<<<<< before updating", b">>>>>>> after updating")


@dataclass(frozen=True)
class Planned:
    """What an update would do: the answers files, those to update, each template's newest
    release, the file changes, and the files left with conflict markers."""

    top: Path  # the repository's top
    steps: list[Step]
    todo: list[Step]
    targets: dict[str, str]
    changeset: ChangeSet
    conflicts: list[str]  # relative to `top`


def plan(project: Path, interactive: bool, note: Callable[[str], None]) -> Planned:
    """Run the updates the answers files below `project` need, in a clone; write nothing."""
    top, head = repository(project)
    found = steps(top, project, note)
    folder, target = targets(found)
    todo = [s for s in found if s.legacy or s.recorded != target[s.template]]
    for step in found:
        if step not in todo:
            note(f"{step.answers}: {step.template} template up to date ({step.recorded})")
    changes: dict[str, bytes | None] = {}
    if todo:
        changes = update_in_clone(top, head, todo, target, folder, interactive)
    conflicts = sorted(p for p, data in changes.items() if data and conflicted(data))
    return Planned(top, found, todo, target, changeset(top, changes), conflicts)


def changeset(top: Path, changes: dict[str, bytes | None]) -> ChangeSet:
    """The clone's changes ({path from `top`: bytes or None}) against the working tree."""
    after = {top / rel: _text(rel, data) for rel, data in changes.items()}
    before = {p: _text(p.relative_to(top).as_posix(), _read(p)) for p in after}
    return ChangeSet(before, after)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _text(rel: str, data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(
            f"{rel}: the update involves a file that is not UTF-8 text",
            "nothing was written; update it by hand",
        ) from None


@dataclass
class Step:
    answers: Path  # relative to the repository top
    template: str
    recorded: str
    legacy: bool  # written by 0.1.0: a machine path in _src_path, no _commit


def targets(steps: list[Step]) -> tuple[Path, dict[str, str]]:
    """The history folder and each template's newest release; refuses unknown versions."""
    from scaffold.render import history

    try:
        folder = history.history_dir()
        available = {name: history.versions(folder, name) for name in history.TEMPLATE_NAMES}
    except history.HistoryError as error:
        raise UserError(str(error), "reinstall pyo3-scaffold from a release") from None
    target = {name: history.newest(tags) for name, tags in available.items()}
    for step in steps:
        _check_version(step, available[step.template], target[step.template])
    return folder, target


def repository(project: Path) -> tuple[Path, str]:
    hint = "run `git init && git add -A && git commit -m init` there first"
    top = git_top(project)
    if top is None:
        raise UserError(
            f"{project} is not in a git repository; scaffold update merges through git", hint
        )
    try:
        head = _git(top, "rev-parse", "--verify", "HEAD")
    except UserError:
        raise UserError(f"{top} has no commit yet", hint) from None
    return top, head


def steps(top: Path, project: Path, note: Callable[[str], None]) -> list[Step]:
    """The answers files this tool's templates wrote, the workspace's first; `note` names
    those of other copier templates, left alone. Refuses a project with none."""
    files = answers_files(project)
    if not files:
        raise UserError(
            f"{project} has no {ANSWERS}: it was not made by scaffold new or add-profiler",
            "scaffold update only updates projects it made",
        )
    found, foreign = ours(top, files)
    if not found:
        raise UserError(
            f"{foreign[0]}: _src_path is not a pyo3-scaffold template",
            "scaffold update only updates projects made by scaffold new or "
            "add-profiler; use copier update",
        )
    for rel in foreign:
        note(f"{rel}: another copier template, left alone (copier update)")
    return found


def answers_files(project: Path) -> list[Path]:
    """The answers files git tracks below `project` (from the repository's top), the
    workspace's first: the profiler's answers live inside it."""
    listed = _git(project, "ls-files", "-z", "--full-name", "--", ".", strip=False)
    files = sorted(Path(p) for p in listed.split("\0") if Path(p).name == ANSWERS)
    files.sort(key=lambda p: len(p.parts))
    return files


def ours(top: Path, files: list[Path]) -> tuple[list[Step], list[Path]]:
    """The steps of the answers files this tool's templates wrote, and the other files."""
    import yaml

    from scaffold.render import history

    steps, foreign = [], []
    for rel in files:
        try:
            data = yaml.safe_load((top / rel).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise UserError(
                f"{rel}: {' '.join(str(error).split())}", "restore it from git"
            ) from None
        found = (
            history.template_of(str(data.get("_src_path", ""))) if isinstance(data, dict) else None
        )
        if found is not None and found[1] and "_commit" in data:
            found = None  # a local git template, not the folder 0.1.0 rendered
        if found is None:
            foreign.append(rel)
            continue
        name, legacy = found
        if name == "profiler" and data.get("profiler_crate") != rel.parent.name:
            raise UserError(
                f"{rel}: the profiler crate {data.get('profiler_crate')!r} lives in "
                f"{rel.parent.name!r}",
                "the update renders it by its crate name; rename the folder back",
            )
        recorded = history.LEGACY_RELEASE if legacy else str(data.get("_commit", ""))
        steps.append(Step(rel, name, recorded, legacy))
    return steps, foreign


def _check_version(step: Step, available: list[str], target: str) -> None:
    from packaging.version import InvalidVersion, Version

    if step.recorded in available:
        return
    try:
        newer = Version(step.recorded) > Version(target)
    except InvalidVersion:
        newer = False
    if newer:
        raise UserError(
            f"{step.answers}: made by the {step.template} template "
            f"{step.recorded}, newer than this installation's {target}",
            "upgrade pyo3-scaffold",
        )
    raise UserError(
        f"{step.answers}: unknown {step.template} template version "
        f"{step.recorded!r} (known: {', '.join(available)})",
        "restore _commit from git",
    )


def update_in_clone(
    top: Path,
    head: str,
    todo: list[Step],
    target: dict[str, str],
    folder: Path,
    interactive: bool,
    overrides: dict[Path, dict[str, Any]] | None = None,
) -> dict[str, bytes | None]:
    """Run the updates in a clone at HEAD plus the working tree's uncommitted changes:
    {path from the top: new bytes, or None if removed}. `overrides`: answers file -> answers
    that replace the recorded ones (upgrade's new PyO3 version)."""
    with tempfile.TemporaryDirectory(prefix="scaffold-update.") as scratch:
        clone = Path(scratch) / "repo"
        _git(Path(scratch), "clone", "--quiet", "--shared", "--no-checkout", str(top), str(clone))
        _git(clone, "checkout", "--quiet", "--detach", head)
        if _copy_uncommitted(top, clone):
            _commit(clone, "the working tree's uncommitted changes")
            head = _git(clone, "rev-parse", "HEAD")
        for step in todo:
            if step.legacy:
                _migrate(clone / step.answers, step.template)
                _commit(clone, f"pyo3-scaffold: record the {step.template} template as 0.1.0")
            changed = (overrides or {}).get(step.answers, {})
            _copier_update(clone, step, target[step.template], folder, interactive, changed)
            _commit(clone, f"update the {step.template} template")
        names = _git(clone, "diff", "--name-only", "--no-renames", "-z", head, "HEAD", strip=False)
        changes = {}
        for rel in filter(None, names.split("\0")):
            path = clone / rel
            changes[rel] = path.read_bytes() if path.is_file() else None
    return changes


def _copy_uncommitted(top: Path, clone: Path) -> bool:
    """Bring the working tree's changed, deleted and untracked (not ignored) files into the
    clone, so the update merges into what the user has; whether there were any."""
    import shutil

    tracked = _git(top, "diff", "--name-only", "--no-renames", "-z", "HEAD", strip=False)
    untracked = _git(top, "ls-files", "-z", "--others", "--exclude-standard", strip=False)
    names = sorted(set(filter(None, (tracked + "\0" + untracked).split("\0"))))
    for rel in names:
        source, copy = top / rel, clone / rel
        if copy.is_symlink() or copy.exists():
            copy.unlink()
        if source.is_symlink():
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.symlink_to(os.readlink(source))
        elif source.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return bool(names)


def _migrate(answers: Path, template: str) -> None:
    """0.1.0 answers -> the stable `_src_path` and `_commit: 0.1.0` (copier rewrites it later)."""
    import yaml

    from scaffold.render import history

    data = yaml.safe_load(answers.read_text(encoding="utf-8"))
    data.update(_src_path=history.stable_ref(template), _commit=history.LEGACY_RELEASE)
    answers.write_text(
        "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n"
        + yaml.safe_dump(data, sort_keys=True),
        encoding="utf-8",
    )


def _copier_update(
    clone: Path,
    step: Step,
    version: str,
    folder: Path,
    interactive: bool,
    overrides: dict[str, Any],
) -> None:
    import yaml

    from scaffold.render.copier_render import update
    from scaffold.render.project import refreshed_answers

    answers = clone / step.answers
    # The profiler template renders into the folder holding its crate.
    dst = answers.parent if step.template == "workspace" else answers.parent.parent
    # The answers `new` derives from facts follow this release's facts, not the recorded ones.
    recorded = {**yaml.safe_load(answers.read_text(encoding="utf-8")), **overrides}
    try:
        data = {**overrides, **refreshed_answers(step.template, recorded)}
    except ValueError as error:
        raise UserError(f"{step.answers}: {error}", "restore it from git") from None
    try:
        update(
            dst,
            answers.relative_to(dst).as_posix(),
            version,
            folder,
            interactive=interactive,
            data=data,
        )
    except RuntimeError as error:
        raise UserError(f"{step.answers}: {error}", "nothing was written") from None


def conflicted(data: bytes) -> bool:
    return any(line.rstrip() in _MARKERS for line in data.splitlines())


def _commit(clone: Path, message: str) -> None:
    _git(clone, "add", "--all")
    _git(
        clone,
        "-c",
        "user.name=pyo3-scaffold",
        "-c",
        "user.email=pyo3-scaffold@invalid",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "--quiet",
        "--no-verify",
        "--allow-empty",
        "-m",
        message,
    )
