"""The one way the workspace layer sees files: the disk, under an overlay of in-memory text.

The fix loop and add-profiler plan edits and new files before anything is written; every
question about a file (does it exist, what does it hold, which `.rs` files are below a
directory) goes through a `Reader`, so those planned files count as if written. Reads go
through `open`, `os.stat` and `os.scandir`, which the clean-verdict cache records
(scaffold/lint/verdicts.py).
"""

from __future__ import annotations

import fnmatch
import glob
import os
from pathlib import Path, PurePosixPath

from scaffold.toml.textfile import TextFile


class Reader:
    """Reads TextFiles once, preferring in-memory edits (`overlay`) over disk."""

    def __init__(self, overlay: dict[Path, TextFile] | None = None) -> None:
        self.overlay = overlay if overlay is not None else {}  # shared: the caller adds to it
        self.cache: dict[Path, TextFile] = {}
        self.texts: dict[Path, str | None] = {}  # Reader.text of files on disk
        self.resolved: dict[Path, Path] = {}
        self._reals: dict[str, str] = {}  # spelled -> real, as strings
        self._paths: dict[str, Path] = {}
        self._below: dict[Path, list[Path]] = {}
        self._below_size = 0

    def _pending_below(self) -> dict[Path, list[Path]]:
        """Each directory holding pending files at any depth -> those files. The overlay only
        grows (the fix loop adds each pass's edits), so its size says when to rebuild."""
        if self._below_size != len(self.overlay):
            below: dict[Path, list[Path]] = {}
            for path in self.overlay:
                for parent in path.parents:
                    below.setdefault(parent, []).append(path)
            self._below, self._below_size = below, len(self.overlay)
        return self._below

    def resolve(self, path: Path) -> Path:
        """`path.resolve()`, remembered per path and per parent directory.

        A workspace of N members resolves thousands of paths that share their parents
        (`crates/a/../b`); `Path.resolve` lstat()s every component of each of them again.
        Here each distinct path costs one lstat: a parent is resolved once, `..` is its
        parent, and only a component that is a symbolic link goes through `Path.resolve`.
        """
        known = self.resolved.get(path)
        if known is None:
            known = self.resolved[path] = self._path(self._real(os.fspath(path)))
        return known

    def resolve_from(self, base: Path, relative: str) -> Path:
        """`(base / relative).resolve()`, a path dependency's target, in strings: no Path is
        built per step (pathlib's parsing was a third of a large workspace's load)."""
        return self._path(self._real(os.path.join(os.fspath(base), relative)))

    def _real(self, path: str) -> str:
        known = self._reals.get(path)
        if known is not None:
            return known
        parent, name = os.path.split(path)
        if not os.path.isabs(path) or parent == path or not name:
            known = os.fspath(Path(path).resolve())  # relative, a root, a trailing separator
        elif name == os.pardir:
            known = os.path.dirname(self._real(parent))
        elif name == os.curdir:
            known = self._real(parent)
        else:
            candidate = os.path.join(self._real(parent), name)
            known = self._reals.get(candidate)  # the same path spelled another way
            if known is None:
                link = os.path.islink(candidate)
                known = os.fspath(Path(candidate).resolve()) if link else candidate
                self._reals[candidate] = known
        self._reals[path] = known
        self._reals.setdefault(known, known)  # a real path is its own: its files ask again
        return known

    def _path(self, real: str) -> Path:
        """One Path object per real path: its hash is computed once, sets and dicts of them
        (members, path-dependency targets) compare cheaply."""
        known = self._paths.get(real)
        if known is None:
            known = self._paths[real] = Path(real)
        return known

    def exists(self, path: Path) -> bool:
        return path in self.overlay or path.exists()

    def is_file(self, path: Path) -> bool:
        return path in self.overlay or path.is_file()

    def is_dir(self, path: Path) -> bool:
        """A directory on disk, or one a pending file would be written into."""
        return path.is_dir() or path in self._pending_below()

    def glob(self, pattern: str) -> list[Path]:
        """Directories matching `pattern` on disk or holding a pending (overlay) manifest."""
        found = {self.resolve(Path(p)) for p in glob.glob(pattern)}
        found |= {
            p.parent
            for p in self.overlay
            if p.name == "Cargo.toml" and fnmatch.fnmatch(str(p.parent), pattern)
        }
        return sorted(found)

    def files(self, directory: Path, pattern: str, recursive: bool = False) -> list[Path]:
        """Paths below `directory` matching `pattern` (`Path.glob`, or `Path.rglob` when
        `recursive`), on disk or pending, sorted."""
        found = (
            set(directory.rglob(pattern) if recursive else directory.glob(pattern))
            if directory.is_dir()
            else set()
        )
        depth = len(PurePosixPath(pattern).parts)
        for path in self._pending_below().get(directory, ()):
            relative = PurePosixPath(path.relative_to(directory).as_posix())
            if (recursive and fnmatch.fnmatch(path.name, pattern)) or (
                len(relative.parts) == depth and relative.match(pattern)
            ):
                found.add(path)
        return sorted(found)

    def read(self, path: Path) -> TextFile:
        if path in self.overlay:
            return self.overlay[path]
        if path not in self.cache:
            self.cache[path] = TextFile.read(path)
        return self.cache[path]

    def text(self, path: Path) -> str | None:
        """A file's current text, undecodable bytes replaced (Rust sources, build scripts), or
        None when it does not exist."""
        if path in self.overlay:
            return self.overlay[path].text
        if path not in self.texts:  # read once: a crate's module tree, then its #[pymodule]s
            try:
                self.texts[path] = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                self.texts[path] = None
        return self.texts[path]

    def data(self, path: Path) -> bytes:
        """A file's current bytes (setup.py, parsed by `ast` with its coding cookie)."""
        if path in self.overlay:
            return self.overlay[path].original.encode("utf-8")
        return path.read_bytes()
