import CLinearAlgebra

// The Double bridge: each requirement of `LinearAlgebraScalar` forwards to the
// `d`-prefixed CBLAS/LAPACKE routine or the `fftw_` FFTW routine.
// LAPACK routines run in their `_work` forms: callers have validated the input
// (LAPACKE's own NaN checks would be another pass over it), and workspaces are sized
// by `withQueriedWorkspace`, which rounds single-precision queries up (`_WorkspaceQuery.swift`).
extension Double: LinearAlgebraScalar {
    public static var routinePrefix: String { "d" }
    public static var numpyDescriptor: String { "<f8" }

    public static func axpy(count: Int, alpha: Double, x: UnsafePointer<Double>, strideX: Int,
                            y: UnsafeMutablePointer<Double>, strideY: Int) {
        serializedBackendCall {
            cblas_daxpy(Int32(count), alpha, x, Int32(strideX), y, Int32(strideY))
        }
    }

    public static func scal(count: Int, alpha: Double, x: UnsafeMutablePointer<Double>, strideX: Int) {
        serializedBackendCall {
            cblas_dscal(Int32(count), alpha, x, Int32(strideX))
        }
    }

    public static func dot(count: Int, x: UnsafePointer<Double>, strideX: Int,
                           y: UnsafePointer<Double>, strideY: Int) -> Double {
        serializedBackendCall {
            cblas_ddot(Int32(count), x, Int32(strideX), y, Int32(strideY))
        }
    }

    public static func nrm2(count: Int, x: UnsafePointer<Double>, strideX: Int) -> Double {
        serializedBackendCall {
            cblas_dnrm2(Int32(count), x, Int32(strideX))
        }
    }

    public static func gemv(transpose: Transpose, rows: Int, columns: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, x: UnsafePointer<Double>, strideX: Int,
                            beta: Double, y: UnsafeMutablePointer<Double>, strideY: Int) {
        serializedBackendCall {
            cblas_dgemv(CblasColMajor, transpose.cblas, Int32(rows), Int32(columns), alpha, a, Int32(lda),
                        x, Int32(strideX), beta, y, Int32(strideY))
        }
    }

    public static func gemm(transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        serializedBackendCall {
            cblas_dgemm(CblasColMajor, transposeA.cblas, transposeB.cblas, Int32(m), Int32(n), Int32(k),
                        alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }

    public static func syrk(triangle: Triangle, transpose: Transpose, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        serializedBackendCall {
            cblas_dsyrk(CblasColMajor, triangle.cblas, transpose.cblas, Int32(n), Int32(k),
                        alpha, a, Int32(lda), beta, c, Int32(ldc))
        }
    }

    public static func trsm(side: Side, triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind,
                            m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafeMutablePointer<Double>, ldb: Int) {
        serializedBackendCall {
            cblas_dtrsm(CblasColMajor, side.cblas, triangle.cblas, transpose.cblas, diagonal.cblas,
                        Int32(m), Int32(n), alpha, a, Int32(lda), b, Int32(ldb))
        }
    }

    public static func trmm(side: Side, triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind,
                            m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafeMutablePointer<Double>, ldb: Int) {
        serializedBackendCall {
            cblas_dtrmm(CblasColMajor, side.cblas, triangle.cblas, transpose.cblas, diagonal.cblas,
                        Int32(m), Int32(n), alpha, a, Int32(lda), b, Int32(ldb))
        }
    }

    public static func potrf(triangle: Triangle, n: Int, a: UnsafeMutablePointer<Double>, lda: Int) -> Int {
        serializedBackendCall {
            Int(LAPACKE_dpotrf_work(columnMajor, triangle.lapack, Int32(n), a, Int32(lda)))
        }
    }

    public static func potrs(triangle: Triangle, n: Int, rightHandSides: Int, a: UnsafePointer<Double>, lda: Int,
                             b: UnsafeMutablePointer<Double>, ldb: Int) -> Int {
        serializedBackendCall {
            Int(LAPACKE_dpotrs_work(columnMajor, triangle.lapack, Int32(n), Int32(rightHandSides),
                                     a, Int32(lda), b, Int32(ldb)))
        }
    }

    public static func geqrf(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             tau: UnsafeMutablePointer<Double>) -> Int {
        serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_dgeqrf_work(columnMajor, Int32(m), Int32(n), a, Int32(lda), tau, work, lwork)
            }
        }
    }

