import DenseLinearAlgebra

/// The lazy inverse `A⁻¹` of a symmetric solvable operator: its product is the base's solve.
/// Restricted to symmetric operators because `A⁻ᵀ = A⁻¹` needs no transposed solve; a
/// Kronecker product of such inverses is a Kronecker-factored preconditioner.
public struct InverseOperator<Base: SolvableOperator & SymmetricOperator>: SymmetricOperator, SolvableOperator {
    /// The scalar type of the base.
    public typealias Scalar = Base.Scalar
    /// `A`.
    public let base: Base

    /// `A⁻¹`. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `A` is
    ///   square.
    @inlinable
    public init(_ base: Base) throws {
        try base.requireSquare("InverseOperator")
        self.base = base
    }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { base.rows }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { base.columns }

    /// `A⁻¹·X`. - Complexity: the base's solve. - Throws: as the base's ``SolvableOperator/solve(_:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try base.solve(x) }

    /// `(A⁻¹)⁻¹·B = A·B`. - Complexity: the base's product. - Throws: as the base's ``LinearOperator/apply(to:)``.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> { try base.apply(to: b) }
}

extension InverseOperator: LogDeterminantOperator where Base: LogDeterminantOperator {
    /// `−log|det A|`, the same sign. - Complexity: the base's determinant.
    /// - Throws: as the base's ``LogDeterminantOperator/logAbsoluteDeterminant()``.
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        let (logAbs, sign) = try base.logAbsoluteDeterminant()
        return (-logAbs, sign)
    }
}
