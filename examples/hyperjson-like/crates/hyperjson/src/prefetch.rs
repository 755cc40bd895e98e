// FFI code: called with the GIL held on objects kept alive by the document being encoded.
#![allow(unsafe_op_in_unsafe_fn)]

//! Prefetching for `dumps`' walk of the document, in two stages.
//!
//! The encoder goes depth first: the first item of a container is read at once, its other
//! items only once the first one's whole subtree is written. In documents larger than the
//! cache (and in any document right after other work has evicted it), each of those reads
//! is a cache miss that the processor cannot overlap with anything, since the pointer to
//! the next object is in the object just missed. So the later items' headers are prefetched
//! when their container is entered (stage one) and, a few containers later, once those
//! headers have arrived, what they point to: a dict's keys table, a list's item array
//! (stage two). Prefetches never fault; the stage-two reads are of objects the document
//! holds, and no Python code runs meanwhile (the caller does not use this with
//! `sort_keys`), so none can be freed.

use std::ptr::{addr_of_mut, null_mut};

use pyo3::ffi;

/// Objects waiting for stage two; each is handled this many stage-one prefetches later.
const DELAY: usize = 8;
/// Items of a container prefetched when it is entered.
const ITEMS: ffi::Py_ssize_t = 8;

pub struct Prefetcher {
    pending: [*mut ffi::PyObject; DELAY],
    next: usize,
}

#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl Prefetcher {
    pub fn new() -> Self {
        Prefetcher {
            pending: [null_mut(); DELAY],
            next: 0,
        }
    }

    /// Stage one for the items of a list or tuple after the first (at most `ITEMS`).
    #[inline(always)]
    pub unsafe fn items(&mut self, obj: *mut ffi::PyObject, is_list: bool) {
        let (n, items) = if is_list {
            (
                ffi::PyList_GET_SIZE(obj),
                (*obj.cast::<ffi::PyListObject>()).ob_item,
            )
        } else {
            (
                ffi::PyTuple_GET_SIZE(obj),
                (*obj.cast::<ffi::PyTupleObject>()).ob_item.as_mut_ptr(),
            )
        };
        for i in 1..n.min(ITEMS) {
            self.push(*items.offset(i));
        }
    }

    /// Stage one for `obj`, and stage two for the object pushed `DELAY` pushes ago.
    #[inline(always)]
    unsafe fn push(&mut self, obj: *mut ffi::PyObject) {
        prefetch(obj.cast());
        let old = std::mem::replace(&mut self.pending[self.next], obj);
        self.next = (self.next + 1) % DELAY;
        if !old.is_null() {
            stage_two(old);
        }
    }
}

/// Prefetches what `obj` points to, if it is an exact dict or list.
#[inline(always)]
unsafe fn stage_two(obj: *mut ffi::PyObject) {
    let t = ffi::Py_TYPE(obj);
    if t == addr_of_mut!(ffi::PyDict_Type) {
        let keys = (*obj.cast::<ffi::PyDictObject>()).ma_keys.cast::<u8>();
        prefetch(keys);
        prefetch(keys.wrapping_add(64));
    } else if t == addr_of_mut!(ffi::PyList_Type) {
        prefetch((*obj.cast::<ffi::PyListObject>()).ob_item.cast());
    }
}
