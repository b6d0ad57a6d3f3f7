import DenseLinearAlgebra

/// The stopping rule of the Krylov solvers (``ConjugateGradients``, ``MinimumResidual``):
/// stop when the solver's residual is at most `τ` times the right-hand side's, or after the
/// iteration limit (which throws).
public struct KrylovOptions<Scalar: LinearAlgebraScalar>: Sendable, Hashable {
    /// `τ`: stop when `‖r‖ ≤ τ·‖b‖` (in the solver's norm).
    public var relativeTolerance: Scalar
    /// The most iterations per column; `nil` for `max(2n, 10)`.
    public var maximumIterations: Int?

    /// The stopping rule, by default `τ = √eps` and `max(2n, 10)` iterations.
    @inlinable
    public init(relativeTolerance: Scalar = Scalar.ulpOfOne.squareRoot(), maximumIterations: Int? = nil) {
        self.relativeTolerance = relativeTolerance
        self.maximumIterations = maximumIterations
    }

    /// The iteration limit for order `n`. - Complexity: `O(1)`.
    @inlinable
    public func iterationLimit(order n: Int) -> Int { maximumIterations ?? Swift.max(2 * n, 10) }

    /// Throws unless `τ ∈ (0, 1)` and the maximum is at least 1.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` naming `operation`.
    @inlinable
    public func validate(_ operation: String) throws {
        guard relativeTolerance > 0, relativeTolerance < 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "relative tolerance τ=\(relativeTolerance) must be in (0, 1)")
        }
        if let maximum = maximumIterations, maximum < 1 {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "maximum iterations \(maximum) must be at least 1")
        }
    }
}
