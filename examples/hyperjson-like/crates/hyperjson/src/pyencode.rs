// FFI code throughout: every `unsafe fn` here is a thin layer over the C API, called with the
// GIL held and valid object pointers, so its body is not split into separate `unsafe` blocks.
#![allow(unsafe_op_in_unsafe_fn)]

//! `dumps`: Python objects straight into a byte buffer, then one `str`.
//!
//! Output is identical to `json.dumps(obj, indent=..., sort_keys=..., ensure_ascii=...)`
//! with the other options at their defaults (`separators` as json picks them,
//! `allow_nan=True`, `check_circular=True`, no `default`).

use std::ptr::addr_of_mut;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use pyo3::exceptions::{PyRecursionError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;

use crate::dictentries;
use crate::escape;
use crate::floatrepr::{MAX_FAST_LEN, write_float, write_float_fast};
use crate::intfmt;
use crate::outbuf::OutBuf;
use crate::prefetch::Prefetcher;
use crate::pydecode::GilCell;

/// Containers nested deeper than this raise RecursionError whatever the interpreter's
/// recursion limit says: the encoder recurses on the native stack.
const HARD_DEPTH_LIMIT: usize = 10_000;
/// Buffers up to this size are kept for the next call (a fresh one costs a page fault per
/// 4 KiB written, and its growth copies).
const KEEP_BUFFER: usize = 8 << 20;

/// The UTF-8 buffer of `Out::Vec` outputs, kept between calls.
static BUFFER: GilCell<Vec<u8>> = GilCell::new(Vec::new());
/// The length of the last output written into a `str`: the next `str` is allocated a
/// little larger (see `Out::for_str`).
static LAST_LEN: AtomicUsize = AtomicUsize::new(0);
/// The first `str` buffer's size, before any output was seen.
const FIRST_CAPACITY: usize = 1024;

pub struct Options {
    pub indent: Option<Vec<u8>>,
    pub sort_keys: bool,
    pub ensure_ascii: bool,
}

/// The output buffer. When the output is known to be ASCII (`ensure_ascii` with an ASCII
/// `indent`, the default) it is the data of a compact ASCII `str`, the object `dumps`
/// returns: nothing is copied at the end. Otherwise (non-ASCII characters written as
/// UTF-8) a `Vec<u8>`, decoded into a `str` at the end.
///
/// Pointer, length and capacity are fields of their own in both cases, so a `Run` takes
/// them with three loads whichever the backing; only `grow` and `finish` tell them apart.
struct Out {
    ptr: *mut u8,
    len: usize,
    cap: usize,
    /// The `str` being written: a compact ASCII `str` of length `cap` (its data at `ptr`),
    /// refcount 1, never seen by any other code; or null when `vec` is the buffer.
    s: *mut ffi::PyObject,
    /// The buffer when `s` is null. Its own length is only brought up to date in `grow`.
    vec: Vec<u8>,
}

impl Out {
    /// A `Vec` buffer (the one kept from the last call).
    fn for_vec(mut vec: Vec<u8>) -> Out {
        vec.clear();
        Out {
            ptr: vec.as_mut_ptr(),
            len: 0,
            cap: vec.capacity(),
            s: std::ptr::null_mut(),
            vec,
        }
    }

    /// A `str` buffer, allocated at the last output's length plus a sixteenth: a document
    /// dumped again needs no growth, and (see `finish_str`) the block is returned at the
    /// size it was allocated, so the next call's allocation can reuse it. (glibc's malloc
    /// gives a request above its mmap threshold fresh pages from `mmap`, a page fault per
    /// 4 KiB written, and raises the threshold to a block's size when it frees it: a request
    /// no larger than the block freed comes from the heap, whose pages stay mapped.)
    unsafe fn for_str(py: Python<'_>) -> Out {
        let last = LAST_LEN.load(Relaxed);
        let cap = if last == 0 {
            FIRST_CAPACITY
        } else {
            last + last / 16 + 64
        };
        let s = ffi::PyUnicode_New(cap as ffi::Py_ssize_t, 127);
        if s.is_null() {
            ffi::PyErr_Clear();
            return Out::for_vec(std::mem::take(BUFFER.get(py)));
        }
        Out {
            ptr: ffi::PyUnicode_DATA(s).cast(),
            len: 0,
            cap,
            s,
            vec: Vec::new(),
        }
    }

    /// Makes `n` more bytes writable after `len`: a `str` grows (doubling) with
    /// `PyUnicode_Resize`, which reallocates it; should that fail, the output moves to a
    /// `Vec`.
    #[cold]
    #[inline(never)]
    unsafe fn grow(&mut self, n: usize) {
        let need = self.len.checked_add(n).expect("output size overflow");
        if !self.s.is_null() {
            let cap = need.max(self.cap.saturating_mul(2));
            let mut s = self.s;
            // SAFETY: `s` is ours alone (refcount 1, never hashed or shared), so it may be
            // resized; on failure it is left as it was.
            if cap <= isize::MAX as usize && ffi::PyUnicode_Resize(&mut s, cap as _) == 0 {
                self.s = s;
                self.ptr = ffi::PyUnicode_DATA(s).cast();
                self.cap = cap;
                return;
            }
            ffi::PyErr_Clear();
            let mut vec = Vec::with_capacity(need);
            vec.extend_from_slice(std::slice::from_raw_parts(self.ptr, self.len));
            ffi::Py_DECREF(self.s);
            self.s = std::ptr::null_mut();
            self.vec = vec;
        }
        self.vec.set_len(self.len);
        self.vec.reserve(n);
        self.ptr = self.vec.as_mut_ptr();
        self.cap = self.vec.capacity();
    }

    /// The written bytes.
    fn bytes(&self) -> &[u8] {
        // SAFETY: the bytes up to `len` were written.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    /// The `str` written, its length set to the output's: in place when the unused end is
    /// at most an eighth of the output (the block keeps its size, see `for_str`; the
    /// interpreter frees a `str` whatever its block's size), otherwise by
    /// `PyUnicode_Resize`, which shrinks the block. `None` for a `Vec` buffer.
    unsafe fn finish_str(&mut self) -> Option<*mut ffi::PyObject> {
        if self.s.is_null() {
            return None;
        }
        let mut s = std::mem::replace(&mut self.s, std::ptr::null_mut());
        LAST_LEN.store(self.len, Relaxed);
        if self.cap - self.len <= self.len / 8 {
            // SAFETY: `s` is a compact ASCII `str` (its data right after the
            // `PyASCIIObject`) of length `cap` >= `len`, ours alone and never hashed: its
            // length may be lowered, with the terminating NUL written after the new end,
            // which is what `PyUnicode_Resize` does besides reallocating.
            (*s.cast::<ffi::PyASCIIObject>()).length = self.len as ffi::Py_ssize_t;
            *self.ptr.add(self.len) = 0;
            return Some(s);
        }
        if ffi::PyUnicode_Resize(&mut s, self.len as ffi::Py_ssize_t) != 0 {
            ffi::Py_DECREF(s);
            return Some(std::ptr::null_mut());
        }
        Some(s)
    }

    /// Gives a `Vec` buffer back for the next call, if it is not too large.
    fn keep(&mut self, py: Python<'_>) {
        if self.s.is_null() && self.vec.capacity() <= KEEP_BUFFER {
            // SAFETY: the GIL is held (`py`), and no other reference to the buffer is live.
            let buffer = unsafe { BUFFER.get(py) };
            if self.vec.capacity() > buffer.capacity() {
                *buffer = std::mem::take(&mut self.vec);
            }
        }
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        if !self.s.is_null() {
            // SAFETY: the GIL is held while an `Out` lives (it is made and dropped in
            // `dumps`), and the unfinished `str` is ours.
            unsafe { ffi::Py_DECREF(self.s) };
        }
    }
}

impl OutBuf for Out {
    #[inline(always)]
    fn reserve(&mut self, n: usize) {
        if self.cap - self.len < n {
            // SAFETY: an `Out` only lives inside `dumps`, with the GIL held, and the bytes up
            // to `len` are written (what `grow` keeps).
            unsafe { self.grow(n) };
        }
    }
    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }
    #[inline(always)]
    fn as_mut_ptr(&mut self) -> *mut u8 {
        self.ptr
    }
    #[inline(always)]
    unsafe fn set_len(&mut self, len: usize) {
        self.len = len;
    }
}

struct Encoder<'py> {
    py: Python<'py>,
    out: Out,
    opts: Options,
    /// Containers being encoded, outermost first.
    stack: Vec<*mut ffi::PyObject>,
    /// `Py_EnterRecursiveCall`s not yet left: the deepest nesting reached so far (see `enter`).
    entered: usize,
    /// Non-ASCII bytes were written (only possible with ensure_ascii=False or a non-ASCII indent).
    non_ascii: bool,
    /// Surrogates were written in their 3-byte form.
    surrogates: bool,
    /// The error behind a `Failed`.
    error: Option<PyErr>,
    prefetch: Prefetcher,
}

