"""`scaffold profile [PATH]`: build the profiler crate, record it, and render a flamegraph.

Exit status: 0 the flamegraph is written; 1 only a text profile could be made (callgrind, after
`--recorder auto` found perf and py-spy unusable); 2 error (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.commands import flags, prompts
from scaffold.display import shown
from scaffold.profiling.session import RECORDERS

if TYPE_CHECKING:
    from scaffold.api import Profiled
    from scaffold.profiling.recorders import Recording


def register(parser: argparse.ArgumentParser) -> None:
    flags.project_path(parser, "a directory inside the Cargo workspace")
    parser.add_argument(
        "--profiler", metavar="NAME", help="the profiler crate (when the workspace has several)"
    )
    parser.add_argument(
        "--iterations",
        type=_positive,
        metavar="N",
        help="passed to the profiler: times each workload runs",
    )
    parser.add_argument(
        "--seconds",
        type=_positive_seconds,
        metavar="S",
        help="passed to the profiler: run each workload for about S seconds "
        "(the generated profiler's default: 1.5)",
    )
    parser.add_argument(
        "--python",
        metavar="CODE",
        help="passed to the profiler: the Python workload, module bound to `m`",
    )
    parser.add_argument(
        "--recorder",
        choices=RECORDERS,
        default="auto",
        help="auto (default): perf, else py-spy (py-spy first with --python), "
        "else callgrind (text only)",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        metavar="FILE",
        help="where to write the flamegraph (default: flamegraph.svg beside the profiler "
        "binary, under the target directory)",
    )
    parser.add_argument(
        "--top",
        type=_positive,
        default=10,
        metavar="N",
        help="how many of the hottest frames to list (default: 10)",
    )
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="install the flamegraph renderer (inferno) without asking",
    )
    parser.epilog = "Arguments after `--` go to the profiler as they are."
    parser.set_defaults(passthrough=[])


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from scaffold import api

    def recorded(recording: Recording) -> None:
        sys.stdout.write(recording.output)
        sys.stderr.write(recording.errors)

    done = api.profile(
        path=args.path,
        profiler=args.profiler,
        recorder=args.recorder,
        iterations=args.iterations,
        seconds=args.seconds,
        python=args.python,
        args=args.passthrough,
        output=args.output,
        install=args.yes,
        confirm=prompts.confirm(),
        on_note=prompts.note,
        on_recording=recorded,
    )
    _summary(done, args.top)
    if done.flamegraph is None:
        reasons = "; ".join(done.skipped)
        print(
            f"\nno flamegraph: callgrind records call edges, not stacks"
            f"{' (' + reasons + ')' if reasons else ''}",
            file=sys.stderr,
        )
        return done.exit_code
    print(f"\nflamegraph: {shown(done.flamegraph)}")
    return done.exit_code


# What the counts of each recorder are: perf weighs a sample by its event period.
UNITS = {"perf": "event counts (sample periods)", "py-spy": "samples", "callgrind": "instructions"}
NAME_WIDTH = 110
# Below this many samples a frame's share moves by several points from run to run (a share p of
# n samples has a standard error of sqrt(p(1-p)/n): 1.6 points at p = 0.5, n = 1,000).
STABLE_SAMPLES = 1_000


def _summary(done: Profiled, top: int) -> None:
    profile = done.profile
    total = profile.total or 1
    counted = f"{profile.total:,} {UNITS[done.recorder]}"
    if done.samples is not None and done.recorder != "py-spy":
        counted = f"{done.samples:,} samples, {counted}"
    print(f"\n{done.recorder}: {counted}; * marks {done.library}'s own code")
    if done.samples is not None and done.samples < STABLE_SAMPLES:
        print(
            f"note: only {done.samples:,} samples, too few for stable percentages (aim at "
            f"{STABLE_SAMPLES:,} or more): run longer with --seconds S or --iterations N",
            file=sys.stderr,
        )
    for by, title in (("self", "self time"), ("total", "total time")):
        print(f"\nhottest frames by {title}:")
        for frame in profile.hottest(by, top, done.is_library):
            mark = "*" if frame.library else " "
            name = frame.name
            if len(name) > NAME_WIDTH:
                name = name[: NAME_WIDTH - 3] + "..."
            print(f"  {100 * frame.samples / total:6.2f}%  {mark} {name}")


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return seconds
