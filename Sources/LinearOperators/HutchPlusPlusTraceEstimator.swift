import DenseLinearAlgebra

/// Hutch++: the trace of a low-rank projection exactly plus Hutchinson on the rest
/// [Meyer, Musco, Musco, Woodruff 2021, Alg. 1].
///
/// With `m` products: `s = ⌊m/3⌋` go into a sketch `Q = orth(A·S)` (Rademacher `S`), `s` into
/// `tr(Qᵀ·A·Q)`, and the remaining `g = m − 2s` into Hutchinson on the deflated operator,
/// `(1/g)·Σⱼ g̃ⱼᵀ·A·g̃ⱼ` with `g̃ⱼ = (I − QQᵀ)·gⱼ`. For a positive semidefinite `A` the
/// relative error is `O(1/m)` instead of Hutchinson's `O(1/√m)`; on a decaying spectrum it is
/// Hutchinson's error on the tail `A − A_s` only.
///
/// - Complexity: `m` products with `A` (three blocks), a QR of `n × s` (`O(n·s²)`), `O(n·s·g)` flops.
public struct HutchPlusPlusTraceEstimator<Scalar: LinearAlgebraScalar>: Sendable {
    /// `m`, the number of products with `A`.
    public let matrixVectorProducts: Int

    /// An estimator that spends `m ≥ 3` products.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `m < 3`.
    @inlinable
    public init(matrixVectorProducts: Int) throws {
        guard matrixVectorProducts >= 3 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "HutchPlusPlusTraceEstimator", detail: "matrix-vector products m=\(matrixVectorProducts) must be at least 3")
        }
        self.matrixVectorProducts = matrixVectorProducts
    }

    /// The estimate of `tr A` with sketch and probes drawn from `generator`. When `n ≤ ⌊m/3⌋`
    /// the sketch spans the whole space and the result is `tr(QᵀAQ)`, exact up to rounding.
    /// - Complexity: see the type.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `A` is
    ///   square, and as `A`'s ``LinearOperator/apply(to:)``.
    @inlinable
    public func estimate(_ a: some LinearOperator<Scalar>,
                         using generator: inout some RandomNumberGenerator) throws -> Scalar {
        try a.requireSquare("HutchPlusPlusTraceEstimator.estimate")
        let n = a.rows
        guard n > 0 else { return 0 }
        let sketchWidth = Swift.min(matrixVectorProducts / 3, n)
        let probeCount = matrixVectorProducts - 2 * (matrixVectorProducts / 3)
        let sketch = try Matrix<Scalar>.randomSigns(rows: n, columns: sketchWidth, using: &generator)
        let q = try QRFactorization(a.apply(to: sketch)).q
        let projected = try HutchinsonTraceEstimator<Scalar>.quadraticFormSum(a, q, "HutchPlusPlusTraceEstimator.estimate")
        guard sketchWidth < n else { return projected }
        var probes = try Matrix<Scalar>.randomSigns(rows: n, columns: probeCount, using: &generator)
        let coefficients = try q.multiplied(by: probes, transposingSelf: .transpose)
        try Matrix.multiply(q, coefficients, alpha: -1, beta: 1, into: &probes)
        let deflated = try HutchinsonTraceEstimator<Scalar>.quadraticFormSum(a, probes, "HutchPlusPlusTraceEstimator.estimate")
        return projected + deflated / Scalar(probeCount)
    }
}
