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

    /// `self·X` (or `selfᵀ·X` when `transposed`) for `X` with ``order`` rows, as a new matrix:
    /// ``multiply(_:transposed:into:coordinates:)`` with the result and one coordinate workspace
    /// allocated once (before, every node copied its halves of `X` and stacked its halves of the result).
    /// - Complexity: as ``multiply(_:transposed:into:coordinates:)``; two allocations.
    @inlinable
    func product(_ x: Matrix<Scalar>, transposed: Bool) throws -> Matrix<Scalar> {
        var result = try Matrix<Scalar>(rows: order, columns: x.columns)
        var coordinates = try Matrix<Scalar>(rows: maximumRank, columns: x.columns)
        try x.withView { operand in
            try result.withMutableView { target in
                try coordinates.withMutableView { workspace in
                    try multiply(operand, transposed: transposed, into: target, coordinates: workspace)
                }
            }
        }
        return result
    }

    /// `result ← self·X` (or `selfᵀ·X` when `transposed`) for `X` with ``order`` rows, in place
    /// on row views of `X` and `result`: the leaves multiply their rows of `X` straight into their
    /// rows of `result`, and each off-diagonal block adds `U·(Vᵀ·X_half)` through `coordinates`, a
    /// workspace of at least ``maximumRank`` rows and `X`'s columns. The transpose runs on the same
    /// tree with the off-diagonal blocks swapped and transposed (`(U·Vᵀ)ᵀ = V·Uᵀ`).
    /// - Complexity: `2n·c·(leafSize + 2k·log₂(n/leafSize))` flops for `c` columns and ranks `k`;
    ///   no allocation.
    @inlinable
    func multiply(_ x: MatrixView<Scalar>, transposed: Bool, into result: MutableMatrixView<Scalar>,
                  coordinates: MutableMatrixView<Scalar>) throws {
        switch self {
        case let .leaf(block):
            try block.withView { try Matrix.multiply($0, x, transposingA: transposed ? .transpose : .none, into: result) }
        case let .split(first, second, upperRight, lowerLeft):
            let half = first.order
            let (xTop, xBottom) = (try x.rows(0..<half), try x.rows(half..<x.rows))
            let (top, bottom) = (try result.rows(0..<half), try result.rows(half..<result.rows))
            let (intoTop, intoBottom) = transposed ? (lowerLeft, upperRight) : (upperRight, lowerLeft)
            try first.multiply(xTop, transposed: transposed, into: top, coordinates: coordinates)
            try intoTop.add(xBottom, transposed: transposed, into: top, coordinates: coordinates)
            try second.multiply(xBottom, transposed: transposed, into: bottom, coordinates: coordinates)
            try intoBottom.add(xTop, transposed: transposed, into: bottom, coordinates: coordinates)
        }
    }

    /// The largest off-diagonal rank in the tree (0 for a leaf).
    /// - Complexity: `O(number of blocks)`.
    @inlinable
    var maximumRank: Int {
        switch self {
        case .leaf: return 0
        case let .split(first, second, upperRight, lowerLeft):
            return Swift.max(first.maximumRank, second.maximumRank, upperRight.rank, lowerLeft.rank)
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

    /// The number of stored scalars (leaves and factors).
    @inlinable
    var storedCount: Int {
        switch self {
        case let .leaf(block):
            return block.elements.count
        case let .split(first, second, upperRight, lowerLeft):
            return first.storedCount + second.storedCount + upperRight.u.elements.count + upperRight.v.elements.count
                + lowerLeft.u.elements.count + lowerLeft.v.elements.count
        }
    }
}
