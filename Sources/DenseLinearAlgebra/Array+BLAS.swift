// Level-1 BLAS on plain arrays, the vectors of KronKit. An array may hold more entries
// than BLAS's 32-bit length can count: every call runs over pieces of at most
// `SizePolicy.maximumIndex` entries, so any array works and the bridge's narrowing never fails.

/// Calls `body(offset, length)` for consecutive pieces of `0..<count`, each at most `piece`
/// long (BLAS's index range by default).
/// - Complexity: `⌈count / piece⌉` calls.
@inlinable
package func forEachBLASPiece(of count: Int, piece: Int = SizePolicy.maximumIndex, _ body: (Int, Int) -> Void) {
    var offset = 0
    while offset < count {
        let length = Swift.min(count - offset, piece)
        body(offset, length)
        offset += length
    }
}

extension Array where Element: LinearAlgebraScalar {
    /// Throws unless `other` has as many elements as `self`.
    @usableFromInline
    func requireSameLength(as other: [Element], _ operation: String) throws {
        guard count == other.count else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: operation, expected: "a vector of length \(count)", actual: "length \(other.count)")
        }
    }

    /// The inner product `xᵀy` (BLAS `?dot`). - Complexity: `2n` flops.
    @inlinable
    public func dot(_ other: [Element]) throws -> Element {
        try requireSameLength(as: other, "dot")
        guard !isEmpty else { return 0 }
        return withUnsafeBufferPointer { x in
            other.withUnsafeBufferPointer { y in
                let (px, py) = (viewStart(x.baseAddress), viewStart(y.baseAddress))
                var sum: Element = 0
                forEachBLASPiece(of: count) { offset, length in
                    sum += withinIndexRange {
                        try Element.dot(count: length, x: px + offset, strideX: 1, y: py + offset, strideY: 1)
                    }
                }
                return sum
            }
        }
    }

    /// The Euclidean norm `‖x‖₂`, without overflow (BLAS `?nrm2`; the norms of pieces beyond
    /// BLAS's index range are combined with `hypot`).
    @inlinable
    public var norm2: Element {
        guard !isEmpty else { return 0 }
        return withUnsafeBufferPointer { x in
            let px = viewStart(x.baseAddress)
            var norm: Element = 0
            forEachBLASPiece(of: count) { offset, length in
                norm = Element.hypot(norm, withinIndexRange { try Element.nrm2(count: length, x: px + offset, strideX: 1) })
            }
            return norm
        }
    }

    /// `self ← self + α·x` (BLAS `?axpy`).
    @inlinable
    public mutating func add(_ x: [Element], scaledBy alpha: Element) throws {
        try requireSameLength(as: x, "axpy")
        guard !isEmpty else { return }
        let n = count
        x.withUnsafeBufferPointer { xs in
            withUnsafeMutableBufferPointer { ys in
                let (px, py) = (viewStart(xs.baseAddress), mutableViewStart(ys.baseAddress))
                forEachBLASPiece(of: n) { offset, length in
                    withinIndexRange {
                        try Element.axpy(count: length, alpha: alpha, x: px + offset, strideX: 1, y: py + offset, strideY: 1)
                    }
                }
            }
        }
    }

    /// `self ← α·self` (BLAS `?scal`).
    @inlinable
    public mutating func scale(by alpha: Element) {
        guard !isEmpty else { return }
        let n = count
        withUnsafeMutableBufferPointer { xs in
            let px = mutableViewStart(xs.baseAddress)
            forEachBLASPiece(of: n) { offset, length in
                withinIndexRange { try Element.scal(count: length, alpha: alpha, x: px + offset, strideX: 1) }
            }
        }
    }
}
