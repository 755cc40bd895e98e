// FFI code: called with the GIL held on dicts kept alive by the document being encoded.
#![allow(unsafe_op_in_unsafe_fn)]

//! A dict's entries read from its keys table, for `dumps`' compact dict loop: one pointer
//! step and two loads per entry instead of a call into libpython (`PyDict_Next`), which was
//! 16% of `deeply_nested` `dumps` and 9% of `dict_str_int` (perf).
//!
//! The keys table of CPython 3.11 and later (`Objects/dict-common.h`, unchanged through
//! 3.14):
//!
//! ```c
//! struct _dictkeysobject {
//!     Py_ssize_t dk_refcnt;          // offset 0
//!     uint8_t dk_log2_size;          // 8
//!     uint8_t dk_log2_index_bytes;   // 9
//!     uint8_t dk_kind;               // 10: 0 general, 1 unicode, 2 split
//!     /* free-threaded builds: PyMutex dk_mutex (1 byte, 11) */
//!     uint32_t dk_version;           // 12
//!     Py_ssize_t dk_usable;          // 16
//!     Py_ssize_t dk_nentries;        // 24
//!     char dk_indices[];             // 32: 1 << dk_log2_index_bytes bytes
//!     /* then dk_nentries entries: {hash, key, value} (general) or {key, value} (unicode) */
//! };
//! ```
//!
//! Entries are in insertion order, as `PyDict_Next` gives them; a deleted one has a null
//! value. Split tables (values kept apart, `ma_values` set) are left to `PyDict_Next`.
//! The layout is used only on those versions, and only once it has read test dicts exactly
//! as `PyDict_Next` does (`layout_ok`); otherwise every dict goes through `PyDict_Next`.

use std::sync::atomic::{AtomicU8, Ordering::Relaxed};

use pyo3::ffi;

const DK_LOG2_SIZE: usize = 8;
const DK_LOG2_INDEX_BYTES: usize = 9;
const DK_KIND: usize = 10;
const DK_NENTRIES: usize = 24;
const DK_INDICES: usize = 32;
const DICT_KEYS_GENERAL: u8 = 0;
const DICT_KEYS_UNICODE: u8 = 1;

/// The entries of one dict still to be read.
pub struct Entries {
    next: *const *mut ffi::PyObject,
    end: *const *mut ffi::PyObject,
    /// Pointers per entry: 3 (hash, key, value) or 2 (key, value).
    stride: usize,
}

impl Entries {
    /// The next live entry's key and value (borrowed), or `None` at the end.
    ///
    /// # Safety
    /// The dict has not changed since `entries` (no Python code ran).
    #[inline(always)]
    pub unsafe fn next(&mut self) -> Option<(*mut ffi::PyObject, *mut ffi::PyObject)> {
        while self.next < self.end {
            let entry = self.next;
            self.next = self.next.add(self.stride);
            let value = *entry.add(self.stride - 1);
            if !value.is_null() {
                return Some((*entry.add(self.stride - 2), value));
            }
        }
        None
    }
}

/// The entries of `dict` (an exact dict) from its keys table, or `None` where `PyDict_Next`
/// must be used (another layout, or a split table).
///
/// # Safety
/// `dict` is a live dict; the GIL is held.
#[inline(always)]
pub unsafe fn entries(dict: *mut ffi::PyObject) -> Option<Entries> {
    if !layout_known() {
        return None;
    }
    read_entries(dict)
}

#[inline(always)]
unsafe fn read_entries(dict: *mut ffi::PyObject) -> Option<Entries> {
    let d = dict.cast::<ffi::PyDictObject>();
    if !(*d).ma_values.is_null() {
        return None;
    }
    let keys = (*d).ma_keys.cast::<u8>();
    let stride = match *keys.add(DK_KIND) {
        DICT_KEYS_UNICODE => 2,
        DICT_KEYS_GENERAL => 3,
        _ => return None,
    };
    let n = keys.add(DK_NENTRIES).cast::<ffi::Py_ssize_t>().read() as usize;
    let first = keys
        .add(DK_INDICES + (1usize << *keys.add(DK_LOG2_INDEX_BYTES)))
        .cast::<*mut ffi::PyObject>();
    Some(Entries {
        next: first,
        end: first.add(n * stride),
        stride,
    })
}

/// 0: not checked yet; 1: the layout above reads dicts as `PyDict_Next` does; 2: it does not.
static LAYOUT: AtomicU8 = AtomicU8::new(0);

