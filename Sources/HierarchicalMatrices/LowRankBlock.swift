import DenseLinearAlgebra

/// A low-rank matrix `U·Vᵀ` (`U`: `m × k`, `V`: `n × k`): an off-diagonal block of a
/// ``HODLRMatrix``.
public struct LowRankBlock<Scalar: LinearAlgebraScalar>: Sendable {
    /// The left factor `U` (`m × k`).
    public let u: Matrix<Scalar>
    /// The right factor `V` (`n × k`).
    public let v: Matrix<Scalar>

    /// `U·Vᵀ` from its factors.
    /// - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `U` and
    ///   `V` have as many columns.
    @inlinable
    public init(u: Matrix<Scalar>, v: Matrix<Scalar>) throws {
        guard u.columns == v.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "LowRankBlock", expected: "U and V with as many columns",
                actual: "U \(u.rows)×\(u.columns), V \(v.rows)×\(v.columns)")
        }
        self.u = u
        self.v = v
    }

    /// The rank `k` of the representation.
    /// - Complexity: `O(1)`.
    @inlinable public var rank: Int { u.columns }

    /// `U·Vᵀ` as a dense `m × n` matrix (`2mnk` flops).
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result.
    @inlinable
    public func dense() throws -> Matrix<Scalar> { try u.multiplied(by: v, transposingOther: .transpose) }

    /// `‖U·Vᵀ‖_F = √(tr((UᵀU)·(VᵀV)))` without forming the block.
    /// - Complexity: `(m + n)·k² + k²` flops.
    /// - Throws: as ``/DenseLinearAlgebra/Matrix/gram(_:alpha:)`` for the two `k × k` Gram matrices.
    @inlinable
    public func frobeniusNorm() throws -> Scalar {
        guard rank > 0 else { return 0 }
        let left = try u.gram(.transpose), right = try v.gram(.transpose)
        let inner = zip(left.elements, right.elements).reduce(Scalar(0)) { $0 + $1.0 * $1.1 }
        return Swift.max(inner, 0).squareRoot()
    }

    /// `result += U·(Vᵀ·X)`, or `result += V·(Uᵀ·X)` (the transposed block's product) when
    /// `transposed`, on views; `Vᵀ·X` (`Uᵀ·X`) goes to the first ``rank`` rows of `coordinates`.
    /// - Complexity: `2k·(m + n)·c` flops for `c` columns; no allocation.
    @inlinable
    func add(_ x: MatrixView<Scalar>, transposed: Bool, into result: MutableMatrixView<Scalar>,
             coordinates: MutableMatrixView<Scalar>) throws {
        guard rank > 0 else { return }
        let (outer, inner) = transposed ? (v, u) : (u, v)
        let projected = try coordinates.block(rows: 0..<rank, columns: 0..<x.columns)
        try inner.withView { try Matrix.multiply($0, x, transposingA: .transpose, into: projected) }
        try outer.withView { try Matrix.multiply($0, projected.readOnly, beta: 1, into: result) }
    }

    /// The same block truncated to the fewest singular triplets whose discarded part has
    /// Frobenius norm at most `budget`, and at most `maximumRank` of them: QR of both factors, SVD
    /// of the `k × k` core `R_U·R_Vᵀ = W·Σ·Zᵀ`, `U ← Q_U·W·Σ`, `V ← Q_V·Z`. Optimal among
    /// rank-`k'` approximations (Eckart–Young). Also returns the discarded part's Frobenius norm
    /// `√(Σ_{i>k'} σᵢ²)` (exact up to rounding) and whether the rank cap cut triplets the budget kept.
    /// - Complexity: `4(m + n)·k² + O(k³)` flops.
    @inlinable
    func recompressed(budget: Scalar, maximumRank: Int?) throws -> (block: Self, discarded: Scalar, capped: Bool) {
        guard rank > 0 else { return (self, 0, false) }
        let left = try QRFactorization(u), right = try QRFactorization(v)
        let core = try SingularValueDecomposition(left.r.multiplied(by: right.r, transposingOther: .transpose))
        let sigma = core.singularValues
        // Keep the shortest prefix whose tail has ‖·‖_F ≤ budget.
        var kept = sigma.count
        var tail: Scalar = 0
        while kept > 0, tail + sigma[kept - 1] * sigma[kept - 1] <= budget * budget {
            tail += sigma[kept - 1] * sigma[kept - 1]
            kept -= 1
        }
        let capped = maximumRank.map { $0 < kept } ?? false
        if let maximumRank, maximumRank < kept {
            for i in maximumRank..<kept { tail += sigma[i] * sigma[i] }
            kept = maximumRank
        }
        let newU = try left.q.multiplied(by: core.u.columns(0..<kept).scalingColumns(by: Array(sigma.prefix(kept))))
        let newV = try right.q.multiplied(by: core.vt.submatrix(rows: 0..<kept, columns: 0..<core.vt.columns),
                                          transposingOther: .transpose)
        return (try LowRankBlock(u: newU, v: newV), tail.squareRoot(), capped)
    }
}
