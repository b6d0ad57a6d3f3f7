import DenseLinearAlgebra
import SymmetricEigen

extension KroneckerEigendecomposition {
    /// The damped inverse in the Kronecker eigenbasis with *replaced* eigenvalues:
    /// for two factors `A ⊗ G` and `V` of size `n_G × n_A`,
    ///
    /// ```
    /// vec⁻¹[ (Q (diag(vec S) + λI) Qᵀ)⁻¹ vec V ] = Q_G·[(Q_Gᵀ·V·Q_A) ⊘ (S + λ)]·Q_Aᵀ
    /// ```
    ///
    /// — EKFAC's preconditioner, where `S` (`n_G × n_A`) is the re-estimated diagonal of
    /// the curvature in the eigenbasis instead of the products `d_G·d_Aᵀ`
    /// [George et al. 2018, Eq. 10].
    /// - Complexity: four GEMMs, `4·n_G·n_A·(n_G + n_A)` flops, two `n_G × n_A` buffers.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless there are two complete
    ///   factor decompositions; ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for the
    ///   shapes of `V` or `S`; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `V` or `S`;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a damping `λ` negative or not finite;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` when some `1/(s + λ)` is not finite
    ///   (index `j·n_G + i + 1` for entry `(i, j)`).
    @inlinable
    public func dampedInverse(applyingToMatrix v: Matrix<Scalar>, replacingEigenvalues s: Matrix<Scalar>,
                              damping lambda: Scalar) throws -> Matrix<Scalar> {
        let operation = "KroneckerEigendecomposition.dampedInverse(applyingToMatrix:replacingEigenvalues:)"
        guard factors.count == 2, isComplete else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "needs two complete factor decompositions, got \(factors.count) holding "
                    + factors.map { "\($0.eigenvalues.count) of \($0.order)" }.joined(separator: ", ") + " eigenpairs")
        }
        let (inputOrder, outputOrder) = (factors[0].order, factors[1].order)
        guard v.rows == outputOrder, v.columns == inputOrder, s.rows == outputOrder, s.columns == inputOrder else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "V and S of size \(outputOrder)×\(inputOrder) (n_G × n_A)",
                actual: "V \(v.rows)×\(v.columns), S \(s.rows)×\(s.columns)")
        }
        try requireValidDamping(lambda, operation: operation)
        try v.requireFinite(operation, argument: "V")
        try s.requireFinite(operation, argument: "S")
        return try s.withUnsafeBufferPointer { values in
            let m = outputOrder
            return try dividedInEigenbasis(v, operation: operation) { i, j in values[i + j * m] + lambda }
        }
    }

    /// `Q_G·[(Q_Gᵀ·V·Q_A) ⊘ S]·Q_Aᵀ` with `S[i, j] = shifted(i, j)` for two complete factor
    /// decompositions: the matrix form of `Q·diag(vec S)⁻¹·Qᵀ·vec(V)`, as four GEMMs with no
    /// reshaping, ping-ponging between two `n_G × n_A` buffers.
    /// - Complexity: `4·n_G·n_A·(n_G + n_A)` flops and `n_G·n_A` evaluations of `shifted`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` at the first entry whose
    ///   `1/S[i, j]` is not finite (index `j·n_G + i + 1`, the position in `vec`).
    @inlinable
    func dividedInEigenbasis(
        _ v: Matrix<Scalar>, operation: String, shifted: (_ row: Int, _ column: Int) -> Scalar
    ) throws -> Matrix<Scalar> {
        let (qA, qG) = (factors[0].eigenvectors, factors[1].eigenvectors)
        var left = Matrix<Scalar>(shapeOf: v)
        var core = Matrix<Scalar>(shapeOf: v)
        try Matrix.multiply(qG, v, transposingA: .transpose, into: &left)
        try Matrix.multiply(left, qA, into: &core)
        return try dividedAndRotatedBack(core, workspace: &left, operation: operation, shifted: shifted)
    }

    /// The same for `V = g·aᵀ` given by its factors (`g`: `n_G × m`, `a`: `n_A × m`):
    /// `Q_Gᵀ·V·Q_A = (Q_Gᵀg)(Q_Aᵀa)ᵀ`, so the rotation into the eigenbasis costs
    /// `2m(n_G² + n_A² + n_G·n_A)` flops instead of `2·n_G·n_A·(n_G + n_A)`.
    @inlinable
    func dividedInEigenbasis(
        productOf g: Matrix<Scalar>, _ a: Matrix<Scalar>, operation: String,
        shifted: (_ row: Int, _ column: Int) -> Scalar
    ) throws -> Matrix<Scalar> {
        let (qA, qG) = (factors[0].eigenvectors, factors[1].eigenvectors)
        let rotatedG = try qG.multiplied(by: g, transposingSelf: .transpose)
        let rotatedA = try qA.multiplied(by: a, transposingSelf: .transpose)
        var core = try Matrix<Scalar>(rows: g.rows, columns: a.rows)
        try Matrix.multiply(rotatedG, rotatedA, transposingB: .transpose, into: &core)
        var workspace = try Matrix<Scalar>(rows: g.rows, columns: a.rows)
        return try dividedAndRotatedBack(core, workspace: &workspace, operation: operation, shifted: shifted)
    }

    /// `Q_G·[core ⊘ S]·Q_Aᵀ`: the division and the two GEMMs back out of the eigenbasis.
    @inlinable
    func dividedAndRotatedBack(
        _ rotated: Matrix<Scalar>, workspace left: inout Matrix<Scalar>, operation: String,
        shifted: (_ row: Int, _ column: Int) -> Scalar
    ) throws -> Matrix<Scalar> {
        let (qA, qG) = (factors[0].eigenvectors, factors[1].eigenvectors)
        var core = rotated
        let (m, n) = (core.rows, core.columns)
        try core.withUnsafeMutableBufferPointer { c in
            for j in 0..<n {
                for i in 0..<m {
                    let reciprocal = 1 / shifted(i, j)
                    guard reciprocal.isFinite else {
                        throw LinearAlgebraError.singularEigenvalue(operation: operation, index: j * m + i + 1,
                                                                    value: Double(shifted(i, j)))
                    }
                    c[i + j * m] *= reciprocal
                }
            }
        }
        try Matrix.multiply(qG, core, into: &left)
        try Matrix.multiply(left, qA, transposingB: .transpose, into: &core)
        return core
    }

    /// The matrix-form damped inverse `(A ⊗ G + λI)⁻¹ vec(g·aᵀ)` (as an `n_G × n_A` matrix)
    /// of a rank-`m` product given by its factors — K-FAC's eigen route for a layer's batch
    /// gradient `∇W = g·aᵀ` when the batch `m` is narrower than the layer, so that the
    /// `n_G × n_A` gradient is never rotated as a whole. With `replacingEigenvalues`, EKFAC's
    /// form with `S` in place of `d_G·d_Aᵀ` (see
    /// ``dampedInverse(applyingToMatrix:replacingEigenvalues:damping:)``).
    /// - Complexity: `2m(n_G² + n_A² + n_G·n_A) + 2·n_G·n_A·(n_G + n_A)` flops — cheaper than
    ///   the dense form when `m(n_G² + n_A² + n_G·n_A) < n_G·n_A·(n_G + n_A)`.
    /// - Throws: as the dense forms, with `g` (`n_G × m`) and `a` (`n_A × m`) checked for shape
    ///   and finiteness.
    @inlinable
    public func dampedInverse(applyingToProductOf g: Matrix<Scalar>, _ a: Matrix<Scalar>,
                              replacingEigenvalues s: Matrix<Scalar>? = nil,
                              damping lambda: Scalar) throws -> Matrix<Scalar> {
        let operation = "KroneckerEigendecomposition.dampedInverse(applyingToProductOf:_:)"
        guard factors.count == 2, isComplete else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "needs two complete factor decompositions, got \(factors.count)")
        }
        let (inputOrder, outputOrder) = (factors[0].order, factors[1].order)
        guard g.rows == outputOrder, a.rows == inputOrder, g.columns == a.columns,
              s.map({ $0.rows == outputOrder && $0.columns == inputOrder }) ?? true else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation,
                expected: "g with \(outputOrder) rows, a with \(inputOrder) rows, equal columns, S \(outputOrder)×\(inputOrder)",
                actual: "g \(g.rows)×\(g.columns), a \(a.rows)×\(a.columns)" + (s.map { ", S \($0.rows)×\($0.columns)" } ?? ""))
        }
        try requireValidDamping(lambda, operation: operation)
        try g.requireFinite(operation, argument: "g")
        try a.requireFinite(operation, argument: "a")
        if let s {
            try s.requireFinite(operation, argument: "S")
            return try s.withUnsafeBufferPointer { values in
                try dividedInEigenbasis(productOf: g, a, operation: operation) { i, j in values[i + j * outputOrder] + lambda }
            }
        }
        let (inputValues, outputValues) = (factors[0].eigenvalues, factors[1].eigenvalues)
        return try dividedInEigenbasis(productOf: g, a, operation: operation) { i, j in
            outputValues[i] * inputValues[j] + lambda
        }
    }
}
