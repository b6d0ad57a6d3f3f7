extension BinaryFloatingPoint where Self: Real {
    /// A uniform sample in the open interval `(0, 1)`, from the top 53 (or 24) bits.
    @inlinable
    static func openUnitInterval(using generator: inout some RandomNumberGenerator) -> Self {
        let bits = Self.significandBitCount + 1
        let k = generator.next() >> UInt64(64 - bits)
        return (Self(k) + Self(0.5)) / Self(UInt64(1) << UInt64(bits))
    }

    /// A pair of independent standard normal samples by the Box–Muller transform.
    ///
    /// Exact transform of two uniforms on `(0, 1)`, so no sample is infinite.
    /// - Complexity: two generator calls, one `log`, `sqrt`, `cos`, `sin`.
    @inlinable
    public static func gaussianPair(using generator: inout some RandomNumberGenerator) -> (Self, Self) {
        let u1 = openUnitInterval(using: &generator)
        let u2 = openUnitInterval(using: &generator)
        let radius = Self.sqrt(-2 * Self.log(u1))
        let angle = 2 * Self.pi * u2
        return (radius * Self.cos(angle), radius * Self.sin(angle))
    }

    /// One standard normal sample (the first of a Box–Muller pair; the second is discarded
    /// so that the generator state alone determines the stream).
    @inlinable
    public static func randomGaussian(using generator: inout some RandomNumberGenerator) -> Self {
        gaussianPair(using: &generator).0
    }

    /// `count` independent standard normal samples, drawn in Box–Muller pairs.
    /// - Complexity: `count` generator calls.
    /// - Throws: as ``SizePolicy/check(_:_:count:of:reachesBLAS:)``, before drawing.
    @inlinable
    public static func randomGaussians(count: Int, using generator: inout some RandomNumberGenerator) throws -> [Self] {
        try SizePolicy.check("randomGaussians(count:)", "sample", count: count, of: Self.self, reachesBLAS: false)
        var result = [Self](repeating: 0, count: count)
        var i = 0
        while i < count {
            let (a, b) = gaussianPair(using: &generator)
            result[i] = a
            if i + 1 < count { result[i + 1] = b }
            i += 2
        }
        return result
    }
}

extension Matrix {
    /// A matrix of independent standard normal entries.
    /// - Complexity: `rows·columns` generator calls.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)``, before drawing.
    @inlinable
    public static func randomGaussian(rows: Int, columns: Int,
                                      using generator: inout some RandomNumberGenerator) throws -> Matrix {
        try SizePolicy.check("Matrix.randomGaussian", "matrix", rows: rows, columns: columns, of: Scalar.self)
        return Matrix(checkedRows: rows, columns: columns,
                      storage: try Scalar.randomGaussians(count: rows * columns, using: &generator))
    }

    /// A matrix of independent entries uniform in `range`.
    /// - Complexity: `rows·columns` generator calls.
    /// - Throws: as ``Matrix/init(rows:columns:repeating:)``, before drawing.
    @inlinable
    public static func randomUniform(rows: Int, columns: Int, in range: ClosedRange<Scalar> = -1...1,
                                     using generator: inout some RandomNumberGenerator) throws -> Matrix {
        try Matrix(rows: rows, columns: columns) { _, _ in Scalar.random(in: range, using: &generator) }
    }

    /// A matrix of independent Rademacher (±1) entries.
    /// - Complexity: `rows·columns` generator calls.
    /// - Throws: as ``Matrix/init(rows:columns:repeating:)``, before drawing.
    @inlinable
    public static func randomSigns(rows: Int, columns: Int,
                                   using generator: inout some RandomNumberGenerator) throws -> Matrix {
        try Matrix(rows: rows, columns: columns) { _, _ in Bool.random(using: &generator) ? 1 : -1 }
    }
}
