import Foundation

/// The result of ``BLASConfiguration/selfCheck()``: the kernels of one OpenBLAS core checked
/// against references computed in the same process.
///
/// Older OpenBLAS builds are known to misbehave on CPUs they do not recognise, so a kernel
/// set chosen by hand (or by `kronkit`'s start-up selection) is trusted only after this check:
/// - `?gemm` with `op(A)·op(B)` (`NN`) and `α·Aᵀ·Bᵀ + β·C` (`TT`) at 70 × 37 × 61, sizes that
///   reach the vector kernels' edge cases, against a triple loop in Double. Each entry of
///   either result is within `γ_{k+4}·(|α|·|op(A)|·|op(B)| + |β|·|C|)` of the exact one for any
///   summation order [Higham 2002, §3.5], so their difference, measured in units of
///   `(k + 4)·eps·(that magnitude)`, is at most 1 for a correct BLAS; the bound is 2.
/// - `?syevd` of an order-64 matrix `QΛQᵀ` built from known eigenvalues (a cluster of four
///   equal ones included) and three Householder reflectors: the eigenvalue error over
///   `n·eps·‖Λ‖`, the residual `‖AV − VΛ̂‖_F` over `n·eps·‖A‖_F` and the orthogonality
///   `‖VᵀV − I‖_F` over `n·eps`, each bounded by 60, LAPACK's acceptance threshold for its own
///   symmetric-eigenproblem test ratios (`TESTING/sep.in`). Order 64 takes the blocked
///   tridiagonal reduction and the divide-and-conquer path (`?syevd` uses QR below order 26).
///
/// A wrong kernel errs by orders of magnitude more than these bounds.
public struct BLASSelfCheck: Sendable, CustomStringConvertible {
    /// One error ratio and its bound.
    public struct Measurement: Sendable, CustomStringConvertible {
        /// What was measured, e.g. `sgemm NN` or `dsyevd orthogonality`.
        public let name: String
        /// The error in the units described on ``BLASSelfCheck``; `infinity` when the routine
        /// failed or produced a non-finite value.
        public let ratio: Double
        /// The largest acceptable ``ratio``.
        public let bound: Double

        /// Whether ``ratio`` is within ``bound``.
        public var passed: Bool { ratio <= bound }

        /// `name ratio (bound b)`.
        public var description: String {
            "\(name) \(formatted(ratio)) (bound \(formatted(bound)))"
        }
    }

    /// The OpenBLAS core that ran the check.
    public let core: String
    /// Every measurement, Float first.
    public let measurements: [Measurement]

    /// Creates a result from its measurements.
    public init(core: String, measurements: [Measurement]) {
        self.core = core
        self.measurements = measurements
    }

    /// Whether every measurement is within its bound.
    public var passed: Bool { measurements.allSatisfy(\.passed) }

    /// The measurements over their bounds.
    public var failures: [Measurement] { measurements.filter { !$0.passed } }

    /// One line: `passed on <core> (…, largest error 0.31 of its bound)` or
    /// `FAILED on <core>: <each failing measurement>`.
    public var description: String {
        if passed {
            let worst = measurements.map { $0.ratio / $0.bound }.max() ?? 0
            return "passed on \(core) (\(measurements.count) checks: GEMM and symmetric EVD in Float and Double; "
                + "largest error \(formatted(worst)) of its bound)"
        }
        return "FAILED on \(core): " + failures.map(\.description).joined(separator: "; ")
    }
}

/// Two significant digits (`0.31`, `1.2e+09`).
private func formatted(_ value: Double) -> String { String(format: "%.2g", value) }
