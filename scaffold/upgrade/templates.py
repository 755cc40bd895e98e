"""The upgrade's follow-through in a project made by `scaffold new` or `add-profiler`: the
answers files move to the new PyO3 series, and what the templates derive from it (the pyo3
requirements, the PyO3 API the generated library and profiler call, the profiler's build
script, the CI matrix, README lines) is regenerated.

It is `scaffold update`'s 3-way update (`render.project_update`: copier in a throwaway clone
of the repository at HEAD plus the working tree's changes), with `pyo3_version` replaced and
the answers `new` derives from it recomputed (`render.project.refreshed_answers`), to the
newest template release installed: the one that knows this installation's PyO3 facts. The
user's edits stay; a file whose merge conflicts keeps the user's text (a note says so), so the
manifest and source edits that follow always read valid files. Projects without answers files
of this tool's templates (or outside git) are left to those edits alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold import facts
from scaffold.errors import UserError
from scaffold.toml.textfile import TextFile
from scaffold.transaction.changeset import ChangeSet
from scaffold.upgrade.requirements import restyle
from scaffold.workspace.versions import parse, series


@dataclass(frozen=True)
class Moved:
    """One answers file moved: its PyO3 version, and its template release when the project's
    is older than the installed one (regenerating renders the installed release)."""

    answers: Path
    old: str
    new: str
    release: tuple[str, str] | None = None  # (recorded, installed)

    def describe(self) -> str:
        text = f'pyo3_version "{self.old}" -> "{self.new}" (template answers'
        if self.release is not None:
            text += f"; template release {self.release[0]} -> {self.release[1]}"
        return text + ")"


@dataclass
class Regenerated:
    """What the templates regenerate: the change set against the working tree, the new
    texts (for the edits that follow), and the lines of the plan."""

    changeset: ChangeSet = field(default_factory=ChangeSet)
    files: dict[Path, TextFile] = field(default_factory=dict)
    moved: list[Moved] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # merges that conflicted: user's text kept
    skipped: str = ""  # why answers files present were not followed


def answers_update(recorded: dict[str, Any], new: facts.Series, version: tuple[int, ...]) -> dict:
    """The answers that change for PyO3 `new` (resolved or asked as `version`): `pyo3_version`
    in the recorded style ("0.24" -> "0.30", "0.24.1" -> "0.30.2"), `rust_version` up to the
    new series' MSRV. Empty when the recorded series already is `new`."""
    written = str(recorded.get("pyo3_version", "") or "")
    if not written or series(written) == new:
        return {}
    changed: dict[str, Any] = {"pyo3_version": restyle(written, version)}
    needed = facts.msrv(new)
    rust = parse(str(recorded.get("rust_version", "") or ""))
    if needed is not None and rust and rust[:2] < needed:
        changed["rust_version"] = facts.fmt(needed)
    return changed


def regenerate(root: Path, new: facts.Series, version: tuple[int, ...]) -> Regenerated:
    """Plan the answers files below `root` at PyO3 `new` and the files regenerated from them;
    writes nothing (the work happens in a clone)."""
    import yaml

    from scaffold.render import project_update as updating

    uncommitted = Regenerated(
        skipped=f"{updating.ANSWERS} is not in a git commit: the templates' files are not "
        "regenerated (commit it, then run again)"
    )
    try:
        top, head = updating.repository(root)
        files = updating.answers_files(root)
    except UserError:
        files = []
    if not files:
        return uncommitted if (root / updating.ANSWERS).is_file() else Regenerated()
    steps, _ = updating.ours(top, files)
    overrides: dict[Path, dict[str, Any]] = {}
    versions: dict[Path, str] = {}
    for step in steps:
        recorded = yaml.safe_load((top / step.answers).read_text(encoding="utf-8")) or {}
        changed = answers_update(recorded, new, version)
        if changed:
            overrides[step.answers] = changed
            versions[step.answers] = str(recorded["pyo3_version"])
    todo = [s for s in steps if s.answers in overrides]
    if not todo:
        return Regenerated()
    folder, target = updating.targets(todo)
    moved = [
        Moved(
            top / s.answers,
            versions[s.answers],
            overrides[s.answers]["pyo3_version"],
            (s.recorded, target[s.template]) if s.recorded != target[s.template] else None,
        )
        for s in todo
    ]
    changes = updating.update_in_clone(
        top, head, todo, target, folder, interactive=False, overrides=overrides
    )
    kept = sorted(top / rel for rel, data in changes.items() if data and updating.conflicted(data))
    for path in kept:
        del changes[path.relative_to(top).as_posix()]
    changeset = updating.changeset(top, changes)
    texts = {
        path: TextFile.from_bytes(path, text.encode("utf-8"))
        for path, text in changeset.after.items()
        if text is not None
    }
    return Regenerated(changeset, texts, moved, kept)
