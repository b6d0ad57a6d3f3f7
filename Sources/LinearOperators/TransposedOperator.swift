import DenseLinearAlgebra

/// The lazy transpose `Aᵀ`: its products are the base's transposed products.
public struct TransposedOperator<Base: LinearOperator>: LinearOperator {
    /// The scalar type of the base.
    public typealias Scalar = Base.Scalar
    /// `A`.
    public let base: Base

    /// `Aᵀ`. - Complexity: `O(1)`.
    @inlinable
    public init(_ base: Base) { self.base = base }

    /// `n`, the base's columns. - Complexity: `O(1)`.
    @inlinable public var rows: Int { base.columns }
    /// `m`, the base's rows. - Complexity: `O(1)`.
    @inlinable public var columns: Int { base.rows }

    /// `Aᵀ·X`. - Complexity: the base's transposed product.
    /// - Throws: as the base's ``LinearOperator/applyTransposed(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try base.applyTransposed(to: x) }

    /// `A·X`. - Complexity: the base's product. - Throws: as the base's ``LinearOperator/apply(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try base.apply(to: x) }

    /// `tr A`. - Complexity: the base's trace. - Throws: as the base's ``LinearOperator/trace()``.
    @inlinable
    public func trace() throws -> Scalar { try base.trace() }

    /// `diag A`. - Complexity: the base's diagonal. - Throws: as the base's ``LinearOperator/diagonalEntries()``.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] { try base.diagonalEntries() }
}

extension TransposedOperator: LogDeterminantOperator where Base: LogDeterminantOperator {
    /// `det Aᵀ = det A`. - Complexity: the base's determinant.
    /// - Throws: as the base's ``LogDeterminantOperator/logAbsoluteDeterminant()``.
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) { try base.logAbsoluteDeterminant() }
}