/// An encoding failure, whose `PyErr` is in `Encoder::error`: a zero-size error keeps the
/// recursion's results in a register (a `PyErr` is several words, moved at every return).
struct Failed;
type Res = Result<(), Failed>;

pub fn dumps<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    opts: Options,
) -> PyResult<Bound<'py, PyAny>> {
    let non_ascii = opts.indent.as_ref().is_some_and(|i| !i.is_ascii());
    // SAFETY (both): the GIL is held (`py`); the kept buffer is taken, not borrowed.
    let out = if opts.ensure_ascii && !non_ascii {
        unsafe { Out::for_str(py) }
    } else {
        Out::for_vec(std::mem::take(unsafe { BUFFER.get(py) }))
    };
    let mut enc = Encoder {
        py,
        out,
        opts,
        stack: Vec::new(),
        entered: 0,
        non_ascii,
        surrogates: false,
        error: None,
        prefetch: Prefetcher::new(),
    };
    let result = match unsafe { enc.encode(obj.as_ptr()) } {
        Ok(()) => unsafe { enc.finish() },
        Err(Failed) => Err(enc.error.take().expect("a failure stores its error")),
    };
    for _ in 0..enc.entered {
        unsafe { ffi::Py_LeaveRecursiveCall() };
    }
    enc.out.keep(py);
    result
}

