"""Validate the names `scaffold new` and `add-profiler` turn into crates and modules.

Every check runs before anything is written; a bad name is a UserError (exit 2).
"""

from __future__ import annotations

import keyword
import re
import sys

from scaffold.errors import UserError

# Cargo package names: ASCII letters, digits, `-` and `_`, not starting with a digit
# (cargo's `restricted_names` / `validate_package_name`).
_PACKAGE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")

# Strict and reserved keywords of every edition (the Rust reference, "Keywords"), plus the
# weak keywords that cannot name a crate.
RUST_KEYWORDS = frozenset(
    """
    as async await break const continue crate dyn else enum extern false fn for if impl in let
    loop match mod move mut pub ref return self Self static struct super trait true type unsafe
    use where while abstract become box do final gen macro override priv try typeof unsized
    virtual yield union
""".split()
)

# Names cargo refuses or that shadow the standard crates (cargo's `restricted_names`), and
# names the generated code itself uses at the crate root.
RESERVED = frozenset(
    """
    std core alloc test proc_macro proc-macro build deps examples incremental
    pyo3 pyo3_ffi pyo3-ffi tests
""".split()
)

# Names Windows refuses as file names (cargo warns on them).
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)]
)


def module_name(crate: str) -> str:
    """The Python module (and Rust lib) name of a crate: `my-lib` -> `my_lib`."""
    return crate.replace("-", "_")


def validate_crate_name(name: str) -> str:
    """Return `name` if it can name a new Cargo package; raise UserError otherwise."""
    shown = repr(name)
    if not name:
        raise UserError("the name is empty", "pass a name such as my-lib")
    if "\0" in name or "/" in name or "\\" in name or ".." in name:
        raise UserError(f"{shown} is a path, not a name", "pass a plain name; DEST sets the folder")
    if not name.isascii():
        raise UserError(f"{shown} has non-ASCII characters", "Cargo package names are ASCII")
    if name[0].isdigit():
        raise UserError(f"{shown} starts with a digit", "start the name with a letter")
    if not _PACKAGE.match(name):
        raise UserError(
            f"{shown} is not a valid Cargo package name", "use ASCII letters, digits, '-' and '_'"
        )
    lowered = name.lower()
    ident = module_name(name)
    if ident in RUST_KEYWORDS or name in RUST_KEYWORDS:
        raise UserError(f"{shown} is a Rust keyword", "choose another name")
    if name in RESERVED or ident in RESERVED:
        raise UserError(
            f"{shown} is a reserved name (standard crates, pyo3, cargo's folders)",
            "choose another name",
        )
    if lowered in WINDOWS_RESERVED:
        raise UserError(f"{shown} is a reserved file name on Windows", "choose another name")
    if ident == "_":
        raise UserError(f"{shown} is not an identifier", "use at least one letter")
    return name


def validate_module_name(name: str) -> str:
    """Return `name` if it can name the Python module and Rust lib; raise UserError otherwise."""
    if not (name.isascii() and name.isidentifier()):
        raise UserError(f"{name!r} is not a Python identifier", "use letters, digits and '_'")
    if keyword.iskeyword(name):
        raise UserError(
            f"{name!r} is a Python keyword, it cannot be imported", "choose another name"
        )
    if name in RUST_KEYWORDS or name in RESERVED:
        raise UserError(f"{name!r} is a Rust keyword or reserved name", "choose another name")
    if name in sys.stdlib_module_names:  # the standard library comes first on sys.path
        raise UserError(
            f"{name!r} is a module of Python's standard library (`import {name}` would load "
            "it, not the extension)",
            "choose another name",
        )
    return name


# Where a word starts inside CamelCase: `MyLib` -> My|Lib, `HTTPServer` -> HTTP|Server.
_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def lower_case(name: str) -> str:
    """`MyLib` -> `my-lib` (`My_Lib` -> `my_lib`): Rust names crates, libs and modules in
    snake_case and warns (`non_snake_case`) on a `#[pymodule]` named otherwise."""
    return _WORD_START.sub("_" if "_" in name else "-", name).lower()


def validate_project(name: str) -> tuple[str, str]:
    """The (crate, module) names for `scaffold new NAME`: NAME checked as given, then in lower
    case (`MyLib` gives the crate `my-lib` and the module `my_lib`)."""
    validate_module_name(module_name(validate_crate_name(name)))
    crate = validate_crate_name(lower_case(name))
    return crate, validate_module_name(module_name(crate))
