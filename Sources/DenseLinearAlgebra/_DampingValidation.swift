/// Throws ``LinearAlgebraError/invalidArgument(operation:detail:)`` unless the damping `λ` of
/// `M + λI` is finite and `≥ 0`: the one rule of every entry point that takes a damping
/// (SymmetricEigen's and KroneckerOperators' damped inverses, the damping split). A negative
/// `λ` is no damping: it moves eigenvalues towards zero and can make the shifted matrix
/// singular or indefinite. Shifts that may be negative (a Kronecker sum's `σ`) do not use it.
/// - Complexity: `O(1)`.
@inlinable
package func requireValidDamping<Scalar: LinearAlgebraScalar>(_ lambda: Scalar, operation: String) throws {
    guard lambda.isFinite, lambda >= 0 else {
        throw LinearAlgebraError.invalidArgument(operation: operation, detail: "damping λ = \(lambda) must be finite and ≥ 0")
    }
}
