//! `float.__repr__` in Rust: the shortest digits that round-trip (from `zmij`), laid out the
//! way CPython's `PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0)` does, so `dumps`
//! writes exactly what `json.dumps` writes.
//!
//! CPython switches to exponent notation when the decimal point position `decpt`
//! (value = 0.DIGITS × 10^decpt) is `<= -4` or `> 16`; the exponent has a sign and at least
//! two digits (`1e+16`, `1e-05`); a fixed-notation number always has a `.` (`123.0`).

use crate::outbuf::OutBuf;

/// Appends `repr(value)` as JSON writes it: `NaN`, `Infinity` and `-Infinity` for the
/// non-finite values (the standard library's `allow_nan=True` default).
#[inline]
pub fn write_float<B: OutBuf + ?Sized>(out: &mut B, value: f64) {
    out.reserve(MAX_FAST_LEN);
    unsafe {
        if let Some(n) = write_float_fast(out.as_mut_ptr().add(out.len()), value) {
            out.set_len(out.len() + n);
            return;
        }
    }
    write_float_slow(out, value);
}

/// Bytes `write_float_fast` may write.
pub const MAX_FAST_LEN: usize = 32;

/// Writes `repr(value)` at `d` (`MAX_FAST_LEN` bytes writable) and returns its length, or
/// returns `None` having written nothing useful if `write_float_slow` must do it.
///
/// zmij writes Python's layout except in two places. Python writes fixed notation exactly
/// when 1e-4 <= |x| < 1e16 (the shortest digits of a double below the double 1e-4 are below
/// 0.0001, and 1e16 is exact); zmij does on 1e-5 <= |x| < 1e16, with the same text
/// ("123.456", "0.000123", "1.0", "0.0"): on [1e-5, 1e-4) "0.0000123" is re-laid here as
/// "1.23e-05". And zmij's exponents have at least one digit ("1.5e-7"), Python's two
/// ("1.5e-07"). Should zmij's text on [1e-5, 1e-4) not have the expected shape, the number
/// is left to `write_float_slow`.
///
/// # Safety
/// `d` is valid for writing `MAX_FAST_LEN` bytes.
#[inline(always)]
pub unsafe fn write_float_fast(d: *mut u8, value: f64) -> Option<usize> {
    if !value.is_finite() {
        return None;
    }
    // Which of the two differences applies, from the value's bits (those of a non-negative
    // double order as the values do), before zmij runs: the length returned below then
    // depends on zmij's length alone, not on reading back a byte zmij has just stored.
    // zmij's notation and exponent follow the shortest digits, and only the double nearest
    // to 1e-9 (or 1e-5, 1e-4) has shortest digits at or above that power of ten among the
    // doubles around it, so the bounds are exact.
    let bits = value.to_bits() & !(1 << 63);
    let re_laid = bits.wrapping_sub(E5) < E4 - E5;
    let one_digit_exponent = bits.wrapping_sub(E9) < E5 - E9;
    // zmij formats into its `Buffer`, a byte array: placed at `d`, the digits land in the
    // output directly. (Copying them out of a separate buffer right after zmij stored them
    // stalls on store forwarding.) Should the buffer's text not start at its first byte,
    // the slow path writes the number.
    let n = unsafe {
        let s = (*d.cast::<zmij::Buffer>()).format_finite(value);
        if s.as_ptr() != d.cast_const() {
            return None;
        }
        s.len()
    };
    let at = |i: usize| unsafe { *d.add(i) };
    if re_laid {
        // zmij: "0.0000" then the digits; Python: "d.ddde-05".
        let sign = (value.to_bits() >> 63) as usize;
        let digits = sign + 6;
        if n <= digits || at(sign + 1) != b'.' || !at(digits).is_ascii_digit() || at(digits) == b'0'
        {
            return None;
        }
        let k = n - digits;
        unsafe {
            *d.add(sign) = at(digits);
            let mut end = sign + 1;
            if k > 1 {
                *d.add(end) = b'.';
                // The k - 1 <= 16 other digits, moved with one 16-byte load and store
                // instead of a `memmove` call: the load ends at `digits + 17 <= 24` and the
                // store at `sign + 18`, both within `MAX_FAST_LEN`; the bytes it carries
                // past the digits are overwritten by the exponent or left spare.
                debug_assert!(k - 1 <= 16);
                let rest = d
                    .add(digits + 1)
                    .cast::<std::mem::MaybeUninit<[u8; 16]>>()
                    .read_unaligned();
                d.add(end + 1)
                    .cast::<std::mem::MaybeUninit<[u8; 16]>>()
                    .write_unaligned(rest);
                end += k;
            }
            d.add(end).cast::<[u8; 4]>().write_unaligned(*b"e-05");
            return Some(end + 4);
        }
    }
    // Elsewhere the layouts agree but for a one-digit exponent ("e-7" for "e-07"), which
    // gets its zero without a branch: whether a number is written in fixed or exponent
    // notation is as unpredictable as the numbers (a branch on it mispredicted on about a
    // third of `floats`). `n >= 3` ("0.0" is the shortest), and the byte at `n` is spare.
    debug_assert_eq!(one_digit_exponent, at(n - 3) == b'e', "{value:e}");
    let last = at(n - 1);
    unsafe {
        *d.add(n - 1) = if one_digit_exponent { b'0' } else { last };
        *d.add(n) = last;
    }
    Some(n + usize::from(one_digit_exponent))
}

