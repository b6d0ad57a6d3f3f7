import DenseLinearAlgebra

/// An upper-triangular Toeplitz `n × n` matrix `U(r)`, `U_ij = r_{j−i}` for `j ≥ i`, stored as its
/// first row `r`: SINGD's upper-triangular Toeplitz structure [Lin et al. 2023, §3.2; singd's
/// `TriuToeplitzMatrix`].
///
/// `U(r) = L(r)ᵀ` for the ``LowerTriangularToeplitz`` with first column `r`, and every product,
/// inverse and norm is computed through it (`U·X = Lᵀ·X`, `Uᵀ·X = L·X`, `U⁻¹ = (L⁻¹)ᵀ`). The
/// projection is the same fold of diagonal sums as the lower one (singd uses one formula for both):
/// for a symmetric `M`, `Π_upper(M) = Π_lower(M)ᵀ`.
public struct UpperTriangularToeplitz<Scalar: LinearAlgebraScalar>: StructuredMatrix {
    /// The first row `r₀ … r_{n−1}`: `r_k` is the constant of the `k`-th super-diagonal.
    public let row: [Scalar]

    /// `U(row)`.
    /// - Complexity: one pass (the finiteness check).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public init(row: [Scalar]) throws {
        try requireFiniteValues(row, "UpperTriangularToeplitz", argument: "row")
        self.row = row
    }

    @usableFromInline
    init(unchecked row: [Scalar]) { self.row = row }

    /// `U(r)ᵀ`, the lower-triangular Toeplitz matrix with first column `r`. - Complexity: `O(1)`.
    @inlinable public var transposed: LowerTriangularToeplitz<Scalar> { LowerTriangularToeplitz(unchecked: row) }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var order: Int { row.count }
    /// The only layout. - Complexity: `O(1)`.
    @inlinable public var layout: UnparameterizedLayout { UnparameterizedLayout() }
    /// The scalars stored. - Complexity: `O(1)`.
    @inlinable public var storedCount: Int { row.count }

    /// The dense `U(r)`. - Complexity: `n²` memory.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result, before allocating.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        try Matrix(rows: order, columns: order) { i, j in j >= i ? row[j - i] : 0 }
    }

    /// `U(r)·X = L(r)ᵀ·X` by FFT. - Complexity and accuracy: as ``LowerTriangularToeplitz/apply(to:)``.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "UpperTriangularToeplitz.apply")
        return try triangularToeplitzProduct(row, x, transposed: true)
    }

    /// `U(r)ᵀ·X = L(r)·X` by FFT. - Complexity and accuracy: as ``apply(to:)``.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "UpperTriangularToeplitz.applyTransposed")
        return try triangularToeplitzProduct(row, x, transposed: false)
    }

    /// `U(r + s)`. - Complexity: `n` additions.
    /// - Throws: as ``StructuredMatrix/adding(_:)``.
    @inlinable
    public func adding(_ other: UpperTriangularToeplitz) throws -> UpperTriangularToeplitz {
        try requireSameStructure(as: other, "UpperTriangularToeplitz.adding")
        return try transposed.adding(other.transposed).transposed
    }

    /// `U(α·r)`. - Complexity: `n` multiplications.
    /// - Throws: as ``StructuredMatrix/scaled(by:)``.
    @inlinable
    public func scaled(by alpha: Scalar) throws -> UpperTriangularToeplitz { try transposed.scaled(by: alpha).transposed }

    /// `U(r) + λ·I`. - Complexity: `O(n)`.
    /// - Throws: as ``StructuredMatrix/addingToDiagonal(_:)``.
    @inlinable
    public func addingToDiagonal(_ lambda: Scalar) throws -> UpperTriangularToeplitz {
        try transposed.addingToDiagonal(lambda).transposed
    }

    /// `n·r₀`. - Complexity: `O(1)`.
    @inlinable public func trace() -> Scalar { transposed.trace() }
    /// `sqrt(Σ_k (n − k)·r_k²)`. - Complexity: `O(n)`.
    @inlinable public func frobeniusNorm() -> Scalar { transposed.frobeniusNorm() }

    /// `I_n`. - Complexity: `n` memory.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0`.
    @inlinable
    public static func identity(order: Int, layout: UnparameterizedLayout) throws -> UpperTriangularToeplitz {
        try LowerTriangularToeplitz.identity(order: order, layout: layout).transposed
    }

    /// singd's projection, the same diagonal-sum fold as ``LowerTriangularToeplitz/projecting(_:layout:)``.
    /// - Complexity: `n²` additions.
    /// - Throws: as ``StructuredMatrix/projecting(_:layout:)``.
    @inlinable
    public static func projecting(_ symmetric: Matrix<Scalar>,
                                  layout: UnparameterizedLayout) throws -> UpperTriangularToeplitz {
        try LowerTriangularToeplitz.projecting(symmetric, layout: layout).transposed
    }

    /// `Π(XᵀX)` by FFT autocorrelations, as ``LowerTriangularToeplitz/projectingGram(of:layout:)``.
    /// - Complexity: `O(m·n log n)`.
    /// - Throws: as ``StructuredMatrix/projectingGram(of:layout:)``.
    @inlinable
    public static func projectingGram(of x: Matrix<Scalar>,
                                      layout: UnparameterizedLayout) throws -> UpperTriangularToeplitz {
        try LowerTriangularToeplitz.projectingGram(of: x, layout: layout).transposed
    }

    /// `U(r)·U(s)`, again upper-triangular Toeplitz (`(L(r)·L(s))ᵀ`, the factors commute).
    /// - Complexity: `O(n log n)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for another order.
    @inlinable
    public func multiplied(by other: UpperTriangularToeplitz) throws -> UpperTriangularToeplitz {
        try requireSameStructure(as: other, "UpperTriangularToeplitz.multiplied")
        return try transposed.multiplied(by: other.transposed).transposed
    }

    /// `U(r)⁻¹ = (L(r)⁻¹)ᵀ`, with the paths of ``LowerTriangularToeplitz/inverse()``.
    /// - Complexity and accuracy: as ``LowerTriangularToeplitz/inverse()``.
    /// - Throws: as ``LowerTriangularToeplitz/inverse()``.
    @inlinable
    public func inverse() throws -> UpperTriangularToeplitz {
        try transposed.inverse(named: "UpperTriangularToeplitz.inverse").transposed
    }

    /// `U(r)⁻¹·B`: the FFT product with the Newton inverse while that is accurate, backward
    /// substitution on the Toeplitz structure otherwise (as ``LowerTriangularToeplitz/solve(_:)``).
    /// - Complexity and accuracy: as ``LowerTriangularToeplitz/solve(_:)``.
    /// - Throws: as ``LowerTriangularToeplitz/solve(_:)``.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try transposed.triangularToeplitzSolve(b, transposed: true, operation: "UpperTriangularToeplitz.solve")
    }

    enum CodingKeys: String, CodingKey { case row }

    /// Decodes and validates the matrix.
    /// - Complexity: as the validating initialiser, after decoding.
    /// - Throws: `DecodingError.dataCorrupted` for NaN/∞ entries.
    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self).decode([Scalar].self, forKey: .row)
        self = try decodingValidated(decoder) { try UpperTriangularToeplitz(row: row) }
    }
}
