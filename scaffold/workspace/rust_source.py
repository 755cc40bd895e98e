"""What the tool reads in Rust source, read as code: comments never count.

The one scanner for `#[pymodule]` (`fn`/`mod`, `name = "..."`), hand-written `PyInit_<name>`
entry points, build scripts that put libpython on the rpath, and binaries that start the
interpreter by hand. Rules, `add-profiler` and `doctor` ask it; nothing else greps `.rs` files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scaffold.workspace import cfg

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
# `#[no_mangle] pub [unsafe] extern "C" fn PyInit_name` (the FFI-only way, no macro).
_PYINIT = re.compile(r"\bextern\s+\"[^\"]*\"\s+fn\s+PyInit_(?P<name>\w+)\s*\(")
# The rpath helper (PyO3 >= 0.28), or a link argument carrying `-rpath` printed by the script.
_RPATH_HELPER = re.compile(r"\badd_libpython_rpath_link_args\s*\(")
_LINK_ARG = re.compile(r"\"[^\"\n]*rustc-link-arg")
_RPATH_ARG = re.compile(r"\"[^\"\n]*-rpath")
# What `code()` steps over: comments, strings of every kind, and char literals (a `'` that
# starts none is a lifetime or a label). At one position the first alternative wins.
_LEXEME = re.compile(
    r"(?=[/\"'br])"  # what every alternative starts with: the engine skips the rest fast
    r"(?:(?P<line>//[^\n]*)"
    r"|(?P<block>/\*)"
    r'|(?P<raw>(?<!\w)b?r(?P<hashes>#*)")'
    r'|(?P<string>"(?P<inside>[^"\\]*(?:\\[\s\S]?[^"\\]*)*)"?)'
    r"|(?P<char>'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'])'))"
)
_BLOCK_MARK = re.compile(r"/\*|\*/")
# Module declarations (`mod x;`), inline modules (`mod x {`), `include!(`, found in code with
# comments and strings blanked; the attributes right before a declaration (`#[path = ...]`);
# braces (a char literal `'{'` is stepped over).
# Each starts with its literal word (the lookbehind after it), which lets the engine skip ahead
# fast: a source without a declaration costs a few microseconds, not a regex step per char.
_DECLARATION = re.compile(r"mod(?<!\wmod)\s+(?:r#)?(?P<name>\w+)\s*;")
_INLINE_MODULE = re.compile(r"mod(?<!\wmod)\s+(?:r#)?(?P<name>\w+)\s*\{")
_INCLUDE = re.compile(r"include!(?<!\winclude!)\s*\(\s*")
_ATTRIBUTES = re.compile(r"(?:#\[[^\]]*\]\s*)+(?:pub(?:\s*\([^)]*\))?\s+)?\Z")
_BRACE = re.compile(r"[{}]|'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'])'")
_LITERAL = re.compile(r'"([^"\\]+)"\s*\)')
_PATH_ATTR = re.compile(r'(?<![\w-])path\s*=\s*"([^"\\]+)"')
_PLAIN_PATH_ATTR = re.compile(r"#\[\s*path\s*=")
_STARTERS = ("prepare_freethreaded_python", "Python::initialize", "Py_Initialize")
_STARTS = re.compile(rf"\b(?:{'|'.join(_STARTERS)})\s*\(")


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
    return _blanked(text)[0 if strings else 1]


@lru_cache(maxsize=256)
def _blanked(text: str) -> tuple[str, str]:
    """(comments blanked, comments and string insides blanked), in one pass over `text`.

    Remembered by content: the rules ask about the same files (a crate's module tree, then its
    `#[pymodule]`s), and the workspace's reader hands back the same text each time."""
    kept: list[str] = []  # strings kept
    bare: list[str] = []  # strings blanked
    done, n = 0, len(text)  # text[:done] is in both lists
    i = 0
    while (found := _LEXEME.search(text, i)) is not None:
        start, kind = found.start(), found.lastgroup
        if kind == "char":
            i = found.end()
            continue
        if kind in ("string", "raw"):  # the quotes stay, the inside is blanked in `bare`
            if kind == "raw":
                inner = found.end()
                close = '"' + found.group("hashes")
                end = text.find(close, inner)
                end, i = (n, n) if end < 0 else (end, end + len(close))
            else:
                (inner, end), i = found.span("inside"), found.end()
            kept.append(text[done:end])
            bare += (text[done:inner], _spaces(text[inner:end]))
            done = end
            continue
        if kind == "line":
            end = found.end()
        else:  # a block comment: nested ones count
            depth, end = 1, found.end()
            while depth and (mark := _BLOCK_MARK.search(text, end)) is not None:
                depth += 1 if mark.group() == "/*" else -1
                end = mark.end()
            if depth:
                end = n
        chunk = text[done:start]
        blank = _spaces(text[start:end])
        kept += (chunk, blank)
        bare += (chunk, blank)
        done = i = end
    kept.append(text[done:])
    bare.append(text[done:])
    return "".join(kept), "".join(bare)


