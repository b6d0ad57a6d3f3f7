import CLinearAlgebra

// The Double bridge: the `d`-prefixed CBLAS and LAPACKE routines (`_work` forms: callers have
// validated the input, so LAPACKE's own NaN scan would be another pass over it) and the `fftw_`
// FFTW routines. This file only names C symbols; the lock, the narrowing of sizes to 32 bits and
// the enumeration mapping around each call are generic (`LinearAlgebraScalar+Backend.swift`).
extension Double: LinearAlgebraScalar {
    public static var routinePrefix: String { "d" }
    public static var numpyDescriptor: String { "<f8" }

    /// The double-precision C routines.
    public static let backend = BackendRoutines<Double>(.init(
        axpy: cblas_daxpy, scal: cblas_dscal, dot: cblas_ddot, nrm2: cblas_dnrm2,
        gemv: cblas_dgemv, gemm: cblas_dgemm, syrk: cblas_dsyrk, trsm: cblas_dtrsm, trmm: cblas_dtrmm,
        potrf: LAPACKE_dpotrf_work, potrs: LAPACKE_dpotrs_work, potri: LAPACKE_dpotri_work,
        geqrf: LAPACKE_dgeqrf_work, orgqr: LAPACKE_dorgqr_work, geqp3: LAPACKE_dgeqp3_work, trtrs: LAPACKE_dtrtrs_work,
        gesdd: LAPACKE_dgesdd_work, getrf: LAPACKE_dgetrf_work, getrs: LAPACKE_dgetrs_work,
        syevd: LAPACKE_dsyevd_work, syevr: LAPACKE_dsyevr_work, sytrd: LAPACKE_dsytrd_work,
        stein: LAPACKE_dstein_work, ormtr: LAPACKE_dormtr_work, lange: LAPACKE_dlange_work,
        lansy: LAPACKE_dlansy_work, gecon: LAPACKE_dgecon_work, pocon: LAPACKE_dpocon_work,
        planRealForward: fftw_plan_dft_r2c_1d, planRealInverse: fftw_plan_dft_c2r_1d,
        executeRealForward: fftw_execute_dft_r2c, executeRealInverse: fftw_execute_dft_c2r,
        destroyPlan: fftw_destroy_plan))
}
