import DenseLinearAlgebra

/// The lazy product `A·B` (`A`: `m × p`, `B`: `p × n`): `(A·B)·X = A·(B·X)`, nothing is formed.
public struct ProductOperator<First: LinearOperator, Second: LinearOperator>: LinearOperator
where First.Scalar == Second.Scalar {
    /// The scalar type of both factors.
    public typealias Scalar = First.Scalar
    /// `A`, applied last.
    public let first: First
    /// `B`, applied first.
    public let second: Second

    /// `A·B`. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `A`
    ///   has as many columns as `B` has rows.
    @inlinable
    public init(_ first: First, _ second: Second) throws {
        guard first.columns == second.rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "ProductOperator", expected: "B with \(first.columns) rows (the columns of A)",
                actual: "\(second.rows)×\(second.columns)")
        }
        self.first = first
        self.second = second
    }

    /// `m`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { first.rows }
    /// `n`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { second.columns }

    /// `A·(B·X)`. - Complexity: both products.
    /// - Throws: as the factors' ``LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try first.apply(to: second.apply(to: x)) }

    /// `Bᵀ·(Aᵀ·X)`. - Complexity: both products.
    /// - Throws: as the factors' ``LinearOperator/applyTransposed(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try second.applyTransposed(to: first.applyTransposed(to: x))
    }
}

extension ProductOperator: SolvableOperator where First: SolvableOperator, Second: SolvableOperator {
    /// `(A·B)⁻¹·C = B⁻¹·(A⁻¹·C)` for square `A`, `B`; a square product of rectangular factors
    /// (`A·Aᵀ`) is solved by LU of its ``dense()`` form.
    /// - Complexity: both solves; `O(n³)` for rectangular factors.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless the
    ///   product is square, and as the factors' ``SolvableOperator/solve(_:)`` (or the dense LU's).
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard first.isSquare, second.isSquare else {
            try requireSquare("ProductOperator.solve")
            return try dense().solve(b)
        }
        return try second.solve(first.solve(b))
    }
}

extension ProductOperator: LogDeterminantOperator where First: LogDeterminantOperator, Second: LogDeterminantOperator {
    /// `log|det A| + log|det B|` and the product of the signs for square factors; LU of the
    /// ``dense()`` form for a square product of rectangular factors.
    /// - Complexity: both determinants; `O(n³)` for rectangular factors.
    /// - Throws: as ``solve(_:)``, and as the factors' ``LogDeterminantOperator/logAbsoluteDeterminant()``.
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        guard first.isSquare, second.isSquare else {
            try requireSquare("ProductOperator.logAbsoluteDeterminant")
            return try dense().logAbsoluteDeterminant()
        }
        let (a, b) = (try first.logAbsoluteDeterminant(), try second.logAbsoluteDeterminant())
        return (a.logAbs + b.logAbs, a.sign * b.sign)
    }
}
