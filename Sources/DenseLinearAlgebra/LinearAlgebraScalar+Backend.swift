import CLinearAlgebra

// The bridge to C, written once for both precisions: each routine narrows its sizes to BLAS's
// 32-bit `int` (a typed error, not a trap, when one does not fit), maps KronKit's enumerations to
// CBLAS enumerations and LAPACK letters (`_CEnumerations.swift`), sizes LAPACK workspaces
// (`_WorkspaceQuery.swift`) and calls the precision's C routine from `Scalar.backend` under the
// one OpenBLAS/LAPACK lock (`_SerializedBackendCalls.swift`). FFTW execution is thread-safe and
// runs unlocked; planning is serialised by `RealFourierTransform`.

/// Narrows the sizes of one call to C `int`, naming the routine (`"dgemm"`) and the argument in
/// the error; the routine's name is formed only when a size does not fit.
@usableFromInline
struct BackendIndices<Scalar: LinearAlgebraScalar> {
    @usableFromInline let routine: StaticString

    @usableFromInline init(_ routine: StaticString) { self.routine = routine }

    /// `value` as `Int32`.
    /// - Throws: ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)`` when it does not fit.
    @usableFromInline
    func callAsFunction(_ value: Int, _ argument: StaticString) throws -> Int32 {
        guard let narrowed = Int32(exactly: value) else {
            throw LinearAlgebraError.exceedsIndexRange(operation: "\(Scalar.routinePrefix)\(routine)",
                                                       argument: "\(argument)", value: value)
        }
        return narrowed
    }
}

/// Runs a bridge call whose sizes the caller has proven to fit — a ``Matrix``'s element count
/// (``SizePolicy`` rule 3) or an array piece of `forEachBLASPiece` — from an API that does not
/// throw. A failure is a KronKit bug and stops the program with the error's message.
@inlinable
func withinIndexRange<Result>(_ call: () throws -> Result) -> Result {
    do { return try call() } catch { fatalError("KronKit: a size proven to fit BLAS's index range did not: \(error)") }
}

extension LinearAlgebraScalar {
    // MARK: BLAS level 1

    /// `y ← αx + y` (`?axpy`).
    /// - Throws: ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)`` for a count or stride beyond `Int32`.
    @inlinable
    public static func axpy(count: Int, alpha: Self, x: UnsafePointer<Self>, strideX: Int,
                            y: UnsafeMutablePointer<Self>, strideY: Int) throws {
        let i = BackendIndices<Self>("axpy")
        let (n, incx, incy) = (try i(count, "n"), try i(strideX, "incx"), try i(strideY, "incy"))
        serializedBackendCall { backend.routines.axpy(n, alpha, x, incx, y, incy) }
    }

    /// `x ← αx` (`?scal`).
    /// - Throws: as ``axpy(count:alpha:x:strideX:y:strideY:)``.
    @inlinable
    public static func scal(count: Int, alpha: Self, x: UnsafeMutablePointer<Self>, strideX: Int) throws {
        let i = BackendIndices<Self>("scal")
        let (n, incx) = (try i(count, "n"), try i(strideX, "incx"))
        serializedBackendCall { backend.routines.scal(n, alpha, x, incx) }
    }

    /// `xᵀy` (`?dot`).
    /// - Throws: as ``axpy(count:alpha:x:strideX:y:strideY:)``.
    @inlinable
    public static func dot(count: Int, x: UnsafePointer<Self>, strideX: Int,
                           y: UnsafePointer<Self>, strideY: Int) throws -> Self {
        let i = BackendIndices<Self>("dot")
        let (n, incx, incy) = (try i(count, "n"), try i(strideX, "incx"), try i(strideY, "incy"))
        return serializedBackendCall { backend.routines.dot(n, x, incx, y, incy) }
    }

    /// `‖x‖₂` without overflow (`?nrm2`).
    /// - Throws: as ``axpy(count:alpha:x:strideX:y:strideY:)``.
    @inlinable
    public static func nrm2(count: Int, x: UnsafePointer<Self>, strideX: Int) throws -> Self {
        let i = BackendIndices<Self>("nrm2")
        let (n, incx) = (try i(count, "n"), try i(strideX, "incx"))
        return serializedBackendCall { backend.routines.nrm2(n, x, incx) }
    }

    // MARK: BLAS level 2 and 3

