"""The ELF reader on real binaries linked by gcc, and on synthetic 32-bit / big-endian files."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from scaffold.probes import elf

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")


def _compile(tmp_path: Path, *flags: str) -> Path:
    source = tmp_path / "main.c"
    source.write_text("int main(void) { return 0; }\n")
    out = tmp_path / "main"
    subprocess.run(["gcc", str(source), "-o", str(out), *flags], check=True)
    return out


@needs_gcc
def test_runpath_of_a_real_binary(tmp_path):
    binary = _compile(tmp_path, "-Wl,-rpath,/opt/py/lib:$ORIGIN/../lib", "-Wl,--enable-new-dtags")
    info = elf.read(binary)
    assert info.bits == struct.calcsize("P") * 8
    assert info.runpath == ["/opt/py/lib", "$ORIGIN/../lib"]
    assert info.rpath == []
    assert any(n.startswith("libc.so") for n in info.needed)
    assert info.search_dirs() == ["/opt/py/lib", f"{tmp_path}/../lib"]


@needs_gcc
def test_old_style_rpath(tmp_path):
    binary = _compile(tmp_path, "-Wl,-rpath,/opt/old", "-Wl,--disable-new-dtags")
    info = elf.read(binary)
    assert info.rpath == ["/opt/old"] and info.runpath == []
    assert info.search_dirs() == ["/opt/old"]


@needs_gcc
def test_no_rpath(tmp_path):
    info = elf.read(_compile(tmp_path))
    assert info.rpath == info.runpath == [] and info.search_dirs() == []


def synthetic(bits: int, endian: str, strings: dict[int, str]) -> bytes:
    """A minimal ELF: one PT_LOAD mapping the file at 0x1000, one PT_DYNAMIC, a string table."""
    order = "<" if endian == "little" else ">"
    ehdr, phdr, dyn = (
        ("HHIIIIIHHHHHH", "IIIIIIII", "iI") if bits == 32 else ("HHIQQQIHHHHHH", "IIQQQQQQ", "qQ")
    )
    ehsize = 16 + struct.calcsize(order + ehdr)
    phentsize = struct.calcsize(order + phdr)
    strtab = b"\0"
    offsets = {}
    for tag, text in strings.items():
        offsets[tag, text] = len(strtab)
        strtab += text.encode() + b"\0"
    dyn_offset = ehsize + 2 * phentsize
    entries = [(tag, offsets[tag, text]) for tag, text in strings.items()]
    str_offset = dyn_offset + struct.calcsize(order + dyn) * (len(entries) + 2)
    entries += [(elf.DT_STRTAB, 0x1000 + str_offset), (elf.DT_NULL, 0)]
    dynamic = b"".join(struct.pack(order + dyn, t, v) for t, v in entries)
    size = str_offset + len(strtab)
    ident = b"\x7fELF" + bytes([1 if bits == 32 else 2, 1 if endian == "little" else 2, 1])
    ident += b"\0" * (16 - len(ident))
    header = ident + struct.pack(
        order + ehdr, 2, 0, 1, 0, ehsize, 0, 0, ehsize, phentsize, 2, 0, 0, 0
    )

    def program(p_type, offset, vaddr, filesz):
        if bits == 32:
            return struct.pack(order + phdr, p_type, offset, vaddr, vaddr, filesz, filesz, 0, 0)
        return struct.pack(order + phdr, p_type, 0, offset, vaddr, vaddr, filesz, filesz, 0)

    load = program(elf.PT_LOAD, 0, 0x1000, size)
    dynamic_ph = program(elf.PT_DYNAMIC, dyn_offset, 0x1000 + dyn_offset, len(dynamic))
    return header + load + dynamic_ph + dynamic + strtab


@pytest.mark.parametrize("bits,endian", [(32, "big"), (32, "little"), (64, "big")])
def test_synthetic_headers(tmp_path, bits, endian):
    path = tmp_path / "lib.so"
    path.write_bytes(
        synthetic(
            bits,
            endian,
            {
                elf.DT_NEEDED: "libpython3.11.so.1.0",
                elf.DT_RUNPATH: "$ORIGIN:/x",
                elf.DT_RPATH: "/y",
            },
        )
    )
    info = elf.read(path)
    assert (info.bits, info.endian) == (bits, endian)
    assert info.needed == ["libpython3.11.so.1.0"]
    assert info.runpath == ["$ORIGIN", "/x"] and info.rpath == ["/y"]
    # RUNPATH present: RPATH is ignored, as ld.so does
    assert info.search_dirs() == [str(tmp_path), "/x"]


def test_not_elf_and_truncated(tmp_path):
    text = tmp_path / "script.sh"
    text.write_text("#!/bin/sh\n")
    with pytest.raises(elf.ElfError, match="not an ELF file"):
        elf.read(text)
    cut = tmp_path / "cut"
    cut.write_bytes(synthetic(64, "little", {elf.DT_NEEDED: "libc.so.6"})[:70])
    with pytest.raises(elf.ElfError, match="truncated"):
        elf.read(cut)
    with pytest.raises(elf.ElfError, match="cannot be read"):
        elf.read(tmp_path / "missing")
