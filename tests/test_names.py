"""Name validation for `scaffold new` and `add-profiler`."""

from __future__ import annotations

import pytest

from scaffold.errors import UserError
from scaffold.workspace.names import (
    module_name,
    validate_crate_name,
    validate_module_name,
    validate_project,
)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("my-lib", ("my-lib", "my_lib")),
        ("demo_lib", ("demo_lib", "demo_lib")),
        ("Fast2", ("fast2", "fast2")),
        # CamelCase becomes Rust's snake_case (no `non_snake_case` warnings in the build).
        ("MyLib", ("my-lib", "my_lib")),
        ("HTTPServer", ("http-server", "http_server")),
        ("My_Lib", ("my_lib", "my_lib")),
        ("myLib2Go", ("my-lib2-go", "my_lib2_go")),
        ("x", ("x", "x")),
        ("_private", ("_private", "_private")),
        ("case", ("case", "case")),  # a Python soft keyword is importable
    ],
)
def test_valid_names(name, expected):
    assert validate_project(name) == expected


@pytest.mark.parametrize(
    "name, reason",
    [
        ("", "empty"),
        ("1abc", "digit"),
        ("-lib", "not a valid Cargo package name"),
        ("my lib", "not a valid Cargo package name"),
        ("my.lib", "not a valid Cargo package name"),
        ("a/b", "path"),
        ("a\\b", "path"),
        ("..", "path"),
        ("x\0", "path"),
        ("crème", "non-ASCII"),
        ("std", "reserved"),
        ("core", "reserved"),
        ("alloc", "reserved"),
        ("test", "reserved"),
        ("proc_macro", "reserved"),
        ("proc-macro", "reserved"),
        ("pyo3", "reserved"),
        ("self", "Rust keyword"),
        ("Self", "Rust keyword"),
        ("crate", "Rust keyword"),
        ("fn", "Rust keyword"),
        ("async", "Rust keyword"),
        ("gen", "Rust keyword"),
        ("class", "Python keyword"),
        ("import", "Python keyword"),
        ("None", "Python keyword"),
        ("json", "standard library"),
        ("typing", "standard library"),
        ("con", "Windows"),
        ("_", "identifier"),
    ],
)
def test_invalid_names(name, reason):
    with pytest.raises(UserError, match=reason):
        validate_project(name)


def test_module_name_replaces_dashes():
    assert module_name("a-b-c") == "a_b_c"


def test_crate_name_alone_allows_python_keywords():
    assert validate_crate_name("class-helpers") == "class-helpers"
    with pytest.raises(UserError):
        validate_module_name("class")
