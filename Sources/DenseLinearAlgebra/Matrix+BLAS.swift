// Level-2 and level-3 BLAS on `Matrix`. These wrappers check shapes and
// nothing else: NaN and ±∞ propagate by IEEE arithmetic, as in BLAS itself
// (the LAPACK-backed factorizations are the ones that reject them).

extension Matrix {
    /// The shape of `op(self)`.
    @inlinable
    func shape(after transpose: Transpose) -> (rows: Int, columns: Int) {
        transpose == .none ? (rows, columns) : (columns, rows)
    }

    /// General matrix product into an existing matrix:
    /// `c ← α·op(a)·op(b) + β·c` (BLAS `?gemm`).
    ///
    /// - Complexity: `2·m·n·k` flops; no allocation.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   inner dimensions differ or `c` is not `m × n`.
    @inlinable
    public static func multiply(
        _ a: Matrix, _ b: Matrix, transposingA transposeA: Transpose = .none,
        transposingB transposeB: Transpose = .none, alpha: Scalar = 1, beta: Scalar = 0, into c: inout Matrix
    ) throws {
        try a.withView { va in
            try b.withView { vb in
                try c.withMutableView { vc in
                    try multiply(va, vb, transposingA: transposeA, transposingB: transposeB, alpha: alpha, beta: beta,
                                 into: vc)
                }
            }
        }
    }

    /// `op(self) · op(other)` as a new matrix (BLAS `?gemm`). The product is written into an
    /// uninitialised matrix (`?gemm` with `β = 0` sets every entry), so a large result is not
    /// zeroed first in a pass of its own; with an empty inner dimension it is the zero matrix.
    /// - Complexity: `2·m·n·k` flops.
    /// - Throws: as the `?gemm` form `multiply(_:_:transposingA:transposingB:alpha:beta:into:)`, and as
    ///   ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the `m × n` product.
    @inlinable
    public func multiplied(by other: Matrix, transposingSelf: Transpose = .none,
                           transposingOther: Transpose = .none) throws -> Matrix {
        let (m, k) = shape(after: transposingSelf)
        let n = other.shape(after: transposingOther).columns
        var result = k > 0
            ? try Matrix.uninitialized(rows: m, columns: n, for: "gemm", "product")
            : try Matrix(rows: m, columns: n, for: "gemm", "product")
        try Matrix.multiply(self, other, transposingA: transposingSelf, transposingB: transposingOther, into: &result)
        return result
    }

    /// `y ← α·op(self)·x + β·y` (BLAS `?gemv`).
    /// - Complexity: `2·rows·columns` flops.
    @inlinable
    public func multiply(_ x: [Scalar], transpose: Transpose = .none, alpha: Scalar = 1,
                         beta: Scalar = 0, into y: inout [Scalar]) throws {
        let (m, n) = shape(after: transpose)
        guard x.count == n, y.count == m else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "gemv", expected: "x of length \(n) and y of length \(m)",
                actual: "x of length \(x.count) and y of length \(y.count)")
        }
        try withView { va in
            try x.withUnsafeBufferPointer { px in
                try y.withUnsafeMutableBufferPointer { py in
                    try Matrix.multiply(va, vector: MatrixView(unsafeBuffer: px, rows: n, columns: 1), transpose: transpose,
                                        alpha: alpha, beta: beta, into: MutableMatrixView(unsafeBuffer: py, rows: m, columns: 1))
                }
            }
        }
    }

    /// `op(self) · x` as a new vector (BLAS `?gemv`).
    @inlinable
    public func multiplied(by x: [Scalar], transpose: Transpose = .none) throws -> [Scalar] {
        var y = [Scalar](repeating: 0, count: shape(after: transpose).rows)
        try multiply(x, transpose: transpose, into: &y)
        return y
    }

    /// Symmetric rank-k update into one triangle: `c ← α·op(a)·op(a)ᵀ + β·c` (BLAS `?syrk`).
    /// The other triangle of `c` is left untouched.
    /// - Complexity: `n²·k` flops for `c` of size `n × n`.
    @inlinable
    public static func rankKUpdate(_ a: Matrix, _ transpose: Transpose = .none, alpha: Scalar = 1,
                                   beta: Scalar = 0, into c: inout Matrix, triangle: Triangle = .lower) throws {
        try a.withView { va in
            try c.withMutableView { vc in try rankKUpdate(va, transpose, alpha: alpha, beta: beta, into: vc, triangle: triangle) }
        }
    }

    /// The Gram matrix `α·op(self)·op(self)ᵀ`, full and exactly symmetric (BLAS `?syrk`
    /// on one triangle, then mirrored). `gram(.transpose)` is `α·AᵀA`.
    /// - Complexity: `n²·k` flops, half of the equivalent `?gemm`.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the `n × n` result.
    @inlinable
    public func gram(_ transpose: Transpose = .none, alpha: Scalar = 1) throws -> Matrix {
        let n = shape(after: transpose).rows
        var result = try Matrix(rows: n, columns: n, for: "Matrix.gram", "Gram matrix")
        try gram(transpose, alpha: alpha, into: &result)
        return result
    }

    /// ``gram(_:alpha:)`` written into `result`, an existing `n × n` matrix (for example
    /// `Matrix(shapeOf:)` of a matrix of that shape): no allocation and so no size check.
    /// - Complexity: `n²·k` flops.
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless
    ///   `result` is `n × n`.
    @inlinable
    public func gram(_ transpose: Transpose = .none, alpha: Scalar = 1, into result: inout Matrix) throws {
        try Matrix.rankKUpdate(self, transpose, alpha: alpha, into: &result, triangle: .lower)
        try result.symmetrize(from: .lower)
    }

    /// Triangular solve with several right-hand sides, in place:
    /// `b ← α·op(a)⁻¹·b` (`side = .left`) or `b ← α·b·op(a)⁻¹` (`.right`) (BLAS `?trsm`).
    /// No singularity check: a zero diagonal gives ±∞, as in BLAS; use
    /// ``solveTriangular(_:_:triangle:transpose:diagonal:)`` for a checked solve.
    /// - Complexity: `m²·n` flops (left) or `m·n²` (right).
    @inlinable
    public static func triangularSolve(_ a: Matrix, _ b: inout Matrix, side: Side = .left, triangle: Triangle,
                                       transpose: Transpose = .none, diagonal: DiagonalKind = .nonUnit,
                                       alpha: Scalar = 1) throws {
        try a.withView { va in
            try b.withMutableView { vb in
                try triangularSolve(va, vb, side: side, triangle: triangle, transpose: transpose, diagonal: diagonal,
                                    alpha: alpha)
            }
        }
    }

    /// Triangular product in place: `b ← α·op(a)·b` or `b ← α·b·op(a)` (BLAS `?trmm`).
    /// - Complexity: `m²·n` flops (left) or `m·n²` (right).
    @inlinable
    public static func triangularMultiply(_ a: Matrix, _ b: inout Matrix, side: Side = .left, triangle: Triangle,
                                          transpose: Transpose = .none, diagonal: DiagonalKind = .nonUnit,
                                          alpha: Scalar = 1) throws {
        try a.withView { va in
            try b.withMutableView { vb in
                try triangularMultiply(va, vb, side: side, triangle: triangle, transpose: transpose, diagonal: diagonal,
                                       alpha: alpha)
            }
        }
    }
}
