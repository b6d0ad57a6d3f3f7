import CLinearAlgebra

/// What the linked BLAS/LAPACK and FFTW libraries report about themselves.
public enum BackendConfiguration {
    /// OpenBLAS's build configuration string (version, target core, threading model).
    public static var blasConfiguration: String { String(cString: openblas_get_config()) }
    /// The CPU kernel OpenBLAS selected at run time (e.g. `Haswell`).
    public static var blasCoreName: String { String(cString: openblas_get_corename()) }
    /// Threads OpenBLAS uses for level-3 routines.
    public static var blasThreads: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of OpenBLAS threads (for benchmarks and single-threaded comparisons);
    /// a count below 1 means 1, one beyond `Int32.max` means `Int32.max` (OpenBLAS caps it at
    /// its build's maximum either way).
    public static func setBLASThreads(_ count: Int) { openblas_set_num_threads(Int32(clamping: max(1, count))) }

    /// FFTW's version string.
    public static var fftwVersion: String { String(cString: kronkit_fftw_version()) }

    /// A one-line summary for logs and reports.
    public static var summary: String {
        "\(blasConfiguration), core \(blasCoreName), \(blasThreads) BLAS threads; \(fftwVersion)"
    }
}
