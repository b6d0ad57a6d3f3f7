#if canImport(Glibc)
import Glibc
#endif

// A fresh allocation of tens of megabytes is `mmap`ed by malloc and faulted in on first touch, one
// 4 KiB page at a time: for the 32 MiB result of a `256² ⊗ 256²` Kronecker product with 64 columns,
// 8 192 page faults that cost 21–25 ms of CPU time on the Intel Xeon of `Notes/BENCHMARKS.md`, as
// much as 25 GEMMs of 256³. With transparent huge pages in `madvise` mode (the Debian default),
// advising the buffer before it is touched lets the kernel fault it in 2 MiB pages: 9 ms for the
// same 32 MiB (`Notes/KroneckerOperators.md`, "The fresh result"). NumPy does the same for every
// array of at least 4 MiB (`numpy/_core/src/multiarray/alloc.c`, `madvise_hugepage`).

/// Advises the kernel to back `buffer` — freshly allocated, not yet touched — with transparent
/// huge pages when it spans at least 4 MiB, from its first 4 KiB page boundary on (NumPy's rule).
/// A no-op elsewhere (other systems, small buffers, the advice refused): only the speed of the
/// first touch depends on it, never a value.
/// - Complexity: one system call for large buffers, none otherwise; no writes.
@usableFromInline
package func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux) && canImport(Glibc)
    let (pageSize, threshold) = (4096, 4 << 20)
    guard buffer.count >= threshold, let start = buffer.baseAddress else { return }
    let offset = (pageSize - Int(bitPattern: start) % pageSize) % pageSize
    _ = madvise(start + offset, buffer.count - offset, MADV_HUGEPAGE)
    #endif
}
