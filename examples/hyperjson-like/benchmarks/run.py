"""Benchmark hyperjson's loads and dumps against the standard library's json and orjson.

    pip install orjson            # optional: without it the orjson column says n/a
    python benchmarks/run.py                    # all profiles, 15 runs each, median
    python benchmarks/run.py --runs 31 --profile floats
    python benchmarks/run.py --update-readme    # rewrite the table in README.md

Each profile (see profiles.py) is timed with every library in turn, interleaved run by run
so that background load affects all of them alike; the table shows the median of the runs
and the ratios `json / hyperjson` (how many times faster than the standard library) and
`orjson / hyperjson` (below 1: slower than orjson).

`loads` gets the document as `str` for all three. `dumps` is called with default options:
json and hyperjson return `str` with non-ASCII characters escaped (`ensure_ascii=True`),
orjson returns UTF-8 `bytes` and never escapes: its `unicode` dumps does less work.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import profiles  # noqa: E402

import hyperjson  # noqa: E402

try:
    import orjson
except ImportError:  # pragma: no cover - optional
    orjson = None

README = HERE.parent / "README.md"
BEGIN, END = "<!-- benchmark-table:begin -->", "<!-- benchmark-table:end -->"


def libraries():
    libs = {"json": (json.loads, json.dumps), "hyperjson": (hyperjson.loads, hyperjson.dumps)}
    if orjson is not None:
        libs["orjson"] = (orjson.loads, orjson.dumps)
    return libs


def time_op(funcs: dict, arg, runs: int) -> dict[str, float]:
    """Median seconds per call of each function, interleaved run by run."""
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for f in funcs.values():  # warm up caches and allocators
        f(arg)
    for _ in range(runs):
        for name, f in funcs.items():
            t = time.perf_counter()
            f(arg)
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) for name, ts in times.items()}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    versions = f"hyperjson {hyperjson.__version__}"
    if orjson is not None:
        versions += f", orjson {orjson.__version__}"
    return (f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()} ({platform.python_implementation()}), {versions}")


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per measurement (median)")
    parser.add_argument("--profile", action="append", choices=profiles.NAMES,
                        help="only this profile (repeatable)")
    parser.add_argument("--update-readme", action="store_true",
                        help=f"replace the table in {README.name} between its markers")
    args = parser.parse_args(argv)

    libs = libraries()
    names = args.profile or profiles.NAMES
    rows = []
    for name in names:
        doc = profiles.document(name)
        obj = json.loads(doc)
        assert hyperjson.loads(doc) == obj
        assert hyperjson.dumps(obj) == json.dumps(obj)
        size = len(doc.encode())
        for op, index, arg in (("loads", 0, doc), ("dumps", 1, obj)):
            medians = time_op({lib: fs[index] for lib, fs in libs.items()}, arg, args.runs)
            rows.append((name, size, op, medians))
            print(f"{name:>14} {op}: " + ", ".join(f"{lib} {fmt_time(t)}" for lib, t in medians.items()),
                  file=sys.stderr)

    has_orjson = "orjson" in libs
    lines = [
        f"Machine: {machine()}. Median of {args.runs} runs; ratios above 1 mean hyperjson is faster.",
        "",
        "| profile | size | op | json | orjson | hyperjson | json / hyperjson | orjson / hyperjson |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, size, op, m in rows:
        hj = m["hyperjson"]
        oj = fmt_time(m["orjson"]) if has_orjson else "n/a"
        vs_oj = f"{m['orjson'] / hj:.2f}" if has_orjson else "n/a"
        lines.append(f"| {name} | {size / 1e6:.2f} MB | {op} | {fmt_time(m['json'])} | {oj} | "
                     f"{fmt_time(hj)} | **{m['json'] / hj:.2f}×** | {vs_oj} |")
    table = "\n".join(lines)
    print(table)

    slower = [(n, op) for n, _, op, m in rows if m["hyperjson"] >= m["json"]]
    if slower:
        print(f"\nnot faster than json on: {slower}", file=sys.stderr)
    if args.update_readme:
        text = README.read_text()
        pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
        if not pattern.search(text):
            print(f"error: {README} has no {BEGIN} ... {END} markers", file=sys.stderr)
            return 1
        README.write_text(pattern.sub(lambda _: f"{BEGIN}\n{table}\n{END}", text))
        print(f"updated {README}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