#[inline(always)]
fn layout_known() -> bool {
    match LAYOUT.load(Relaxed) {
        1 => true,
        2 => false,
        _ => {
            // SAFETY: `entries` is only called with the GIL held.
            let ok = unsafe { layout_ok() };
            LAYOUT.store(if ok { 1 } else { 2 }, Relaxed);
            ok
        }
    }
}

/// True on CPython 3.11 to 3.14 if test dicts (str keys, mixed keys, with deleted entries,
/// with 2-byte indices) read as `PyDict_Next` reads them.
#[cold]
unsafe fn layout_ok() -> bool {
    let version = std::ffi::CStr::from_ptr(ffi::Py_GetVersion()).to_bytes();
    let minor = match version {
        [b'3', b'.', a, b, rest @ ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
            if rest.first().is_some_and(u8::is_ascii_digit) {
                return false;
            }
            (a - b'0') * 10 + (b - b'0')
        }
        _ => return false,
    };
    if !(11..=14).contains(&minor) {
        return false;
    }
    let mut ok = true;
    for (n, str_keys, delete) in [
        (1, true, false),
        (5, true, true),
        (7, false, false),
        (40, false, true),
        (300, true, true),
        (300, false, false),
    ] {
        ok &= check_dict(n, str_keys, delete);
    }
    ok
}

/// Makes a dict of `n` entries (str keys, or alternating int and str keys), deletes every
/// third one if `delete`, and compares `read_entries` with `PyDict_Next` on it.
#[cold]
unsafe fn check_dict(n: usize, str_keys: bool, delete: bool) -> bool {
    let dict = ffi::PyDict_New();
    if dict.is_null() {
        ffi::PyErr_Clear();
        return false;
    }
    let mut ok = true;
    for i in 0..n {
        let key = if str_keys || i % 2 == 1 {
            let text = format!("key{i}");
            ffi::PyUnicode_FromStringAndSize(text.as_ptr().cast(), text.len() as _)
        } else {
            ffi::PyLong_FromLong(i as _)
        };
        let value = ffi::PyLong_FromLong(i as _);
        if key.is_null() || value.is_null() || ffi::PyDict_SetItem(dict, key, value) != 0 {
            ok = false;
        }
        if delete && ok && i % 3 == 0 && ffi::PyDict_DelItem(dict, key) != 0 {
            ok = false;
        }
        for obj in [key, value] {
            if !obj.is_null() {
                ffi::Py_DECREF(obj);
            }
        }
        if !ok {
            break;
        }
    }
    if ok {
        // Before reading entries where this layout says they are, check that its fields
        // are plausible, so that another layout cannot send the reads out of the table.
        let keys = (*dict.cast::<ffi::PyDictObject>()).ma_keys.cast::<u8>();
        let log2_size = u32::from(*keys.add(DK_LOG2_SIZE));
        let log2_index_bytes = u32::from(*keys.add(DK_LOG2_INDEX_BYTES));
        let n = keys.add(DK_NENTRIES).cast::<ffi::Py_ssize_t>().read();
        ok = log2_size <= 40
            && log2_index_bytes <= log2_size + 3
            && (0..=1 << log2_size).contains(&n);
    }
    if ok {
        ok = match read_entries(dict) {
            None => false,
            Some(mut entries) => {
                let mut pos = 0;
                let mut key = std::ptr::null_mut();
                let mut value = std::ptr::null_mut();
                loop {
                    let expected = if ffi::PyDict_Next(dict, &mut pos, &mut key, &mut value) != 0 {
                        Some((key, value))
                    } else {
                        None
                    };
                    let got = entries.next();
                    if got != expected {
                        break false;
                    }
                    if got.is_none() {
                        break true;
                    }
                }
            }
        };
    }
    ffi::PyErr_Clear();
    ffi::Py_DECREF(dict);
    ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::prelude::*;

    #[test]
    fn keys_table_reads_as_pydict_next_where_the_layout_is_known() {
        Python::initialize();
        Python::attach(|py| {
            let (major, minor) = (py.version_info().major, py.version_info().minor);
            let known = major == 3 && (11..=14).contains(&minor);
            // SAFETY: the GIL is held.
            assert_eq!(unsafe { layout_ok() }, known);
            assert_eq!(layout_known(), known);
            if known {
                for (n, str_keys, delete) in
                    [(0, true, false), (2, false, true), (1000, true, true)]
                {
                    // SAFETY: the GIL is held.
                    assert!(unsafe { check_dict(n, str_keys, delete) }, "{n} {str_keys}");
                }
            }
        });
    }
}
