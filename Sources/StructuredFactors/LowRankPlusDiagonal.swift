import DenseLinearAlgebra

/// A diagonal plus low-rank `n × n` matrix `M = diag(d) + U·C·Uᵀ` with `U` of `n × r` and a
/// square core `C` of `r × r` (`C = I` gives `diag(d) + U·Uᵀ`). Products cost `O(n·r·k)`, solves
/// go through the Woodbury identity and the log-determinant through the matrix determinant lemma,
/// both `O(n·r² + r³)` (``solve(_:)``, ``logAbsoluteDeterminant()``).
///
/// It is not a SINGD structure; it holds the exact form of the factors that low-rank curvature
/// methods keep (RS-KFAC's `U·D·Uᵀ + λI`, a batch Gram `XᵀX` plus damping). The structure is closed
/// under addition (the ranks add: `U = [U₁ U₂]`, `C = diag(C₁, C₂)`), scaling and diagonal shifts,
/// with no truncation: ranks grow, and compressing them back is the caller's choice.
///
/// The projection is exact: ``projectingGram(of:layout:)`` is `0 + Xᵀ·I·X` (rank `m`, no loss) and
/// ``projecting(_:layout:)`` is `0 + I·M·I` (rank `n`, the dense fallback in this structure).
public struct LowRankPlusDiagonal<Scalar: LinearAlgebraScalar>: StructuredMatrix {
    /// `d`, the diagonal part.
    public let diagonal: [Scalar]
    /// `U`, `n × r`.
    public let factor: Matrix<Scalar>
    /// `C`, `r × r`; need not be symmetric.
    public let core: Matrix<Scalar>
    /// The scalars stored (`D`, `U`, `C`). - Complexity: `O(1)`.
    @inlinable public var storedCount: Int { diagonal.count + factor.elements.count + core.elements.count }

