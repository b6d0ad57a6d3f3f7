import DenseLinearAlgebra

/// A matrix `σ·X + L·Rᵀ` of a given `X` (`m × n`), kept as its parts: the scale `σ`, the thin
/// factors `L` (`m × k`) and `R` (`n × k`) and the inner product `⟨L·Rᵀ, X⟩`, so that a caller can
/// fold it into another matrix, or take its inner product with `X`, without forming it.
///
/// The partial-eigenbasis damped inverse has this form
/// (``KroneckerEigendecomposition/dampedInverseParts(applyingToMatrix:factoredAs:damping:)``:
/// `σ = 1/λ`, `L = Q_G·C′`, `R = Q_A`), and K-FAC's optimizer only needs the preconditioned
/// gradient folded into its momentum and its inner product with the gradient (KL clipping).
///
/// It does not hold `X`: every method that reads `X` takes it, and is exact only for the `X` the
/// parts were formed from (``lowRankInnerProduct`` is `⟨L·Rᵀ, X⟩` for that `X`).
public struct ScaledPlusLowRank<Scalar: LinearAlgebraScalar>: Sendable {
    /// `σ`.
    public let scale: Scalar
    /// `L`, `m × k`.
    public let left: Matrix<Scalar>
    /// `R`, `n × k`.
    public let right: Matrix<Scalar>
    /// `⟨L·Rᵀ, X⟩`, computed by whoever formed the parts from a smaller equivalent (for the
    /// damped inverse, `⟨C′, C⟩` over the `r_G × r_A` core), accumulated in Double.
    public let lowRankInnerProduct: Double

    /// The parts as given.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `L` and `R`
    ///   have the same number of columns.
    public init(scale: Scalar, left: Matrix<Scalar>, right: Matrix<Scalar>, lowRankInnerProduct: Double) throws {
        guard left.columns == right.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "ScaledPlusLowRank", expected: "L and R with equal columns",
                actual: "L \(left.rows)×\(left.columns), R \(right.rows)×\(right.columns)")
        }
        (self.scale, self.left, self.right, self.lowRankInnerProduct) = (scale, left, right, lowRankInnerProduct)
    }

    /// `result ← σ·X + L·Rᵀ`: a copy of `X` into `result` (its storage reused when it already has
    /// `X`'s shape), then one `?gemm` with `β = σ`.
    /// - Complexity: `2·m·n·k` flops; one copy of `X`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` is
    ///   `m × n`; `result` is unchanged when it throws.
    @inlinable
    public func materialize(adding x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws {
        try requireShape(of: x, "ScaledPlusLowRank.materialize")
        if result.rows == x.rows, result.columns == x.columns {
            try x.withView { source in try result.withMutableView { try $0.copy(from: source) } }
        } else {
            result = x
        }
        try Matrix.multiply(left, right, transposingB: .transpose, beta: scale, into: &result)
    }

    /// `target ← target + α·L·Rᵀ`: one `?gemm` with `β = 1`, the low-rank part added where it is
    /// used (a momentum buffer) without an `m × n` temporary.
    /// - Complexity: `2·m·n·k` flops; one read and write of `target`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `target`
    ///   is `m × n`.
    @inlinable
    public func addLowRankPart(to target: inout Matrix<Scalar>, scaledBy alpha: Scalar) throws {
        try Matrix.multiply(left, right, transposingB: .transpose, alpha: alpha, beta: 1, into: &target)
    }

    /// `⟨σ·X + L·Rᵀ, X⟩ = σ·‖X‖²_F + ⟨L·Rᵀ, X⟩` for the `X` the parts were formed from.
    /// - Complexity: `2·m·n` flops (one `?dot` pass over `X`); the low-rank term is stored.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` is
    ///   `m × n`.
    @inlinable
    public func innerProduct(with x: Matrix<Scalar>) throws -> Double {
        try requireShape(of: x, "ScaledPlusLowRank.innerProduct")
        return Double(scale) * Double(try x.elements.dot(x.elements)) + lowRankInnerProduct
    }

    @usableFromInline
    func requireShape(of x: Matrix<Scalar>, _ operation: String) throws {
        guard x.rows == left.rows, x.columns == right.rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "X of size \(left.rows)×\(right.rows)", actual: "\(x.rows)×\(x.columns)")
        }
    }
}
