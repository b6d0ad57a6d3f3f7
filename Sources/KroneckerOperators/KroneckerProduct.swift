import DenseLinearAlgebra
import SymmetricEigen

/// The Kronecker product `A₁ ⊗ A₂ ⊗ … ⊗ A_d` of dense factors, kept factored.
///
/// KroneckerOperators depends on DenseLinearAlgebra and on SymmetricEigen, because
/// the eigendecomposition of a Kronecker product (or sum) is assembled from its
/// factors' eigendecompositions.
///
/// ## Index convention
/// `vec` is column-major and the **last factor varies fastest**: for two factors
/// `(A ⊗ B)[i_A·m_B + i_B, j_A·n_B + j_B] = A[i_A, j_A]·B[i_B, j_B]`, hence
///
/// ```
/// (A ⊗ B)·vec(V) = vec(B·V·Aᵀ),   V of size n_B × n_A.
/// ```
///
/// For a K-FAC layer with weight `W` (`d_out × d_in`) and Fisher block `F ≈ A ⊗ G`
/// (`A = E[a aᵀ]`, `d_in × d_in`; `G = E[g gᵀ]`, `d_out × d_out`), build
/// `KroneckerProduct(A, G)`: then `F·vec(V) = vec(G·V·Aᵀ)` for a gradient `V` of
/// `W`'s shape, and ``apply(toMatrix:)`` works on `V` directly.
///
/// ## Accuracy contract
/// - Products (``apply(to:)``, ``applyTransposed(to:)``): each entry is a sum computed by `d`
///   GEMMs in sequence; normwise `‖ŷ − y‖ ≤ c·(Σ nᵢ)·eps·‖|A₁| ⊗ … ⊗ |A_d|‖·‖x‖`, the
///   bound of the dense product up to replacing `N = Π nᵢ` by `Σ nᵢ`.
/// - Solves and inverses go factor by factor through LU; the forward error is
///   `≈ c·eps·Σ cond(Aᵢ)·…`, bounded by `c·(Σ nᵢ)·eps·Π cond(Aᵢ)`, like a dense solve of
///   the product (whose condition number is `Π cond(Aᵢ)`).
/// - Eigen route and damped inverse: the factors' eigenpairs carry the
///   SymmetricEigen contract; the damped inverse adds two Kronecker products.
///
/// Derivations: `Notes/KroneckerOperators.md`.
public struct KroneckerProduct<Scalar: LinearAlgebraScalar>: Sendable {
    /// The factors `A₁, …, A_d` in product order (the last varies fastest in `vec`).
    public let factors: [Matrix<Scalar>]

    /// The product of the factors `A₁ ⊗ … ⊗ A_d`.
    /// - Complexity: one finite check over the factors, `Σ mᵢnᵢ`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for an empty list or when
    ///   `Π mᵢ` or `Π nᵢ` overflows `Int`, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)``
    ///   for NaN/∞ in a factor.
    @inlinable
    public init(_ factors: [Matrix<Scalar>]) throws {
        let operation = "KroneckerProduct"
        guard !factors.isEmpty else {
            throw LinearAlgebraError.invalidArgument(operation: operation, detail: "needs at least one factor, got 0")
        }
        _ = try checkedProduct(factors.map(\.rows), of: "rows", operation: operation)
        _ = try checkedProduct(factors.map(\.columns), of: "columns", operation: operation)
        for (i, factor) in factors.enumerated() { try factor.requireFinite(operation, argument: "factor \(i)") }
        self.factors = factors
    }

    /// `first ⊗ second ⊗ rest…`.
    /// - Complexity: as `init(_:)` (the array form).
    /// - Throws: as `init(_:)` (the array form).
    @inlinable
    public init(_ first: Matrix<Scalar>, _ second: Matrix<Scalar>, _ rest: Matrix<Scalar>...) throws {
        try self.init([first, second] + rest)
    }

    /// Factors already known to be finite.
    @inlinable
    init(uncheckedFactors factors: [Matrix<Scalar>]) {
        self.factors = factors
    }

    /// `Π mᵢ`, the number of rows (checked not to overflow at initialisation).
    /// - Complexity: `O(d)`.
    @inlinable public var rows: Int { factors.reduce(1) { $0 * $1.rows } }
    /// `Π nᵢ`, the number of columns (checked not to overflow at initialisation).
    /// - Complexity: `O(d)`.
    @inlinable public var columns: Int { factors.reduce(1) { $0 * $1.columns } }
    /// `true` when every factor is square (then the product is square).
    /// - Complexity: `O(d)`.
    @inlinable public var hasSquareFactors: Bool { factors.allSatisfy(\.isSquare) }