/// The bits of the doubles nearest to 1e-9, 1e-5 and 1e-4.
const E9: u64 = 1e-9f64.to_bits();
const E5: u64 = 1e-5f64.to_bits();
const E4: u64 = 1e-4f64.to_bits();

const _: () = assert!(
    std::mem::size_of::<zmij::Buffer>() < MAX_FAST_LEN && std::mem::align_of::<zmij::Buffer>() == 1
);

#[cold]
fn write_float_slow<B: OutBuf + ?Sized>(out: &mut B, value: f64) {
    if value.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if value == f64::INFINITY {
        out.extend_from_slice(b"Infinity");
    } else if value == f64::NEG_INFINITY {
        out.extend_from_slice(b"-Infinity");
    } else {
        write_repr_from_shortest(out, zmij::Buffer::new().format_finite(value).as_bytes());
    }
}

/// Re-lays a shortest round-trip decimal (`-1.5e-7`, `123.0`, `1e16`: any of zmij's or
/// `format!("{:e}")`'s shapes) in Python's `repr` layout.
pub fn write_repr_from_shortest<B: OutBuf + ?Sized>(out: &mut B, s: &[u8]) {
    let (negative, s) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exp) = match s.iter().position(|&b| b == b'e' || b == b'E') {
        Some(i) => (&s[..i], parse_exp(&s[i + 1..])),
        None => (s, 0),
    };
    // Collect the significant digits and where the decimal point falls among them.
    let mut digits = [0u8; 32];
    let mut n = 0usize;
    let mut int_digits = 0i32;
    let mut seen_point = false;
    let mut leading = true;
    let mut leading_frac_zeros = 0i32;
    for &b in mantissa {
        if b == b'.' {
            seen_point = true;
            continue;
        }
        if leading && b == b'0' {
            if seen_point {
                leading_frac_zeros += 1;
            }
            continue;
        }
        leading = false;
        digits[n] = b;
        n += 1;
        if !seen_point {
            int_digits += 1;
        }
    }
    // Drop trailing zeros (`123.0` -> digits "123").
    while n > 0 && digits[n - 1] == b'0' {
        n -= 1;
    }
    if negative {
        out.push(b'-');
    }
    if n == 0 {
        out.extend_from_slice(b"0.0");
        return;
    }
    let decpt = if int_digits > 0 {
        int_digits
    } else {
        -leading_frac_zeros
    } + exp;
    let digits = &digits[..n];
    if decpt <= -4 || decpt > 16 {
        out.push(digits[0]);
        if n > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        let e = decpt - 1;
        out.push(b'e');
        out.push(if e < 0 { b'-' } else { b'+' });
        let e = e.unsigned_abs();
        if e >= 100 {
            out.push(b'0' + (e / 100) as u8);
        }
        out.push(b'0' + (e / 10 % 10) as u8);
        out.push(b'0' + (e % 10) as u8);
    } else if decpt <= 0 {
        out.extend_from_slice(b"0.");
        for _ in 0..-decpt {
            out.push(b'0');
        }
        out.extend_from_slice(digits);
    } else if (decpt as usize) < n {
        out.extend_from_slice(&digits[..decpt as usize]);
        out.push(b'.');
        out.extend_from_slice(&digits[decpt as usize..]);
    } else {
        out.extend_from_slice(digits);
        for _ in 0..decpt as usize - n {
            out.push(b'0');
        }
        out.extend_from_slice(b".0");
    }
}

