import CLinearAlgebra
import Foundation

/// What the linked OpenBLAS, LAPACK and FFTW libraries and the CPU report about themselves,
/// for a client to print, and whether a faster OpenBLAS kernel set applies.
///
/// The library only reports: OpenBLAS chooses its kernels once, when the process loads it,
/// from the environment variable `OPENBLAS_CORETYPE` or else from the CPU's identity, so a
/// different choice needs a new process. The `kronkit` tool and the benchmarks act on
/// ``recommendedCore(selected:capabilities:)`` by re-executing themselves (module
/// `BLASCoreSelection`); `Notes/BLASCores.md` records the policy.
public enum BLASConfiguration {
    /// OpenBLAS's build configuration string (version, build options, selected core, maximum
    /// threads), e.g. `OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64`.
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The kernel set (core) OpenBLAS selected at load time, e.g. `Haswell` or `Prescott`.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// Whether this OpenBLAS was built with `DYNAMIC_ARCH`, i.e. carries kernels for several
    /// CPUs and honours `OPENBLAS_CORETYPE`; a build for one target ignores the variable.
    public static var isDynamicArchitecture: Bool {
        configuration.split(separator: " ").contains("DYNAMIC_ARCH")
    }

    /// The value of `OPENBLAS_CORETYPE` in this process's environment (OpenBLAS read it when it
    /// was loaded), or `nil` when it is unset or empty. An unknown name makes OpenBLAS fall back
    /// to its own detection; compare with ``coreName``.
    public static var coreTypeOverride: String? {
        ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Threads OpenBLAS uses for level-3 routines.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of OpenBLAS threads (at least 1), for benchmarks, single-threaded
    /// comparisons and multithreaded callers (`Notes/DenseLinearAlgebra.md`).
    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(clamping: max(1, count))) }

    /// FFTW's version string.
    public static var fftwVersion: String { String(cString: kronkit_fftw_version()) }

    /// The instruction-set extensions of this CPU that matter for OpenBLAS's kernels.
    public static var cpuCapabilities: CPUCapabilities { .current }

    /// A faster OpenBLAS core than `selected` for a CPU with `capabilities`, or `nil` when
    /// `selected` is already of the fastest family the CPU runs (or of an unknown family).
    ///
    /// The answer is the ``BLASKernelFamily/preferredCore`` of the CPU's family when that family
    /// is above `selected`'s: `SkylakeX` for a CPU with the AVX-512 F/CD/BW/DQ/VL set, `Haswell`
    /// with AVX2 and FMA, `Sandybridge` with AVX, whenever OpenBLAS selected an older kernel set
    /// (Prescott, Core2, Nehalem, Atom, Sandybridge, Haswell, …). A pure function of its
    /// arguments; ``coreName`` and ``cpuCapabilities`` are this process's.
    public static func recommendedCore(selected: String, capabilities: CPUCapabilities) -> String? {
        guard let running = BLASKernelFamily(coreName: selected) else { return nil }
        let best = BLASKernelFamily(capabilities: capabilities)
        return best > running ? best.preferredCore : nil
    }

    /// Checks the kernels this process runs: GEMMs against a triple loop and a symmetric
    /// eigendecomposition (`?syevd`) of a matrix with known eigenvalues, in Float and Double,
    /// each error against its `c·n·eps` bound (``BLASSelfCheck``).
    ///
    /// - Complexity: about 10⁶ flops, mostly the reference loops; about 13 ms in a release build.
    public static func selfCheck() -> BLASSelfCheck {
        BLASSelfCheck(core: coreName, measurements: BLASSelfCheck.measurements(Float.self)
            + BLASSelfCheck.measurements(Double.self))
    }

    /// A one-line summary for logs and reports.
    public static var summary: String {
        "\(configuration), core \(coreName), \(threads) BLAS threads; \(fftwVersion)"
    }
}
