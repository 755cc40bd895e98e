// FFI code throughout: every `unsafe fn` here is a thin layer over the C API, called with the
// GIL held and valid object pointers, so its body is not split into separate `unsafe` blocks.
#![allow(unsafe_op_in_unsafe_fn)]

//! The parser's Python sink: every JSON value becomes its Python object directly (no
//! intermediate tree), plus `loads`' handling of `str`, `bytes` and `bytearray` input.

use std::cell::UnsafeCell;
use std::ffi::CString;
use std::ptr::NonNull;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::parser::{self, Sink, StrKind};

/// An owned reference to a Python object; dropping it releases the reference.
pub struct Obj(NonNull<ffi::PyObject>);

impl Obj {
    /// Takes ownership of a new reference; NULL means a Python exception is set.
    #[inline(always)]
    unsafe fn new(py: Python<'_>, ptr: *mut ffi::PyObject) -> PyResult<Obj> {
        match NonNull::new(ptr) {
            Some(p) => Ok(Obj(p)),
            None => Err(PyErr::fetch(py)),
        }
    }

    #[inline(always)]
    fn into_ptr(self) -> *mut ffi::PyObject {
        let p = self.0.as_ptr();
        std::mem::forget(self);
        p
    }

    #[inline(always)]
    fn as_ptr(&self) -> *mut ffi::PyObject {
        self.0.as_ptr()
    }
}

impl Drop for Obj {
    #[inline(always)]
    fn drop(&mut self) {
        unsafe { ffi::Py_DECREF(self.0.as_ptr()) }
    }
}

/// State only touched with the GIL held (the module declares `gil_used = true`).
pub(crate) struct GilCell<T>(UnsafeCell<T>);
unsafe impl<T> Sync for GilCell<T> {}
impl<T> GilCell<T> {
    pub(crate) const fn new(v: T) -> Self {
        GilCell(UnsafeCell::new(v))
    }
    /// SAFETY: the caller holds the GIL and does not keep the reference across calls that
    /// could re-enter this module.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn get(&self, _py: Python<'_>) -> &mut T {
        &mut *self.0.get()
    }
}

const KEY_CACHE_SIZE: usize = 2048;
const KEY_CACHE_MAX_LEN: usize = 64;

/// Object keys repeat: a direct-mapped cache of `str` objects for short ASCII keys saves an
/// allocation, a copy and a hash (cached in the object) per key.
static KEY_CACHE: GilCell<[*mut ffi::PyObject; KEY_CACHE_SIZE]> =
    GilCell::new([std::ptr::null_mut(); KEY_CACHE_SIZE]);

#[inline(always)]
fn key_hash(bytes: &[u8]) -> usize {
    if bytes.len() >= 8 && bytes.len() <= 16 {
        // Two overlapping words cover the key: two loads and a multiply, no byte loop.
        let (a, b) = first_last_words(bytes);
        let h = (a ^ b.rotate_left(29) ^ bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        return (h >> 40) as usize;
    }
    // FNV-1a over at most 64 bytes: cheap and good enough for a direct-mapped cache.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ (h >> 29)) as usize
}

/// The first and the last eight bytes of a slice of 8 to 16 bytes.
#[inline(always)]
fn first_last_words(bytes: &[u8]) -> (u64, u64) {
    let n = bytes.len();
    (
        u64::from_le_bytes(bytes[..8].try_into().unwrap()),
        u64::from_le_bytes(bytes[n - 8..].try_into().unwrap()),
    )
}

/// Whether `cached`, an ASCII `str`, has exactly the characters `bytes`.
///
/// SAFETY: `cached` is a live compact ASCII `str` (the key cache holds a reference to each
/// of its entries, all made by `ascii_str`), so its data has `GET_LENGTH` bytes, and only
/// that many are read.
#[inline(always)]
unsafe fn same_ascii(cached: *mut ffi::PyObject, bytes: &[u8]) -> bool {
    if ffi::PyUnicode_GET_LENGTH(cached) as usize != bytes.len() {
        return false;
    }
    let data = std::slice::from_raw_parts(ffi::PyUnicode_DATA(cached) as *const u8, bytes.len());
    if bytes.len() >= 8 && bytes.len() <= 16 {
        // Inline, no memcmp call: the same two overlapping words on each side.
        return first_last_words(data) == first_last_words(bytes);
    }
    data == bytes
}

/// A new `str` from ASCII bytes: allocate the compact object and copy, no decoding.
#[inline(always)]
unsafe fn ascii_str(bytes: &[u8]) -> *mut ffi::PyObject {
    let s = ffi::PyUnicode_New(bytes.len() as ffi::Py_ssize_t, 127);
    if !s.is_null() {
        std::ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            ffi::PyUnicode_DATA(s) as *mut u8,
            bytes.len(),
        );
    }
    s
}

