//! A JSON parser over bytes that hands every value straight to a [`Sink`].
//!
//! The parser knows nothing about Python: the sink decides what a value is (a Python object
//! in the extension, a small tree in the unit tests). It is iterative — containers live on an
//! explicit stack — so no input can overflow the native stack; the sink's `enter` hook is
//! where a depth limit applies (the Python sink uses the interpreter's recursion limit, as
//! the standard library's scanner does).
//!
//! Accepted syntax and every error (message and position) follow CPython's `json` scanner
//! (`Modules/_json.c` plus `json/decoder.py`), including its quirks: `NaN`, `Infinity` and
//! `-Infinity` are values, `1.` and `1e` end the number before the `.`/`e`, a lone or
//! unpaired `\uD8xx` escape is kept as a lone surrogate. Positions are byte offsets into the
//! input; the caller converts them to character offsets.

use crate::floatparse;

/// A syntax error: the standard library's message and the byte offset it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub msg: &'static str,
    pub pos: usize,
}

impl SyntaxError {
    /// The same error as Python 3.13 and later report it: a trailing comma (`[1,]`,
    /// `{"a": 1,}`) is named as such and located at the comma (CPython gh-113149, pull
    /// request #113227, first released in 3.13), where 3.9-3.12 report the value or property
    /// name expected after it. Only the error changes, so the
    /// parser's loop is the same for every version.
    pub fn as_in_python_3_13(self, text: &[u8]) -> SyntaxError {
        let msg = match (self.msg, text.get(self.pos)) {
            ("Expecting value", Some(b']')) => "Illegal trailing comma before end of array",
            ("Expecting property name enclosed in double quotes", Some(b'}')) => {
                "Illegal trailing comma before end of object"
            }
            _ => return self,
        };
        let before = text[..self.pos]
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        match before {
            Some(comma) if text[comma] == b',' => SyntaxError { msg, pos: comma },
            _ => self,
        }
    }
}

/// Why parsing stopped.
#[derive(Debug)]
pub enum Error<E> {
    Syntax(SyntaxError),
    /// The sink failed (out of memory, recursion limit, integer too long, ...).
    Sink(E),
}

impl<E> From<SyntaxError> for Error<E> {
    fn from(e: SyntaxError) -> Self {
        Error::Syntax(e)
    }
}

/// How a decoded string's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrKind {
    /// Every byte is below 0x80.
    Ascii,
    /// Valid UTF-8 with at least one non-ASCII character.
    Utf8,
    /// UTF-8 that may also hold surrogate code points encoded as three bytes ("WTF-8"):
    /// lone surrogates from `\uD800`-style escapes or from the input itself.
    Wtf8,
}

/// Receives the values the parser finds, bottom-up.
pub trait Sink {
    type Value;
    type Error;

    fn null(&mut self) -> Result<Self::Value, Self::Error>;
    fn boolean(&mut self, value: bool) -> Result<Self::Value, Self::Error>;
    /// An integer that fits in an `i64`.
    fn int(&mut self, value: i64) -> Result<Self::Value, Self::Error>;
    /// An integer of any size: optional `-` and decimal digits, no leading zeros.
    fn big_int(&mut self, text: &str) -> Result<Self::Value, Self::Error>;
    fn float(&mut self, value: f64) -> Result<Self::Value, Self::Error>;
    fn string(&mut self, bytes: &[u8], kind: StrKind) -> Result<Self::Value, Self::Error>;
    /// An object key; by default the same as a string value.
    fn key(&mut self, bytes: &[u8], kind: StrKind) -> Result<Self::Value, Self::Error> {
        self.string(bytes, kind)
    }
    /// An empty vector for the values of the open containers (the sink may keep one from
    /// call to call, so a long array does not grow a new one every time).
    fn take_values(&mut self) -> Vec<Self::Value> {
        Vec::new()
    }
    /// The vector back, empty, at the end of parsing.
    fn give_back_values(&mut self, values: Vec<Self::Value>) {
        drop(values);
    }
    /// Called on entering an array (`object == false`) or an object; an error stops parsing.
    fn enter(&mut self, object: bool) -> Result<(), Self::Error>;
    /// Called once for every successful `enter`, when the container is closed or abandoned.
    fn leave(&mut self);
    /// Builds an array from its items (in order); the items are moved out of the vector.
    fn array(
        &mut self,
        items: std::vec::Drain<'_, Self::Value>,
    ) -> Result<Self::Value, Self::Error>;
    /// Builds an object from alternating keys and values; later duplicates win.
    fn object(
        &mut self,
        items: std::vec::Drain<'_, Self::Value>,
    ) -> Result<Self::Value, Self::Error>;
}

