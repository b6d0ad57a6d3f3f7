import CLinearAlgebra

/// The C routines of one precision — CBLAS, LAPACKE (`_work` forms) and FFTW — as a table.
///
/// `Float` and `Double` each fill one table with their `s…`/`d…` and `fftwf_`/`fftw_` symbols
/// (`Float+LinearAlgebraScalar.swift`, `Double+LinearAlgebraScalar.swift`), and nothing else.
/// Everything around the C call — the lock, the narrowing of sizes to BLAS's 32-bit `int` with a
/// typed error, the mapping of ``Transpose``/``Triangle``/``Side``/``DiagonalKind`` to CBLAS
/// enumerations and LAPACK letters, workspace queries — is written once, generically, in
/// `LinearAlgebraScalar+Backend.swift`. The table is opaque outside this module: its entries
/// have C types, which never appear in KronKit's public API.
///
/// A class around a struct of routines: a routine call then loads one reference and one entry.
/// A struct table returned from the protocol requirement would be copied whole — thirty-odd
/// closures retained and released — on every BLAS call (with unspecialised routines, measured
/// 20–40 % slower HODLR matvec and factorization at the quick report's sizes, `Notes/BENCHMARKS.md`,
/// "Views and the bridge").
public final class BackendRoutines<Scalar>: Sendable {
    /// The routines, filled by the memberwise initializer whose labels are the routine names
    /// without the precision letter.
    @usableFromInline let routines: Routines

    /// A table of `routines`.
    init(_ routines: Routines) { self.routines = routines }
}

extension BackendRoutines {
    /// The C routines of one precision.
    @usableFromInline
    struct Routines: Sendable {
        @usableFromInline typealias Input = UnsafePointer<Scalar>?
        @usableFromInline typealias Output = UnsafeMutablePointer<Scalar>?
        @usableFromInline typealias Indices = UnsafeMutablePointer<Int32>?
        @usableFromInline typealias Layout = CBLAS_ORDER
        @usableFromInline typealias Trans = CBLAS_TRANSPOSE

        @usableFromInline let axpy: @Sendable (Int32, Scalar, Input, Int32, Output, Int32) -> Void
        @usableFromInline let scal: @Sendable (Int32, Scalar, Output, Int32) -> Void
        @usableFromInline let dot: @Sendable (Int32, Input, Int32, Input, Int32) -> Scalar
        @usableFromInline let nrm2: @Sendable (Int32, Input, Int32) -> Scalar
        @usableFromInline let gemv: @Sendable (Layout, Trans, Int32, Int32, Scalar, Input, Int32, Input, Int32, Scalar, Output, Int32) -> Void
        @usableFromInline let gemm: @Sendable (Layout, Trans, Trans, Int32, Int32, Int32, Scalar, Input, Int32, Input, Int32, Scalar, Output,
                             Int32) -> Void
        @usableFromInline let syrk: @Sendable (Layout, CBLAS_UPLO, Trans, Int32, Int32, Scalar, Input, Int32, Scalar, Output, Int32) -> Void
        @usableFromInline let trsm: @Sendable (Layout, CBLAS_SIDE, CBLAS_UPLO, Trans, CBLAS_DIAG, Int32, Int32, Scalar, Input, Int32, Output,
                             Int32) -> Void
        @usableFromInline let trmm: @Sendable (Layout, CBLAS_SIDE, CBLAS_UPLO, Trans, CBLAS_DIAG, Int32, Int32, Scalar, Input, Int32, Output,
                             Int32) -> Void

        @usableFromInline let potrf: @Sendable (Int32, CChar, Int32, Output, Int32) -> Int32
        @usableFromInline let potrs: @Sendable (Int32, CChar, Int32, Int32, Input, Int32, Output, Int32) -> Int32
        @usableFromInline let potri: @Sendable (Int32, CChar, Int32, Output, Int32) -> Int32
        @usableFromInline let geqrf: @Sendable (Int32, Int32, Int32, Output, Int32, Output, Output, Int32) -> Int32
        @usableFromInline let orgqr: @Sendable (Int32, Int32, Int32, Int32, Output, Int32, Input, Output, Int32) -> Int32
        @usableFromInline let geqp3: @Sendable (Int32, Int32, Int32, Output, Int32, Indices, Output, Output, Int32) -> Int32
        @usableFromInline let trtrs: @Sendable (Int32, CChar, CChar, CChar, Int32, Int32, Input, Int32, Output, Int32) -> Int32
        @usableFromInline let gesdd: @Sendable (Int32, CChar, Int32, Int32, Output, Int32, Output, Output, Int32, Output, Int32, Output, Int32,
                              Indices) -> Int32
        @usableFromInline let getrf: @Sendable (Int32, Int32, Int32, Output, Int32, Indices) -> Int32
        @usableFromInline let getrs: @Sendable (Int32, CChar, Int32, Int32, Input, Int32, UnsafePointer<Int32>?, Output, Int32) -> Int32
        @usableFromInline let syevd: @Sendable (Int32, CChar, CChar, Int32, Output, Int32, Output, Output, Int32, Indices, Int32) -> Int32
        @usableFromInline let syevr: @Sendable (Int32, CChar, CChar, CChar, Int32, Output, Int32, Scalar, Scalar, Int32, Int32, Scalar, Indices,
                              Output, Output, Int32, Indices, Output, Int32, Indices, Int32) -> Int32
        @usableFromInline let sytrd: @Sendable (Int32, CChar, Int32, Output, Int32, Output, Output, Output, Output, Int32) -> Int32
        @usableFromInline let stein: @Sendable (Int32, Int32, Input, Input, Int32, Input, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Output,
                              Int32, Output, Indices, Indices) -> Int32
        @usableFromInline let ormtr: @Sendable (Int32, CChar, CChar, CChar, Int32, Int32, Input, Int32, Input, Output, Int32, Output, Int32)
            -> Int32
        @usableFromInline let lange: @Sendable (Int32, CChar, Int32, Int32, Input, Int32, Output) -> Scalar
        @usableFromInline let lansy: @Sendable (Int32, CChar, CChar, Int32, Input, Int32, Output) -> Scalar
        @usableFromInline let gecon: @Sendable (Int32, CChar, Int32, Input, Int32, Scalar, Output, Output, Indices) -> Int32
        @usableFromInline let pocon: @Sendable (Int32, CChar, Int32, Input, Int32, Scalar, Output, Output, Indices) -> Int32

        @usableFromInline let planRealForward: @Sendable (Int32, Output, OpaquePointer?, UInt32) -> OpaquePointer?
        @usableFromInline let planRealInverse: @Sendable (Int32, OpaquePointer?, Output, UInt32) -> OpaquePointer?
        @usableFromInline let executeRealForward: @Sendable (OpaquePointer?, Output, OpaquePointer?) -> Void
        @usableFromInline let executeRealInverse: @Sendable (OpaquePointer?, OpaquePointer?, Output) -> Void
        @usableFromInline let destroyPlan: @Sendable (OpaquePointer?) -> Void
    }
}
