import DenseLinearAlgebra
import LinearOperators

/// `diag(a) ⊗ diag(b) = diag(a ⊗ b)`: the Kronecker product of two diagonal matrices is the
/// diagonal matrix of the Kronecker product of their diagonals (entry `i·n_b + j` is
/// `aᵢ·b_j`, the index convention of ``/LinearOperators/KroneckerProductOperator``). This
/// overload of ``/LinearOperators/kroneckerProduct(_:_:)`` keeps the structure: the result is
/// stored in `n_a·n_b` scalars and applied in `O(n_a·n_b·k)`.
/// - Complexity: `n_a·n_b` multiplications.
/// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `n_a·n_b` overflows
///   `Int`, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` when a product `aᵢ·b_j`
///   overflows.
@inlinable
public func kroneckerProduct<Scalar: LinearAlgebraScalar>(
    _ first: DiagonalMatrix<Scalar>, _ second: DiagonalMatrix<Scalar>
) throws -> DiagonalMatrix<Scalar> {
    guard !first.order.multipliedReportingOverflow(by: second.order).overflow else {
        throw LinearAlgebraError.invalidArgument(
            operation: "kroneckerProduct(DiagonalMatrix, DiagonalMatrix)",
            detail: "the order \(first.order)·\(second.order) overflows Int")
    }
    return try DiagonalMatrix(diagonal: first.diagonal.flatMap { a in second.diagonal.map { a * $0 } })
}
