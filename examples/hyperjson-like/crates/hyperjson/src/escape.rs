//! JSON string escaping, byte-for-byte as the standard library's encoders do it.
//!
//! `ensure_ascii=True` (`encode_basestring_ascii`): `"` and `\` escaped, `\n \r \t \b \f`
//! as short escapes, every other character outside `' '..='~'` (controls, DEL, non-ASCII)
//! as `\uxxxx` in lowercase hex, astral characters as a surrogate pair.
//! `ensure_ascii=False` (`encode_basestring`): only `"`, `\` and the controls below 0x20
//! are escaped; everything else is written as UTF-8 (lone surrogates in their 3-byte form,
//! and the caller decodes with `surrogatepass`).

use crate::outbuf::OutBuf;

/// For each ASCII byte: 0 = copy as is, `u` = `\u00XX`, otherwise the letter after `\`.
const fn table(escape_del: bool) -> [u8; 128] {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    if escape_del {
        t[0x7f] = b'u';
    }
    t
}

static ASCII_TABLE: [u8; 128] = table(true);
static UNICODE_TABLE: [u8; 128] = table(false);

/// Two lowercase hex digits per byte value, as they appear in memory.
static HEX2: [u16; 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = u16::from_le_bytes([HEX[i >> 4], HEX[i & 0xf]]);
        i += 1;
    }
    t
};

/// Output bytes one code unit can take at most: `\uXXXX` (6), or a surrogate pair (12).
const MAX_PER_UNIT: usize = 12;
/// Slack for the 8- and 16-byte stores below, which may write past the bytes they keep.
const SLACK: usize = 16;

/// `\uXXXX` for a code unit below 0x10000, in the low 6 bytes of a little-endian word.
#[inline(always)]
fn u_word(c: u32) -> u64 {
    u64::from(u16::from_le_bytes(*b"\\u"))
        | u64::from(HEX2[(c >> 8) as usize & 0xff]) << 16
        | u64::from(HEX2[c as usize & 0xff]) << 32
}

/// Writes `\uXXXX` for a code unit below 0x10000 at `d` (8 bytes written, 6 kept).
#[inline(always)]
unsafe fn put_u(d: *mut u8, c: u32) -> *mut u8 {
    unsafe {
        d.cast::<u64>().write_unaligned(u_word(c).to_le());
        d.add(6)
    }
}

/// For each code point below 0x10000, what `ensure_ascii` writes for it (the character,
/// a short escape or `\uXXXX`) in the low bytes of a little-endian word, and its length in
/// the top byte. 512 KiB, made on first use; text touches only the entries of its
/// characters.
fn bmp_escapes() -> &'static [u64; 0x10000] {
    static TABLE: std::sync::OnceLock<Box<[u64; 0x10000]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Box<[u64; 0x10000]> = vec![0u64; 0x10000]
            .into_boxed_slice()
            .try_into()
            .expect("0x10000 entries");
        for (c, entry) in t.iter_mut().enumerate() {
            let (word, len) = match ASCII_TABLE.get(c) {
                Some(0) => (c as u64, 1),
                Some(&e) if e != b'u' => (u64::from(u16::from_le_bytes([b'\\', e])), 2),
                _ => (u_word(c as u32), 6),
            };
            *entry = word | len << 56;
        }
        t
    })
}

/// Writes an entry of `bmp_escapes` at `d` (8 bytes written, its length kept).
#[inline(always)]
unsafe fn put_entry(d: *mut u8, entry: u64) -> *mut u8 {
    unsafe {
        d.cast::<u64>().write_unaligned(entry.to_le());
        d.add((entry >> 56) as usize)
    }
}

/// Writes the escape of ASCII byte `c` whose table entry is `e` (not 0).
#[inline(always)]
unsafe fn put_ascii_escape(d: *mut u8, e: u8, c: u8) -> *mut u8 {
    unsafe {
        if e == b'u' {
            put_u(d, u32::from(c))
        } else {
            d.cast::<[u8; 2]>().write_unaligned([b'\\', e]);
            d.add(2)
        }
    }
}