#[inline(always)]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Byte classes for the string scanner: 0 = plain ASCII, 1 = stops the fast scan
/// (`"`, `\`, control characters), 2 = start of a non-ASCII character.
static STR_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if i < 0x20 || i == b'"' as usize || i == b'\\' as usize {
            1
        } else if i >= 0x80 {
            2
        } else {
            0
        };
        i += 1;
    }
    t
};

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// True if any of the 8 bytes in `w` is `"`, `\` or below 0x20. (Bytes at or above 0x80
/// never match: the `& !x` term clears them.)
#[inline(always)]
fn word_needs_attention(w: u64) -> bool {
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let quote = has_zero(w ^ (LO * b'"' as u64));
    let backslash = has_zero(w ^ (LO * b'\\' as u64));
    let control = w.wrapping_sub(LO * 0x20) & !w & HI;
    (quote | backslash | control) != 0
}

/// The ASCII digits at `i` and their value, eight bytes at a time: the digits are found and
/// converted in the same pass (a float's 17 digits are three steps, not 17 byte compares and
/// a mispredicted exit). Returns the index after the digits, the number of digits and
/// `m * 10^count + their value` (wrapping: only meaningful for 19 digits or fewer in all).
#[inline(always)]
fn read_digits(s: &[u8], mut i: usize, mut m: u64) -> (usize, usize, u64) {
    let start = i;
    while i + 8 <= s.len() {
        let w = u64::from_le_bytes(s[i..i + 8].try_into().unwrap());
        // Each byte minus '0': a digit leaves 0..=9 (and borrows nothing, so the bytes up to
        // the first non-digit are exact); a non-digit leaves its top bit set, or a value
        // that adding 0x76 carries into the top bit.
        let d = w.wrapping_sub(LO * 0x30);
        let not_digit = (d | d.wrapping_add(LO * 0x76)) & HI;
        if not_digit == 0 {
            m = m
                .wrapping_mul(100_000_000)
                .wrapping_add(floatparse::eight_digits(d));
            i += 8;
            continue;
        }
        let n = (not_digit.trailing_zeros() / 8) as usize;
        if n > 0 {
            // The n digits become the high bytes and zeros fill the low ones (the first
            // digit is the lowest byte of a little-endian load, the most significant).
            m = m
                .wrapping_mul(floatparse::POW10_U64[n])
                .wrapping_add(floatparse::eight_digits(d << (8 * (8 - n))));
        }
        return (i + n, i + n - start, m);
    }
    while let Some(&d @ b'0'..=b'9') = s.get(i) {
        m = m.wrapping_mul(10).wrapping_add((d - b'0') as u64);
        i += 1;
    }
    (i, i - start, m)
}

/// For 16 bytes at `p`: a bit mask of the bytes that stop a string scan (`"`, `\\`, below
/// 0x20) and a bit mask of the non-ASCII bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn sse2_scan(p: *const u8) -> (u32, u32) {
    use std::arch::x86_64::*;
    unsafe {
        let v = _mm_loadu_si128(p as *const __m128i);
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        let low = _mm_set1_epi8(0x1f);
        let control = _mm_cmpeq_epi8(_mm_max_epu8(v, low), low);
        let stop = _mm_or_si128(_mm_or_si128(quote, backslash), control);
        (_mm_movemask_epi8(stop) as u32, _mm_movemask_epi8(v) as u32)
    }
}

enum Frame {
    Array(usize),
    Object(usize),
}

/// Parses one JSON document (surrounded by optional whitespace) from `input`.
///
/// `wtf8` says the input may hold encoded surrogates; every string with a non-ASCII
/// character is then reported as [`StrKind::Wtf8`].
pub fn parse<S: Sink>(sink: &mut S, input: &[u8], wtf8: bool) -> Result<S::Value, Error<S::Error>> {
    let mut p = Parser {
        input,
        pos: 0,
        scratch: Vec::new(),
        wtf8,
    };
    let mut frames: Vec<Frame> = Vec::new();
    let mut values = sink.take_values();
    let result = p.run(sink, &mut frames, &mut values);
    // Balance `enter` calls of containers left open by an error.
    for _ in frames.drain(..) {
        sink.leave();
    }
    values.clear();
    sink.give_back_values(values);
    let value = result?;
    p.skip_ws();
    if p.pos != input.len() {
        return Err(Error::Syntax(SyntaxError {
            msg: "Extra data",
            pos: p.pos,
        }));
    }
    Ok(value)
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    scratch: Vec<u8>,
    wtf8: bool,
}

