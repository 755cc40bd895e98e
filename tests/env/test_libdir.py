"""Checking a target's Python lib dir as PyO3 searches it (PYO3_CROSS_LIB_DIR)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.cross import libdir
from scaffold.errors import UserError

SYSCONFIG = (
    "build_time_vars = {'VERSION': '%s', 'LDLIBRARY': 'libpython%s.so', "
    "'INSTSONAME': 'libpython%s.so.1.0', 'Py_GIL_DISABLED': %d}\n"
)


def target_lib(
    root: Path,
    version: str = "3.12",
    arch: str = "aarch64",
    ft: bool = False,
    libpython: bool = True,
) -> Path:
    lib = root / "lib"
    sub = lib / f"python{version}{'t' if ft else ''}"
    sub.mkdir(parents=True)
    (sub / f"_sysconfigdata__linux_{arch}-linux-gnu.py").write_text(
        SYSCONFIG % (version, version, version, ft)
    )
    if libpython:
        (lib / f"libpython{version}.so.1.0").write_bytes(b"\x7fELF")
    return lib


def test_finds_sysconfigdata_and_libpython(tmp_path):
    lib = target_lib(tmp_path)
    found = libdir.inspect(lib, "aarch64", "linux", None, "CPython")
    assert found.version == (3, 12) and not found.free_threaded
    assert found.sysconfigdata.name == "_sysconfigdata__linux_aarch64-linux-gnu.py"
    assert found.libpython == lib / "libpython3.12.so.1.0"


def test_free_threaded(tmp_path):
    found = libdir.inspect(
        target_lib(tmp_path, "3.14", ft=True), "aarch64", "linux", None, "CPython"
    )
    assert found.free_threaded


def test_several_versions_need_python_version(tmp_path):
    lib = target_lib(tmp_path, "3.12")
    target_lib(tmp_path / "other", "3.13")
    for item in (tmp_path / "other" / "lib").iterdir():
        item.rename(lib / item.name)
    with pytest.raises(UserError, match="several _sysconfigdata"):
        libdir.inspect(lib, "aarch64", "linux", None, "CPython")
    assert libdir.inspect(lib, "aarch64", "linux", (3, 13), "CPython").version == (3, 13)


def test_architecture_narrows_several_files(tmp_path):
    lib = target_lib(tmp_path, "3.12", arch="aarch64")
    (lib / "python3.12" / "_sysconfigdata__linux_x86_64-linux-gnu.py").write_text(
        SYSCONFIG % ("3.12", "3.12", "3.12", 0)
    )
    found = libdir.inspect(lib, "x86_64", "linux", None, "CPython")
    assert "x86_64" in found.sysconfigdata.name


@pytest.mark.parametrize(
    "case,message",
    [
        ("missing", "no such directory"),
        ("empty", "no _sysconfigdata"),
        ("no-libpython", "no libpython3.12 library"),
        ("wrong-version", "is Python 3.12, not 3.11"),
    ],
)
def test_what_is_missing(tmp_path, case, message):
    lib = tmp_path / "nowhere"
    version = None
    if case == "empty":
        lib.mkdir()
    elif case == "no-libpython":
        lib = target_lib(tmp_path, libpython=False)
    elif case == "wrong-version":  # a flat lib dir: the file is found whatever the version
        lib.mkdir()
        (lib / "_sysconfigdata__linux_aarch64-linux-gnu.py").write_text(
            SYSCONFIG % ("3.12", "3.12", "3.12", 0)
        )
        version = (3, 11)
    with pytest.raises(UserError, match=message):
        libdir.inspect(lib, "aarch64", "linux", version, "CPython")


def test_not_a_sysconfigdata_file(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "_sysconfigdata_x.py").write_text("import os\nbuild_time_vars = os.environ\n")
    with pytest.raises(UserError, match="no literal `build_time_vars`"):
        libdir.inspect(lib, "aarch64", "linux", None, "CPython")
