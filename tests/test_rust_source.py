"""The one Rust-source scanner: module entry points and rpath build scripts, comments excluded."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.workspace import rust_source
from scaffold.workspace.reader import Reader


def _source(tmp_path: Path, text: str) -> list[Path]:
    path = tmp_path / "lib.rs"
    path.write_text(text, encoding="utf-8")
    return [path]


@pytest.mark.parametrize(
    "text, names",
    [
        (
            "#[pymodule]\nfn engine(m: &Bound<'_, PyModule>) -> PyResult<()> { Ok(()) }\n",
            ["engine"],
        ),
        ('#[pymodule(name = "native_engine")]\nmod engine {}\n', ["native_engine"]),
        ('#[pyo3::pymodule]\n#[pyo3(name = "x")]\npub fn y() {}\n', ["x"]),
        (
            '#[unsafe(no_mangle)]\npub unsafe extern "C" fn PyInit_raw() -> *mut PyObject {}\n',
            ["raw"],
        ),
        ("// #[pymodule]\n// fn commented() {}\n/* #[pymodule] fn block() {} */\n", []),
        ('const DOC: &str = "see https://x // #[pymodule] fn not_a_comment_either";\n', []),
        ('/// Call `PyInit_foo` from C: extern "C" fn PyInit_foo()\nfn other() {}\n', []),
    ],
)
def test_module_entry_points(tmp_path, text, names):
    assert [m.name for m in rust_source.pymodules(_source(tmp_path, text), Reader().text)] == names


def test_entry_point_lines_and_kinds(tmp_path):
    found = rust_source.pymodules(
        _source(
            tmp_path,
            "use pyo3::prelude::*;\n\n#[pymodule]\nfn a() {}\n"
            '#[no_mangle]\npub extern "C" fn PyInit_b() {}\n',
        ),
        Reader().text,
    )
    assert [(m.line, m.name, m.hand_written) for m in found] == [(3, "a", False), (6, "b", True)]


@pytest.mark.parametrize(
    "text, setting",
    [
        ("// TODO: rpath\nfn main() {}\n", None),
        ("fn main() {\n    // pyo3_build_config::add_libpython_rpath_link_args();\n}\n", None),
        ('/* println!("cargo:rustc-link-arg=-Wl,-rpath,/x"); */ fn main() {}\n', None),
        ("fn main() {\n    pyo3_build_config::add_libpython_rpath_link_args();\n}\n", "helper"),
        (
            "fn main() {\n    if let Some(d) = &pyo3_build_config::get().lib_dir {\n"
            '        println!("cargo:rustc-link-arg=-Wl,-rpath,{d}");\n    }\n}\n',
            "link-arg",
        ),
        ('fn main() { let rpath = "-rpath"; }\n', None),  # no link argument printed
    ],
)
def test_rpath_set_by_code_only(text, setting):
    assert rust_source.rpath_setting(text) == setting


def test_comments_blanked_keep_lines_and_strings():
    text = 'a /* x\n/* nested */ y */ b // c\n"// kept" r#"/* kept */"# \'"\' &\'a x\n'
    blanked = rust_source.code(text)
    assert blanked.count("\n") == text.count("\n") and len(blanked) == len(text)
    assert "x" not in blanked.split("b")[0] and "// c" not in blanked
    assert '"// kept"' in blanked and "/* kept */" in blanked


def test_starts_interpreter_ignores_comments(tmp_path):
    assert rust_source.starts_interpreter(
        _source(tmp_path, "fn main() { Python::initialize(); }"), Reader().text
    )
    assert not rust_source.starts_interpreter(
        _source(tmp_path, "// Python::initialize();\n"), Reader().text
    )


CFG_RENAMED = (
    "use pyo3::prelude::*;\n\n"
    "#[pymodule]\n"
    '#[cfg_attr(feature = "other-name", pyo3(name = "other"))]\n'
    "fn _native(_m: &Bound<'_, PyModule>) -> PyResult<()> { Ok(()) }\n"
)


@pytest.mark.parametrize(
    "attribute, features, name",
    [
        ('#[cfg_attr(feature = "other-name", pyo3(name = "other"))]', set(), "_native"),
        ('#[cfg_attr(feature = "other-name", pyo3(name = "other"))]', {"other-name"}, "other"),
        ('#[cfg_attr(not(feature = "plain"), pyo3(name = "other"))]', set(), "other"),
        ('#[cfg_attr(not(feature = "plain"), pyo3(name = "other"))]', {"plain"}, "_native"),
        (
            '#[cfg_attr(all(feature = "a", not(feature = "b")), pyo3(name = "other"))]',
            {"a"},
            "other",
        ),
        (
            '#[cfg_attr(all(feature = "a", not(feature = "b")), pyo3(name = "other"))]',
            {"a", "b"},
            "_native",
        ),
        ('#[cfg_attr(any(feature = "a", feature = "b"), pyo3(name = "other"))]', {"b"}, "other"),
        ('#[cfg_attr(any(feature = "a", feature = "b"), pyo3(name = "other"))]', set(), "_native"),
        # features alone cannot decide a target predicate: no name is certain
        ('#[cfg_attr(target_os = "linux", pyo3(name = "other"))]', set(), None),
        ('#[cfg_attr(all(feature = "a", windows), pyo3(name = "other"))]', set(), "_native"),
        ('#[cfg_attr(feature = "x", allow(dead_code))]', {"x"}, "_native"),
        ('#[pyo3(name = "always")]', set(), "always"),
    ],
)
def test_module_name_under_cfg_attr_is_the_builds(tmp_path, attribute, features, name):
    """Issue 23: `#[cfg_attr(feature = ..., pyo3(name = ...))]` renames the module only in
    the builds whose features make its predicate true."""
    text = CFG_RENAMED.replace(
        '#[cfg_attr(feature = "other-name", pyo3(name = "other"))]', attribute
    )
    (module,) = rust_source.pymodules(_source(tmp_path, text), Reader().text)
    assert module.name_with(frozenset(features)) == name


def test_cfg_attr_name_is_not_the_unconditional_name(tmp_path):
    (module,) = rust_source.pymodules(_source(tmp_path, CFG_RENAMED), Reader().text)
    assert module.name == "_native"
    assert module.name_with(None) is None  # features unknown: the name is not certain
