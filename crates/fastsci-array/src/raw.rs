//! [`RawData`]: a read view of real elements of any dtype and byte order, in memory or mapped,
//! handed out block by block as `f64`.

use crate::dtype::{ByteOrder, DType, Real, decode_f64};
use crate::mmap::Release;

/// A read view of real elements of any supported dtype and byte order.
///
/// Reductions and expressions read it in blocks of `f64`: native-endian, aligned `f64` data is
/// used in place; anything else is converted into a small buffer. A view of a mapped file also
/// releases the pages of each chunk once a sweep is done with it.
#[derive(Clone, Copy)]
pub struct RawData<'a> {
    bytes: &'a [u8],
    dtype: DType,
    order: ByteOrder,
    releaser: Option<&'a dyn Release>,
    /// Byte offset of this view inside the releaser's data.
    base: usize,
}

impl std::fmt::Debug for RawData<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawData")
            .field("len", &self.len())
            .field("dtype", &self.dtype)
            .field("order", &self.order)
            .finish()
    }
}

impl<'a> RawData<'a> {
    /// A view of `bytes` holding elements of `dtype` in `order` (trailing partial elements are
    /// ignored).
    pub fn new(bytes: &'a [u8], dtype: DType, order: ByteOrder) -> RawData<'a> {
        let whole = bytes.len() / dtype.size() * dtype.size();
        RawData { bytes: &bytes[..whole], dtype, order, releaser: None, base: 0 }
    }

    /// A view of a slice of real elements.
    ///
    /// # Examples
    /// ```
    /// use fastsci_array::RawData;
    /// let v = [1i16, 2, 3];
    /// let raw = RawData::from_slice(&v);
    /// let mut buf = [0.0; 4];
    /// assert_eq!(raw.block_f64(1, 2, &mut buf), &[2.0, 3.0]);
    /// ```
    pub fn from_slice<T: Real>(values: &'a [T]) -> RawData<'a> {
        // SAFETY: any initialized slice of plain numbers (or bools) can be read as bytes.
        let bytes = unsafe {
            std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values))
        };
        RawData { bytes, dtype: T::DTYPE, order: ByteOrder::NATIVE, releaser: None, base: 0 }
    }

    /// Attaches a page releaser (used by mapped files).
    pub fn with_releaser(mut self, releaser: &'a dyn Release) -> RawData<'a> {
        self.releaser = Some(releaser);
        self
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.bytes.len() / self.dtype.size()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The raw bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The elements as native `f64` in place, when they are stored so.
    pub fn as_f64_slice(&self) -> Option<&'a [f64]> {
        if self.dtype == DType::F64
            && self.order == ByteOrder::NATIVE
            && (self.bytes.as_ptr() as usize).is_multiple_of(std::mem::align_of::<f64>())
        {
            // SAFETY: checked dtype, byte order and alignment; every bit pattern is an f64.
            Some(unsafe { std::slice::from_raw_parts(self.bytes.as_ptr().cast::<f64>(), self.len()) })
        } else {
            None
        }
    }

    /// Elements `[start, start+len)` as `f64`: in place when possible, else converted into
    /// `buf` (which must hold `len` values).
    ///
    /// # Panics
    /// If the range is outside the view or `buf` is too short (callers stay in range).
    pub fn block_f64<'b>(&self, start: usize, len: usize, buf: &'b mut [f64]) -> &'b [f64]
    where
        'a: 'b,
    {
        if let Some(s) = self.as_f64_slice() {
            return &s[start..start + len];
        }
        let size = self.dtype.size();
        decode_f64(&self.bytes[start * size..(start + len) * size], self.dtype, self.order, &mut buf[..len]);
        &buf[..len]
    }

    /// Tells the backing map (if any) that elements `[start, start+len)` are done with.
    pub fn release(&self, start: usize, len: usize) {
        if let Some(r) = self.releaser {
            let size = self.dtype.size();
            r.release(self.base + start * size, len * size);
        }
    }

    /// Asks the backing map (if any) to map elements `[start, start+len)` ahead of reading.
    pub fn prefetch(&self, start: usize, len: usize) {
        if let Some(r) = self.releaser {
            let size = self.dtype.size();
            r.prefetch(self.base + start * size, len * size);
        }
    }

    /// Sub-view of elements `[start, start+len)`, keeping the releaser.
    pub fn slice(&self, start: usize, len: usize) -> RawData<'a> {
        let size = self.dtype.size();
        RawData {
            bytes: &self.bytes[start * size..(start + len) * size],
            base: self.base + start * size,
            ..*self
        }
    }
}
