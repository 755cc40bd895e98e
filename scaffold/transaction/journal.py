"""The transaction's journal, `root/.scaffold-journal`: what a write is about to do, and how
to undo it (rollback) or finish it (roll forward) after the process died half-way."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scaffold.errors import UserError
from scaffold.transaction import files

JOURNAL = ".scaffold-journal"

Journal = dict[str, Any]  # the JSON record: state, pid, directories, entries


def pending(root: Path) -> Path | None:
    """The journal of an interrupted write below `root`, if one is left."""
    path = root.resolve() / JOURNAL
    return path if path.exists() else None


def plan(root: Path, targets: dict[Path, str | None]) -> Journal:
    """The journal of a write of `targets` (`None`: remove it): the directories to create,
    for each target its temporary file and its backup (none for a file that does not exist
    yet), and whether it is removed."""
    directories: list[str] = []
    entries = []
    for target, text in targets.items():
        for parent in reversed(target.parents if text is not None else ()):
            if files.inside(parent, root) and parent != root and not parent.exists():
                relative = files.rel(parent, root)
                if relative not in directories:
                    directories.append(relative)
        token = files.token()
        existed = target.exists()
        entries.append(
            {
                "target": files.rel(target, root),
                "temp": files.rel(
                    target.with_name(f".{target.name}.{token}{files.TEMP_SUFFIX}"), root
                ),
                "backup": files.rel(
                    target.with_name(f".{target.name}.{token}{files.BACKUP_SUFFIX}"), root
                )
                if existed
                else None,
                "removed": text is None,
            }
        )
    return {
        "version": 1,
        "state": "prepared",
        "pid": os.getpid(),
        "directories": directories,
        "entries": entries,
    }


def write(root: Path, journal: Journal) -> None:
    """Record `journal` durably (temporary file, fsync, rename)."""
    import json

    path = root / JOURNAL
    temp = path.with_name(f"{JOURNAL}.{files.token()}{files.TEMP_SUFFIX}")
    try:
        files.write_file(temp, json.dumps(journal, indent=1) + "\n", None)
        os.replace(temp, path)
    except BaseException:
        files.unlink(temp)
        raise
    files.fsync_directory(root)


def commit(root: Path, journal: Journal) -> None:
    """Mark the write done, then remove backups, the folders removals left empty, and the
    journal (safe to repeat)."""
    journal = {**journal, "state": "committed"}
    if (root / JOURNAL).exists():
        write(root, journal)
    for entry in journal["entries"]:
        for key in ("temp", "backup"):
            if entry[key]:
                files.unlink(root / entry[key])
    for entry in journal["entries"]:
        if entry.get("removed"):
            _prune_empty_parents(root, root / entry["target"])
    files.unlink(root / JOURNAL)
    files.fsync_directory(root)


def _prune_empty_parents(root: Path, removed: Path) -> None:
    for parent in removed.parents:
        if parent == root or not files.inside(parent, root):
            return
        try:
            parent.rmdir()
        except OSError:  # not empty (or gone): the folders above are not empty either
            return


def roll_back(root: Path, journal: Journal) -> list[str]:
    """Put every target back as it was; returns what could not be undone."""
    problems = []
    for entry in journal["entries"]:
        target = root / entry["target"]
        try:
            if entry["backup"] is None:
                files.unlink(target)
            elif files.exists(root / entry["backup"]):
                backup = root / entry["backup"]
                if files.exists(target) and os.path.samefile(backup, target):
                    files.unlink(backup)  # not replaced yet; rename(2) of a hard link is a no-op
                else:
                    os.replace(backup, target)
            if entry["temp"]:
                files.unlink(root / entry["temp"])
        except OSError as error:
            problems.append(f"{entry['target']}: {files.describe(error)}")
    for relative in reversed(journal["directories"]):
        with contextlib.suppress(OSError):  # absent, or holds what this write did not create
            (root / relative).rmdir()
    if not problems:
        files.unlink(root / JOURNAL)
        files.fsync_directory(root)
    return problems


def recover(root: Path, report: Callable[[str], None] | None = None) -> list[str]:
    """Finish an interrupted `write_all` below `root`; returns the files it restored (each
    also told to `report`)."""
    root = root.resolve()
    path = root / JOURNAL
    if not path.exists():
        return []
    report = report or (lambda line: None)
    import json

    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        entries = journal["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        raise UserError(
            f"{path}: an interrupted write left a journal that cannot be read",
            "check the files it lists, then delete it",
        ) from None
    if journal.get("state") == "committed":
        commit(root, journal)
        report(
            f"note: completed an interrupted write ({path} was left behind); "
            "every file has its new content"
        )
        return []
    restored = [
        e["target"]
        for e in entries
        if (files.exists(root / e["backup"]) if e["backup"] else files.exists(root / e["target"]))
    ]
    problems = roll_back(root, journal)
    if problems:
        raise UserError(
            f"{path}: could not roll back an interrupted write ({problems[0]})",
            "fix the cause and run the command again",
        )
    report(
        "note: rolled back an interrupted write; these files have their old content again: "
        + (", ".join(restored) or "none")
    )
    return restored