    /// `result = (A₁ ⊗ … ⊗ A_d)·X` for `X` with `k` columns, by mode products (GEMMs), never
    /// forming the product; `result` is reshaped to `Π mᵢ × k` if needed and the scratch
    /// memory comes from `workspace`: no allocation once both have their sizes.
    /// (``apply(to:)`` is the allocating form.)
    ///
    /// - Complexity: `Σᵢ 2·mᵢ·nᵢ·(Π_{j>i} m_j)·(Π_{j<i} n_j)·k` flops (for two `n × n`
    ///   factors `4n³k`, against `2n⁴k` for the dense product); two buffers of the
    ///   largest intermediate size.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when `X` does
    ///   not have `Π nᵢ` rows,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when the result's entry count
    ///   overflows `Int`; `result` is unchanged when it throws.
    @inlinable
    public func apply(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>,
                      workspace: inout KroneckerWorkspace<Scalar>) throws {
        try product(x, transpose: .none, into: &result, workspace: &workspace, operation: "KroneckerProduct.apply")
    }

    /// `result = (A₁ ⊗ … ⊗ A_d)ᵀ·X = (A₁ᵀ ⊗ … ⊗ A_dᵀ)·X` without copying a factor, as
    /// ``apply(to:into:workspace:)``.
    /// - Complexity: as ``apply(to:into:workspace:)`` with `mᵢ` and `nᵢ` exchanged.
    /// - Throws: as ``apply(to:into:workspace:)`` with `Π mᵢ` rows.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>, into result: inout Matrix<Scalar>,
                                workspace: inout KroneckerWorkspace<Scalar>) throws {
        try product(x, transpose: .transpose, into: &result, workspace: &workspace,
                    operation: "KroneckerProduct.applyTransposed")
    }

    /// `op(A₁ ⊗ … ⊗ A_d)·X` into `result`: the one body of the four product forms.
    @inlinable
    func product(_ x: Matrix<Scalar>, transpose: Transpose, into result: inout Matrix<Scalar>,
                 workspace: inout KroneckerWorkspace<Scalar>, operation: String) throws {
        let (outputRows, inputRows) = transpose == .none ? (rows, columns) : (columns, rows)
        guard x.rows == inputRows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "X with \(inputRows) rows", actual: "\(x.rows)×\(x.columns)")
        }
        _ = try checkedProduct([outputRows, x.columns], of: "result entries", operation: operation)
        try applyKroneckerFactors(factors, transpose: transpose, to: x, outputRows: outputRows, into: &result,
                                  workspace: &workspace, operation: operation)
    }

    /// The matrix form of a two-factor product: `(A ⊗ B)·vec(V) = vec(B·V·Aᵀ)`, so this
    /// returns `B·V·Aᵀ` (`m_B × m_A`) for `V` of size `n_B × n_A`.
    ///
    /// K-FAC: with `KroneckerProduct(A, G)` and a gradient `V` (`d_out × d_in`), this is
    /// `G·V·Aᵀ`, the Fisher block `A ⊗ G` applied to `V`.
    /// - Complexity: two GEMMs, `2·m_B·n_B·n_A + 2·m_B·n_A·m_A` flops.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless there are exactly two
    ///   factors, ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for `V`'s shape.
    @inlinable
    public func apply(toMatrix v: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try matrixFormProduct(v, transpose: .none, operation: "KroneckerProduct.apply(toMatrix:)")
    }

    /// The transposed matrix form: `(A ⊗ B)ᵀ·vec(V) = vec(Bᵀ·V·A)`, `Bᵀ·V·A` (`n_B × n_A`) for
    /// `V` of size `m_B × m_A`.
    /// - Complexity: as ``apply(toMatrix:)``.
    /// - Throws: as ``apply(toMatrix:)``.
    @inlinable
    public func applyTransposed(toMatrix v: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try matrixFormProduct(v, transpose: .transpose, operation: "KroneckerProduct.applyTransposed(toMatrix:)")
    }

    /// `op(B)·V·op(A)ᵀ` through the vectorised product.
    @inlinable
    func matrixFormProduct(_ v: Matrix<Scalar>, transpose: Transpose, operation: String) throws -> Matrix<Scalar> {
        guard factors.count == 2 else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "the matrix form needs exactly 2 factors, got \(factors.count)")
        }
        let (a, b) = (factors[0], factors[1])
        let expected = transpose == .none ? (b.columns, a.columns) : (b.rows, a.rows)
        guard v.rows == expected.0, v.columns == expected.1 else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "V of size \(expected.0)×\(expected.1)", actual: "\(v.rows)×\(v.columns)")
        }
        var result = Matrix<Scalar>()
        var workspace = KroneckerWorkspace<Scalar>()
        try product(v.reshaped(rows: v.rows * v.columns, columns: 1), transpose: transpose, into: &result,
                    workspace: &workspace, operation: operation)
        return try result.reshaped(rows: transpose == .none ? b.rows : b.columns,
                                   columns: transpose == .none ? a.rows : a.columns)
    }

    /// `(A₁ ⊗ … ⊗ A_d)ᵀ = A₁ᵀ ⊗ … ⊗ A_dᵀ`, a Kronecker product again.
    /// - Complexity: `Σ mᵢnᵢ` copies. To multiply by the transpose without copying, call
    ///   ``applyTransposed(to:)``.
    @inlinable
    public func transposed() -> KroneckerProduct {
        KroneckerProduct(uncheckedFactors: factors.map { $0.transposed() })
    }

    /// The explicit `Π mᵢ × Π nᵢ` matrix. For tests and small sizes only.
    /// - Complexity: `Π mᵢnᵢ` entries and memory.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the product, before
    ///   allocating.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        let operation = "KroneckerProduct.dense"
        try SizePolicy.check(operation, "dense product", rows: rows, columns: columns, of: Scalar.self)
        return try factors.dropFirst().reduce(factors[0]) { try kroneckerPair($0, $1, operation) }
    }

    /// `tr(A₁ ⊗ … ⊗ A_d) = Π tr Aᵢ`.
    /// A square product of rectangular factors (`2×3 ⊗ 3×2`) sums its diagonal instead.
    /// - Complexity: `Σ nᵢ` for square factors, `O(d·n)` otherwise.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless the
    ///   product is square.
    @inlinable
    public func trace() throws -> Scalar {
        guard hasSquareFactors else {
            guard rows == columns else {
                throw LinearAlgebraError.dimensionMismatch(
                    operation: "KroneckerProduct.trace", expected: "a square product", actual: "\(rows)×\(columns)")
            }
            return try diagonalEntries().reduce(0, +)
        }
        return try factors.reduce(1) { $0 * (try $1.trace()) }
    }

    /// The diagonal `(A₁ ⊗ … ⊗ A_d)[r, r]`, `r < min(rows, columns)`; for square factors
    /// the Kronecker product of the factors' diagonals.
    /// - Complexity: `O(d·min(rows, columns))`.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:count:of:reachesBLAS:)`` for its `min(rows, columns)`
    ///   entries, before allocating.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] {
        try SizePolicy.check("KroneckerProduct.diagonalEntries", "diagonal", count: Swift.min(rows, columns),
                             of: Scalar.self, reachesBLAS: false)
        return try checkedDiagonalEntries
    }

    /// ``diagonalEntries()`` once its size is checked.
    @inlinable
    var checkedDiagonalEntries: [Scalar] {
        get throws {
            if hasSquareFactors {
                return try kroneckerCombination(factors.map(\.diagonal), identity: 1,
                                                operation: "KroneckerProduct.diagonalEntries", *)
            }
            // Rectangular factors: split r into row digits (radices mᵢ) and column digits
            // (radices nᵢ), last factor fastest, and multiply the entries.
            return (0..<Swift.min(rows, columns)).map { r in
                var (rowRest, columnRest) = (r, r)
                var value: Scalar = 1
                for factor in factors.reversed() {
                    value *= factor[rowRest % factor.rows, columnRest % factor.columns]
                    rowRest /= factor.rows
                    columnRest /= factor.columns
                }
                return value
            }
        }
    }

    /// `‖A₁ ⊗ … ⊗ A_d‖_F = Π ‖Aᵢ‖_F`.
    /// - Complexity: `Σ mᵢnᵢ`.
    @inlinable
    public func frobeniusNorm() -> Scalar { factors.reduce(1) { $0 * $1.frobeniusNorm } }

    @inlinable
    func requireSquareFactors(_ operation: String) throws {
        if let index = factors.firstIndex(where: { !$0.isSquare }) {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "square factors",
                actual: "factor \(index) of size \(factors[index].rows)×\(factors[index].columns)")
        }
    }
}

/// `A ⊗ B` formed explicitly: entry `(i_A·m_B + i_B, j_A·n_B + j_B)` is `A[i_A, j_A]·B[i_B, j_B]`;
/// a size error names `operation`.
@inlinable
func kroneckerPair<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>,
                                                _ operation: String) throws -> Matrix<Scalar> {
    let (ma, na, mb, nb) = (a.rows, a.columns, b.rows, b.columns)
    let (rows, rowOverflow) = ma.multipliedReportingOverflow(by: mb)
    let (columns, columnOverflow) = na.multipliedReportingOverflow(by: nb)
    var result = try Matrix<Scalar>(rows: rowOverflow ? .max : rows, columns: columnOverflow ? .max : columns,
                                    for: operation, "dense Kronecker product")
    let m = ma * mb
    result.withUnsafeMutableBufferPointer { c in
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                for ja in 0..<na {
                    for jb in 0..<nb {
                        let column = (ja * nb + jb) * m
                        for ia in 0..<ma {
                            let scale = pa[ia + ja * ma]
                            let offset = column + ia * mb
                            for ib in 0..<mb { c[offset + ib] = scale * pb[ib + jb * mb] }
                        }
                    }
                }
            }
        }
    }
    return result
}
