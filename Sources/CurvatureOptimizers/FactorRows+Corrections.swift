import DenseLinearAlgebra

extension FactorRows {
    /// TKFAC's trace-weighted factors (Gao et al., AAAI 2021):
    /// `Φ = (1/b) Σⱼ ‖dⱼ‖² aⱼaⱼᵀ`, `Ψ = (1/b) Σⱼ ‖aⱼ‖² dⱼdⱼᵀ` and
    /// `tr F = (1/b) Σⱼ ‖aⱼ‖² ‖dⱼ‖²`, so that `tr Φ = tr Ψ = tr F`.
    /// - Complexity: two `syrk`s on column-scaled copies, `(d_in² + d_out²)·m` flops.
    @inlinable
    func traceWeightedFactors() throws -> (phi: Matrix<Scalar>, psi: Matrix<Scalar>, fisherTrace: Scalar) {
        let scale = gradientScale
        let inputs = try pairedInputs
        let inputNorms = inputs.squaredColumnNorms
        let gradientNorms = outputGradients.squaredColumnNorms.map { $0 * scale * scale }
        let weightedInputs = try inputs.scalingColumns(by: gradientNorms.map { Scalar.sqrt($0) })
        let weightedGradients = try outputGradients.scalingColumns(by: inputNorms.map { scale * Scalar.sqrt($0) })
        let invBatch = 1 / Scalar(batchSize)
        let trace = zip(inputNorms, gradientNorms).reduce(Scalar(0)) { $0 + $1.0 * $1.1 } * invBatch
        return (try weightedInputs.gram(alpha: invBatch), try weightedGradients.gram(alpha: invBatch), trace)
    }

    /// EKFAC's second moment of the per-example gradients in the Kronecker eigenbasis
    /// (George et al. 2018): `S = (1/b) Σₙ (Q_Gᵀ ∇Wₙ Q_A)^⊙2`, `∇Wₙ = Σᵣ dₙ,ᵣ aₙ,ᵣᵀ`.
    ///
    /// Rotating the rows first (`ã = Q_Aᵀa`, `g̃ = Q_Gᵀg`) makes each rotated
    /// per-example gradient `b·Σᵣ g̃ãᵀ`; with one row per example the whole sum is
    /// a single GEMM, `S = b·(g̃⊙g̃)(ã⊙ã)ᵀ`.
    /// - Complexity: `2m(d_in² + d_out²)` flops to rotate, then `2·d_out·d_in·m` flops.
    @inlinable
    func eigenbasisSecondMoment(inputBasis qA: Matrix<Scalar>, outputBasis qG: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let rotatedInputs = try qA.multiplied(by: pairedInputs, transposingSelf: .transpose)
        let rotatedGradients = try qG.multiplied(by: outputGradients, transposingSelf: .transpose)
        let scale = gradientScale
        var moment = try Matrix<Scalar>(rows: qG.columns, columns: qA.columns)
        if rowsPerExample == 1 {
            try Matrix.multiply(rotatedGradients.hadamard(rotatedGradients), rotatedInputs.hadamard(rotatedInputs),
                                transposingB: .transpose, alpha: scale, into: &moment)
            return moment
        }
        let r = rowsPerExample
        var perExample = moment
        for example in 0..<(batchSize * passCount) {
            let columns = example * r..<(example + 1) * r
            try Matrix.multiply(rotatedGradients.columns(columns), rotatedInputs.columns(columns),
                                transposingB: .transpose, into: &perExample)
            try moment.add(perExample.hadamard(perExample), scaledBy: scale)
        }
        return moment
    }
}