fn parse_exp(s: &[u8]) -> i32 {
    let (neg, s) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let v = s.iter().fold(0i32, |v, &d| v * 10 + (d - b'0') as i32);
    if neg { -v } else { v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(x: f64) -> String {
        let mut v = Vec::new();
        write_float(&mut v, x);
        String::from_utf8(v).unwrap()
    }

    fn repr_via_std(x: f64) -> String {
        let mut v = Vec::new();
        write_repr_from_shortest(&mut v, format!("{x:e}").as_bytes());
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn matches_python_repr() {
        // (value, Python's repr(value))
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (0.00001, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (1e-7, "1e-07"),
            (1e100, "1e+100"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (0.30000000000000004, "0.30000000000000004"),
            (9007199254740993.0, "9007199254740992.0"),
            (1234567890123456.7, "1234567890123456.8"),
            (1658206780088562.2, "1658206780088562.2"),
            (0.000123, "0.000123"),
            (0.0000123, "1.23e-05"),
            (1e-4, "0.0001"),
            (1e21, "1e+21"),
            (1e20, "1e+20"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (-0.001, "-0.001"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for &(x, want) in cases {
            assert_eq!(repr(x), want, "zmij path for {x:e}");
            if x.is_finite() && x != 1658206780088562.2 {
                assert_eq!(repr_via_std(x), want, "std path for {x:e}");
            }
        }
    }

    #[test]
    fn notation_bounds_read_from_the_bits() {
        // The doubles at and around each power of ten where Python's layout differs from
        // zmij's (1e-4, 1e-5) or the exponent gets a second digit (1e-9, 1e-10), and the
        // decades between: the fast path (which picks the layout from the value's bits;
        // debug builds also check it against zmij's text) against the general re-layout.
        let mut xs = Vec::new();
        for e in -12..=-2 {
            let p = 10f64.powi(e);
            let (up, down) = (p.to_bits() + 1, p.to_bits() - 1);
            for x in [
                p,
                f64::from_bits(up),
                f64::from_bits(down),
                2.5 * p,
                9.99 * p,
            ] {
                xs.extend([x, -x]);
            }
        }
        for x in xs {
            let mut slow = Vec::new();
            write_repr_from_shortest(&mut slow, zmij::Buffer::new().format_finite(x).as_bytes());
            assert_eq!(repr(x).as_bytes(), &slow[..], "{x:e}");
        }
        assert_eq!(repr(1e-9), "1e-09");
        assert_eq!(repr(f64::from_bits(E9 - 1)), "9.999999999999999e-10");
        assert_eq!(repr(-f64::from_bits(E5 - 1)), "-9.999999999999999e-06");
        assert_eq!(repr(1.2345678901234567e-5), "1.2345678901234568e-05");
        assert_eq!(repr(-1.2345678901234567e-5), "-1.2345678901234568e-05");
        assert_eq!(repr(f64::from_bits(E4 - 1)), "9.999999999999999e-05");
    }

    #[test]
    fn round_trips_and_fast_path_agrees() {
        // A deterministic sweep over bit patterns. (Exact agreement with Python's repr,
        // including ties such as 1658206780088562.25 -> ...562.2, is checked from Python by
        // the hypothesis tests; std's `{:e}` breaks such ties differently from zmij/CPython.)
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Half the draws: arbitrary bit patterns; half: around the notation boundaries.
            let x = if state & 1 == 0 {
                f64::from_bits(state)
            } else {
                let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64 * 10.0;
                mantissa * 10f64.powi((state % 26) as i32 - 7)
            };
            if !x.is_finite() {
                continue;
            }
            let a = repr(x);
            let mut slow = Vec::new();
            write_repr_from_shortest(&mut slow, zmij::Buffer::new().format_finite(x).as_bytes());
            assert_eq!(a.as_bytes(), &slow[..], "fast path differs for {x:e}");
            assert_eq!(a.parse::<f64>().unwrap().to_bits(), x.to_bits(), "{a}");
        }
    }
}