#[inline(always)]
unsafe fn is_type(obj: *mut ffi::PyObject, t: *mut ffi::PyTypeObject) -> bool {
    ffi::Py_TYPE(obj) == t
}

#[inline(always)]
unsafe fn item_count(obj: *mut ffi::PyObject, is_list: bool) -> ffi::Py_ssize_t {
    if is_list {
        ffi::PyList_GET_SIZE(obj)
    } else {
        ffi::PyTuple_GET_SIZE(obj)
    }
}

#[inline(always)]
unsafe fn item_at(
    obj: *mut ffi::PyObject,
    is_list: bool,
    i: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    if is_list {
        ffi::PyList_GET_ITEM(obj, i)
    } else {
        ffi::PyTuple_GET_ITEM(obj, i)
    }
}

/// The characters of an ASCII `str`.
#[inline(always)]
unsafe fn ascii_bytes<'a>(s: *mut ffi::PyObject) -> &'a [u8] {
    std::slice::from_raw_parts(
        ffi::PyUnicode_DATA(s) as *const u8,
        ffi::PyUnicode_GET_LENGTH(s) as usize,
    )
}

/// Writes `True`, `False`, `None`, an exact `int` in i64 or an exact `float` that
/// `write_float_fast` handles into `run` (`MAX_FAST_LEN` bytes reserved) and returns true;
/// returns false, having written nothing, for anything else.
#[inline(always)]
unsafe fn write_scalar(run: &mut Run, item: *mut ffi::PyObject) -> bool {
    let d = run.tail();
    if is_type(item, addr_of_mut!(ffi::PyBool_Type)) {
        // Without branching on the value (mixed booleans would mispredict half the time):
        // one 8-byte store, of which 4 or 5 bytes are kept. (Comparing the item with both
        // singletons would compile to two branches.)
        let is_false = item == ffi::Py_False();
        let word = if is_false {
            *b"false\0\0\0"
        } else {
            *b"true\0\0\0\0"
        };
        d.cast::<[u8; 8]>().write_unaligned(word);
        run.len += 4 + usize::from(is_false);
        return true;
    }
    if item == ffi::Py_None() {
        d.cast::<[u8; 4]>().write_unaligned(*b"null");
        run.len += 4;
        return true;
    }
    if is_type(item, addr_of_mut!(ffi::PyFloat_Type)) {
        if let Some(n) = write_float_item(d, ffi::PyFloat_AS_DOUBLE(item)) {
            run.len += n;
            return true;
        }
    } else if is_type(item, addr_of_mut!(ffi::PyLong_Type)) {
        let v = match one_digit_int(item) {
            Some(v) => v,
            None => {
                let mut overflow = 0;
                let v = ffi::PyLong_AsLongLongAndOverflow(item, &mut overflow);
                if overflow != 0 || v == -1 {
                    return false;
                }
                v
            }
        };
        run.len += intfmt::write_i64(d, v);
        return true;
    }
    false
}

/// `write_float_fast` out of line: inlined, its fix-ups would take registers from every
/// compact loop's other items too (zmij is a call either way).
#[inline(never)]
unsafe fn write_float_item(d: *mut u8, value: f64) -> Option<usize> {
    write_float_fast(d, value)
}

