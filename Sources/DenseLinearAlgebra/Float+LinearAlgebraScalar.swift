import CLinearAlgebra

// The Float bridge: the `s`-prefixed CBLAS and LAPACKE routines (`_work` forms: callers have
// validated the input, so LAPACKE's own NaN scan would be another pass over it) and the `fftwf_`
// FFTW routines. This file only names C symbols; the lock, the narrowing of sizes to 32 bits and
// the enumeration mapping around each call are generic (`LinearAlgebraScalar+Backend.swift`).
extension Float: LinearAlgebraScalar {
    public static var routinePrefix: String { "s" }
    public static var numpyDescriptor: String { "<f4" }

    /// The single-precision C routines.
    public static let backend = BackendRoutines<Float>(.init(
        axpy: cblas_saxpy, scal: cblas_sscal, dot: cblas_sdot, nrm2: cblas_snrm2,
        gemv: cblas_sgemv, gemm: cblas_sgemm, syrk: cblas_ssyrk, trsm: cblas_strsm, trmm: cblas_strmm,
        potrf: LAPACKE_spotrf_work, potrs: LAPACKE_spotrs_work, potri: LAPACKE_spotri_work,
        geqrf: LAPACKE_sgeqrf_work, orgqr: LAPACKE_sorgqr_work, geqp3: LAPACKE_sgeqp3_work, trtrs: LAPACKE_strtrs_work,
        gesdd: LAPACKE_sgesdd_work, getrf: LAPACKE_sgetrf_work, getrs: LAPACKE_sgetrs_work,
        syevd: LAPACKE_ssyevd_work, syevr: LAPACKE_ssyevr_work, sytrd: LAPACKE_ssytrd_work,
        stein: LAPACKE_sstein_work, ormtr: LAPACKE_sormtr_work, lange: LAPACKE_slange_work,
        lansy: LAPACKE_slansy_work, gecon: LAPACKE_sgecon_work, pocon: LAPACKE_spocon_work,
        planRealForward: fftwf_plan_dft_r2c_1d, planRealInverse: fftwf_plan_dft_c2r_1d,
        executeRealForward: fftwf_execute_dft_r2c, executeRealInverse: fftwf_execute_dft_c2r,
        destroyPlan: fftwf_destroy_plan))
}
