import DenseLinearAlgebra

/// A structure closed under multiplication: the product of two matrices of the same order
/// and layout is again in the structure, and computed in it.
///
/// SINGD's factor update `K ← K·(I − β₁·m_K)` multiplies two matrices of `K`'s structure and
/// needs the result in that structure [Lin et al. 2023, §3.2: the structures are chosen to be
/// closed under multiplication, "matrix Lie groups"; singd's `StructuredMatrix.__matmul__`].
/// Dense, diagonal, block-diagonal, both triangular Toeplitz and the hierarchical structure are;
/// ``LowRankPlusDiagonal`` is not (`(D₁ + U₁C₁U₁ᵀ)(D₂ + U₂C₂U₂ᵀ)` has different left and right factors).
public protocol StructuredMatrixAlgebra<Scalar>: StructuredMatrix {
    /// `S·T` in the structure.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for another
    ///   order or layout.
    func multiplied(by other: Self) throws -> Self
}

extension DenseFactor: StructuredMatrixAlgebra {
    /// `S·T` (BLAS `?gemm`). - Complexity: `2n³` flops.
    /// - Throws: as ``StructuredMatrixAlgebra/multiplied(by:)``.
    @inlinable
    public func multiplied(by other: DenseFactor) throws -> DenseFactor {
        try requireSameStructure(as: other, "DenseFactor.multiplied")
        return DenseFactor(unchecked: try matrix.multiplied(by: other.matrix))
    }
}

extension DiagonalMatrix: StructuredMatrixAlgebra {
    /// `diag(d ⊙ e)`. - Complexity: `n` multiplications.
    /// - Throws: as ``StructuredMatrixAlgebra/multiplied(by:)``.
    @inlinable
    public func multiplied(by other: DiagonalMatrix) throws -> DiagonalMatrix {
        try requireSameStructure(as: other, "DiagonalMatrix.multiplied")
        return DiagonalMatrix(unchecked: zip(diagonal, other.diagonal).map { $0 * $1 })
    }
}

extension BlockDiagonalMatrix: StructuredMatrixAlgebra {
    /// `diag(Bᵢ·Cᵢ)`, one `?gemm` per block. - Complexity: `2n·b²` flops.
    /// - Throws: as ``StructuredMatrixAlgebra/multiplied(by:)``.
    @inlinable
    public func multiplied(by other: BlockDiagonalMatrix) throws -> BlockDiagonalMatrix {
        try requireSameStructure(as: other, "BlockDiagonalMatrix.multiplied")
        return BlockDiagonalMatrix(unchecked: try zip(blocks, other.blocks).map { try $0.multiplied(by: $1) },
                                   layout: layout, order: order)
    }
}

extension LowerTriangularToeplitz: StructuredMatrixAlgebra {}
extension UpperTriangularToeplitz: StructuredMatrixAlgebra {}

extension HierarchicalFactor: StructuredMatrixAlgebra {
    /// `S·T` blockwise, with `B = [B_C B_E]` split at the middle:
    ///
    /// ```
    /// [A·A'   A·B'_C + B_C·C' + B_E·D'   A·B'_E + B_E·E']
    /// [0      C·C'                       0              ]
    /// [0      D·C' + E·D'                E·E'           ]
    /// ```
    ///
    /// - Complexity: `O((k₁ + k₂)²·n)` flops.
    /// - Throws: as ``StructuredMatrixAlgebra/multiplied(by:)``.
    @inlinable
    public func multiplied(by other: HierarchicalFactor) throws -> HierarchicalFactor {
        try requireSameStructure(as: other, "HierarchicalFactor.multiplied")
        let (k1, m, k2) = (topLeft.rows, middle.count, bottomRight.rows)
        let (bc, be) = (try top.columns(0..<m), try top.columns(m..<(m + k2)))
        var topMiddle = try bc.scalingColumns(by: other.middle)
        try Matrix.multiply(topLeft, other.top.columns(0..<m), beta: 1, into: &topMiddle)
        try Matrix.multiply(be, other.bottom, beta: 1, into: &topMiddle)
        var topRight = try topLeft.multiplied(by: other.top.columns(m..<(m + k2)))
        try Matrix.multiply(be, other.bottomRight, beta: 1, into: &topRight)
        var bottomMiddle = try bottom.scalingColumns(by: other.middle)
        try Matrix.multiply(bottomRight, other.bottom, beta: 1, into: &bottomMiddle)
        return HierarchicalFactor(
            unchecked: try topLeft.multiplied(by: other.topLeft),
            try Matrix(rows: k1, columns: m + k2, columnMajor: topMiddle.elements + topRight.elements),
            zip(middle, other.middle).map { $0 * $1 }, bottomMiddle,
            try bottomRight.multiplied(by: other.bottomRight), layout)
    }
}
