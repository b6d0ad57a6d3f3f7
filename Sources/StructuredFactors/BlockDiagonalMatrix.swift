import DenseLinearAlgebra

/// A block-diagonal `n × n` matrix `diag(B₁, …, B_p)` of dense square blocks: SINGD's
/// block-diagonal structure [Lin et al. 2023, §3.2; singd's `Block30DiagonalMatrix`].
///
/// With block size `b` there are `⌊n/b⌋` blocks of order `b` and, when `b` does not divide `n`,
/// one last block of order `n mod b` (the reference's convention). Products cost `2n·b·k` flops
/// instead of `2n²·k`, and `Π(XᵀX)` takes the diagonal blocks `X_iᵀX_i` of the Gram matrix from
/// the column blocks `X_i` of `X`, `m·n·b` flops instead of `m·n²`.
public struct BlockDiagonalMatrix<Scalar: LinearAlgebraScalar>: StructuredMatrix {
    /// The block size of a block-diagonal structure.
    public struct Layout: StructureLayout {
        /// The order of every block but the last, ≥ 1. Default 30, singd's `Block30DiagonalMatrix`.
        public var blockSize: Int

        /// The layout with blocks of order `blockSize` (default 30 [singd]).
        /// - Complexity: `O(1)`.
        public init(blockSize: Int = 30) { self.blockSize = blockSize }

        /// The default layout, block size 30. - Complexity: `O(1)`.
        public init() { self.init(blockSize: 30) }

