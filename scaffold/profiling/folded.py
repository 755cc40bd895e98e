"""Folded stacks (`root;caller;callee COUNT`, one line per distinct stack) and their hottest frames.

The format is the one `inferno-collapse-perf` writes and `py-spy record --format raw` writes:
frames from the outermost to the innermost, then the number of samples.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

# The runtime's start-up frames, which hold the whole run in their total time: glibc's and
# valgrind's entry points, Rust's `lang_start` chain (library/std/src/rt.rs) and its
# `__rust_begin_short_backtrace` / `call_once` / `catch_unwind` wrappers, and C's `main`.
# The program's own `main` (`crate::main`) is kept: it is the program's code.
RUNTIME_FRAMES = re.compile(
    r"^(?:_start|__libc_start_main(?:@\S*|_impl)?|__libc_start_call_main|\(below main\)|main"
    r"|(?:std::rt::lang_start|std::rt::lang_start_internal"
    r"|std::sys(?:_common)?::backtrace::__rust_begin_short_backtrace"
    r"|core::ops::function::FnOnce::call_once|std::panicking::(?:try|catch_unwind)"
    r"|std::panic::catch_unwind)\S*(?: \([^()]*\.rs\))?)$"
)


@dataclass(frozen=True)
class Frame:
    name: str
    samples: int
    library: bool


@dataclass
class Profile:
    total: int
    self_time: Counter[str]
    total_time: Counter[str]
    passes_through: set[str] = field(default_factory=set)

    def hottest(self, by: str, count: int, is_library: Callable[[str], bool]) -> list[Frame]:
        """The `count` heaviest frames by `self` or `total` time. By total time, the runtime's
        start-up frames and frames that only hand all their time to one callee (wrappers) are
        left out: their callee stands for them."""
        if by == "self":
            ranked = self.self_time.most_common()
        else:
            ranked = [
                (n, s)
                for n, s in self.total_time.most_common()
                if n not in self.passes_through and not RUNTIME_FRAMES.match(n)
            ]
        return [Frame(name, samples, is_library(name)) for name, samples in ranked[:count]]


def read(path: Path, skip_root: bool = False) -> Profile:
    """Sum the samples of `path` per frame: its own (innermost) and in its stacks (total).

    `skip_root` leaves out the outermost frame, the process name inferno-collapse-perf puts
    first (it is not a function, and it would head every list at 100%).
    """
    self_time: Counter[str] = Counter()
    total_time: Counter[str] = Counter()
    callees: dict[str, set[str]] = {}
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = stack.split(";")[1 if skip_root else 0 :]
        total += samples
        if not frames:
            continue
        self_time[frames[-1]] += samples
        for name in set(frames):  # a recursive frame counts once per sample
            total_time[name] += samples
        for caller, callee in pairwise(frames):
            callees.setdefault(caller, set()).add(callee)
    passes = {
        name
        for name, called in callees.items()
        if len(called) == 1
        and not self_time[name]
        and total_time[name] == total_time[next(iter(called))]
    }
    return Profile(total, self_time, total_time, passes)


def library_matcher(crate_idents: list[str], source_files: list[str]) -> Callable[[str], bool]:
    """Tell whether a frame name is the project's own code (any crate of the workspace).

    perf names Rust functions by path (`demo_lib::count_primes`, `<demo_lib::X as T>::f`);
    py-spy names native frames `function (file.rs)`, so a frame whose file is one of the
    crates' sources counts too.
    """
    names = "|".join(re.escape(ident) for ident in crate_idents)
    by_path = re.compile(rf"^<?(?:{names})::")
    files = set(source_files)
    by_file = re.compile(r"\(([^()]*\.rs)(?::\d+)?\)$")

    def is_library(name: str) -> bool:
        if by_path.match(name):
            return True
        match = by_file.search(name)
        return bool(match and match.group(1) in files)

    return is_library
