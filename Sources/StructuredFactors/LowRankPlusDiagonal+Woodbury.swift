import DenseLinearAlgebra

extension LowRankPlusDiagonal {
    /// `M⁻¹·B` by the Woodbury identity in the form that needs no `C⁻¹` (so a singular or zero
    /// core is allowed): with `W = D⁻¹U` and the capacitance `K = I_r + UᵀD⁻¹U·C`,
    ///
    /// ```
    /// (D + U·C·Uᵀ)⁻¹ = D⁻¹ − W·C·K⁻¹·Wᵀ
    /// ```
    ///
    /// [Hager 1989, "Updating the inverse of a matrix", SIAM Rev. 31]. `K` is factored by LU with
    /// partial pivoting (`?getrf`).
    /// - Complexity: `2n·r² + 2r³/3` flops to form and factor `K`, then `4n·r·k + 2r²·k + n·k`
    ///   for `k` right-hand sides; `n·r` memory.
    /// - Accuracy: forward error of order `n·eps·(cond(M) + cond(D)·cond(K))` (our reading of
    ///   Yip 1986, SIAM J. Sci. Stat. Comput. 7, on the Sherman–Morrison–Woodbury solve): accurate
    ///   when `D` is well conditioned relative to `M` (a damped factor, `D ≥ λI`); when `D` has
    ///   entries far smaller than `U·C·Uᵀ` the formula cancels and a dense solve is the safer path.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `B` has `n`
    ///   rows, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `B`,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` for a zero `dᵢ` (index `i + 1`) or,
    ///   wrapped in ``/DenseLinearAlgebra/LinearAlgebraError/inContext(_:underlying:)`` naming the capacitance matrix, an
    ///   exactly singular capacitance `K` (then `M` is singular) or
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` for a numerically
    ///   singular `K` (its LU's condition estimate below `eps`).
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(b, "LowRankPlusDiagonal.solve")
        let reciprocal = try reciprocalDiagonal("LowRankPlusDiagonal.solve")
        let y = try b.scalingRows(by: reciprocal)
        guard rank > 0 else { return y }
        let w = try factor.scalingRows(by: reciprocal)
        let capacitance = try factoredCapacitance(w, "LowRankPlusDiagonal.solve")
        // M⁻¹B = D⁻¹B − W·C·K⁻¹·(UᵀD⁻¹B).
        let correction = try core.multiplied(by: capacitance.solve(factor.multiplied(by: y, transposingSelf: .transpose)))
        var result = y
        try Matrix.multiply(w, correction, alpha: -1, beta: 1, into: &result)
        return result
    }

    /// `log |det M|` and the sign of `det M` by the matrix determinant lemma,
    /// `det(D + U·C·Uᵀ) = det D · det(I_r + UᵀD⁻¹U·C)` [Harville 1997, Thm 18.1.1], without overflow.
    /// - Complexity: `2n·r² + 2r³/3` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` for a zero `dᵢ` or (in the
    ///   context of the capacitance matrix) an exactly singular capacitance (`det M = 0`).
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        let operation = "LowRankPlusDiagonal.logAbsoluteDeterminant"
        let reciprocal = try reciprocalDiagonal(operation)
        var logAbs: Scalar = 0
        var sign: Scalar = 1
        for d in diagonal {
            logAbs += .log(abs(d))
            if d < 0 { sign = -sign }
        }
        guard rank > 0 else { return (logAbs, sign) }
        let small = try factoredCapacitance(try factor.scalingRows(by: reciprocal), operation).logAbsoluteDeterminant()
        return (logAbs + small.logAbs, sign * small.sign)
    }

    /// `K = I_r + Uᵀ·W·C` for `W = D⁻¹U`. - Complexity: `2n·r² + 2r³` flops.
    @inlinable
    func capacitance(_ w: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var k = try factor.multiplied(by: w, transposingSelf: .transpose).multiplied(by: core)
        try k.addToDiagonal(1)
        return k
    }

    /// The LU factorization of the capacitance `K`, a failure of which names `K`.
    /// - Complexity: `2n·r² + 2r³ + 2r³/3` flops.
    @inlinable
    func factoredCapacitance(_ w: Matrix<Scalar>, _ operation: String) throws -> LUFactorization<Scalar> {
        try LinearAlgebraError.withContext("\(operation): capacitance matrix K = I + UᵀD⁻¹U·C (\(rank)×\(rank))") {
            try LUFactorization(capacitance(w))
        }
    }

    /// `1/dᵢ`, throwing for a zero entry.
    @inlinable
    func reciprocalDiagonal(_ operation: String) throws -> [Scalar] {
        if let zero = diagonal.firstIndex(of: 0) {
            throw LinearAlgebraError.singularMatrix(operation: operation, index: zero + 1)
        }
        return diagonal.map { 1 / $0 }
    }
}
