import DenseLinearAlgebra

/// The identity `I_n`: the preconditioner of unpreconditioned conjugate gradients and the
/// unit of the compositions.
public struct IdentityOperator<Scalar: LinearAlgebraScalar>: SymmetricOperator, SolvableOperator,
    LogDeterminantOperator
{
    /// The order `n`.
    public let order: Int

    /// `I_n`. - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidSize(operation:argument:value:)`` for `n < 0`.
    @inlinable
    public init(order: Int) throws {
        guard order >= 0 else { throw LinearAlgebraError.invalidSize(operation: "IdentityOperator", argument: "order", value: order) }
        self.order = order
    }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { order }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { order }

    /// `X` itself. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X`
    ///   has `n` rows.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: order, "IdentityOperator.apply")
        return x
    }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public func trace() throws -> Scalar { Scalar(order) }
    /// `n` ones. - Complexity: `O(n)`.
    @inlinable public func diagonalEntries() throws -> [Scalar] { Array(repeating: 1, count: order) }
    /// `B` itself. - Complexity: `O(1)`. - Throws: as ``apply(to:)``.
    @inlinable public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> { try apply(to: b) }
    /// `(0, 1)`. - Complexity: `O(1)`.
    @inlinable public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) { (0, 1) }
}
