// Level-2 and level-3 BLAS on views: the one implementation of each wrapper. The `Matrix`
// forms in `Matrix+BLAS.swift` open views and call these. Shapes are checked, an output that
// overlaps an input throws (`MutableMatrixView`, "Aliasing"), and nothing else: NaN and ±∞
// propagate as in BLAS.

extension Matrix {
    /// `c ← α·op(a)·op(b) + β·c` on views (BLAS `?gemm`): blocks, column ranges and halves of
    /// matrices multiplied in place, without copies.
    /// - Complexity: `2·m·n·k` flops; no allocation.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the inner
    ///   dimensions differ or `c` is not `m × n`, ``LinearAlgebraError/overlappingOperands(operation:output:input:)``
    ///   when `c` shares entries with `a` or `b`.
    @inlinable
    public static func multiply(
        _ a: MatrixView<Scalar>, _ b: MatrixView<Scalar>, transposingA transposeA: Transpose = .none,
        transposingB transposeB: Transpose = .none, alpha: Scalar = 1, beta: Scalar = 0, into c: MutableMatrixView<Scalar>
    ) throws {
        let (m, k) = transposeA == .none ? a.shape : (a.columns, a.rows)
        let (kb, n) = transposeB == .none ? b.shape : (b.columns, b.rows)
        guard k == kb else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "gemm", expected: "op(B) with \(k) rows to match op(A) \(m)×\(k)", actual: "op(B) \(kb)×\(n)")
        }
        guard c.rows == m, c.columns == n else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "gemm", expected: "C of size \(m)×\(n)", actual: "\(c.rows)×\(c.columns)")
        }
        try c.requireDisjoint(from: a, "gemm", output: "C", input: "A")
        try c.requireDisjoint(from: b, "gemm", output: "C", input: "B")
        guard m > 0, n > 0 else { return }
        guard k > 0 else { return try c.scale(by: beta) }
        try Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                        a: a.start, lda: a.leadingDimension, b: b.start, ldb: b.leadingDimension,
                        beta: beta, c: c.start, ldc: c.leadingDimension)
    }

    /// `y ← α·op(a)·x + β·y` on views (BLAS `?gemv`), `x` and `y` each one column or one row of a matrix.
    /// - Complexity: `2·rows·columns` flops.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `x` and `y` are
    ///   vectors of the lengths `op(a)` needs, ``LinearAlgebraError/overlappingOperands(operation:output:input:)``
    ///   when `y` shares entries with `a` or `x`.
    @inlinable
    public static func multiply(_ a: MatrixView<Scalar>, vector x: MatrixView<Scalar>, transpose: Transpose = .none,
                                alpha: Scalar = 1, beta: Scalar = 0, into y: MutableMatrixView<Scalar>) throws {
        let (m, n) = transpose == .none ? a.shape : (a.columns, a.rows)
        let xStride = x.columns == 1 ? 1 : x.leadingDimension, yStride = y.columns == 1 ? 1 : y.leadingDimension
        guard x.rows * x.columns == n, x.rows == 1 || x.columns == 1 || n == 0,
              y.rows * y.columns == m, y.rows == 1 || y.columns == 1 || m == 0 else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "gemv", expected: "x of length \(n) and y of length \(m)",
                actual: "x \(x.rows)×\(x.columns) and y \(y.rows)×\(y.columns)")
        }
        try y.requireDisjoint(from: a, "gemv", output: "y", input: "A")
        try y.requireDisjoint(from: x, "gemv", output: "y", input: "x")
        guard m > 0 else { return }
        guard n > 0 else {
            for i in 0..<m { y.start[i * yStride] *= beta }
            return
        }
        try Scalar.gemv(transpose: transpose, rows: a.rows, columns: a.columns, alpha: alpha, a: a.start,
                        lda: a.leadingDimension, x: x.start, strideX: xStride, beta: beta, y: y.start, strideY: yStride)
    }

    /// `c ← α·op(a)·op(a)ᵀ + β·c` on one triangle of the square view `c` (BLAS `?syrk`); the other
    /// triangle is left untouched.
    /// - Complexity: `n²·k` flops.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `c` is `n × n`,
    ///   ``LinearAlgebraError/overlappingOperands(operation:output:input:)`` when `c` shares entries with `a`.
    @inlinable
    public static func rankKUpdate(_ a: MatrixView<Scalar>, _ transpose: Transpose = .none, alpha: Scalar = 1,
                                   beta: Scalar = 0, into c: MutableMatrixView<Scalar>, triangle: Triangle = .lower) throws {
        let (n, k) = transpose == .none ? a.shape : (a.columns, a.rows)
        guard c.rows == n, c.columns == n else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "syrk", expected: "C of size \(n)×\(n)", actual: "\(c.rows)×\(c.columns)")
        }
        try c.requireDisjoint(from: a, "syrk", output: "C", input: "A")
        guard n > 0 else { return }
        guard k > 0 else { return try c.scale(by: beta) }
        try Scalar.syrk(triangle: triangle, transpose: transpose, n: n, k: k, alpha: alpha, a: a.start,
                        lda: a.leadingDimension, beta: beta, c: c.start, ldc: c.leadingDimension)
    }

    /// `b ← α·op(a)⁻¹·b` (`side = .left`) or `b ← α·b·op(a)⁻¹` (`.right`) on views (BLAS `?trsm`);
    /// no singularity check, as the `?trsm` form on `Matrix`.
    /// - Complexity: `m²·n` flops (left) or `m·n²` (right).
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `a` is square of
    ///   the matching order, ``LinearAlgebraError/overlappingOperands(operation:output:input:)`` when `b`
    ///   shares entries with `a`.
    @inlinable
    public static func triangularSolve(_ a: MatrixView<Scalar>, _ b: MutableMatrixView<Scalar>, side: Side = .left,
                                       triangle: Triangle, transpose: Transpose = .none,
                                       diagonal: DiagonalKind = .nonUnit, alpha: Scalar = 1) throws {
        try applyTriangular(a, b, side: side, triangle: triangle, transpose: transpose, diagonal: diagonal,
                            alpha: alpha, operation: "trsm", routine: Scalar.trsm)
    }

    /// `b ← α·op(a)·b` or `b ← α·b·op(a)` on views with triangular `a` (BLAS `?trmm`).
    /// - Complexity: `m²·n` flops (left) or `m·n²` (right).
    /// - Throws: as the `?trsm` form on views above.
    @inlinable
    public static func triangularMultiply(_ a: MatrixView<Scalar>, _ b: MutableMatrixView<Scalar>, side: Side = .left,
                                          triangle: Triangle, transpose: Transpose = .none,
                                          diagonal: DiagonalKind = .nonUnit, alpha: Scalar = 1) throws {
        try applyTriangular(a, b, side: side, triangle: triangle, transpose: transpose, diagonal: diagonal,
                            alpha: alpha, operation: "trmm", routine: Scalar.trmm)
    }

    /// Shape and overlap checks shared by `?trsm` and `?trmm`, which have one signature.
    @inlinable
    static func applyTriangular(
        _ a: MatrixView<Scalar>, _ b: MutableMatrixView<Scalar>, side: Side, triangle: Triangle, transpose: Transpose,
        diagonal: DiagonalKind, alpha: Scalar, operation: String,
        routine: (Side, Triangle, Transpose, DiagonalKind, Int, Int, Scalar, UnsafePointer<Scalar>, Int,
                  UnsafeMutablePointer<Scalar>, Int) throws -> Void
    ) throws {
        let order = side == .left ? b.rows : b.columns
        guard a.rows == a.columns, a.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "a square triangular factor of order \(order)",
                actual: "\(a.rows)×\(a.columns)")
        }
        try b.requireDisjoint(from: a, operation, output: "B", input: "A")
        guard !b.isEmpty else { return }
        try routine(side, triangle, transpose, diagonal, b.rows, b.columns, alpha, a.start, a.leadingDimension,
                    b.start, b.leadingDimension)
    }
}