/// Runs `write` with a raw pointer to `out`'s spare capacity (`reserve` bytes made
/// available); `write` returns the end of what it wrote.
#[inline(always)]
fn with_spare<B: OutBuf + ?Sized>(
    out: &mut B,
    reserve: usize,
    write: impl FnOnce(*mut u8) -> *mut u8,
) {
    out.reserve(reserve);
    unsafe {
        let start = out.as_mut_ptr().add(out.len());
        let end = write(start);
        let written = end.offset_from(start) as usize;
        debug_assert!(written <= reserve);
        out.set_len(out.len() + written);
    }
}

/// A bit per byte of the 16 at `p` that must be escaped (`"`, `\`, controls, and DEL when
/// `escape_del`), for bytes known to be ASCII.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn sse2_escapes(p: *const u8, escape_del: bool) -> u32 {
    use std::arch::x86_64::*;
    unsafe {
        let v = _mm_loadu_si128(p.cast::<__m128i>());
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        let low = _mm_set1_epi8(0x1f);
        let control = _mm_cmpeq_epi8(_mm_max_epu8(v, low), low);
        let mut stop = _mm_or_si128(_mm_or_si128(quote, backslash), control);
        if escape_del {
            stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
        }
        _mm_movemask_epi8(stop) as u32
    }
}

