"""The one Rust-source scanner: module entry points and rpath build scripts, comments excluded."""

from __future__ import annotations

import subprocess
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


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _relative(root: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def _module_tree(tmp_path: Path) -> Path:
    return _tree(
        tmp_path,
        {
            "src/lib.rs": (
                'mod a;\npub(crate) mod b;\n#[path = "gen/c_impl.rs"]\nmod c;\n'
                "mod inline {\n    mod d;\n}\n"
                '#[cfg_attr(unix, path = "unix_g.rs")]\nmod g;\n'
                '// mod commented;\nconst S: &str = "mod in_string;";\n'
                'include!("inc.rs");\n'
                "#[cfg(test)]\nmod tests {\n    fn f() -> char { '{' }\n}\nmod after;\n"
            ),
            "src/a.rs": 'mod child;\nmod inner {\n    #[path = "x.rs"]\n    mod y;\n}\n',
            "src/a/child.rs": "",
            "src/a/inner/x.rs": "",
            "src/b/mod.rs": "pub mod e;\n",
            "src/b/e.rs": "",
            "src/gen/c_impl.rs": "mod f;\n",  # a #[path] file declares beside itself
            "src/gen/f.rs": "",
            "src/inline/d.rs": "",
            "src/unix_g.rs": "",
            "src/g.rs": "",
            "src/inc.rs": "",
            "src/after.rs": "",
            "src/orphan.rs": "#[pymodule]\nfn orphan() {}\n",
            "src/commented.rs": "",
            "src/in_string.rs": "",
        },
    )


def test_module_files_are_what_rustc_reads(tmp_path):
    root = _module_tree(tmp_path)
    found = rust_source.module_files([root / "src" / "lib.rs"], Reader().text)
    assert sorted(_relative(root, found)) == [
        "src/a.rs",
        "src/a/child.rs",
        "src/a/inner/x.rs",
        "src/after.rs",
        "src/b/e.rs",
        "src/b/mod.rs",
        "src/g.rs",
        "src/gen/c_impl.rs",
        "src/gen/f.rs",
        "src/inc.rs",
        "src/inline/d.rs",
        "src/lib.rs",
        "src/unix_g.rs",
    ]


def test_crate_sources_start_at_every_target_root(tmp_path):
    from scaffold.workspace.loader import load

    root = _tree(
        tmp_path,
        {
            "Cargo.toml": (
                '[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n\n'
                '[lib]\npath = "lib/root.rs"\n\n[[bin]]\nname = "tool"\npath = "tools/run.rs"\n'
            ),
            "lib/root.rs": "mod part;\n",
            "lib/part.rs": "",
            "tools/run.rs": "fn main() {}\n",
            "src/main.rs": "mod cli;\nfn main() {}\n",
            "src/cli.rs": "",
            "src/bin/other.rs": "fn main() {}\n",
            "src/bin/multi/main.rs": "mod helper;\nfn main() {}\n",
            "src/bin/multi/helper.rs": "",
            "src/unused.rs": "",
        },
    )
    crate = load(root).members[0]
    assert _relative(root, crate.rust_sources()) == [
        "lib/part.rs",
        "lib/root.rs",
        "src/bin/multi/helper.rs",
        "src/bin/multi/main.rs",
        "src/bin/other.rs",
        "src/cli.rs",
        "src/main.rs",
        "tools/run.rs",
    ]


def test_crate_without_a_target_root_reads_every_source(tmp_path):
    from scaffold.workspace.loader import load

    root = _tree(
        tmp_path,
        {
            "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n\n[lib]\npath = "gone.rs"\n',
            "src/a.rs": "",
            "src/b/c.rs": "",
        },
    )
    assert _relative(root, load(root).members[0].rust_sources()) == ["src/a.rs", "src/b/c.rs"]


def test_a_pymodule_no_target_declares_is_not_a_module(tmp_path):
    from scaffold.workspace.loader import load

    root = _tree(
        tmp_path,
        {
            "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n',
            "src/lib.rs": "mod used;\n",
            "src/used.rs": "#[pymodule]\nfn used() {}\n",
            "src/old.rs": "#[pymodule]\nfn old() {}\n",  # not compiled: no `mod old;`
        },
    )
    crate = load(root).members[0]
    modules = rust_source.pymodules(crate.rust_sources(), crate.reader.text)
    assert [m.name for m in modules] == ["used"]


@pytest.mark.needs_rust
def test_module_files_match_rustc_dep_info(tmp_path):
    """rustc is the oracle: the files its dep-info lists for the crate are the files found,
    and the only extra one is the default that `cfg_attr(unix, path = ...)` replaces here."""
    root = _module_tree(tmp_path)
    out = tmp_path / "lib.d"
    subprocess.run(
        [
            *("rustc", "--edition", "2021", "--crate-type", "lib", "--crate-name", "tree"),
            *("--emit=dep-info", "-o", str(out), str(root / "src" / "lib.rs")),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    listed = {
        Path(name).resolve()
        for line in out.read_text().splitlines()
        if line.endswith(":") and not line.startswith(str(out))
        for name in [line[:-1]]
    }
    found = {
        p.resolve() for p in rust_source.module_files([root / "src" / "lib.rs"], Reader().text)
    }
    assert listed <= found, listed - found
    assert _relative(root, sorted(found - listed)) == ["src/g.rs"]


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
