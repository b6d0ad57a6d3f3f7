import DenseLinearAlgebra
import LinearOperators

/// Every ``StructuredMatrix`` is a square ``/LinearOperators/LinearOperator`` of order `n`: each
/// structure implements ``/LinearOperators/LinearOperator/apply(to:)`` and (where faster than the
/// dense fallback) ``/LinearOperators/LinearOperator/applyTransposed(to:)``; its `trace()` is the
/// structure's (a requirement of the operator protocol, `O(n)` for most structures), and `dense()`
/// is the structure's.
extension StructuredMatrix {
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { order }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { order }
}

// The structures that solve exactly are solvable operators through their own solves.

/// Solves by the Sherman–Morrison–Woodbury identity, the determinant by the determinant lemma.
extension LowRankPlusDiagonal: SolvableOperator, LogDeterminantOperator {}

/// Solves by the FFT products with the Newton-doubling inverse.
extension LowerTriangularToeplitz: SolvableOperator {}

/// Solves by the FFT products with the Newton-doubling inverse of the transpose.
extension UpperTriangularToeplitz: SolvableOperator {}
