//! What the writers in [`crate::escape`] and [`crate::floatrepr`] write into: a byte buffer
//! with spare capacity after its length, written through a raw pointer.
//!
//! `Vec<u8>` is one; `dumps` has its own, which is the data of the `str` it returns, so the
//! output is not copied once more at the end.

/// A growable byte buffer written through its spare capacity.
pub trait OutBuf {
    /// Makes at least `n` bytes after the length writable (may move the buffer).
    fn reserve(&mut self, n: usize);
    /// The number of bytes written.
    fn len(&self) -> usize;
    /// The start of the buffer (the writable bytes start at `as_mut_ptr() + len()`).
    fn as_mut_ptr(&mut self) -> *mut u8;
    /// Sets the length.
    ///
    /// # Safety
    /// The bytes up to `len` have been written, within the reserved capacity.
    unsafe fn set_len(&mut self, len: usize);

    /// True if nothing has been written.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends `s`.
    #[inline]
    fn extend_from_slice(&mut self, s: &[u8]) {
        self.reserve(s.len());
        let len = self.len();
        // SAFETY: `s.len()` bytes were reserved after the length; `s` cannot overlap the
        // spare capacity, which nothing else refers to.
        unsafe {
            std::ptr::copy_nonoverlapping(s.as_ptr(), self.as_mut_ptr().add(len), s.len());
            self.set_len(len + s.len());
        }
    }

    /// Appends one byte.
    #[inline]
    fn push(&mut self, b: u8) {
        self.reserve(1);
        let len = self.len();
        // SAFETY: one byte was reserved after the length.
        unsafe {
            *self.as_mut_ptr().add(len) = b;
            self.set_len(len + 1);
        }
    }
}

impl OutBuf for Vec<u8> {
    #[inline(always)]
    fn reserve(&mut self, n: usize) {
        Vec::reserve(self, n);
    }
    #[inline(always)]
    fn len(&self) -> usize {
        Vec::len(self)
    }
    #[inline(always)]
    fn as_mut_ptr(&mut self) -> *mut u8 {
        Vec::as_mut_ptr(self)
    }
    #[inline(always)]
    unsafe fn set_len(&mut self, len: usize) {
        // SAFETY: the caller wrote the bytes up to `len` within the capacity.
        unsafe { Vec::set_len(self, len) }
    }
    #[inline(always)]
    fn extend_from_slice(&mut self, s: &[u8]) {
        Vec::extend_from_slice(self, s);
    }
    #[inline(always)]
    fn push(&mut self, b: u8) {
        Vec::push(self, b);
    }
}
