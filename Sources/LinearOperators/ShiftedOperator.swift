import DenseLinearAlgebra

/// The lazy diagonal shift `A + λ·I` of a square operator (damping, a Tikhonov term).
public struct ShiftedOperator<Base: LinearOperator>: LinearOperator {
    /// The scalar type of the base.
    public typealias Scalar = Base.Scalar
    /// `A`.
    public let base: Base
    /// `λ`.
    public let shift: Scalar

    /// `A + λ·I`. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `A`
    ///   is square, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ `λ`.
    @inlinable
    public init(_ base: Base, shift: Scalar) throws {
        try base.requireSquare("ShiftedOperator")
        guard shift.isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: "ShiftedOperator", argument: "λ") }
        self.base = base
        self.shift = shift
    }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { base.rows }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { base.columns }

    /// `A·X + λ·X`. - Complexity: the base's product and `n·k` multiply-adds.
    /// - Throws: as the base's ``LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var result = try base.apply(to: x)
        try result.add(x, scaledBy: shift)
        return result
    }

    /// `Aᵀ·X + λ·X`. - Complexity: the base's transposed product and `n·k` multiply-adds.
    /// - Throws: as the base's ``LinearOperator/applyTransposed(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var result = try base.applyTransposed(to: x)
        try result.add(x, scaledBy: shift)
        return result
    }

    /// `tr A + n·λ`. - Complexity: the base's trace. - Throws: as the base's ``LinearOperator/trace()``.
    @inlinable
    public func trace() throws -> Scalar { try base.trace() + Scalar(rows) * shift }

    /// `diag A + λ`. - Complexity: the base's diagonal.
    /// - Throws: as the base's ``LinearOperator/diagonalEntries()``.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] { try base.diagonalEntries().map { $0 + shift } }
}

extension ShiftedOperator: SymmetricOperator where Base: SymmetricOperator {}
