"""The Rust API scan of `scaffold upgrade`: code only, exact positions, renames in place."""

from __future__ import annotations

from pathlib import Path

from scaffold import facts
from scaffold.upgrade import sources

TEXT = """fn f() {
    /* Python::with_gil in a block comment */ let s = r#"allow_threads"#;
    Python::with_gil(|py| py.allow_threads(|| 1)); // with_gil
    let o: PyObject = todo!(); let p: *mut ffi::PyObject = x;
    static CELL: GILOnceCell<u8> = GILOnceCell::new();
}
"""


def test_scan_lists_code_uses_with_line_and_column():
    uses = sources.scan(Path("x.rs"), TEXT, facts.api_changes((0, 30)))
    assert [(u.line, u.col, u.change.replacement) for u in uses] == [
        (3, 13, "attach"),
        (3, 30, "detach"),
        (4, 12, None),
        (5, 18, "PyOnceLock"),
        (5, 36, "PyOnceLock"),
    ]


def test_rename_touches_code_only():
    renamed = sources.rename(TEXT, facts.api_changes((0, 30)))
    assert renamed.splitlines() == [
        "fn f() {",
        '    /* Python::with_gil in a block comment */ let s = r#"allow_threads"#;',
        "    Python::attach(|py| py.detach(|| 1)); // with_gil",
        "    let o: PyObject = todo!(); let p: *mut ffi::PyObject = x;",
        "    static CELL: PyOnceLock<u8> = PyOnceLock::new();",
        "}",
    ]


def test_changes_follow_the_target_series():
    assert not facts.api_changes((0, 25))
    assert {c.replacement for c in facts.api_changes((0, 26))} >= {"attach", "detach"}
    assert "import_exception!" not in {c.replacement for c in facts.api_changes((0, 26))}
    assert "import_exception!" in {c.replacement for c in facts.api_changes((0, 27))}