def _spaces(text: str) -> str:
    """`text` with everything but newlines turned into spaces."""
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(line) for line in text.split("\n"))


def module_files(roots: list[Path], read: Read) -> list[Path]:
    """The files a crate's targets compile: each root (`src/lib.rs`, `src/main.rs`, ...) and,
    transitively, the files its `mod name;` declarations (`#[path]` included) and
    `include!("...")` calls bring in, as rustc finds them; sorted. A file no target declares
    is never read."""
    found: set[Path] = set()
    pending = [(root, root.parent) for root in roots]  # (file, where its `mod x;` files are)
    while pending:
        path, base = pending.pop()
        if path in found:
            continue
        raw = read(path)
        if raw is None:
            continue
        found.add(path)
        if _DECLARATION.search(raw) or "include!" in raw:  # blanking never adds text
            pending += _declared(path, base, raw)
    return sorted(found)


def _declared(path: Path, base: Path, raw: str) -> list[tuple[Path, Path]]:
    """The files `path` declares, each with the directory of its own declarations: a
    `mod.rs`, a crate root or a `#[path]` file declares beside itself, `x.rs` inside `x/`.
    Inline `mod a { mod b; }` adds `a/`. A `path = ...` under `cfg_attr` adds its file to the
    default ones (whichever the build picks is read)."""
    text, bare = _blanked(raw)
    found = [
        (path.parent / literal.group(1), base)
        for call in _INCLUDE.finditer(bare)
        if (literal := _LITERAL.match(text, call.end()))
    ]
    declarations = list(_DECLARATION.finditer(bare))
    if not declarations:
        return found
    inline = [  # (start, end, name) of each inline module before the last declaration
        (opened.start(), _closing(bare, opened.end()), opened.group("name"))
        for opened in _INLINE_MODULE.finditer(bare, 0, declarations[-1].start())
    ]
    for declared in declarations:
        at, name = declared.start(), declared.group("name")
        nested = [inner for start, end, inner in inline if start < at < end]
        window = max(0, at - 400)  # attributes right before `mod` (only `path` matters)
        paths, plain = [], False
        if "path" in text[window:at] and (attrs := _ATTRIBUTES.search(bare, window, at)):
            paths = _PATH_ATTR.findall(text, attrs.start(), attrs.end())
            plain = bool(_PLAIN_PATH_ATTR.search(text, attrs.start(), attrs.end()))
        if paths:  # relative to the declaring file's directory (plus inline modules)
            here = (path.parent if not nested else base).joinpath(*nested)
            found += [(here / p, (here / p).parent) for p in paths]
        if not plain:
            folder = base.joinpath(*nested)
            found += [
                (folder / f"{name}.rs", folder / name),
                (folder / name / "mod.rs", folder / name),
            ]
    return found


def _closing(bare: str, start: int) -> int:
    """The offset just after the `}` that closes the block opened before `start`."""
    depth = 1
    for brace in _BRACE.finditer(bare, start):
        if brace.group() == "{":
            depth += 1
        elif brace.group() == "}":
            depth -= 1
            if not depth:
                return brace.end()
    return len(bare)


def pymodules(sources: list[Path], read: Read) -> list[PyModule]:
    """Every `#[pymodule]` and hand-written `PyInit_` in `sources`, in order."""
    found = []
    for source in sources:
        raw = read(source) or ""
        if "pymodule" not in raw and "PyInit_" not in raw:
            continue  # blanking never adds text: nothing to find (most files)
        text, bare = _blanked(raw)  # same offsets
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
    return cfg.evaluate(
        predicate,
        lambda key, value: value in features if key == "feature" and value is not None else None,
    )


def defines_module(sources: list[Path], read: Read) -> bool:
    """Whether any of `sources` defines a Python module entry point."""
    return bool(pymodules(sources, read))


def rpath_setting(build_text: str) -> str | None:
    """How a build script puts libpython on the rpath: `"helper"`
    (`add_libpython_rpath_link_args()`), `"link-arg"` (prints a `-rpath` link argument), or
    None. Only code counts: `// TODO: rpath` does not."""
    if "rpath" not in build_text:
        return None
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
    for source in sources:
        raw = read(source) or ""
        if any(name in raw for name in _STARTERS) and _STARTS.search(code(raw, strings=False)):
            return True
    return False