/// The value of an `int` of at most one digit (below 2**30 in magnitude), read from
/// CPython's `PyLongObject` (`Include/cpython/longintrepr.h`) instead of calling
/// `PyLong_AsLongLongAndOverflow`; `None` for larger ones, or where neither layout was found.
#[inline(always)]
unsafe fn one_digit_int(obj: *mut ffi::PyObject) -> Option<i64> {
    match int_layout() {
        IntLayout::Size => read_int_by_size(obj),
        IntLayout::Tag => read_int_by_tag(obj),
        IntLayout::Unknown => None,
    }
}

/// Before 3.12: `ob_size` is the signed digit count, then the 30-bit digits.
#[inline(always)]
unsafe fn read_int_by_size(obj: *mut ffi::PyObject) -> Option<i64> {
    let size = (*obj.cast::<ffi::PyVarObject>()).ob_size;
    if !(-1..=1).contains(&size) {
        return None;
    }
    let digits = obj
        .cast::<u8>()
        .add(std::mem::size_of::<ffi::PyVarObject>());
    Some(size as i64 * i64::from(digits.cast::<u32>().read()))
}

/// 3.12 and later: a tag `ndigits << 3 | sign` (0 positive, 1 zero, 2 negative), then the
/// 30-bit digits.
#[inline(always)]
unsafe fn read_int_by_tag(obj: *mut ffi::PyObject) -> Option<i64> {
    let header = obj.cast::<u8>().add(std::mem::size_of::<ffi::PyObject>());
    let tag = header.cast::<usize>().read();
    if tag >= 2 << 3 {
        return None;
    }
    let digit = header
        .add(std::mem::size_of::<usize>())
        .cast::<u32>()
        .read();
    Some((1 - (tag & 3) as i64) * i64::from(digit))
}

#[derive(Clone, Copy)]
enum IntLayout {
    Size,
    Tag,
    Unknown,
}

/// 0: not looked for yet; 1, 2, 3: `IntLayout::Size`, `Tag`, `Unknown`.
static INT_LAYOUT: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Which reader gives this interpreter's ints: found once, on ints made for the purpose
/// (each layout misreads some of them in the other, and a 15-bit digit build fails both), so
/// no build-time version flag is needed.
#[inline(always)]
fn int_layout() -> IntLayout {
    use std::sync::atomic::Ordering::Relaxed;
    match INT_LAYOUT.load(Relaxed) {
        1 => IntLayout::Size,
        2 => IntLayout::Tag,
        3 => IntLayout::Unknown,
        _ => {
            let reads = |read: unsafe fn(*mut ffi::PyObject) -> Option<i64>| {
                [0i64, 7, -7, (1 << 30) - 1, -(1 << 30) + 1]
                    .iter()
                    .all(|&v| unsafe {
                        let obj = ffi::PyLong_FromLongLong(v);
                        if obj.is_null() {
                            ffi::PyErr_Clear();
                            return false;
                        }
                        let got = read(obj);
                        ffi::Py_DECREF(obj);
                        got == Some(v)
                    })
            };
            let (layout, code) = if reads(read_int_by_size) {
                (IntLayout::Size, 1)
            } else if reads(read_int_by_tag) {
                (IntLayout::Tag, 2)
            } else {
                (IntLayout::Unknown, 3)
            };
            INT_LAYOUT.store(code, Relaxed);
            layout
        }
    }
}

/// The output buffer's pointer, length and capacity in locals, for a run of writes that
/// stays in registers. The `Vec` keeps its allocation throughout (it is only out of date in
/// its length, which `give_back` stores), so a run is taken and given back with three loads
/// and one store, and a panic in between leaves a valid `Vec`.
struct Run {
    ptr: *mut u8,
    len: usize,
    cap: usize,
    out: *mut Out,
}

impl Run {
    #[inline(always)]
    fn take(out: &mut Out) -> Run {
        Run {
            ptr: out.ptr,
            len: out.len,
            cap: out.cap,
            out,
        }
    }

    #[inline(always)]
    fn give_back(self, out: &mut Out) {
        debug_assert!(std::ptr::eq(out, self.out) && out.ptr == self.ptr);
        // The bytes up to `len` were written through `ptr`, within the capacity.
        out.len = self.len;
    }

    #[inline(always)]
    fn reserve(&mut self, n: usize) {
        if self.cap - self.len < n {
            (self.ptr, self.cap) = unsafe { grow(self.out, self.len, n) };
        }
    }

    #[inline(always)]
    unsafe fn tail(&self) -> *mut u8 {
        self.ptr.add(self.len)
    }

