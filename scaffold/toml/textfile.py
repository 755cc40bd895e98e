"""Reading a text file exactly as it is: UTF-8, an optional BOM, its line endings.

`TextFile.text` is the content with the BOM removed and CRLF folded to LF when the file uses
CRLF throughout; `TextFile.render(text)` puts both back, so an edit changes only what it meant to.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import ManifestError
from scaffold.toml import parser as toml_parser

BOM = "\ufeff"
# Manifests and pyproject.toml files are kilobytes; a file this big is not one (or is broken),
# and parsing it would take seconds and memory for nothing.
MAX_BYTES = 4 << 20
_PARSER_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_AT_END = "(at end of document)"


@dataclass(frozen=True)
class TextFile:
    path: Path
    text: str
    bom: bool = False
    crlf: bool = False

    @classmethod
    def read(cls, path: Path) -> TextFile:
        """Read `path`, refusing directories and non-UTF-8 content with a ManifestError."""
        try:
            with path.open("rb") as handle:
                # Sized by the file: `read(MAX_BYTES + 1)` allocated 4 MiB for each (a
                # fifth of a large workspace's load). A file that grew meanwhile reads on.
                size = os.fstat(handle.fileno()).st_size
                raw = handle.read(min(size, MAX_BYTES) + 1)
                if len(raw) > size:
                    raw += handle.read(MAX_BYTES + 1 - len(raw))
        except FileNotFoundError:
            raise ManifestError(path, "does not exist", hint="check the path") from None
        except OSError as error:
            if path.is_dir():  # asked only now: opening one fails (Windows: access denied)
                raise ManifestError(
                    path, "is a directory, expected a file", hint="remove or rename it"
                ) from None
            raise ManifestError(
                path, f"cannot be read ({error.strerror})", hint="check its permissions"
            ) from None
        if len(raw) > MAX_BYTES:
            raise ManifestError(
                path,
                f"is larger than {MAX_BYTES >> 20} MiB, far beyond any real manifest",
                hint="check that it is the right file",
            ) from None
        return cls.from_bytes(path, raw)

    @classmethod
    def from_bytes(cls, path: Path, raw: bytes) -> TextFile:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise ManifestError(
                path, "is not valid UTF-8", line=line, col=1, hint="save it as UTF-8"
            ) from None
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")
        if crlf:
            text = text.replace("\r\n", "\n")
        return cls(path, text, bom, crlf)

    def render(self, text: str) -> str:
        """The file content for `text` with this file's BOM and line endings."""
        if self.crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return (BOM if self.bom else "") + text

    @property
    def original(self) -> str:
        return self.render(self.text)

    def parse(self) -> dict:
        """Parse as TOML (`scaffold.toml.parser`, read-only); errors carry `path:line:col`.

        Parsed once per TextFile: the fix loop reloads the workspace after each round of
        fixes, and the files no fix touched are the same TextFile objects (the reader's
        cache), so only edited files are parsed again. Callers must not mutate the result.
        """
        parsed = self.__dict__.get("_parsed")
        if parsed is None:
            try:
                parsed = toml_parser.loads(self.text)
            except toml_parser.TOMLDecodeError as error:
                raise toml_error(self.path, error, self.text) from None
            object.__setattr__(self, "_parsed", parsed)  # frozen: not a field, no effect on ==
        return parsed


def toml_error(path: Path, error: Exception, text: str = "") -> ManifestError:
    """A ManifestError with the position the parser reports in its message.

    The parser says "(at end of document)" for an unterminated value; that is the last line of
    `text`, after its last character.
    """
    message = str(error)
    match = _PARSER_POSITION.search(message)
    line, col = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not match and _AT_END in message and text:
        last = text.rstrip("\n").rsplit("\n", 1)[-1]
        line, col = text.rstrip("\n").count("\n") + 1, len(last) + 1
    detail = _PARSER_POSITION.sub("", message).replace(_AT_END, "").strip()
    return ManifestError(path, f"invalid TOML: {detail}", line=line, col=col)
