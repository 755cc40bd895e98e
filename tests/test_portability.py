"""The tool's own Python runs on Linux, macOS and Windows (issue 27).

Grep-style checks over `scaffold/` (with `ast`, so comments and strings never count): POSIX-only
calls stay in the modules allowed to have them, every text file is read and written with an
explicit encoding, and every text-mode subprocess names its encoding (Windows' default is the
ANSI code page). Then the code that branches on the platform, run here for every platform value:
the user cache, doctor's libpython lookup (macOS frameworks, Windows DLLs), the loader variable
and its shell line, the interpreter PyO3 picks in a venv, and Windows paths in TOML strings.
"""

from __future__ import annotations

import ast
import os
import sys
import tomllib
from pathlib import Path, PureWindowsPath

import platformdirs.windows
import pytest
from platformdirs.macos import MacOS
from platformdirs.unix import Unix

from scaffold import user_cache
from scaffold.doctor import link_checks
from scaffold.doctor.findings import Report
from scaffold.probes import interpreter, libpython
from scaffold.probes.probe import Interpreter
from scaffold.toml.cargo_config import with_linker
from tests.conftest import REPO

PACKAGE = REPO / "scaffold"
POSIX_MODULES = {"fcntl", "pwd", "grp", "resource", "termios", "tty", "pty", "posix", "crypt"}
POSIX_ATTRIBUTES = {
    "os": {
        "fork",
        "forkpty",
        "getuid",
        "geteuid",
        "getgid",
        "getegid",
        "setuid",
        "setsid",
        "killpg",
        "getpgid",
        "setpgrp",
        "uname",
        "sync",
        "O_DIRECTORY",
        "O_NOFOLLOW",
        "mkfifo",
        "chown",
        "lchown",
        "wait3",
        "wait4",
        "WNOHANG",
        "statvfs",
        "sysconf",
        "nice",
        "getloadavg",
        "pipe2",
    },
    "signal": {
        "SIGKILL",
        "SIGHUP",
        "SIGQUIT",
        "SIGUSR1",
        "SIGUSR2",
        "SIGCHLD",
        "SIGALRM",
        "SIGSTOP",
        "SIGPIPE",
        "alarm",
        "setitimer",
        "pause",
    },
}
POSIX_KEYWORDS = {"preexec_fn", "start_new_session", "pass_fds"}
# module (relative to scaffold/) -> the POSIX-only names it may use, and why it is safe there.
ALLOWED = {
    # `os.uname` behind `hasattr(os, "uname")`; Windows reads PROCESSOR_ARCHITECTURE.
    "workspace/platform.py": {"os.uname"},
}


def modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def posix_only_names(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] in POSIX_MODULES}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in POSIX_MODULES:
                found.add(node.module)
            for owner, names in POSIX_ATTRIBUTES.items():
                if node.module == owner:
                    found |= {f"{owner}.{a.name}" for a in node.names if a.name in names}
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in POSIX_ATTRIBUTES.get(node.value.id, ()):
                found.add(f"{node.value.id}.{node.attr}")
        elif isinstance(node, ast.keyword):
            if node.arg in POSIX_KEYWORDS:
                found.add(f"{node.arg}=")
            if node.arg == "shell" and not (
                isinstance(node.value, ast.Constant) and node.value.value is False
            ):
                found.add("shell=True")  # a shell's quoting differs between cmd.exe and sh
    return found


def test_posix_only_calls_stay_in_their_modules():
    found = {name: names for name, tree in modules() if (names := posix_only_names(tree))}
    assert found == ALLOWED


def test_the_scan_sees_what_it_forbids():
    """The checker itself finds each kind it rejects (a scan that sees nothing passes anyway)."""
    source = """
import fcntl, pwd
from resource import getrlimit
from os import fork
import os, signal, subprocess
os.getuid(); os.kill(1, signal.SIGKILL)
subprocess.run("ls", shell=True, preexec_fn=None)
subprocess.run(["ls"], shell=False)
"""
    assert posix_only_names(ast.parse(source)) == {
        "fcntl",
        "pwd",
        "resource",
        "os.fork",
        "os.getuid",
        "signal.SIGKILL",
        "shell=True",
        "preexec_fn=",
    }


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return f"{owner}.{func.attr}" if owner in ("os", "subprocess") else func.attr
    return func.id if isinstance(func, ast.Name) else None


