"""`profile`: the profiler crate recorded and rendered as a flamegraph."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scaffold.api._shared import _collect, _path

if TYPE_CHECKING:
    from pathlib import Path

    from scaffold.api._shared import StrPath
    from scaffold.profiling.folded import Profile
    from scaffold.profiling.recorders import Recording


@dataclass
class Profiled:
    """What `profile` recorded."""

    recorder: str  # perf, py-spy or callgrind
    profile: Profile  # the samples: totals per frame, `hottest()`
    is_library: Callable[[str], bool]  # whether a frame is the library's own code
    library: str  # the profiled library crate
    flamegraph: Path | None  # None: callgrind, which records no stacks
    auto: bool  # the recorder was chosen (`recorder="auto"`)
    samples: int | None = None  # stacks sampled (perf, py-spy); None: callgrind counts all
    output: str = ""  # what the profiler printed on stdout
    errors: str = ""  # ... and on stderr
    skipped: list[str] = field(default_factory=list)  # recorders passed over, and why
    notes: list[str] = field(default_factory=list)  # for the user, in order

    @property
    def exit_code(self) -> int:
        """1 when `auto` could only make a text profile (callgrind), else 0."""
        return 1 if self.flamegraph is None and self.auto else 0


def profile(
    *,
    path: StrPath = ".",
    profiler: str | None = None,
    recorder: str = "auto",
    iterations: int | None = None,
    seconds: float | None = None,
    python: str | None = None,
    args: list[str] | None = None,
    output: StrPath | None = None,
    install: bool = False,
    confirm: Callable[[str], bool] | None = None,
    on_note: Callable[[str], None] | None = None,
    on_recording: Callable[[Recording], None] | None = None,
) -> Profiled:
    """Build the profiler crate of the workspace at `path` (`profiler`: its name when there
    are several), run it under a recorder, and render a flamegraph to `output` (relative to
    the current directory; by default `flamegraph.svg` beside the profiler binary, under the
    target directory, so a run leaves the project clean). The profiler gets
    `--iterations N` or `--seconds S` (how long each workload runs; the generated profiler's
    default, 1.5 s each, gives some 3,000 perf samples), `--python CODE` (its Python workload,
    py-spy first) and `args`.
    `recorder`: perf, py-spy, callgrind, or auto (the first that works). `install`: install
    the renderer (inferno) without asking, else `confirm(question)` decides (the CLI asks on a
    terminal). `on_note` sees each note,
    `on_recording` the recording (the profiler's own output), as they happen."""
    import tempfile
    from pathlib import Path

    from scaffold.errors import UserError
    from scaffold.profiling import folded, inferno, recorders, session, target
    from scaffold.workspace.loader import load

    given = _path(output) if output is not None else None
    destination = None if given is None else given if given.is_absolute() else Path.cwd() / given
    if given is not None and destination is not None and not destination.parent.is_dir():
        raise UserError(
            f"{given}: its directory does not exist", "create it or pass another --output"
        )
    if recorder not in session.RECORDERS:
        raise UserError(
            f"unknown recorder {recorder!r}", f"pass one of {', '.join(session.RECORDERS)}"
        )
    notes: list[str] = []
    note = _collect(notes, on_note)
    program_args = [
        *(["--iterations", str(iterations)] if iterations is not None else []),
        *(["--seconds", f"{seconds:g}"] if seconds is not None else []),
        *(["--python", python] if python is not None else []),
        *(args or []),
    ]
    ws = load(_path(path))
    chosen = target.find(ws, profiler)
    skipped: list[str] = []
    names = session.installed(session.order(recorder, python is not None), skipped)
    renderer = None
    if any(name != "callgrind" for name in names):
        renderer = inferno.ensure(install, confirm, note)
    binary = target.build(ws, chosen, note)
    destination = destination or binary.parent / "flamegraph.svg"
    program = recorders.Program(binary, program_args, ws.root)
    library = chosen.library
    # Frames of every crate of the workspace are the project's own (a core crate, the library).
    crates = sorted(ws.members, key=lambda c: c is not chosen.library)
    is_library = folded.library_matcher(
        [c.lib_name for c in crates],
        [
            p.relative_to(ws.root).as_posix()
            for c in crates
            for p in c.rust_sources()
            if p.is_relative_to(ws.root)
        ],
    )
    with tempfile.TemporaryDirectory(prefix="scaffold-profile-") as scratch:
        recording = session.record(
            names, recorder == "auto", program, Path(scratch), renderer, skipped, note
        )
        if on_recording is not None:
            on_recording(recording)
        flamegraph = None
        if recording.folded is not None:
            found = folded.read(recording.folded, skip_root=recording.recorder == "perf")
            if found.total == 0:
                raise UserError(
                    f"{recording.recorder} recorded no samples",
                    "run more iterations (--iterations N)",
                )
            assert renderer is not None  # found for every recorder but callgrind
            session.render(renderer, recording, destination, chosen.profiler.name)
            flamegraph = destination
        else:
            found = folded.Profile(recording.total, recording.self_time, recording.total_time)
    return Profiled(
        recording.recorder,
        found,
        is_library,
        library.name,
        flamegraph,
        recorder == "auto",
        recording.samples,
        recording.output,
        recording.errors,
        skipped,
        notes,
    )
