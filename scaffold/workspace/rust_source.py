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
# One attribute after `#[pymodule]`; `cfg_attr(PREDICATE, ATTR)` split at its last top-level
# comma (a predicate's commas are inside `all(...)`/`any(...)`); `pyo3(...)` carries the name.
_ATTR = re.compile(r"#\[([^\]]*)\]")
_CFG_ATTR = re.compile(r"cfg_attr\s*\((.*),\s*((?:pyo3::)?\w+\s*\(.*\))\s*\)\s*$", re.S)
_PYO3_ATTR = re.compile(r"pyo3\s*\(")
_CFG_TOKEN = re.compile(r"\s*(?:(?P<word>\w+)|(?P<string>\"[^\"]*\")|(?P<punct>[(),=]))")
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
    """A module entry point: where it is, and the name Python imports (`PyInit_<name>`).

    `name` is the name without any `#[cfg_attr(...)]`; `renamed_when` holds each
    `#[cfg_attr(PREDICATE, pyo3(name = "..."))]` in order, which `name_with` evaluates with
    the features of a build."""

    path: Path
    line: int
    name: str
    hand_written: bool = False  # a `PyInit_` function rather than `#[pymodule]`
    renamed_when: tuple[tuple[str, str], ...] = ()  # (cfg predicate, name)

    def name_with(self, features: frozenset[str] | None) -> str | None:
        """The name in a build where the crate's features are `features` (None: unknown).
        None when a `cfg_attr` predicate cannot be decided from features alone (`target_os`,
        ...), or the features are unknown and a `cfg_attr` renames the module."""
        name = self.name
        for predicate, renamed in self.renamed_when:
            if features is None:
                return None
            holds = cfg_holds(predicate, features)
            if holds is None:
                return None
            if holds:
                name = renamed  # PyO3 rejects two names, so at most one applies
        return name


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
            renamed_when: list[tuple[str, str]] = []
            args = text[match.start("args") : match.end("args")] if match.group("args") else ""
            if named := _NAME_ARG.search(args):
                name = named.group(1)
            attrs = text[match.start("attrs") : match.end("attrs")] if match.group("attrs") else ""
            for attr in _ATTR.finditer(attrs):
                body = attr.group(1).strip()
                conditional = _CFG_ATTR.match(body)
                inner = conditional.group(2) if conditional else body
                named = _NAME_ARG.search(inner) if _PYO3_ATTR.match(inner.strip()) else None
                if named and conditional:
                    renamed_when.append((conditional.group(1).strip(), named.group(1)))
                elif named:
                    name = named.group(1)
            found.append(
                PyModule(
                    source,
                    text.count("\n", 0, match.start()) + 1,
                    name,
                    renamed_when=tuple(renamed_when),
                )
            )
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


def cfg_holds(predicate: str, features: frozenset[str]) -> bool | None:
    """Whether a `cfg` predicate holds in a build whose crate features are `features`:
    `feature = "x"`, `not(..)`, `all(..)`, `any(..)`; None when it names anything else
    (`target_os`, `test`, ...), which features alone cannot decide, or does not parse."""
    tokens = [
        m.group("word") or m.group("string") or m.group("punct")
        for m in _CFG_TOKEN.finditer(predicate)
    ]
    if "".join(tokens) != re.sub(r"\s+", "", predicate):
        return None  # something the tokenizer skipped: not a predicate we read
    try:
        value, rest = _cfg(tokens, features)
    except (IndexError, ValueError):
        return None
    return value if not rest else None


def _cfg(tokens: list[str], features: frozenset[str]) -> tuple[bool | None, list[str]]:
    head, rest = tokens[0], tokens[1:]
    if head in ("not", "all", "any") and rest[:1] == ["("]:
        values: list[bool | None] = []
        rest = rest[1:]
        while rest[0] != ")":
            value, rest = _cfg(rest, features)
            values.append(value)
            if rest[0] == ",":
                rest = rest[1:]
        rest = rest[1:]
        if head == "not":
            if len(values) != 1:
                raise ValueError(head)
            return (None if values[0] is None else not values[0]), rest
        if head == "all":
            return (False if False in values else None if None in values else True), rest
        return (True if True in values else None if None in values else False), rest
    if rest[:1] == ["="]:
        literal = rest[1]
        if not literal.startswith('"'):
            raise ValueError(literal)
        return (literal.strip('"') in features if head == "feature" else None), rest[2:]
    if head in ("(", ")", ",", "=") or head.startswith('"'):
        raise ValueError(head)
    return None, rest  # `test`, `unix`, ...: not a feature


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


def uses_python(sources: list[Path], read: Read) -> bool:
    """Whether the code names Python itself: `Python::` or `pyo3::` (comments and strings
    left out). A binary whose code does neither calls no Python API of its own."""
    return any(
        marker in code(read(source) or "", strings=False)
        for source in sources
        for marker in ("Python::", "pyo3::")
    )


def starts_interpreter(sources: list[Path], read: Read) -> bool:
    """Whether the code starts Python itself (so `auto-initialize` is not needed)."""
    return any(_STARTS.search(code(read(source) or "", strings=False)) for source in sources)
