@_exported import RealModule

/// The scalar types KronKit computes with: `Float` and `Double`.
///
/// Refines swift-numerics' `Real`, so generic code has `Scalar.log`, `.exp`, `.sqrt`, `.pow`.
///
/// Every kernel in KronKit is generic over this protocol. Its static
/// requirements are thin bridges to the single- or double-precision routine of
/// CBLAS (OpenBLAS), LAPACKE and FFTW, so generic code calls `Scalar.gemm(…)`
/// and gets `cblas_sgemm` or `cblas_dgemm`. All matrices are column-major with
/// an explicit leading dimension, exactly as the reference BLAS expects.
///
/// The requirements are deliberately low level (pointers, leading dimensions,
/// LAPACK `info` codes); the safe, throwing API lives on ``Matrix``.
/// LAPACK routines return `info` unchanged: `0` on success, `< 0` for an
/// illegal argument, `> 0` for a routine-specific failure.
public protocol LinearAlgebraScalar: Real, BinaryFloatingPoint, Codable, Sendable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    /// The BLAS/LAPACK precision letter, `"s"` or `"d"`, used in routine names of errors.
    static var routinePrefix: String { get }
    /// The NumPy dtype descriptor of this type in little-endian order (`"<f4"`, `"<f8"`).
    static var numpyDescriptor: String { get }

    // MARK: BLAS level 1

    /// `y ← αx + y` (`?axpy`).
    static func axpy(count: Int, alpha: Self, x: UnsafePointer<Self>, strideX: Int,
                     y: UnsafeMutablePointer<Self>, strideY: Int)
    /// `x ← αx` (`?scal`).
    static func scal(count: Int, alpha: Self, x: UnsafeMutablePointer<Self>, strideX: Int)
    /// `xᵀy` (`?dot`).
    static func dot(count: Int, x: UnsafePointer<Self>, strideX: Int,
                    y: UnsafePointer<Self>, strideY: Int) -> Self
    /// `‖x‖₂` without overflow (`?nrm2`).
    static func nrm2(count: Int, x: UnsafePointer<Self>, strideX: Int) -> Self

    // MARK: BLAS level 2 and 3

    /// `y ← α·op(A)·x + βy` with `A` of size `rows × columns` (`?gemv`).
    static func gemv(transpose: Transpose, rows: Int, columns: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, x: UnsafePointer<Self>, strideX: Int,
                     beta: Self, y: UnsafeMutablePointer<Self>, strideY: Int)
    /// `C ← α·op(A)·op(B) + βC`, `C` of size `m × n`, inner dimension `k` (`?gemm`).
    static func gemm(transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
                     alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// `C ← α·op(A)·op(A)ᵀ + βC` on one triangle of the `n × n` matrix `C` (`?syrk`).
    static func syrk(triangle: Triangle, transpose: Transpose, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// `B ← α·op(A)⁻¹·B` or `B ← α·B·op(A)⁻¹` with triangular `A` (`?trsm`).
    static func trsm(side: Side, triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind,
                     m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     b: UnsafeMutablePointer<Self>, ldb: Int)
    /// `B ← α·op(A)·B` or `B ← α·B·op(A)` with triangular `A` (`?trmm`).
    static func trmm(side: Side, triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind,
                     m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     b: UnsafeMutablePointer<Self>, ldb: Int)

    // MARK: LAPACK

    /// Cholesky factorisation of one triangle of an SPD matrix, in place (`?potrf`).
    static func potrf(triangle: Triangle, n: Int, a: UnsafeMutablePointer<Self>, lda: Int) -> Int
    /// Solve `A X = B` from a Cholesky factor (`?potrs`).
    static func potrs(triangle: Triangle, n: Int, rightHandSides: Int, a: UnsafePointer<Self>, lda: Int,
                      b: UnsafeMutablePointer<Self>, ldb: Int) -> Int
    /// Householder QR, `R` above the diagonal and reflectors below (`?geqrf`).
    static func geqrf(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                      tau: UnsafeMutablePointer<Self>) -> Int
    /// Forms the first `n` columns of `Q` from `k` reflectors (`?orgqr`).
    static func orgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                      tau: UnsafePointer<Self>) -> Int
    /// QR factorization with column pivoting `A·P = Q·R` (`?geqp3`): `|R₁₁| ≥ |R₂₂| ≥ …`, so the
    /// leading diagonal reveals the numerical rank. `pivots` (`n`, 1-based on exit) gives `P`:
    /// column `j` of `A·P` is column `pivots[j] − 1` of `A`; pass zeros to let every column move.
    static func geqp3(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int, pivots: UnsafeMutablePointer<Int32>,
                      tau: UnsafeMutablePointer<Self>) -> Int
    /// Triangular solve with singularity check (`?trtrs`).
    static func trtrs(triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind, n: Int,
                      rightHandSides: Int, a: UnsafePointer<Self>, lda: Int,
                      b: UnsafeMutablePointer<Self>, ldb: Int) -> Int
    /// Thin SVD by divide and conquer, `jobz = 'S'` or `'N'` (`?gesdd`); destroys `a`.
    static func gesdd(computeVectors: Bool, m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                      singularValues: UnsafeMutablePointer<Self>, u: UnsafeMutablePointer<Self>?, ldu: Int,
                      vt: UnsafeMutablePointer<Self>?, ldvt: Int) -> Int
    /// LU factorisation with partial pivoting (`?getrf`); pivots are 1-based.
    static func getrf(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                      pivots: UnsafeMutablePointer<Int32>) -> Int
    /// Solve with an LU factorisation (`?getrs`).
    static func getrs(transpose: Transpose, n: Int, rightHandSides: Int, a: UnsafePointer<Self>, lda: Int,
                      pivots: UnsafePointer<Int32>, b: UnsafeMutablePointer<Self>, ldb: Int) -> Int
    /// Symmetric EVD by divide and conquer (`?syevd`): ascending eigenvalues in `w`,
    /// eigenvectors overwrite `a` when `computeVectors`.
    static func syevd(computeVectors: Bool, triangle: Triangle, n: Int, a: UnsafeMutablePointer<Self>,
                      lda: Int, eigenvalues: UnsafeMutablePointer<Self>) -> Int
    /// Symmetric EVD by relatively robust representations (`?syevr`), optionally of a
    /// selection; the number found is written to `found`. `a` is destroyed. `support`
    /// needs `2·max(1, n)` entries.
    static func syevr(computeVectors: Bool, selection: EigenvalueSelection<Self>, triangle: Triangle,
                      n: Int, a: UnsafeMutablePointer<Self>, lda: Int, absoluteTolerance: Self,
                      found: inout Int, eigenvalues: UnsafeMutablePointer<Self>,
                      z: UnsafeMutablePointer<Self>?, ldz: Int, support: UnsafeMutablePointer<Int32>) -> Int
    /// Householder reduction of a symmetric matrix to tridiagonal form `Qᵀ·M·Q = T`
    /// (`?sytrd`): the diagonal of `T` in `diagonal` (`n`), its off-diagonal in
    /// `offDiagonal` (`n − 1`), the reflectors of `Q` in the `triangle` of `a` and `tau` (`n − 1`).
    static func sytrd(triangle: Triangle, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                      diagonal: UnsafeMutablePointer<Self>, offDiagonal: UnsafeMutablePointer<Self>,
                      tau: UnsafeMutablePointer<Self>) -> Int
    /// Eigenvectors of a symmetric tridiagonal matrix for given eigenvalues by inverse
    /// iteration (`?stein`). `blocks` (1-based, per eigenvalue) and `splits` (1-based last row
    /// of each block) are in `?stebz`'s format; eigenvalues are grouped by block, ascending
    /// within one. `failures` needs `count` entries.
    static func stein(n: Int, diagonal: UnsafePointer<Self>, offDiagonal: UnsafePointer<Self>, count: Int,
                      eigenvalues: UnsafePointer<Self>, blocks: UnsafePointer<Int32>, splits: UnsafePointer<Int32>,
                      z: UnsafeMutablePointer<Self>, ldz: Int, failures: UnsafeMutablePointer<Int32>) -> Int
    /// `C ← Q·C` with the `n × n` orthogonal `Q` of a ``sytrd(triangle:n:a:lda:diagonal:offDiagonal:tau:)``
    /// reduction and `C` of size `n × columns` (`?ormtr`, side left, no transpose).
    static func ormtr(triangle: Triangle, n: Int, columns: Int, a: UnsafePointer<Self>, lda: Int,
                      tau: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>, ldc: Int) -> Int

    // MARK: FFTW

    /// Plans a real-to-complex transform of length `n` from `input` to the
    /// `n/2 + 1` interleaved complex values at `output` (`fftw(f)_plan_dft_r2c_1d`).
    /// Callers serialise planning (FFTW's planner is not thread-safe), as ``RealFourierTransform`` does.
    static func makeRealForwardPlan(count: Int, input: UnsafeMutablePointer<Self>,
                                    output: UnsafeMutableRawPointer) -> OpaquePointer?
    /// Plans the inverse complex-to-real transform (unnormalised, destroys its input).
    static func makeRealInversePlan(count: Int, input: UnsafeMutableRawPointer,
                                    output: UnsafeMutablePointer<Self>) -> OpaquePointer?
    /// Runs a plan on new arrays of the planned size and alignment (`fftw(f)_execute_dft_r2c`).
    static func executeRealForward(plan: OpaquePointer, input: UnsafeMutablePointer<Self>,
                                   output: UnsafeMutableRawPointer)
    /// Runs an inverse plan on new arrays (`fftw(f)_execute_dft_c2r`).
    static func executeRealInverse(plan: OpaquePointer, input: UnsafeMutableRawPointer,
                                   output: UnsafeMutablePointer<Self>)
    /// Frees a plan (`fftw(f)_destroy_plan`).
    static func destroyPlan(_ plan: OpaquePointer)

    // MARK: LAPACK norms and condition estimates

    /// The 1-norm `max_j Σ_i |a_ij|` of the `m × n` matrix `a` (`?lange`, norm `'1'`).
    static func lange(m: Int, n: Int, a: UnsafePointer<Self>, lda: Int) -> Self
    /// The 1-norm of the symmetric `n × n` matrix stored in one `triangle` of `a` (`?lansy`, norm `'1'`).
    static func lansy(triangle: Triangle, n: Int, a: UnsafePointer<Self>, lda: Int) -> Self
    /// An estimate of the reciprocal 1-norm condition number `1/(‖A‖₁·‖A⁻¹‖₁)` from the LU
    /// factors of `?getrf` and `‖A‖₁` (`?gecon`, Higham's estimator): written to `reciprocalCondition`.
    static func gecon(n: Int, a: UnsafePointer<Self>, lda: Int, oneNorm: Self, reciprocalCondition: inout Self) -> Int
    /// The same estimate from a Cholesky factor of `?potrf` in `triangle` (`?pocon`).
    static func pocon(triangle: Triangle, n: Int, a: UnsafePointer<Self>, lda: Int, oneNorm: Self,
                      reciprocalCondition: inout Self) -> Int
}