/// A new `str` from valid UTF-8 (or WTF-8: surrogates in their 3-byte form), decoded in
/// one pass straight into the narrowest of CPython's layouts.
///
/// The layout a string must use (CPython compares strings of different layouts as unequal)
/// follows from its largest lead byte: up to 0xC3 every character is below 0x100 (UCS-1),
/// up to 0xEF below 0x10000 (UCS-2), beyond that UCS-4.
unsafe fn utf8_str(bytes: &[u8]) -> *mut ffi::PyObject {
    let (max, continuation) = max_and_continuation_bytes(bytes);
    if max < 0x80 {
        return ascii_str(bytes);
    }
    let len = bytes.len() - continuation;
    let (maxchar, kind) = if max < 0xc4 {
        (0xff, 1)
    } else if max < 0xf0 {
        (0xffff, 2)
    } else {
        (0x10ffff, 4)
    };
    let s = ffi::PyUnicode_New(len as ffi::Py_ssize_t, maxchar);
    if s.is_null() {
        return s;
    }
    let data = ffi::PyUnicode_DATA(s);
    match kind {
        1 => decode_into(bytes, std::slice::from_raw_parts_mut(data as *mut u8, len)),
        2 => decode_into(bytes, std::slice::from_raw_parts_mut(data as *mut u16, len)),
        _ => decode_into(bytes, std::slice::from_raw_parts_mut(data as *mut u32, len)),
    }
    s
}

/// The largest byte and the number of continuation bytes (0x80..=0xBF).
#[inline(always)]
fn max_and_continuation_bytes(bytes: &[u8]) -> (u8, usize) {
    #[allow(unused_mut)]
    let (mut max, mut continuation, mut rest) = (0u8, 0usize, bytes);
    #[cfg(target_arch = "x86_64")]
    unsafe {
        use std::arch::x86_64::*;
        let mut vmax = _mm_setzero_si128();
        let top = _mm_set1_epi8(0xc0u8 as i8);
        let cont = _mm_set1_epi8(0x80u8 as i8);
        let mut chunks = rest.chunks_exact(16);
        for chunk in &mut chunks {
            let v = _mm_loadu_si128(chunk.as_ptr() as *const __m128i);
            vmax = _mm_max_epu8(vmax, v);
            let is_cont = _mm_cmpeq_epi8(_mm_and_si128(v, top), cont);
            continuation += (_mm_movemask_epi8(is_cont) as u32).count_ones() as usize;
        }
        let mut lanes = [0u8; 16];
        _mm_storeu_si128(lanes.as_mut_ptr() as *mut __m128i, vmax);
        max = lanes.iter().fold(max, |m, &b| m.max(b));
        rest = chunks.remainder();
    }
    for &b in rest {
        max = max.max(b);
        continuation += ((b & 0xc0) == 0x80) as usize;
    }
    (max, continuation)
}

/// Decodes valid UTF-8 / WTF-8 whose characters all fit in `T`; `out` has exactly one slot
/// per character.
#[inline(always)]
fn decode_into<T: TryFrom<u32> + Copy>(bytes: &[u8], out: &mut [T]) {
    let cast = |c: u32| {
        T::try_from(c).unwrap_or_else(|_| unreachable!("layout chosen from the lead bytes"))
    };
    let mut i = 0;
    // Every lead byte is followed by its continuation bytes within `bytes` (the input was
    // validated; a string ends at an ASCII `"`), so `i + 3 < len` bounds every access below.
    let at = |k: usize| -> u32 {
        debug_assert!(k < bytes.len());
        unsafe { *bytes.get_unchecked(k) as u32 }
    };
    for slot in out.iter_mut() {
        let b = at(i);
        let c = if b < 0x80 {
            i += 1;
            b
        } else if b < 0xe0 {
            i += 2;
            ((b & 0x1f) << 6) | (at(i - 1) & 0x3f)
        } else if b < 0xf0 {
            i += 3;
            ((b & 0x0f) << 12) | ((at(i - 2) & 0x3f) << 6) | (at(i - 1) & 0x3f)
        } else {
            i += 4;
            ((b & 0x07) << 18)
                | ((at(i - 3) & 0x3f) << 12)
                | ((at(i - 2) & 0x3f) << 6)
                | (at(i - 1) & 0x3f)
        };
        *slot = cast(c);
    }
    assert_eq!(i, bytes.len(), "decoded exactly the string's bytes");
}

