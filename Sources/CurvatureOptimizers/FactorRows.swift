import DenseLinearAlgebra

/// The (input, output-gradient) pairs from which a layer's Kronecker factors are
/// estimated, after the weight-sharing approximation has been applied.
///
/// With rows `aⱼ` (columns of ``inputs``) and `dⱼ = b·gⱼ` (columns of
/// ``outputGradients`` times ``gradientScale``, undoing the batch mean of the
/// loss), the factors are `A = inputNormalization · Σⱼ aⱼaⱼᵀ` and
/// `G = (1/b) Σⱼ dⱼdⱼᵀ = b·Σⱼ gⱼgⱼᵀ` (over every pass): `A` is the Gram matrix of
/// ``inputs`` scaled by ``inputNormalization``, `G` that of ``outputGradients``
/// scaled by ``gradientScale``. Derivation: `Notes/KFAC-family.md`.
///
/// A block forms them once per factor update (checking them finite) and hands them to each
/// part that reads them (``KroneckerFactorInversion/update(with:)``).
public struct FactorRows<Scalar: LinearAlgebraScalar>: Sendable {
    /// `aⱼ` as columns: `d_in × m` (with the homogeneous row of ones, if any).
    public let inputs: Matrix<Scalar>
    /// `gⱼ` as columns: `d_out × (m·passes)`, the captured gradients of the mean loss,
    /// pass after pass.
    public let outputGradients: Matrix<Scalar>
    /// `b`: examples in the batch.
    public let batchSize: Int
    /// The input factor's normalisation: `1/(b·R)` for expand, `1/b` for reduce.
    public let inputNormalization: Scalar
    /// Consecutive rows that belong to one example: `R` for expand, 1 for reduce.
    public let rowsPerExample: Int
    /// Backward passes whose gradients are concatenated in ``outputGradients``.
    public let passCount: Int

    /// `dⱼ = gradientScale · gⱼ` with `gradientScale = b`.
    @inlinable public var gradientScale: Scalar { Scalar(batchSize) }

    /// Rows from a layer's capture: `inputs` is `d_in × (b·R)` and each pass of output
    /// gradients `d_out × (b·R)`, all with example-major columns (column `i·R + r`).
    /// Several passes (the exact GGN's) pair the same inputs with each pass's gradients;
    /// the input factor is formed from one copy of the inputs.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   column counts disagree with `b·R`; ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)``
    ///   for `b < 1`, `R < 1` or no pass; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   for NaN/∞ in the inputs or gradients.
    @inlinable
    init(inputs: Matrix<Scalar>, outputGradientPasses: [Matrix<Scalar>], batchSize b: Int, sharedDimension r: Int,
         approximation: WeightSharingApproximation) throws {
        guard b >= 1, r >= 1, !outputGradientPasses.isEmpty else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Kronecker factors",
                detail: "batch size \(b) and shared dimension \(r) must be ≥ 1, with at least one backward pass")
        }
        guard inputs.columns == b * r, outputGradientPasses.allSatisfy({ $0.columns == b * r }) else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Kronecker factors", expected: "inputs and output gradients with b·R = \(b * r) columns",
                actual: "\(inputs.columns) and \(outputGradientPasses.map(\.columns)) columns")
        }
        batchSize = b
        passCount = outputGradientPasses.count
        let pooled = approximation == .reduce && r > 1
        self.inputs = pooled
            ? try Self.sumOverPositions(inputs, examples: b, positions: r, scale: 1 / Scalar(r)) : inputs
        let rowGradients = pooled
            ? try outputGradientPasses.map { try Self.sumOverPositions($0, examples: b, positions: r, scale: 1) }
            : outputGradientPasses
        // Checked here, once for every block: a NaN folded into a running average stays there for good.
        // After pooling, on R times fewer entries: a NaN or ±∞ among the summed ones makes the sum
        // NaN or ±∞ (a sum of finite values that overflows is rejected too, rightly: its factor
        // would be infinite). For reduce this halves the passes over the b·R captured columns.
        try self.inputs.requireFinite("Kronecker factors", argument: "layer inputs")
        for pass in rowGradients { try pass.requireFinite("Kronecker factors", argument: "output gradients") }
        outputGradients = try Self.concatenatingColumns(rowGradients)
        inputNormalization = 1 / Scalar(pooled ? b : b * r)
        rowsPerExample = pooled ? 1 : r
    }

    /// The inputs repeated once per backward pass, column-aligned with ``outputGradients``;
    /// throws only a size error for the `passCount`-fold copy.
    @inlinable
    var pairedInputs: Matrix<Scalar> {
        get throws {
            passCount == 1 ? inputs : try Self.concatenatingColumns(Array(repeating: inputs, count: passCount))
        }
    }

    /// `[x₁ | x₂ | …]` for matrices with the same number of rows.
    @inlinable
    static func concatenatingColumns(_ parts: [Matrix<Scalar>]) throws -> Matrix<Scalar> {
        if parts.count == 1 { return parts[0] }
        return try Matrix(rows: parts[0].rows, columns: parts.reduce(0) { $0 + $1.columns },
                          columnMajor: parts.flatMap(\.elements))
    }

    /// `scale · Σᵣ x[:, i·R + r]` for every example `i`: example `i`'s `R` columns are contiguous,
    /// a `rows × R` view of `x`, and its sum is one BLAS `?gemv` with the ones vector,
    /// `X_i·(scale·1_R)`, written straight into column `i` of the result — no copy of `x`.
    /// BLAS rather than a loop over the entries: a generic Swift loop compiles to scalar adds
    /// with an overflow check on every index and cost as much as expand's whole `syrk`
    /// (`Notes/KFAC-family.md`, "Reduce's sums over positions").
    /// - Complexity: `2·rows·b·R` flops in `b` `?gemv` calls: one pass over `x`.
    @inlinable
    static func sumOverPositions(_ x: Matrix<Scalar>, examples b: Int, positions r: Int,
                                 scale: Scalar) throws -> Matrix<Scalar> {
        var result = try Matrix<Scalar>(rows: x.rows, columns: b)
        let ones = try Matrix<Scalar>(rows: r, columns: 1, repeating: 1)
        try x.withView { source in
            try ones.withView { ones in
                try result.withMutableView { target in
                    for example in 0..<b {
                        try Matrix.multiply(source.columns(example * r..<(example + 1) * r), vector: ones, alpha: scale,
                                            into: target.columns(example..<example + 1))
                    }
                }
            }
        }
        return result
    }
}
