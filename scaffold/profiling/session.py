"""`scaffold profile`'s session: the recorders to try, in order and installed, the first
recording that works, and the flamegraph rendered into place (no partial SVG is left)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from scaffold.errors import UserError
from scaffold.profiling import recorders
from scaffold.profiling.inferno import Inferno
from scaffold.profiling.recorders import Program, Recording

RECORDERS = ("auto", "perf", "py-spy", "callgrind")


def order(recorder: str, python_code: bool) -> list[str]:
    """The recorders to try: the one asked for, or `auto`'s order (py-spy first for Python
    code)."""
    if recorder != "auto":
        return [recorder]
    return ["py-spy", "perf", "callgrind"] if python_code else ["perf", "py-spy", "callgrind"]


def installed(names: list[str], skipped: list[str]) -> list[str]:
    """The recorders of `names` that are installed, checked before anything is built. A missing
    explicit choice is an error; `auto` notes it and goes on (in `skipped`)."""
    found = []
    for name in names:
        try:
            recorders.executable("valgrind" if name == "callgrind" else name)
            found.append(name)
        except recorders.CannotRecord as error:
            if len(names) == 1:
                raise
            skipped.append(f"{name}: {error.message}; {error.hint}")
    if not found:
        raise UserError("no recorder is installed: " + "; ".join(skipped))
    return found


def record(
    names: list[str],
    auto: bool,
    program: Program,
    scratch: Path,
    renderer: Inferno | None,
    skipped: list[str],
    note: Callable[[str], None],
) -> Recording:
    """The first recording that works: `auto` goes on past a recorder that is not permitted
    (`note` tells the user as it happens)."""
    for name in names:
        try:
            if name == "perf":
                assert renderer is not None  # found for every recorder but callgrind
                recording = recorders.perf(program, scratch, renderer.collapse_perf, note)
            elif name == "py-spy":
                recording = recorders.py_spy(program, scratch, _loader(program.binary), note)
            else:
                recording = recorders.callgrind(program, scratch, note)
        except recorders.CannotRecord as error:
            if not auto:
                raise
            skipped.append(f"{name}: {error.message}; {error.hint}")
            note(f"{name} cannot record here: {error.message}")
            continue
        if auto:
            note(f"recorder: {name} (--recorder auto)")
        if recording.left_out:
            note(
                f"note: {len(recording.left_out)} functions in call cycles (e.g. "
                f"{recording.left_out[0]}) are left out of the total-time list: "
                "callgrind_annotate counts their recursion once per level"
            )
        return recording
    raise UserError("no recorder can run here: " + "; ".join(skipped))


def _loader(binary: Path) -> str | None:
    """The ELF dynamic loader that runs `binary` (PT_INTERP); None where it is not ELF."""
    from scaffold.probes import elf

    try:
        return elf.read(binary).interpreter
    except elf.ElfError:
        return None


def render(renderer: Inferno, recording: Recording, output: Path, title: str) -> None:
    """Render into the scratch directory, then move into place: no partial SVG is left."""
    folded = recording.folded
    assert folded is not None  # a recorder of stacks
    svg = folded.with_suffix(".svg")
    colors = "python" if recording.recorder == "py-spy" else "rust"
    renderer.render(folded, svg, f"{title} ({recording.recorder})", colors)
    staged = output.with_name(f".{output.name}.partial")
    try:
        shutil.copyfile(svg, staged)
        os.replace(staged, output)
    except OSError as error:
        staged.unlink(missing_ok=True)
        raise UserError(
            f"{output}: cannot be written ({error.strerror})", "pass another --output"
        ) from None
