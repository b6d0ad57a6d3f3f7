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

/// `min|vᵣ|/max|vᵣ|`: of a symmetric matrix's eigenvalues, its exact reciprocal 2-norm condition
/// number (1 for no values, 0 when all are zero).
/// - Complexity: `O(count)`.
@inlinable
package func reciprocalCondition<Scalar: LinearAlgebraScalar>(ofEigenvalues values: [Scalar]) -> Scalar {
    guard let first = values.first else { return 1 }
    var (smallest, largest) = (abs(first), abs(first))
    for value in values.dropFirst() {
        smallest = Swift.min(smallest, abs(value))
        largest = Swift.max(largest, abs(value))
    }
    return largest > 0 ? smallest / largest : 0
}

/// The rule of an LU solve for the undamped solves in an eigenbasis: throws
/// ``/DenseLinearAlgebra/LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` when
/// `reciprocalCondition` is positive and below `eps`, where `1/dᵢ` amplifies the decomposition's
/// rounding (about `n·eps·max|dⱼ|`) beyond the solution's size. Zero is left to
/// ``reciprocalsOfShifted(_:shift:minus:operation:)``, whose error names the eigenvalue.
/// - Complexity: `O(1)`.
@inlinable
package func requireNumericallyNonsingular<Scalar: LinearAlgebraScalar>(
    reciprocalCondition: Scalar, operation: String
) throws {
    guard reciprocalCondition == 0 || reciprocalCondition >= Scalar.ulpOfOne else {
        throw LinearAlgebraError.numericallySingular(operation: operation, reciprocalCondition: Double(reciprocalCondition))
    }
}
