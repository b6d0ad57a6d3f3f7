extension BinaryFloatingPoint where Self: Real {
    /// The uniform sample in the open interval `(0, 1)` of one generator output: its top 53 (or 24)
    /// bits `k` as `(k + ½)/2⁵³` (or `/2²⁴`).
    @inlinable
    static func openUnitInterval(bits: UInt64) -> Self {
        let count = Self.significandBitCount + 1
        let k = bits >> UInt64(64 - count)
        return (Self(k) + Self(0.5)) / Self(UInt64(1) << UInt64(count))
    }

    /// The Box–Muller pair of two generator outputs: `first` gives the radius, `second` the angle.
    @inlinable
    static func gaussianPair(bits first: UInt64, _ second: UInt64) -> (Self, Self) {
        let u1 = openUnitInterval(bits: first)
        let u2 = openUnitInterval(bits: second)
        let radius = Self.sqrt(-2 * Self.log(u1))
        let angle = 2 * Self.pi * u2
        return (radius * Self.cos(angle), radius * Self.sin(angle))
    }

    /// A pair of independent standard normal samples by the Box–Muller transform.
    ///
    /// Exact transform of two uniforms on `(0, 1)`, so no sample is infinite.
    /// - Complexity: two generator calls, one `log`, `sqrt`, `cos`, `sin`.
    @inlinable
    public static func gaussianPair(using generator: inout some RandomNumberGenerator) -> (Self, Self) {
        let first = generator.next()
        return gaussianPair(bits: first, generator.next())
    }

    /// One standard normal sample (the first of a Box–Muller pair; the second is discarded
    /// so that the generator state alone determines the stream).
    @inlinable
    public static func randomGaussian(using generator: inout some RandomNumberGenerator) -> Self {
        gaussianPair(using: &generator).0
    }

    /// `count` independent standard normal samples, drawn in Box–Muller pairs: the numbers of
    /// `count` successive `gaussianPair(using:)` halves (an odd count's last second half discarded).
    /// - Complexity: `2·⌈count/2⌉` generator calls and `⌈count/2⌉` `log`, `sqrt`, `cos`, `sin`, in
    ///   Float- or Double-specialised code even for a generic caller.
    /// - Throws: as ``SizePolicy/check(_:_:count:of:reachesBLAS:)``, before drawing.
    @inlinable
    public static func randomGaussians(count: Int, using generator: inout some RandomNumberGenerator) throws -> [Self] {
        try SizePolicy.check("randomGaussians(count:)", "sample", count: count, of: Self.self, reachesBLAS: false)
        return [Self](unsafeUninitializedCapacity: count) { samples, initialized in
            fillGaussians(samples, using: &generator)
            initialized = count
        }
    }

    /// Writes standard normal samples to every entry of `samples`, as `randomGaussians(count:using:)`.
    ///
    /// The generator's outputs are drawn in blocks of 512 into a stack buffer (`fill(_:)`, specialised
    /// for ``Xoshiro256StarStar``) and transformed by `gaussians(fromBits:into:)`, specialised for
    /// `Float` and `Double`: a caller generic over the scalar and the generator (a layer's
    /// initialiser) runs specialised loops instead of generic arithmetic, metadata look-ups and
    /// value-witness copies per sample (Notes/BENCHMARKS.md, issue 15: 784-4096-4096-10 MLP).
    /// - Complexity: `2·⌈n/2⌉` generator calls and `⌈n/2⌉` `log`, `sqrt`, `cos`, `sin` for `n` entries.
    @inlinable
    static func fillGaussians(_ samples: UnsafeMutableBufferPointer<Self>,
                              using generator: inout some RandomNumberGenerator) {
        let block = 512
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: block) { bits in
            var start = 0
            while start < samples.count {
                let end = Swift.min(start + block, samples.count)
                let draws = (end - start + 1) / 2 * 2
                generator.fill(UnsafeMutableBufferPointer(rebasing: bits[..<draws]))
                gaussians(fromBits: UnsafeBufferPointer(rebasing: bits[..<draws]),
                          into: UnsafeMutableBufferPointer(rebasing: samples[start..<end]))
                start = end
            }
        }
    }

    /// `samples[k]`, `samples[k + 1]` = the Box–Muller pair of `bits[k]`, `bits[k + 1]` for even `k`
    /// (the pair's second half dropped past the end); `bits` holds `2·⌈samples.count/2⌉` outputs.
    /// Not inlinable, so that a generic caller reaches the Float or Double specialisation.
    @usableFromInline
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func gaussians(fromBits bits: UnsafeBufferPointer<UInt64>, into samples: UnsafeMutableBufferPointer<Self>) {
        var k = 0
        while k < samples.count {
            let (a, b) = gaussianPair(bits: bits[k], bits[k + 1])
            samples[k] = a
            if k + 1 < samples.count { samples[k + 1] = b }
            k += 2
        }
    }
}

extension RandomNumberGenerator {
    /// Writes the next `bits.count` outputs to `bits`, in order. Not inlinable, and specialised for
    /// ``Xoshiro256StarStar``: a caller generic over the generator runs its step inlined in this
    /// loop instead of one witness call per output.
    @usableFromInline
    @_specialize(where Self == Xoshiro256StarStar)
    mutating func fill(_ bits: UnsafeMutableBufferPointer<UInt64>) {
        for k in bits.indices { bits[k] = next() }
    }
}

extension Matrix {
    /// A matrix of independent standard normal entries: the numbers of
    /// `Scalar.randomGaussians(count:using:)` in column-major order, written in place.
    /// - Complexity: `2·⌈rows·columns/2⌉` generator calls, one allocation.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)``, before drawing.
    @inlinable
    public static func randomGaussian(rows: Int, columns: Int,
                                      using generator: inout some RandomNumberGenerator) throws -> Matrix {
        var result = try uninitialized(rows: rows, columns: columns, for: "Matrix.randomGaussian", "matrix")
        result.withUnsafeMutableBufferPointer { Scalar.fillGaussians($0, using: &generator) }
        return result
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
