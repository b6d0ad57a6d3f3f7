import DenseLinearAlgebra

/// `max |aᵢ − bᵢ|` over two arrays of the same length.
public func maxDifference<Scalar: BinaryFloatingPoint>(_ a: [Scalar], _ b: [Scalar]) -> Scalar {
    precondition(a.count == b.count, "compared \(a.count) against \(b.count) values")
    return zip(a, b).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
}

/// `max |aᵢⱼ − bᵢⱼ|` over two matrices of the same shape.
public func maxDifference<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) throws -> Scalar {
    try (a - b).maxAbsoluteEntry
}
