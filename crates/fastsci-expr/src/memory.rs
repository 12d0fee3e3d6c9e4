//! Memory for large arrays: fresh, zeroed and backed by transparent huge pages where the
//! kernel allows, as NumPy allocates big arrays. A fresh 80 MB array then costs 40 page faults
//! instead of 20,000, and no pass of the program's own to zero it: the kernel hands out zeroed
//! pages. Used for the arrays compiled kernels create (`np.zeros`, `np.empty`, `np.ones`) and,
//! through fastsci-array, for every large output.

use std::alloc::{Layout, alloc_zeroed};

/// A new vector of `len` default (zero) elements, for a large output about to be written in
/// full: its untouched pages are advised to be backed by transparent huge pages.
///
/// Every page of a fresh allocation is still zeroed by the kernel on its first write; only
/// reusing a buffer avoids that.
///
/// ```
/// let v: Vec<f64> = fastsci_expr::memory::zeroed_vec(1 << 20);
/// assert_eq!(v.len(), 1 << 20);
/// assert!(v.iter().all(|&x| x == 0.0));
/// ```
pub fn zeroed_vec<T: Default + Clone>(len: usize) -> Vec<T> {
    // A zero default makes `vec!` ask the allocator for zeroed memory, which for large sizes is
    // a fresh mapping no one has touched yet, so the advice still applies.
    let mut v = vec![T::default(); len];
    advise_huge_pages(&mut v);
    v
}

/// Element types whose all-zero bit pattern is their zero (`false` for `bool`).
///
/// # Safety
/// Implement only for types where every byte being zero is a valid value.
pub unsafe trait ZeroBits: Copy {}
// SAFETY: zero bytes are 0, 0.0 and false.
unsafe impl ZeroBits for f64 {}
// SAFETY: as above.
unsafe impl ZeroBits for f32 {}
// SAFETY: as above.
unsafe impl ZeroBits for i64 {}
// SAFETY: as above.
unsafe impl ZeroBits for i32 {}
// SAFETY: as above.
unsafe impl ZeroBits for u8 {}
// SAFETY: as above.
unsafe impl ZeroBits for bool {}
// SAFETY: as above.
unsafe impl ZeroBits for i8 {}
// SAFETY: as above.
unsafe impl ZeroBits for i16 {}
// SAFETY: as above.
unsafe impl ZeroBits for u16 {}
// SAFETY: as above.
unsafe impl ZeroBits for u32 {}
// SAFETY: as above.
unsafe impl ZeroBits for u64 {}

/// [`zeroed_vec`] that reports a failed allocation as `None` instead of aborting, for sizes
/// that come from the user's kernel.
pub fn try_zeroed_vec<T: ZeroBits>(len: usize) -> Option<Vec<T>> {
    let layout = Layout::array::<T>(len).ok()?;
    if layout.size() == 0 {
        return Some(Vec::new());
    }
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { alloc_zeroed(layout) }.cast::<T>();
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` was allocated by the global allocator with the layout of `len` elements of
    // `T`, all of them initialized (zero bytes are a valid `T`, by `ZeroBits`).
    let mut v = unsafe { Vec::from_raw_parts(p, len, len) };
    advise_huge_pages(&mut v);
    Some(v)
}

type LibcVoid = std::ffi::c_void;

unsafe extern "C" {
    fn madvise(addr: *mut LibcVoid, len: usize, advice: i32) -> i32;
}

const MADV_HUGEPAGE: i32 = 14;

/// Asks the kernel to back a large, not yet touched buffer with transparent huge pages.
/// Harmless where huge pages are unavailable.
///
/// ```
/// let mut v = vec![0u8; 64 << 20];
/// fastsci_expr::memory::advise_huge_pages(&mut v);
/// assert_eq!(v[0], 0);
/// ```
pub fn advise_huge_pages<T>(buffer: &mut [T]) {
    const HUGE: usize = 2 << 20;
    let bytes = std::mem::size_of_val(buffer);
    if bytes < 4 * HUGE || !cfg!(target_os = "linux") {
        return;
    }
    let start = buffer.as_mut_ptr() as usize;
    let a = start.div_ceil(HUGE) * HUGE;
    let b = (start + bytes) / HUGE * HUGE;
    if b > a {
        // SAFETY: the range lies inside `buffer`; MADV_HUGEPAGE only changes how the kernel
        // backs the pages, never their contents.
        unsafe {
            madvise(a as *mut LibcVoid, b - a, MADV_HUGEPAGE);
        }
    }
}