def text_without_encoding(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, call) of text I/O that leaves the encoding to the platform's default."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        keywords = {k.arg: k.value for k in node.keywords}
        if "encoding" in keywords:
            continue
        if name in ("read_text", "write_text"):
            found.append((node.lineno, name))
        elif name in ("open", "fdopen", "os.fdopen"):
            # the mode follows the file: open(file, mode), os.fdopen(fd, mode), path.open(mode)
            at = 0 if name in ("open", "fdopen") and isinstance(node.func, ast.Attribute) else 1
            mode = keywords.get("mode", node.args[at] if len(node.args) > at else None)
            binary = isinstance(mode, ast.Constant) and "b" in str(mode.value)
            if not binary:
                found.append((node.lineno, name))
        elif name and name.split(".")[-1] in ("run", "Popen", "check_output"):
            text = keywords.get("text") or keywords.get("universal_newlines")
            if isinstance(text, ast.Constant) and text.value:
                found.append((node.lineno, f"{name}(text=True)"))
    return found


def test_text_is_read_and_written_with_an_explicit_encoding():
    found = {name: calls for name, tree in modules() if (calls := text_without_encoding(tree))}
    assert found == {}


def test_the_encoding_scan_sees_what_it_forbids():
    source = """
import os, subprocess
from pathlib import Path
Path("a").read_text(); Path("a").write_text("x", encoding="utf-8")
open("a", "w"); open("a", "rb"); Path("a").open("w"); Path("a").open("wb")
os.fdopen(3, "w", encoding="utf-8"); os.open("a", os.O_RDONLY)
subprocess.run(["x"], text=True); subprocess.run(["x"], encoding="utf-8")
"""
    assert [call for _, call in text_without_encoding(ast.parse(source))] == [
        "read_text",
        "open",
        "open",
        "subprocess.run(text=True)",
    ]


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    for name in ("SCAFFOLD_CACHE_DIR", "XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_user_cache_is_where_platformdirs_puts_it(platform, home, monkeypatch):
    """The platform's cache folder, as platformdirs answers it (the tool does not import
    platformdirs: it loads pathlib, which `fix-features --check`'s fast path avoids)."""
    monkeypatch.setattr(sys, "platform", platform)
    if platform == "win32":
        monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
        # platformdirs asks Windows' shell API; elsewhere the environment says the same.
        monkeypatch.setattr(
            platformdirs.windows,
            "get_win_folder",
            platformdirs.windows.get_win_folder_from_env_vars,
        )
        expected = platformdirs.windows.Windows("pyo3-scaffold", appauthor=False).user_cache_dir
    elif platform == "darwin":
        expected = MacOS("pyo3-scaffold").user_cache_dir
    else:
        expected = Unix("pyo3-scaffold").user_cache_dir
    assert os.path.normpath(user_cache.base()) == os.path.normpath(expected)
    assert user_cache.location("locks", "x.lock") == os.path.join(expected, "locks", "x.lock")
    # An explicit XDG_CACHE_HOME wins everywhere; SCAFFOLD_CACHE_DIR over it.
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg"))
    assert user_cache.base() == os.path.join(str(home / "xdg"), "pyo3-scaffold")
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(home / "mine"))
    assert user_cache.base() == str(home / "mine")


def _interp(base: str, framework: str | None = None) -> Interpreter:
    return Interpreter(
        executable=f"{base}/python",
        version=(3, 12, 4),
        implementation="CPython",
        base_prefix=base,
        libdir=None,
        ldlibrary=None,
        instsoname=None,
        shared=True,
        framework_prefix=framework,
    )