    /// `y ← α·op(A)·x + βy` with `A` of size `rows × columns` (`?gemv`).
    /// - Throws: ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)`` for a size beyond `Int32`.
    @inlinable
    public static func gemv(transpose: Transpose, rows: Int, columns: Int, alpha: Self,
                            a: UnsafePointer<Self>, lda: Int, x: UnsafePointer<Self>, strideX: Int,
                            beta: Self, y: UnsafeMutablePointer<Self>, strideY: Int) throws {
        let i = BackendIndices<Self>("gemv")
        let (m, n, lda, incx, incy) = (try i(rows, "m"), try i(columns, "n"), try i(lda, "lda"), try i(strideX, "incx"),
                                       try i(strideY, "incy"))
        serializedBackendCall { backend.routines.gemv(CblasColMajor, transpose.cblas, m, n, alpha, a, lda, x, incx, beta, y, incy) }
    }

    /// `C ← α·op(A)·op(B) + βC`, `C` of size `m × n`, inner dimension `k` (`?gemm`).
    /// - Throws: as ``gemv(transpose:rows:columns:alpha:a:lda:x:strideX:beta:y:strideY:)``.
    @inlinable
    public static func gemm(transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                            beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int) throws {
        let i = BackendIndices<Self>("gemm")
        let (m, n, k) = (try i(m, "m"), try i(n, "n"), try i(k, "k"))
        let (lda, ldb, ldc) = (try i(lda, "lda"), try i(ldb, "ldb"), try i(ldc, "ldc"))
        serializedBackendCall {
            backend.routines.gemm(CblasColMajor, transposeA.cblas, transposeB.cblas, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        }
    }

    /// `C ← α·op(A)·op(A)ᵀ + βC` on one triangle of the `n × n` matrix `C` (`?syrk`).
    /// - Throws: as ``gemv(transpose:rows:columns:alpha:a:lda:x:strideX:beta:y:strideY:)``.
    @inlinable
    public static func syrk(triangle: Triangle, transpose: Transpose, n: Int, k: Int, alpha: Self,
                            a: UnsafePointer<Self>, lda: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int) throws {
        let i = BackendIndices<Self>("syrk")
        let (n, k, lda, ldc) = (try i(n, "n"), try i(k, "k"), try i(lda, "lda"), try i(ldc, "ldc"))
        serializedBackendCall {
            backend.routines.syrk(CblasColMajor, triangle.cblas, transpose.cblas, n, k, alpha, a, lda, beta, c, ldc)
        }
    }

    /// `B ← α·op(A)⁻¹·B` or `B ← α·B·op(A)⁻¹` with triangular `A` (`?trsm`).
    /// - Throws: as ``gemv(transpose:rows:columns:alpha:a:lda:x:strideX:beta:y:strideY:)``.
    @inlinable
    public static func trsm(side: Side, triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind,
                            m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                            b: UnsafeMutablePointer<Self>, ldb: Int) throws {
        try triangular(backend.routines.trsm, "trsm", side, triangle, transpose, diagonal, m, n, alpha, a, lda, b, ldb)
    }

    /// `B ← α·op(A)·B` or `B ← α·B·op(A)` with triangular `A` (`?trmm`).
    /// - Throws: as ``gemv(transpose:rows:columns:alpha:a:lda:x:strideX:beta:y:strideY:)``.
    @inlinable
    public static func trmm(side: Side, triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind,
                            m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
                            b: UnsafeMutablePointer<Self>, ldb: Int) throws {
        try triangular(backend.routines.trmm, "trmm", side, triangle, transpose, diagonal, m, n, alpha, a, lda, b, ldb)
    }

    /// The call shared by `?trsm` and `?trmm`, which have one signature.
    @inlinable
    static func triangular(
        _ routine: (CBLAS_ORDER, CBLAS_SIDE, CBLAS_UPLO, CBLAS_TRANSPOSE, CBLAS_DIAG, Int32, Int32, Self,
                    UnsafePointer<Self>?, Int32, UnsafeMutablePointer<Self>?, Int32) -> Void,
        _ name: StaticString, _ side: Side, _ triangle: Triangle, _ transpose: Transpose, _ diagonal: DiagonalKind,
        _ m: Int, _ n: Int, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafeMutablePointer<Self>, _ ldb: Int
    ) throws {
        let i = BackendIndices<Self>(name)
        let (m, n, lda, ldb) = (try i(m, "m"), try i(n, "n"), try i(lda, "lda"), try i(ldb, "ldb"))
        serializedBackendCall {
            routine(CblasColMajor, side.cblas, triangle.cblas, transpose.cblas, diagonal.cblas, m, n, alpha, a, lda, b, ldb)
        }
    }

    // MARK: LAPACK

    /// Cholesky factorisation of one triangle of an SPD matrix, in place (`?potrf`).
    /// - Throws: ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)`` for a size beyond `Int32`.
    @inlinable
    public static func potrf(triangle: Triangle, n: Int, a: UnsafeMutablePointer<Self>, lda: Int) throws -> Int {
        let i = BackendIndices<Self>("potrf")
        let (n, lda) = (try i(n, "n"), try i(lda, "lda"))
        return Int(serializedBackendCall { backend.routines.potrf(columnMajor, triangle.lapack, n, a, lda) })
    }

    /// Solve `A X = B` from a Cholesky factor (`?potrs`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func potrs(triangle: Triangle, n: Int, rightHandSides: Int, a: UnsafePointer<Self>, lda: Int,
                             b: UnsafeMutablePointer<Self>, ldb: Int) throws -> Int {
        let i = BackendIndices<Self>("potrs")
        let (n, nrhs, lda, ldb) = (try i(n, "n"), try i(rightHandSides, "nrhs"), try i(lda, "lda"), try i(ldb, "ldb"))
        return Int(serializedBackendCall { backend.routines.potrs(columnMajor, triangle.lapack, n, nrhs, a, lda, b, ldb) })
    }

