"""Read what the dynamic loader reads from an ELF file: DT_NEEDED, DT_RPATH, DT_RUNPATH and the
loader itself (PT_INTERP).

Parsed with `struct` from the program headers (the loader's view, so stripped section headers do
not matter), for 32- and 64-bit, little- and big-endian files. No readelf or patchelf needed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_RPATH, DT_RUNPATH = 0, 1, 5, 10, 15, 29

# (ELF header after e_ident, program header, dynamic entry) per ELF class (32 / 64 bit).
_LAYOUT = {
    1: ("HHIIIIIHHHHHH", "IIIIIIII", "iI"),
    2: ("HHIQQQIHHHHHH", "IIQQQQQQ", "qQ"),
}


class ElfError(ValueError):
    """Not an ELF file, or one too damaged to read."""


@dataclass
class ElfInfo:
    path: Path
    bits: int
    endian: str  # "little" or "big"
    needed: list[str] = field(default_factory=list)
    rpath: list[str] = field(default_factory=list)
    runpath: list[str] = field(default_factory=list)
    interpreter: str | None = None  # the dynamic loader that runs it (PT_INTERP)

    def search_dirs(self) -> list[str]:
        """The directories the file itself adds to the library search, `$ORIGIN` expanded.

        DT_RPATH is ignored when DT_RUNPATH is present (ld.so(8)).
        """
        origin = str(self.path.resolve().parent)
        entries = self.runpath or self.rpath
        return [e.replace("${ORIGIN}", origin).replace("$ORIGIN", origin) for e in entries]


def read(path: Path) -> ElfInfo:
    """Parse the dynamic section of `path`; raises ElfError for anything that is not ELF."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ElfError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        return _parse(Path(path), data)
    except ElfError:
        raise
    except (struct.error, ValueError, IndexError):
        raise ElfError(f"{path}: truncated or damaged ELF file") from None


def _parse(path: Path, data: bytes) -> ElfInfo:
    if data[:4] != b"\x7fELF":
        raise ElfError(f"{path}: not an ELF file")
    elf_class, encoding = data[4], data[5]
    if elf_class not in _LAYOUT or encoding not in (1, 2):
        raise ElfError(f"{path}: unknown ELF class {elf_class} or data encoding {encoding}")
    order = "<" if encoding == 1 else ">"
    header, phdr_fmt, dyn_fmt = (order + f for f in _LAYOUT[elf_class])
    fields = struct.unpack_from(header, data, 16)
    phoff, phentsize, phnum = fields[4], fields[8], fields[9]
    info = ElfInfo(path, 32 if elf_class == 1 else 64, "little" if encoding == 1 else "big")
    loads, dynamic = [], None
    for index in range(phnum):
        p_type, offset, vaddr, filesz = _program_header(
            struct.unpack_from(phdr_fmt, data, phoff + index * phentsize), elf_class
        )
        if p_type == PT_LOAD:
            loads.append((vaddr, offset, filesz))
        elif p_type == PT_DYNAMIC:
            dynamic = (offset, filesz)
        elif p_type == PT_INTERP:
            info.interpreter = _string(data, offset)
    if dynamic is None:
        return info  # statically linked: nothing to load
    entries = []
    size = struct.calcsize(dyn_fmt)
    for position in range(dynamic[0], dynamic[0] + dynamic[1] - size + 1, size):
        tag, value = struct.unpack_from(dyn_fmt, data, position)
        if tag == DT_NULL:
            break
        entries.append((tag, value))
    strtab = next((v for t, v in entries if t == DT_STRTAB), None)
    if strtab is None:
        return info
    base = _file_offset(strtab, loads, path)
    for tag, value in entries:
        if tag in (DT_NEEDED, DT_RPATH, DT_RUNPATH):
            text = _string(data, base + value)
            if tag == DT_NEEDED:
                info.needed.append(text)
            else:
                (info.rpath if tag == DT_RPATH else info.runpath).extend(
                    p for p in text.split(":") if p
                )
    return info


def _program_header(values: tuple, elf_class: int) -> tuple[int, int, int, int]:
    """(p_type, p_offset, p_vaddr, p_filesz): the two classes order the fields differently."""
    if elf_class == 1:
        return values[0], values[1], values[2], values[4]
    return values[0], values[2], values[3], values[5]


def _file_offset(address: int, loads: list[tuple[int, int, int]], path: Path) -> int:
    for vaddr, offset, filesz in loads:
        if vaddr <= address < vaddr + max(filesz, 1):
            return offset + address - vaddr
    raise ElfError(f"{path}: dynamic string table outside every loaded segment")


def _string(data: bytes, start: int) -> str:
    end = data.index(b"\0", start)
    return data[start:end].decode("utf-8", "surrogateescape")