fn err<T, E>(msg: &'static str, pos: usize) -> Result<T, Error<E>> {
    Err(Error::Syntax(SyntaxError { msg, pos }))
}

impl<'a> Parser<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.input.get(self.pos) {
            if !is_ws(b) {
                break;
            }
            self.pos += 1;
        }
    }

    fn run<S: Sink>(
        &mut self,
        sink: &mut S,
        frames: &mut Vec<Frame>,
        values: &mut Vec<S::Value>,
    ) -> Result<S::Value, Error<S::Error>> {
        self.skip_ws();
        'value: loop {
            // Parse a value starting at self.pos (whitespace already skipped).
            let mut value = match self.peek() {
                Some(b'[') => {
                    sink.enter(false).map_err(Error::Sink)?;
                    frames.push(Frame::Array(values.len()));
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        frames.pop();
                        sink.leave();
                        sink.array(values.drain(values.len()..))
                            .map_err(Error::Sink)?
                    } else {
                        continue 'value;
                    }
                }
                Some(b'{') => {
                    sink.enter(true).map_err(Error::Sink)?;
                    frames.push(Frame::Object(values.len()));
                    self.pos += 1;
                    self.skip_ws();
                    match self.peek() {
                        Some(b'}') => {
                            self.pos += 1;
                            frames.pop();
                            sink.leave();
                            sink.object(values.drain(values.len()..))
                                .map_err(Error::Sink)?
                        }
                        Some(b'"') => {
                            self.key_and_colon(sink, values)?;
                            continue 'value;
                        }
                        _ => {
                            return err(
                                "Expecting property name enclosed in double quotes",
                                self.pos,
                            );
                        }
                    }
                }
                Some(b'"') => self.string(sink, false)?,
                // Literals first: with the number parser inlined here, testing for a number
                // before `true`/`false`/`null` made a list of booleans 8% slower.
                Some(b't' | b'f' | b'n') => self.scalar(sink)?,
                Some(b'-' | b'0'..=b'9') => self.number(sink)?,
                _ => self.scalar(sink)?,
            };
            // A value is complete: put it into the enclosing containers, closing those that end.
            loop {
                let (object, start) = match frames.last() {
                    None => return Ok(value),
                    Some(&Frame::Array(start)) => (false, start),
                    Some(&Frame::Object(start)) => (true, start),
                };
                values.push(value);
                self.skip_ws();
                match (object, self.peek()) {
                    (_, Some(b',')) => {
                        self.pos += 1;
                        self.skip_ws();
                        if object {
                            if self.peek() != Some(b'"') {
                                return err(
                                    "Expecting property name enclosed in double quotes",
                                    self.pos,
                                );
                            }
                            self.key_and_colon(sink, values)?;
                        }
                        continue 'value;
                    }
                    (false, Some(b']')) => {
                        self.pos += 1;
                        frames.pop();
                        sink.leave();
                        value = sink.array(values.drain(start..)).map_err(Error::Sink)?;
                    }
                    (true, Some(b'}')) => {
                        self.pos += 1;
                        frames.pop();
                        sink.leave();
                        value = sink.object(values.drain(start..)).map_err(Error::Sink)?;
                    }
                    _ => return err("Expecting ',' delimiter", self.pos),
                }
            }
        }
    }

    /// At a `"` inside an object: the key, `:` and the whitespace before the value.
    fn key_and_colon<S: Sink>(
        &mut self,
        sink: &mut S,
        values: &mut Vec<S::Value>,
    ) -> Result<(), Error<S::Error>> {
        let key = self.string(sink, true)?;
        values.push(key);
        self.skip_ws();
        if self.peek() != Some(b':') {
            return err("Expecting ':' delimiter", self.pos);
        }
        self.pos += 1;
        self.skip_ws();
        Ok(())
    }

    fn scalar<S: Sink>(&mut self, sink: &mut S) -> Result<S::Value, Error<S::Error>> {
        // The common literals, compared four bytes at a time.
        if let Some(word) = self.input.get(self.pos..self.pos + 4) {
            let word = u32::from_le_bytes(word.try_into().unwrap());
            let (len, v) = if word == u32::from_le_bytes(*b"true") {
                (4, sink.boolean(true))
            } else if word == u32::from_le_bytes(*b"fals")
                && self.input.get(self.pos + 4) == Some(&b'e')
            {
                (5, sink.boolean(false))
            } else if word == u32::from_le_bytes(*b"null") {
                (4, sink.null())
            } else {
                return self.scalar_slow(sink);
            };
            self.pos += len;
            return v.map_err(Error::Sink);
        }
        self.scalar_slow(sink)
    }

    fn scalar_slow<S: Sink>(&mut self, sink: &mut S) -> Result<S::Value, Error<S::Error>> {
        let rest = &self.input[self.pos..];
        let (len, v) = match rest.first() {
            Some(b'n') if rest.starts_with(b"null") => (4, sink.null()),
            Some(b't') if rest.starts_with(b"true") => (4, sink.boolean(true)),
            Some(b'f') if rest.starts_with(b"false") => (5, sink.boolean(false)),
            Some(b'N') if rest.starts_with(b"NaN") => (3, sink.float(f64::NAN)),
            Some(b'I') if rest.starts_with(b"Infinity") => (8, sink.float(f64::INFINITY)),
            _ => return self.number(sink),
        };
        self.pos += len;
        v.map_err(Error::Sink)
    }

    #[inline(always)]
    fn number<S: Sink>(&mut self, sink: &mut S) -> Result<S::Value, Error<S::Error>> {
        let s = self.input;
        let start = self.pos;
        let mut i = start;
        let negative = s.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let int_start = i;
        // The significant digits (at most 19 are exact in `m`) and their count.
        let (mut m, mut digits) = (0u64, 0usize);
        match s.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => (i, digits, m) = read_digits(s, i, 0),
            Some(b'I') if negative && s[i..].starts_with(b"Infinity") => {
                self.pos = i + 8;
                return sink.float(f64::NEG_INFINITY).map_err(Error::Sink);
            }
            _ => return err("Expecting value", start),
        }
        let mut is_float = false;
        let mut frac_digits = 0;
        if s.get(i) == Some(&b'.') && matches!(s.get(i + 1), Some(b'0'..=b'9')) {
            is_float = true;
            i += 1;
            let frac_start = i;
            let n;
            (i, n, m) = read_digits(s, i, m);
            digits += n;
            frac_digits = n;
            if digits > 19 && s[int_start] == b'0' {
                // "0.000123...": the zeros before the first significant digit (JSON allows
                // no other leading zeros) added nothing to `m` and do not count.
                digits -= s[frac_start..i].iter().take_while(|&&b| b == b'0').count();
            }
        }
        let mut exp: i64 = 0;
        if matches!(s.get(i), Some(b'e' | b'E')) {
            let e_start = i;
            i += 1;
            let exp_negative = s.get(i) == Some(&b'-');
            if matches!(s.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let digits_start = i;
            while let Some(&d @ b'0'..=b'9') = s.get(i) {
                // Saturated far beyond any f64 exponent (it is added to a digit count).
                if exp < 1 << 40 {
                    exp = exp * 10 + (d - b'0') as i64;
                }
                i += 1;
            }
            if i > digits_start {
                is_float = true;
                if exp_negative {
                    exp = -exp;
                }
            } else {
                i = e_start; // not an exponent: the number ends before the `e`
                exp = 0;
            }
        }
        self.pos = i;
        if is_float {
            let exact = if digits <= 19 {
                floatparse::from_parts(m, exp - frac_digits as i64)
            } else {
                None
            };
            let value = match exact {
                // The sign without a branch: it is random in real data.
                Some(v) => f64::from_bits(v.to_bits() | (negative as u64) << 63),
                None => floatparse::fallback(&s[start..i]),
            };
            return sink.float(value).map_err(Error::Sink);
        }
        if digits <= 18 {
            let v = m as i64;
            return sink.int(if negative { -v } else { v }).map_err(Error::Sink);
        }
        // SAFETY: only ASCII digits and a leading `-` are between start and i.
        let text = unsafe { std::str::from_utf8_unchecked(&s[start..i]) };
        sink.big_int(text).map_err(Error::Sink)
    }

    /// At an opening `"`: the string, unescaped.
    fn string<S: Sink>(&mut self, sink: &mut S, key: bool) -> Result<S::Value, Error<S::Error>> {
        let s = self.input;
        let begin = self.pos;
        let mut i = begin + 1;
        let mut non_ascii = false;
        // Most keys and many values are shorter than 16 bytes and have no escape: one SSE2
        // step finds the closing quote.
        #[cfg(target_arch = "x86_64")]
        if i + 16 <= s.len() {
            // SAFETY: 16 bytes from i are within the input (checked above).
            let (stop, hi) = unsafe { sse2_scan(s.as_ptr().add(i)) };
            let k = stop.trailing_zeros() as usize;
            if k < 16 && s[i + k] == b'"' {
                self.pos = i + k + 1;
                let kind = self.kind(hi & ((1u32 << k) - 1) != 0);
                let bytes = &s[i..i + k];
                let v = if key {
                    sink.key(bytes, kind)
                } else {
                    sink.string(bytes, kind)
                };
                return v.map_err(Error::Sink);
            }
        }
        // Fast scan: a run without escapes is handed to the sink as a slice of the input.
        // Eight bytes at a time; non-ASCII bytes are only noted (their high bits collected).
        let mut high = 0u64;
        loop {
            #[cfg(target_arch = "x86_64")]
            {
                // SSE2 (always there on x86_64): 16 bytes per step, stopping exactly at the
                // first `"`, `\` or control byte.
                let mut hi_acc = 0u32;
                while i + 16 <= s.len() {
                    let (stop, hi) = unsafe { sse2_scan(s.as_ptr().add(i)) };
                    if stop == 0 {
                        hi_acc |= hi;
                        i += 16;
                        continue;
                    }
                    let k = stop.trailing_zeros();
                    hi_acc |= hi & ((1u32 << k) - 1);
                    i += k as usize;
                    break;
                }
                if hi_acc != 0 {
                    non_ascii = true;
                }
            }
            while i + 8 <= s.len() {
                let w = u64::from_le_bytes(s[i..i + 8].try_into().unwrap());
                if word_needs_attention(w) {
                    break;
                }
                high |= w;
                i += 8;
            }
            if high & HI != 0 {
                non_ascii = true;
            }
            match s.get(i) {
                None => return err("Unterminated string starting at", begin),
                Some(&b) => match STR_CLASS[b as usize] {
                    0 => i += 1,
                    2 => {
                        non_ascii = true;
                        i += 1;
                    }
                    _ => {
                        if b == b'"' {
                            self.pos = i + 1;
                            let kind = self.kind(non_ascii);
                            let bytes = &s[begin + 1..i];
                            let v = if key {
                                sink.key(bytes, kind)
                            } else {
                                sink.string(bytes, kind)
                            };
                            return v.map_err(Error::Sink);
                        } else if b == b'\\' {
                            break;
                        } else {
                            return err("Invalid control character at", i);
                        }
                    }
                },
            }
        }
        // Slow path: there are escapes; unescape into the scratch buffer.
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        buf.extend_from_slice(&s[begin + 1..i]);
        let mut surrogates = false;
        let result = loop {
            let Some(&b) = s.get(i) else {
                break err("Unterminated string starting at", begin);
            };
            match STR_CLASS[b as usize] {
                0 => {
                    buf.push(b);
                    i += 1;
                }
                2 => {
                    non_ascii = true;
                    buf.push(b);
                    i += 1;
                }
                _ if b == b'"' => {
                    self.pos = i + 1;
                    let kind = if surrogates {
                        StrKind::Wtf8
                    } else {
                        self.kind(non_ascii)
                    };
                    let v = if key {
                        sink.key(&buf, kind)
                    } else {
                        sink.string(&buf, kind)
                    };
                    break v.map_err(Error::Sink);
                }
                _ if b == b'\\' => {
                    let Some(&c) = s.get(i + 1) else {
                        break err("Unterminated string starting at", begin);
                    };
                    let simple = match c {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => 0,
                        _ => break err("Invalid \\escape", i),
                    };
                    if simple != 0 {
                        buf.push(simple);
                        i += 2;
                        continue;
                    }
                    // \uXXXX: CPython wants at least one character after the four digits.
                    let u = i + 1;
                    if u + 5 >= s.len() {
                        break err("Invalid \\uXXXX escape", u);
                    }
                    let Some(mut c) = hex4(&s[u + 1..u + 5]) else {
                        break err("Invalid \\uXXXX escape", u);
                    };
                    i = u + 5;
                    if (0xd800..0xdc00).contains(&c)
                        && i + 6 < s.len()
                        && s[i] == b'\\'
                        && s[i + 1] == b'u'
                    {
                        let Some(c2) = hex4(&s[i + 2..i + 6]) else {
                            break err("Invalid \\uXXXX escape", i + 1);
                        };
                        if (0xdc00..0xe000).contains(&c2) {
                            c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
                            i += 6;
                        }
                    }
                    if c >= 0x80 {
                        non_ascii = true;
                    }
                    if (0xd800..0xe000).contains(&c) {
                        surrogates = true;
                    }
                    push_wtf8(&mut buf, c);
                }
                _ => break err("Invalid control character at", i),
            }
        };
        self.scratch = buf;
        result
    }

    #[inline(always)]
    fn kind(&self, non_ascii: bool) -> StrKind {
        match (non_ascii, self.wtf8) {
            (false, _) => StrKind::Ascii,
            (true, false) => StrKind::Utf8,
            (true, true) => StrKind::Wtf8,
        }
    }
}

