/// The Cholesky factorization `A = L·Lᵀ` of a symmetric positive definite matrix.
///
/// Reads the lower triangle of `A` only (LAPACK `?potrf`). As LAPACK leaves it,
/// the factor is kept in the lower triangle of ``packedFactor`` with `A`'s
/// strict upper triangle untouched above it; ``factor`` returns a clean copy.
///
/// - Complexity: `n³/3` flops to factor; `2·n²` flops per right-hand side to solve.
/// - Accuracy: backward stable; the computed `L` satisfies `L·Lᵀ = A + E` with
///   `‖E‖ ≤ c·n·eps·‖A‖` [Higham 2002, Thm 10.3]. A solve's forward error is about `n·eps/rcond`,
///   so ``solve(_:)`` refuses a numerically singular matrix (``reciprocalCondition`` below `eps`);
///   the factor and the determinant stay available (the stabilised Nyström method uses such a factor).
public struct CholeskyFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// `L` in the lower triangle; the strict upper triangle is `A`'s, unread.
    public let packedFactor: Matrix<Scalar>
    /// An estimate of the reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` (LAPACK `?pocon` from the
    /// factor and `‖A‖₁` of the symmetric matrix taken before factoring, `?lansy`), 1 for `n = 0`.
    /// Below `eps` the matrix is numerically singular and ``solve(_:)`` throws.
    public let reciprocalCondition: Scalar

    /// The lower-triangular factor `L`, with zeros above the diagonal.
    /// - Complexity: one copy of the matrix.
    @inlinable
    public var factor: Matrix<Scalar> {
        var l = packedFactor
        l.zeroStrictTriangle(.upper)
        return l
    }

    /// Factors `matrix`, reading its lower triangle only, and estimates its ``reciprocalCondition``.
    ///
    /// Fast path first: `?potrf` runs on the input unchecked. A NaN or ±∞ in the
    /// lower triangle of row `i` either fails a pivot or reaches `L`'s diagonal
    /// entry `i` (through `a_ii − Σ l_ik²`, or `l_ii = √∞`), so a non-finite
    /// input is caught by one `O(n)` look at `L`'s diagonal on success, and by a
    /// scan of the input only when a pivot fails (to tell it from an indefinite matrix).
    /// - Complexity: `n³/3` flops, plus `O(n²)` for the norm and the condition estimate.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square,
    ///   ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in the lower triangle,
    ///   ``LinearAlgebraError/notPositiveDefinite(operation:minor:)`` with the failing leading minor.
    @inlinable
    public init(_ matrix: Matrix<Scalar>) throws {
        let operation = "Cholesky (\(Scalar.routinePrefix)potrf)"
        try matrix.requireSquare(operation)
        var l = matrix
        let (n, lda) = (l.rows, l.leadingDimension)
        let norm = n > 0 ? try l.withBasePointer { try Scalar.lansy(triangle: .lower, n: n, a: $0, lda: lda) } : 0
        let info = try l.withMutableBasePointer { try Scalar.potrf(triangle: .lower, n: n, a: $0, lda: lda) }
        if info < 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)potrf", info: info) }
        if info > 0 {
            var lower = matrix
            lower.zeroStrictTriangle(.upper)
            try lower.requireFinite(operation, argument: "A (lower triangle)")
            throw LinearAlgebraError.notPositiveDefinite(operation: operation, minor: info)
        }
        if l.diagonal.contains(where: { !$0.isFinite }) {
            throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "A (lower triangle)")
        }
        var rcond: Scalar = 1
        if n > 0 {
            let conditionInfo = try l.withBasePointer {
                try Scalar.pocon(triangle: .lower, n: n, a: $0, lda: lda, oneNorm: norm, reciprocalCondition: &rcond)
            }
            if conditionInfo != 0 {
                throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)pocon", info: conditionInfo)
            }
        }
        packedFactor = l
        reciprocalCondition = rcond
    }

    /// Whether a solve with this factor can be trusted: ``reciprocalCondition`` `≥ eps`.
    /// - Complexity: `O(1)`.
    @inlinable
    public var isNumericallyNonsingular: Bool { reciprocalCondition >= Scalar.ulpOfOne }

    /// The order `n` of the factored matrix.
    public var order: Int { packedFactor.rows }

    /// Solves `A·X = B` (LAPACK `?potrs`).
    /// - Complexity: `2n²` flops per column of `B`, plus one finiteness pass over `B`.
    /// - Accuracy: normwise forward error about `n·eps/rcond` [Higham 2002, §10.1].
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when `B` has
    ///   the wrong number of rows, ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞
    ///   in `B`, ``LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` when
    ///   ``reciprocalCondition`` is below `eps`.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var x = b
        try x.withMutableView { try solve(inPlace: $0) }
        return x
    }

    /// Solves `A·X = B` in place: `b`, a view of `n` rows, is overwritten by `X` (LAPACK `?potrs`
    /// with `b`'s leading dimension; no copy).
    /// - Complexity: `2n²` flops per column of `b`, plus one finiteness pass over `b`.
    /// - Accuracy: as ``solve(_:)``.
    /// - Throws: as ``solve(_:)``; `b` is unchanged when it throws before LAPACK runs.
    @inlinable
    public func solve(inPlace b: MutableMatrixView<Scalar>) throws {
        let operation = "Cholesky solve (\(Scalar.routinePrefix)potrs)"
        guard b.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "\(order) rows", actual: "\(b.rows)×\(b.columns)")
        }
        try b.readOnly.requireFinite(operation, argument: "B")
        guard isNumericallyNonsingular else {
            throw LinearAlgebraError.numericallySingular(operation: operation,
                                                         reciprocalCondition: Double(reciprocalCondition))
        }
        guard !b.isEmpty else { return }
        let info = try packedFactor.withView { factor in
            try Scalar.potrs(triangle: .lower, n: order, rightHandSides: b.columns, a: factor.start,
                             lda: factor.leadingDimension, b: b.start, ldb: b.leadingDimension)
        }
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)potrs", info: info) }
    }

    /// `A⁻¹` formed from the factor (LAPACK `?potri`: `L⁻¹`, then `L⁻ᵀ·L⁻¹`, one triangle,
    /// mirrored onto the other so the result is exactly symmetric).
    /// - Complexity: `2n³/3` flops and one pass to mirror — a third of solving against the identity.
    /// - Accuracy: `‖I − A·X‖₁ ≤ c·n·eps·‖A‖₁·‖X‖₁`, LAPACK's test ratio for an inverse
    ///   (`?pot03`) [Higham 2002, §14.2].
    /// - Throws: ``LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` when
    ///   ``reciprocalCondition`` is below `eps`, as ``solve(_:)``.
    @inlinable
    public func inverse() throws -> Matrix<Scalar> {
        let routine = "\(Scalar.routinePrefix)potri"
        guard isNumericallyNonsingular else {
            throw LinearAlgebraError.numericallySingular(operation: "Cholesky inverse (\(routine))",
                                                         reciprocalCondition: Double(reciprocalCondition))
        }
        var inverse = packedFactor
        guard order > 0 else { return inverse }
        let lda = inverse.leadingDimension
        let info = try inverse.withMutableBasePointer { try Scalar.potri(triangle: .lower, n: order, a: $0, lda: lda) }
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: info) }
        try inverse.symmetrize(from: .lower)
        return inverse
    }

    /// `log det A = 2·Σ log l_ii`, without overflow. A method, like every query that costs more
    /// than `O(1)` (`Notes/ARCHITECTURE.md`); it cannot fail, so it does not throw.
    /// - Complexity: `O(n)`.
    public func logDeterminant() -> Scalar {
        2 * packedFactor.diagonal.reduce(0) { $0 + .log($1) }
    }
}

extension Matrix {
    /// Sets the strictly upper (or lower) triangle to zero.
    @inlinable
    public mutating func zeroStrictTriangle(_ triangle: Triangle) {
        let (m, n) = (rows, columns)
        guard m > 0 else { return }
        storage.withUnsafeMutableBufferPointer { a in
            for j in 0..<n {
                let range = triangle == .upper ? 0..<Swift.min(j, m) : Swift.min(j + 1, m)..<m
                for i in range { a[i + j * m] = 0 }
            }
        }
    }
}
