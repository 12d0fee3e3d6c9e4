//! Memory-mapped `.npy` files, read-only and read-write, with a bounded footprint.
//!
//! [`NpyMmap`] maps a file read-only; [`NpyMmapMut`] maps one read-write, or creates one of a
//! given shape and dtype to be filled chunk by chunk. Both map the whole file (address space
//! only) and advise the kernel of sequential access. Work that sweeps a file goes chunk by chunk
//! and, after each chunk, hands its pages back with `MADV_DONTNEED` (and starts their write-back
//! first when they are dirty), so the resident memory of a sweep stays at most
//! `threads x chunk bytes` (about [`CHUNK_BYTES`] per worker thread), whatever the file size.
//! The kernel's page cache may hold more of the file, but that is reclaimable cache, not memory
//! of this process.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use memmap2::{Advice, Mmap, MmapMut, MmapOptions, UncheckedAdvice};
use rayon::prelude::*;

use crate::dtype::{ByteOrder, DType, Element};
use crate::error::{ArrayError, Result, io_err};
use crate::npy::{NpyHeader, check_data_len, header_bytes, parse_header};
use crate::raw::RawData;

/// Bytes each worker processes between page releases in out-of-core sweeps (4 MiB).
pub const CHUNK_BYTES: usize = 4 << 20;

fn page_size() -> usize {
    4096
}

/// The page-aligned part of `[start, start+len)`, so releasing it never touches bytes outside.
fn inner_pages(start: usize, len: usize) -> Option<(usize, usize)> {
    let p = page_size();
    let a = start.div_ceil(p) * p;
    let b = (start + len) / p * p;
    (b > a).then(|| (a, b - a))
}

/// Reads and validates the header of a file, checking the data is all there.
fn header_of(path: &Path, file: &mut File) -> Result<NpyHeader> {
    let header = crate::npy::read_header(&mut std::io::BufReader::new(&*file)).map_err(|e| match e {
        ArrayError::Stream(source) => ArrayError::Io { path: path.to_path_buf(), source },
        other => other,
    })?;
    check_data_len(&header, file.metadata().map_err(io_err(path))?.len())?;
    Ok(header)
}

/// A `.npy` file mapped read-only.
///
/// # Examples
/// ```
/// use fastsci_array::{NpyMmap, NpyMmapMut, DType};
/// let dir = std::env::temp_dir().join(format!("fastsci-doc-mmap-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("m.npy");
/// let mut out = NpyMmapMut::create(&path, DType::F64, &[1000, 3], false)?;
/// out.fill_chunks::<f64>(300, |start, chunk| {
///     for (i, x) in chunk.iter_mut().enumerate() { *x = (start + i) as f64; }
/// })?;
/// out.flush()?;
/// drop(out);
/// let m = NpyMmap::open(&path)?;
/// assert_eq!(m.header().shape, vec![1000, 3]);
/// assert_eq!(m.as_slice::<f64>()?[2999], 2999.0);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct NpyMmap {
    path: PathBuf,
    header: NpyHeader,
    map: Option<Mmap>,
}

impl NpyMmap {
    /// Maps `path` read-only after validating its header and length.
    ///
    /// # Errors
    /// I/O errors, [`ArrayError::Header`], [`ArrayError::Truncated`].
    pub fn open(path: impl AsRef<Path>) -> Result<NpyMmap> {
        let path = path.as_ref();
        let mut file = crate::input::open(path)?;
        let header = header_of(path, &mut file)?;
        let map = if header.data_len() == 0 {
            None
        } else {
            // SAFETY: the map is read-only; as with np.memmap, another process truncating or
            // writing the file while it is mapped is outside this program's control.
            let map = unsafe { MmapOptions::new().map(&file) }.map_err(io_err(path))?;
            let _ = map.advise(Advice::Sequential);
            Some(map)
        };
        Ok(NpyMmap { path: path.to_path_buf(), header, map })
    }

    /// The file's header.
    pub fn header(&self) -> &NpyHeader {
        &self.header
    }

