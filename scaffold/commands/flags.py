"""Flags several commands share, spelled and explained the same way everywhere."""

from __future__ import annotations

import argparse
from pathlib import Path


def project_path(parser: argparse.ArgumentParser, where: str) -> None:
    """The optional positional PATH (default: the current directory)."""
    parser.add_argument(
        "path", nargs="?", default=Path("."), type=Path, help=f"{where} (default: .)"
    )


def write_guards(parser: argparse.ArgumentParser) -> None:
    """`--allow-dirty` and `--allow-no-vcs`: what a writing command refuses without them."""
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="write even if the files to change have uncommitted changes",
    )
    parser.add_argument(
        "--allow-no-vcs", action="store_true", help="write even outside a git repository"
    )