pub struct PySink<'py> {
    py: Python<'py>,
    /// Containers taken off the garbage collector's lists while the document is built (each
    /// with one extra reference), tracked again when the sink is dropped.
    untracked: Vec<*mut ffi::PyObject>,
}

impl<'py> PySink<'py> {
    pub fn new(py: Python<'py>) -> Self {
        PySink {
            py,
            untracked: Vec::new(),
        }
    }

    /// Every container allocation counts towards the next collection, and each collection
    /// walks all young tracked containers: a document with many containers would be walked
    /// again and again while it is built. A fresh tree has no cycles, so its containers stay
    /// untracked until it is complete, and are tracked again once.
    #[inline(always)]
    unsafe fn untrack(&mut self, container: *mut ffi::PyObject) {
        if ffi::PyObject_GC_IsTracked(container) != 0 {
            ffi::PyObject_GC_UnTrack(container as *mut _);
            ffi::Py_INCREF(container);
            self.untracked.push(container);
        }
    }
}

impl Drop for PySink<'_> {
    fn drop(&mut self) {
        // On success and on error alike: our extra reference keeps each container alive
        // until it is tracked again (untracked objects may be dropped, never re-tracked).
        for container in self.untracked.drain(..) {
            unsafe {
                if ffi::PyObject_GC_IsTracked(container) == 0 {
                    ffi::PyObject_GC_Track(container as *mut _);
                }
                ffi::Py_DECREF(container);
            }
        }
    }
}

/// The parser's stack of values, kept between calls up to this many entries (2 MB): a long
/// array otherwise grows a new one every time, each growth a fresh allocation whose pages
/// fault in and a copy of what it held.
const VALUES_KEPT: usize = 1 << 18;

static VALUES: GilCell<Vec<Obj>> = GilCell::new(Vec::new());

impl<'py> Sink for PySink<'py> {
    type Value = Obj;
    type Error = PyErr;

    fn take_values(&mut self) -> Vec<Obj> {
        // Taken, not borrowed: Python code run while parsing (a finalizer or a gc callback
        // during an allocation) may call `loads` again, which then starts with an empty one.
        // SAFETY: the sink holds the GIL (`self.py`) and the reference ends here.
        std::mem::take(unsafe { VALUES.get(self.py) })
    }

    fn give_back_values(&mut self, values: Vec<Obj>) {
        debug_assert!(values.is_empty());
        // SAFETY: the GIL is held, and nothing below can run Python code (`values` is
        // empty: assigning over `kept` drops a vector without objects).
        let kept = unsafe { VALUES.get(self.py) };
        if values.capacity() <= VALUES_KEPT && values.capacity() > kept.capacity() {
            *kept = values;
        }
    }

    #[inline(always)]
    fn null(&mut self) -> PyResult<Obj> {
        unsafe {
            let p = ffi::Py_None();
            ffi::Py_INCREF(p);
            Obj::new(self.py, p)
        }
    }

    #[inline(always)]
    fn boolean(&mut self, value: bool) -> PyResult<Obj> {
        unsafe {
            let p = if value {
                ffi::Py_True()
            } else {
                ffi::Py_False()
            };
            ffi::Py_INCREF(p);
            Obj::new(self.py, p)
        }
    }

    #[inline(always)]
    fn int(&mut self, value: i64) -> PyResult<Obj> {
        unsafe { Obj::new(self.py, ffi::PyLong_FromLongLong(value)) }
    }

    fn big_int(&mut self, text: &str) -> PyResult<Obj> {
        // int(text): arbitrary precision, and the interpreter's int_max_str_digits limit
        // applies exactly as it does for json.loads.
        let c = CString::new(text).expect("digits contain no NUL");
        unsafe {
            Obj::new(
                self.py,
                ffi::PyLong_FromString(c.as_ptr(), std::ptr::null_mut(), 10),
            )
        }
    }

    #[inline(always)]
    fn float(&mut self, value: f64) -> PyResult<Obj> {
        unsafe { Obj::new(self.py, ffi::PyFloat_FromDouble(value)) }
    }

    #[inline(always)]
    fn string(&mut self, bytes: &[u8], kind: StrKind) -> PyResult<Obj> {
        unsafe {
            // The input was validated as UTF-8 (or WTF-8) before parsing, and escapes are
            // encoded by the parser itself, so the bytes are well-formed.
            let p = match kind {
                StrKind::Ascii => ascii_str(bytes),
                StrKind::Utf8 | StrKind::Wtf8 => utf8_str(bytes),
            };
            Obj::new(self.py, p)
        }
    }

