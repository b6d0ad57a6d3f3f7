import DenseLinearAlgebra

/// Tolerances for the property tests, in units of the scalar's machine epsilon, derived
/// once for every test target.
///
/// A backward-stable computation on order-`n` data errs by `γ_n·(modest constant)` with
/// `γ_n = n·eps/(1 − n·eps)` [Higham 2002, Ch. 3, 8–10, 19; LAPACK Users' Guide §4.7]. The
/// constant depends on the blocking and the summation order of the BLAS kernels that run,
/// which differ from core to core (Prescott, Haswell, SkylakeX, Cooperlake …); so the tests
/// measure error ratios `error / (n·eps·scale)` and accept the ratios that LAPACK's own test
/// suite accepts for a correct library:
/// - linear equations, factorizations and products: 30 (`TESTING/dtest.in`);
/// - symmetric eigenproblems (residual, orthogonality, eigenvalues): 60 (`TESTING/sep.in`,
///   whose comment records a theoretical limit near 500 and an empirical 170 over its
///   adversarial block sizes; random test matrices stay far below).
///
/// Any BLAS/LAPACK that passes LAPACK's tests therefore passes these bounds, while a wrong
/// result (an O(1) error) exceeds them by orders of magnitude at every size tested here
/// (`n ≤ 200`: at most 6·10³·eps ≈ 1.3·10⁻¹² in Double and 7·10⁻⁴ in Float). Tests
/// that chain several such steps or that involve a condition number pass a larger
/// `factor` and say why at the call.
public enum Tolerance {
    /// LAPACK's acceptance threshold for the test ratios of its linear-equation routines.
    public static let linearEquationsRatio: Double = 30
    /// LAPACK's acceptance threshold for the test ratios of its symmetric eigensolvers.
    public static let eigenproblemRatio: Double = 60

    /// `factor · max(n, 1) · eps`: the bound for a backward-stable computation of order `n`.
    public static func backward<Scalar: BinaryFloatingPoint>(
        _: Scalar.Type, order n: Int, factor: Double = linearEquationsRatio
    ) -> Scalar {
        Scalar(factor * Double(Swift.max(n, 1))) * Scalar.ulpOfOne
    }

    /// The bound for eigenvalues, residuals and orthogonality of a symmetric eigensolver
    /// (or of an algorithm built on one) of order `n`.
    public static func eigen<Scalar: BinaryFloatingPoint>(
        _: Scalar.Type, order n: Int, factor: Double = eigenproblemRatio
    ) -> Scalar {
        backward(Scalar.self, order: n, factor: factor)
    }
}
