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
/// closures retained and released — on every BLAS call (measured: a 10–40 % slower HODLR solve
/// and Brand update at the quick report's sizes, `Notes/BENCHMARKS.md`, "Views and the bridge").
public final class BackendRoutines<Scalar>: Sendable {
    /// The routines, filled by the memberwise initializer whose labels are the routine names
    /// without the precision letter.
    let routines: Routines

    /// A table of `routines`.
    init(_ routines: Routines) { self.routines = routines }
}

extension BackendRoutines {
    /// The C routines of one precision.
    struct Routines: Sendable {
        typealias Input = UnsafePointer<Scalar>?
        typealias Output = UnsafeMutablePointer<Scalar>?
        typealias Indices = UnsafeMutablePointer<Int32>?
        typealias Layout = CBLAS_ORDER
        typealias Trans = CBLAS_TRANSPOSE

        let axpy: @Sendable (Int32, Scalar, Input, Int32, Output, Int32) -> Void
        let scal: @Sendable (Int32, Scalar, Output, Int32) -> Void
        let dot: @Sendable (Int32, Input, Int32, Input, Int32) -> Scalar
        let nrm2: @Sendable (Int32, Input, Int32) -> Scalar
        let gemv: @Sendable (Layout, Trans, Int32, Int32, Scalar, Input, Int32, Input, Int32, Scalar, Output, Int32) -> Void
        let gemm: @Sendable (Layout, Trans, Trans, Int32, Int32, Int32, Scalar, Input, Int32, Input, Int32, Scalar, Output,
                             Int32) -> Void
        let syrk: @Sendable (Layout, CBLAS_UPLO, Trans, Int32, Int32, Scalar, Input, Int32, Scalar, Output, Int32) -> Void
        let trsm: @Sendable (Layout, CBLAS_SIDE, CBLAS_UPLO, Trans, CBLAS_DIAG, Int32, Int32, Scalar, Input, Int32, Output,
                             Int32) -> Void
        let trmm: @Sendable (Layout, CBLAS_SIDE, CBLAS_UPLO, Trans, CBLAS_DIAG, Int32, Int32, Scalar, Input, Int32, Output,
                             Int32) -> Void

        let potrf: @Sendable (Int32, CChar, Int32, Output, Int32) -> Int32
        let potrs: @Sendable (Int32, CChar, Int32, Int32, Input, Int32, Output, Int32) -> Int32
        let geqrf: @Sendable (Int32, Int32, Int32, Output, Int32, Output, Output, Int32) -> Int32
        let orgqr: @Sendable (Int32, Int32, Int32, Int32, Output, Int32, Input, Output, Int32) -> Int32
        let geqp3: @Sendable (Int32, Int32, Int32, Output, Int32, Indices, Output, Output, Int32) -> Int32
        let trtrs: @Sendable (Int32, CChar, CChar, CChar, Int32, Int32, Input, Int32, Output, Int32) -> Int32
        let gesdd: @Sendable (Int32, CChar, Int32, Int32, Output, Int32, Output, Output, Int32, Output, Int32, Output, Int32,
                              Indices) -> Int32
        let getrf: @Sendable (Int32, Int32, Int32, Output, Int32, Indices) -> Int32
        let getrs: @Sendable (Int32, CChar, Int32, Int32, Input, Int32, UnsafePointer<Int32>?, Output, Int32) -> Int32
        let syevd: @Sendable (Int32, CChar, CChar, Int32, Output, Int32, Output, Output, Int32, Indices, Int32) -> Int32
        let syevr: @Sendable (Int32, CChar, CChar, CChar, Int32, Output, Int32, Scalar, Scalar, Int32, Int32, Scalar, Indices,
                              Output, Output, Int32, Indices, Output, Int32, Indices, Int32) -> Int32
        let sytrd: @Sendable (Int32, CChar, Int32, Output, Int32, Output, Output, Output, Output, Int32) -> Int32
        let stein: @Sendable (Int32, Int32, Input, Input, Int32, Input, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Output,
                              Int32, Output, Indices, Indices) -> Int32
        let ormtr: @Sendable (Int32, CChar, CChar, CChar, Int32, Int32, Input, Int32, Input, Output, Int32, Output, Int32)
            -> Int32
        let lange: @Sendable (Int32, CChar, Int32, Int32, Input, Int32, Output) -> Scalar
        let lansy: @Sendable (Int32, CChar, CChar, Int32, Input, Int32, Output) -> Scalar
        let gecon: @Sendable (Int32, CChar, Int32, Input, Int32, Scalar, Output, Output, Indices) -> Int32
        let pocon: @Sendable (Int32, CChar, Int32, Input, Int32, Scalar, Output, Output, Indices) -> Int32

        let planRealForward: @Sendable (Int32, Output, OpaquePointer?, UInt32) -> OpaquePointer?
        let planRealInverse: @Sendable (Int32, OpaquePointer?, Output, UInt32) -> OpaquePointer?
        let executeRealForward: @Sendable (OpaquePointer?, Output, OpaquePointer?) -> Void
        let executeRealInverse: @Sendable (OpaquePointer?, OpaquePointer?, Output) -> Void
        let destroyPlan: @Sendable (OpaquePointer?) -> Void
    }
}
