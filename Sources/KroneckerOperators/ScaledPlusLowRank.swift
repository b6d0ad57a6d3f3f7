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
/// It does not hold `X`: every method that reads `X` takes it, as a matrix or as its factors
/// `X = g·aᵀ` (a layer's batch gradient, never formed then), and is exact only for the `X` the
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

    /// `⟨σ·X + L·Rᵀ, X⟩` for `X = g·aᵀ` given by its factors (`g`: `m × b`, `a`: `n × b`), `X`
    /// never formed: `‖g·aᵀ‖²_F = ⟨gᵀg, aᵀa⟩`, the two `b × b` Gram matrices' entrywise product
    /// summed in Double.
    /// - Complexity: `b²·(m + n)` flops; nothing of size `m × n`.
    /// - Accuracy: the Gram matrices' rounding, `≈ (m + n)·eps·(Σ_j ‖g_j‖·‖a_j‖)²` absolutely, which is
    ///   relative to `‖g·aᵀ‖²` unless the `b` outer products cancel.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `g` is
    ///   `m × b` and `a` is `n × b`.
    @inlinable
    public func innerProduct(withProductOf g: Matrix<Scalar>, _ a: Matrix<Scalar>) throws -> Double {
        try requireFactorShapes(g, a, "ScaledPlusLowRank.innerProduct(withProductOf:_:)")
        let (outputGram, inputGram) = (try g.gram(.transpose), try a.gram(.transpose))
        var squaredNorm = 0.0
        outputGram.withUnsafeBufferPointer { left in
            inputGram.withUnsafeBufferPointer { right in
                for index in left.indices { squaredNorm += Double(left[index]) * Double(right[index]) }
            }
        }
        return Double(scale) * squaredNorm + lowRankInnerProduct
    }

    /// `target ← β·target + α·(σ·g·aᵀ + L·Rᵀ)` for `X = g·aᵀ` given by its factors: one `?gemm`
    /// of inner dimension `b + k` over `[σ·g | L]·[a | R]ᵀ`, so neither `X` nor the matrix itself
    /// is formed (a momentum `m ← μm + ν·V` in one product).
    /// - Complexity: `2·m·n·(b + k)` flops; one read and write of `target` (with OpenBLAS's
    ///   separate `β`-scaling pass when `β ≠ 1`); the two thin concatenations.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `g` is
    ///   `m × b`, `a` is `n × b` and `target` is `m × n`; `target` is unchanged when it throws.
    @inlinable
    public func accumulate(into target: inout Matrix<Scalar>, decayingBy beta: Scalar, scaledBy alpha: Scalar,
                           productOf g: Matrix<Scalar>, _ a: Matrix<Scalar>) throws {
        let operation = "ScaledPlusLowRank.accumulate(into:decayingBy:scaledBy:productOf:_:)"
        try requireFactorShapes(g, a, operation)
        let (b, k) = (g.columns, left.columns)
        // Every entry of both is written below: no zeroing pass first.
        var leftFactors = try Matrix<Scalar>.uninitialized(rows: left.rows, columns: b + k, for: operation, "[σ·g | L]")
        var rightFactors = try Matrix<Scalar>.uninitialized(rows: right.rows, columns: b + k, for: operation, "[a | R]")
        try leftFactors.withMutableView { joined in
            try g.withView { try joined.columns(0..<b).copy(from: $0) }
            try joined.columns(0..<b).scale(by: scale)
            try left.withView { try joined.columns(b..<b + k).copy(from: $0) }
        }
        try rightFactors.withMutableView { joined in
            try a.withView { try joined.columns(0..<b).copy(from: $0) }
            try right.withView { try joined.columns(b..<b + k).copy(from: $0) }
        }
        try Matrix.multiply(leftFactors, rightFactors, transposingB: .transpose, alpha: alpha, beta: beta, into: &target)
    }

    @usableFromInline
    func requireFactorShapes(_ g: Matrix<Scalar>, _ a: Matrix<Scalar>, _ operation: String) throws {
        guard g.rows == left.rows, a.rows == right.rows, g.columns == a.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "g with \(left.rows) rows and a with \(right.rows) rows, equal columns",
                actual: "g \(g.rows)×\(g.columns), a \(a.rows)×\(a.columns)")
        }
    }

    @usableFromInline
    func requireShape(of x: Matrix<Scalar>, _ operation: String) throws {
        guard x.rows == left.rows, x.columns == right.rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "X of size \(left.rows)×\(right.rows)", actual: "\(x.rows)×\(x.columns)")
        }
    }
}