        /// The block orders of an `n × n` matrix: `b` repeated `⌊n/b⌋` times, then `n mod b` if not 0.
        /// - Complexity: `O(n/b)`.
        /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `b < 1` or `n < 0`.
        @inlinable
        public func blockOrders(for n: Int) throws -> [Int] {
            guard blockSize >= 1 else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "BlockDiagonalMatrix.Layout", detail: "block size \(blockSize) must be ≥ 1")
            }
            try requireOrder(n, "BlockDiagonalMatrix.Layout", of: Scalar.self)
            let remainder = n % blockSize
            return [Int](repeating: blockSize, count: n / blockSize) + (remainder > 0 ? [remainder] : [])
        }
    }

    /// The diagonal blocks, top left to bottom right.
    public let blocks: [Matrix<Scalar>]
    /// The block size.
    public let layout: Layout
    /// `n`, the sum of the block orders.
    public let order: Int
    /// The scalars stored (the blocks' entries). - Complexity: `O(number of blocks)`.
    @inlinable public var storedCount: Int { blocks.reduce(0) { $0 + $1.elements.count } }

    /// `diag(blocks)`; the block orders must be those ``Layout/blockOrders(for:)`` gives for their sum.
    /// - Complexity: one pass over the blocks (the checks), no copy.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for a block size below 1,
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for blocks of the wrong
    ///   orders, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    @inlinable
    public init(blocks: [Matrix<Scalar>], layout: Layout = Layout()) throws {
        let operation = "BlockDiagonalMatrix"
        let n = blocks.reduce(0) { $0 + $1.rows }
        let expected = try layout.blockOrders(for: n)
        guard blocks.map(\.rows) == expected, blocks.allSatisfy(\.isSquare) else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "square blocks of orders \(expected)",
                actual: "\(blocks.map { "\($0.rows)×\($0.columns)" })")
        }
        for (index, block) in blocks.enumerated() { try block.requireFinite(operation, argument: "block \(index)") }
        self.init(unchecked: blocks, layout: layout, order: n)
    }

    @usableFromInline
    init(unchecked blocks: [Matrix<Scalar>], layout: Layout, order: Int) {
        self.blocks = blocks
        self.layout = layout
        self.order = order
    }

    /// The row (and column) ranges of the blocks. - Complexity: `O(p)`.
    @inlinable
    public var blockRanges: [Range<Int>] { consecutiveRanges(blocks.map(\.rows)) }

    /// The dense matrix. - Complexity: `n²` memory.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the result, before allocating.
    @inlinable
    public func dense() throws -> Matrix<Scalar> {
        var result = try Matrix<Scalar>(rows: order, columns: order)
        for (block, range) in zip(blocks, blockRanges) {
            for j in 0..<block.columns {
                for i in 0..<block.rows { result[range.lowerBound + i, range.lowerBound + j] = block[i, j] }
            }
        }
        return result
    }

    /// `diag(Bᵢ)·X`: one `?gemm` per block row of `X`, in place on views. - Complexity: `2n·b·k` flops, one allocation.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func apply(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "BlockDiagonalMatrix.apply")
        return try blockwise(x, .none)
    }

    /// `diag(Bᵢᵀ)·X`. - Complexity: `2n·b·k` flops.
    /// - Throws: as ``/LinearOperators/LinearOperator/apply(to:)``.
    @inlinable
    public func applyTransposed(to x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireOperand(x, "BlockDiagonalMatrix.applyTransposed")
        return try blockwise(x, .transpose)
    }

    @inlinable
    func blockwise(_ x: Matrix<Scalar>, _ transpose: Transpose) throws -> Matrix<Scalar> {
        // Each block's GEMM reads its rows of `x` and writes its rows of the result in place: one
        // allocation, not zeroed (the blocks' rows cover every row), no per-block copies or
        // stacking. The shapes are the structure's own (checked by `requireOperand`), so the
        // GEMMs are called on the buffers directly, without building and checking two views per
        // block: for SINGD's 30 × 30 blocks a call is a few microseconds of work.
        let (n, k) = (x.rows, x.columns)
        var result = try Matrix<Scalar>.uninitialized(rows: n, columns: k, for: "BlockDiagonalMatrix product", "result")
        guard n > 0, k > 0 else { return result }
        try x.withUnsafeBufferPointer { operand in
            try result.withUnsafeMutableBufferPointer { output in
                guard let operandStart = operand.baseAddress, let outputStart = output.baseAddress else { return }
                for (block, range) in zip(blocks, blockRanges) where !range.isEmpty {
                    let order = range.count
                    try block.withUnsafeBufferPointer { factor in
                        guard let factorStart = factor.baseAddress else { return }
                        try Scalar.gemm(transposeA: transpose, transposeB: .none, m: order, n: k, k: order, alpha: 1,
                                        a: factorStart, lda: order, b: operandStart + range.lowerBound,
                                        ldb: n, beta: 0, c: outputStart + range.lowerBound, ldc: n)
                    }
                }
            }
        }
        return result
    }

    /// `diag(Bᵢ + Cᵢ)`. - Complexity: `n·b` additions.
    /// - Throws: as ``StructuredMatrix/adding(_:)``.
    @inlinable
    public func adding(_ other: BlockDiagonalMatrix) throws -> BlockDiagonalMatrix {
        try requireSameStructure(as: other, "BlockDiagonalMatrix.adding")
        return BlockDiagonalMatrix(unchecked: try zip(blocks, other.blocks).map { try $0 + $1 },
                                   layout: layout, order: order)
    }

    /// `diag(α·Bᵢ)`. - Complexity: `n·b` multiplications.
    /// - Throws: as ``StructuredMatrix/scaled(by:)``.
    @inlinable
    public func scaled(by alpha: Scalar) throws -> BlockDiagonalMatrix {
        try requireFiniteScalar(alpha, "BlockDiagonalMatrix.scaled", argument: "α")
        return BlockDiagonalMatrix(unchecked: blocks.map { $0.scaled(by: alpha) }, layout: layout, order: order)
    }

    /// `diag(Bᵢ + λ·I)`. - Complexity: one copy, `n` additions.
    /// - Throws: as ``StructuredMatrix/addingToDiagonal(_:)``.
    @inlinable
    public func addingToDiagonal(_ lambda: Scalar) throws -> BlockDiagonalMatrix {
        try requireFiniteScalar(lambda, "BlockDiagonalMatrix.addingToDiagonal", argument: "λ")
        let shifted = try blocks.map { block in
            var b = block
            try b.addToDiagonal(lambda)
            return b
        }
        return BlockDiagonalMatrix(unchecked: shifted, layout: layout, order: order)
    }

    /// `Σ tr Bᵢ`. - Complexity: `n` additions.
    @inlinable public func trace() -> Scalar { blocks.reduce(0) { $0 + $1.diagonal.reduce(0, +) } }
    /// `sqrt(Σ ‖Bᵢ‖²_F)`, without overflow. - Complexity: one `?nrm2` per block.
    @inlinable public func frobeniusNorm() -> Scalar { scaledEuclideanNorm(blocks.map(\.frobeniusNorm)) }

    /// `diag(I, …, I)`. - Complexity: `n·b` memory.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `n < 0` or a block size below 1.
    @inlinable
    public static func identity(order: Int, layout: Layout) throws -> BlockDiagonalMatrix {
        BlockDiagonalMatrix(unchecked: try layout.blockOrders(for: order).map { try Matrix.identity($0) },
                            layout: layout, order: order)
    }

    /// The diagonal blocks of `M` (singd's `BlockDiagonalMatrixTemplate.from_dense`).
    /// - Complexity: `n·b` copies after the `O(n²)` checks.
    /// - Throws: as ``StructuredMatrix/projecting(_:layout:)``.
    @inlinable
    public static func projecting(_ symmetric: Matrix<Scalar>, layout: Layout) throws -> BlockDiagonalMatrix {
        try requireSymmetricOperand(symmetric, "BlockDiagonalMatrix.projecting")
        let ranges = consecutiveRanges(try layout.blockOrders(for: symmetric.rows))
        return BlockDiagonalMatrix(unchecked: try ranges.map { try symmetric.submatrix(rows: $0, columns: $0) },
                                   layout: layout, order: symmetric.rows)
    }

    /// The diagonal blocks `X_iᵀX_i` of `XᵀX`, from the column blocks `X_i` (one `?syrk` each).
    /// - Complexity: `m·n·b` flops, `n·b` memory.
    /// - Throws: as ``StructuredMatrix/projectingGram(of:layout:)``.
    @inlinable
    public static func projectingGram(of x: Matrix<Scalar>, layout: Layout) throws -> BlockDiagonalMatrix {
        try x.requireFinite("BlockDiagonalMatrix.projectingGram", argument: "X")
        let ranges = consecutiveRanges(try layout.blockOrders(for: x.columns))
        return BlockDiagonalMatrix(unchecked: try ranges.map { try x.columns($0).gram(.transpose) },
                                   layout: layout, order: x.columns)
    }

    enum CodingKeys: String, CodingKey { case blocks, layout }

    /// `Π(SᵀS)`: `SᵀS` is block diagonal with blocks `BᵢᵀBᵢ`, so the projection is exact and
    /// blockwise (one `syrk` per block). - Complexity: `Σ bᵢ³` flops.
    @inlinable
    public func projectingOwnGram() throws -> BlockDiagonalMatrix {
        BlockDiagonalMatrix(unchecked: try blocks.map { try $0.gram(.transpose) }, layout: layout, order: order)
    }

    /// Decodes and validates a block-diagonal matrix.
    /// - Complexity: as the validating initialiser, after decoding.
    /// - Throws: `DecodingError.dataCorrupted` for blocks that do not fit the layout or are not finite.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let blocks = try container.decode([Matrix<Scalar>].self, forKey: .blocks)
        let layout = try container.decode(Layout.self, forKey: .layout)
        self = try decodingValidated(decoder) { try BlockDiagonalMatrix(blocks: blocks, layout: layout) }
    }
}
