"""What `scaffold upgrade --pyo3 X` decided: the plan's steps (the lines it prints) and its
file changes, shared by the modules that make it (`analysis`, `manifest_edits`,
`source_edits`, put together by `plan.build`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from scaffold import facts
from scaffold.toml.textfile import TextFile
from scaffold.transaction.changeset import ChangeSet
from scaffold.workspace.crate import Dependency
from scaffold.workspace.model import Workspace

# (file, dependency, package): one dependency entry as written in a manifest.
Entry = tuple[TextFile, Dependency, str]


@dataclass
class Step:
    """One line of the plan: where, what, and whether it is applied."""

    where: str
    text: str
    kind: str = "edit"  # edit | unsafe (needs --unsafe-fixes) | manual | note


@dataclass
class Plan:
    workspace: Workspace
    old: facts.Series
    new: facts.Series
    pyo3: tuple[int, ...] | None
    unsafe: bool
    steps: list[Step] = field(default_factory=list)
    changes: dict[Path, TextFile] = field(default_factory=dict)
    originals: dict[Path, TextFile] = field(default_factory=dict)
    update: list[str] = field(default_factory=list)  # packages for `cargo update -p`
    blocking: int = 0  # uses of APIs the new series removed, left in the sources
    uses_abi3: bool = False  # an `abi3-py3X` feature is enabled somewhere
    base: Path | None = None  # where printed paths start (discover.display_base)
    # The files regenerated from the templates at the new series (`templates.regenerate`),
    # against the working tree; the edits above apply on top of them.
    regenerated: ChangeSet = field(default_factory=ChangeSet)

    def relative(self, path: Path) -> str:
        """`path` as printed: relative to `base` (the current directory when the project is
        in it), so a plan run from a Python-first root names `rust/Cargo.toml`."""
        base = self.base or self.workspace.root
        return os.path.relpath(path.resolve(), base.resolve()).replace(os.sep, "/")

    @property
    def changeset(self) -> ChangeSet:
        """The files the upgrade regenerates and edits, before and after (Cargo.lock follows
        by `cargo update`, after the write)."""
        edits = ChangeSet(
            {p: t.original for p, t in self.originals.items()},
            {p: t.original for p, t in self.changes.items()},
        )
        return self.regenerated.merged(edits)

    @property
    def planned(self) -> dict[Path, TextFile]:
        """Every file as the upgrade leaves it (regenerated, then edited), for a check of the
        result before anything is written."""
        regenerated = {
            p: TextFile.from_bytes(p, text.encode("utf-8"))
            for p, text in self.regenerated.after.items()
            if text is not None
        }
        return {**regenerated, **self.changes}

    def current(self, path: Path) -> TextFile:
        """`path` as planned so far (an earlier step's edit), else as the workspace reads it."""
        return self.changes.get(path) or self.workspace.reader.read(path)

    def text_change(self, file: TextFile, text: str) -> None:
        """Plan `file` (as read) to hold `text`, its BOM and line endings kept."""
        self.originals.setdefault(file.path, file)
        self.changes[file.path] = TextFile(file.path, text, file.bom, file.crlf)