    /// The path it was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.map {
            Some(m) => &m[self.header.data_offset..self.header.data_offset + self.header.data_len()],
            None => &[],
        }
    }

    /// The data as a slice of `T`, in file order (C or Fortran as the header says).
    ///
    /// # Errors
    /// [`ArrayError::DType`] when the dtype is not `T`, the byte order is not native, or the
    /// data is not aligned for `T` (then use [`NpyMmap::raw`], which converts).
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        typed_slice(&self.header, self.bytes())
    }

    /// The data as a [`RawData`] view for reductions and expressions: it converts any real
    /// dtype and byte order block by block and releases pages as a sweep passes them.
    pub fn raw(&self) -> RawData<'_> {
        let raw = RawData::new(self.bytes(), self.header.dtype, self.header.byte_order);
        if self.map.is_some() { raw.with_releaser(self) } else { raw }
    }
}

impl Release for NpyMmap {
    fn release(&self, start: usize, len: usize) {
        if let Some(map) = &self.map
            && let Some((a, l)) = inner_pages(self.header.data_offset + start, len)
        {
            // SAFETY: the mapping is read-only and file-backed, so dropping its pages loses
            // nothing: later reads fault them in again with the file's contents.
            let _ = unsafe { map.unchecked_advise_range(UncheckedAdvice::DontNeed, a, l) };
        }
    }

    fn prefetch(&self, start: usize, len: usize) {
        if let Some(map) = &self.map {
            let p = page_size();
            let a = (self.header.data_offset + start) / p * p;
            let b = (self.header.data_offset + start + len).min(map.len());
            if b > a {
                // SAFETY: the range lies inside this read-only file mapping; populating page
                // tables does not change any contents.
                unsafe {
                    madvise(map.as_ptr().add(a) as *mut LibcVoid, b - a, MADV_POPULATE_READ);
                }
            }
        }
    }
}

/// Something that can hand back the pages of a byte range of its data once a sweep is done
/// with them.
pub trait Release: Sync {
    /// Releases the pages fully inside data bytes `[start, start+len)`.
    fn release(&self, start: usize, len: usize);
    /// Maps the pages of data bytes `[start, start+len)` in one call before a sweep reads
    /// them (instead of one page fault per 64 KiB); a hint, errors are ignored.
    fn prefetch(&self, _start: usize, _len: usize) {}
}

fn typed_slice<'a, T: Element>(header: &NpyHeader, bytes: &'a [u8]) -> Result<&'a [T]> {
    check_typed::<T>(header, bytes.as_ptr() as usize)?;
    // SAFETY: dtype, byte order and alignment were checked; every bit pattern of the numeric
    // types is valid; bool is excluded by `check_typed` unless the values are validated.
    Ok(unsafe { std::slice::from_raw_parts(bytes.as_ptr().cast::<T>(), header.len()) })
}

fn check_typed<T: Element>(header: &NpyHeader, address: usize) -> Result<()> {
    if header.dtype != T::DTYPE {
        return Err(ArrayError::DType(format!("the file holds {}, not {}", header.dtype, T::DTYPE)));
    }
    if header.byte_order != ByteOrder::NATIVE && T::DTYPE.size() > 1 {
        return Err(ArrayError::DType("the file's byte order is not native; use the converting view".into()));
    }
    if T::DTYPE == DType::Bool {
        return Err(ArrayError::DType("bool data cannot be viewed in place (bytes other than 0/1 are invalid bools); use the converting view".into()));
    }
    if !header.is_empty() && !address.is_multiple_of(std::mem::align_of::<T>()) {
        return Err(ArrayError::DType(
            "the data is not aligned for in-place access; use the converting view".into(),
        ));
    }
    Ok(())
}

/// A `.npy` file mapped read-write: opened, or created with a shape and dtype.
#[derive(Debug)]
pub struct NpyMmapMut {
    path: PathBuf,
    header: NpyHeader,
    map: Option<MmapMut>,
}

