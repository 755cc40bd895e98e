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


# What the scanner gave before it was rewritten as one regex pass (issue 28): the same output,
# strings kept and strings blanked, on the hard cases.
@pytest.mark.parametrize(
    "text, kept, bare",
    [
        (
            'let s = "a \\" // b"; // c\n',
            'let s = "a \\" // b";     \n',
            'let s = "         ";     \n',
        ),
        ('r##"x "# /* y */"## z // w', 'r##"x "# /* y */"## z     ', 'r##"            "## z     '),
        (
            "/* a /* b */ c */ d /* e /* f */",
            "                  d             ",
            "                  d             ",
        ),
        (
            "let c = '\"'; let d = b'\\''; fn f<'a>(x: &'a str) {} // \"",
            "let c = '\"'; let d = b'\\''; fn f<'a>(x: &'a str) {}     ",
            "let c = '\"'; let d = b'\\''; fn f<'a>(x: &'a str) {}     ",
        ),
        (
            'b"by//tes" br#"raw"# "unterminated \\',
            'b"by//tes" br#"raw"# "unterminated \\',
            'b"       " br#"   "# "              ',
        ),
        (
            "'\\u{1F600}' '\\x41' \"\\\\\" // end",
            "'\\u{1F600}' '\\x41' \"\\\\\"       ",
            "'\\u{1F600}' '\\x41' \"  \"       ",
        ),
    ],
)
def test_blanking_edge_cases(text, kept, bare):
    assert (rust_source.code(text), rust_source.code(text, strings=False)) == (kept, bare)
