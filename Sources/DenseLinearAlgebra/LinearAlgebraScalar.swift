@_exported import RealModule

/// The scalar types KronKit computes with: `Float` and `Double`.
///
/// Refines swift-numerics' `Real`, so generic code has `Scalar.log`, `.exp`, `.sqrt`, `.pow`.
///
/// Every kernel in KronKit is generic over this protocol. Its static
/// requirements are thin bridges to the single- or double-precision routine of
/// CBLAS (OpenBLAS), LAPACKE and FFTW, so generic code calls `try Scalar.gemm(…)`
/// and gets `cblas_sgemm` or `cblas_dgemm`. The only requirement beyond names is the table
/// of C routines, ``backend``; the routines themselves are written once, generically. All matrices are column-major with
/// an explicit leading dimension, exactly as the reference BLAS expects.
///
/// The routines are deliberately low level (pointers, leading dimensions,
/// LAPACK `info` codes); the safe API lives on ``Matrix`` and its views.
/// LAPACK routines return `info` unchanged: `0` on success, `< 0` for an
/// illegal argument, `> 0` for a routine-specific failure. Each routine throws
/// ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)`` when a size, stride
/// or leading dimension does not fit BLAS's 32-bit `int`, before calling C.
public protocol LinearAlgebraScalar: Real, BinaryFloatingPoint, Codable, Sendable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    /// The BLAS/LAPACK precision letter, `"s"` or `"d"`, used in routine names of errors.
    static var routinePrefix: String { get }
    /// The NumPy dtype descriptor of this type in little-endian order (`"<f4"`, `"<f8"`).
    static var numpyDescriptor: String { get }

    /// The C routines of this precision, for the generic bridge in `LinearAlgebraScalar+Backend.swift`
    /// (the `s…`/`d…` and `fftwf_`/`fftw_` symbols; ``BackendRoutines``). Call the static methods
    /// below (``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` …), not the table.
    static var backend: BackendRoutines<Self> { get }
}
