import DenseLinearAlgebra

/// A Krylov solver's solution and how it was reached.
public struct KrylovSolution<Scalar: LinearAlgebraScalar>: Sendable {
    /// `X` with `A·X ≈ B`.
    public let solution: Matrix<Scalar>
    /// The iterations each column took.
    public let iterations: [Int]
    /// The relative residual of each column at the stop, in the solver's norm (`0` for `bⱼ = 0`).
    public let relativeResiduals: [Scalar]

    /// The result of a solve. - Complexity: `O(1)`.
    @inlinable
    public init(solution: Matrix<Scalar>, iterations: [Int], relativeResiduals: [Scalar]) {
        self.solution = solution
        self.iterations = iterations
        self.relativeResiduals = relativeResiduals
    }

}
