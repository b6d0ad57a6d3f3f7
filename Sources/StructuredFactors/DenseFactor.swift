import DenseLinearAlgebra

/// An unstructured `n × n` factor: SINGD's `dense` structure, and the reference every
/// other structure is tested against. Every operation is the dense one (BLAS).
public struct DenseFactor<Scalar: LinearAlgebraScalar>: StructuredMatrix {
    /// The matrix.
    public let matrix: Matrix<Scalar>

    /// Wraps a square, finite matrix.
    /// - Complexity: one pass over the entries (the finiteness check), no copy.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   square, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public init(_ matrix: Matrix<Scalar>) throws {
        try requireSymmetricOperand(matrix, "DenseFactor")
        self.matrix = matrix
    }

    @usableFromInline
    init(unchecked matrix: Matrix<Scalar>) { self.matrix = matrix }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var order: Int { matrix.rows }
    /// The only layout. - Complexity: `O(1)`.
    @inlinable public var layout: UnparameterizedLayout { UnparameterizedLayout() }
    /// The scalars stored. - Complexity: `O(1)`.
    @inlinable public var storedCount: Int { matrix.elements.count }

    /// The matrix itself. - Complexity: `O(1)` (shared storage).
    /// - Throws: never: the matrix is stored as is (throwing only to share the protocol's spelling).
    @inlinable public func dense() throws -> Matrix<Scalar> { matrix }

    /// `Σ sᵢᵢ`, read off the stored matrix (the operator fallback would apply `S` to the identity,
    /// `2n³` flops: half of dense SINGD's step at width 2048, through its averaged traces).
    /// - Complexity: `O(n)`.
    @inlinable public func trace() -> Scalar { matrix.diagonal.reduce(0, +) }

    /// The stored diagonal `(s₁₁, …, sₙₙ)`. - Complexity: `O(n)`.
    @inlinable public func diagonalEntries() -> [Scalar] { matrix.diagonal }

    /// `S·X` (BLAS `?gemm`). - Complexity: `2n²·k` flops for `k` columns.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "DenseFactor.apply")
        return try matrix.multiplied(by: x)
    }

    /// `S + T`. - Complexity: `n²` additions (BLAS `?axpy`).
    /// - Throws: as ``StructuredMatrix/adding(_:)``.
    @inlinable
    public func adding(_ other: DenseFactor) throws -> DenseFactor {
        try requireSameStructure(as: other, "DenseFactor.adding")
        return DenseFactor(unchecked: try matrix + other.matrix)
    }

    /// `α·S`. - Complexity: `n²` multiplications.
    /// - Throws: as ``StructuredMatrix/scaled(by:)``.
    @inlinable
    public func scaled(by alpha: Scalar) throws -> DenseFactor {
        try requireFiniteScalar(alpha, "DenseFactor.scaled", argument: "α")
        return DenseFactor(unchecked: matrix.scaled(by: alpha))
    }

    /// `S + λ·I`. - Complexity: one copy, `n` additions.
    /// - Throws: as ``StructuredMatrix/addingToDiagonal(_:)``.
    @inlinable
    public func addingToDiagonal(_ lambda: Scalar) throws -> DenseFactor {
        try requireFiniteScalar(lambda, "DenseFactor.addingToDiagonal", argument: "λ")
        var result = matrix
        try result.addToDiagonal(lambda)
        return DenseFactor(unchecked: result)
    }

    /// `I_n`. - Complexity: `n²` memory.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0`.
    @inlinable
    public static func identity(order: Int, layout: UnparameterizedLayout) throws -> DenseFactor {
        try requireOrder(order, "DenseFactor.identity", of: Scalar.self)
        return DenseFactor(unchecked: try .identity(order))
    }

    /// `M` itself: the dense structure keeps every entry (singd's `DenseMatrix.from_dense`).
    /// - Complexity: one pass (the checks), no copy.
    /// - Throws: as ``StructuredMatrix/projecting(_:layout:)``.
    @inlinable
    public static func projecting(_ symmetric: Matrix<Scalar>, layout: UnparameterizedLayout) throws -> DenseFactor {
        try DenseFactor(symmetric)
    }

    /// `XᵀX`, exactly symmetric (BLAS `?syrk`). - Complexity: `m·n²` flops.
    /// - Throws: as ``StructuredMatrix/projectingGram(of:layout:)``.
    @inlinable
    public static func projectingGram(of x: Matrix<Scalar>, layout: UnparameterizedLayout) throws -> DenseFactor {
        try x.requireFinite("DenseFactor.projectingGram", argument: "X")
        return DenseFactor(unchecked: try x.gram(.transpose))
    }

    enum CodingKeys: String, CodingKey { case matrix }

    /// Decodes and validates a factor.
    /// - Complexity: as the validating initialiser, after decoding.
    /// - Throws: `DecodingError.dataCorrupted` for a matrix that is not square or not finite.
    public init(from decoder: any Decoder) throws {
        let matrix = try decoder.container(keyedBy: CodingKeys.self).decode(Matrix<Scalar>.self, forKey: .matrix)
        self = try decodingValidated(decoder) { try DenseFactor(matrix) }
    }
}
