"""The interpreter a PyO3 build recorded: `cargo:PYO3_CONFIG=<hex>` in pyo3-ffi's build output."""

from __future__ import annotations

import os

from scaffold.probes import recorded

CONFIG = (
    "implementation=CPython\nversion=3.11\nshared=true\nlib_dir=/opt/py311/lib\n"
    "executable=/opt/py311/bin/python3.11\n"
)


def output(target, name, config, mtime):
    path = target / "debug" / "build" / f"pyo3-ffi-{name}" / "output"
    path.parent.mkdir(parents=True)
    path.write_text(
        "cargo:rustc-check-cfg=cfg(Py_3_9)\n"
        f"cargo:PYO3_CONFIG={config.encode().hex()}\ncargo:rustc-cfg=Py_3_9\n"
    )
    os.utime(path, (mtime, mtime))
    return path


def test_reads_the_newest_record(tmp_path):
    output(tmp_path, "a", CONFIG, 1000)
    newer = output(tmp_path, "b", CONFIG.replace("3.11", "3.13").replace("py311", "py313"), 2000)
    found = recorded.last_build(tmp_path)
    assert found.record == newer and found.version == "3.13" and found.shared
    assert found.executable == "/opt/py313/bin/python3.13" and found.lib_dir == "/opt/py313/lib"


def test_prefers_the_record_of_todays_interpreter(tmp_path):
    older = output(tmp_path, "a", CONFIG, 1000)
    output(tmp_path, "b", CONFIG.replace("3.11", "3.13").replace("py311", "py313"), 2000)
    assert recorded.last_build(tmp_path, "/opt/py311/bin/python3.11").record == older


def test_nothing_recorded(tmp_path):
    assert recorded.last_build(tmp_path) is None
    (tmp_path / "debug" / "build" / "pyo3-ffi-x").mkdir(parents=True)
    (tmp_path / "debug" / "build" / "pyo3-ffi-x" / "output").write_text("cargo:PYO3_CONFIG=zz\n")
    assert recorded.last_build(tmp_path) is None