    #[inline(always)]
    fn key(&mut self, bytes: &[u8], kind: StrKind) -> PyResult<Obj> {
        if kind != StrKind::Ascii || bytes.len() > KEY_CACHE_MAX_LEN {
            return self.string(bytes, kind);
        }
        unsafe {
            let cache = KEY_CACHE.get(self.py);
            let slot = &mut cache[key_hash(bytes) & (KEY_CACHE_SIZE - 1)];
            let cached = *slot;
            if !cached.is_null() && same_ascii(cached, bytes) {
                ffi::Py_INCREF(cached);
                return Obj::new(self.py, cached);
            }
            // Not interned: churning many distinct keys through the interpreter's interned
            // dict leaves it full of deleted entries and makes every lookup slow.
            let s = ascii_str(bytes);
            if s.is_null() {
                return Err(PyErr::fetch(self.py));
            }
            ffi::Py_INCREF(s);
            let old = std::mem::replace(slot, s);
            if !old.is_null() {
                ffi::Py_DECREF(old);
            }
            Obj::new(self.py, s)
        }
    }

    #[inline(always)]
    fn enter(&mut self, object: bool) -> PyResult<()> {
        // The standard library's scanner counts containers against the recursion limit.
        let what = if object { "object" } else { "array" };
        if unsafe { ffi::Py_EnterRecursiveCall(c"".as_ptr()) } != 0 {
            // A lazy RecursionError instead of fetching the one set: fetching at the limit
            // makes PyO3 call into Python (to check for its PanicException) without headroom.
            unsafe { ffi::PyErr_Clear() };
            return Err(pyo3::exceptions::PyRecursionError::new_err(format!(
                "maximum recursion depth exceeded while decoding a JSON {what} from a unicode string"
            )));
        }
        Ok(())
    }

    #[inline(always)]
    fn leave(&mut self) {
        unsafe { ffi::Py_LeaveRecursiveCall() }
    }

    #[inline(always)]
    fn array(&mut self, items: std::vec::Drain<'_, Obj>) -> PyResult<Obj> {
        unsafe {
            let list = Obj::new(self.py, ffi::PyList_New(items.len() as ffi::Py_ssize_t))?;
            for (i, item) in items.enumerate() {
                ffi::PyList_SET_ITEM(list.as_ptr(), i as ffi::Py_ssize_t, item.into_ptr());
            }
            self.untrack(list.as_ptr());
            Ok(list)
        }
    }

    #[inline(always)]
    fn object(&mut self, mut items: std::vec::Drain<'_, Obj>) -> PyResult<Obj> {
        unsafe {
            // Sized for its items at once: filled from empty, a dict of n items is resized
            // and rehashed about log2(n / 5) times on the way.
            let dict = Obj::new(self.py, new_dict(items.len() / 2))?;
            while let (Some(k), Some(v)) = (items.next(), items.next()) {
                if ffi::PyDict_SetItem(dict.as_ptr(), k.as_ptr(), v.as_ptr()) != 0 {
                    return Err(PyErr::fetch(self.py));
                }
            }
            // A dict starts untracked and is tracked once a container goes in.
            self.untrack(dict.as_ptr());
            Ok(dict)
        }
    }
}

// SAFETY: the signature is CPython's (`PyObject *_PyDict_NewPresized(Py_ssize_t minused)`,
// Include/cpython/dictobject.h), unchanged from 3.10 to 3.14.
#[cfg(not(Py_3_15))]
unsafe extern "C" {
    /// CPython's constructor for a dict that will hold `minused` items: private, but
    /// exported by 3.10 to 3.13 (checked in their libpython) and declared by 3.14's headers.
    /// From 3.15 on, where it was not checked, `PyDict_New` is used instead.
    fn _PyDict_NewPresized(minused: ffi::Py_ssize_t) -> *mut ffi::PyObject;
}

/// A new empty dict with room for `len` items (NULL with an exception set on failure).
///
/// SAFETY: the GIL is held.
#[inline(always)]
unsafe fn new_dict(len: usize) -> *mut ffi::PyObject {
    #[cfg(not(Py_3_15))]
    {
        _PyDict_NewPresized(len as ffi::Py_ssize_t)
    }
    #[cfg(Py_3_15)]
    {
        let _ = len;
        ffi::PyDict_New()
    }
}

