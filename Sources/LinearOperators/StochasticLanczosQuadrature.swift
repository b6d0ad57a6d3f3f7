import DenseLinearAlgebra

/// Stochastic Lanczos quadrature: `log det A = tr(log A)` of a symmetric positive definite
/// operator from matrix-vector products only [Ubaru, Chen, Saad 2017].
///
/// For each of `m` Rademacher probes `z` (`‖z‖² = n`), `k` Lanczos steps from `z/‖z‖` give a
/// tridiagonal `T_k = U·diag(θ)·Uᵀ`, and `zᵀ·log(A)·z ≈ n·Σⱼ u₁ⱼ²·log θⱼ` (Gauss quadrature with
/// the Ritz values as nodes); the estimate is the mean over the probes. The Lanczos basis is
/// fully reorthogonalised (`O(n·k²)` per probe), so the Ritz values do not repeat.
///
/// - Complexity: `m·k` products with `A`, `O(m·n·k²)` flops for the reorthogonalisation.
/// - Accuracy: the quadrature error falls like `((√κ − 1)/(√κ + 1))^{2k}`; what remains is
///   Hutchinson's variance on `log A`, `(2/m)(‖log A‖_F² − Σ (log A)ᵢᵢ²)`.
public struct StochasticLanczosQuadrature<Scalar: LinearAlgebraScalar>: Sendable {
    /// `m`, the number of probe vectors.
    public let probes: Int
    /// `k`, the Lanczos steps per probe (at most `n` are taken).
    public let steps: Int

    /// An estimator with `m` probes of `k` steps each.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `m < 1` or `k < 1`.
    @inlinable
    public init(probes: Int, steps: Int) throws {
        guard probes >= 1, steps >= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "StochasticLanczosQuadrature", detail: "probes m=\(probes) and steps k=\(steps) must be at least 1")
        }
        self.probes = probes
        self.steps = steps
    }

    /// The estimate of `log det A` for symmetric positive definite `A`.
    /// - Complexity: see the type.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `A` is
    ///   square, ``/DenseLinearAlgebra/LinearAlgebraError/notPositiveDefinite(operation:minor:)`` when a Lanczos
    ///   tridiagonal is not positive definite (then neither is `A`), ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   when a product with `A` is NaN or ∞, and as `A`'s products.
    @inlinable
    public func logDeterminant(_ a: some LinearOperator<Scalar>,
                               using generator: inout some RandomNumberGenerator) throws -> Scalar {
        let operation = "StochasticLanczosQuadrature.logDeterminant"
        try a.requireSquare(operation)
        let n = a.rows
        guard n > 0 else { return 0 }
        var total: Scalar = 0
        for _ in 0..<probes {
            let signs = try Matrix<Scalar>.randomSigns(rows: n, columns: 1, using: &generator).elements
            total += try Self.quadrature(a, start: signs, steps: Swift.min(steps, n), operation: operation)
        }
        return Scalar(n) * total / Scalar(probes)
    }

    /// `Σⱼ u₁ⱼ²·log θⱼ` for the Lanczos tridiagonal of `A` from `start/‖start‖`.
    @inlinable
    static func quadrature(_ a: some LinearOperator<Scalar>, start: [Scalar], steps: Int,
                           operation: String) throws -> Scalar {
        var basis: [[Scalar]] = [start.map { $0 / start.norm2 }]
        var alphas: [Scalar] = [], betas: [Scalar] = []
        var scale: Scalar = 0
        for j in 0..<steps {
            var w = try a.apply(to: Matrix(column: basis[j])).elements
            let alpha = try basis[j].dot(w)
            // NaN or ∞ in A would otherwise surface as a failed Cholesky of the tridiagonal.
            guard alpha.isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "A·q") }
            alphas.append(alpha)
            // Full reorthogonalisation (twice is enough [Parlett 1998, §6.9]).
            for _ in 0..<2 {
                for v in basis { try w.add(v, scaledBy: -(try v.dot(w))) }
            }
            let beta = w.norm2
            scale = Swift.max(scale, abs(alpha) + beta)
            guard j + 1 < steps, beta > Scalar.ulpOfOne * scale else { break }
            betas.append(beta)
            basis.append(w.map { $0 / beta })
        }
        let k = alphas.count
        let tridiagonal = try Matrix<Scalar>(rows: k, columns: k) { i, c in
            i == c ? alphas[i] : (abs(i - c) == 1 ? betas[Swift.min(i, c)] : 0)
        }
        do {
            _ = try CholeskyFactorization(tridiagonal)
        } catch LinearAlgebraError.notPositiveDefinite(_, let minor) {
            throw LinearAlgebraError.notPositiveDefinite(operation: operation, minor: minor)
        }
        // T is symmetric positive definite: its SVD is its eigendecomposition.
        let svd = try SingularValueDecomposition(tridiagonal)
        return (0..<k).reduce(Scalar(0)) { sum, j in
            sum + svd.u[0, j] * svd.u[0, j] * Scalar.log(svd.singularValues[j])
        }
    }
}
