import DenseLinearAlgebra

/// The block-diagonal operator `diag(B₁, …, B_p)` of operators of one type (each `mᵢ × nᵢ`,
/// rectangular blocks allowed): `m = Σ mᵢ` rows, `n = Σ nᵢ` columns, and every product, solve
/// and query goes block by block through each block's own fast path.
///
/// ```
/// diag(B₁, …, B_p)·X = [B₁·X₁; …; B_p·X_p]   (Xᵢ the rows of X in block i's column range)
/// ```
///
/// Capabilities carry over by conditional conformance: symmetric, solvable
/// (`diag(B₁⁻¹, …, B_p⁻¹)`), log-determinant (`Σ log|det Bᵢ|`) when every block is. Blocks of
/// different structures share a type through a common conformance (e.g. their `dense()` forms,
/// or a ``KroneckerProductOperator`` of each), so that dispatch stays static.
///
/// - Complexity: a product is the blocks' products on `k` columns plus copying the `m·k`
///   result; `O(p)` memory besides.
public struct BlockDiagonalOperator<Block: LinearOperator>: LinearOperator {
    /// The scalar type of the blocks.
    public typealias Scalar = Block.Scalar
    /// `B₁, …, B_p` in diagonal order.
    public let blocks: [Block]
    /// `rowOffsets[i] ..< rowOffsets[i + 1]` are block `i`'s rows (`p + 1` entries, from 0).
    public let rowOffsets: [Int]
    /// `columnOffsets[i] ..< columnOffsets[i + 1]` are block `i`'s columns (`p + 1` entries, from 0).
    public let columnOffsets: [Int]

    /// `diag(B₁, …, B_p)`; the empty list is the `0 × 0` operator. - Complexity: `O(p)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `Σ mᵢ` or `Σ nᵢ`
    ///   overflows `Int`.
    @inlinable
    public init(_ blocks: [Block]) throws {
        var rowOffsets = [0], columnOffsets = [0]
        for (index, block) in blocks.enumerated() {
            let (rows, rowOverflow) = rowOffsets.last!.addingReportingOverflow(block.rows)
            let (columns, columnOverflow) = columnOffsets.last!.addingReportingOverflow(block.columns)
            guard !rowOverflow, !columnOverflow else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "BlockDiagonalOperator", detail: "the order overflows Int at block \(index + 1)")
            }
            rowOffsets.append(rows)
            columnOffsets.append(columns)
        }
        self.blocks = blocks
        self.rowOffsets = rowOffsets
        self.columnOffsets = columnOffsets
    }

    /// `Σ mᵢ`. - Complexity: `O(1)`.
    @inlinable public var rows: Int { rowOffsets.last! }
    /// `Σ nᵢ`. - Complexity: `O(1)`.
    @inlinable public var columns: Int { columnOffsets.last! }

    /// `[B₁·X₁; …; B_p·X_p]`. - Complexity: see the type.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless `X`
    ///   has `Σ nᵢ` rows, and as the blocks' ``LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: columns, "BlockDiagonalOperator.apply")
        return try blockwise(x, from: columnOffsets) { try $0.apply(to: $1) }
    }

    /// `[B₁ᵀ·X₁; …; B_pᵀ·X_p]` with `Xᵢ` in block `i`'s row range. - Complexity: see the type.
    /// - Throws: as ``apply(to:)`` with `Σ mᵢ` rows, and as the blocks' ``LinearOperator/applyTransposed(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, rows: rows, "BlockDiagonalOperator.applyTransposed")
        return try blockwise(x, from: rowOffsets) { try $0.applyTransposed(to: $1) }
    }

    /// `diag(dense(B₁), …, dense(B_p))`. - Complexity: the blocks' `dense()` and `m·n` memory.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result, and as
    ///   the blocks' ``LinearOperator/dense()``.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        var result = try Matrix<Scalar>(rows: rows, columns: columns)
        for (index, block) in blocks.enumerated() {
            let piece = try block.dense()
            for j in 0..<piece.columns {
                for i in 0..<piece.rows { result[rowOffsets[index] + i, columnOffsets[index] + j] = piece[i, j] }
            }
        }
        return result
    }

    /// `Σ tr Bᵢ` when every block is square; otherwise the sum of ``diagonalEntries()``.
    /// - Complexity: the blocks' traces.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless square.
    @inlinable
    public func trace() throws -> Scalar {
        try requireSquare("BlockDiagonalOperator.trace")
        guard blocks.allSatisfy(\.isSquare) else { return try diagonalEntries().reduce(0, +) }
        return try blocks.reduce(0) { try $0 + $1.trace() }
    }

    /// The blocks' diagonals in order when every block is square; otherwise the fallback's
    /// unit-vector products (the main diagonal then crosses block boundaries).
    /// - Complexity: the blocks' diagonals.
    /// - Throws: as the blocks' ``LinearOperator/diagonalEntries()``.
    @inlinable
    public func diagonalEntries() throws -> [Scalar] {
        guard blocks.allSatisfy(\.isSquare) else {
            return try apply(to: .identity(columns)).diagonal
        }
        return try blocks.flatMap { try $0.diagonalEntries() }
    }

    /// `[F(B₁, X₁); …; F(B_p, X_p)]` with `Xᵢ` the rows `offsets[i] ..< offsets[i + 1]` of `X`.
    @inlinable
    func blockwise(
        _ x: Matrix<Scalar>, from offsets: [Int], _ product: (Block, Matrix<Scalar>) throws -> Matrix<Scalar>
    ) throws -> Matrix<Scalar> {
        let pieces = try blocks.indices.map { index in
            try product(blocks[index], x.submatrix(rows: offsets[index]..<offsets[index + 1], columns: 0..<x.columns))
        }
        return try Matrix(stackingRows: pieces, columns: x.columns)
    }
}

extension BlockDiagonalOperator: SymmetricOperator where Block: SymmetricOperator {}

extension BlockDiagonalOperator: SolvableOperator where Block: SolvableOperator {
    /// `[B₁⁻¹·C₁; …; B_p⁻¹·C_p]`: the inverse of a block-diagonal operator is the block diagonal
    /// of the inverses. - Complexity: the blocks' solves on `k` columns.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` unless every
    ///   block is square and `C` has `n` rows, and as the blocks' ``SolvableOperator/solve(_:)``.
    @inlinable
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        for (index, block) in blocks.enumerated() {
            try block.requireSquare("BlockDiagonalOperator.solve (block \(index + 1))")
        }
        try requireOperand(b, rows: rows, "BlockDiagonalOperator.solve")
        return try blockwise(b, from: rowOffsets) { try $0.solve($1) }
    }
}

extension BlockDiagonalOperator: LogDeterminantOperator where Block: LogDeterminantOperator {
    /// `Σ log|det Bᵢ|` and `Π sign(det Bᵢ)`; `(0, 1)` without blocks.
    /// - Complexity: the blocks' determinants.
    /// - Throws: as the blocks' ``LogDeterminantOperator/logAbsoluteDeterminant()`` (which throw for a rectangular block).
    @inlinable
    public func logAbsoluteDeterminant() throws -> (logAbs: Scalar, sign: Scalar) {
        try blocks.reduce((logAbs: Scalar(0), sign: Scalar(1))) { partial, block in
            let (logAbs, sign) = try block.logAbsoluteDeterminant()
            return (partial.logAbs + logAbs, partial.sign * sign)
        }
    }
}
