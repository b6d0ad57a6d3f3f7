import CLinearAlgebra

// The Float bridge: each requirement of `LinearAlgebraScalar` forwards to the
// `s`-prefixed CBLAS/LAPACKE routine or the `fftwf_` FFTW routine.
// LAPACK routines run in their `_work` forms: callers have validated the input
// (LAPACKE's own NaN checks would be another pass over it), and workspaces are sized
// by `withQueriedWorkspace`, which rounds single-precision queries up (`_WorkspaceQuery.swift`).
extension Float: LinearAlgebraScalar {
    public static var routinePrefix: String { "s" }
    public static var numpyDescriptor: String { "<f4" }

    public static func axpy(count: Int, alpha: Float, x: UnsafePointer<Float>, strideX: Int,
                            y: UnsafeMutablePointer<Float>, strideY: Int) {
        serializedBackendCall {
            cblas_saxpy(Int32(count), alpha, x, Int32(strideX), y, Int32(strideY))
        }
    }

    public static func scal(count: Int, alpha: Float, x: UnsafeMutablePointer<Float>, strideX: Int) {
        serializedBackendCall {
            cblas_sscal(Int32(count), alpha, x, Int32(strideX))
        }
    }

    public static func dot(count: Int, x: UnsafePointer<Float>, strideX: Int,
                           y: UnsafePointer<Float>, strideY: Int) -> Float {
        serializedBackendCall {
            cblas_sdot(Int32(count), x, Int32(strideX), y, Int32(strideY))
        }
    }

    public static func nrm2(count: Int, x: UnsafePointer<Float>, strideX: Int) -> Float {
        serializedBackendCall {
            cblas_snrm2(Int32(count), x, Int32(strideX))
        }
    }

    public static func gemv(transpose: Transpose, rows: Int, columns: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>, strideX: Int,
                            beta: Float, y: UnsafeMutablePointer<Float>, strideY: Int) {
        serializedBackendCall {
            cblas_sgemv(CblasColMajor, transpose.cblas, Int32(rows), Int32(columns), alpha, a, Int32(lda),
                        x, Int32(strideX), beta, y, Int32(strideY))
        }
    }

    public static func gemm(transposeA: Transpose, transposeB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        serializedBackendCall {
            cblas_sgemm(CblasColMajor, transposeA.cblas, transposeB.cblas, Int32(m), Int32(n), Int32(k),
                        alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }

    public static func syrk(triangle: Triangle, transpose: Transpose, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        serializedBackendCall {
            cblas_ssyrk(CblasColMajor, triangle.cblas, transpose.cblas, Int32(n), Int32(k),
                        alpha, a, Int32(lda), beta, c, Int32(ldc))
        }
    }

    public static func trsm(side: Side, triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind,
                            m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafeMutablePointer<Float>, ldb: Int) {
        serializedBackendCall {
            cblas_strsm(CblasColMajor, side.cblas, triangle.cblas, transpose.cblas, diagonal.cblas,
                        Int32(m), Int32(n), alpha, a, Int32(lda), b, Int32(ldb))
        }
    }

    public static func trmm(side: Side, triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind,
                            m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafeMutablePointer<Float>, ldb: Int) {
        serializedBackendCall {
            cblas_strmm(CblasColMajor, side.cblas, triangle.cblas, transpose.cblas, diagonal.cblas,
                        Int32(m), Int32(n), alpha, a, Int32(lda), b, Int32(ldb))
        }
    }

    public static func potrf(triangle: Triangle, n: Int, a: UnsafeMutablePointer<Float>, lda: Int) -> Int {
        serializedBackendCall {
            Int(LAPACKE_spotrf_work(columnMajor, triangle.lapack, Int32(n), a, Int32(lda)))
        }
    }

    public static func potrs(triangle: Triangle, n: Int, rightHandSides: Int, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafeMutablePointer<Float>, ldb: Int) -> Int {
        serializedBackendCall {
            Int(LAPACKE_spotrs_work(columnMajor, triangle.lapack, Int32(n), Int32(rightHandSides),
                                     a, Int32(lda), b, Int32(ldb)))
        }
    }

    public static func geqrf(m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
                             tau: UnsafeMutablePointer<Float>) -> Int {
        serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_sgeqrf_work(columnMajor, Int32(m), Int32(n), a, Int32(lda), tau, work, lwork)
            }
        }
    }

