// Level-1 BLAS on plain arrays, the vectors of KronKit.

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
                Element.dot(count: count, x: x.baseAddress!, strideX: 1, y: y.baseAddress!, strideY: 1)
            }
        }
    }

    /// The Euclidean norm `‖x‖₂`, without overflow (BLAS `?nrm2`).
    @inlinable
    public var norm2: Element {
        guard !isEmpty else { return 0 }
        return withUnsafeBufferPointer { Element.nrm2(count: count, x: $0.baseAddress!, strideX: 1) }
    }

    /// `self ← self + α·x` (BLAS `?axpy`).
    @inlinable
    public mutating func add(_ x: [Element], scaledBy alpha: Element) throws {
        try requireSameLength(as: x, "axpy")
        guard !isEmpty else { return }
        let n = count
        x.withUnsafeBufferPointer { px in
            withUnsafeMutableBufferPointer { py in
                Element.axpy(count: n, alpha: alpha, x: px.baseAddress!, strideX: 1, y: py.baseAddress!, strideY: 1)
            }
        }
    }

    /// `self ← α·self` (BLAS `?scal`).
    @inlinable
    public mutating func scale(by alpha: Element) {
        guard !isEmpty else { return }
        let n = count
        withUnsafeMutableBufferPointer { Element.scal(count: n, alpha: alpha, x: $0.baseAddress!, strideX: 1) }
    }
}
