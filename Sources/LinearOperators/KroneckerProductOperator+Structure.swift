import DenseLinearAlgebra

/// `A ⊗ B` of any two operators as a ``KroneckerProductOperator`` (applied through each
/// factor's own product on the reshaped block).
///
/// Structure-keeping overloads win where both factors have a structure whose Kronecker product
/// is that structure again (`StructuredFactors` adds `DiagonalMatrix ⊗ DiagonalMatrix`, a
/// diagonal). Overloads are chosen by the compiler from the static types, so in code generic
/// over the factors this generic form is the one that runs.
/// - Complexity: `O(1)`.
/// - Throws: as ``KroneckerProductOperator/init(_:_:)``.
@inlinable
public func kroneckerProduct<First: LinearOperator, Second: LinearOperator>(
    _ first: First, _ second: Second
) throws -> KroneckerProductOperator<First, Second> where First.Scalar == Second.Scalar {
    try KroneckerProductOperator(first, second)
}

extension KroneckerProductOperator
where First: SolvableOperator & SymmetricOperator, Second: SolvableOperator & SymmetricOperator {
    /// `(A ⊗ B)⁻¹ = A⁻¹ ⊗ B⁻¹`: the inverse of a Kronecker product of symmetric solvable
    /// operators as the Kronecker product of the lazy inverses, so it is applied by the factors'
    /// solves (`vec(B⁻¹·X·A⁻¹)`) and keeps every Kronecker query (trace `tr A⁻¹·tr B⁻¹`, ...).
    /// - Complexity: `O(1)`.
    /// - Throws: as ``InverseOperator/init(_:)`` for either factor.
    @inlinable
    public func inverse() throws -> KroneckerProductOperator<InverseOperator<First>, InverseOperator<Second>> {
        try KroneckerProductOperator<InverseOperator<First>, InverseOperator<Second>>(
            InverseOperator(first), InverseOperator(second))
    }
}
