"""The recorders: how perf, py-spy and valgrind's callgrind run the profiler binary, and what
their failures mean for the user.

Each recorder writes only into the scratch directory it is given. perf and py-spy leave folded
stacks (`outer;inner COUNT` lines) for the flamegraph; callgrind records call edges, not stacks,
so it only feeds the text summary.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scaffold.errors import UserError

# Sampling rates: odd numbers so the sampler does not beat in step with a periodic workload.
PERF_FREQUENCY = 999
PY_SPY_RATE = 499

# perf_event_paranoid: Documentation/admin-guide/sysctl/kernel.rst (Debian and Ubuntu add a
# level 3+ that refuses unprivileged users); Docker's default seccomp profile lets
# perf_event_open through with CAP_PERFMON (moby/moby#43987); py-spy asks for SYS_PTRACE in
# containers (py-spy src/main.rs) and needs ptrace rights (Yama's ptrace_scope) elsewhere.
PERF_FIX = (
    "allow it with `sudo sysctl kernel.perf_event_paranoid=1` "
    "(in a container also `--cap-add PERFMON`)"
)
PTRACE_FIX = (
    "allow it with `sudo sysctl kernel.yama.ptrace_scope=0` or run as root "
    "(in Docker: `--cap-add SYS_PTRACE`)"
)
INSTALL = {
    "perf": "install perf (Debian: `apt-get install linux-perf`, "
    "Ubuntu: `apt-get install linux-tools-generic`)",
    "py-spy": "install it with `pip install py-spy`",
    "valgrind": "install it with `apt-get install valgrind`",
}
# What perf prints when perf_event_open is refused (tools/perf/util/evsel.c, evsel__open_strerror:
# "Access to performance monitoring and observability operations is limited." / "... is not
# permitted." with the perf_event_paranoid setting; "No permission to enable ... event.").
# Only perf's own phrases: the profiler may print "permission denied" for its own reasons.
_PERF_DENIED = re.compile(
    r"perf_event_paranoid|Access to performance monitoring and "
    r"observability operations|No permission to enable"
)
# py-spy's main.rs prints "Permission Denied" when it cannot read the process's memory.
_PTRACE_DENIED = re.compile(r"^Permission Denied", re.M)


class CannotRecord(UserError):
    """The recorder is missing, not allowed here, or cannot follow this profiler; `auto` tries
    the next one."""


@dataclass(frozen=True)
class Program:
    """The profiler binary, its arguments, and the workspace it runs in."""

    binary: Path
    args: list[str]
    root: Path

    @property
    def command(self) -> list[str]:
        return [str(self.binary), *self.args]


@dataclass
class Recording:
    recorder: str
    output: str  # what the profiler printed on stdout (its timings)
    errors: str = ""  # what it printed on stderr, without the recorder's own messages
    folded: Path | None = None  # perf, py-spy
    samples: int | None = None  # perf, py-spy: how many stacks were sampled (None: callgrind)
    total: int = 0  # callgrind: instructions of the whole run
    self_time: Counter = field(default_factory=Counter)  # callgrind: instructions per function
    total_time: Counter = field(default_factory=Counter)
    left_out: list[str] = field(default_factory=list)  # callgrind: functions in call cycles


def executable(name: str) -> str:
    """`name` on PATH, or beside this interpreter (a venv's scripts); CannotRecord if absent."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise CannotRecord(f"{name} is not installed", INSTALL[name])
    return found


def perf(program: Program, scratch: Path, collapse: str, note: Callable[[str], None]) -> Recording:
    """`perf record` with DWARF call graphs, then `perf script | inferno-collapse-perf`.

    Rust release code has no frame pointers (rustc omits them unless `-C force-frame-pointers`),
    so the stacks are unwound from DWARF (`--call-graph dwarf`); `perf script --inline` names
    the functions inlined at each address from the line tables of the `profiling` profile.
    """
    exe = executable("perf")
    data = scratch / "perf.data"
    command = [
        exe,
        "record",
        "-F",
        str(PERF_FREQUENCY),
        "--call-graph",
        "dwarf",
        "-o",
        str(data),
        "--",
        *program.command,
    ]
    proc = _run(command, program.root, note)
    if proc.returncode != 0 or not data.is_file():
        if _PERF_DENIED.search(proc.stderr):
            raise CannotRecord(f"perf is not permitted to record here ({_paranoid()})", PERF_FIX)
        raise _failed("perf record", proc, _PERF_NOISE, program)
    script = scratch / "perf.script"
    with script.open("wb") as out:  # perf writes it
        dumped = subprocess.run(
            [exe, "script", "--inline", "-i", str(data)],
            cwd=program.root,
            stdout=out,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
        )
    if dumped.returncode != 0:
        raise UserError(f"`perf script` failed: {_last_line(dumped)}")
    folded = scratch / "stacks.folded"
    with folded.open("wb") as out:  # the collapser writes it
        collapsed = subprocess.run(
            [collapse, str(script)],
            stdout=out,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
        )
    if collapsed.returncode != 0:
        raise UserError(f"`inferno-collapse-perf` failed: {_last_line(collapsed)}")
    return Recording(
        "perf",
        proc.stdout,
        _program_lines(proc.stderr, _PERF_NOISE),
        folded=folded,
        samples=_perf_samples(script),
    )


def py_spy(
    program: Program, scratch: Path, loader: str | None, note: Callable[[str], None]
) -> Recording:
    """`py-spy record --native`: Python frames of the `--python` code with the Rust frames.

    py-spy treats every frame of the process's executable as the interpreter's own and hides it
    (python_process_info.rs takes /proc/PID/exe as the Python binary; native_stack_trace.rs
    drops its frames), which would hide the profiler and the library linked into it. Started
    through the dynamic loader (PT_INTERP), the executable is the loader and the profiler is an
    ordinary mapped file, so its frames are kept.
    """
    exe = executable("py-spy")
    raw = scratch / "py-spy.folded"
    launcher = [loader] if loader else []
    command = [
        exe,
        "record",
        "--native",
        "--nolineno",
        "--full-filenames",
        "--rate",
        str(PY_SPY_RATE),
        "--format",
        "raw",
        "--output",
        str(raw),
        "--",
        *launcher,
        *program.command,
    ]
    proc = _run(command, program.root, note)
    if proc.returncode != 0 or not raw.is_file():
        if _PTRACE_DENIED.search(proc.stderr):
            raise CannotRecord("py-spy is not permitted to read the profiler's memory", PTRACE_FIX)
        if "Failed to find a python interpreter" in proc.stderr:  # auto goes on to perf
            raise CannotRecord(
                f"py-spy found no Python interpreter in {program.binary.name}: py-spy gives up "
                "when the interpreter has not started within about half a second",
                "start the embedded interpreter before long native work, or use --recorder perf",
            )
        raise _failed("py-spy record", proc, _PY_SPY_NOISE, program)
    folded = scratch / "stacks.folded"
    folded.write_text(
        "".join(
            _short_files(line, program.root) + "\n"
            for line in raw.read_text(encoding="utf-8").splitlines()
        ),
        encoding="utf-8",
    )
    # py-spy prints its progress on the same stdout as the profiler. It exits 0 whatever the
    # profiler's exit status (main.rs), so the profiler's stderr is all there is to show.
    return Recording(
        "py-spy",
        _program_lines(proc.stdout, _PY_SPY_NOISE),
        _program_lines(proc.stderr, _PY_SPY_NOISE),
        folded=folded,
        samples=_folded_samples(folded),  # py-spy's raw counts are samples
    )


def callgrind(program: Program, scratch: Path, note: Callable[[str], None]) -> Recording:
    """`valgrind --tool=callgrind`, read with `callgrind_annotate` (instructions, no stacks)."""
    exe = executable("valgrind")
    out = scratch / "callgrind.out"
    command = [exe, "--tool=callgrind", f"--callgrind-out-file={out}", *program.command]
    proc = _run(command, program.root, note)
    if proc.returncode != 0 or not out.is_file():
        raise _failed("valgrind --tool=callgrind", proc, _VALGRIND_NOISE, program)
    annotate = shutil.which("callgrind_annotate")
    if annotate is None:
        raise UserError("callgrind_annotate is not installed", INSTALL["valgrind"])
    recording = Recording("callgrind", proc.stdout, _program_lines(proc.stderr, _VALGRIND_NOISE))
    for inclusive, counter in (("no", recording.self_time), ("yes", recording.total_time)):
        # Only the function table: no source annotation (its per-line counts are not frames),
        # every function (the default threshold stops at 99% of the total).
        listed = subprocess.run(
            [annotate, "--auto=no", "--threshold=100", f"--inclusive={inclusive}", str(out)],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
        )
        if listed.returncode != 0:
            raise UserError(f"`callgrind_annotate` failed: {_last_line(listed)}")
        counter.update(_annotated(listed.stdout))
        totals = re.search(r"^\s*([\d,]+) \S+\s+PROGRAM TOTALS", listed.stdout, re.M)
        recording.total = int(totals.group(1).replace(",", "")) if totals else 0
    # callgrind_annotate has no cycle detection: a function recursing through a call cycle
    # (the interpreter's eval loop) is counted once per level, past the program's total. Such
    # an inclusive count means nothing, so it is left out (and said).
    in_cycles = sorted(n for n, c in recording.total_time.items() if c > recording.total)
    for name in in_cycles:
        del recording.total_time[name]
    recording.left_out = in_cycles
    return recording


# callgrind_annotate's function table (valgrind 3.19, callgrind_annotate.in): a header line
# `Ir  file:function`, a rule, then `1,234 (12.34%)  file:function [object]` lines up to a blank
# line. Functions without symbols are `???:0x...` addresses: not frames a reader can act on.
_ANNOTATED = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(?:[^:\s]*:)?(.+?)(?: \[[^\]]*\])?$")
_TABLE_HEADER = re.compile(r"^\S+\s+file:function\s*$")
_ADDRESS = re.compile(r"^0x[0-9a-f]+$")


