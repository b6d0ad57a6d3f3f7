import DenseLinearAlgebra

// Inverse, solve and determinant factor by factor, for square factors:
// (A₁ ⊗ … ⊗ A_d)⁻¹ = A₁⁻¹ ⊗ … ⊗ A_d⁻¹ and
// det(A₁ ⊗ … ⊗ A_d) = Π det(Aᵢ)^{N/nᵢ}, N = Π nᵢ.

extension KroneckerProduct {
    /// `(A₁ ⊗ … ⊗ A_d)⁻¹ = A₁⁻¹ ⊗ … ⊗ A_d⁻¹`, a Kronecker product again; each factor
    /// inverted by LU with partial pivoting (LAPACK `?getrf`, `?getrs`).
    /// - Complexity: `Σ 8nᵢ³/3` flops — the cost of the factors, not of the `N × N` product.
    /// - Accuracy: each factor's inverse has relative error `≈ c·nᵢ·eps·cond(Aᵢ)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless every factor
    ///   is square, ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` for an exactly singular factor,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` for a numerically
    ///   singular one (its LU's condition estimate below `eps`),
    ///   in the context (``/DenseLinearAlgebra/LinearAlgebraError/inContext(_:underlying:)``) of that factor.
    @inlinable
    public func inverse() throws -> KroneckerProduct {
        try inverse("KroneckerProduct.inverse")
    }

    /// ``inverse()`` whose errors name `operation` and the failing factor.
    @inlinable
    func inverse(_ operation: String) throws -> KroneckerProduct {
        try requireSquareFactors(operation)
        return KroneckerProduct(uncheckedFactors: try factors.enumerated().map { index, factor in
            try LinearAlgebraError.withContext(factorContext(operation, index)) {
                try LUFactorization(factor).solve(.identity(factor.rows))
            }
        })
    }

    /// "`operation`: factor i of d (m×n)", 1-based, the context of a failure in one factor.
    @inlinable
    func factorContext(_ operation: String, _ index: Int) -> String {
        "\(operation): factor \(index + 1) of \(factors.count) (\(factors[index].rows)×\(factors[index].columns))"
    }

    /// Solves `(A₁ ⊗ … ⊗ A_d)·X = B` by applying the factor inverses, `X = (A₁⁻¹ ⊗ … ⊗ A_d⁻¹)·B`.
    /// To solve many times, keep ``inverse()`` and multiply by it.
    /// - Complexity: ``inverse()`` plus one Kronecker product with `B`'s `k` columns
    ///   (`Σᵢ 2nᵢ·N·k` flops).
    /// - Accuracy: forward error `≲ c·(Σ nᵢ)·eps·Π cond(Aᵢ)`, as for a dense solve of the product.
    /// - Throws: as ``inverse()``, and ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)``
    ///   when `B` does not have `rows` rows.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard b.rows == rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "KroneckerProduct.solve", expected: "B with \(rows) rows", actual: "\(b.rows)×\(b.columns)")
        }
        try b.requireFinite("KroneckerProduct.solve", argument: "B")
        return try inverse("KroneckerProduct.solve").apply(to: b)
    }

    /// `log |det(A₁ ⊗ … ⊗ A_d)| = Σᵢ (N/nᵢ)·log |det Aᵢ|` and the sign of the determinant,
    /// without overflow; each factor by LU (LAPACK `?getrf`).
    /// - Complexity: `Σ 2nᵢ³/3` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless every factor
    ///   is square, ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` for a singular factor, in
    ///   the context (``/DenseLinearAlgebra/LinearAlgebraError/inContext(_:underlying:)``) of that factor.
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        let operation = "KroneckerProduct.logAbsoluteDeterminant"
        try requireSquareFactors(operation)
        let order = rows
        var logAbs: Scalar = 0
        var sign: Scalar = 1
        for (index, factor) in factors.enumerated() where factor.rows > 0 {
            let (factorLog, factorSign) = try LinearAlgebraError.withContext(factorContext(operation, index)) {
                try LUFactorization(factor).logAbsoluteDeterminant()
            }
            let power = order / factor.rows
            logAbs += Scalar(power) * factorLog
            if factorSign < 0 && power % 2 == 1 { sign = -sign }
        }
        return (logAbs, sign)
    }
}
