"""What the commands give the API to talk to the user: notes on stderr, and questions asked
with questionary on a terminal (None without one, so the API never waits for input)."""

from __future__ import annotations

import sys
from collections.abc import Callable


def note(text: str) -> None:
    """A note as it happens, on stderr (stdout stays the command's output)."""
    print(text, file=sys.stderr)


def confirm() -> Callable[[str], bool] | None:
    """A yes/no question (default yes) on a terminal; None without one."""
    if not sys.stdin.isatty():
        return None

    def ask(question: str) -> bool:
        import questionary

        return bool(questionary.confirm(question, default=True).unsafe_ask())

    return ask


def choose() -> Callable[[str, list[str]], str | None] | None:
    """A pick among names on a terminal (None when the user cancels); None without one."""
    if not sys.stdin.isatty():
        return None

    def ask(question: str, names: list[str]) -> str | None:
        import questionary

        picked = questionary.select(question, choices=names).ask()
        return str(picked) if picked else None

    return ask
