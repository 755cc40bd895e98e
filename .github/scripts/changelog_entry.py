"""Print the CHANGELOG.md entry of one release: the GitHub release's notes.

    python .github/scripts/changelog_entry.py 0.2.0 [CHANGELOG.md]

The entry is the text under `## [VERSION]` (keep-a-changelog headings) up to the next `## `
heading, without the heading itself. A version with no entry, or an empty one, exits 1 with a
one-line error: a release is not published without its notes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def entry(changelog: str, version: str) -> str | None:
    """The body of `## [version]`, stripped; None when there is no such heading."""
    heading = re.compile(rf"^## \[{re.escape(version)}\][^\n]*\n", re.MULTILINE)
    found = heading.search(changelog)
    if found is None:
        return None
    rest = changelog[found.end() :]
    following = re.search(r"^## ", rest, re.MULTILINE)
    body = rest[: following.start()] if following else rest
    body = re.sub(r"^\[[^\]]+\]: \S+\n?", "", body, flags=re.MULTILINE)  # link definitions
    return body.strip()


def main(argv: list[str]) -> int:
    version = argv[0].removeprefix("v")
    path = Path(argv[1] if len(argv) > 1 else "CHANGELOG.md")
    body = entry(path.read_text(encoding="utf-8"), version)
    if not body:
        message = f"{path}: no entry for {version}; add `## [{version}] - DATE`"
        print(f"error: {message}", file=sys.stderr)
        return 1
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
