//! Decimal integers written straight into the output (as `int.__repr__` writes them).
//!
//! `itoa` formats into its own buffer, which the caller then copies: reading those bytes
//! back right after they were stored two at a time stalls on store forwarding, and the
//! copy's length varies. Here the digits go to their final place, two at a time from the
//! end, once the length is known.

/// "00" to "99".
static DIGITS2: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// "0" to "999": the digits in the low bytes (as they appear in memory), the count in the
/// high byte (written too, past the digits, and overwritten by what follows).
static SMALL: [u32; 1000] = {
    let mut t = [0u32; 1000];
    let mut i = 0;
    while i < 1000 {
        let d = [
            b'0' + (i / 100) as u8,
            b'0' + (i / 10 % 10) as u8,
            b'0' + (i % 10) as u8,
        ];
        let len = if i >= 100 {
            3
        } else if i >= 10 {
            2
        } else {
            1
        };
        let mut word = 0u32;
        let mut k = 0;
        while k < len {
            word |= (d[3 - len + k] as u32) << (8 * k);
            k += 1;
        }
        t[i] = word | (len as u32) << 24;
        i += 1;
    }
    t
};

/// 10^1 to 10^19 at their exponents, and 0 at 0 (0 has one digit, as 1 to 9 have).
static POW10: [u64; 20] = {
    let mut t = [0u64; 20];
    let mut p = 1u64;
    let mut i = 1;
    while i < 20 {
        p *= 10;
        t[i] = p;
        i += 1;
    }
    t
};

/// The number of decimal digits of `n` (1 for 0), inline and without a loop: from the
/// position of the highest set bit, `(bits * 1233) >> 12` is `log10` of that power of two
/// rounded down, or one more, which one compare with a power of ten settles.
/// (`u64::ilog10` compiled to a call into the standard library, 15% of `dict_str_int`'s
/// `dumps` samples.)
#[inline(always)]
fn decimal_len(n: u64) -> usize {
    let bits = 64 - (n | 1).leading_zeros() as usize;
    let t = (bits * 1233) >> 12;
    t + 1 - usize::from(n < POW10[t])
}

/// Bytes `write_i64` may write.
pub const MAX_LEN: usize = 20;

/// Writes `v` in decimal at `d` (`MAX_LEN` bytes writable) and returns the length.
///
/// # Safety
/// `d` is valid for writing `MAX_LEN` bytes.
#[inline(always)]
pub unsafe fn write_i64(d: *mut u8, v: i64) -> usize {
    let negative = v < 0;
    let mut n = v.unsigned_abs();
    if n < 1000 {
        // The commonest ints: the digits and their count from a table, in one store.
        let word = SMALL[n as usize];
        unsafe {
            *d = b'-';
            d.add(usize::from(negative))
                .cast::<[u8; 4]>()
                .write_unaligned(word.to_le_bytes());
        }
        return usize::from(negative) + (word >> 24) as usize;
    }
    let len = decimal_len(n);
    unsafe {
        *d = b'-';
        let start = d.add(usize::from(negative));
        let mut end = start.add(len);
        while n >= 100 {
            end = end.sub(2);
            end.cast::<[u8; 2]>()
                .write_unaligned(DIGITS2[(n % 100) as usize]);
            n /= 100;
        }
        if n >= 10 {
            start.cast::<[u8; 2]>().write_unaligned(DIGITS2[n as usize]);
        } else {
            *start = b'0' + n as u8;
        }
    }
    usize::from(negative) + len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: i64) -> String {
        let mut buf = [0u8; MAX_LEN];
        let n = unsafe { write_i64(buf.as_mut_ptr(), v) };
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    #[test]
    fn decimal_lengths() {
        for k in 0..20u32 {
            let p = 10u64.pow(k);
            for n in [p, p - 1, p + 1, p.saturating_mul(5)] {
                assert_eq!(decimal_len(n), n.to_string().len(), "{n}");
            }
        }
        for n in [0, u64::MAX, 1 << 63, (1 << 63) - 1] {
            assert_eq!(decimal_len(n), n.to_string().len(), "{n}");
        }
        for b in 0..64 {
            for n in [1u64 << b, (1u64 << b) - 1, (1u64 << b) + 1] {
                assert_eq!(decimal_len(n), n.to_string().len(), "{n}");
            }
        }
    }

    #[test]
    fn matches_display() {
        let mut cases = vec![0, 1, -1, 9, 10, 99, 100, 101, 999, 1000, i64::MAX, i64::MIN];
        for k in 0..19 {
            let p = 10i64.pow(k);
            cases.extend([p, p - 1, p + 1, -p, -p + 1, -p - 1]);
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push(x as i64 >> (x % 60));
        }
        for v in cases {
            assert_eq!(fmt(v), v.to_string());
        }
    }
}
