/// The LU factorization with partial pivoting `P·A = L·U` of a square matrix (LAPACK `?getrf`).
///
/// - Complexity: `2n³/3` flops to factor, `2n²` per right-hand side to solve.
/// - Accuracy: backward stable in practice; the growth factor is bounded by `2ⁿ⁻¹`
///   and small for all but contrived matrices [Higham 2002, §9.3]. A solve's forward error is
///   then about `n·eps/rcond`, so ``solve(_:transpose:)`` refuses a numerically singular matrix
///   (``reciprocalCondition`` below `eps`); the factors themselves and the determinant stay available.
public struct LUFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// `L` (unit lower, implicit diagonal) and `U` packed as LAPACK leaves them.
    public let packedFactors: Matrix<Scalar>
    /// The 1-based row interchanges: row `i` was swapped with row `pivots[i]`.
    public let pivots: [Int32]
    /// An estimate of the reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` (LAPACK `?gecon` from the
    /// factors and `‖A‖₁` taken before factoring, `?lange`): within a factor of a few of the
    /// true value in practice [Higham 2002, §15.3], 1 for `n = 0`. Below `eps` the matrix is
    /// numerically singular and ``solve(_:transpose:)`` throws.
    public let reciprocalCondition: Scalar

    /// Factors `matrix` and estimates its ``reciprocalCondition``.
    /// - Complexity: `2n³/3` flops, plus `O(n²)` for the norm and the condition estimate.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square,
    ///   ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞,
    ///   ``LinearAlgebraError/singularMatrix(operation:index:)`` for an exactly zero pivot.
    @inlinable
    public init(_ matrix: Matrix<Scalar>) throws {
        let routine = "\(Scalar.routinePrefix)getrf"
        try matrix.requireSquare("LU (\(routine))")
        try matrix.requireFinite("LU (\(routine))", argument: "A")
        var a = matrix
        let n = a.rows
        var ipiv = [Int32](repeating: 0, count: Swift.max(1, n))
        var rcond: Scalar = 1
        if n > 0 {
            let lda = a.leadingDimension
            let norm = try a.withBasePointer { try Scalar.lange(m: n, n: n, a: $0, lda: lda) }
            let info = try a.withMutableBasePointer { try Scalar.getrf(m: n, n: n, a: $0, lda: lda, pivots: &ipiv) }
            if info > 0 { throw LinearAlgebraError.singularMatrix(operation: "LU (\(routine))", index: info) }
            if info < 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: info) }
            let conditionInfo = try a.withBasePointer {
                try Scalar.gecon(n: n, a: $0, lda: lda, oneNorm: norm, reciprocalCondition: &rcond)
            }
            if conditionInfo != 0 {
                throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)gecon", info: conditionInfo)
            }
        }
        packedFactors = a
        pivots = Array(ipiv.prefix(n))
        reciprocalCondition = rcond
    }

    /// Whether a solve with these factors can be trusted: ``reciprocalCondition`` `≥ eps`.
    /// - Complexity: `O(1)`.
    @inlinable
    public var isNumericallyNonsingular: Bool { reciprocalCondition >= Scalar.ulpOfOne }

    /// Solves `op(A)·X = B` (LAPACK `?getrs`).
    /// - Complexity: `2n²` flops per column of `B`, plus one finiteness pass over `B`.
    /// - Accuracy: normwise forward error about `n·eps/rcond` [Higham 2002, §9.4].
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when `B`
    ///   has the wrong number of rows, ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for
    ///   NaN/∞ in `B`, ``LinearAlgebraError/numericallySingular(operation:reciprocalCondition:)`` when
    ///   ``reciprocalCondition`` is below `eps` (the solution would have no correct digit).
    @inlinable
    public func solve(_ b: Matrix<Scalar>, transpose: Transpose = .none) throws -> Matrix<Scalar> {
        var x = b
        try x.withMutableView { try solve(inPlace: $0, transpose: transpose) }
        return x
    }

    /// Solves `op(A)·X = B` in place: `b`, a view of `n` rows (a block of a larger matrix, say),
    /// is overwritten by `X` (LAPACK `?getrs` with `b`'s leading dimension; no copy).
    /// - Complexity: `2n²` flops per column of `b`, plus one finiteness pass over `b`.
    /// - Accuracy: as ``solve(_:transpose:)``.
    /// - Throws: as ``solve(_:transpose:)``; `b` is unchanged when it throws before LAPACK runs.
    @inlinable
    public func solve(inPlace b: MutableMatrixView<Scalar>, transpose: Transpose = .none) throws {
        let n = packedFactors.rows
        let operation = "LU solve (\(Scalar.routinePrefix)getrs)"
        guard b.rows == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: operation, expected: "\(n) rows",
                                                       actual: "\(b.rows)×\(b.columns)")
        }
        try b.readOnly.requireFinite(operation, argument: "B")
        guard isNumericallyNonsingular else {
            throw LinearAlgebraError.numericallySingular(operation: operation,
                                                         reciprocalCondition: Double(reciprocalCondition))
        }
        guard !b.isEmpty else { return }
        let info = try packedFactors.withView { factors in
            try Scalar.getrs(transpose: transpose, n: n, rightHandSides: b.columns, a: factors.start,
                             lda: factors.leadingDimension, pivots: pivots, b: b.start, ldb: b.leadingDimension)
        }
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)getrs", info: info) }
    }

    /// `log |det A|` and the sign of `det A`, without overflow (`-∞` for an exactly singular `U`).
    /// A method, like every query that costs more than `O(1)` (`Notes/ARCHITECTURE.md`); it
    /// cannot fail, so it does not throw.
    /// - Complexity: `O(n)`.
    public func logAbsoluteDeterminant() -> (logAbs: Scalar, sign: Scalar) {
        var sign: Scalar = 1
        var logAbs: Scalar = 0
        for (i, u) in packedFactors.diagonal.enumerated() {
            if u < 0 { sign = -sign }
            if Int(pivots[i]) != i + 1 { sign = -sign }
            logAbs += .log(abs(u))
        }
        return (logAbs, sign)
    }
}
