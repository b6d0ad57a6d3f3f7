/// The thin singular value decomposition `A = U·diag(σ)·Vᵀ` of an `m × n` matrix,
/// `k = min(m, n)`: `U` is `m × k`, `Vᵀ` is `k × n`, `σ` descending and non-negative.
///
/// Divide and conquer (LAPACK `?gesdd`, `jobz = 'S'`).
///
/// - Complexity: `O(m·n·k)` flops (about `4mn² + 8n³` with vectors for `m ≥ n`).
/// - Accuracy: each `σ_i` is within `c·k·eps·σ_1` of the exact value; `U`, `V` orthonormal
///   to `c·k·eps` [LAPACK Users' Guide §4.9].
public struct SingularValueDecomposition<Scalar: LinearAlgebraScalar>: Sendable {
    /// Left singular vectors (`m × k`); empty (`m × 0`) when computed without vectors.
    public let u: Matrix<Scalar>
    /// The singular values, descending.
    public let singularValues: [Scalar]
    /// Right singular vectors, transposed (`k × n`); empty (`0 × n`) without vectors.
    public let vt: Matrix<Scalar>

    /// Decomposes `matrix`.
    /// - Parameters:
    ///   - matrix: the matrix to decompose.
    ///   - computeVectors: `false` computes the singular values only (`jobz = 'N'`).
    /// - Throws: ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞,
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` if the iteration fails to converge.
    @inlinable
    public init(_ matrix: Matrix<Scalar>, computeVectors: Bool = true) throws {
        let routine = "\(Scalar.routinePrefix)gesdd"
        try matrix.requireFinite("SVD (\(routine))", argument: "A")
        let (m, n) = (matrix.rows, matrix.columns)
        let k = Swift.min(m, n)
        var a = matrix
        var sigma = [Scalar](repeating: 0, count: Swift.max(1, k))
        // U and Vᵀ hold at most as many entries as A.
        var left = Matrix<Scalar>(checkedRows: m, columns: computeVectors ? k : 0)
        var right = Matrix<Scalar>(checkedRows: computeVectors ? k : 0, columns: n)
        if k > 0 {
            let (lda, ldu, ldvt) = (a.leadingDimension, Swift.max(1, m), Swift.max(1, k))
            let info = try a.withMutableBasePointer { pa in
                try left.withMutableBasePointer { pu in
                    try right.withMutableBasePointer { pvt in
                        try Scalar.gesdd(computeVectors: computeVectors, m: m, n: n, a: pa, lda: lda,
                                         singularValues: &sigma, u: pu, ldu: ldu, vt: pvt, ldvt: ldvt)
                    }
                }
            }
            if info != 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: info) }
        }
        u = left
        vt = right
        singularValues = Array(sigma.prefix(k))
    }

    /// A decomposition from given factors: `U` (`m × k`), `σ` (`k`), `Vᵀ` (`k × n`) with
    /// `k ≤ min(m, n)`; `k < min(m, n)` makes a truncated one (an update or a randomized
    /// SVD). The singular vectors are trusted to be orthonormal (not checked).
    /// - Complexity: one finiteness pass over the entries; nothing is copied.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   shapes disagree, ``LinearAlgebraError/invalidArgument(operation:detail:)`` for a negative or
    ///   increasing `σ`, ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public init(u: Matrix<Scalar>, singularValues: [Scalar], vt: Matrix<Scalar>) throws {
        let operation = "SingularValueDecomposition(u:singularValues:vt:)"
        let k = singularValues.count
        guard u.columns == k, vt.rows == k, k <= Swift.min(u.rows, vt.columns) else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "U m × \(k), Vᵀ \(k) × n with \(k) ≤ min(m, n)",
                actual: "U \(u.rows)×\(u.columns), Vᵀ \(vt.rows)×\(vt.columns)")
        }
        guard singularValues.allSatisfy(\.isFinite) else {
            throw LinearAlgebraError.nonFiniteInput(operation: operation, argument: "singular values")
        }
        guard singularValues.allSatisfy({ $0 >= 0 }), zip(singularValues, singularValues.dropFirst()).allSatisfy({ $0 >= $1 })
        else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "singular values must be non-negative and descending")
        }
        try u.requireFinite(operation, argument: "U")
        try vt.requireFinite(operation, argument: "Vᵀ")
        self.u = u
        self.singularValues = singularValues
        self.vt = vt
    }

    /// `U·diag(σ)·Vᵀ`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` if computed without vectors.
    @inlinable
    public func reconstructed() throws -> Matrix<Scalar> {
        guard u.columns == singularValues.count else {
            throw LinearAlgebraError.invalidArgument(
                operation: "SVD.reconstructed", detail: "the decomposition was computed without singular vectors")
        }
        var scaled = u
        for (j, sigma) in singularValues.enumerated() {
            for i in 0..<scaled.rows { scaled[i, j] *= sigma }
        }
        return try scaled.multiplied(by: vt)
    }
}
