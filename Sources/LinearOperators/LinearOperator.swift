import DenseLinearAlgebra

/// A linear map `A: 𝔽ⁿ → 𝔽ᵐ` known through its action on blocks of vectors: the one
/// abstraction every KronKit structure (dense, Kronecker, HODLR, Toeplitz, eigendecomposition …)
/// conforms to, so that algorithms (conjugate gradients, trace estimation) are written once.
///
/// The requirements are the operations every structure has: the shape, and the products
/// `A·X` and `Aᵀ·X` with a dense block `X` of vectors (one vector per column). The queries
/// ``dense()``, ``trace()`` and ``diagonalEntries()`` are requirements too, with dense
/// fallbacks in the protocol extension (applying `A` to the identity, `O(n)` products); a
/// structure with a fast path implements them, and generic code reaches the fast path
/// because they are requirements, not extension methods. What not every structure can do
/// exactly is a refinement: ``SymmetricOperator``, ``SolvableOperator``,
/// ``LogDeterminantOperator``.
///
/// Spelling (`Notes/LinearOperators.md`): every query that costs more than `O(1)` or can
/// fail is a throwing method (`dense()`, `trace()`, `diagonalEntries()`, `solve(_:)`,
/// `logAbsoluteDeterminant()`); the shape is two non-throwing properties.
///
/// ## Errors
/// Every product checks `X`'s row count and throws
/// ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)``
/// naming the operator type; square-only queries throw it for a rectangular operator.
public protocol LinearOperator<Scalar>: Sendable {
    /// The scalar type, `Float` or `Double`.
    associatedtype Scalar: LinearAlgebraScalar

    /// `m`, the number of rows. - Complexity: `O(1)`.
    var rows: Int { get }
    /// `n`, the number of columns. - Complexity: `O(1)`.
    var columns: Int { get }

    /// `A·X` for `X` of `n` rows (`k` vectors as columns); an `m × k` result.
    /// - Complexity: the structure's; `2mnk` flops for a dense operator.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X`
    ///   has `n` rows, and what the structure's product throws.
    func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// `Aᵀ·X` for `X` of `m` rows; an `n × k` result.
    /// - Complexity: the structure's; `2mnk` flops for a dense operator.
    /// - Throws: as ``apply(to:)`` with `m` rows.
    func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar>

    /// `result = A·X`, reusing `result`'s storage when it already has the shape `m × k`.
    /// - Complexity: as ``apply(to:)``; the default allocates and assigns.
    /// - Throws: as ``apply(to:)``.
    func apply(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws

    /// `result = Aᵀ·X`, reusing `result`'s storage when it already has the shape `n × k`.
    /// - Complexity: as ``applyTransposed(to:)``; the default allocates and assigns.
    /// - Throws: as ``applyTransposed(to:)``.
    func applyTransposed(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws

    /// `A` as a dense `m × n` matrix.
    /// - Complexity: the structure's; the fallback applies `A` to the `n × n` identity.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result,
    ///   and as ``apply(to:)``.
    func dense() throws -> Matrix<Scalar>

    /// The trace `Σ aᵢᵢ` of a square operator.
    /// - Complexity: the structure's; the fallback sums ``diagonalEntries()``.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square,
    ///   and as ``diagonalEntries()``.
    func trace() throws -> Scalar

    /// The main diagonal `(a₁₁, …, a_pp)`, `p = min(m, n)`.
    /// - Complexity: the structure's; the fallback applies `A` to the identity in blocks of
    ///   at most 64 columns (`n` products of one vector, `O(m·64)` memory).
    /// - Throws: as ``apply(to:)``.
    func diagonalEntries() throws -> [Scalar]
}

extension LinearOperator {
    /// `result = A·X` through ``apply(to:)`` (the fallback). - Complexity: as ``apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws {
        result = try apply(to: x)
    }

    /// `result = Aᵀ·X` through ``applyTransposed(to:)`` (the fallback). - Complexity: as ``applyTransposed(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>) throws {
        result = try applyTransposed(to: x)
    }

    /// `A·I` (the fallback). - Complexity: one ``apply(to:)`` on the `n × n` identity.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        try apply(to: .identity(columns))
    }

    /// `Σ aᵢᵢ` from ``diagonalEntries()`` (the fallback). - Complexity: as ``diagonalEntries()``.
    @inlinable
    public func trace() throws -> Scalar {
        try requireSquare("\(Self.self).trace")
        return try diagonalEntries().reduce(0, +)
    }

    /// `aᵢᵢ = (A·eᵢ)ᵢ` for blocks of at most 64 unit vectors (the fallback).
    /// - Complexity: products with all `n` unit vectors; `O(m·64)` memory.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] {
        let count = Swift.min(rows, columns)
        var entries: [Scalar] = []
        entries.reserveCapacity(count)
        var start = 0
        while start < count {
            let width = Swift.min(64, count - start)
            let units = try Matrix<Scalar>(rows: columns, columns: width) { i, j in i == start + j ? 1 : 0 }
            let images = try apply(to: units)
            for j in 0..<width { entries.append(images[start + j, j]) }
            start += width
        }
        return entries
    }

    /// Whether the operator is square (`m = n`). - Complexity: `O(1)`.
    @inlinable public var isSquare: Bool { rows == columns }

    /// Throws unless `X` has `expectedRows` rows.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` naming
    ///   `operation`.
    @inlinable
    public func requireOperand(_ x: Matrix<Scalar>, rows expectedRows: Int, _ operation: String) throws {
        guard x.rows == expectedRows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "X with \(expectedRows) rows", actual: "\(x.rows)×\(x.columns)")
        }
    }

    /// Throws unless the operator is square.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` naming
    ///   `operation`.
    @inlinable
    public func requireSquare(_ operation: String) throws {
        guard isSquare else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "a square operator", actual: "\(rows)×\(columns)")
        }
    }
}
