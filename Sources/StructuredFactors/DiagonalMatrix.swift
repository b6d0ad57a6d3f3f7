import DenseLinearAlgebra

/// A diagonal `n × n` matrix `diag(d)`: SINGD's `diagonal` structure.
///
/// Products scale rows (`O(n·k)`), the projection keeps the diagonal, and `Π(XᵀX)` is the
/// vector of squared column norms of `X`, `O(m·n)` instead of the `m·n²` of the Gram matrix.
public struct DiagonalMatrix<Scalar: LinearAlgebraScalar>: StructuredMatrix {
    /// The diagonal entries `d₁ … dₙ`.
    public let diagonal: [Scalar]

    /// `diag(diagonal)`.
    /// - Complexity: one pass (the finiteness check).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public init(diagonal: [Scalar]) throws {
        try requireFiniteValues(diagonal, "DiagonalMatrix", argument: "diagonal")
        self.diagonal = diagonal
    }

    @usableFromInline
    init(unchecked diagonal: [Scalar]) { self.diagonal = diagonal }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var order: Int { diagonal.count }
    /// The only layout. - Complexity: `O(1)`.
    @inlinable public var layout: UnparameterizedLayout { UnparameterizedLayout() }
    /// The scalars stored. - Complexity: `O(1)`.
    @inlinable public var storedCount: Int { diagonal.count }

    /// The dense `diag(d)`. - Complexity: `n²` memory.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result, before allocating.
    @inlinable public func dense() throws -> Matrix<Scalar> { try Matrix(diagonal: diagonal) }

    /// `diag(d)·X`: row `i` scaled by `dᵢ`. - Complexity: `n·k` multiplications.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "DiagonalMatrix.apply")
        return try x.scalingRows(by: diagonal)
    }

    /// `diag(d)ᵀ·X = diag(d)·X`. - Complexity: `n·k` multiplications.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> { try apply(to: x) }

    /// `diag(d + e)`. - Complexity: `n` additions.
    /// - Throws: as ``StructuredMatrix/adding(_:)``.
    @inlinable
    public func adding(_ other: DiagonalMatrix) throws -> DiagonalMatrix {
        try requireSameStructure(as: other, "DiagonalMatrix.adding")
        return DiagonalMatrix(unchecked: zip(diagonal, other.diagonal).map { $0 + $1 })
    }

    /// `diag(α·d)`. - Complexity: `n` multiplications.
    /// - Throws: as ``StructuredMatrix/scaled(by:)``.
    @inlinable
    public func scaled(by alpha: Scalar) throws -> DiagonalMatrix {
        try requireFiniteScalar(alpha, "DiagonalMatrix.scaled", argument: "α")
        return DiagonalMatrix(unchecked: diagonal.map { alpha * $0 })
    }

    /// `diag(d + λ)`. - Complexity: `n` additions.
    /// - Throws: as ``StructuredMatrix/addingToDiagonal(_:)``.
    @inlinable
    public func addingToDiagonal(_ lambda: Scalar) throws -> DiagonalMatrix {
        try requireFiniteScalar(lambda, "DiagonalMatrix.addingToDiagonal", argument: "λ")
        return DiagonalMatrix(unchecked: diagonal.map { $0 + lambda })
    }

    /// `Σ dᵢ`. - Complexity: `n` additions.
    @inlinable public func trace() -> Scalar { diagonal.reduce(0, +) }
    /// `sqrt(Σ dᵢ²)`, without overflow. - Complexity: two passes over `d`.
    @inlinable public func frobeniusNorm() -> Scalar { scaledEuclideanNorm(diagonal) }

    /// `I_n`. - Complexity: `n` memory.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0`.
    @inlinable
    public static func identity(order: Int, layout: UnparameterizedLayout) throws -> DiagonalMatrix {
        try requireOrder(order, "DiagonalMatrix.identity", of: Scalar.self)
        return DiagonalMatrix(unchecked: [Scalar](repeating: 1, count: order))
    }

    /// The diagonal of `M` (singd's `DiagonalMatrix.from_dense`). - Complexity: `O(n²)` (the checks).
    /// - Throws: as ``StructuredMatrix/projecting(_:layout:)``.
    @inlinable
    public static func projecting(_ symmetric: Matrix<Scalar>, layout: UnparameterizedLayout) throws -> DiagonalMatrix {
        try requireSymmetricOperand(symmetric, "DiagonalMatrix.projecting")
        return DiagonalMatrix(unchecked: symmetric.diagonal)
    }

    /// `diag(XᵀX) = (‖x_j‖²)_j`, the squared column norms. - Complexity: `2m·n` flops, one pass.
    /// - Throws: as ``StructuredMatrix/projectingGram(of:layout:)``.
    @inlinable
    public static func projectingGram(of x: Matrix<Scalar>, layout: UnparameterizedLayout) throws -> DiagonalMatrix {
        try x.requireFinite("DiagonalMatrix.projectingGram", argument: "X")
        return DiagonalMatrix(unchecked: x.squaredColumnNorms)
    }

    /// `Π(DᵀD) = D²`, entry by entry. - Complexity: `O(n)`.
    @inlinable
    public func projectingOwnGram() throws -> DiagonalMatrix { DiagonalMatrix(unchecked: diagonal.map { $0 * $0 }) }

    enum CodingKeys: String, CodingKey { case diagonal }

    /// Decodes and validates a diagonal matrix.
    /// - Complexity: as the validating initialiser, after decoding.
    /// - Throws: `DecodingError.dataCorrupted` for NaN/∞ entries.
    public init(from decoder: any Decoder) throws {
        let diagonal = try decoder.container(keyedBy: CodingKeys.self).decode([Scalar].self, forKey: .diagonal)
        self = try decodingValidated(decoder) { try DiagonalMatrix(diagonal: diagonal) }
    }
}