impl NpyMmapMut {
    /// Creates (or replaces) `path` as a `.npy` file of `shape` and `dtype` in native byte
    /// order, zero-filled, and maps it read-write. The file's blocks are reserved first
    /// (`posix_fallocate`): a write through a map to a full disk has no way to report an error
    /// but `SIGBUS`, so a disk too small for the file is reported here instead, as
    /// "No space left on device", before any data is written.
    ///
    /// # Errors
    /// I/O errors, among them `StorageFull` when the disk cannot hold the file.
    pub fn create(
        path: impl AsRef<Path>,
        dtype: DType,
        shape: &[usize],
        fortran_order: bool,
    ) -> Result<NpyMmapMut> {
        let path = path.as_ref();
        let header_raw = header_bytes(dtype, ByteOrder::NATIVE, fortran_order, shape, None)?;
        let header = parse_header(&header_raw)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .map_err(io_err(path))?;
        file.write_all(&header_raw).map_err(io_err(path))?;
        let total = (header.data_offset + header.data_len()) as u64;
        file.set_len(total).map_err(io_err(path))?;
        reserve(&file, total).map_err(io_err(path))?;
        Self::map_file(path, &file, header)
    }

    /// Opens an existing `.npy` file read-write.
    ///
    /// # Errors
    /// I/O errors, [`ArrayError::Header`], [`ArrayError::Truncated`].
    pub fn open(path: impl AsRef<Path>) -> Result<NpyMmapMut> {
        let path = path.as_ref();
        let mut file = OpenOptions::new().read(true).write(true).open(path).map_err(io_err(path))?;
        let header = header_of(path, &mut file)?;
        Self::map_file(path, &file, header)
    }

    fn map_file(path: &Path, file: &File, header: NpyHeader) -> Result<NpyMmapMut> {
        let map = if header.data_len() == 0 {
            None
        } else {
            // SAFETY: a shared writable map of a file this process opened; as with np.memmap,
            // other processes changing the file meanwhile are outside our control.
            let map = unsafe { MmapOptions::new().map_mut(file) }.map_err(io_err(path))?;
            let _ = map.advise(Advice::Sequential);
            Some(map)
        };
        Ok(NpyMmapMut { path: path.to_path_buf(), header, map })
    }

    /// The file's header.
    pub fn header(&self) -> &NpyHeader {
        &self.header
    }

