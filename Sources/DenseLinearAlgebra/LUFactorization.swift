/// The LU factorization with partial pivoting `P·A = L·U` of a square matrix (LAPACK `?getrf`).
///
/// - Complexity: `2n³/3` flops to factor, `2n²` per right-hand side to solve.
/// - Accuracy: backward stable in practice; the growth factor is bounded by `2ⁿ⁻¹`
///   and small for all but contrived matrices [Higham 2002, §9.3].
public struct LUFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// `L` (unit lower, implicit diagonal) and `U` packed as LAPACK leaves them.
    public let packedFactors: Matrix<Scalar>
    /// The 1-based row interchanges: row `i` was swapped with row `pivots[i]`.
    public let pivots: [Int32]

    /// Factors `matrix`.
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
        if n > 0 {
            let lda = a.leadingDimension
            let info = a.withMutableBasePointer { pa in
                ipiv.withUnsafeMutableBufferPointer { Scalar.getrf(m: n, n: n, a: pa, lda: lda, pivots: $0.baseAddress!) }
            }
            if info > 0 { throw LinearAlgebraError.singularMatrix(operation: "LU (\(routine))", index: info) }
            if info < 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: info) }
        }
        packedFactors = a
        pivots = Array(ipiv.prefix(n))
    }

    /// Solves `op(A)·X = B` (LAPACK `?getrs`).
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when `B`
    ///   has the wrong number of rows.
    @inlinable
    public func solve(_ b: Matrix<Scalar>, transpose: Transpose = .none) throws -> Matrix<Scalar> {
        let n = packedFactors.rows
        guard b.rows == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LU solve", expected: "\(n) rows",
                                                       actual: "\(b.rows)×\(b.columns)")
        }
        var x = b
        guard !x.isEmpty else { return x }
        let (k, ldb) = (x.columns, x.leadingDimension)
        let info = packedFactors.withBasePointer { pa in
            pivots.withUnsafeBufferPointer { pp in
                x.withMutableBasePointer { px in
                    Scalar.getrs(transpose: transpose, n: n, rightHandSides: k, a: pa,
                                 lda: packedFactors.leadingDimension, pivots: pp.baseAddress!, b: px, ldb: ldb)
                }
            }
        }
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: "\(Scalar.routinePrefix)getrs", info: info) }
        return x
    }

    /// `log |det A|` and the sign of `det A`, without overflow.
    public var logAbsoluteDeterminant: (logAbs: Scalar, sign: Scalar) {
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
