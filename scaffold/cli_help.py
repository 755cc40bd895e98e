"""`scaffold --version` and `scaffold --help`, answered without importing argparse.

`version()` names the tool and the template releases it carries (templates/releases.toml,
read with os only). The help is printed from the COMMANDS table.

The text is argparse's own layout (HelpFormatter of the parser `cli.build_parser` makes):
`tests/cli/test_fast_paths.py` compares the two at every terminal width this answers for.
At widths where argparse would wrap the usage line, `text` returns None and the CLI asks
argparse.
"""

from __future__ import annotations

import os
import sys

USAGE = "usage: scaffold [-h] [--version] COMMAND ..."
OPTIONS = (
    ("-h, --help", "show this help message and exit"),
    ("--version", "show program's version number and exit"),
)


def template_releases(package_dir: str) -> list[str]:
    """The releases of `releases.toml` (`"X.Y.Z" = "commit"` lines of `[releases]`), oldest
    first: in the installed package (`scaffold/templates`), else at the top of the checkout."""
    for folder in (
        os.path.join(package_dir, "templates"),
        os.path.join(os.path.dirname(package_dir), "templates"),
    ):
        try:
            with open(os.path.join(folder, "releases.toml"), encoding="utf-8") as file:
                lines = file.read().splitlines()
        except OSError:
            continue
        found = [
            line.split("=", 1)[0].strip().strip('"')
            for line in lines
            if line.startswith('"') and "=" in line
        ]
        return sorted(found, key=_release_key)
    return []


def _release_key(release: str) -> tuple[int, ...]:
    """Plain X.Y.Z releases in order (packaging's Version would cost the fast path its speed)."""
    return tuple(int(part) if part.isdigit() else -1 for part in release.split("."))


def version(tool_version: str, package_dir: str) -> str:
    """`scaffold --version`: the tool's version and the template releases it can render and
    update from (the newest is what `new` records)."""
    releases = template_releases(package_dir)
    if os.environ.get("SCAFFOLD_TEMPLATE_HISTORY"):
        history = "templates from SCAFFOLD_TEMPLATE_HISTORY"
    elif releases:
        history = f"templates {releases[-1]}, history {', '.join(releases)}"
    else:
        history = "no template history found"
    return f"scaffold {tool_version} (pyo3-scaffold; {history})"


def width() -> int:
    """argparse's width: `shutil.get_terminal_size().columns - 2` (same lookup, no shutil)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__  # None under pythonw
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns - 2


def _chunks(text: str) -> list[str]:
    """textwrap's chunks for plain prose: words, single spaces, and breaks after a hyphen
    between letters (`extension-` `module`)."""
    chunks: list[str] = []
    for word in " ".join(text.split()).split(" "):
        if chunks:
            chunks.append(" ")
        start = 0
        for at in range(2, len(word) - 1):
            if (
                word[at] == "-"
                and word[at - 2 : at].isalpha()
                and word[at + 1].isalpha()
                and at > start
            ):
                chunks.append(word[start : at + 1])
                start = at + 1
        chunks.append(word[start:])
    return chunks


def wrap(text: str, limit: int) -> list[str]:
    """`textwrap.wrap(text, limit)` for prose whose words are shorter than `limit`."""
    lines: list[str] = []
    line = ""
    for chunk in _chunks(text):
        if len(line) + len(chunk) <= limit:
            if line or chunk != " ":
                line += chunk
        else:
            lines.append(line.rstrip(" "))
            line = "" if chunk == " " else chunk
    if line.strip():
        lines.append(line.rstrip(" "))
    return lines


def text(
    description: str, commands: dict[str, tuple[str, str]], columns: int | None = None
) -> str | None:
    """The top-level help, or None where argparse lays it out differently (narrow terminals)."""
    full = width() if columns is None else columns - 2
    if full < len(USAGE) or full < 50:
        return None
    # Invocations are measured at indent 2 (argparse counts subcommands at their parent's).
    longest = max(len(name) for name in [*commands, *(o for o, _ in OPTIONS)]) + 2
    position = min(longest + 2, min(24, max(full - 20, 4)))
    help_width = max(full - position, 11)

    def item(indent: int, name: str, help_text: str) -> str:
        room = position - indent - 2
        lines = wrap(help_text, help_width)
        if len(name) <= room:
            head = f"{' ' * indent}{name:<{room}}  {lines[0]}\n"
        else:
            head = f"{' ' * indent}{name}\n{' ' * position}{lines[0]}\n"
        return head + "".join(f"{' ' * position}{line}\n" for line in lines[1:])

    out = [
        USAGE,
        "\n\n",
        "\n".join(wrap(description, full)),
        "\n\n",
        "positional arguments:\n  COMMAND\n",
    ]
    out += [item(4, name, help_text) for name, (_, help_text) in commands.items()]
    out.append("\noptions:\n")
    out += [item(2, name, help_text) for name, help_text in OPTIONS]
    return "".join(out)
