"""Locating libpython and deciding whether the loader finds it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scaffold.probes import libpython
from scaffold.probes.probe import Interpreter
from tests.conftest import posix_only


def interp(tmp_path: Path, shared: bool = True) -> Interpreter:
    lib = tmp_path / "prefix" / "lib"
    lib.mkdir(parents=True)
    (lib / "libpython3.12.so.1.0").write_bytes(b"")
    return Interpreter(
        str(tmp_path / "prefix/bin/python3"),
        (3, 12, 1),
        "CPython",
        str(tmp_path / "prefix"),
        str(lib),
        "libpython3.12.so",
        "libpython3.12.so.1.0",
        shared,
    )


def test_locate(tmp_path):
    found = libpython.locate(interp(tmp_path), "linux")
    assert (found.shared, found.directory, found.name) == (
        True,
        tmp_path / "prefix" / "lib",
        "libpython3.12.so.1.0",
    )
    assert not libpython.locate(interp(tmp_path / "static", shared=False), "linux").shared


def test_loader_dirs_follow_ld_so_conf_includes(tmp_path):
    conf = tmp_path / "ld.so.conf"
    (tmp_path / "ld.so.conf.d").mkdir()
    conf.write_text("include ld.so.conf.d/*.conf\n/opt/a # comment\n")
    (tmp_path / "ld.so.conf.d" / "x.conf").write_text("/opt/b\ninclude " + str(conf) + "\n")
    dirs = libpython.loader_dirs({"LD_LIBRARY_PATH": "/first:/second"}, "linux", conf)
    assert dirs[:4] == ["/first", "/second", "/opt/b", "/opt/a"]
    assert "/usr/lib" in dirs


@posix_only("symlinks (a privilege on Windows)")
def test_covers_resolves_symlinks(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert libpython.covers(real, [str(tmp_path / "link")])
    assert not libpython.covers(real, ["/usr/lib"])


@posix_only("the export line is POSIX sh")
def test_export_line_keeps_the_existing_value(tmp_path):
    line = libpython.export_line(Path("/opt/my python/lib"), "linux")
    out = subprocess.run(
        ["sh", "-c", f'{line}; echo "$LD_LIBRARY_PATH"'],
        env={"LD_LIBRARY_PATH": "/old"},
        capture_output=True,
        text=True,
    )
    assert out.stdout == "/opt/my python/lib:/old\n"
    out = subprocess.run(
        ["sh", "-c", f'{line}; echo "$LD_LIBRARY_PATH"'], env={}, capture_output=True, text=True
    )
    assert out.stdout == "/opt/my python/lib\n"
    assert libpython.export_line(Path("/lib"), "darwin").startswith("export DYLD_LIBRARY_PATH=")
