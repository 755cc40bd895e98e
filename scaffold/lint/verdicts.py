"""Remembered clean verdicts of `fix-features --check`, after ruff's cache.

A clean `--check` records every input it touched: the files it opened (manifests,
pyproject.toml, setup.py, build.rs, Rust sources, `.cargo/config.toml`, Cargo.lock, ...; by
the interpreter's `open` audit event), the directories it listed (member globs, source scans:
`os.scandir`/`os.listdir` events), and every path whose existence it asked (`os.stat` and
`os.lstat`, wrapped while recording), whose kind (missing, file, directory, symlink) is then
part of the verdict. The verdict is stored in the user cache dir (`--check` writes nothing into the
project), keyed by the tool version and its source files' sizes and mtimes, the interpreter,
the arguments and working directory, and the Cargo/Rust/PyO3/maturin environment variables.

The next identical `--check` stats each recorded file: size, mtime, ctime and inode unchanged
mean contents unchanged (a write always sets the ctime, which `os.utime` cannot restore).
Files changed within 2 s of the recording, where one timestamp tick could hide an edit (git's
"racily clean" entries), and every file on Windows, are read again and compared by size and
CRC-32. It lists each recorded directory again (names, kinds), stats each
probed path, and when nothing differs prints the recorded output without importing argparse,
pathlib, the TOML parser or the rules. Imports here are os, sys, zlib and marshal only. `--no-cache`
bypasses it. A check that finds an error stops recording there (`stop()`): it exits 1 and
stores nothing, so the rest of it runs at `--no-cache`'s cost.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib

TYPE_CHECKING = False  # not typing's: no import beyond os, sys, zlib and marshal here
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TextIO

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_VALUED = ("--select", "--ignore")
_ENV_PREFIXES = ("CARGO", "RUST", "PYO3", "MATURIN", "VIRTUAL_ENV", "HOME", "XDG_CONFIG_HOME")
_SKIP_SUFFIXES = (".pyc", ".pyo", ".so", ".pth", ".pyd")  # setup.py is an input

_active: Recorder | None = None
_hooked = False


def key(argv: list[str]) -> str | None:
    """The cache key of `fix-features --check [--select X] [--ignore X] [PATH]`; None for any
    other command line (those are never cached)."""
    if argv[:1] != ["fix-features"] or "--check" not in argv:
        return None
    positional = 0
    rest = iter(argv[1:])
    for arg in rest:
        if arg == "--check" or arg.startswith(tuple(f"{v}=" for v in _VALUED)):
            continue
        if arg in _VALUED:
            if next(rest, None) is None:
                return None
        elif arg.startswith("-") or positional:
            return None
        else:
            positional += 1
    from scaffold import __version__

    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES))
    return repr(
        (__version__, _package_stamp(), sys.version, sys.executable, argv, os.getcwd(), environment)
    )


def _package_stamp() -> list[tuple[str, int, int]]:
    """Size and mtime of the tool's own modules (an editable install changes without a new
    version)."""
    stamp = []
    pending = [_PACKAGE]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.name != "__pycache__" and not entry.name.startswith((".", "_")):
                        pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    stamp.append((entry.path, info.st_size, info.st_mtime_ns))
    return sorted(stamp)


def _file(path: str) -> tuple[int, int] | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return len(data), zlib.crc32(data)


# A file whose status changed less than this before the verdict was stored is "racy" (git's
# word): an edit within the same timestamp tick would leave its stamp unchanged, so its
# contents are compared on every replay.
_RACY_NS = 2_000_000_000


def _stamp(path: str) -> tuple[int, int, int, int] | None:
    """(size, mtime, ctime, inode): any write changes the ctime, which `os.utime` cannot set
    back. None where ctime is not the change time (Windows: creation time)."""
    if os.name == "nt":
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def _unchanged(path: str, digest: tuple[int, int] | None, stamp: tuple | None) -> bool:
    """The stamp when it was recorded and still matches, else the contents (size, CRC-32)."""
    return (stamp is not None and _stamp(path) == stamp) or _file(path) == digest


def _listing(path: str) -> int | None:
    try:
        with os.scandir(path) as entries:
            names = sorted(f"{e.name}\0{e.is_dir()}{e.is_symlink()}" for e in entries)
    except OSError:
        return None
    return zlib.crc32("\n".join(names).encode("utf-8", "surrogateescape"))


def _kind(path: str) -> int:
    """0 missing, 1 file, 2 directory, 3 other; +4 when the path itself is a symlink. One
    `lstat`, and a `stat` only for a symlink."""
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):
        return 0
    link = (mode & 0o170000) == 0o120000
    if link:
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            return 4  # a dangling link
    kind = 1 if (mode & 0o170000) == 0o100000 else 2 if (mode & 0o170000) == 0o040000 else 3
    return kind + 4 * link


def _store(cache_key: str) -> str:
    from scaffold.user_cache import location

    return location("verdicts", f"{zlib.crc32(cache_key.encode()):08x}.marshal")


def replay(cache_key: str) -> tuple[str, str] | None:
    """The remembered output (stdout, stderr) when every recorded input is unchanged."""
    try:
        with open(_store(cache_key), "rb") as handle:
            stored_key, files, dirs, probes, out, err = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if stored_key != cache_key:
        return None
    if not all(_unchanged(path, digest, stamp) for path, digest, stamp in files):
        return None
    if any(_listing(path) != digest for path, digest in dirs):
        return None
    if any(_kind(path) != kind for path, kind in probes):
        return None
    return out, err


def stop() -> None:
    """Stop recording the running check's inputs: it found an error, so it exits 1 and its
    verdict is never stored. The rest of the check runs without the hooks' cost."""
    if _active is not None:
        _active.stop()


