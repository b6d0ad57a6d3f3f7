import DenseLinearAlgebra

/// The lazy sum `A + B` of two operators of the same shape: products are the sums of the
/// summands' products, nothing is formed.
public struct SumOperator<First: LinearOperator, Second: LinearOperator>: LinearOperator
where First.Scalar == Second.Scalar {
    /// The scalar type of both summands.
    public typealias Scalar = First.Scalar
    /// `A`.
    public let first: First
    /// `B`.
    public let second: Second

    /// `A + B`. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless both
    ///   have the same shape.
    @inlinable
    public init(_ first: First, _ second: Second) throws {
        guard first.rows == second.rows, first.columns == second.columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "SumOperator", expected: "B of \(first.rows)×\(first.columns) like A",
                actual: "\(second.rows)×\(second.columns)")
        }
        self.first = first
        self.second = second
    }

    /// `m`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { first.rows }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { first.columns }

    /// `A·X + B·X`. - Complexity: both products and `m·k` additions.
    /// - Throws: as the summands' ``LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var result = try first.apply(to: x)
        try result.add(second.apply(to: x), scaledBy: 1)
        return result
    }

    /// `Aᵀ·X + Bᵀ·X`. - Complexity: both products and `n·k` additions.
    /// - Throws: as the summands' ``LinearOperator/applyTransposed(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var result = try first.applyTransposed(to: x)
        try result.add(second.applyTransposed(to: x), scaledBy: 1)
        return result
    }

    /// `tr A + tr B`, each by its structure's fast path. - Complexity: both traces.
    /// - Throws: as the summands' ``LinearOperator/trace()``.
    @inlinable
    public func trace() throws -> Scalar { try first.trace() + second.trace() }

    /// `diag A + diag B`. - Complexity: both diagonals.
    /// - Throws: as the summands' ``LinearOperator/diagonalEntries()``.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] {
        zip(try first.diagonalEntries(), try second.diagonalEntries()).map { $0 + $1 }
    }
}

extension SumOperator: SymmetricOperator where First: SymmetricOperator, Second: SymmetricOperator {}