def test_doctor_finds_a_macos_framework_libpython(monkeypatch):
    """A framework build's libpython is the framework; dyld's variable is the fix's."""
    monkeypatch.setattr(link_checks, "PLATFORM", "darwin")
    frameworks = "/Library/Frameworks"
    report = Report()
    link_checks.check_libpython(report, _interp("/usr/local/python", frameworks), {}, None)
    (check,) = report.checks
    assert check.message.startswith(f"shared Python.framework in {frameworks}, outside")
    assert "need DYLD_LIBRARY_PATH" in check.message
    assert report.exports == [
        f'export DYLD_LIBRARY_PATH={frameworks}"${{DYLD_LIBRARY_PATH:+:$DYLD_LIBRARY_PATH}}"'
    ]
    # On the loader path (DYLD_LIBRARY_PATH or dyld's fallback folders): nothing to do.
    report = Report()
    environ = {"DYLD_LIBRARY_PATH": frameworks}
    link_checks.check_libpython(report, _interp("/x", frameworks), environ, None)
    assert report.checks[0].verdict == "ok" and report.exports == []
    home_lib = str(Path.home() / "lib")
    assert libpython.loader_dirs({}, "darwin") == [home_lib, "/usr/local/lib", "/usr/lib"]


def test_doctor_finds_a_windows_dll_and_puts_it_on_path(monkeypatch):
    """Windows loads python3X.dll from the executable's folder and PATH; the fix is PATH's."""
    monkeypatch.setattr(link_checks, "PLATFORM", "win32")
    base = r"C:\Program Files\Python312"
    found = libpython.locate(_interp(base), "win32")
    assert (found.directory, found.name) == (Path(base), "python312.dll")
    report = Report()
    link_checks.check_libpython(report, _interp(base), {"PATH": r"C:\Windows"}, None)
    assert report.checks[0].message.startswith(f"shared python312.dll in {Path(base)}, outside")
    assert "need PATH" in report.checks[0].message
    assert report.exports == [f"set PATH={Path(base)};%PATH%"]
    assert libpython.loader_dirs({"PATH": os.pathsep.join(["a", "b"])}, "win32") == ["a", "b"]


@pytest.mark.parametrize(
    ("platform", "variable"),
    [("linux", "LD_LIBRARY_PATH"), ("darwin", "DYLD_LIBRARY_PATH"), ("win32", "PATH")],
)
def test_loader_variable_per_platform(platform, variable):
    assert libpython.loader_variable(platform) == variable
    line = libpython.export_line(Path("/opt/py/lib"), platform)
    assert variable in line


@pytest.mark.parametrize(
    ("windows", "relative"), [(True, "Scripts/python.exe"), (False, "bin/python")]
)
def test_a_venv_interpreter_where_pyo3_looks_for_it(windows, relative, tmp_path):
    """PyO3's build script takes VIRTUAL_ENV's `Scripts\\python.exe` on Windows, `bin/python`
    elsewhere (pyo3-build-config's `find_interpreter`)."""
    exe = tmp_path / relative
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"")
    choice = interpreter.find({"VIRTUAL_ENV": str(tmp_path), "PATH": ""}, windows=windows)
    assert (choice.source, choice.path) == ("VIRTUAL_ENV", str(exe))
    other = interpreter.find({"VIRTUAL_ENV": str(tmp_path), "PATH": ""}, windows=not windows)
    assert other.path is None  # the other layout's file is not there


@pytest.mark.parametrize("existing", [None, '[target.x86_64-pc-windows-msvc]\nrunner = "wine"\n'])
def test_windows_paths_in_toml_strings_keep_their_backslashes(existing, tmp_path):
    """A Windows linker path (backslashes, spaces) written to .cargo/config.toml reads back as
    the same string (TOML basic strings escape backslashes)."""
    linker = str(PureWindowsPath(r"C:\Program Files\LLVM\bin\lld-link.exe"))
    path = tmp_path / "config.toml"
    if existing is not None:
        path.write_text(existing, encoding="utf-8")
    text, previous = with_linker(path, "x86_64-pc-windows-msvc", linker)
    assert previous is None
    table = tomllib.loads(text)["target"]["x86_64-pc-windows-msvc"]
    assert table["linker"] == linker
    if existing is not None:
        assert table["runner"] == "wine"
