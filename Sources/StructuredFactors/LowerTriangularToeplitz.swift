import DenseLinearAlgebra

/// A lower-triangular Toeplitz `n × n` matrix `L(t)`, `L_ij = t_{i−j}` for `i ≥ j` and 0 above
/// the diagonal, stored as its first column `t = (t₀, …, t_{n−1})`: SINGD's lower-triangular
/// Toeplitz structure [Lin et al. 2023, §3.2; singd's `TrilToeplitzMatrix`].
///
/// `L(t)·x` is the first `n` terms of the linear convolution `t ∗ x` (the product of the power
/// series `t(z)·x(z) mod zⁿ`), so products run by FFT in `O(n log n)` per column instead of `n²`.
/// Lower-triangular Toeplitz matrices form a commutative algebra: sums, products and inverses
/// stay in the structure, and ``inverse()`` is the truncated reciprocal series `1/t(z) mod zⁿ`
/// by Newton doubling, `O(n log n)`.
///
/// The projection ``projecting(_:layout:)`` follows singd: `p_0` is the mean of the main diagonal,
/// `p_k` (`k ≥ 1`) the sum of the `k`-th sub- and super-diagonal divided by `n − k`, so the
/// upper triangle of a symmetric `M` is folded onto the lower one. `Π(XᵀX)` obtains the diagonal
/// sums of `XᵀX` as summed row autocorrelations of `X` by FFT, `O(m·n log n)` instead of `m·n²`.
public struct LowerTriangularToeplitz<Scalar: LinearAlgebraScalar>: StructuredMatrix {
    /// The first column `t₀ … t_{n−1}`: `t_k` is the constant of the `k`-th sub-diagonal.
    public let column: [Scalar]

