import DenseLinearAlgebra
import SymmetricEigen

extension KroneckerEigendecomposition {
    /// The matrix form of the damped inverse for two *partial* factor decompositions
    /// (`A_r = Q_A·diag(d_A)·Q_Aᵀ`, `Q_A` of `r_A ≤ n_A` columns, likewise `G_r`): for `V`
    /// of size `n_G × n_A`,
    ///
    /// ```
    /// (A_r ⊗ G_r + λI)⁻¹·vec(V) = vec( V/λ + Q_G·[C ⊘ (d_G·d_Aᵀ + λ) − C/λ]·Q_Aᵀ ),   C = Q_Gᵀ·V·Q_A
    /// ```
    ///
    /// — the partial-eigenbasis identity `Q·[(D + λ)⁻¹ − λ⁻¹]·Qᵀ·x + x/λ` of
    /// ``dampedInverse(applyingTo:damping:)`` with `Q = Q_A ⊗ Q_G` applied as two thin GEMMs per
    /// side (B-KFAC's and RS-KFAC's eigen-route preconditioner [Puiu 2022]). When `V = g·aᵀ` is
    /// given by its factors (`g`: `n_G × m`, `a`: `n_A × m`, a layer's batch gradient), the
    /// core is `C = (Q_Gᵀ·g)·(Q_Aᵀ·a)ᵀ` and `V` itself is only read once more, by the last GEMM.
    /// The result is formed as `result ← (1/λ)·result + (Q_G·C′)·Q_Aᵀ` on a copy of `V` (one
    /// `?gemm` with `β = 1/λ`), so no `n_G × n_A` temporary is made besides `result`.
    ///
    /// - Complexity: `2·n_G·n_A·r_A` flops for the last GEMM plus, for the core,
    ///   `2·n_G·n_A·min(r_A, r_G) + 2·r_A·r_G·max(n_A, n_G)` from `V`, or
    ///   `2m·(n_G·r_G + n_A·r_A + r_G·r_A)` from the factors; one copy of `V` into `result`
    ///   (reused when it already has `V`'s shape); temporaries of size `r × max(n_A, n_G, m)`.
    ///   Against the `4·n_G·n_A·(n_G + n_A)` of the complete form, linear in each width.
    /// - Accuracy: as ``dampedInverse(applyingTo:damping:)``: relative error `≈ c·(n_A + n_G)·eps`
    ///   times `max|e + λ| / min|e + λ|` over the captured products `e` and `λ`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless there are exactly two
    ///   factors, or for a damping `λ` negative or not finite;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for the shapes of `V`, `g`
    ///   and `a`; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in them;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` when `1/(e_r + λ)` is not finite
    ///   (index `j·r_G + i + 1` for the pair `(i, j)`) or `1/λ` is not finite (index `r_A·r_G + 1`).
    ///   `result` is unchanged when it throws.
    @inlinable
    public func dampedInverse(applyingToMatrix v: Matrix<Scalar>,
                              factoredAs product: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?,
                              damping lambda: Scalar, into result: inout Matrix<Scalar>) throws {
        let parts = try dampedInverseParts(applyingToMatrix: v, factoredAs: product, damping: lambda)
        // The checks are done: from here `result` is overwritten.
        try parts.materialize(adding: v, into: &result)
    }

    /// The same damped inverse left as its parts `V/λ + L·Rᵀ` with `L = Q_G·C′` (`n_G × r_A`) and
    /// `R = Q_A`, and `⟨L·Rᵀ, V⟩ = ⟨C′, C⟩` from the core (exact: `C = Q_Gᵀ·V·Q_A`), so that a
    /// caller can add it to another matrix or take its inner product with `V` without the
    /// `n_G × n_A` result: ``ScaledPlusLowRank/materialize(adding:into:)`` gives the result of
    /// ``dampedInverse(applyingToMatrix:factoredAs:damping:into:)`` bit for bit.
    /// - Complexity: as ``dampedInverse(applyingToMatrix:factoredAs:damping:into:)`` without its
    ///   last GEMM and copy: from the factors `2m·(n_G·r_G + n_A·r_A + r_G·r_A) + 2·n_G·r_G·r_A`
    ///   flops, nothing of size `n_G × n_A` read or written; from `V`, the core's
    ///   `2·n_G·n_A·min(r_A, r_G) + …` as there.
    /// - Throws: as ``dampedInverse(applyingToMatrix:factoredAs:damping:into:)``.
    @inlinable
    public func dampedInverseParts(applyingToMatrix v: Matrix<Scalar>,
                                   factoredAs product: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?,
                                   damping lambda: Scalar) throws -> ScaledPlusLowRank<Scalar> {
        try dampedInverseParts(matrix: v, factoredAs: product, damping: lambda,
                               operation: "KroneckerEigendecomposition.dampedInverse(applyingToMatrix:factoredAs:)")
    }