    /// The data bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.map {
            Some(m) => &m[self.header.data_offset..self.header.data_offset + self.header.data_len()],
            None => &[],
        }
    }

    /// The data bytes, writable.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        let (a, n) = (self.header.data_offset, self.header.data_len());
        match &mut self.map {
            Some(m) => &mut m[a..a + n],
            None => &mut [],
        }
    }

    /// The data as a slice of `T`.
    ///
    /// # Errors
    /// As [`NpyMmap::as_slice`].
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        typed_slice(&self.header, self.bytes())
    }

    /// The data as a writable slice of `T`.
    ///
    /// # Errors
    /// As [`NpyMmap::as_slice`].
    pub fn as_mut_slice<T: Element>(&mut self) -> Result<&mut [T]> {
        let header = self.header.clone();
        let bytes = self.bytes_mut();
        check_typed::<T>(&header, bytes.as_ptr() as usize)?;
        // SAFETY: as in `typed_slice`, and the borrow of `self` is unique.
        Ok(unsafe { std::slice::from_raw_parts_mut(bytes.as_mut_ptr().cast::<T>(), header.len()) })
    }

    /// Fills the file chunk by chunk, in parallel: `fill(start, chunk)` gets the index of the
    /// chunk's first element (in file order) and at most `chunk_len` elements to write. After
    /// each chunk its write-back is started and its pages released, so the footprint stays at
    /// about `threads x chunk bytes`.
    ///
    /// # Errors
    /// As [`NpyMmapMut::as_mut_slice`]; [`ArrayError::Invalid`] for `chunk_len == 0`.
    pub fn fill_chunks<T: Element>(
        &mut self,
        chunk_len: usize,
        fill: impl Fn(usize, &mut [T]) + Sync,
    ) -> Result<()> {
        if chunk_len == 0 {
            return Err(ArrayError::Invalid("chunk length must be positive".into()));
        }
        let offset = self.header.data_offset;
        let size = T::DTYPE.size();
        let header = self.header.clone();
        let Some(map) = self.map.as_mut() else { return Ok(()) };
        let map_len = map.len();
        let map_addr = map.as_mut_ptr() as usize;
        let bytes = &mut map[offset..offset + header.data_len()];
        check_typed::<T>(&header, bytes.as_ptr() as usize)?;
        // SAFETY: checked as in `typed_slice`; the slice borrows the map uniquely.
        let slice = unsafe { std::slice::from_raw_parts_mut(bytes.as_mut_ptr().cast::<T>(), header.len()) };
        slice.par_chunks_mut(chunk_len).enumerate().for_each(|(i, chunk)| {
            fill(i * chunk_len, chunk);
            let start = offset + i * chunk_len * size;
            if let Some((a, l)) = inner_pages(start, chunk.len() * size) {
                debug_assert!(a + l <= map_len);
                // SAFETY: the range lies inside this file's shared mapping; MS_ASYNC starts
                // write-back and MADV_DONTNEED drops the pages from this process, keeping
                // their dirty contents in the page cache (shared file mappings lose nothing).
                unsafe {
                    let p = (map_addr + a) as *mut LibcVoid;
                    msync_async(p, l);
                    madvise_dontneed(p, l);
                }
            }
        });
        Ok(())
    }

    /// Writes all dirty pages back to the file and waits for it.
    ///
    /// # Errors
    /// I/O errors, such as a full disk.
    pub fn flush(&self) -> Result<()> {
        match &self.map {
            Some(m) => m.flush().map_err(io_err(&self.path)),
            None => Ok(()),
        }
    }

    /// Starts write-back of data bytes `[start, start+len)` and releases their pages from this
    /// process (their contents stay in the page cache until written).
    pub fn release_written(&self, start: usize, len: usize) {
        if let Some(map) = &self.map
            && let Some((a, l)) = inner_pages(self.header.data_offset + start, len)
        {
            let _ = map.flush_async_range(a, l);
            // SAFETY: a shared file mapping: MADV_DONTNEED drops the pages from this process
            // while their (dirty) contents stay in the page cache, so nothing is lost.
            let _ = unsafe { map.unchecked_advise_range(UncheckedAdvice::DontNeed, a, l) };
        }
    }

    /// A read view for reductions, as [`NpyMmap::raw`].
    pub fn raw(&self) -> RawData<'_> {
        RawData::new(self.bytes(), self.header.dtype, self.header.byte_order)
    }
}

type LibcVoid = std::ffi::c_void;

/// Reserves the first `len` bytes of `file` on disk, so that writing them through a map cannot
/// meet a full disk (which a map can only report as `SIGBUS`).
fn reserve(file: &File, len: u64) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    if len == 0 {
        return Ok(());
    }
    let len = i64::try_from(len).map_err(|_| std::io::Error::from(std::io::ErrorKind::FileTooLarge))?;
    // SAFETY: a valid open descriptor and a range inside i64; the call only allocates blocks.
    // posix_fallocate returns the error number instead of setting errno; glibc falls back to
    // writing zeros on file systems without fallocate.
    match unsafe { posix_fallocate(file.as_raw_fd(), 0, len) } {
        0 => Ok(()),
        code => Err(std::io::Error::from_raw_os_error(code)),
    }
}

unsafe extern "C" {
    fn posix_fallocate(fd: i32, offset: i64, len: i64) -> i32;
    fn madvise(addr: *mut LibcVoid, len: usize, advice: i32) -> i32;
    fn msync(addr: *mut LibcVoid, len: usize, flags: i32) -> i32;
}

const MADV_DONTNEED: i32 = 4;
const MADV_POPULATE_READ: i32 = 22;

const MS_ASYNC: i32 = 1;

unsafe fn madvise_dontneed(p: *mut LibcVoid, len: usize) {
    // SAFETY: the caller passes a page-aligned range inside a live shared file mapping.
    unsafe {
        madvise(p, len, MADV_DONTNEED);
    }
}

unsafe fn msync_async(p: *mut LibcVoid, len: usize) {
    // SAFETY: as for `madvise_dontneed`.
    unsafe {
        msync(p, len, MS_ASYNC);
    }
}
