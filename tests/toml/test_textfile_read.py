"""`TextFile.read` reads a file by its size (no 4 MiB buffer per manifest) and still reads
everything of a file whose size the directory entry does not tell (a FIFO: size 0), up to
the limit."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest

from scaffold.errors import ManifestError
from scaffold.toml.textfile import MAX_BYTES, TextFile
from tests.conftest import posix_only

TEXT = '[package]\nname = "x"\nversion = "0.1.0"\n'


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "Cargo.toml"
    path.write_text(TEXT * 1000)
    assert TextFile.read(path).text == TEXT * 1000


def _fifo_with(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "Cargo.toml"
    os.mkfifo(path)

    def write() -> None:
        with contextlib.suppress(BrokenPipeError), open(path, "wb") as handle:
            handle.write(data)  # a broken pipe: the reader stopped at the limit

    threading.Thread(target=write, daemon=True).start()
    return path


@posix_only("FIFOs")
def test_a_file_without_a_size_is_read_on(tmp_path: Path) -> None:
    path = _fifo_with(tmp_path, TEXT.encode() * 100)
    assert TextFile.read(path).text == TEXT * 100


@posix_only("FIFOs")
def test_a_file_without_a_size_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = _fifo_with(tmp_path, b"#" * (MAX_BYTES + 10))
    with pytest.raises(ManifestError, match="MiB"):
        TextFile.read(path)
