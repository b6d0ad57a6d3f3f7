import Foundation

/// One lock around every call into OpenBLAS and LAPACK.
///
/// The pthreads build of OpenBLAS 0.3.21 (Debian 12) is not safe for concurrent
/// callers: two user threads that enter it at once while it runs its own thread
/// pool can corrupt each other's results. KronKit's test suite, which runs tests in
/// parallel, saw `ssyevd` return NaN eigenvalues and `info = 6` on finite input
/// about one run in three; with this lock (or with `OPENBLAS_NUM_THREADS=1`) it
/// never does. Each call still uses every core through OpenBLAS's own threads, so
/// serialising the callers costs little throughput; an uncontended lock costs
/// tens of nanoseconds per call. See `Notes/DenseLinearAlgebra.md`.
@usableFromInline let backendLock = NSLock()

/// Runs one BLAS/LAPACK call under ``backendLock``.
@inlinable @inline(__always)
func serializedBackendCall<Result>(_ call: () -> Result) -> Result {
    backendLock.lock()
    defer { backendLock.unlock() }
    return call()
}
