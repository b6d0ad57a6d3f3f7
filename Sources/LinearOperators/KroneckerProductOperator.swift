import DenseLinearAlgebra

/// The Kronecker product `A ⊗ B` of any two operators (`A`: `m_A × n_A`, `B`: `m_B × n_B`),
/// applied through the factors' own products:
///
/// ```
/// (A ⊗ B)·vec(X) = vec(B·X·Aᵀ)   for X of n_B × n_A (column-major vec, B's index fastest)
/// ```
///
/// — the convention of `KroneckerOperators`' `KroneckerProduct`. So a Kronecker product of
/// Toeplitz factors runs on their FFT products, of HODLR factors on their fast products. The
/// structure is kept where it exists: the trace is `tr A·tr B`, the diagonal `diag A ⊗ diag B`,
/// the inverse `A⁻¹ ⊗ B⁻¹` (``solve(_:)`` when both factors are solvable), and
/// `log|det(A ⊗ B)| = n_B·log|det A| + n_A·log|det B|`.
///
/// - Complexity: one product is one `B` product on `n_A·k` vectors, one `A` product on `m_B·k`
///   vectors, and two `O(m_B·n_A·k + m_A·m_B·k)` reshuffles.
public struct KroneckerProductOperator<First: LinearOperator, Second: LinearOperator>: LinearOperator
where First.Scalar == Second.Scalar {
    /// The scalar type of both factors.
    public typealias Scalar = First.Scalar
    /// `A`, the slow index.
    public let first: First
    /// `B`, the fast index.
    public let second: Second

    /// `A ⊗ B`. - Complexity: `O(1)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `m_A·m_B` or
    ///   `n_A·n_B` overflows `Int`.
    @inlinable
    public init(_ first: First, _ second: Second) throws {
        for (argument, a, b) in [("rows", first.rows, second.rows), ("columns", first.columns, second.columns)] {
            guard !a.multipliedReportingOverflow(by: b).overflow else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "KroneckerProductOperator", detail: "the \(argument) \(a)·\(b) overflow Int")
            }
        }
        self.first = first
        self.second = second
    }

    /// `m_A·m_B`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { first.rows * second.rows }
    /// `n_A·n_B`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { first.columns * second.columns }

    /// `(A ⊗ B)·X` as `vec(B·Xⱼ·Aᵀ)` per column. - Complexity: see the type.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X`
    ///   has `n_A·n_B` rows, and as the factors' ``LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: columns, "KroneckerProductOperator.apply")
        return try Self.kroneckerApply(
            x, inner: (second.columns, second.rows), outer: (first.columns, first.rows),
            applyInner: second.apply(to:), applyOuter: first.apply(to:))
    }

    /// `(Aᵀ ⊗ Bᵀ)·X`. - Complexity: see the type.
    /// - Throws: as ``apply(to:)`` with `m_A·m_B` rows, and as the factors' ``LinearOperator/applyTransposed(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: rows, "KroneckerProductOperator.applyTransposed")
        return try Self.kroneckerApply(
            x, inner: (second.rows, second.columns), outer: (first.rows, first.columns),
            applyInner: second.applyTransposed(to:), applyOuter: first.applyTransposed(to:))
    }

    /// `tr A · tr B` for square factors; a square product of rectangular factors sums
    /// ``diagonalEntries()``. - Complexity: both factors' traces.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless the
    ///   product is square, and as the factors' ``LinearOperator/trace()``.
    @inlinable
    public func trace() throws -> Scalar {
        guard first.isSquare, second.isSquare else {
            try requireSquare("KroneckerProductOperator.trace")
            return try diagonalEntries().reduce(0, +)
        }
        return try first.trace() * second.trace()
    }

    /// `diag(A ⊗ B)`; for square factors `diag A ⊗ diag B`, otherwise the dense fallback's
    /// unit-vector products. - Complexity: both factors' diagonals and `n_A·n_B` products.
    /// - Throws: as the factors' ``LinearOperator/diagonalEntries()``.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] {
        guard first.isSquare, second.isSquare else {
            let units = try Matrix<Scalar>.identity(columns)
            let images = try apply(to: units)
            return images.diagonal
        }
        let (a, b) = (try first.diagonalEntries(), try second.diagonalEntries())
        return a.flatMap { ai in b.map { ai * $0 } }
    }

    /// `vec(F(G(X)ᵀ)ᵀ)` per column: `G` (`inner`, `n_in → m_in`) on the `n_in × n_out`
    /// reshapes of all columns at once, `F` (`outer`, `n_out → m_out`) on the transposed results.
    @inlinable
    static func kroneckerApply(
        _ x: Matrix<Scalar>, inner: (columns: Int, rows: Int), outer: (columns: Int, rows: Int),
        applyInner: (Matrix<Scalar>) throws -> Matrix<Scalar>, applyOuter: (Matrix<Scalar>) throws -> Matrix<Scalar>
    ) throws -> Matrix<Scalar> {
        let k = x.columns
        let resultRows = inner.rows * outer.rows
        guard k > 0, resultRows > 0 else { return try Matrix(rows: resultRows, columns: k) }
        // [X₁ … X_k] (n_in × n_out·k) is X's storage read with n_in rows.
        let y: Matrix<Scalar>
        if inner.columns > 0 && outer.columns > 0 {
            y = try applyInner(x.reshaped(rows: inner.columns, columns: outer.columns * k))
        } else {
            y = try Matrix(rows: inner.rows, columns: outer.columns * k)
        }
        // [Y₁ᵀ … Y_kᵀ] (n_out × m_in·k), then F applied to every Yⱼᵀ at once.
        let yTransposed = try Matrix<Scalar>(rows: outer.columns, columns: inner.rows * k) { i, c in
            y[c % inner.rows, (c / inner.rows) * outer.columns + i]
        }
        let z = outer.columns > 0
            ? try applyOuter(yTransposed) : try Matrix(rows: outer.rows, columns: inner.rows * k)
        // Zⱼ = (F·Yⱼᵀ)ᵀ (m_in × m_out); vec(Zⱼ)[r + m_in·s] = z[s, j·m_in + r].
        return try Matrix(rows: resultRows, columns: k) { index, j in
            z[index / inner.rows, j * inner.rows + index % inner.rows]
        }
    }
}

