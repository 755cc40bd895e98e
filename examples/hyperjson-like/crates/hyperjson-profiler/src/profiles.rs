//! The named workloads, generated at start-up from a fixed seed.
//!
//! `benchmarks/profiles.py` builds the same documents in Python (same generator, same
//! layout: `json.dumps(value, ensure_ascii=False)`), so the profiler and the benchmark time
//! byte-identical inputs; the profiler prints each document's size and FNV-1a checksum and
//! `python benchmarks/profiles.py` prints the same lines.

use hyperjson::floatrepr::write_float;

/// xorshift64: tiny, deterministic, and easy to write identically in Python.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub const NAMES: [&str; 5] = [
    "dict_str_int",
    "booleans",
    "deeply_nested",
    "floats",
    "unicode",
];

const WORDS: [&str; 18] = [
    "naïve",
    "café",
    "Grüße",
    "żółć",
    "Привет",
    "мир",
    "日本語",
    "テキスト",
    "中文",
    "한국어",
    "العربية",
    "emoji😀",
    "🚀",
    "ελληνικά",
    "ascii",
    "text",
    "ä\u{301}",
    "𝄞music",
];

const POW10: [f64; 21] = [
    1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
    1e7, 1e8, 1e9, 1e10,
];

/// Writes a JSON string the way `json.dumps(..., ensure_ascii=False)` does for these words
/// (no character in them needs escaping).
fn string(out: &mut String, s: &str) {
    out.push('"');
    out.push_str(s);
    out.push('"');
}

fn float(out: &mut String, x: f64) {
    let mut buf = Vec::new();
    write_float(&mut buf, x);
    out.push_str(std::str::from_utf8(&buf).unwrap());
}

/// Writes `n` items between `open` and `close`, separated by `", "` (json.dumps's separator).
fn join(
    out: &mut String,
    open: char,
    close: char,
    n: usize,
    mut item: impl FnMut(&mut String, usize),
) {
    out.push(open);
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        item(out, i);
    }
    out.push(close);
}

/// The document of profile `name`, or None for an unknown name.
pub fn generate(name: &str) -> Option<String> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut out = String::new();
    match name {
        // {"key_000000": -123456, ...}: 20,000 short keys and ints.
        "dict_str_int" => join(&mut out, '{', '}', 20_000, |out, i| {
            let v = (rng.next() % 2_000_000) as i64 - 1_000_000;
            out.push_str(&format!("\"key_{i:06}\": {v}"));
        }),
        // [true, false, ...]: 100,000 booleans.
        "booleans" => join(&mut out, '[', ']', 100_000, |out, _| {
            out.push_str(if rng.next() & 1 == 1 { "true" } else { "false" });
        }),
        // 80 documents, each 160 levels deep: 241 nested containers, within orjson's fixed
        // limit of 254 (json and hyperjson follow the recursion limit, 1000 by default).
        "deeply_nested" => join(&mut out, '[', ']', 80, |out, _| {
            // Inside out: level 0 is innermost; even levels {"k": [v, level]},
            // odd levels [v, {"n": level}].
            let mut inner = format!("{}", rng.next() % 1000);
            for level in 0..160 {
                inner = if level % 2 == 0 {
                    format!("{{\"k\": [{inner}, {level}]}}")
                } else {
                    format!("[{inner}, {{\"n\": {level}}}]")
                };
            }
            out.push_str(&inner);
        }),
        // 100,000 floats over twenty orders of magnitude, shortest-repr digits.
        "floats" => join(&mut out, '[', ']', 100_000, |out, _| {
            let mantissa = (rng.next() >> 11) as f64 / 9_007_199_254_740_992.0;
            let scale = POW10[rng.below(POW10.len())];
            let sign = if rng.next() & 1 == 1 { -1.0 } else { 1.0 };
            float(out, sign * mantissa * scale);
        }),
        // 5,000 records of non-ASCII text (Latin, Cyrillic, CJK, Arabic, emoji, astral).
        "unicode" => join(&mut out, '[', ']', 5_000, |out, i| {
            let mut words = |n: usize| {
                (0..n)
                    .map(|_| WORDS[rng.below(WORDS.len())])
                    .collect::<Vec<_>>()
            };
            let title = words(3).join(" ");
            let body = words(20).join(" ");
            let tags = words(2);
            out.push_str(&format!("{{\"id\": {i}, \"title\": "));
            string(out, &title);
            out.push_str(", \"body\": ");
            string(out, &body);
            out.push_str(", \"tags\": ");
            join(out, '[', ']', tags.len(), |out, t| string(out, tags[t]));
            out.push('}');
        }),
        _ => return None,
    }
    Some(out)
}

/// FNV-1a over the document's bytes, printed so Python's copy can be compared.
pub fn checksum(doc: &str) -> u64 {
    doc.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_generates() {
        for name in NAMES {
            let doc = generate(name).unwrap();
            assert!(doc.len() > 10_000, "{name}: {}", doc.len());
        }
        assert!(generate("nope").is_none());
    }

    #[test]
    fn deterministic() {
        assert_eq!(
            checksum(&generate("floats").unwrap()),
            checksum(&generate("floats").unwrap())
        );
    }
}
