"""What the tool reads in Rust source, read as code: comments never count.

The one scanner for `#[pymodule]` (`fn`/`mod`, `name = "..."`), hand-written `PyInit_<name>`
entry points, build scripts that put libpython on the rpath, and binaries that start the
interpreter by hand. Rules, `add-profiler` and `doctor` ask it; nothing else greps `.rs` files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# How sources are read: the workspace's `Reader.text` (pending edits count; None: missing).
Read = Callable[[Path], str | None]

_PYMODULE = re.compile(
    r"#\[\s*(?:pyo3::)?pymodule\s*(?:\((?P<args>[^)]*)\))?\s*\]"
    r"(?P<attrs>(?:\s*#\[[^\]]*\])*)\s*(?:pub(?:\([^)]*\))?\s+)?(?:fn|mod)\s+(?P<ident>\w+)"
)
_NAME_ARG = re.compile(r"name\s*=\s*\"([^\"]+)\"")
# `#[no_mangle] pub [unsafe] extern "C" fn PyInit_name` (the FFI-only way, no macro).
_PYINIT = re.compile(r"\bextern\s+\"[^\"]*\"\s+fn\s+PyInit_(?P<name>\w+)\s*\(")
# The rpath helper (PyO3 >= 0.28), or a link argument carrying `-rpath` printed by the script.
_RPATH_HELPER = re.compile(r"\badd_libpython_rpath_link_args\s*\(")
_LINK_ARG = re.compile(r"\"[^\"\n]*rustc-link-arg")
_RPATH_ARG = re.compile(r"\"[^\"\n]*-rpath")
_TOKEN = re.compile(r"//|/\*|(?<!\w)b?r#*\"|\"|'")
_CHAR = re.compile(r"'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'])'")
_STARTS = re.compile(r"\b(?:prepare_freethreaded_python|Python::initialize|Py_Initialize)\s*\(")


@dataclass(frozen=True)
class PyModule:
    """A module entry point: where it is, and the name Python imports (`PyInit_<name>`)."""

    path: Path
    line: int
    name: str
    hand_written: bool = False  # a `PyInit_` function rather than `#[pymodule]`


def code(text: str, strings: bool = True) -> str:
    """`text` with comments blanked (newlines kept, so offsets and lines still match), and the
    insides of string literals too unless `strings`.

    Handles `//` and nested `/* */` comments, string, byte-string, raw-string and char
    literals (a comment marker inside a string is not a comment), and lifetimes.
    """
    out = list(text)
    i, n = 0, len(text)
    while (found := _TOKEN.search(text, i)) is not None:
        i, token = found.start(), found.group()
        if token == "//":
            end = text.find("\n", i)
            end = n if end < 0 else end
            _blank(out, i, end)
            i = end
        elif token == "/*":
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            _blank(out, i, j)
            i = j
        elif token == "'":
            char = _CHAR.match(text, i)
            i = char.end() if char else i + 1  # else a lifetime or label
        elif token.endswith('#"') or token.startswith(("r", "br")):
            close = '"' + "#" * token.count("#")
            end = text.find(close, found.end())
            end = n if end < 0 else end
            if not strings:
                _blank(out, found.end(), end)
            i = end + len(close)
        else:  # a plain or byte string
            j = found.end()
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if not strings:
                _blank(out, found.end(), min(j, n))
            i = j + 1
    return "".join(out)


def _blank(out: list[str], start: int, end: int) -> None:
    for k in range(start, end):
        if out[k] != "\n":
            out[k] = " "


def pymodules(sources: list[Path], read: Read) -> list[PyModule]:
    """Every `#[pymodule]` and hand-written `PyInit_` in `sources`, in order."""
    found = []
    for source in sources:
        raw = read(source) or ""
        text, bare = code(raw), code(raw, strings=False)  # same offsets
        for match in _PYMODULE.finditer(bare):
            name = match.group("ident").removeprefix("r#")
            for group in ("args", "attrs"):
                named = _NAME_ARG.search(
                    text[match.start(group) : match.end(group)] if match.group(group) else ""
                )
                if named:
                    name = named.group(1)
            found.append(PyModule(source, text.count("\n", 0, match.start()) + 1, name))
        for match in _PYINIT.finditer(bare):
            found.append(
                PyModule(
                    source,
                    text.count("\n", 0, match.start()) + 1,
                    match.group("name"),
                    hand_written=True,
                )
            )
    return found


def defines_module(sources: list[Path], read: Read) -> bool:
    """Whether any of `sources` defines a Python module entry point."""
    return bool(pymodules(sources, read))


def rpath_setting(build_text: str) -> str | None:
    """How a build script puts libpython on the rpath: `"helper"`
    (`add_libpython_rpath_link_args()`), `"link-arg"` (prints a `-rpath` link argument), or
    None. Only code counts: `// TODO: rpath` does not."""
    text = code(build_text)
    if _RPATH_HELPER.search(text):
        return "helper"
    if _LINK_ARG.search(text) and _RPATH_ARG.search(text):
        return "link-arg"
    return None


def starts_interpreter(sources: list[Path], read: Read) -> bool:
    """Whether the code starts Python itself (so `auto-initialize` is not needed)."""
    return any(_STARTS.search(code(read(source) or "", strings=False)) for source in sources)
