import DenseLinearAlgebra

// Spectral functions `f(M) = Q·f(D)·Qᵀ` evaluated on an existing decomposition.
// On a partial decomposition (a selection, `k < n` pairs) they act on the
// captured subspace: `Q·f(D)·Qᵀ` is `f` of the rank-k matrix `M̃ = Q·D·Qᵀ` when
// `f(0) = 0`. The inverse and the inverse p-th root need every pair and throw
// otherwise; the damped inverse uses the exact formula for `M̃ + λI`.

extension SymmetricEigendecomposition {
    /// `Q·diag(f(d))·Qᵀ` for a function `f` of the eigenvalues, exactly symmetric.
    ///
    /// - Complexity: `n²k` flops (one `?syrk`) when every `f(dᵢ)` has the same sign, else
    ///   `2n²k` (one `?gemm`), plus `n·k` evaluations of `f`.
    /// - Accuracy: `‖f̂(M) − Q f(D) Qᵀ‖ ≤ c·k·eps·‖Q‖²·max|f(dᵢ)|`; the error of the
    ///   decomposition itself propagates through `f`'s condition number.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` without eigenvectors,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` if `f` returns NaN or ±∞,
    ///   and whatever `f` throws.
    @inlinable
    public func applying(_ function: (Scalar) throws -> Scalar) throws -> Matrix<Scalar> {
        let operation = "SymmetricEigendecomposition.applying"
        try requireEigenvectors(operation)
        let values = try eigenvalues.map(function)
        guard values.allSatisfy(\.isFinite) else {
            throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "f(eigenvalues)")
        }
        return try spectralProduct(values)
    }

    /// The matrix `Q·diag(d)·Qᵀ` (the input for a complete decomposition, its rank-k
    /// part for a selection).
    /// - Complexity: `n²k` flops (`?syrk`) for a semidefinite spectrum, else `2n²k` (`?gemm`).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` without eigenvectors.
    @inlinable
    public func reconstructed() throws -> Matrix<Scalar> {
        try requireEigenvectors("SymmetricEigendecomposition.reconstructed")
        return try spectralProduct(eigenvalues)
    }

    /// `M⁻¹ = Q·diag(1/d)·Qᵀ`.
    /// - Complexity: `n³` flops (`?syrk`) for a definite `M`, else `2n³` (`?gemm`).
    /// - Accuracy: relative error about `cond(M)·n·eps`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` without eigenvectors or for
    ///   a partial decomposition, ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` for an
    ///   eigenvalue whose reciprocal is not finite — zero, or subnormal (1-based index in ``eigenvalues``);
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` when
    ///   `min|dᵢ| < eps·max|dᵢ|`, as ``solve(_:)``.
    @inlinable
    public func inverse() throws -> Matrix<Scalar> {
        let operation = "SymmetricEigendecomposition.inverse"
        try requireComplete(operation)
        let reciprocals = try reciprocalsOfShifted(eigenvalues, shift: 0, operation: operation)
        try requireNumericallyNonsingular(reciprocalCondition: reciprocalCondition(ofEigenvalues: eigenvalues),
                                          operation: operation)
        return try spectralProduct(reciprocals)
    }

    /// The inverse p-th root `M^{−1/p} = Q·diag(d^{−1/p})·Qᵀ` of a positive definite `M`
    /// (Shampoo's preconditioner for `p = 4`, the inverse square root for `p = 2`).
    /// - Complexity: `n³` flops (one `?syrk`, the values being positive).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless `p` is finite and
    ///   positive, every eigenvalue is positive (clamp first with ``clamped(atLeast:)``), and the
    ///   decomposition is complete with vectors; ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)``
    ///   when some `dᵢ^{−1/p}` overflows (a tiny eigenvalue with `p < 1`, or a subnormal one).
    @inlinable
    public func inversePthRoot(_ p: Scalar) throws -> Matrix<Scalar> {
        let operation = "SymmetricEigendecomposition.inversePthRoot"
        guard p.isFinite, p > 0 else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "p = \(p) must be finite and > 0")
        }
        try requireComplete(operation)
        try requireEigenvalues(operation, above: 0, inclusive: false)
        let roots = eigenvalues.map { Scalar.pow($0, -1 / p) }
        if let index = roots.firstIndex(where: { !$0.isFinite }) {
            throw LinearAlgebraError.singularEigenvalue(operation: operation, index: index + 1,
                                                        value: Double(eigenvalues[index]))
        }
        return try spectralProduct(roots)
    }

    /// The positive semidefinite square root `M^{1/2} = Q·diag(√d)·Qᵀ`.
    /// - Complexity: `n²k` flops (one `?syrk`, the values being non-negative).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` without eigenvectors or
    ///   for a negative eigenvalue (clamp first with ``clamped(atLeast:)``).
    @inlinable
    public func squareRoot() throws -> Matrix<Scalar> {
        let operation = "SymmetricEigendecomposition.squareRoot"
        try requireEigenvectors(operation)
        try requireEigenvalues(operation, above: 0, inclusive: true)
        return try spectralProduct(eigenvalues.map { Scalar.sqrt($0) })
    }

    /// `(M + λI)⁻¹·X` without forming the inverse.
    ///
    /// Complete decomposition: `Q·[(Qᵀ X) ⊘ (d + λ)]`. Partial decomposition
    /// (`k < n` pairs, `M̃ = Q·D·Qᵀ`): the exact inverse of `M̃ + λI`,
    /// `Q·[(D+λ)⁻¹ − λ⁻¹]·Qᵀ X + X/λ` [Puiu 2022, RS-KFAC], which needs `λ ≠ 0`.
    ///
    /// - Complexity: `4n·k·m` flops for `X` of size `n × m` (two GEMMs).
    /// - Accuracy: relative error about `n·eps·max|d + λ| / min|d + λ|`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X` has
    ///   `n` rows, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `X`,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `λ` negative or not finite,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` when some `1/(dᵢ + λ)` is not finite
    ///   (`dᵢ + λ` zero or subnormal; 1-based `i`) or, for a partial decomposition, `1/λ` is not
    ///   finite (index `k + 1`), ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)``
    ///   without eigenvectors.
    @inlinable
    public func dampedInverse(applyingTo x: Matrix<Scalar>, damping lambda: Scalar) throws -> Matrix<Scalar> {
        let operation = "SymmetricEigendecomposition.dampedInverse"
        try requireEigenvectors(operation)
        guard x.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "X with \(order) rows", actual: "\(x.rows)×\(x.columns)")
        }
        try requireValidDamping(lambda, operation: operation)
        try x.requireFinite(operation, argument: "X")
        // Coefficients on the captured subspace: 1/(d+λ), minus the 1/λ that the
        // complement term X/λ adds back for a partial decomposition.
        let complement: Scalar = isComplete
            ? 0 : try complementCoefficient(damping: lambda, captured: eigenvalues.count, operation: operation)
        let coefficients = try reciprocalsOfShifted(eigenvalues, shift: lambda, minus: complement, operation: operation)
        var projected = try eigenvectors.multiplied(by: x, transposingSelf: .transpose)
        try projected.scaleRows(by: coefficients)
        var result = x
        try Matrix.multiply(eigenvectors, projected, alpha: 1, beta: complement, into: &result)
        return result
    }

    /// The same decomposition with every eigenvalue below `floor` raised to `floor`,
    /// and how many were raised. For positive semidefinite factors (K-FAC's `A`, `G`)
    /// whose smallest eigenvalues round to slightly negative values: clamping at `0`
    /// (or a small positive floor) makes ``squareRoot()`` and ``inversePthRoot(_:)`` defined.
    /// The count is returned so that the change is never silent.
    /// - Complexity: `O(k)`; the eigenvectors are shared, not copied.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for a non-finite floor.
    @inlinable
    public func clamped(atLeast floor: Scalar) throws -> (decomposition: Self, clampedCount: Int) {
        guard floor.isFinite else {
            throw LinearAlgebraError.nonFiniteInput(operation: "SymmetricEigendecomposition.clamped",
                                                    argument: "floor = \(floor)")
        }
        let count = eigenvalues.reduce(0) { $0 + ($1 < floor ? 1 : 0) }
        let values = eigenvalues.map { Swift.max($0, floor) }
        return (Self(uncheckedOrder: order, eigenvalues: values, eigenvectors: eigenvectors), count)
    }

    /// `Q·diag(values)·Qᵀ`, mirrored from the lower triangle so it is exactly symmetric.
    ///
    /// Fast path: when the values have one sign (SPD inverse, roots, reconstruction of a
    /// semidefinite matrix), `Q·diag(v)·Qᵀ = ±W·Wᵀ` with `W = Q·diag(√|v|)` is one rank-k
    /// update (`?syrk`, `n²k` flops, half a GEMM) that writes only the lower triangle.
    /// Otherwise one GEMM (`2n²k` flops). `√|v|` neither overflows nor underflows
    /// where `v` does not, and adds one rounding per coefficient.
    /// The shapes agree by construction (`n × k` times `(n × k)ᵀ`), so nothing here throws in practice.
    @inlinable
    func spectralProduct(_ values: [Scalar]) throws -> Matrix<Scalar> {
        var scaled = eigenvectors
        var result = try Matrix<Scalar>(rows: order, columns: order)
        let sign: Scalar? = values.allSatisfy { $0 >= 0 } ? 1 : values.allSatisfy { $0 <= 0 } ? -1 : nil
        if let sign {
            try scaled.scaleColumns(by: values.map { Scalar.sqrt(abs($0)) })
            try Matrix.rankKUpdate(scaled, alpha: sign, into: &result, triangle: .lower)
        } else {
            try scaled.scaleColumns(by: values)
            try Matrix.multiply(scaled, eigenvectors, transposingB: .transpose, into: &result)
        }
        try result.symmetrize(from: .lower)
        return result
    }

    @inlinable
    func requireEigenvectors(_ operation: String) throws {
        guard hasEigenvectors else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "the decomposition was computed without eigenvectors")
        }
    }

    @inlinable
    func requireComplete(_ operation: String) throws {
        try requireEigenvectors(operation)
        guard isComplete else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "needs all \(order) eigenpairs, the decomposition holds \(eigenvalues.count)")
        }
    }

    /// Throws naming the first eigenvalue not above `bound` (or below it, when `inclusive`).
    @inlinable
    func requireEigenvalues(_ operation: String, above bound: Scalar, inclusive: Bool) throws {
        if let index = eigenvalues.firstIndex(where: { inclusive ? $0 < bound : $0 <= bound }) {
            throw LinearAlgebraError.invalidArgument(
                operation: operation,
                detail: "eigenvalue d[\(index)] = \(eigenvalues[index]) must be \(inclusive ? "≥" : ">") \(bound); "
                    + "clamp it first with clamped(atLeast:)")
        }
    }
}