def _annotated(text: str) -> Counter:
    """Instructions per function from callgrind_annotate's function table."""
    counts: Counter = Counter()
    lines = iter(text.splitlines())
    for line in lines:
        if _TABLE_HEADER.match(line):
            break
    next(lines, None)  # the rule under the header
    for line in lines:
        if not line.strip():
            break
        match = _ANNOTATED.match(line)
        if match is None or _ADDRESS.match(match.group(2)):
            continue
        name = re.sub(r"'\d+$", "", match.group(2))  # callgrind's recursion-level suffix
        counts[name] = max(counts[name], int(match.group(1).replace(",", "")))
    return counts


def _perf_samples(script: Path) -> int:
    """Samples in `perf script` output: each starts with an unindented header line."""
    with script.open(encoding="utf-8", errors="replace") as lines:
        return sum(1 for line in lines if line.strip() and not line[0].isspace())


def _folded_samples(folded: Path) -> int:
    total = 0
    for line in folded.read_text(encoding="utf-8", errors="replace").splitlines():
        count = line.rpartition(" ")[2]
        total += int(count) if count.isdigit() else 0
    return total


_FILE = re.compile(r"^(.*) \((/[^()]*)\)$")


def _short_files(line: str, root: Path) -> str:
    """`f (/abs/path.rs)` frames shortened: paths in the workspace relative to it, others to
    their file name, so the flamegraph names nothing of this machine."""
    stack, _, count = line.rpartition(" ")
    frames = []
    for frame in stack.split(";"):
        match = _FILE.match(frame)
        if match:
            path = Path(match.group(2))
            shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
            frame = f"{match.group(1)} ({shown})"
        frames.append(frame)
    return f"{';'.join(frames)} {count}"


