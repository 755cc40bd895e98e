"""Non-convergence of the fix loop: fixes that undo each other, or never settle (ruff's
"failed to converge"). The engine reports each pass here; this raises NotConvergedError naming
the rules involved, before anything is written."""

from __future__ import annotations

from pathlib import Path

from scaffold.errors import NotConvergedError
from scaffold.toml.textfile import TextFile


class Watch:
    """The states the fix loop went through, and which rules' fixes made each step."""

    def __init__(self, overlay: dict[Path, TextFile], originals: dict) -> None:
        self.states = [_state(overlay, originals)]
        self.applied: list[set[str]] = []

    def after_pass(self, codes: set[str], overlay: dict[Path, TextFile], originals: dict) -> None:
        """Record a pass; back at an earlier state means the fixes undo each other."""
        self.applied.append(codes)
        state = _state(overlay, originals)
        if state in self.states:
            self._fail(self.applied[self.states.index(state) :])
        self.states.append(state)

    def at_limit(self, pending: bool) -> None:
        """The pass limit is reached: fixes still pending means no fixed point."""
        if pending:
            self._fail(self.applied)

    def _fail(self, passes: list[set[str]]) -> None:
        raise NotConvergedError(sorted(set().union(*passes)), len(self.applied))


def _state(overlay: dict[Path, TextFile], originals: dict) -> dict:
    """The edited files' texts, leaving out files back to what is on disk."""
    return {
        p: t.text
        for p, t in overlay.items()
        if originals.get(p) is None or originals[p].text != t.text
    }
