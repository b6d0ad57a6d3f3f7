import DenseLinearAlgebra
import LinearOperators

extension GaussNewtonOperator {
    /// The exact damped Gauss–Newton direction `(G + λI)⁻¹·∇` by (preconditioned) conjugate
    /// gradients on the matrix-free GGN: the direction that every K-FAC-family method approximates.
    /// Pass a ``KroneckerFactoredPreconditioner`` to precondition by K-FAC.
    /// - Complexity: per iteration one GGN-vector product and one product with the preconditioner.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ `λ` or `∇`;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `λ < 0`; as
    ///   ``/LinearOperators/ConjugateGradients/solve(_:_:preconditioner:)`` (`λ = 0` with a singular GGN may break
    ///   down with ``/DenseLinearAlgebra/LinearAlgebraError/notPositiveDefinite(operation:minor:)``).
    public func dampedSolve(
        _ gradient: [Scalar], damping: Scalar, preconditioner: some LinearOperator<Scalar>,
        options: KrylovOptions<Scalar> = KrylovOptions()
    ) throws -> KrylovSolution<Scalar> {
        guard damping >= 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "GaussNewtonOperator.dampedSolve", detail: "damping λ=\(damping) must be ≥ 0")
        }
        let shifted = try ShiftedOperator(self, shift: damping)
        return try ConjugateGradients(options: options).solve(shifted, Matrix(column: gradient), preconditioner: preconditioner)
    }

    /// As ``dampedSolve(_:damping:preconditioner:options:)`` without a preconditioner.
    /// - Complexity: per iteration one GGN-vector product.
    /// - Throws: as ``dampedSolve(_:damping:preconditioner:options:)``.
    public func dampedSolve(_ gradient: [Scalar], damping: Scalar, options: KrylovOptions<Scalar> = KrylovOptions())
        throws -> KrylovSolution<Scalar> {
        try dampedSolve(gradient, damping: damping, preconditioner: IdentityOperator<Scalar>(order: rows), options: options)
    }

    /// How far an approximate direction `d` (e.g. K-FAC's preconditioned gradient) is from the
    /// exact damped Gauss–Newton direction `x = (G + λI)⁻¹·∇`: `‖d − x‖₂ / ‖x‖₂`, with `x` from
    /// ``dampedSolve(_:damping:preconditioner:options:)``. The solve's own error, at most
    /// `κ(G + λI)·τ` relative, bounds what the measure can resolve.
    /// - Returns: the relative error and the solve (its solution and iteration count).
    /// - Complexity: as the solve.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `d` and
    ///   `∇` have `P` entries; as the solve.
    public func relativeDirectionError(
        _ direction: [Scalar], gradient: [Scalar], damping: Scalar,
        preconditioner: some LinearOperator<Scalar>, options: KrylovOptions<Scalar> = KrylovOptions()
    ) throws -> (relativeError: Scalar, exact: KrylovSolution<Scalar>) {
        guard direction.count == rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "GaussNewtonOperator.relativeDirectionError", expected: "a direction of \(rows) parameters",
                actual: "\(direction.count) entries")
        }
        let exact = try dampedSolve(gradient, damping: damping, preconditioner: preconditioner, options: options)
        var difference = direction
        let solution = exact.solution.elements
        try difference.add(solution, scaledBy: -1)
        let norm = solution.norm2
        return (norm > 0 ? difference.norm2 / norm : difference.norm2, exact)
    }
}