def _run(command: list[str], cwd: Path, note: Callable[[str], None]) -> subprocess.CompletedProcess:
    note(f"recording: {shlex.join([Path(command[0]).name, *command[1:]])}")
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        stdin=subprocess.DEVNULL,
    )


def _paranoid() -> str:
    try:
        value = Path("/proc/sys/kernel/perf_event_paranoid").read_text(encoding="ascii").strip()
    except OSError:
        return "perf_event_open refused"
    return f"kernel.perf_event_paranoid is {value}"


# The recorders' own messages, mixed with the profiler's output.
_PERF_NOISE = re.compile(r"^\[ perf record: ")
_PY_SPY_NOISE = re.compile(r"^py-spy> |^\s*$")
_VALGRIND_NOISE = re.compile(r"^==\d+== ?")


def _program_lines(text: str, noise: re.Pattern) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not noise.match(line))


def _failed(
    what: str, proc: subprocess.CompletedProcess, noise: re.Pattern, program: Program
) -> UserError:
    """The profiler's own last error line if it printed one, else the recorder's."""
    own = [line for line in _program_lines(proc.stderr, noise).splitlines() if line.strip()]
    if own:
        return UserError(
            f"the profiler failed under {what.split()[0]} (exit status "
            f"{proc.returncode}): {own[-1].strip()}",
            f"run it alone to see the whole error: {shlex.join(program.command)}",
        )
    return UserError(f"`{what}` failed: {_last_line(proc)}")


def _last_line(proc: subprocess.CompletedProcess) -> str:
    lines = [line for line in (proc.stderr or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else f"exit status {proc.returncode}"