    public static func orgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Float>, lda: Int,
                             tau: UnsafePointer<Float>) -> Int {
        serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_sorgqr_work(columnMajor, Int32(m), Int32(n), Int32(k), a, Int32(lda), tau, work, lwork)
            }
        }
    }

    public static func geqp3(m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
                             pivots: UnsafeMutablePointer<Int32>, tau: UnsafeMutablePointer<Float>) -> Int {
        serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_sgeqp3_work(columnMajor, Int32(m), Int32(n), a, Int32(lda), pivots, tau, work, lwork)
            }
        }
    }

    public static func trtrs(triangle: Triangle, transpose: Transpose, diagonal: DiagonalKind, n: Int,
                             rightHandSides: Int, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafeMutablePointer<Float>, ldb: Int) -> Int {
        serializedBackendCall {
            Int(LAPACKE_strtrs_work(columnMajor, triangle.lapack, transpose.lapack, diagonal.lapack,
                                     Int32(n), Int32(rightHandSides), a, Int32(lda), b, Int32(ldb)))
        }
    }

    public static func gesdd(computeVectors: Bool, m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
                             singularValues: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>?, ldu: Int,
                             vt: UnsafeMutablePointer<Float>?, ldvt: Int) -> Int {
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, 8 * Swift.min(m, n)))
        return serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_sgesdd_work(columnMajor, lapackSVDJob(computeVectors), Int32(m), Int32(n), a, Int32(lda),
                                     singularValues, u, Int32(ldu), vt, Int32(ldvt), work, lwork, &integerWork)
            }
        }
    }

    public static func getrf(m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
                             pivots: UnsafeMutablePointer<Int32>) -> Int {
        serializedBackendCall {
            Int(LAPACKE_sgetrf_work(columnMajor, Int32(m), Int32(n), a, Int32(lda), pivots))
        }
    }

    public static func getrs(transpose: Transpose, n: Int, rightHandSides: Int, a: UnsafePointer<Float>, lda: Int,
                             pivots: UnsafePointer<Int32>, b: UnsafeMutablePointer<Float>, ldb: Int) -> Int {
        serializedBackendCall {
            Int(LAPACKE_sgetrs_work(columnMajor, transpose.lapack, Int32(n), Int32(rightHandSides),
                                     a, Int32(lda), pivots, b, Int32(ldb)))
        }
    }

    public static func syevd(computeVectors: Bool, triangle: Triangle, n: Int, a: UnsafeMutablePointer<Float>,
                             lda: Int, eigenvalues: UnsafeMutablePointer<Float>) -> Int {
        serializedBackendCall {
            withQueriedWorkspaces { work, lwork, integerWork, integerLength in
                LAPACKE_ssyevd_work(columnMajor, lapackJob(computeVectors), triangle.lapack, Int32(n),
                                     a, Int32(lda), eigenvalues, work, lwork, integerWork, integerLength)
            }
        }
    }

    public static func syevr(computeVectors: Bool, selection: EigenvalueSelection<Float>, triangle: Triangle,
                             n: Int, a: UnsafeMutablePointer<Float>, lda: Int, absoluteTolerance: Float,
                             found: inout Int, eigenvalues: UnsafeMutablePointer<Float>,
                             z: UnsafeMutablePointer<Float>?, ldz: Int, support: UnsafeMutablePointer<Int32>) -> Int {
        serializedBackendCall {
            let range = lapackRange(selection, zero: Float(0))
            var count: Int32 = 0
            let info = withQueriedWorkspaces { work, lwork, integerWork, integerLength in
                LAPACKE_ssyevr_work(columnMajor, lapackJob(computeVectors), range.range, triangle.lapack,
                                     Int32(n), a, Int32(lda), range.lower, range.upper, range.first, range.last,
                                     absoluteTolerance, &count, eigenvalues, z, Int32(ldz), support,
                                     work, lwork, integerWork, integerLength)
            }
            found = Int(count)
            return info
        }
    }

    public static func sytrd(triangle: Triangle, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
                             diagonal: UnsafeMutablePointer<Float>, offDiagonal: UnsafeMutablePointer<Float>,
                             tau: UnsafeMutablePointer<Float>) -> Int {
        serializedBackendCall {
            withQueriedWorkspace { work, lwork in
                LAPACKE_ssytrd_work(columnMajor, triangle.lapack, Int32(n), a, Int32(lda), diagonal,
                                     offDiagonal, tau, work, lwork)
            }
        }
    }

    public static func stein(n: Int, diagonal: UnsafePointer<Float>, offDiagonal: UnsafePointer<Float>, count: Int,
                             eigenvalues: UnsafePointer<Float>, blocks: UnsafePointer<Int32>,
                             splits: UnsafePointer<Int32>, z: UnsafeMutablePointer<Float>, ldz: Int,
                             failures: UnsafeMutablePointer<Int32>) -> Int {
        // The `_work` form: the high-level one NaN-checks `n` eigenvalues where `count` are given.
        var work = [Float](repeating: 0, count: 5 * n)
        var integerWork = [Int32](repeating: 0, count: n)
        return serializedBackendCall {
            Int(LAPACKE_sstein_work(columnMajor, Int32(n), diagonal, offDiagonal, Int32(count), eigenvalues,
                                     blocks, splits, z, Int32(ldz), &work, &integerWork, failures))
        }
    }

    public static func ormtr(triangle: Triangle, n: Int, columns: Int, a: UnsafePointer<Float>, lda: Int,
                             tau: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int) -> Int {
        serializedBackendCall {
            let (side, noTranspose) = (CChar(UInt8(ascii: "L")), Transpose.none.lapack)
            return withQueriedWorkspace { work, lwork in
                LAPACKE_sormtr_work(columnMajor, side, triangle.lapack, noTranspose, Int32(n), Int32(columns),
                                     a, Int32(lda), tau, c, Int32(ldc), work, lwork)
            }
        }
    }

    public static func makeRealForwardPlan(count: Int, input: UnsafeMutablePointer<Float>,
                                           output: UnsafeMutableRawPointer) -> OpaquePointer? {
        fftwf_plan_dft_r2c_1d(Int32(count), input, OpaquePointer(output),
                              UInt32(FFTW_ESTIMATE))
    }

    public static func makeRealInversePlan(count: Int, input: UnsafeMutableRawPointer,
                                           output: UnsafeMutablePointer<Float>) -> OpaquePointer? {
        fftwf_plan_dft_c2r_1d(Int32(count), OpaquePointer(input), output,
                              UInt32(FFTW_ESTIMATE))
    }

    public static func executeRealForward(plan: OpaquePointer, input: UnsafeMutablePointer<Float>,
                                          output: UnsafeMutableRawPointer) {
        fftwf_execute_dft_r2c(plan, input, OpaquePointer(output))
    }

    public static func executeRealInverse(plan: OpaquePointer, input: UnsafeMutableRawPointer,
                                          output: UnsafeMutablePointer<Float>) {
        fftwf_execute_dft_c2r(plan, OpaquePointer(input), output)
    }

    public static func destroyPlan(_ plan: OpaquePointer) {
        fftwf_destroy_plan(plan)
    }

    public static func lange(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int) -> Float {
        // Norm '1' reads no workspace (only 'I' does); LAPACKE's `_work` form skips the NaN check.
        var work: Float = 0
        return serializedBackendCall {
            LAPACKE_slange_work(columnMajor, CChar(UInt8(ascii: "1")), Int32(m), Int32(n), a, Int32(lda), &work)
        }
    }

    public static func lansy(triangle: Triangle, n: Int, a: UnsafePointer<Float>, lda: Int) -> Float {
        var work = [Float](repeating: 0, count: Swift.max(1, n))
        return serializedBackendCall {
            LAPACKE_slansy_work(columnMajor, CChar(UInt8(ascii: "1")), triangle.lapack, Int32(n), a, Int32(lda),
                                    &work)
        }
    }

    public static func gecon(n: Int, a: UnsafePointer<Float>, lda: Int, oneNorm: Float,
                             reciprocalCondition: inout Float) -> Int {
        var work = [Float](repeating: 0, count: Swift.max(1, 4 * n))
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, n))
        return serializedBackendCall {
            Int(LAPACKE_sgecon_work(columnMajor, CChar(UInt8(ascii: "1")), Int32(n), a, Int32(lda), oneNorm,
                                     &reciprocalCondition, &work, &integerWork))
        }
    }

    public static func pocon(triangle: Triangle, n: Int, a: UnsafePointer<Float>, lda: Int, oneNorm: Float,
                             reciprocalCondition: inout Float) -> Int {
        var work = [Float](repeating: 0, count: Swift.max(1, 3 * n))
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, n))
        return serializedBackendCall {
            Int(LAPACKE_spocon_work(columnMajor, triangle.lapack, Int32(n), a, Int32(lda), oneNorm,
                                     &reciprocalCondition, &work, &integerWork))
        }
    }
}
