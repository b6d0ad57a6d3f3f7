import DenseLinearAlgebra

/// Hutchinson's estimate of `tr A` from `m` products with Rademacher vectors:
/// `t = (1/m)·Σⱼ zⱼᵀ·A·zⱼ`, unbiased with variance `(2/m)·(‖A‖_F² − Σᵢ aᵢᵢ²)` for symmetric `A`
/// [Hutchinson 1990; Meyer et al. 2021, §1].
///
/// - Complexity: one product with `A` on an `n × m` block, `2nm` flops more.
public struct HutchinsonTraceEstimator<Scalar: LinearAlgebraScalar>: Sendable {
    /// `m`, the number of products with `A`.
    public let matrixVectorProducts: Int

    /// An estimator that spends `m` products.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `m < 1`.
    @inlinable
    public init(matrixVectorProducts: Int) throws {
        guard matrixVectorProducts >= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "HutchinsonTraceEstimator", detail: "matrix-vector products m=\(matrixVectorProducts) must be at least 1")
        }
        self.matrixVectorProducts = matrixVectorProducts
    }

    /// The estimate of `tr A` with probes drawn from `generator`.
    /// - Complexity: see the type.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `A` is
    ///   square, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` when a product
    ///   with `A` holds NaN or ∞, and as `A`'s ``LinearOperator/apply(to:)``.
    @inlinable
    public func estimate(_ a: some LinearOperator<Scalar>,
                         using generator: inout some RandomNumberGenerator) throws -> Scalar {
        try a.requireSquare("HutchinsonTraceEstimator.estimate")
        guard a.rows > 0 else { return 0 }
        let probes = try Matrix<Scalar>.randomSigns(rows: a.rows, columns: matrixVectorProducts, using: &generator)
        return try Self.quadraticFormSum(a, probes, "HutchinsonTraceEstimator.estimate") / Scalar(matrixVectorProducts)
    }

    /// `Σⱼ gⱼᵀ·A·gⱼ` over the columns of `G`: one block product, refused when it is not finite.
    @inlinable
    static func quadraticFormSum(_ a: some LinearOperator<Scalar>, _ g: Matrix<Scalar>, _ operation: String) throws -> Scalar {
        let images = try a.apply(to: g)
        try images.requireFinite(operation, argument: "A·(probes)")
        return zip(g.elements, images.elements).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