static JSON_MODULE: pyo3::sync::PyOnceLock<Py<PyModule>> = pyo3::sync::PyOnceLock::new();

fn json_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(JSON_MODULE
        .get_or_try_init(py, || py.import("json").map(Bound::unbind))?
        .bind(py))
}

/// Builds the `JSONDecodeError` for a syntax error at byte offset `pos` of `text`.
fn decode_error(
    py: Python<'_>,
    msg: &str,
    text: &[u8],
    pos: usize,
    doc: &Bound<'_, PyAny>,
) -> PyErr {
    // The standard library counts characters, not bytes.
    let char_pos = text[..pos].iter().filter(|&&b| (b & 0xc0) != 0x80).count();
    match crate::decode_error_type(py).and_then(|t| t.call1((msg, doc, char_pos))) {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// Parses `text` (UTF-8, or WTF-8 if `wtf8`) into a Python object; `doc` is the `str` that
/// a `JSONDecodeError` reports (made on demand).
fn parse_text<'py>(
    py: Python<'py>,
    text: &[u8],
    wtf8: bool,
    doc: impl FnOnce() -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut sink = PySink::new(py);
    match parser::parse(&mut sink, text, wtf8) {
        Ok(obj) => Ok(unsafe { Bound::from_owned_ptr(py, obj.into_ptr()) }),
        Err(parser::Error::Sink(e)) => Err(e),
        Err(parser::Error::Syntax(e)) => match doc() {
            Ok(doc) => {
                // json's own wording: 3.13 names a trailing comma (see `as_in_python_3_13`).
                let e = if py.version_info() >= (3, 13) {
                    e.as_in_python_3_13(text)
                } else {
                    e
                };
                Err(decode_error(py, e.msg, text, e.pos, &doc))
            }
            Err(err) => Err(err),
        },
    }
}

/// `loads` for a `str`.
pub fn loads_str<'py>(s: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
    let py = s.py();
    let mut size: ffi::Py_ssize_t = 0;
    let ptr = unsafe { ffi::PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut size) };
    if ptr.is_null() {
        // Lone surrogates cannot be UTF-8: parse their generalized UTF-8 encoding instead.
        let _ = PyErr::take(py);
        let encoded = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
        let bytes = encoded.cast::<PyBytes>()?;
        return parse_text(py, bytes.as_bytes(), true, || Ok(s.clone().into_any()));
    }
    let text = unsafe { std::slice::from_raw_parts(ptr as *const u8, size as usize) };
    if text.starts_with("\u{feff}".as_bytes()) {
        let doc = s.clone().into_any();
        return Err(decode_error(
            py,
            "Unexpected UTF-8 BOM (decode using utf-8-sig)",
            text,
            0,
            &doc,
        ));
    }
    parse_text(py, text, false, || Ok(s.clone().into_any()))
}

/// The encodings that `json.detect_encoding` would not call UTF-8.
fn not_utf8(b: &[u8]) -> bool {
    if b.starts_with(b"\xff\xfe") || b.starts_with(b"\xfe\xff") {
        return true;
    }
    match b.len() {
        2 => b[0] == 0 || b[1] == 0,
        n if n >= 4 => b[0] == 0 || b[1] == 0,
        _ => false,
    }
}

/// `loads` for `bytes` / `bytearray` contents (`obj` is the original object).
pub fn loads_bytes<'py>(obj: &Bound<'py, PyAny>, raw: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    if not_utf8(raw) {
        // UTF-16 / UTF-32: decode as the standard library does, then parse the str.
        let json = json_module(py)?;
        let encoding = json.call_method1("detect_encoding", (obj,))?;
        let text = obj.call_method1("decode", (encoding, "surrogatepass"))?;
        return loads_str(text.cast::<PyString>()?);
    }
    let text = raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw);
    let wtf8 = std::str::from_utf8(text).is_err();
    if wtf8 {
        // Invalid UTF-8 raises UnicodeDecodeError here, as it does in json.loads;
        // encoded surrogates are accepted (`surrogatepass`).
        PyBytes::new(py, text).call_method1("decode", ("utf-8", "surrogatepass"))?;
    }
    let doc = || PyBytes::new(py, text).call_method1("decode", ("utf-8", "surrogatepass"));
    parse_text(py, text, wtf8, doc)
}

pub fn type_error_for(obj: &Bound<'_, PyAny>) -> PyErr {
    let name = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_string());
    PyTypeError::new_err(format!(
        "the JSON object must be str, bytes or bytearray, not {name}"
    ))
}
