"""`scaffold profile [PATH]`: build the profiler crate, record it, and render a flamegraph.

Exit status: 0 the flamegraph is written; 1 only a text profile could be made (callgrind, after
`--recorder auto` found perf and py-spy unusable); 2 error (nothing written).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from scaffold.errors import UserError

RECORDERS = ("auto", "perf", "py-spy", "callgrind")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", type=Path,
                        help="a directory inside the Cargo workspace (default: .)")
    parser.add_argument("--profiler", metavar="NAME",
                        help="the profiler crate (when the workspace has several)")
    parser.add_argument("--iterations", type=_positive, metavar="N",
                        help="passed to the profiler: times each workload runs")
    parser.add_argument("--python", metavar="CODE",
                        help="passed to the profiler: the Python workload, module bound to `m`")
    parser.add_argument("--recorder", choices=RECORDERS, default="auto",
                        help="auto (default): perf, else py-spy (py-spy first with --python), "
                             "else callgrind (text only)")
    parser.add_argument("--output", "-o", type=Path, default=Path("flamegraph.svg"), metavar="FILE",
                        help="where to write the flamegraph (default: flamegraph.svg)")
    parser.add_argument("--top", type=_positive, default=10, metavar="N",
                        help="how many of the hottest frames to list (default: 10)")
    parser.add_argument("--yes", "-y", action="store_true",
                        help="install the flamegraph renderer (inferno) without asking")
    parser.epilog = "Arguments after `--` go to the profiler as they are."
    parser.set_defaults(passthrough=[])


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from scaffold.profiling import folded, inferno, recorders, target
    from scaffold.workspace.loader import load

    output = args.output if args.output.is_absolute() else Path.cwd() / args.output
    if not output.parent.is_dir():
        raise UserError(f"{args.output}: its directory does not exist",
                        "create it or pass another --output")
    ws = load(args.path)
    chosen = target.find(ws, args.profiler)
    skipped: list[str] = []
    order = _installed(_order(args.recorder, args.python is not None), skipped, recorders)
    renderer = None
    if any(name != "callgrind" for name in order):
        renderer = inferno.ensure(args.yes, sys.stdin.isatty())
    binary = target.build(ws, chosen)
    program = recorders.Program(binary, _profiler_args(args), ws.root)
    with tempfile.TemporaryDirectory(prefix="scaffold-profile-") as scratch:
        recording = _record(order, args.recorder == "auto", program, Path(scratch), renderer,
                            skipped, recorders)
        sys.stdout.write(recording.output)
        sys.stderr.write(recording.errors)
        is_library = folded.library_matcher(
            chosen.library.lib_name,
            [p.relative_to(ws.root).as_posix() for p in chosen.library.rust_sources()
             if p.is_relative_to(ws.root)])
        if recording.folded is not None:
            profile = folded.read(recording.folded, skip_root=recording.recorder == "perf")
            if profile.total == 0:
                raise UserError(f"{recording.recorder} recorded no samples",
                                "run more iterations (--iterations N)")
            _render(renderer, recording, output, chosen.profiler.name)
        else:
            profile = folded.Profile(recording.total, recording.self_time, recording.total_time)
    _summary(recording, profile, args.top, is_library, chosen.library.name)
    if recording.folded is None:
        reasons = "; ".join(skipped)
        print(f"\nno flamegraph: callgrind records call edges, not stacks"
              f"{' (' + reasons + ')' if reasons else ''}", file=sys.stderr)
        return 1 if args.recorder == "auto" else 0
    print(f"\nflamegraph: {_shown(output)}")
    return 0


def _order(recorder: str, python_code: bool) -> list[str]:
    if recorder != "auto":
        return [recorder]
    return ["py-spy", "perf", "callgrind"] if python_code else ["perf", "py-spy", "callgrind"]


def _installed(order: list[str], skipped: list[str], recorders) -> list[str]:
    """The recorders of `order` that are installed, checked before anything is built. A missing
    explicit choice is an error; `auto` notes it and goes on."""
    found = []
    for name in order:
        try:
            recorders.executable("valgrind" if name == "callgrind" else name)
            found.append(name)
        except recorders.CannotRecord as error:
            if len(order) == 1:
                raise
            skipped.append(f"{name}: {error.message}; {error.hint}")
    if not found:
        raise UserError("no recorder is installed: " + "; ".join(skipped))
    return found


def _record(order, auto: bool, program, scratch, renderer, skipped, recorders):
    """The first recording that works: `auto` goes on past a recorder that is not permitted."""
    for name in order:
        try:
            if name == "perf":
                recording = recorders.perf(program, scratch, renderer.collapse_perf)
            elif name == "py-spy":
                recording = recorders.py_spy(program, scratch, _loader(program.binary))
            else:
                recording = recorders.callgrind(program, scratch)
        except recorders.CannotRecord as error:
            if not auto:
                raise
            skipped.append(f"{name}: {error.message}; {error.hint}")
            print(f"{name} cannot record here: {error.message}", file=sys.stderr)
            continue
        if auto:
            print(f"recorder: {name} (--recorder auto)", file=sys.stderr)
        return recording
    raise UserError("no recorder can run here: " + "; ".join(skipped))


def _loader(binary: Path) -> str | None:
    """The ELF dynamic loader that runs `binary` (PT_INTERP); None where it is not ELF."""
    from scaffold.probes import elf

    try:
        return elf.read(binary).interpreter
    except elf.ElfError:
        return None


def _render(renderer, recording, output: Path, title: str) -> None:
    """Render into the scratch directory, then move into place: no partial SVG is left."""
    svg = recording.folded.with_suffix(".svg")
    colors = "python" if recording.recorder == "py-spy" else "rust"
    renderer.render(recording.folded, svg, f"{title} ({recording.recorder})", colors)
    staged = output.with_name(f".{output.name}.partial")
    try:
        shutil.copyfile(svg, staged)
        os.replace(staged, output)
    except OSError as error:
        staged.unlink(missing_ok=True)
        raise UserError(f"{output}: cannot be written ({error.strerror})",
                        "pass another --output") from None


# What the counts of each recorder are: perf weighs a sample by its event period.
UNITS = {"perf": "event counts (sample periods)", "py-spy": "samples",
         "callgrind": "instructions"}
NAME_WIDTH = 110


def _summary(recording, profile, top: int, is_library, library: str) -> None:
    total = profile.total or 1
    print(f"\n{recording.recorder}: {profile.total:,} {UNITS[recording.recorder]}; "
          f"* marks {library}'s own code")
    for by, title in (("self", "self time"), ("total", "total time")):
        print(f"\nhottest frames by {title}:")
        for frame in profile.hottest(by, top, is_library):
            mark = "*" if frame.library else " "
            name = frame.name
            if len(name) > NAME_WIDTH:
                name = name[:NAME_WIDTH - 3] + "..."
            print(f"  {100 * frame.samples / total:6.2f}%  {mark} {name}")


def _profiler_args(args: argparse.Namespace) -> list[str]:
    given = []
    if args.iterations is not None:
        given += ["--iterations", str(args.iterations)]
    if args.python is not None:
        given += ["--python", args.python]
    return given + list(args.passthrough)


def _shown(path: Path) -> str:
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else str(path)
