"""The benchmark profiles, byte-identical to those of the profiler crate.

crates/hyperjson-profiler/src/profiles.rs generates the same documents from the same
xorshift64 sequence; `python benchmarks/profiles.py` prints the lines that
`hyperjson-profiler --list` prints (name, size, FNV-1a checksum), so the two can be compared.
"""

from __future__ import annotations

import json

NAMES = ["dict_str_int", "booleans", "deeply_nested", "floats", "unicode"]

WORDS = [
    "naïve", "café", "Grüße", "żółć", "Привет", "мир", "日本語", "テキスト", "中文", "한국어",
    "العربية", "emoji😀", "🚀", "ελληνικά", "ascii", "text", "\u00e4\u0301", "𝄞music",
]

POW10 = [1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4,
         1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

MASK = (1 << 64) - 1


class Rng:
    """xorshift64, as in profiles.rs."""

    def __init__(self, seed: int = 0x2545F4914F6CDD1D) -> None:
        self.state = seed

    def next(self) -> int:
        x = self.state
        x ^= (x << 13) & MASK
        x ^= x >> 7
        x ^= (x << 17) & MASK
        self.state = x
        return x

    def below(self, n: int) -> int:
        return self.next() % n


def value(name: str):
    """The Python value of profile `name`."""
    rng = Rng()
    if name == "dict_str_int":
        return {f"key_{i:06d}": rng.next() % 2_000_000 - 1_000_000 for i in range(20_000)}
    if name == "booleans":
        return [rng.next() & 1 == 1 for _ in range(100_000)]
    if name == "deeply_nested":
        docs = []
        for _ in range(80):
            inner = rng.next() % 1000
            for level in range(160):
                inner = {"k": [inner, level]} if level % 2 == 0 else [inner, {"n": level}]
            docs.append(inner)
        return docs
    if name == "floats":
        out = []
        for _ in range(100_000):
            mantissa = (rng.next() >> 11) / 9_007_199_254_740_992.0
            scale = POW10[rng.below(len(POW10))]
            sign = -1.0 if rng.next() & 1 == 1 else 1.0
            out.append(sign * mantissa * scale)
        return out
    if name == "unicode":
        out = []
        for i in range(5_000):
            title = " ".join(WORDS[rng.below(len(WORDS))] for _ in range(3))
            body = " ".join(WORDS[rng.below(len(WORDS))] for _ in range(20))
            tags = [WORDS[rng.below(len(WORDS))] for _ in range(2)]
            out.append({"id": i, "title": title, "body": body, "tags": tags})
        return out
    raise KeyError(name)


def document(name: str) -> str:
    """The JSON text of profile `name`, as the profiler generates it."""
    return json.dumps(value(name), ensure_ascii=False)


def checksum(doc: str) -> int:
    h = 0xCBF29CE484222325
    for b in doc.encode():
        h = ((h ^ b) * 0x100000001B3) & MASK
    return h


if __name__ == "__main__":
    for name in NAMES:
        doc = document(name)
        print(f"{name} {len(doc.encode())} bytes fnv1a {checksum(doc):016x}")
