"""In-memory, format-preserving edits of several files, rendered only when all succeeded.

tomlkit is imported here, and this module is imported only when something will be edited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from scaffold.errors import ManifestError
from scaffold.toml import parser as toml_parser
from scaffold.toml.textfile import TextFile

_INLINE_CLOSE = re.compile(r"\s*}(\s*(#.*)?)$")
_ARRAY_COMMA = re.compile(r'(?<=["\]}]),(?=["\[{])')
# The gap tomlkit leaves where a key was removed from an inline table: `{  b = 1`, `a = 1,  c = 2`.
_INLINE_GAP = re.compile(r"(?<=[{,])[ \t]{2,}(?=[\w\"'-])")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


def tidy_changed_lines(old: str, new: str) -> str:
    """Fix tomlkit's spacing in inline tables, on the lines an edit changed and no others.

    tomlkit leaves `{ a = 1  }` after a removal, `{ a = 1, b = 2}` after an insertion and
    `["a","b"]` after inserting first, `{ a = 1,  c = 3 }` after removing `b`; the line gets
    the closing style of its opening brace (`{ ` -> ` }`), one space after each comma between
    values and none doubled where a key was removed.
    """
    old_lines = set(old.splitlines())
    lines = new.splitlines(keepends=True)
    for index, line in enumerate(lines):
        body = line.rstrip("\n")
        if body in old_lines:
            continue
        body = _ARRAY_COMMA.sub(", ", body)
        if "{" in body:
            end = body.rfind("}") + 1 or len(body)  # a comment after the table keeps its spaces
            body = _close_gaps(body[:end]) + body[end:]
            close = " }" if "{ " in body else "}"
            body = _INLINE_CLOSE.sub(close + r"\1", body, count=1)
        lines[index] = body + line[len(line.rstrip("\n")) :]
    return "".join(lines)


def _close_gaps(text: str) -> str:
    """`_INLINE_GAP` -> one space, outside quoted strings."""
    parts, last = [], 0
    for match in _STRING.finditer(text):
        parts += [_INLINE_GAP.sub(" ", text[last : match.start()]), match.group()]
        last = match.end()
    return "".join(parts) + _INLINE_GAP.sub(" ", text[last:])


class Editor:
    """tomlkit documents for the files being edited, plus files being created."""

    def __init__(self, read: Callable[[Path], TextFile]) -> None:
        self._read = read  # Path -> TextFile (the current, possibly already edited, text)
        self.documents: dict[Path, tomlkit.TOMLDocument] = {}
        self.created: dict[Path, str] = {}

    def document(self, path: Path) -> tomlkit.TOMLDocument:
        if path not in self.documents:
            file = self._read(path)
            try:
                self.documents[path] = tomlkit.parse(file.text)
            except TOMLKitError as error:
                try:
                    toml_parser.loads(file.text)
                except toml_parser.TOMLDecodeError:
                    raise ManifestError(path, f"invalid TOML: {error}") from None
                # Valid TOML that tomlkit cannot hold (e.g. super tables out of order).
                raise ManifestError(
                    path,
                    f"cannot be edited without losing its layout (tomlkit: {error})",
                    hint="put the tables with a common prefix next to each other and run again",
                ) from None
        return self.documents[path]

    def create(self, path: Path, text: str) -> None:
        """Plan a new file; a file that exists already is left alone."""
        if not path.exists():
            self.created[path] = text

    def changes(self) -> dict[Path, TextFile]:
        """Every edited or created file whose text differs, checked to parse as TOML."""
        result = {}
        for path, document in self.documents.items():
            old = self._read(path)
            text = tidy_changed_lines(old.text, tomlkit.dumps(document))
            if text.endswith("\n\n") and not old.text.endswith("\n\n"):
                text = text.rstrip("\n") + "\n"  # a table removed at the end leaves a blank line
            if text != old.text:
                # A fix that breaks the TOML is a bug: fail loudly. tomlkit can also write
                # valid TOML that means something else (a new sub-table inserted between the
                # dotted keys of its parent moves them into it): refuse, nothing is written.
                if toml_parser.loads(text) != document.unwrap():
                    raise ManifestError(
                        path,
                        "cannot be edited without losing its layout "
                        "(tomlkit would move keys into another table)",
                        hint="write the table with a [header] instead of dotted keys and run again",
                    )
                result[path] = TextFile(path, text, old.bom, old.crlf)
        for path, text in self.created.items():
            result[path] = TextFile(path, text)
        return result