extension KroneckerProductOperator: SymmetricOperator where First: SymmetricOperator, Second: SymmetricOperator {}

extension KroneckerProductOperator: SolvableOperator where First: SolvableOperator, Second: SolvableOperator {
    /// `(A ⊗ B)⁻¹·C = (A⁻¹ ⊗ B⁻¹)·C`: the inverse of a Kronecker product is the Kronecker
    /// product of the inverses, so only the factors are solved (`vec(B⁻¹·Cⱼ·A⁻ᵀ)`, with
    /// `A⁻ᵀ` applied as `(A⁻¹·(·)ᵀ)ᵀ`).
    /// - Complexity: one `B` solve on `n_A·k` right-hand sides, one `A` solve on `n_B·k`, two reshuffles.
    ///   The empty product (a factor of order 0) returns the empty `C`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless both
    ///   factors are square and `C` has `n_A·n_B` rows, and as the factors' ``SolvableOperator/solve(_:)``.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        if rows == 0 && columns == 0 {
            try requireOperand(b, rows: 0, "KroneckerProductOperator.solve")
            return b
        }
        try first.requireSquare("KroneckerProductOperator.solve (A)")
        try second.requireSquare("KroneckerProductOperator.solve (B)")
        try requireOperand(b, rows: rows, "KroneckerProductOperator.solve")
        return try Self.kroneckerApply(
            b, inner: (second.rows, second.rows), outer: (first.rows, first.rows),
            applyInner: second.solve, applyOuter: first.solve)
    }
}

extension KroneckerProductOperator: LogDeterminantOperator
where First: LogDeterminantOperator, Second: LogDeterminantOperator {
    /// `log|det(A ⊗ B)| = n_B·log|det A| + n_A·log|det B|`, sign `sign(det A)^{n_B}·sign(det B)^{n_A}`.
    /// `(0, 1)` for the empty product. - Complexity: both factors' determinants.
    /// - Throws: as the factors' ``LogDeterminantOperator/logAbsoluteDeterminant()``.
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        if rows == 0 && columns == 0 { return (0, 1) }
        let (a, b) = (try first.logAbsoluteDeterminant(), try second.logAbsoluteDeterminant())
        let (nA, nB) = (first.rows, second.rows)
        let sign = (a.sign < 0 && nB % 2 == 1 ? -1 : 1) * (b.sign < 0 && nA % 2 == 1 ? -1 : 1) as Scalar
        return (Scalar(nB) * a.logAbs + Scalar(nA) * b.logAbs, sign)
    }
}
