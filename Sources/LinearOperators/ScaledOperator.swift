import DenseLinearAlgebra

/// The lazy scaling `α·A`.
public struct ScaledOperator<Base: LinearOperator>: LinearOperator {
    /// The scalar type of the base.
    public typealias Scalar = Base.Scalar
    /// `A`.
    public let base: Base
    /// `α`.
    public let scale: Scalar

    /// `α·A`. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ `α`.
    @inlinable
    public init(_ scale: Scalar, _ base: Base) throws {
        guard scale.isFinite else { throw LinearAlgebraError.nonFiniteInput(operation: "ScaledOperator", argument: "α") }
        self.base = base
        self.scale = scale
    }

    /// `m`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { base.rows }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { base.columns }

    /// `α·(A·X)`. - Complexity: the base's product and `m·k` multiplications.
    /// - Throws: as the base's ``LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try base.apply(to: x).scaled(by: scale) }

    /// `α·(Aᵀ·X)`. - Complexity: the base's product and `n·k` multiplications.
    /// - Throws: as the base's ``LinearOperator/applyTransposed(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try base.applyTransposed(to: x).scaled(by: scale)
    }

    /// `α·tr A`. - Complexity: the base's trace. - Throws: as the base's ``LinearOperator/trace()``.
    @inlinable
    public func trace() throws -> Scalar { try scale * base.trace() }

    /// `α·diag A`. - Complexity: the base's diagonal.
    /// - Throws: as the base's ``LinearOperator/diagonalEntries()``.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] { try base.diagonalEntries().map { scale * $0 } }
}

extension ScaledOperator: SymmetricOperator where Base: SymmetricOperator {}

extension ScaledOperator: SolvableOperator where Base: SolvableOperator {
    /// `(α·A)⁻¹·B = A⁻¹·B / α`. - Complexity: the base's solve.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` for `α = 0`, and as the
    ///   base's ``SolvableOperator/solve(_:)``.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard scale != 0 else { throw LinearAlgebraError.singularMatrix(operation: "ScaledOperator.solve (α = 0)", index: 1) }
        return try base.solve(b).scaled(by: 1 / scale)
    }
}

extension ScaledOperator: LogDeterminantOperator where Base: LogDeterminantOperator {
    /// `n·log|α| + log|det A|`, sign `sign(α)ⁿ·sign(det A)`. - Complexity: the base's determinant.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/singularMatrix(operation:index:)`` for `α = 0` (and
    ///   `n > 0`), and as the base's ``LogDeterminantOperator/logAbsoluteDeterminant()``.
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        let (logAbs, sign) = try base.logAbsoluteDeterminant()
        guard rows > 0 else { return (logAbs, sign) }
        guard scale != 0 else {
            throw LinearAlgebraError.singularMatrix(operation: "ScaledOperator.logAbsoluteDeterminant (α = 0)", index: 1)
        }
        let flips = scale < 0 && rows % 2 == 1
        return (Scalar(rows) * Scalar.log(abs(scale)) + logAbs, flips ? -sign : sign)
    }
}