    public static func orgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             tau: UnsafePointer<Double>) -> Int {
        serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_dorgqr_work(columnMajor, Int32(m), Int32(n), Int32(k), a, Int32(lda), tau, work, lwork)
            }
        }
    }

    public static func geqp3(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             pivots: UnsafeMutablePointer<Int32>, tau: UnsafeMutablePointer<Double>) -> Int {
        serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_dgeqp3_work(columnMajor, Int32(m), Int32(n), a, Int32(lda), pivots, tau, work, lwork)
            }
        }
    }

    public static func trtrs(triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind, n: Int,
                             rightHandSides: Int, a: UnsafePointer<Double>, lda: Int,
                             b: UnsafeMutablePointer<Double>, ldb: Int) -> Int {
        serializedBackendCall {
            Int(LAPACKE_dtrtrs_work(columnMajor, triangle.lapack, transpose.lapack, diagonal.lapack,
                                     Int32(n), Int32(rightHandSides), a, Int32(lda), b, Int32(ldb)))
        }
    }

    public static func gesdd(computeVectors: Bool, m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             singularValues: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>?, ldu: Int,
                             vt: UnsafeMutablePointer<Double>?, ldvt: Int) -> Int {
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, 8 * Swift.min(m, n)))
        return serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_dgesdd_work(columnMajor, lapackSVDJob(computeVectors), Int32(m), Int32(n), a, Int32(lda),
                                     singularValues, u, Int32(ldu), vt, Int32(ldvt), work, lwork, &integerWork)
            }
        }
    }

    public static func getrf(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             pivots: UnsafeMutablePointer<Int32>) -> Int {
        serializedBackendCall {
            Int(LAPACKE_dgetrf_work(columnMajor, Int32(m), Int32(n), a, Int32(lda), pivots))
        }
    }

    public static func getrs(transpose: Transpose, n: Int, rightHandSides: Int, a: UnsafePointer<Double>, lda: Int,
                             pivots: UnsafePointer<Int32>, b: UnsafeMutablePointer<Double>, ldb: Int) -> Int {
        serializedBackendCall {
            Int(LAPACKE_dgetrs_work(columnMajor, transpose.lapack, Int32(n), Int32(rightHandSides),
                                     a, Int32(lda), pivots, b, Int32(ldb)))
        }
    }

    public static func syevd(computeVectors: Bool, triangle: Triangle, n: Int, a: UnsafeMutablePointer<Double>,
                             lda: Int, eigenvalues: UnsafeMutablePointer<Double>) -> Int {
        serializedBackendCall {
            withQueriedWorkspaces { work, lwork, integerWork, integerLength in
                LAPACKE_dsyevd_work(columnMajor, lapackJob(computeVectors), triangle.lapack, Int32(n),
                                     a, Int32(lda), eigenvalues, work, lwork, integerWork, integerLength)
            }
        }
    }

    public static func syevr(computeVectors: Bool, selection: EigenvalueSelection<Double>, triangle: Triangle,
                             n: Int, a: UnsafeMutablePointer<Double>, lda: Int, absoluteTolerance: Double,
                             found: inout Int, eigenvalues: UnsafeMutablePointer<Double>,
                             z: UnsafeMutablePointer<Double>?, ldz: Int, support: UnsafeMutablePointer<Int32>) -> Int {
        serializedBackendCall {
            let range = lapackRange(selection, zero: Double(0))
            var count: Int32 = 0
            let info = withQueriedWorkspaces { work, lwork, integerWork, integerLength in
                LAPACKE_dsyevr_work(columnMajor, lapackJob(computeVectors), range.range, triangle.lapack,
                                     Int32(n), a, Int32(lda), range.lower, range.upper, range.first, range.last,
                                     absoluteTolerance, &count, eigenvalues, z, Int32(ldz), support,
                                     work, lwork, integerWork, integerLength)
            }
            found = Int(count)
            return info
        }
    }

    public static func sytrd(triangle: Triangle, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             diagonal: UnsafeMutablePointer<Double>, offDiagonal: UnsafeMutablePointer<Double>,
                             tau: UnsafeMutablePointer<Double>) -> Int {
        serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_dsytrd_work(columnMajor, triangle.lapack, Int32(n), a, Int32(lda), diagonal,
                                     offDiagonal, tau, work, lwork)
            }
        }
    }

    public static func stein(n: Int, diagonal: UnsafePointer<Double>, offDiagonal: UnsafePointer<Double>, count: Int,
                             eigenvalues: UnsafePointer<Double>, blocks: UnsafePointer<Int32>,
                             splits: UnsafePointer<Int32>, z: UnsafeMutablePointer<Double>, ldz: Int,
                             failures: UnsafeMutablePointer<Int32>) -> Int {
        // The `_work` form: the high-level one NaN-checks `n` eigenvalues where `count` are given.
        var work = [Double](repeating: 0, count: 5 * n)
        var integerWork = [Int32](repeating: 0, count: n)
        return serializedBackendCall {
            Int(LAPACKE_dstein_work(columnMajor, Int32(n), diagonal, offDiagonal, Int32(count), eigenvalues,
                                     blocks, splits, z, Int32(ldz), &work, &integerWork, failures))
        }
    }

    public static func ormtr(triangle: Triangle, n: Int, columns: Int, a: UnsafePointer<Double>, lda: Int,
                             tau: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>, ldc: Int) -> Int {
        serializedBackendCall {
            let (side, noTranspose) = (CChar(UInt8(ascii: "L")), Transpose.none.lapack)
            return withQueriedWorkspace { work, lwork in
                LAPACKE_dormtr_work(columnMajor, side, triangle.lapack, noTranspose, Int32(n), Int32(columns),
                                     a, Int32(lda), tau, c, Int32(ldc), work, lwork)
            }
        }
    }

    public static func makeRealForwardPlan(count: Int, input: UnsafeMutablePointer<Double>,
                                           output: UnsafeMutableRawPointer) -> OpaquePointer? {
        fftw_plan_dft_r2c_1d(Int32(count), input, OpaquePointer(output),
                              UInt32(FFTW_ESTIMATE))
    }

    public static func makeRealInversePlan(count: Int, input: UnsafeMutableRawPointer,
                                           output: UnsafeMutablePointer<Double>) -> OpaquePointer? {
        fftw_plan_dft_c2r_1d(Int32(count), OpaquePointer(input), output,
                              UInt32(FFTW_ESTIMATE))
    }

    public static func executeRealForward(plan: OpaquePointer, input: UnsafeMutablePointer<Double>,
                                          output: UnsafeMutableRawPointer) {
        fftw_execute_dft_r2c(plan, input, OpaquePointer(output))
    }

    public static func executeRealInverse(plan: OpaquePointer, input: UnsafeMutableRawPointer,
                                          output: UnsafeMutablePointer<Double>) {
        fftw_execute_dft_c2r(plan, OpaquePointer(input), output)
    }

    public static func destroyPlan(_ plan: OpaquePointer) {
        fftw_destroy_plan(plan)
    }

    public static func lange(m: Int, n: Int, a: UnsafePointer<Double>, lda: Int) -> Double {
        // Norm '1' reads no workspace (only 'I' does); LAPACKE's `_work` form skips the NaN check.
        var work: Double = 0
        return serializedBackendCall {
            LAPACKE_dlange_work(columnMajor, CChar(UInt8(ascii: "1")), Int32(m), Int32(n), a, Int32(lda), &work)
        }
    }

    public static func lansy(triangle: Triangle, n: Int, a: UnsafePointer<Double>, lda: Int) -> Double {
        var work = [Double](repeating: 0, count: Swift.max(1, n))
        return serializedBackendCall {
            LAPACKE_dlansy_work(columnMajor, CChar(UInt8(ascii: "1")), triangle.lapack, Int32(n), a, Int32(lda),
                                    &work)
        }
    }

    public static func gecon(n: Int, a: UnsafePointer<Double>, lda: Int, oneNorm: Double,
                             reciprocalCondition: inout Double) -> Int {
        var work = [Double](repeating: 0, count: Swift.max(1, 4 * n))
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, n))
        return serializedBackendCall {
            Int(LAPACKE_dgecon_work(columnMajor, CChar(UInt8(ascii: "1")), Int32(n), a, Int32(lda), oneNorm,
                                     &reciprocalCondition, &work, &integerWork))
        }
    }

    public static func pocon(triangle: Triangle, n: Int, a: UnsafePointer<Double>, lda: Int, oneNorm: Double,
                             reciprocalCondition: inout Double) -> Int {
        var work = [Double](repeating: 0, count: Swift.max(1, 3 * n))
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, n))
        return serializedBackendCall {
            Int(LAPACKE_dpocon_work(columnMajor, triangle.lapack, Int32(n), a, Int32(lda), oneNorm,
                                     &reciprocalCondition, &work, &integerWork))
        }
    }
}