    /// Writes `open` before a container's first item, `", "` before the others, with one
    /// 2-byte store and no branch (2 bytes reserved).
    #[inline(always)]
    unsafe fn opener_or_separator(&mut self, open: u8, separator: bool) {
        let bytes = if separator { *b", " } else { [open, b' '] };
        self.tail().cast::<[u8; 2]>().write_unaligned(bytes);
        self.len += 1 + usize::from(separator);
    }

    /// Writes one byte (1 byte reserved).
    #[inline(always)]
    unsafe fn push(&mut self, b: u8) {
        *self.tail() = b;
        self.len += 1;
    }
}

/// `Run::reserve`'s slow path, out of line so that the run's fields stay in registers.
#[cold]
#[inline(never)]
unsafe fn grow(out: *mut Out, len: usize, n: usize) -> (*mut u8, usize) {
    let out = &mut *out;
    out.len = len;
    out.grow(n);
    (out.ptr, out.cap)
}

fn type_name(py: Python<'_>, obj: *mut ffi::PyObject) -> String {
    let obj = unsafe { Bound::from_borrowed_ptr(py, obj) };
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_string())
}

impl<'py> Encoder<'py> {
    #[cold]
    fn fail(&mut self, err: PyErr) -> Failed {
        self.error = Some(err);
        Failed
    }

