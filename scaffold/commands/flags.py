"""Flags several commands share, spelled and explained the same way everywhere: PATH, the
write guards, and the preview flags (`Preview`)."""

from __future__ import annotations

import argparse
import enum
from pathlib import Path


def project_path(parser: argparse.ArgumentParser, where: str) -> None:
    """The optional positional PATH (default: the current directory)."""
    parser.add_argument(
        "path", nargs="?", default=Path("."), type=Path, help=f"{where} (default: .)"
    )


def write_guards(parser: argparse.ArgumentParser, no_vcs: bool = True) -> None:
    """`--allow-dirty` and `--allow-no-vcs`: what a writing command refuses without them
    (`no_vcs=False`: a command that needs git, such as update, offers only `--allow-dirty`)."""
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="write even if the files to change have uncommitted changes",
    )
    if no_vcs:
        parser.add_argument(
            "--allow-no-vcs", action="store_true", help="write even outside a git repository"
        )


class Preview(enum.Enum):
    """What a writing command does with its plan (black's `WriteBack`), one meaning for every
    command (docs/preview-flags.md). A preview reads only: no lock held past the read, no
    dirty-tree refusal, nothing written; it exits 1 when the command would change something."""

    WRITE = "write"  # no flag: write the change set all at once
    CHECK = "check"  # --check, --dry-run: say what would change
    DIFF = "diff"  # --diff: print what would change as a unified diff on stdout

    @property
    def dry_run(self) -> bool:
        """Whether nothing is written (the API's `dry_run`)."""
        return self is not Preview.WRITE


def preview(
    parser: argparse.ArgumentParser,
    check: str = "say what would change; write nothing (exit 1 when something would)",
) -> None:
    """`--check` (alias `--dry-run`) and `--diff`, exclusive, into `args.preview`."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--check",
        "--dry-run",
        dest="preview",
        action="store_const",
        const=Preview.CHECK,
        help=check,
    )
    group.add_argument(
        "--diff",
        dest="preview",
        action="store_const",
        const=Preview.DIFF,
        help="print the changes as a unified diff; write nothing",
    )
    parser.set_defaults(preview=Preview.WRITE)