    /// The inverse of an SPD matrix from its Cholesky factor in `triangle`, written over that
    /// triangle (`?potri`: `L⁻¹` by `?trtri`, then `L⁻ᵀ·L⁻¹` by `?lauum`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func potri(triangle: Triangle, n: Int, a: UnsafeMutablePointer<Self>, lda: Int) throws -> Int {
        let i = BackendIndices<Self>("potri")
        let (n, lda) = (try i(n, "n"), try i(lda, "lda"))
        return Int(serializedBackendCall { backend.routines.potri(columnMajor, triangle.lapack, n, a, lda) })
    }

    /// Householder QR, `R` above the diagonal and reflectors below (`?geqrf`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func geqrf(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                             tau: UnsafeMutablePointer<Self>) throws -> Int {
        let i = BackendIndices<Self>("geqrf")
        let (m, n, lda) = (try i(m, "m"), try i(n, "n"), try i(lda, "lda"))
        return serializedBackendCall {
            withQueriedWorkspace { work, lwork in backend.routines.geqrf(columnMajor, m, n, a, lda, tau, work, lwork) }
        }
    }

    /// Forms the first `n` columns of `Q` from `k` reflectors (`?orgqr`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func orgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                             tau: UnsafePointer<Self>) throws -> Int {
        let i = BackendIndices<Self>("orgqr")
        let (m, n, k, lda) = (try i(m, "m"), try i(n, "n"), try i(k, "k"), try i(lda, "lda"))
        return serializedBackendCall {
            withQueriedWorkspace { work, lwork in backend.routines.orgqr(columnMajor, m, n, k, a, lda, tau, work, lwork) }
        }
    }

    /// QR factorization with column pivoting `A·P = Q·R` (`?geqp3`): `|R₁₁| ≥ |R₂₂| ≥ …`, so the
    /// leading diagonal reveals the numerical rank. `pivots` (`n`, 1-based on exit) gives `P`:
    /// column `j` of `A·P` is column `pivots[j] − 1` of `A`; pass zeros to let every column move.
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func geqp3(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                             pivots: UnsafeMutablePointer<Int32>, tau: UnsafeMutablePointer<Self>) throws -> Int {
        let i = BackendIndices<Self>("geqp3")
        let (m, n, lda) = (try i(m, "m"), try i(n, "n"), try i(lda, "lda"))
        return serializedBackendCall {
            withQueriedWorkspace { work, lwork in backend.routines.geqp3(columnMajor, m, n, a, lda, pivots, tau, work, lwork) }
        }
    }

    /// Triangular solve with singularity check (`?trtrs`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func trtrs(triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind, n: Int,
                             rightHandSides: Int, a: UnsafePointer<Self>, lda: Int,
                             b: UnsafeMutablePointer<Self>, ldb: Int) throws -> Int {
        let i = BackendIndices<Self>("trtrs")
        let (n, nrhs, lda, ldb) = (try i(n, "n"), try i(rightHandSides, "nrhs"), try i(lda, "lda"), try i(ldb, "ldb"))
        return Int(serializedBackendCall {
            backend.routines.trtrs(columnMajor, triangle.lapack, transpose.lapack, diagonal.lapack, n, nrhs, a, lda, b, ldb)
        })
    }

    /// Thin SVD by divide and conquer, `jobz = 'S'` or `'N'` (`?gesdd`); destroys `a`.
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func gesdd(computeVectors: Bool, m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                             singularValues: UnsafeMutablePointer<Self>, u: UnsafeMutablePointer<Self>?, ldu: Int,
                             vt: UnsafeMutablePointer<Self>?, ldvt: Int) throws -> Int {
        let i = BackendIndices<Self>("gesdd")
        let (m32, n32, lda, ldu, ldvt) = (try i(m, "m"), try i(n, "n"), try i(lda, "lda"), try i(ldu, "ldu"),
                                          try i(ldvt, "ldvt"))
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, 8 * Swift.min(m, n)))
        return serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                backend.routines.gesdd(columnMajor, lapackSVDJob(computeVectors), m32, n32, a, lda, singularValues, u, ldu, vt,
                              ldvt, work, lwork, &integerWork)
            }
        }
    }

    /// LU factorisation with partial pivoting (`?getrf`); pivots are 1-based.
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func getrf(m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                             pivots: UnsafeMutablePointer<Int32>) throws -> Int {
        let i = BackendIndices<Self>("getrf")
        let (m, n, lda) = (try i(m, "m"), try i(n, "n"), try i(lda, "lda"))
        return Int(serializedBackendCall { backend.routines.getrf(columnMajor, m, n, a, lda, pivots) })
    }

    /// Solve with an LU factorisation (`?getrs`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func getrs(transpose: Transpose, n: Int, rightHandSides: Int, a: UnsafePointer<Self>, lda: Int,
                             pivots: UnsafePointer<Int32>, b: UnsafeMutablePointer<Self>, ldb: Int) throws -> Int {
        let i = BackendIndices<Self>("getrs")
        let (n, nrhs, lda, ldb) = (try i(n, "n"), try i(rightHandSides, "nrhs"), try i(lda, "lda"), try i(ldb, "ldb"))
        return Int(serializedBackendCall {
            backend.routines.getrs(columnMajor, transpose.lapack, n, nrhs, a, lda, pivots, b, ldb)
        })
    }

    /// Symmetric EVD by divide and conquer (`?syevd`): ascending eigenvalues in `w`,
    /// eigenvectors overwrite `a` when `computeVectors`.
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func syevd(computeVectors: Bool, triangle: Triangle, n: Int, a: UnsafeMutablePointer<Self>,
                             lda: Int, eigenvalues: UnsafeMutablePointer<Self>) throws -> Int {
        let i = BackendIndices<Self>("syevd")
        let (n, lda) = (try i(n, "n"), try i(lda, "lda"))
        return serializedBackendCall {
            withQueriedWorkspaces { work, lwork, integerWork, integerLength in
                backend.routines.syevd(columnMajor, lapackJob(computeVectors), triangle.lapack, n, a, lda, eigenvalues,
                              work, lwork, integerWork, integerLength)
            }
        }
    }

    /// Symmetric EVD by relatively robust representations (`?syevr`), optionally of a
    /// selection; the number found is written to `found`. `a` is destroyed. `support`
    /// needs `2·max(1, n)` entries.
    /// - Throws: as ``potrf(triangle:n:a:lda:)``, also for a selected index beyond `Int32`.
    @inlinable
    public static func syevr(computeVectors: Bool, selection: EigenvalueSelection<Self>, triangle: Triangle,
                             n: Int, a: UnsafeMutablePointer<Self>, lda: Int, absoluteTolerance: Self,
                             found: inout Int, eigenvalues: UnsafeMutablePointer<Self>,
                             z: UnsafeMutablePointer<Self>?, ldz: Int, support: UnsafeMutablePointer<Int32>) throws -> Int {
        let i = BackendIndices<Self>("syevr")
        let (n, lda, ldz) = (try i(n, "n"), try i(lda, "lda"), try i(ldz, "ldz"))
        let range = try lapackRange(selection, zero: Self(0), narrowing: i)
        var count: Int32 = 0
        let info = serializedBackendCall {
            withQueriedWorkspaces { work, lwork, integerWork, integerLength in
                backend.routines.syevr(columnMajor, lapackJob(computeVectors), range.range, triangle.lapack, n, a, lda,
                              range.lower, range.upper, range.first, range.last, absoluteTolerance, &count,
                              eigenvalues, z, ldz, support, work, lwork, integerWork, integerLength)
            }
        }
        found = Int(count)
        return info
    }

    /// Householder reduction of a symmetric matrix to tridiagonal form `Qᵀ·M·Q = T`
    /// (`?sytrd`): the diagonal of `T` in `diagonal` (`n`), its off-diagonal in
    /// `offDiagonal` (`n − 1`), the reflectors of `Q` in the `triangle` of `a` and `tau` (`n − 1`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func sytrd(triangle: Triangle, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
                             diagonal: UnsafeMutablePointer<Self>, offDiagonal: UnsafeMutablePointer<Self>,
                             tau: UnsafeMutablePointer<Self>) throws -> Int {
        let i = BackendIndices<Self>("sytrd")
        let (n, lda) = (try i(n, "n"), try i(lda, "lda"))
        return serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                backend.routines.sytrd(columnMajor, triangle.lapack, n, a, lda, diagonal, offDiagonal, tau, work, lwork)
            }
        }
    }

    /// Eigenvectors of a symmetric tridiagonal matrix for given eigenvalues by inverse
    /// iteration (`?stein`). `blocks` (1-based, per eigenvalue) and `splits` (1-based last row
    /// of each block) are in `?stebz`'s format; eigenvalues are grouped by block, ascending
    /// within one. `failures` needs `count` entries.
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func stein(n: Int, diagonal: UnsafePointer<Self>, offDiagonal: UnsafePointer<Self>, count: Int,
                             eigenvalues: UnsafePointer<Self>, blocks: UnsafePointer<Int32>,
                             splits: UnsafePointer<Int32>, z: UnsafeMutablePointer<Self>, ldz: Int,
                             failures: UnsafeMutablePointer<Int32>) throws -> Int {
        let i = BackendIndices<Self>("stein")
        let (n32, m, ldz) = (try i(n, "n"), try i(count, "m"), try i(ldz, "ldz"))
        // The `_work` form: the high-level one NaN-checks `n` eigenvalues where `count` are given.
        var work = [Self](repeating: 0, count: 5 * n)
        var integerWork = [Int32](repeating: 0, count: n)
        return Int(serializedBackendCall {
            backend.routines.stein(columnMajor, n32, diagonal, offDiagonal, m, eigenvalues, blocks, splits, z, ldz, &work,
                          &integerWork, failures)
        })
    }

    /// `C ← Q·C` with the `n × n` orthogonal `Q` of a ``sytrd(triangle:n:a:lda:diagonal:offDiagonal:tau:)``
    /// reduction and `C` of size `n × columns` (`?ormtr`, side left, no transpose).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func ormtr(triangle: Triangle, n: Int, columns: Int, a: UnsafePointer<Self>, lda: Int,
                             tau: UnsafePointer<Self>, c: UnsafeMutablePointer<Self>, ldc: Int) throws -> Int {
        let i = BackendIndices<Self>("ormtr")
        let (n, columns, lda, ldc) = (try i(n, "m"), try i(columns, "n"), try i(lda, "lda"), try i(ldc, "ldc"))
        let (side, noTranspose) = (CChar(UInt8(ascii: "L")), Transpose.none.lapack)
        return serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                backend.routines.ormtr(columnMajor, side, triangle.lapack, noTranspose, n, columns, a, lda, tau, c, ldc, work, lwork)
            }
        }
    }

    // MARK: LAPACK norms and condition estimates

    /// The 1-norm `max_j Σ_i |a_ij|` of the `m × n` matrix `a` (`?lange`, norm `'1'`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func lange(m: Int, n: Int, a: UnsafePointer<Self>, lda: Int) throws -> Self {
        let i = BackendIndices<Self>("lange")
        let (m, n, lda) = (try i(m, "m"), try i(n, "n"), try i(lda, "lda"))
        // Norm '1' reads no workspace (only 'I' does).
        var work: Self = 0
        return serializedBackendCall { backend.routines.lange(columnMajor, oneNorm, m, n, a, lda, &work) }
    }

    /// The 1-norm of the symmetric `n × n` matrix stored in one `triangle` of `a` (`?lansy`, norm `'1'`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func lansy(triangle: Triangle, n: Int, a: UnsafePointer<Self>, lda: Int) throws -> Self {
        let i = BackendIndices<Self>("lansy")
        let (n32, lda) = (try i(n, "n"), try i(lda, "lda"))
        var work = [Self](repeating: 0, count: Swift.max(1, n))
        return serializedBackendCall { backend.routines.lansy(columnMajor, oneNorm, triangle.lapack, n32, a, lda, &work) }
    }

    /// An estimate of the reciprocal 1-norm condition number `1/(‖A‖₁·‖A⁻¹‖₁)` from the LU
    /// factors of `?getrf` and `‖A‖₁` (`?gecon`, Higham's estimator): written to `reciprocalCondition`.
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func gecon(n: Int, a: UnsafePointer<Self>, lda: Int, oneNorm norm: Self,
                             reciprocalCondition: inout Self) throws -> Int {
        let i = BackendIndices<Self>("gecon")
        let (n32, lda) = (try i(n, "n"), try i(lda, "lda"))
        var work = [Self](repeating: 0, count: Swift.max(1, 4 * n))
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, n))
        return Int(serializedBackendCall {
            backend.routines.gecon(columnMajor, oneNorm, n32, a, lda, norm, &reciprocalCondition, &work, &integerWork)
        })
    }

    /// The same estimate from a Cholesky factor of `?potrf` in `triangle` (`?pocon`).
    /// - Throws: as ``potrf(triangle:n:a:lda:)``.
    @inlinable
    public static func pocon(triangle: Triangle, n: Int, a: UnsafePointer<Self>, lda: Int, oneNorm norm: Self,
                             reciprocalCondition: inout Self) throws -> Int {
        let i = BackendIndices<Self>("pocon")
        let (n32, lda) = (try i(n, "n"), try i(lda, "lda"))
        var work = [Self](repeating: 0, count: Swift.max(1, 3 * n))
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, n))
        return Int(serializedBackendCall {
            backend.routines.pocon(columnMajor, triangle.lapack, n32, a, lda, norm, &reciprocalCondition, &work, &integerWork)
        })
    }

    // MARK: FFTW

    /// Plans a real-to-complex transform of length `n` from `input` to the
    /// `n/2 + 1` interleaved complex values at `output` (`fftw(f)_plan_dft_r2c_1d`, `FFTW_ESTIMATE`).
    /// Callers serialise planning (FFTW's planner is not thread-safe), as ``RealFourierTransform`` does.
    /// - Throws: ``LinearAlgebraError/exceedsIndexRange(operation:argument:value:)`` for a length beyond `Int32`.
    @inlinable
    public static func makeRealForwardPlan(count: Int, input: UnsafeMutablePointer<Self>,
                                           output: UnsafeMutableRawPointer) throws -> OpaquePointer? {
        let n = try BackendIndices<Self>("fft plan")(count, "n")
        return backend.routines.planRealForward(n, input, OpaquePointer(output), UInt32(FFTW_ESTIMATE))
    }

    /// Plans the inverse complex-to-real transform (unnormalised, destroys its input).
    /// - Throws: as ``makeRealForwardPlan(count:input:output:)``.
    @inlinable
    public static func makeRealInversePlan(count: Int, input: UnsafeMutableRawPointer,
                                           output: UnsafeMutablePointer<Self>) throws -> OpaquePointer? {
        let n = try BackendIndices<Self>("fft plan")(count, "n")
        return backend.routines.planRealInverse(n, OpaquePointer(input), output, UInt32(FFTW_ESTIMATE))
    }

    /// Runs a plan on new arrays of the planned size and alignment (`fftw(f)_execute_dft_r2c`).
    @inlinable
    public static func executeRealForward(plan: OpaquePointer, input: UnsafeMutablePointer<Self>,
                                          output: UnsafeMutableRawPointer) {
        backend.routines.executeRealForward(plan, input, OpaquePointer(output))
    }

    /// Runs an inverse plan on new arrays (`fftw(f)_execute_dft_c2r`).
    @inlinable
    public static func executeRealInverse(plan: OpaquePointer, input: UnsafeMutableRawPointer,
                                          output: UnsafeMutablePointer<Self>) {
        backend.routines.executeRealInverse(plan, OpaquePointer(input), output)
    }

    /// Frees a plan (`fftw(f)_destroy_plan`).
    @inlinable
    public static func destroyPlan(_ plan: OpaquePointer) {
        backend.routines.destroyPlan(plan)
    }
}
