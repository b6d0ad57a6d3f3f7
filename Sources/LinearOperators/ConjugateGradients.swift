import DenseLinearAlgebra

/// Preconditioned conjugate gradients for `A·x = b` with a symmetric positive definite `A`,
/// written once for every ``LinearOperator``; the preconditioner `M ≈ A⁻¹` is any symmetric
/// positive definite operator (a Kronecker-factored inverse, a diagonal, the identity).
///
/// Each column of `B` is solved on its own (the columns share no Krylov space), starting
/// from `x₀ = 0` and stopping at the first iterate with `‖b − A·x‖₂ ≤ τ·‖b‖₂`, the
/// residual being the recurrence's [Saad 2003, Alg. 9.1].
///
/// - Complexity: per iteration one product with `A`, one with `M`, and `10n` flops.
/// - Accuracy: the recurrence's residual drifts from the true one by about
///   `eps·κ(A)·‖b‖`; tolerances below that are not met and throw.
public struct ConjugateGradients<Scalar: LinearAlgebraScalar>: KrylovSolver {
    /// The stopping rule.
    public let options: KrylovOptions<Scalar>

    /// The name errors carry.
    public static var operation: String { "ConjugateGradients.solve" }

    /// Conjugate gradients with `options`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `τ` not in
    ///   `(0, 1)` or a maximum below 1.
    @inlinable
    public init(options: KrylovOptions<Scalar> = KrylovOptions()) throws {
        try options.validate("ConjugateGradients")
        self.options = options
    }

    /// One column: PCG from `x₀ = 0`.
    /// - Complexity: per iteration one product with `A`, one with `M`, and `10n` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/notPositiveDefinite(operation:minor:)`` when a search
    ///   direction has `pᵀAp ≤ 0` (the minor is the iteration),
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `rᵀMr ≤ 0` (`M` not
    ///   positive definite), ``/DenseLinearAlgebra/LinearAlgebraError/toleranceNotMet(operation:requested:achieved:reason:)``
    ///   when `limit` is reached first, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   when `pᵀAp` or `rᵀMr` is NaN or ∞ (NaN or ∞ in `A` or `M`); and as the operators' products.
    @inlinable
    public func solveColumn(
        _ a: some LinearOperator<Scalar>, _ b: [Scalar], _ m: some LinearOperator<Scalar>, limit: Int
    ) throws -> (x: [Scalar], iterations: Int, relativeResidual: Scalar) {
        let operation = Self.operation
        let n = b.count
        let bNorm = b.norm2
        var x = [Scalar](repeating: 0, count: n)
        guard bNorm > 0 else { return (x, 0, 0) }
        let target = options.relativeTolerance * bNorm
        var r = b
        var z = try m.apply(to: Matrix(column: r)).elements
        var rz = try r.dot(z)
        guard rz.isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "M·r") }
        guard rz > 0 else { throw preconditionerError(operation, rz) }
        var p = z
        var residualNorm = bNorm
        for iteration in 1...limit {
            let ap = try a.apply(to: Matrix(column: p)).elements
            let curvature = try p.dot(ap)
            // NaN or ∞ in A reaches pᵀAp first: that is no question of definiteness.
            guard curvature.isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "A·p") }
            guard curvature > 0 else { throw LinearAlgebraError.notPositiveDefinite(operation: operation, minor: iteration) }
            let alpha = rz / curvature
            try x.add(p, scaledBy: alpha)
            try r.add(ap, scaledBy: -alpha)
            residualNorm = r.norm2
            if residualNorm <= target { return (x, iteration, residualNorm / bNorm) }
            z = try m.apply(to: Matrix(column: r)).elements
            let next = try r.dot(z)
            guard next.isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "M·r") }
            guard next > 0 else { throw preconditionerError(operation, next) }
            let beta = next / rz
            rz = next
            for i in 0..<n { p[i] = z[i] + beta * p[i] }
        }
        throw LinearAlgebraError.toleranceNotMet(
            operation: operation, requested: Double(options.relativeTolerance), achieved: Double(residualNorm / bNorm),
            reason: "the iteration limit \(limit) was reached")
    }

    /// The error for `rᵀMr = value ≤ 0`.
    @inlinable
    func preconditionerError(_ operation: String, _ value: Scalar) -> LinearAlgebraError {
        .invalidArgument(operation: operation, detail: "the preconditioner is not positive definite (rᵀMr = \(value))")
    }
}
