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

    /// Validates `A`, `M` and `B` for a Krylov solve and solves column by column with `column`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `A`
    ///   and `M` are square of `B`'s row count, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   for NaN/∞ in `B`, and what `column` throws.
    @inlinable
    static func solvingColumns(
        of b: Matrix<Scalar>, _ a: some LinearOperator<Scalar>, _ m: some LinearOperator<Scalar>, _ operation: String,
        column: ([Scalar]) throws -> (x: [Scalar], iterations: Int, relativeResidual: Scalar)
    ) throws -> KrylovSolution {
        try a.requireSquare(operation + " (A)")
        try m.requireSquare(operation + " (preconditioner)")
        try a.requireOperand(b, rows: a.rows, operation)
        try m.requireOperand(b, rows: m.rows, operation + " (preconditioner)")
        try b.requireFinite(operation, argument: "B")
        var solution = try Matrix<Scalar>(rows: a.rows, columns: b.columns)
        var iterations: [Int] = []
        var residuals: [Scalar] = []
        for j in 0..<b.columns {
            let (x, count, relative) = try column(b.column(j))
            try solution.setColumn(j, to: x)
            iterations.append(count)
            residuals.append(relative)
        }
        return KrylovSolution(solution: solution, iterations: iterations, relativeResiduals: residuals)
    }
}
