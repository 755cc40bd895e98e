"""`ChangeSet`: what a command would write, the one shape every planner returns.

Before and after text per path (`None`: absent), so a change set knows what it creates,
changes and removes, what `write_all` is given, and its unified diff. Frozen: a plan is
decided once, then previewed or written as it is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType


@dataclass(frozen=True)
class ChangeSet:
    """Paths whose text differs before and after; `None` on either side: absent."""

    before: Mapping[Path, str | None] = field(default_factory=dict)
    after: Mapping[Path, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        differ = [p for p in self.after if self.before.get(p) != self.after[p]]
        # Only real differences are kept, read-only.
        object.__setattr__(
            self, "before", MappingProxyType({p: self.before.get(p) for p in differ})
        )
        object.__setattr__(self, "after", MappingProxyType({p: self.after[p] for p in differ}))

    def __bool__(self) -> bool:
        return bool(self.after)

    def __len__(self) -> int:
        return len(self.after)

    @property
    def paths(self) -> list[Path]:
        return sorted(self.after)

    @property
    def created(self) -> list[Path]:
        return sorted(p for p, text in self.after.items() if self.before[p] is None)

    @property
    def changed(self) -> list[Path]:
        return sorted(
            p for p, text in self.after.items() if text is not None and self.before[p] is not None
        )

    @property
    def removed(self) -> list[Path]:
        return sorted(p for p, text in self.after.items() if text is None)

    def merged(self, later: ChangeSet) -> ChangeSet:
        """This change set followed by `later` (its `after` wins; the first `before` stays)."""
        before = {**later.before, **self.before}
        return ChangeSet(before, {**self.after, **later.after})

    def diff(self, base: Path) -> str:
        """The unified diff, `a/` and `b/` paths relative to `base` (`/dev/null` for a file
        created or removed)."""
        import difflib  # only when a diff is shown, not on the check path

        chunks: list[str] = []
        for path in self.paths:
            old, new = self.before[path], self.after[path]
            relative = _relative(base, path)
            chunks += difflib.unified_diff(
                old.splitlines(keepends=True) if old is not None else [],
                new.splitlines(keepends=True) if new is not None else [],
                f"a/{relative}" if old is not None else "/dev/null",
                f"b/{relative}" if new is not None else "/dev/null",
            )
        return "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in chunks
        )


def _relative(root: Path, path: Path) -> str:
    """`path` from `root`, `../` included (a pyproject.toml above `rust/`): never an absolute
    path glued to the `a/` prefix."""
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()
