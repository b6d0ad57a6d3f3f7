import DenseLinearAlgebra

extension BrandUpdate {
    /// Brand's update of a thin SVD: the singular value decomposition of
    ///
    /// ```
    /// A' = α·U·diag(σ)·Vᵀ + β·X·Yᵀ
    /// ```
    ///
    /// for `current = (U, σ, Vᵀ)` (`m × k`, `k`, `k × n`) and `X` (`m × c`), `Y` (`n × c`),
    /// truncated to ``Options/targetRank`` singular triplets (the largest; the
    /// ``Options/truncation`` choice does not apply to singular values) [Brand 2006, §2].
    ///
    /// With `X = U·P + Q_X·R_X` and `Y = V·P_Y + Q_Y·R_Y` (projection and pivoted QR of each
    /// residual), `A' = [U Q_X]·K·[V Q_Y]ᵀ` for the core
    /// `K = α·diag(σ, 0) + β·[P; R_X]·[P_Y; R_Y]ᵀ` of size `(k + ρ_X) × (k + ρ_Y)`, whose SVD
    /// `K = Ũ·diag(s)·Ṽᵀ` (`?gesdd`) gives `U' = [U Q_X]·Ũ`, `σ' = s`, `V' = [V Q_Y]·Ṽ`.
    /// - Complexity: `O((m + n)·(k + c)²)` flops.
    /// - Accuracy: backward stable for `A'` as the symmetric update is for `M'`, with error
    ///   `c·max(m, n)·eps·(|α|·σ₁ + |β|·‖X‖_F·‖Y‖_F)`; truncation adds the largest dropped `s`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` is
    ///   `m × c` and `Y` is `n × c`, ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a
    ///   decomposition without singular vectors or options out of range,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `X`, `Y`, `α` or `β`.
    @inlinable
    public func updated(_ current: SingularValueDecomposition<Scalar>, adding x: Matrix<Scalar>,
                        times y: Matrix<Scalar>, currentWeight alpha: Scalar = 1, updateWeight beta: Scalar = 1)
        throws -> SingularValueDecomposition<Scalar> {
        let operation = "BrandUpdate.updated (SVD)"
        try validateOptions(operation: operation)
        let k = current.singularValues.count
        let (m, n) = (current.u.rows, current.vt.columns)
        guard current.u.columns == k, current.vt.rows == k else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "the decomposition was computed without singular vectors")
        }
        guard x.rows == m, y.rows == n, x.columns == y.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "X with \(m) rows and Y with \(n) rows, as many columns",
                actual: "X \(x.rows)×\(x.columns), Y \(y.rows)×\(y.columns)")
        }
        guard alpha.isFinite, beta.isFinite else {
            throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "weights [\(alpha), \(beta)]")
        }
        try x.requireFinite(operation, argument: "X")
        try y.requireFinite(operation, argument: "Y")
        let v = current.vt.transposed()
        let left = try ResidualBasis(splitting: x, along: current.u, passes: options.projectionPasses,
                                     tolerance: rankTolerance(order: Swift.max(m, n)) * x.frobeniusNorm)
        let right = try ResidualBasis(splitting: y, along: v, passes: options.projectionPasses,
                                      tolerance: rankTolerance(order: Swift.max(m, n)) * y.frobeniusNorm)
        var core = try left.stackedCoordinates.multiplied(by: right.stackedCoordinates, transposingOther: .transpose)
        core.scale(by: beta)
        for (i, sigma) in current.singularValues.enumerated() { core[i, i] += alpha * sigma }
        let small = try SingularValueDecomposition(core)
        let kept = Swift.min(options.targetRank ?? small.singularValues.count, small.singularValues.count)
        let newU = try rotate(current.u, left, by: small.u.columns(0..<kept))
        let newV = try rotate(v, right, by: small.vt.submatrix(rows: 0..<kept, columns: 0..<small.vt.columns)
            .transposed())
        return try SingularValueDecomposition(u: newU, singularValues: Array(small.singularValues.prefix(kept)),
                                              vt: newV.transposed())
    }
}