    /// `L(column)`.
    /// - Complexity: one pass (the finiteness check).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public init(column: [Scalar]) throws {
        try requireFiniteValues(column, "LowerTriangularToeplitz", argument: "column")
        self.column = column
    }

    @usableFromInline
    init(unchecked column: [Scalar]) { self.column = column }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var order: Int { column.count }
    /// The only layout. - Complexity: `O(1)`.
    @inlinable public var layout: UnparameterizedLayout { UnparameterizedLayout() }
    /// The scalars stored. - Complexity: `O(1)`.
    @inlinable public var storedCount: Int { column.count }

    /// The dense `L(t)`. - Complexity: `n²` memory.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result, before allocating.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        try Matrix(rows: order, columns: order) { i, j in i >= j ? column[i - j] : 0 }
    }

    /// `L(t)·X` by FFT convolution, column by column.
    /// - Complexity: `O(k·n log n)` for `k` columns (real FFTs of length `P`, the power of two `≥ 2n − 1`).
    /// - Accuracy: normwise, each column within `c·log₂ P·eps·‖t‖₂·‖x‖₂` of the exact product
    ///   (the FFT's error bound), not componentwise as a triangular `?trmm`.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "LowerTriangularToeplitz.apply")
        return try triangularToeplitzProduct(column, x, transposed: false)
    }

    /// `L(t)ᵀ·X`, a correlation: `(Lᵀx)_i = Σ_{j ≥ i} t_{j−i}·x_j`, by FFT on the reversed columns.
    /// - Complexity and accuracy: as ``apply(to:)``.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "LowerTriangularToeplitz.applyTransposed")
        return try triangularToeplitzProduct(column, x, transposed: true)
    }

    /// `L(t + u)`. - Complexity: `n` additions.
    /// - Throws: as ``StructuredMatrix/adding(_:)``.
    @inlinable
    public func adding(_ other: LowerTriangularToeplitz) throws -> LowerTriangularToeplitz {
        try requireSameStructure(as: other, "LowerTriangularToeplitz.adding")
        return LowerTriangularToeplitz(unchecked: zip(column, other.column).map { $0 + $1 })
    }

    /// `L(α·t)`. - Complexity: `n` multiplications.
    /// - Throws: as ``StructuredMatrix/scaled(by:)``.
    @inlinable
    public func scaled(by alpha: Scalar) throws -> LowerTriangularToeplitz {
        try requireFiniteScalar(alpha, "LowerTriangularToeplitz.scaled", argument: "α")
        return LowerTriangularToeplitz(unchecked: column.map { alpha * $0 })
    }

    /// `L(t) + λ·I`: `t₀ + λ`. - Complexity: `O(n)` (one copy).
    /// - Throws: as ``StructuredMatrix/addingToDiagonal(_:)``.
    @inlinable
    public func addingToDiagonal(_ lambda: Scalar) throws -> LowerTriangularToeplitz {
        try requireFiniteScalar(lambda, "LowerTriangularToeplitz.addingToDiagonal", argument: "λ")
        var shifted = column
        if !shifted.isEmpty { shifted[0] += lambda }
        return LowerTriangularToeplitz(unchecked: shifted)
    }

    /// `n·t₀`. - Complexity: `O(1)`.
    @inlinable public func trace() -> Scalar { column.isEmpty ? 0 : Scalar(order) * column[0] }
    /// `sqrt(Σ_k (n − k)·t_k²)`: diagonal `k` holds `n − k` copies of `t_k`. - Complexity: `O(n)`.
    @inlinable public func frobeniusNorm() -> Scalar { toeplitzFrobeniusNorm(column) }

    /// `I_n`: `t = (1, 0, …, 0)`. - Complexity: `n` memory.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0`.
    @inlinable
    public static func identity(order: Int, layout: UnparameterizedLayout) throws -> LowerTriangularToeplitz {
        try requireOrder(order, "LowerTriangularToeplitz.identity", of: Scalar.self)
        return LowerTriangularToeplitz(unchecked: (0..<order).map { $0 == 0 ? 1 : 0 })
    }

    /// singd's projection: `p_0 = (Σ_i m_ii)/n`, `p_k = (Σ_i m_{i+k,i} + Σ_i m_{i,i+k})/(n − k)`.
    /// - Complexity: `n²` additions.
    /// - Throws: as ``StructuredMatrix/projecting(_:layout:)``.
    @inlinable
    public static func projecting(_ symmetric: Matrix<Scalar>,
                                  layout: UnparameterizedLayout) throws -> LowerTriangularToeplitz {
        try requireSymmetricOperand(symmetric, "LowerTriangularToeplitz.projecting")
        return LowerTriangularToeplitz(unchecked: toeplitzProjection(symmetric))
    }

    /// `Π(XᵀX)` from the summed row autocorrelations of `X` by FFT, without forming `XᵀX`.
    /// - Complexity: `m + 1` real FFTs of length `P ≥ 2n − 1`, `O(m·n log n)`.
    /// - Accuracy: normwise, `c·log₂ P·eps·‖X‖²_F` per entry (not relative to small lags).
    /// - Throws: as ``StructuredMatrix/projectingGram(of:layout:)``.
    @inlinable
    public static func projectingGram(of x: Matrix<Scalar>,
                                      layout: UnparameterizedLayout) throws -> LowerTriangularToeplitz {
        try x.requireFinite("LowerTriangularToeplitz.projectingGram", argument: "X")
        return LowerTriangularToeplitz(unchecked: try toeplitzGramProjection(x))
    }

    /// `L(t)ᵀ` as the upper-triangular Toeplitz matrix with first row `t`. - Complexity: `O(1)`.
    @inlinable
    public var transposed: UpperTriangularToeplitz<Scalar> { UpperTriangularToeplitz(unchecked: column) }

    enum CodingKeys: String, CodingKey { case column }

    /// Decodes and validates the matrix.
    /// - Complexity: as the validating initialiser, after decoding.
    /// - Throws: `DecodingError.dataCorrupted` for NaN/∞ entries.
    public init(from decoder: any Decoder) throws {
        let column = try decoder.container(keyedBy: CodingKeys.self).decode([Scalar].self, forKey: .column)
        self = try decodingValidated(decoder) { try LowerTriangularToeplitz(column: column) }
    }
}