    /// `diag(diagonal) + factor·core·factorᵀ`.
    /// - Complexity: one pass over the inputs (the checks), no copy.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `factor` has
    ///   `n = diagonal.count` rows and `core` is `r × r` for `r = factor.columns`,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public init(diagonal: [Scalar], factor: Matrix<Scalar>, core: Matrix<Scalar>) throws {
        let operation = "LowRankPlusDiagonal"
        try requireFiniteValues(diagonal, operation, argument: "d")
        try requireComponent(factor, rows: diagonal.count, columns: factor.columns, operation, argument: "U")
        try requireComponent(core, rows: factor.columns, columns: factor.columns, operation, argument: "C")
        self.init(unchecked: diagonal, factor, core)
    }

    /// `diag(diagonal) + factor·factorᵀ` (`C = I`).
    /// - Complexity: as ``init(diagonal:factor:core:)`` plus `r²` memory for `C`.
    /// - Throws: as ``init(diagonal:factor:core:)``.
    @inlinable
    public init(diagonal: [Scalar], factor: Matrix<Scalar>) throws {
        try self.init(diagonal: diagonal, factor: factor, core: .identity(factor.columns))
    }

    @usableFromInline
    init(unchecked diagonal: [Scalar], _ factor: Matrix<Scalar>, _ core: Matrix<Scalar>) {
        self.diagonal = diagonal
        self.factor = factor
        self.core = core
    }

    /// `n`. - Complexity: `O(1)`.
    @inlinable public var order: Int { diagonal.count }
    /// `r`, the number of columns of `U` (an upper bound of the rank of `U·C·Uᵀ`). - Complexity: `O(1)`.
    @inlinable public var rank: Int { factor.columns }
    /// The only layout. - Complexity: `O(1)`.
    @inlinable public var layout: UnparameterizedLayout { UnparameterizedLayout() }

    /// The dense `diag(d) + U·C·Uᵀ`. - Complexity: `2n·r² + 2n²·r` flops, `n²` memory.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result, before allocating.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        var result = try Matrix(diagonal: diagonal)
        guard rank > 0 else { return result }
        let uc = try factor.multiplied(by: core)
        try Matrix.multiply(uc, factor, transposingB: .transpose, beta: 1, into: &result)
        return result
    }

    /// `d ⊙ X + U·(C·(UᵀX))`. - Complexity: `4n·r·k + 2r²·k + n·k` flops for `k` columns.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "LowRankPlusDiagonal.apply")
        return try product(x, core: .none)
    }

    /// `d ⊙ X + U·(Cᵀ·(UᵀX))`. - Complexity: as ``apply(to:)``.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "LowRankPlusDiagonal.applyTransposed")
        return try product(x, core: .transpose)
    }

    @inlinable
    func product(_ x: Matrix<Scalar>, core transpose: Transpose) throws -> Matrix<Scalar> {
        var result = try x.scalingRows(by: diagonal)
        guard rank > 0 else { return result }
        let projected = try core.multiplied(by: factor.multiplied(by: x, transposingSelf: .transpose),
                                            transposingSelf: transpose)
        try Matrix.multiply(factor, projected, beta: 1, into: &result)
        return result
    }

    /// `diag(d + e) + [U V]·diag(C, D)·[U V]ᵀ`, rank `r + s`, exact.
    /// - Complexity: `n·(r + s) + (r + s)²` copies.
    /// - Throws: as ``StructuredMatrix/adding(_:)``.
    @inlinable
    public func adding(_ other: LowRankPlusDiagonal) throws -> LowRankPlusDiagonal {
        try requireSameStructure(as: other, "LowRankPlusDiagonal.adding")
        let (r, s, n) = (rank, other.rank, order)
        let u = try Matrix(rows: n, columns: r + s) { i, j in j < r ? factor[i, j] : other.factor[i, j - r] }
        let c = try Matrix(rows: r + s, columns: r + s) { i, j in
            i < r && j < r ? core[i, j] : (i >= r && j >= r ? other.core[i - r, j - r] : 0)
        }
        return LowRankPlusDiagonal(unchecked: zip(diagonal, other.diagonal).map { $0 + $1 }, u, c)
    }

    /// `diag(α·d) + U·(α·C)·Uᵀ`. - Complexity: `n + r²` multiplications.
    /// - Throws: as ``StructuredMatrix/scaled(by:)``.
    @inlinable
    public func scaled(by alpha: Scalar) throws -> LowRankPlusDiagonal {
        try requireFiniteScalar(alpha, "LowRankPlusDiagonal.scaled", argument: "α")
        return LowRankPlusDiagonal(unchecked: diagonal.map { alpha * $0 }, factor, core.scaled(by: alpha))
    }

    /// `diag(d + λ) + U·C·Uᵀ`. - Complexity: `n` additions.
    /// - Throws: as ``StructuredMatrix/addingToDiagonal(_:)``.
    @inlinable
    public func addingToDiagonal(_ lambda: Scalar) throws -> LowRankPlusDiagonal {
        try requireFiniteScalar(lambda, "LowRankPlusDiagonal.addingToDiagonal", argument: "λ")
        return LowRankPlusDiagonal(unchecked: diagonal.map { $0 + lambda }, factor, core)
    }

    /// `Σ dᵢ + tr(C·UᵀU) = Σ dᵢ + Σ_ij c_ij·(UᵀU)_ij` (`UᵀU` is symmetric).
    /// - Complexity: `n·r²` flops (one `?syrk`).
    /// - Throws: nothing in practice: `UᵀU` has the shape of the existing core `C`; the
    ///   signature is the protocol's.
    @inlinable
    public func trace() throws -> Scalar {
        var gram = Matrix(shapeOf: core)
        try factor.gram(.transpose, into: &gram)
        return diagonal.reduce(0, +) + zip(core.elements, gram.elements).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// `‖M‖²_F = Σ dᵢ² + 2·Σ dᵢ·(UCUᵀ)_ii + tr(C·G·Cᵀ·G)` with `G = UᵀU`, without the `n × n` matrix.
    /// The three terms are summed as computed; cancellation between them (a low-rank part that nearly
    /// cancels the diagonal) costs relative accuracy, and a negative rounding result is reported as 0.
    /// - Complexity: `n·r² + 4r³` flops.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the
    ///   `n × r` and `r × r` intermediates (no larger than `U` and `C`, so only under a budget
    ///   lowered below their size).
    @inlinable
    public func frobeniusNorm() throws -> Scalar {
        guard rank > 0 else { return scaledEuclideanNorm(diagonal) }
        var gram = Matrix(shapeOf: core)
        try factor.gram(.transpose, into: &gram)
        let uc = try factor.multiplied(by: core)
        // Σᵢ dᵢ·(UCUᵀ)ᵢᵢ with (UCUᵀ)ᵢᵢ = Σⱼ (UC)ᵢⱼ·Uᵢⱼ.
        let cross = try uc.hadamard(factor).scalingRows(by: diagonal).elements.reduce(0, +)
        // tr(CG·CᵀG) = Σᵢⱼ (CG)ᵢⱼ·(CᵀG)ⱼᵢ.
        let cg = try core.multiplied(by: gram)
        let ctg = try core.multiplied(by: gram, transposingSelf: .transpose)
        let quartic = try cg.hadamard(ctg.transposed()).elements.reduce(0, +)
        let squared = diagonal.reduce(0) { $0 + $1 * $1 } + 2 * cross + quartic
        return Swift.max(squared, 0).squareRoot()
    }

    /// `I_n` (rank 0). - Complexity: `n` memory.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0`.
    @inlinable
    public static func identity(order: Int, layout: UnparameterizedLayout) throws -> LowRankPlusDiagonal {
        try requireOrder(order, "LowRankPlusDiagonal.identity", of: Scalar.self)
        return LowRankPlusDiagonal(unchecked: [Scalar](repeating: 1, count: order), try Matrix(rows: order, columns: 0),
                                   Matrix())
    }

    /// `M` exactly, as `0 + I·M·I` (rank `n`): every matrix is in this structure.
    /// - Complexity: `n²` memory.
    /// - Throws: as ``StructuredMatrix/projecting(_:layout:)``.
    @inlinable
    public static func projecting(_ symmetric: Matrix<Scalar>,
                                  layout: UnparameterizedLayout) throws -> LowRankPlusDiagonal {
        try requireSymmetricOperand(symmetric, "LowRankPlusDiagonal.projecting")
        let n = symmetric.rows
        return LowRankPlusDiagonal(unchecked: [Scalar](repeating: 0, count: n), try .identity(n), symmetric)
    }

    /// `XᵀX` exactly, as `0 + Xᵀ·I·X` (rank `m`, the number of rows of `X`): no projection error.
    /// - Complexity: one transpose, `m²` memory for `C = I`.
    /// - Throws: as ``StructuredMatrix/projectingGram(of:layout:)``.
    @inlinable
    public static func projectingGram(of x: Matrix<Scalar>,
                                      layout: UnparameterizedLayout) throws -> LowRankPlusDiagonal {
        try x.requireFinite("LowRankPlusDiagonal.projectingGram", argument: "X")
        return LowRankPlusDiagonal(unchecked: [Scalar](repeating: 0, count: x.columns), x.transposed(),
                                   try .identity(x.rows))
    }

    enum CodingKeys: String, CodingKey { case diagonal, factor, core }

    /// Decodes and validates the matrix.
    /// - Complexity: as the validating initialiser, after decoding.
    /// - Throws: `DecodingError.dataCorrupted` for inconsistent shapes or NaN/∞.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let (d, u, core) = (try c.decode([Scalar].self, forKey: .diagonal), try c.decode(Matrix<Scalar>.self, forKey: .factor),
                            try c.decode(Matrix<Scalar>.self, forKey: .core))
        self = try decodingValidated(decoder) { try LowRankPlusDiagonal(diagonal: d, factor: u, core: core) }
    }
}