    unsafe fn finish(&mut self) -> PyResult<Bound<'py, PyAny>> {
        if let Some(s) = self.out.finish_str() {
            return Bound::from_owned_ptr_or_err(self.py, s);
        }
        let out = self.out.bytes();
        let p = if !self.non_ascii {
            let s = ffi::PyUnicode_New(out.len() as ffi::Py_ssize_t, 127);
            if !s.is_null() {
                std::ptr::copy_nonoverlapping(
                    out.as_ptr(),
                    ffi::PyUnicode_DATA(s) as *mut u8,
                    out.len(),
                );
            }
            s
        } else {
            let errors = if self.surrogates {
                c"surrogatepass".as_ptr()
            } else {
                std::ptr::null()
            };
            ffi::PyUnicode_DecodeUTF8(out.as_ptr() as *const _, out.len() as _, errors)
        };
        Bound::from_owned_ptr_or_err(self.py, p)
    }

    #[inline(always)]
    unsafe fn encode(&mut self, obj: *mut ffi::PyObject) -> Res {
        // Containers and strings first: the compact loops write the other scalars
        // themselves, so most objects that get here are those.
        let t = ffi::Py_TYPE(obj);
        if t == addr_of_mut!(ffi::PyDict_Type) {
            self.write_dict(obj)?;
        } else if t == addr_of_mut!(ffi::PyList_Type) {
            self.write_list(obj)?;
        } else if t == addr_of_mut!(ffi::PyUnicode_Type) {
            self.write_str(obj);
        } else if is_type(obj, addr_of_mut!(ffi::PyLong_Type)) {
            self.write_int(obj)?;
        } else if is_type(obj, addr_of_mut!(ffi::PyFloat_Type)) {
            write_float(&mut self.out, ffi::PyFloat_AS_DOUBLE(obj));
        } else if obj == ffi::Py_None() {
            self.out.extend_from_slice(b"null");
        } else if obj == ffi::Py_True() {
            self.out.extend_from_slice(b"true");
        } else if obj == ffi::Py_False() {
            self.out.extend_from_slice(b"false");
        } else {
            self.encode_other(obj)?;
        }
        Ok(())
    }

    /// Subclasses, tuples and unsupported types, in the standard library's order of checks.
    #[inline(never)]
    unsafe fn encode_other(&mut self, obj: *mut ffi::PyObject) -> Res {
        if ffi::PyUnicode_Check(obj) != 0 {
            self.write_str(obj);
        } else if ffi::PyLong_Check(obj) != 0 {
            self.write_int(obj)?;
        } else if ffi::PyFloat_Check(obj) != 0 {
            write_float(&mut self.out, ffi::PyFloat_AS_DOUBLE(obj));
        } else if ffi::PyList_Check(obj) != 0 || ffi::PyTuple_Check(obj) != 0 {
            self.write_list(obj)?;
        } else if ffi::PyDict_Check(obj) != 0 {
            self.write_dict(obj)?;
        } else {
            let err = PyTypeError::new_err(format!(
                "Object of type {} is not JSON serializable",
                type_name(self.py, obj)
            ));
            return Err(self.fail(err));
        }
        Ok(())
    }

    #[inline(always)]
    unsafe fn write_str(&mut self, s: *mut ffi::PyObject) {
        let len = ffi::PyUnicode_GET_LENGTH(s) as usize;
        let data = ffi::PyUnicode_DATA(s);
        let ensure_ascii = self.opts.ensure_ascii;
        if ffi::PyUnicode_IS_ASCII(s) != 0 {
            escape::write_ascii_str(
                &mut self.out,
                std::slice::from_raw_parts(data as *const u8, len),
                ensure_ascii,
            );
            return;
        }
        self.write_wide_str(s, data, len);
    }

    /// A `str` with non-ASCII characters, out of line: inlined in every container loop, its
    /// three layouts would crowd the loops' registers.
    #[inline(never)]
    unsafe fn write_wide_str(
        &mut self,
        s: *mut ffi::PyObject,
        data: *mut std::ffi::c_void,
        len: usize,
    ) {
        let ensure_ascii = self.opts.ensure_ascii;
        if !ensure_ascii {
            self.non_ascii = true;
        }
        let surrogates = match ffi::PyUnicode_KIND(s) {
            1 => escape::write_str(
                &mut self.out,
                std::slice::from_raw_parts(data as *const u8, len),
                ensure_ascii,
            ),
            2 => escape::write_str(
                &mut self.out,
                std::slice::from_raw_parts(data as *const u16, len),
                ensure_ascii,
            ),
            _ => escape::write_str(
                &mut self.out,
                std::slice::from_raw_parts(data as *const u32, len),
                ensure_ascii,
            ),
        };
        self.surrogates |= surrogates;
    }

    /// Any int (or subclass: the value, as `int.__repr__` prints it).
    #[inline(always)]
    unsafe fn write_int(&mut self, obj: *mut ffi::PyObject) -> Res {
        let mut overflow = 0;
        let v = ffi::PyLong_AsLongLongAndOverflow(obj, &mut overflow);
        if overflow == 0 {
            if v == -1 && !ffi::PyErr_Occurred().is_null() {
                return Err(self.fail(PyErr::fetch(self.py)));
            }
            self.out.reserve(intfmt::MAX_LEN);
            let n = intfmt::write_i64(self.out.ptr.add(self.out.len), v);
            self.out.len += n;
            return Ok(());
        }
        self.write_big_int(obj)
    }

    #[inline(never)]
    unsafe fn write_big_int(&mut self, obj: *mut ffi::PyObject) -> Res {
        let repr = (*addr_of_mut!(ffi::PyLong_Type))
            .tp_repr
            .expect("int has a repr");
        let s = Bound::from_owned_ptr_or_err(self.py, repr(obj)).map_err(|e| self.fail(e))?;
        let mut size = 0;
        let p = ffi::PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut size);
        if p.is_null() {
            return Err(self.fail(PyErr::fetch(self.py)));
        }
        self.out
            .extend_from_slice(std::slice::from_raw_parts(p as *const u8, size as usize));
        Ok(())
    }

    /// Depth, recursion-limit and circular-reference bookkeeping around a container.
    ///
    /// Ancestors are not searched on every container (that costs O(depth) each): a circular
    /// structure nests without end, so it always reaches the depth limit, and only there is
    /// the container looked up among its ancestors to report the cycle as `json` does.
    ///
    /// `Py_EnterRecursiveCall` (a call into libpython) is made only when the nesting gets
    /// deeper than it has been in this call, and left at the end: the interpreter's depth
    /// then counts the deepest nesting so far, which fails at the same depth as one call per
    /// container. With `sort_keys` Python code can run (key comparisons, and the collector
    /// the sort's allocations may start), so there every container enters and leaves.
    #[inline(always)]
    unsafe fn enter(&mut self, obj: *mut ffi::PyObject) -> Res {
        if self.stack.len() >= HARD_DEPTH_LIMIT {
            let err = self.too_deep(obj);
            return Err(self.fail(err));
        }
        if self.stack.len() >= self.entered {
            if ffi::Py_EnterRecursiveCall(c" while encoding a JSON object".as_ptr()) != 0 {
                // Replace the RecursionError by a lazy one: fetching it at the limit would
                // make PyO3 call into Python (to check for its PanicException) with no
                // headroom left.
                ffi::PyErr_Clear();
                let err = self.too_deep(obj);
                return Err(self.fail(err));
            }
            self.entered += 1;
        }
        self.stack.push(obj);
        Ok(())
    }

    #[cold]
    fn too_deep(&self, obj: *mut ffi::PyObject) -> PyErr {
        if self.stack.contains(&obj) {
            return PyValueError::new_err("Circular reference detected");
        }
        PyRecursionError::new_err("maximum recursion depth exceeded while encoding a JSON object")
    }

    #[inline(always)]
    unsafe fn leave(&mut self) {
        self.stack.pop();
        if self.opts.sort_keys {
            ffi::Py_LeaveRecursiveCall();
            self.entered -= 1;
        }
    }

    #[inline(always)]
    fn newline_indent(&mut self) {
        if let Some(indent) = &self.opts.indent {
            self.out.push(b'\n');
            for _ in 0..self.stack.len() {
                self.out.extend_from_slice(indent);
            }
        }
    }

    #[inline(always)]
    fn item_separator(&mut self) {
        if self.opts.indent.is_some() {
            self.out.push(b',');
            self.newline_indent();
        } else {
            self.out.extend_from_slice(b", ");
        }
    }

    /// An item of a container being encoded, borrowed from it: without `sort_keys` no Python
    /// code runs while encoding, so no container can change; with it, the item is held.
    #[inline(always)]
    unsafe fn encode_item(&mut self, item: *mut ffi::PyObject) -> Res {
        if !self.opts.sort_keys {
            return self.encode(item);
        }
        ffi::Py_INCREF(item);
        let result = self.encode(item);
        ffi::Py_DECREF(item);
        result
    }

    /// A list or tuple.
    unsafe fn write_list(&mut self, obj: *mut ffi::PyObject) -> Res {
        let is_list = ffi::PyList_Check(obj) != 0;
        if item_count(obj, is_list) == 0 {
            self.out.extend_from_slice(b"[]");
            return Ok(());
        }
        self.enter(obj)?;
        if self.opts.indent.is_none() {
            let result = self.write_items_compact(obj, is_list);
            self.leave();
            return result;
        }
        self.out.push(b'[');
        let result = self.write_items_indented(obj, is_list);
        self.leave();
        result?;
        self.newline_indent();
        self.out.push(b']');
        Ok(())
    }

    /// The items of a list or tuple with `indent`.
    unsafe fn write_items_indented(&mut self, obj: *mut ffi::PyObject, is_list: bool) -> Res {
        self.newline_indent();
        let mut i = 0;
        while i < item_count(obj, is_list) {
            if i > 0 {
                self.item_separator();
            }
            self.encode_item(item_at(obj, is_list, i))?;
            i += 1;
        }
        Ok(())
    }

    /// The items of a list or tuple without `indent`. `True`, `False`, `None` and exact
    /// `int`s (in i64) and `float`s are written with the buffer's pointer, length and
    /// capacity in local variables, which stay in registers: through `self.out` every
    /// write would load and store the length in memory, a dependency chain that costs more
    /// than writing `true`. Other items go through `encode`, with the buffer handed back.
    #[inline(always)]
    unsafe fn write_items_compact(&mut self, obj: *mut ffi::PyObject, is_list: bool) -> Res {
        if !self.opts.sort_keys {
            self.prefetch.items(obj, is_list);
        }
        let mut run = Run::take(&mut self.out);
        let mut i = 0;
        while i < item_count(obj, is_list) {
            let item = item_at(obj, is_list, i);
            run.reserve(2 + MAX_FAST_LEN);
            run.opener_or_separator(b'[', i > 0);
            i += 1;
            if write_scalar(&mut run, item) {
                continue;
            }
            run.give_back(&mut self.out);
            self.encode_item(item)?;
            run = Run::take(&mut self.out);
        }
        run.reserve(1);
        run.push(b']');
        run.give_back(&mut self.out);
        Ok(())
    }

    unsafe fn write_dict(&mut self, obj: *mut ffi::PyObject) -> Res {
        if (*obj.cast::<ffi::PyDictObject>()).ma_used == 0 {
            self.out.extend_from_slice(b"{}");
            return Ok(());
        }
        self.enter(obj)?;
        if !self.opts.sort_keys && self.opts.indent.is_none() {
            let result = self.write_entries_compact(obj);
            self.leave();
            return result;
        }
        self.out.push(b'{');
        self.newline_indent();
        let result = if self.opts.sort_keys {
            self.write_sorted_items(obj)
        } else {
            let mut pos: ffi::Py_ssize_t = 0;
            let mut key = std::ptr::null_mut();
            let mut value = std::ptr::null_mut();
            let mut first = true;
            let mut result = Ok(());
            while ffi::PyDict_Next(obj, &mut pos, &mut key, &mut value) != 0 {
                if !first {
                    self.item_separator();
                }
                first = false;
                result = self.write_item(key, value);
                if result.is_err() {
                    break;
                }
            }
            result
        };
        self.leave();
        result?;
        self.newline_indent();
        self.out.push(b'}');
        Ok(())
    }

    /// A dict's entries without `indent` or `sort_keys`: as `write_items_compact`, with
    /// short ASCII `str` keys that need no escaping also written in the run.
    #[inline(always)]
    unsafe fn write_entries_compact(&mut self, obj: *mut ffi::PyObject) -> Res {
        let ensure_ascii = self.opts.ensure_ascii;
        let mut run = Run::take(&mut self.out);
        let mut pos: ffi::Py_ssize_t = 0;
        let mut key = std::ptr::null_mut();
        let mut value = std::ptr::null_mut();
        // No Python code runs here, so the dict keeps its size: `PyDict_Next` is called
        // once per entry, not once more to find the end. Where the keys table's layout is
        // known the entries are read from it instead (`dictentries`).
        let size = (*obj.cast::<ffi::PyDictObject>()).ma_used;
        let mut entries = dictentries::entries(obj);
        for i in 0..size {
            if let Some(e) = &mut entries {
                match e.next() {
                    Some((k, v)) => (key, value) = (k, v),
                    None => break,
                }
            } else if ffi::PyDict_Next(obj, &mut pos, &mut key, &mut value) == 0 {
                break;
            }
            run.reserve(2 + 36 + MAX_FAST_LEN);
            run.opener_or_separator(b'{', i > 0);
            let short_key = is_type(key, addr_of_mut!(ffi::PyUnicode_Type))
                && ffi::PyUnicode_IS_ASCII(key) != 0
                && escape::is_plain_short(ascii_bytes(key), ensure_ascii);
            if short_key {
                let s = ascii_bytes(key);
                let d = run.tail();
                *d = b'"';
                escape::copy_short(d.add(1), s);
                d.add(1 + s.len())
                    .cast::<[u8; 3]>()
                    .write_unaligned(*b"\": ");
                run.len += s.len() + 4;
                if write_scalar(&mut run, value) {
                    continue;
                }
                run.give_back(&mut self.out);
                self.encode_item(value)?;
            } else {
                run.give_back(&mut self.out);
                self.write_item(key, value)?;
            }
            run = Run::take(&mut self.out);
        }
        run.reserve(1);
        run.push(b'}');
        run.give_back(&mut self.out);
        Ok(())
    }

    /// `sorted(d.items())`, exactly as the standard library sorts (mixed key types fail).
    #[inline(never)]
    unsafe fn write_sorted_items(&mut self, obj: *mut ffi::PyObject) -> Res {
        let items = Bound::from_owned_ptr_or_err(self.py, ffi::PyDict_Items(obj))
            .map_err(|e| self.fail(e))?;
        if ffi::PyList_Sort(items.as_ptr()) != 0 {
            return Err(self.fail(PyErr::fetch(self.py)));
        }
        let n = ffi::PyList_GET_SIZE(items.as_ptr());
        for i in 0..n {
            if i > 0 {
                self.item_separator();
            }
            let pair = ffi::PyList_GET_ITEM(items.as_ptr(), i);
            self.write_item(
                ffi::PyTuple_GET_ITEM(pair, 0),
                ffi::PyTuple_GET_ITEM(pair, 1),
            )?;
        }
        Ok(())
    }

    #[inline(always)]
    unsafe fn write_item(&mut self, key: *mut ffi::PyObject, value: *mut ffi::PyObject) -> Res {
        if is_type(key, addr_of_mut!(ffi::PyUnicode_Type)) || ffi::PyUnicode_Check(key) != 0 {
            self.write_str(key);
        } else {
            self.write_key_other(key)?;
        }
        self.out.extend_from_slice(b": ");
        self.encode_item(value)
    }

    /// Non-str keys, coerced the way json does: float, bool, None, int; others fail.
    #[inline(never)]
    unsafe fn write_key_other(&mut self, key: *mut ffi::PyObject) -> Res {
        self.out.push(b'"');
        if ffi::PyFloat_Check(key) != 0 {
            write_float(&mut self.out, ffi::PyFloat_AS_DOUBLE(key));
        } else if key == ffi::Py_True() {
            self.out.extend_from_slice(b"true");
        } else if key == ffi::Py_False() {
            self.out.extend_from_slice(b"false");
        } else if key == ffi::Py_None() {
            self.out.extend_from_slice(b"null");
        } else if ffi::PyLong_Check(key) != 0 {
            self.write_int(key)?;
        } else {
            let err = PyTypeError::new_err(format!(
                "keys must be str, int, float, bool or None, not {}",
                type_name(self.py, key)
            ));
            return Err(self.fail(err));
        }
        self.out.push(b'"');
        Ok(())
    }
}
