import DenseLinearAlgebra

/// A node of a HODLR tree over a contiguous range of indices: a dense diagonal
/// leaf, or a split into two halves with low-rank off-diagonal blocks,
///
/// ```
/// [ first          upperRight ]
/// [ lowerLeft      second     ]
/// ```
@usableFromInline
indirect enum HODLRNode<Scalar: LinearAlgebraScalar>: Sendable {
    case leaf(Matrix<Scalar>)
    case split(first: HODLRNode, second: HODLRNode, upperRight: LowRankBlock<Scalar>, lowerLeft: LowRankBlock<Scalar>)

    /// The node's order.
    @inlinable
    var order: Int {
        switch self {
        case let .leaf(block): return block.rows
        case let .split(first, second, _, _): return first.order + second.order
        }
    }

    /// `true` for a dense diagonal leaf.
    @inlinable
    var isLeaf: Bool {
        if case .leaf = self { return true }
        return false
    }

    /// The ranges of a node of `order` rows: the size of its first half, or `nil` for a leaf.
    @inlinable
    static func firstHalf(of order: Int, leafSize: Int) -> Int? {
        order > leafSize ? order / 2 : nil
    }

    /// The number of off-diagonal blocks in a tree of `order` with leaves of at most `leafSize`.
    @inlinable
    static func offDiagonalBlockCount(order: Int, leafSize: Int) -> Int {
        guard let half = firstHalf(of: order, leafSize: leafSize) else { return 0 }
        return 2 + offDiagonalBlockCount(order: half, leafSize: leafSize)
            + offDiagonalBlockCount(order: order - half, leafSize: leafSize)
    }

    /// Builds the tree of the rows and columns `offset..<offset + order`: `leaf` gives a
    /// diagonal block's dense matrix, `block` an off-diagonal block's low-rank form
    /// (rows, columns, both absolute ranges).
    @inlinable
    static func build(offset: Int, order: Int, leafSize: Int, leaf: (Range<Int>) throws -> Matrix<Scalar>,
                      block: (Range<Int>, Range<Int>) throws -> LowRankBlock<Scalar>) throws -> HODLRNode {
        let range = offset..<(offset + order)
        guard let half = firstHalf(of: order, leafSize: leafSize) else { return .leaf(try leaf(range)) }
        let (top, bottom) = (offset..<(offset + half), (offset + half)..<(offset + order))
        return .split(first: try build(offset: offset, order: half, leafSize: leafSize, leaf: leaf, block: block),
                      second: try build(offset: offset + half, order: order - half, leafSize: leafSize, leaf: leaf,
                                        block: block),
                      upperRight: try block(top, bottom), lowerLeft: try block(bottom, top))
    }

    /// The same tree with every off-diagonal block replaced by `transform` of it.
    @inlinable
    func mappingBlocks(_ transform: (LowRankBlock<Scalar>) throws -> LowRankBlock<Scalar>) rethrows -> HODLRNode {
        switch self {
        case .leaf: return self
        case let .split(first, second, upperRight, lowerLeft):
            return .split(first: try first.mappingBlocks(transform), second: try second.mappingBlocks(transform),
                          upperRight: try transform(upperRight), lowerLeft: try transform(lowerLeft))
        }
    }

    /// `Σ ‖leaf‖_F² + Σ ‖U·Vᵀ‖_F²`: the squared Frobenius norm of the represented matrix.
    @inlinable
    var squaredFrobeniusNorm: Scalar {
        get throws {
            switch self {
            case let .leaf(block): return block.frobeniusNorm * block.frobeniusNorm
            case let .split(first, second, upperRight, lowerLeft):
                let (upper, lower) = (try upperRight.frobeniusNorm(), try lowerLeft.frobeniusNorm())
                return try first.squaredFrobeniusNorm + second.squaredFrobeniusNorm + upper * upper + lower * lower
            }
        }
    }

    /// `self·X` for `X` with ``order`` rows.
    /// - Complexity: `2n·c·(leafSize + 2k·log₂(n/leafSize))` flops for `c` columns and ranks `k`.
    @inlinable
    func multiplied(by x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        switch self {
        case let .leaf(block):
            return try block.multiplied(by: x)
        case let .split(first, second, upperRight, lowerLeft):
            let half = first.order
            let top = try x.submatrix(rows: 0..<half, columns: 0..<x.columns)
            let bottom = try x.submatrix(rows: half..<x.rows, columns: 0..<x.columns)
            var upper = try first.multiplied(by: top)
            try upperRight.multiply(bottom, into: &upper)
            var lower = try second.multiplied(by: bottom)
            try lowerLeft.multiply(top, into: &lower)
            return try Matrix(stackingRows: [upper, lower], columns: x.columns)
        }
    }

    /// The dense matrix (for tests and small orders).
    @inlinable
    func dense() throws -> Matrix<Scalar> {
        switch self {
        case let .leaf(block):
            return block
        case let .split(first, second, upperRight, lowerLeft):
            let half = first.order
            let n = order
            let parts = (try first.dense(), try upperRight.dense(), try lowerLeft.dense(), try second.dense())
            return try Matrix(rows: n, columns: n) { i, j in
                switch (i < half, j < half) {
                case (true, true): return parts.0[i, j]
                case (true, false): return parts.1[i, j - half]
                case (false, true): return parts.2[i - half, j]
                case (false, false): return parts.3[i - half, j - half]
                }
            }
        }
    }

    /// The largest off-diagonal rank and the number of stored scalars.
    @inlinable
    var statistics: (maximumRank: Int, storedCount: Int) {
        switch self {
        case let .leaf(block):
            return (0, block.elements.count)
        case let .split(first, second, upperRight, lowerLeft):
            let (a, b) = (first.statistics, second.statistics)
            let blocks = [upperRight, lowerLeft]
            return (Swift.max(a.maximumRank, b.maximumRank, upperRight.rank, lowerLeft.rank),
                    a.storedCount + b.storedCount + blocks.reduce(0) { $0 + $1.u.elements.count + $1.v.elements.count })
        }
    }
}

extension HODLRNode {
    /// `selfᵀ·X` for `X` with ``order`` rows: transposed leaves, and the off-diagonal blocks
    /// swapped and transposed (`(U·Vᵀ)ᵀ = V·Uᵀ`).
    /// - Complexity: as ``multiplied(by:)``.
    @inlinable
    func transposeMultiplied(by x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        switch self {
        case let .leaf(block):
            return try block.multiplied(by: x, transposingSelf: .transpose)
        case let .split(first, second, upperRight, lowerLeft):
            let half = first.order
            let top = try x.submatrix(rows: 0..<half, columns: 0..<x.columns)
            let bottom = try x.submatrix(rows: half..<x.rows, columns: 0..<x.columns)
            var upper = try first.transposeMultiplied(by: top)
            try LowRankBlock(u: lowerLeft.v, v: lowerLeft.u).multiply(bottom, into: &upper)
            var lower = try second.transposeMultiplied(by: bottom)
            try LowRankBlock(u: upperRight.v, v: upperRight.u).multiply(top, into: &lower)
            return try Matrix(stackingRows: [upper, lower], columns: x.columns)
        }
    }
}