class _Tee:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _audit(event: str, args: tuple) -> None:
    recorder = _active
    if recorder is None:
        return
    path = args[0]
    if (
        event == "open"
        and isinstance(path, (str, bytes))
        and (args[1] is None or "r" in str(args[1]))
    ):
        recorder.opened.append(path)
    elif event in ("os.listdir", "os.scandir") and isinstance(path, (str, bytes, os.PathLike)):
        recorder.listed.append(path)


class Recorder:
    """Records a `--check`'s inputs and output; `save()` stores them as a clean verdict."""

    def __init__(self, cache_key: str) -> None:
        self.key = cache_key
        self.opened: list = []
        self.listed: list = []
        self.probed: list = []
        self.stopped = False

    def __enter__(self) -> Recorder:
        global _active, _hooked
        if not _hooked:
            sys.addaudithook(_audit)
            _hooked = True
        self._saved = os.stat, os.lstat, sys.stdout, sys.stderr
        os.stat, os.lstat = self._probe(os.stat), self._probe(os.lstat)
        self._tees = _Tee(sys.stdout), _Tee(sys.stderr)
        sys.stdout, sys.stderr = self._tees
        _active = self
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        _active = None
        self.out, self.err = ("".join(tee.parts) for tee in self._tees)
        os.stat, os.lstat, sys.stdout, sys.stderr = self._saved

    def stop(self) -> None:
        """Record no more inputs (the output still is); `save()` then stores nothing."""
        global _active
        _active = None
        self.stopped = True
        os.stat, os.lstat = self._saved[:2]

    def _probe(self, real: Callable[..., os.stat_result]) -> Callable[..., os.stat_result]:
        record = self.probed.append  # filtered in save(): a check that fails never pays

        def probe(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
            record(path)
            return real(path, *args, **kwargs)

        return probe

    def save(self) -> None:
        """Store the verdict (best effort: a cache that cannot be written is no error)."""
        if self.stopped:  # its inputs were not all recorded
            return

        def absolute(path: str | bytes | os.PathLike) -> str:
            return os.path.abspath(os.fsdecode(path))

        ignored = tuple(
            {
                sys.prefix,
                sys.base_prefix,
                sys.exec_prefix,
                _PACKAGE,
                os.path.dirname(_store(self.key)),
            }
        )

        def wanted(path: str) -> bool:
            return not path.endswith(_SKIP_SUFFIXES) and not any(
                path == root or path.startswith(root + os.sep) for root in ignored
            )

        files = {p for p in map(absolute, self.opened) if wanted(p)}
        dirs = {p for p in map(absolute, self.listed) if wanted(p)}
        paths = (p for p in self.probed if isinstance(p, (str, bytes, os.PathLike)))  # not fds
        probed = {p for p in map(absolute, paths) if wanted(p)}
        target = _store(self.key)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(f"{target}.{os.getpid()}.now", "wb") as clock:  # the file system's now
                now = os.fstat(clock.fileno()).st_ctime_ns
            os.remove(clock.name)
        except OSError:
            return

        def stamp(path: str) -> tuple[int, int, int, int] | None:
            found = _stamp(path)
            return found if found is not None and found[2] < now - _RACY_NS else None

        record = (
            self.key,
            sorted((p, _file(p), stamp(p)) for p in files if os.path.isfile(p)),
            sorted((p, _listing(p)) for p in dirs),
            sorted((p, _kind(p)) for p in probed),
            self.out,
            self.err,
        )
        try:
            temporary = f"{target}.{os.getpid()}.tmp"
            with open(temporary, "wb") as handle:
                marshal.dump(record, handle)
            os.replace(temporary, target)
        except OSError:
            pass
