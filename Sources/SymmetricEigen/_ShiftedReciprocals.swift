import DenseLinearAlgebra

/// `1/(vᵣ + shift) − offset` for every `vᵣ`: the coefficients of a (damped) inverse
/// applied in an eigenbasis, shared with KroneckerOperators.
///
/// A shifted value whose reciprocal is not finite — exactly zero, or subnormal so
/// that `1/x` overflows — makes the shifted matrix numerically singular; that throws
/// ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` with the 1-based index `r`,
/// rather than returning a result full of ±∞.
/// - Complexity: `O(count)`, one allocation.
@inlinable
package func reciprocalsOfShifted<Scalar: LinearAlgebraScalar>(
    _ values: [Scalar], shift: Scalar, minus offset: Scalar = 0, operation: String
) throws -> [Scalar] {
    var result = values
    try result.withUnsafeMutableBufferPointer { buffer in
        for r in 0..<buffer.count {
            let reciprocal = 1 / (buffer[r] + shift)
            guard reciprocal.isFinite else {
                throw LinearAlgebraError.singularEigenvalue(operation: operation, index: r + 1,
                                                            value: Double(buffer[r] + shift))
            }
            buffer[r] = reciprocal - offset
        }
    }
    return result
}

/// `1/λ`, the coefficient of the complement `X/λ` in the damped inverse of a partial
/// decomposition; throws ``/DenseLinearAlgebra/LinearAlgebraError/singularEigenvalue(operation:index:value:)`` with index
/// `captured + 1` (the first direction outside the captured subspace) when it is not finite.
/// - Complexity: `O(1)`.
@inlinable
package func complementCoefficient<Scalar: LinearAlgebraScalar>(
    damping lambda: Scalar, captured: Int, operation: String
) throws -> Scalar {
    let reciprocal = 1 / lambda
    guard reciprocal.isFinite else {
        throw LinearAlgebraError.singularEigenvalue(operation: operation, index: captured + 1, value: Double(lambda))
    }
    return reciprocal
}
