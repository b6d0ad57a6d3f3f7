import DenseLinearAlgebra

/// MINRES for `A·x = b` with a symmetric, possibly indefinite `A`, preconditioned by any
/// symmetric positive definite operator `M ≈ A⁻¹` [Paige & Saunders 1975]: the iterate
/// minimises the `M`-norm of the residual over the Krylov space, updated by Givens rotations
/// of the Lanczos tridiagonal (three-term recurrences, `O(n)` memory).
///
/// Each column of `B` is solved from `x₀ = 0` and stops when the recurrence's residual norm
/// `‖r‖_M` is at most `τ·‖b‖_M` (`‖v‖_M = √(vᵀMv)`; the 2-norm without a preconditioner).
///
/// - Complexity: per iteration one product with `A`, one with `M`, and `O(n)` flops.
public struct MinimumResidual<Scalar: LinearAlgebraScalar>: KrylovSolver {
    /// The stopping rule.
    public let options: KrylovOptions<Scalar>

    /// The name errors carry.
    public static var operation: String { "MinimumResidual.solve" }

    /// MINRES with `options`.
    /// - Throws: as ``KrylovOptions/validate(_:)``.
    @inlinable
    public init(options: KrylovOptions<Scalar> = KrylovOptions()) throws {
        try options.validate("MinimumResidual")
        self.options = options
    }

    /// One column from `x₀ = 0` (the recurrences of Paige & Saunders' MINRES).
    /// - Complexity: per iteration one product with `A`, one with `M`, and `O(n)` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `rᵀMr < 0`
    ///   (`M` not positive definite),
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/toleranceNotMet(operation:requested:achieved:reason:)`` when
    ///   `limit` is reached first; and as the operators' products.
    @inlinable
    public func solveColumn(
        _ a: some LinearOperator<Scalar>, _ b: [Scalar], _ m: some LinearOperator<Scalar>, limit: Int
    ) throws -> (x: [Scalar], iterations: Int, relativeResidual: Scalar) {
        let operation = Self.operation
        let n = b.count
        var x = [Scalar](repeating: 0, count: n)
        var r1 = b, r2 = b
        var y = try m.apply(to: Matrix(column: b)).elements
        let beta1 = try mNorm(r1, y, operation)
        guard beta1 > 0 else { return (x, 0, 0) }
        var (oldBeta, beta): (Scalar, Scalar) = (0, beta1)
        var (dBar, epsilon, phiBar): (Scalar, Scalar, Scalar) = (0, 0, beta1)
        var (cosine, sine): (Scalar, Scalar) = (-1, 0)
        var w = [Scalar](repeating: 0, count: n), w2 = w
        for iteration in 1...limit {
            let v = y.map { $0 / beta }
            y = try a.apply(to: Matrix(column: v)).elements
            if iteration >= 2 { try y.add(r1, scaledBy: -beta / oldBeta) }
            let alpha = try v.dot(y)
            try y.add(r2, scaledBy: -alpha / beta)
            r1 = r2
            r2 = y
            y = try m.apply(to: Matrix(column: r2)).elements
            oldBeta = beta
            beta = try mNorm(r2, y, operation)
            // Apply the previous rotation, then build the next one to annihilate β.
            let oldEpsilon = epsilon
            let delta = cosine * dBar + sine * alpha
            let gBar = sine * dBar - cosine * alpha
            epsilon = sine * beta
            dBar = -cosine * beta
            let gamma = Swift.max((gBar * gBar + beta * beta).squareRoot(), Scalar.ulpOfOne)
            cosine = gBar / gamma
            sine = beta / gamma
            let phi = cosine * phiBar
            phiBar *= sine
            let w1 = w2
            w2 = w
            for i in 0..<n { w[i] = (v[i] - oldEpsilon * w1[i] - delta * w2[i]) / gamma }
            try x.add(w, scaledBy: phi)
            if phiBar <= options.relativeTolerance * beta1 || beta == 0 {
                return (x, iteration, phiBar / beta1)
            }
        }
        throw LinearAlgebraError.toleranceNotMet(
            operation: operation, requested: Double(options.relativeTolerance), achieved: Double(phiBar / beta1),
            reason: "the iteration limit \(limit) was reached")
    }

    /// `√(rᵀ·(M·r))`, throwing for a negative value (an indefinite preconditioner).
    @inlinable
    func mNorm(_ r: [Scalar], _ mr: [Scalar], _ operation: String) throws -> Scalar {
        let squared = try r.dot(mr)
        guard squared >= 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "the preconditioner is not positive definite (rᵀMr = \(squared))")
        }
        return squared.squareRoot()
    }
}
