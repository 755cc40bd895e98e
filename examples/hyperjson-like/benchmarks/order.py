"""How much `run.py`'s fixed order weighs on a row: hyperjson runs right after `json`.

    python benchmarks/order.py                          # deeply_nested dumps
    python benchmarks/order.py --profile unicode --op loads

Times the operation as run.py does (median of interleaved runs, `json` first), once in
run.py's order (json, hyperjson, orjson) and once with hyperjson and orjson swapped (json,
orjson, hyperjson), and prints `orjson / hyperjson` for both: the library that follows
`json` finds the document evicted from the caches by it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import orjson

from run import time_op

import hyperjson
import profiles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="deeply_nested", choices=profiles.NAMES)
    parser.add_argument("--op", default="dumps", choices=["loads", "dumps"])
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args(argv)
    doc = profiles.document(args.profile)
    arg = doc if args.op == "loads" else json.loads(doc)
    funcs = {lib: getattr(module, args.op) for lib, module in
             (("json", json), ("hyperjson", hyperjson), ("orjson", orjson))}
    for order in (["json", "hyperjson", "orjson"], ["json", "orjson", "hyperjson"]):
        m = time_op({lib: funcs[lib] for lib in order}, arg, args.runs)
        print(f"{args.profile} {args.op}, order {', '.join(order)}: hyperjson "
              f"{m['hyperjson'] * 1e3:.2f} ms, orjson {m['orjson'] * 1e3:.2f} ms, "
              f"orjson / hyperjson {m['orjson'] / m['hyperjson']:.2f}")
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
