//! JSON string escaping, byte-for-byte as the standard library's encoders do it.
//!
//! `ensure_ascii=True` (`encode_basestring_ascii`): `"` and `\` escaped, `\n \r \t \b \f`
//! as short escapes, every other character outside `' '..='~'` (controls, DEL, non-ASCII)
//! as `\uxxxx` in lowercase hex, astral characters as a surrogate pair.
//! `ensure_ascii=False` (`encode_basestring`): only `"`, `\` and the controls below 0x20
//! are escaped; everything else is written as UTF-8 (lone surrogates in their 3-byte form,
//! and the caller decodes with `surrogatepass`).

const HEX: &[u8; 16] = b"0123456789abcdef";

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

#[inline(always)]
fn push_u(out: &mut Vec<u8>, c: u32) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX[(c >> 12) as usize & 0xf],
        HEX[(c >> 8) as usize & 0xf],
        HEX[(c >> 4) as usize & 0xf],
        HEX[c as usize & 0xf],
    ]);
}

#[inline(always)]
fn push_ascii_escape(out: &mut Vec<u8>, e: u8, c: u8) {
    if e == b'u' {
        push_u(out, c as u32);
    } else {
        out.extend_from_slice(&[b'\\', e]);
    }
}

/// Writes `"..."` for a string whose characters are all ASCII (given as bytes).
#[inline]
pub fn write_ascii_str(out: &mut Vec<u8>, s: &[u8], ensure_ascii: bool) {
    let table = if ensure_ascii {
        &ASCII_TABLE
    } else {
        &UNICODE_TABLE
    };
    out.reserve(s.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        let e = table[b as usize & 0x7f];
        if e != 0 {
            out.extend_from_slice(&s[start..i]);
            push_ascii_escape(out, e, b);
            start = i + 1;
        }
    }
    out.extend_from_slice(&s[start..]);
    out.push(b'"');
}

/// Writes `"..."` for a string given as code points (Latin-1 bytes, UCS-2 or UCS-4 units,
/// CPython's three string layouts). Returns true if a surrogate was written as UTF-8, in
/// which case the output needs decoding with `surrogatepass`.
#[inline]
pub fn write_str<T: Copy + Into<u32>>(out: &mut Vec<u8>, s: &[T], ensure_ascii: bool) -> bool {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let mut surrogates = false;
    if ensure_ascii {
        for &c in s {
            let c: u32 = c.into();
            if c < 0x80 {
                let e = ASCII_TABLE[c as usize];
                if e == 0 {
                    out.push(c as u8);
                } else {
                    push_ascii_escape(out, e, c as u8);
                }
            } else if c < 0x10000 {
                push_u(out, c);
            } else {
                let v = c - 0x10000;
                push_u(out, 0xd800 | (v >> 10));
                push_u(out, 0xdc00 | (v & 0x3ff));
            }
        }
    } else {
        for &c in s {
            let c: u32 = c.into();
            if c < 0x80 {
                let e = UNICODE_TABLE[c as usize];
                if e == 0 {
                    out.push(c as u8);
                } else {
                    push_ascii_escape(out, e, c as u8);
                }
            } else {
                if (0xd800..0xe000).contains(&c) {
                    surrogates = true;
                }
                crate::parser::push_wtf8(out, c);
            }
        }
    }
    out.push(b'"');
    surrogates
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
    fn lone_surrogates() {
        let mut v = Vec::new();
        assert!(!write_str(&mut v, &[0xd800u16], true));
        assert_eq!(v, br#""\ud800""#);
        v.clear();
        assert!(write_str(&mut v, &[0xdc00u16, b'x' as u16], false));
        assert_eq!(v, b"\"\xed\xb0\x80x\"");
    }
}