fn hex4(digits: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &d in digits {
        let n = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | n as u32;
    }
    Some(v)
}

/// Appends a code point as UTF-8; surrogates become their generalized 3-byte form.
#[inline]
pub fn push_wtf8(buf: &mut Vec<u8>, c: u32) {
    if c < 0x80 {
        buf.push(c as u8);
    } else if c < 0x800 {
        buf.extend_from_slice(&[0xc0 | (c >> 6) as u8, 0x80 | (c & 0x3f) as u8]);
    } else if c < 0x10000 {
        buf.extend_from_slice(&[
            0xe0 | (c >> 12) as u8,
            0x80 | ((c >> 6) & 0x3f) as u8,
            0x80 | (c & 0x3f) as u8,
        ]);
    } else {
        buf.extend_from_slice(&[
            0xf0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3f) as u8,
            0x80 | ((c >> 6) & 0x3f) as u8,
            0x80 | (c & 0x3f) as u8,
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain-Rust value tree, so the parser can be tested without an interpreter.
    #[derive(Debug, PartialEq, Clone)]
    enum V {
        Null,
        Bool(bool),
        Int(i64),
        Big(String),
        Float(f64),
        Str(Vec<u8>, StrKind),
        Arr(Vec<V>),
        Obj(Vec<(V, V)>),
    }

    struct TreeSink {
        depth: usize,
        limit: usize,
    }

    impl Sink for TreeSink {
        type Value = V;
        type Error = &'static str;
        fn null(&mut self) -> Result<V, &'static str> {
            Ok(V::Null)
        }
        fn boolean(&mut self, b: bool) -> Result<V, &'static str> {
            Ok(V::Bool(b))
        }
        fn int(&mut self, v: i64) -> Result<V, &'static str> {
            Ok(V::Int(v))
        }
        fn big_int(&mut self, t: &str) -> Result<V, &'static str> {
            Ok(V::Big(t.to_string()))
        }
        fn float(&mut self, v: f64) -> Result<V, &'static str> {
            Ok(V::Float(v))
        }
        fn string(&mut self, b: &[u8], k: StrKind) -> Result<V, &'static str> {
            Ok(V::Str(b.to_vec(), k))
        }
        fn enter(&mut self, _object: bool) -> Result<(), &'static str> {
            if self.depth == self.limit {
                return Err("too deep");
            }
            self.depth += 1;
            Ok(())
        }
        fn leave(&mut self) {
            self.depth -= 1;
        }
        fn array(&mut self, items: std::vec::Drain<'_, V>) -> Result<V, &'static str> {
            Ok(V::Arr(items.collect()))
        }
        fn object(&mut self, items: std::vec::Drain<'_, V>) -> Result<V, &'static str> {
            let flat: Vec<V> = items.collect();
            Ok(V::Obj(
                flat.chunks(2)
                    .map(|p| (p[0].clone(), p[1].clone()))
                    .collect(),
            ))
        }
    }

    fn p(s: &str) -> Result<V, Error<&'static str>> {
        let mut sink = TreeSink {
            depth: 0,
            limit: 100,
        };
        let r = parse(&mut sink, s.as_bytes(), false);
        assert_eq!(sink.depth, 0, "enter/leave balanced for {s:?}");
        r
    }

    fn ok(s: &str) -> V {
        p(s).unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
    }

    #[test]
    fn trailing_commas_as_in_python_3_13() {
        let as_313 = |s: &str| match p(s) {
            Err(Error::Syntax(e)) => {
                let e = e.as_in_python_3_13(s.as_bytes());
                (e.msg, e.pos)
            }
            other => panic!("{s:?} gave {other:?}"),
        };
        let array = "Illegal trailing comma before end of array";
        let object = "Illegal trailing comma before end of object";
        assert_eq!(as_313("[1,]"), (array, 2));
        assert_eq!(as_313("[1, \n ]"), (array, 2));
        assert_eq!(as_313("{\"a\": 1 ,}"), (object, 8));
        assert_eq!(as_313("[[1],{\"b\":[2,]}]"), (array, 12));
        // Not a trailing comma: unchanged.
        assert_eq!(as_313("]"), ("Expecting value", 0));
        assert_eq!(as_313("[,]"), ("Expecting value", 1));
        assert_eq!(as_313("[1,,]"), ("Expecting value", 3));
        assert_eq!(
            as_313("{,}"),
            ("Expecting property name enclosed in double quotes", 1)
        );
        assert_eq!(as_313("{\"a\":}"), ("Expecting value", 5));
        assert_eq!(as_313("[1,}"), ("Expecting value", 3));
    }

    fn syntax(s: &str) -> (&'static str, usize) {
        match p(s) {
            Err(Error::Syntax(e)) => (e.msg, e.pos),
            other => panic!("{s:?} gave {other:?}"),
        }
    }

    fn st(s: &str) -> V {
        let kind = if s.is_ascii() {
            StrKind::Ascii
        } else {
            StrKind::Utf8
        };
        V::Str(s.as_bytes().to_vec(), kind)
    }

    #[test]
    fn scalars() {
        assert_eq!(ok("null"), V::Null);
        assert_eq!(ok(" true "), V::Bool(true));
        assert_eq!(ok("false"), V::Bool(false));
        assert_eq!(ok("0"), V::Int(0));
        assert_eq!(ok("-0"), V::Int(0));
        assert_eq!(ok("-123"), V::Int(-123));
        assert_eq!(ok("999999999999999999"), V::Int(999_999_999_999_999_999));
        assert_eq!(
            ok("12345678901234567890"),
            V::Big("12345678901234567890".into())
        );
        assert_eq!(
            ok("-12345678901234567890"),
            V::Big("-12345678901234567890".into())
        );
        // Integers: every length around the eight-digit groups and the 18-digit i64 limit.
        for n in 1..=25 {
            let digits: String = (0..n).map(|k| char::from(b'1' + (k % 9) as u8)).collect();
            for text in [digits.clone(), format!("-{digits}")] {
                let want = if n <= 18 {
                    V::Int(text.parse().unwrap())
                } else {
                    V::Big(text.clone())
                };
                assert_eq!(ok(&text), want, "{text}");
                assert_eq!(ok(&format!("[{text}]")), V::Arr(vec![want]), "{text}");
            }
        }
        assert_eq!(
            ok("[0, -0, 10, 1000000000]"),
            V::Arr(vec![
                V::Int(0),
                V::Int(0),
                V::Int(10),
                V::Int(1_000_000_000)
            ])
        );
        assert_eq!(ok("-Infinity"), V::Float(f64::NEG_INFINITY));
        assert_eq!(syntax("-Inf"), ("Expecting value", 0));
        assert_eq!(syntax("[-]"), ("Expecting value", 1));
        assert_eq!(ok("1.5"), V::Float(1.5));
        assert_eq!(ok("-0.0"), V::Float(-0.0));
        assert_eq!(ok("1e3"), V::Float(1000.0));
        assert_eq!(ok("1E+3"), V::Float(1000.0));
        assert_eq!(ok("2.5e-3"), V::Float(0.0025));
        assert_eq!(ok("1e400"), V::Float(f64::INFINITY));
        assert_eq!(ok("0.1"), V::Float(0.1));
        assert_eq!(ok("Infinity"), V::Float(f64::INFINITY));
        assert_eq!(ok("-Infinity"), V::Float(f64::NEG_INFINITY));
        assert!(matches!(ok("NaN"), V::Float(f) if f.is_nan()));
    }

    #[test]
    fn strings() {
        assert_eq!(ok(r#""abc""#), st("abc"));
        assert_eq!(
            ok(r#""a long string that crosses words""#),
            st("a long string that crosses words")
        );
        assert_eq!(ok(r#""h\u00e9llo\n\t\"\\\/""#), st("héllo\n\t\"\\/"));
        assert_eq!(ok("\"h\u{e9}llo w\u{f6}rld\""), st("héllo wörld"));
        assert_eq!(ok(r#""\ud83d\ude00""#), st("😀"));
        assert_eq!(ok(r#""\b\f\r""#), st("\u{8}\u{c}\r"));
        // Lone surrogates survive as generalized UTF-8.
        assert_eq!(
            ok(r#""\ud800""#),
            V::Str(vec![0xed, 0xa0, 0x80], StrKind::Wtf8)
        );
        assert_eq!(
            ok(r#""\udc00x""#),
            V::Str(vec![0xed, 0xb0, 0x80, b'x'], StrKind::Wtf8)
        );
        // A high surrogate followed by a non-low-surrogate escape: both kept.
        assert_eq!(
            ok(r#""\ud800\u0041""#),
            V::Str(vec![0xed, 0xa0, 0x80, b'A'], StrKind::Wtf8)
        );
    }

    #[test]
    fn containers() {
        assert_eq!(ok("[]"), V::Arr(vec![]));
        assert_eq!(ok("{}"), V::Obj(vec![]));
        assert_eq!(
            ok(" [ 1 , [ ] , { } ] "),
            V::Arr(vec![V::Int(1), V::Arr(vec![]), V::Obj(vec![])])
        );
        assert_eq!(
            ok(r#"{"a": [1, {"b": null}], "c": "d"}"#),
            V::Obj(vec![
                (
                    st("a"),
                    V::Arr(vec![V::Int(1), V::Obj(vec![(st("b"), V::Null)])])
                ),
                (st("c"), st("d")),
            ])
        );
    }

    #[test]
    fn errors_match_cpython() {
        assert_eq!(syntax(""), ("Expecting value", 0));
        assert_eq!(syntax("   "), ("Expecting value", 3));
        assert_eq!(syntax("["), ("Expecting value", 1));
        assert_eq!(syntax("[1,]"), ("Expecting value", 3));
        assert_eq!(syntax("[1 2]"), ("Expecting ',' delimiter", 3));
        assert_eq!(
            syntax("{"),
            ("Expecting property name enclosed in double quotes", 1)
        );
        assert_eq!(
            syntax(r#"{"a":1,}"#),
            ("Expecting property name enclosed in double quotes", 7)
        );
        assert_eq!(syntax(r#"{"a" 1}"#), ("Expecting ':' delimiter", 5));
        assert_eq!(syntax(r#"{"a":1 "b":2}"#), ("Expecting ',' delimiter", 7));
        assert_eq!(syntax("[1] x"), ("Extra data", 4));
        assert_eq!(syntax("01"), ("Extra data", 1));
        assert_eq!(syntax("1."), ("Extra data", 1));
        assert_eq!(syntax("1e"), ("Extra data", 1));
        assert_eq!(syntax("-"), ("Expecting value", 0));
        assert_eq!(syntax("-a"), ("Expecting value", 0));
        assert_eq!(syntax("nul"), ("Expecting value", 0));
        assert_eq!(syntax("\"abc"), ("Unterminated string starting at", 0));
        assert_eq!(syntax("[\"abc\\"), ("Unterminated string starting at", 1));
        assert_eq!(syntax("\"a\nb\""), ("Invalid control character at", 2));
        assert_eq!(syntax(r#""\x""#), ("Invalid \\escape", 1));
        assert_eq!(syntax(r#""\u12""#), ("Invalid \\uXXXX escape", 2));
        assert_eq!(syntax(r#""\u12zz""#), ("Invalid \\uXXXX escape", 2));
        assert_eq!(syntax(r#""\ud800\uzzzz""#), ("Invalid \\uXXXX escape", 8));
        assert_eq!(syntax("\"\\u1234"), ("Invalid \\uXXXX escape", 2));
    }

    #[test]
    fn depth_limit_is_the_sinks_and_balanced() {
        let deep = "[".repeat(150) + &"]".repeat(150);
        assert!(matches!(p(&deep), Err(Error::Sink("too deep"))));
        let ok_deep = "[".repeat(100) + &"]".repeat(100);
        assert!(p(&ok_deep).is_ok());
        // Far deeper than any native stack would allow, with a generous sink.
        let mut sink = TreeSink {
            depth: 0,
            limit: usize::MAX,
        };
        let huge = "[".repeat(1_000_000);
        assert!(matches!(
            parse(&mut sink, huge.as_bytes(), false),
            Err(Error::Syntax(_))
        ));
        assert_eq!(sink.depth, 0);
    }

    #[test]
    fn digit_scan() {
        // Every byte value at every position of the first and second group of eight.
        for pos in 0..16 {
            for b in 0u8..=255 {
                let mut text = *b"1234567890123456789012";
                text[pos] = b;
                let want = text.iter().take_while(|d| d.is_ascii_digit()).count();
                let (end, n, m) = read_digits(&text, 0, 0);
                assert_eq!((end, n), (want, want), "byte {b:#x} at {pos}");
                if want <= 19 {
                    let value = std::str::from_utf8(&text[..want]).unwrap();
                    assert_eq!(m, value.parse::<u64>().unwrap_or(0), "byte {b:#x} at {pos}");
                }
            }
        }
    }

    #[test]
    fn word_scan() {
        for b in 0u8..=255 {
            let w = u64::from_le_bytes([b'a', b'b', b'c', b, b'd', b'e', b'f', b'g']);
            let expect = b < 0x20 || b == b'"' || b == b'\\';
            assert_eq!(word_needs_attention(w), expect, "byte {b:#x}");
        }
    }
}
