extension Matrix {
    /// Solves `op(A)·X = B` for triangular `A`, checking for exact singularity (LAPACK `?trtrs`).
    ///
    /// - Complexity: `n²` flops per right-hand side.
    /// - Accuracy: each column satisfies `(op(A) + E)·x = b` with `|E| ≤ c·n·eps·|A|`
    ///   [Higham 2002, Thm 8.5]; the forward error grows with `cond(A)`.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for shapes,
    ///   ``LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞ in `A`,
    ///   ``LinearAlgebraError/singularMatrix(operation:index:)`` for a zero diagonal entry.
    @inlinable
    public static func solveTriangular(_ a: Matrix, _ b: Matrix, triangle: Triangle,
                                       transpose: Transpose = .none,
                                       diagonal: DiagonalKind = .nonUnit) throws -> Matrix {
        let routine = "\(Scalar.routinePrefix)trtrs"
        guard a.isSquare, a.rows == b.rows else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: routine, expected: "square A with \(b.rows) rows", actual: "A \(a.rows)×\(a.columns)")
        }
        try a.requireFinite(routine, argument: "A")
        var x = b
        guard !x.isEmpty else { return x }
        let info = try a.withView { factor in
            try x.withMutableView { solution in
                try Scalar.trtrs(triangle: triangle, transpose: transpose, diagonal: diagonal, n: solution.rows,
                                 rightHandSides: solution.columns, a: factor.start, lda: factor.leadingDimension,
                                 b: solution.start, ldb: solution.leadingDimension)
            }
        }
        if info > 0 { throw LinearAlgebraError.singularMatrix(operation: routine, index: info) }
        if info < 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: info) }
        return x
    }
}
