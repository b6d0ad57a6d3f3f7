import DenseLinearAlgebra

/// A Krylov solver for `A·X = B` written once for every ``LinearOperator``: the conformer
/// supplies its stopping rule and the iteration for one column; the validation of the
/// operands and the column loop are shared (``ConjugateGradients``, ``MinimumResidual``).
public protocol KrylovSolver<Scalar>: Sendable {
    /// The scalar of the operators and right-hand sides.
    associatedtype Scalar: LinearAlgebraScalar

    /// The stopping rule.
    var options: KrylovOptions<Scalar> { get }

    /// The name errors carry, such as `"ConjugateGradients.solve"`.
    static var operation: String { get }

    /// Solves `A·x = b` for one column from `x₀ = 0`, preconditioned by `M`, in at most `limit`
    /// iterations; returns the iterate, the iterations taken and the relative residual in the
    /// solver's norm. The operands are already validated (square, conforming, finite `b`).
    /// - Complexity: per iteration one product with `A` and one with `M`, and `O(n)` flops.
    /// - Throws: the solver's breakdowns (an indefinite `A` or `M`),
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/toleranceNotMet(operation:requested:achieved:reason:)`` when the
    ///   limit is reached first, and what the operators' products throw.
    func solveColumn(
        _ a: some LinearOperator<Scalar>, _ b: [Scalar], _ m: some LinearOperator<Scalar>, limit: Int
    ) throws -> (x: [Scalar], iterations: Int, relativeResidual: Scalar)
}

extension KrylovSolver {
    /// Solves `A·X = B` without a preconditioner.
    /// - Complexity: as ``solve(_:_:preconditioner:)`` with the identity.
    /// - Throws: as ``solve(_:_:preconditioner:)``.
    @inlinable
    public func solve(_ a: some LinearOperator<Scalar>, _ b: Matrix<Scalar>) throws -> KrylovSolution<Scalar> {
        try solve(a, b, preconditioner: IdentityOperator<Scalar>(order: a.rows))
    }

    /// Solves `A·X = B` column by column, preconditioned by the symmetric positive definite
    /// `M ≈ A⁻¹`.
    /// - Complexity: per iteration and column one product with `A` and one with `M`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `A`
    ///   and `M` are square of `B`'s row count, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   for NaN/∞ in `B`, and as ``solveColumn(_:_:_:limit:)``; when the iteration limit is reached
    ///   and `A` proves not symmetric on a probe (two more products), the error's reason says so.
    @inlinable
    public func solve(
        _ a: some LinearOperator<Scalar>, _ b: Matrix<Scalar>, preconditioner m: some LinearOperator<Scalar>
    ) throws -> KrylovSolution<Scalar> {
        let operation = Self.operation
        try a.requireSquare(operation + " (A)")
        try m.requireSquare(operation + " (preconditioner)")
        try a.requireOperand(b, rows: a.rows, operation)
        try m.requireOperand(b, rows: m.rows, operation + " (preconditioner)")
        try b.requireFinite(operation, argument: "B")
        let limit = options.iterationLimit(order: a.rows)
        var solution = try Matrix<Scalar>(rows: a.rows, columns: b.columns)
        var iterations: [Int] = []
        var residuals: [Scalar] = []
        for j in 0..<b.columns {
            let column = try b.column(j)
            let (x, count, relative): ([Scalar], Int, Scalar)
            do {
                (x, count, relative) = try solveColumn(a, column, m, limit: limit)
            } catch let LinearAlgebraError.toleranceNotMet(operation, requested, achieved, reason) {
                let symmetry = try Self.asymmetry(of: a, probing: column).map {
                    "; A is not symmetric (uᵀAv and vᵀAu differ by \($0) relative), and the method needs it to be"
                } ?? ""
                throw LinearAlgebraError.toleranceNotMet(operation: operation, requested: requested, achieved: achieved,
                                                         reason: reason + symmetry)
            }
            try solution.setColumn(j, to: x)
            iterations.append(count)
            residuals.append(relative)
        }
        return KrylovSolution(solution: solution, iterations: iterations, relativeResiduals: residuals)
    }

    /// `|uᵀAv − vᵀAu| / (‖u‖‖Av‖ + ‖v‖‖Au‖)` for `u` and a fixed `v` of alternating, growing entries,
    /// when it exceeds `√eps` (rounding in a symmetric product stays far below); nil otherwise.
    /// - Complexity: two products with `A`.
    @inlinable
    static func asymmetry(of a: some LinearOperator<Scalar>, probing u: [Scalar]) throws -> Scalar? {
        let n = u.count
        let v = (0..<n).map { k -> Scalar in
            let magnitude = Scalar(k + 1) / Scalar(n)
            return k % 2 == 0 ? magnitude : -magnitude
        }
        let au = try a.apply(to: Matrix(column: u)).elements
        let av = try a.apply(to: Matrix(column: v)).elements
        let scale = u.norm2 * av.norm2 + v.norm2 * au.norm2
        guard scale > 0 else { return nil }
        let gap = abs(try u.dot(av) - v.dot(au)) / scale
        return gap > Scalar.ulpOfOne.squareRoot() ? gap : nil
    }
}