    /// The parts for `V = g·aᵀ` given by its factors alone (`g`: `n_G × m`, `a`: `n_A × m`), `V`
    /// never formed: `σ = 1/λ` then scales `g·aᵀ`, which a caller folds into its own product
    /// (``ScaledPlusLowRank/accumulate(into:decayingBy:scaledBy:productOf:_:)``).
    /// - Complexity: `2m·(n_G·r_G + n_A·r_A + r_G·r_A) + 2·n_G·r_G·r_A` flops.
    /// - Throws: as ``dampedInverseParts(applyingToMatrix:factoredAs:damping:)``, for `g` and `a`.
    @inlinable
    public func dampedInverseParts(applyingToProductOf outputGradients: Matrix<Scalar>, _ inputs: Matrix<Scalar>,
                                   damping lambda: Scalar) throws -> ScaledPlusLowRank<Scalar> {
        try dampedInverseParts(matrix: nil, factoredAs: (outputGradients, inputs), damping: lambda,
                               operation: "KroneckerEigendecomposition.dampedInverseParts(applyingToProductOf:_:)")
    }

    /// The parts from `V`, its factors, or both (the entry points give at least one).
    @inlinable
    func dampedInverseParts(matrix v: Matrix<Scalar>?,
                            factoredAs product: (outputGradients: Matrix<Scalar>, inputs: Matrix<Scalar>)?,
                            damping lambda: Scalar, operation: String) throws -> ScaledPlusLowRank<Scalar> {
        guard factors.count == 2 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "the matrix form needs exactly 2 factors, got \(factors.count)")
        }
        let (qA, qG) = (factors[0].eigenvectors, factors[1].eigenvectors)
        let (inputOrder, outputOrder) = (factors[0].order, factors[1].order)
        if let v {
            guard v.rows == outputOrder, v.columns == inputOrder else {
                throw LinearAlgebraError.dimensionMismatch(
                    operation: operation, expected: "V of size \(outputOrder)×\(inputOrder) (n_G × n_A)",
                    actual: "\(v.rows)×\(v.columns)")
            }
        }
        if let (g, a) = product {
            guard g.rows == outputOrder, a.rows == inputOrder, g.columns == a.columns else {
                throw LinearAlgebraError.dimensionMismatch(
                    operation: operation, expected: "g with \(outputOrder) rows, a with \(inputOrder) rows, equal columns",
                    actual: "g \(g.rows)×\(g.columns), a \(a.rows)×\(a.columns)")
            }
            try g.requireFinite(operation, argument: "g")
            try a.requireFinite(operation, argument: "a")
        }
        try requireValidDamping(lambda, operation: operation)
        try v?.requireFinite(operation, argument: "V")
        // Entry j·r_G + i of the Kronecker eigenvalues pairs A's j with G's i: the column-major
        // position of (i, j) in the r_G × r_A core, so the coefficients scale it entry by entry.
        let values = try eigenvalues()
        let complement = try complementCoefficient(damping: lambda, captured: values.count, operation: operation)
        let coefficients = try reciprocalsOfShifted(values, shift: lambda, minus: complement, operation: operation)
        var core = try Matrix<Scalar>(rows: qG.columns, columns: qA.columns, for: operation, "core")
        if let (g, a) = product {
            let rotatedG = try qG.multiplied(by: g, transposingSelf: .transpose)
            let rotatedA = try qA.multiplied(by: a, transposingSelf: .transpose)
            try Matrix.multiply(rotatedG, rotatedA, transposingB: .transpose, into: &core)
        } else if let v {
            if qG.columns <= qA.columns {
                let left = try qG.multiplied(by: v, transposingSelf: .transpose)
                try Matrix.multiply(left, qA, into: &core)
            } else {
                let right = try v.multiplied(by: qA)
                try Matrix.multiply(qG, right, transposingA: .transpose, into: &core)
            }
        }
        // ⟨Q_G·C′·Q_Aᵀ, V⟩ = ⟨C′, Q_Gᵀ·V·Q_A⟩ = ⟨C′, C⟩, summed while C becomes C′.
        var lowRankInner = 0.0
        core.withUnsafeMutableBufferPointer { entries in
            for index in entries.indices {
                let scaled = entries[index] * coefficients[index]
                lowRankInner += Double(scaled) * Double(entries[index])
                entries[index] = scaled
            }
        }
        return try ScaledPlusLowRank(scale: complement, left: qG.multiplied(by: core), right: qA,
                                     lowRankInnerProduct: lowRankInner)
    }
}