/// Copies up to 32 bytes to `d` with two overlapping fixed-size copies instead of a
/// `memcpy` call.
///
/// # Safety
/// `s` is at most 32 bytes long and `d` is valid for writing `s.len()` bytes that do not
/// overlap `s`.
#[inline(always)]
pub unsafe fn copy_short(d: *mut u8, s: &[u8]) {
    let n = s.len();
    debug_assert!(n <= 32);
    let p = s.as_ptr();
    unsafe {
        if n >= 16 {
            d.cast::<[u8; 16]>()
                .write_unaligned(p.cast::<[u8; 16]>().read_unaligned());
            d.add(n - 16)
                .cast::<[u8; 16]>()
                .write_unaligned(p.add(n - 16).cast::<[u8; 16]>().read_unaligned());
        } else if n >= 8 {
            d.cast::<u64>()
                .write_unaligned(p.cast::<u64>().read_unaligned());
            d.add(n - 8)
                .cast::<u64>()
                .write_unaligned(p.add(n - 8).cast::<u64>().read_unaligned());
        } else if n >= 4 {
            d.cast::<u32>()
                .write_unaligned(p.cast::<u32>().read_unaligned());
            d.add(n - 4)
                .cast::<u32>()
                .write_unaligned(p.add(n - 4).cast::<u32>().read_unaligned());
        } else {
            for i in 0..n {
                *d.add(i) = *p.add(i);
            }
        }
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// True if one of the 8 ASCII bytes in `w` must be escaped. (The zero-byte trick has false
/// positives only above a true match, so "any" is exact.)
#[inline(always)]
fn word_has_escape(w: u64, escape_del: bool) -> bool {
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let mut m = has_zero(w ^ (LO * u64::from(b'"')))
        | has_zero(w ^ (LO * u64::from(b'\\')))
        | (w.wrapping_sub(LO * 0x20) & !w & HI);
    if escape_del {
        m |= has_zero(w ^ (LO * 0x7f));
    }
    m != 0
}

/// True if no byte of `s` (ASCII, at most 32 bytes) must be escaped: two overlapping
/// 16-byte checks, or 8-byte words (the last one overlapping), or a byte loop below 8.
#[inline(always)]
fn short_is_plain(s: &[u8], table: &[u8; 128], escape_del: bool) -> bool {
    let n = s.len();
    let p = s.as_ptr();
    unsafe {
        #[cfg(target_arch = "x86_64")]
        if n >= 16 {
            return sse2_escapes(p, escape_del) | sse2_escapes(p.add(n - 16), escape_del) == 0;
        }
        if n >= 8 {
            let word = |i: usize| p.add(i).cast::<u64>().read_unaligned();
            let mut i = 0;
            while i + 8 < n {
                if word_has_escape(word(i), escape_del) {
                    return false;
                }
                i += 8;
            }
            return !word_has_escape(word(n - 8), escape_del);
        }
    }
    s.iter().all(|&b| table[b as usize & 0x7f] == 0)
}

/// True if `s` (ASCII) is at most 32 bytes long and needs no escaping.
#[inline(always)]
pub fn is_plain_short(s: &[u8], ensure_ascii: bool) -> bool {
    let table = if ensure_ascii {
        &ASCII_TABLE
    } else {
        &UNICODE_TABLE
    };
    s.len() <= 32 && short_is_plain(s, table, ensure_ascii)
}

/// Writes `"..."` for a string whose characters are all ASCII (given as bytes).
///
/// 16 bytes at a time are copied unchecked while SSE2 finds no byte to escape.
#[inline]
pub fn write_ascii_str<B: OutBuf + ?Sized>(out: &mut B, s: &[u8], ensure_ascii: bool) {
    let table = if ensure_ascii {
        &ASCII_TABLE
    } else {
        &UNICODE_TABLE
    };
    if s.len() <= 32 && short_is_plain(s, table, ensure_ascii) {
        // Most keys and short values: one check, one copy.
        with_spare(out, 34, |d| unsafe {
            *d = b'"';
            copy_short(d.add(1), s);
            *d.add(1 + s.len()) = b'"';
            d.add(2 + s.len())
        });
        return;
    }
    with_spare(out, s.len() * 6 + 2 + SLACK, |mut d| unsafe {
        *d = b'"';
        d = d.add(1);
        let mut i = 0;
        #[cfg(target_arch = "x86_64")]
        while i + 16 <= s.len() {
            let p = s.as_ptr().add(i);
            d.cast::<[u8; 16]>()
                .write_unaligned(p.cast::<[u8; 16]>().read_unaligned());
            let stop = sse2_escapes(p, ensure_ascii);
            if stop == 0 {
                d = d.add(16);
                i += 16;
                continue;
            }
            let k = stop.trailing_zeros() as usize;
            d = d.add(k);
            i += k;
            let b = s[i];
            d = put_ascii_escape(d, table[b as usize & 0x7f], b);
            i += 1;
        }
        for &b in &s[i..] {
            let e = table[b as usize & 0x7f];
            if e == 0 {
                *d = b;
                d = d.add(1);
            } else {
                d = put_ascii_escape(d, e, b);
            }
        }
        *d = b'"';
        d.add(1)
    });
}

/// Writes `"..."` for a string given as code points (Latin-1 bytes, UCS-2 or UCS-4 units,
/// CPython's three string layouts). Returns true if a surrogate was written as UTF-8, in
/// which case the output needs decoding with `surrogatepass`.
#[inline]
pub fn write_str<T: Copy + Into<u32>, B: OutBuf + ?Sized>(
    out: &mut B,
    s: &[T],
    ensure_ascii: bool,
) -> bool {
    let mut surrogates = false;
    with_spare(out, s.len() * MAX_PER_UNIT + 2 + SLACK, |mut d| unsafe {
        *d = b'"';
        d = d.add(1);
        if ensure_ascii {
            // One table load and one 8-byte store per code unit, whatever it becomes (a
            // plain character, `\n`, `\uXXXX`): no branch on the character's class, which
            // mixed-script text would mispredict at every change of script.
            let table = bmp_escapes();
            for &c in s {
                let c: u32 = c.into();
                if c < 0x10000 {
                    d = put_entry(d, table[c as usize]);
                } else {
                    let v = c - 0x10000;
                    d = put_entry(d, table[0xd800 | (v >> 10) as usize]);
                    d = put_entry(d, table[0xdc00 | (v & 0x3ff) as usize]);
                }
            }
        } else {
            for &c in s {
                let c: u32 = c.into();
                if c < 0x80 {
                    let e = UNICODE_TABLE[c as usize];
                    if e == 0 {
                        *d = c as u8;
                        d = d.add(1);
                    } else {
                        d = put_ascii_escape(d, e, c as u8);
                    }
                } else {
                    surrogates |= (0xd800..0xe000).contains(&c);
                    d = put_wtf8(d, c);
                }
            }
        }
        *d = b'"';
        d.add(1)
    });
    surrogates
}

/// Writes a code point of 0x80 or more as UTF-8 (surrogates in their 3-byte form).
#[inline(always)]
unsafe fn put_wtf8(d: *mut u8, c: u32) -> *mut u8 {
    unsafe {
        if c < 0x800 {
            d.cast::<[u8; 2]>()
                .write_unaligned([0xc0 | (c >> 6) as u8, 0x80 | (c & 0x3f) as u8]);
            d.add(2)
        } else if c < 0x10000 {
            d.cast::<[u8; 3]>().write_unaligned([
                0xe0 | (c >> 12) as u8,
                0x80 | ((c >> 6) & 0x3f) as u8,
                0x80 | (c & 0x3f) as u8,
            ]);
            d.add(3)
        } else {
            d.cast::<[u8; 4]>().write_unaligned([
                0xf0 | (c >> 18) as u8,
                0x80 | ((c >> 12) & 0x3f) as u8,
                0x80 | ((c >> 6) & 0x3f) as u8,
                0x80 | (c & 0x3f) as u8,
            ]);
            d.add(4)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii(s: &str, ensure_ascii: bool) -> String {
        let mut v = Vec::new();
        write_ascii_str(&mut v, s.as_bytes(), ensure_ascii);
        String::from_utf8(v).unwrap()
    }

    fn wide(s: &str, ensure_ascii: bool) -> String {
        let cps: Vec<u32> = s.chars().map(|c| c as u32).collect();
        let mut v = Vec::new();
        assert!(!write_str(&mut v, &cps, ensure_ascii));
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn ascii_strings() {
        assert_eq!(ascii("abc", true), r#""abc""#);
        assert_eq!(ascii("a\"b\\c/", true), r#""a\"b\\c/""#);
        assert_eq!(ascii("\n\r\t\u{8}\u{c}", true), r#""\n\r\t\b\f""#);
        assert_eq!(ascii("\u{0}\u{1f}\u{7f}", true), r#""\u0000\u001f\u007f""#);
        assert_eq!(
            ascii("\u{0}\u{1f}\u{7f}", false),
            "\"\\u0000\\u001f\u{7f}\""
        );
    }

    #[test]
    fn unicode_strings() {
        assert_eq!(wide("héllo", true), r#""h\u00e9llo""#);
        assert_eq!(wide("héllo", false), "\"héllo\"");
        assert_eq!(wide("日本\u{ffff}", true), r#""\u65e5\u672c\uffff""#);
        assert_eq!(wide("😀", true), r#""\ud83d\ude00""#);
        assert_eq!(wide("😀\n", false), "\"😀\\n\"");
        assert_eq!(wide("a\u{7f}", true), r#""a\u007f""#);
    }

    #[test]
    fn every_code_unit_as_json_escapes_it() {
        // encode_basestring_ascii's rules, written out independently of the tables.
        let expected = |c: u32| match c {
            0x22 => "\\\"".to_string(),
            0x5c => "\\\\".to_string(),
            0x08 => "\\b".to_string(),
            0x09 => "\\t".to_string(),
            0x0a => "\\n".to_string(),
            0x0c => "\\f".to_string(),
            0x0d => "\\r".to_string(),
            0x20..=0x7e => char::from_u32(c).unwrap().to_string(),
            _ => format!("\\u{c:04x}"),
        };
        for c in 0..0x10000u32 {
            let mut v = Vec::new();
            write_str(&mut v, &[c, c], true);
            let e = expected(c);
            assert_eq!(
                String::from_utf8(v).unwrap(),
                format!("\"{e}{e}\""),
                "{c:#x}"
            );
        }
        let mut v = Vec::new();
        write_str(&mut v, &[0x10000u32, 0x1f600, 0x10ffff, b'a' as u32], true);
        assert_eq!(v, br#""\ud800\udc00\ud83d\ude00\udbff\udfffa""#);
    }

    #[test]
    fn lone_surrogates() {
        let mut v = Vec::new();
        assert!(!write_str(&mut v, &[0xd800u16], true));
        assert_eq!(v, br#""\ud800""#);
        v.clear();
        assert!(write_str(&mut v, &[0xdc00u16, b'x' as u16], false));
        assert_eq!(v, b"\"\xed\xb0\x80x\"");
    }
}
