import DenseLinearAlgebra

/// `(Σ log|vᵣ|, Π sign(vᵣ))`: the log-determinant of an operator from its eigenvalues, shared
/// with KroneckerOperators. A zero value throws
/// ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` with its 1-based index.
/// - Complexity: `O(count)`.
@inlinable
package func logAbsoluteProduct<Scalar: LinearAlgebraScalar>(
    _ values: some Sequence<Scalar>, operation: String
) throws -> (logAbs: Scalar, sign: Scalar) {
    var (logAbs, sign): (Scalar, Scalar) = (0, 1)
    for (index, value) in values.enumerated() {
        guard value != 0 else { throw LinearAlgebraError.singularEigenvalue(operation: operation, index: index + 1, value: 0) }
        logAbs += Scalar.log(abs(value))
        if value < 0 { sign = -sign }
    }
    return (logAbs, sign)
}
