import DenseLinearAlgebra

extension LowerTriangularToeplitz {
    /// The product `L(t)·L(u) = L(t ∗ u mod zⁿ)`, again lower-triangular Toeplitz (the structure
    /// is a commutative algebra: the product of the truncated power series).
    /// - Complexity: one FFT convolution of length `P ≥ 2n − 1`, `O(n log n)`.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for another order.
    @inlinable
    public func multiplied(by other: LowerTriangularToeplitz) throws -> LowerTriangularToeplitz {
        try requireSameStructure(as: other, "LowerTriangularToeplitz.multiplied")
        return LowerTriangularToeplitz(
            unchecked: try RealFourierTransform.linearConvolution(column, other.column, outputCount: order))
    }

    /// The inverse `L(t)⁻¹ = L(s)` with `s = 1/t(z) mod zⁿ`, by Newton doubling on the truncated
    /// power series: from `s = 1/t₀` (one term), `s ← s·(2 − t·s) mod z^{2j}` doubles the number
    /// `j` of correct terms per step (the residual `1 − t·s` is squared).
    ///
    /// - Complexity: `⌈log₂ n⌉` steps of two FFT convolutions of length `≤ 4j`, `O(n log n)` in all
    ///   (about three times one product).
    /// - Accuracy: each step's convolutions are normwise accurate, so the result is within about
    ///   `c·log₂ n·eps·‖s‖₁·‖t‖₁` of `s` entrywise; for `t` with `|t₀| ≫ Σ_{k≥1}|t_k|` this is
    ///   `O(log n·eps)` relative, while a triangular Toeplitz matrix whose inverse grows
    ///   exponentially (e.g. `t = (1, −2)`) loses that many digits, as any method does.
    /// - Throws: ``LinearAlgebraError/singularMatrix(operation:index:)`` (index 1) for `t₀ = 0`,
    ///   ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` if the inverse overflows.
    @inlinable
    public func inverse() throws -> LowerTriangularToeplitz {
        let operation = "LowerTriangularToeplitz.inverse"
        let n = order
        guard n > 0 else { return self }
        guard column[0] != 0 else { throw LinearAlgebraError.singularMatrix(operation: operation, index: 1) }
        var s: [Scalar] = [1 / column[0]]
        while s.count < n {
            let terms = Swift.min(2 * s.count, n)
            var residual = try RealFourierTransform.linearConvolution(
                Array(column.prefix(terms)), s, outputCount: terms).map { -$0 }
            residual[0] += 2
            s = try RealFourierTransform.linearConvolution(s, residual, outputCount: terms)
        }
        try requireFiniteValues(s, operation, argument: "the inverse (overflow)")
        return LowerTriangularToeplitz(unchecked: s)
    }

    /// `L(t)⁻¹·B` as the product of the Newton inverse with `B`.
    /// - Complexity: ``inverse()`` plus `O(k·n log n)` for `k` columns.
    /// - Throws: as ``inverse()`` and ``multiplied(by:)-(Matrix<Scalar>)``.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(b, "LowerTriangularToeplitz.solve")
        return try inverse().multiplied(by: b)
    }
}
