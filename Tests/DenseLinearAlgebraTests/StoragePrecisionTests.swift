import DenseLinearAlgebra
import Testing
import KronKitTestSupport

/// Rounding to `significantBits` bits with normal exponents ≥ `minimumExponent` (below it, the
/// subnormal quantum), ties to even, ±∞ beyond `greatest`: written with Double arithmetic on
/// the value (its `exponent`, a division by a power of two, `rounded(.toNearestOrEven)`), not
/// with the bit manipulations of the code under test. Exact for every Float and for Doubles
/// whose quotient by the quantum stays below 2⁵³ (the quotient is an exact power-of-two scaling).
func referenceRounding(_ x: Double, significantBits: Int, minimumExponent: Int, greatest: Double) -> Double {
    guard x.isFinite, x != 0 else { return x }
    let exponent = max(Int(x.magnitude.exponent), minimumExponent)
    let quantum = Double(sign: .plus, exponent: exponent - (significantBits - 1), significand: 1)
    let result = (x / quantum).rounded(.toNearestOrEven) * quantum
    if result.magnitude > greatest { return x < 0 ? -.infinity : .infinity }
    return result == 0 ? (x < 0 ? -0.0 : 0.0) : result
}

extension StoragePrecision {
    /// ``referenceRounding`` with this format's parameters.
    func reference(_ x: Double) -> Double {
        switch self {
        case .bfloat16: return referenceRounding(x, significantBits: 8, minimumExponent: -126,
                                                 greatest: 0x1.FEp127)
        case .float16: return referenceRounding(x, significantBits: 11, minimumExponent: -14, greatest: 65504)
        case .float32: return referenceRounding(x, significantBits: 24, minimumExponent: -126,
                                                greatest: Double(Float.greatestFiniteMagnitude))
        }
    }

    /// The value of a 16-bit word decoded from its fields with Double arithmetic.
    func referenceValue(_ bits: UInt16) -> Double {
        let (exponentBits, fractionBits, bias) = self == .bfloat16 ? (8, 7, 127) : (5, 10, 15)
        let sign: Double = bits >> 15 == 1 ? -1 : 1
        let exponent = Int(bits >> fractionBits) & ((1 << exponentBits) - 1)
        let fraction = Double(Int(bits) & ((1 << fractionBits) - 1))
        let scale = Double(1 << fractionBits)
        if exponent == (1 << exponentBits) - 1 { return fraction == 0 ? sign * .infinity : .nan }
        if exponent == 0 { return sign * fraction / scale * Double.pow(2, Double(1 - bias)) }
        return sign * (1 + fraction / scale) * Double.pow(2, Double(exponent - bias))
    }

    /// The 16-bit word's value through the type under test.
    func value(_ bits: UInt16) -> Float {
        self == .bfloat16 ? BFloat16(bitPattern: bits).float : Float(Float16(bitPattern: bits))
    }

    /// The word of the value nearest to `x` through the type under test.
    func word(_ x: Float) -> UInt16 {
        self == .bfloat16 ? BFloat16(x).bitPattern : Float16(x).bitPattern
    }
}

/// Every comparison here is exact: rounding is a function with one right answer.
@Suite("BFloat16, Float16 and StoragePrecision rounding")
struct StoragePrecisionTests {
    static let halfFormats: [StoragePrecision] = [.bfloat16, .float16]

    @Test(arguments: halfFormats)
    func everyBitPatternDecodesAndRoundTrips(_ precision: StoragePrecision) {
        var mismatches: [UInt16] = []
        for bits in UInt16.min...UInt16.max {
            let value = precision.value(bits)
            let expected = precision.referenceValue(bits)
            if expected.isNaN {
                // NaN stays NaN, quieted, with its sign.
                let back = precision.word(value)
                let quietBit: UInt16 = precision == .bfloat16 ? 0x0040 : 0x0200
                if !value.isNaN || back & quietBit == 0 || back >> 15 != bits >> 15 { mismatches.append(bits) }
                if !precision.rounded(value).isNaN || !precision.rounded(Double(value)).isNaN { mismatches.append(bits) }
                continue
            }
            // Decoding is exact, and a stored value rounds to itself — from Float and from Double.
            if Double(value) != expected || Double(value).sign != expected.sign { mismatches.append(bits) }
            if precision.word(value) != bits { mismatches.append(bits) }
            if precision.rounded(value).bitPattern != value.bitPattern { mismatches.append(bits) }
            if precision.rounded(Double(value)).bitPattern != Double(value).bitPattern { mismatches.append(bits) }
            if precision == .bfloat16, BFloat16(Double(value)).bitPattern != bits { mismatches.append(bits) }
        }
        #expect(mismatches.isEmpty, "bit patterns \(mismatches.prefix(8).map { String($0, radix: 16) })")
    }

    /// Between each pair of adjacent finite values `lo < hi`, the midpoint (exact in Float: one
    /// bit more than the format) rounds to the one with an even last bit, and the Floats just
    /// beside it to the nearer one; the midpoint above the largest value rounds to ∞.
    @Test(arguments: halfFormats)
    func tiesGoToEvenAndNeighboursToNearest(_ precision: StoragePrecision) {
        let largest: UInt16 = precision == .bfloat16 ? 0x7F7F : 0x7BFF
        var mismatches: [String] = []
        for bits in UInt16(0)..<largest {
            for sign in [UInt16(0), 0x8000] {
                let (loBits, hiBits) = (bits | sign, (bits + 1) | sign)
                let (lo, hi) = (precision.value(loBits), precision.value(hiBits))
                let middle = Float((Double(lo) + Double(hi)) / 2)
                let even = loBits & 1 == 0 ? loBits : hiBits
                if precision.word(middle) != even { mismatches.append("tie \(lo)…\(hi)") }
                if precision.word(sign == 0 ? middle.nextDown : middle.nextUp) != loBits {
                    mismatches.append("below the tie \(lo)…\(hi)")
                }
                if precision.word(sign == 0 ? middle.nextUp : middle.nextDown) != hiBits {
                    mismatches.append("above the tie \(lo)…\(hi)")
                }
            }
        }
        let top = Double(precision.value(largest))
        let halfUlp = (top - Double(precision.value(largest - 1))) / 2
        #expect(precision.rounded(Float(top + halfUlp)) == .infinity)
        #expect(precision.rounded(Float(top + halfUlp).nextDown) == Float(top))
        #expect(precision.rounded(-Float(top + halfUlp)) == -.infinity)
        #expect(precision.rounded(Float.greatestFiniteMagnitude) == .infinity)
        #expect(precision.rounded(Float.infinity) == .infinity)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// Float16's subnormals (quantum 2⁻²⁴): every multiple of the quantum below 2⁻¹⁴ is kept,
    /// half a quantum rounds to even (0), anything above half rounds up, and the sign of a zero
    /// result is kept.
    @Test func float16Subnormals() {
        let quantum = Float(0x1p-24)
        for k in 0..<1024 { #expect(StoragePrecision.float16.rounded(Float(k) * quantum) == Float(k) * quantum) }
        #expect(StoragePrecision.float16.rounded(quantum / 2) == 0)
        #expect(StoragePrecision.float16.rounded((quantum / 2).nextUp) == quantum)
        #expect(StoragePrecision.float16.rounded(1.5 * quantum) == 2 * quantum)
        #expect(StoragePrecision.float16.rounded(-quantum / 4).sign == .minus)
        #expect(Float16(Float(0x1p-14)).bitPattern == 0x0400)  // least normal
        #expect(Float16(Float(0x1p-14) - quantum).bitPattern == 0x03FF)  // largest subnormal
    }

    /// Random Float bit patterns (every exponent, both signs) and the values around each
    /// format's boundaries, against the reference rounding.
    @Test(arguments: StoragePrecision.allCases)
    func randomAndBoundaryFloatsMatchTheReference(_ precision: StoragePrecision) {
        var generator = Xoshiro256StarStar(seed: 1717)
        var inputs = (0..<100_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())) }
        for boundary in [precision.greatestFiniteMagnitude, precision.leastNormalMagnitude, 1, 65504, 65520,
                         Double(Float.leastNormalMagnitude), 0x1p-133, 0x1p-134, 0x1p-24, 0x1p-25] {
            var value = Float(boundary)
            for _ in 0..<40 { inputs += [value, -value]; value = value.nextUp }
            value = Float(boundary)
            for _ in 0..<40 { inputs += [value, -value]; value = value.nextDown }
        }
        let failures = inputs.filter { x in
            let expected = precision.reference(Double(x))
            let actual = Double(precision.rounded(x))
            return x.isNaN ? !actual.isNaN : actual.bitPattern != expected.bitPattern
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    /// Doubles round once: through the nearest Float they could round twice (`1 + 2⁻⁸ + 2⁻³⁰`
    /// becomes the tie `1 + 2⁻⁸` in Float, which would go to 1; the right answer is `1 + 2⁻⁷`).
    @Test(arguments: StoragePrecision.allCases)
    func doublesRoundOnce(_ precision: StoragePrecision) {
        let bits = precision == .bfloat16 ? 8 : precision == .float16 ? 11 : 24
        let minimumExponent = precision == .float16 ? -14 : -126
        let tie = 1 + Double.pow(2, Double(-bits))
        #expect(precision.rounded(tie + 0x1p-40) == 1 + 2 * Double.pow(2, Double(-bits)))
        #expect(precision.rounded(tie - 0x1p-40) == 1)
        var generator = Xoshiro256StarStar(seed: 1718)
        var failures: [Double] = []
        for _ in 0..<100_000 {
            // Exponents within ±140 (the subnormal ranges included), random 53-bit significands;
            // half of them one Double ulp from a tie of the format.
            let exponent = Int(generator.next(upperBound: UInt64(281))) - 140
            var x = Double(sign: generator.next() & 1 == 0 ? .plus : .minus, exponent: exponent,
                           significand: 1 + Double(generator.next() >> 11) * 0x1p-53)
            if generator.next() & 1 == 0 {
                // A stored value near x, half its quantum further out (a tie), then one ulp off.
                let stored = precision.rounded(x)
                let exponent = stored.isFinite && stored != 0 ? Int(stored.magnitude.exponent) : minimumExponent
                let half = Double(sign: .plus, exponent: max(exponent, minimumExponent) - bits, significand: 1)
                if stored.isFinite { x = (stored + (x < 0 ? -half : half)) + (generator.next() & 1 == 0 ? x.ulp : -x.ulp) }
            }
            let expected = precision.reference(x)
            if precision.rounded(x).bitPattern != expected.bitPattern { failures.append(x) }
            var buffer = [x]
            buffer.withUnsafeMutableBufferPointer { precision.round($0) }
            if buffer[0].bitPattern != expected.bitPattern { failures.append(x) }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    /// Bulk rounding of Float and Double matrices agrees with the scalar rounding; the 16-bit
    /// words decode to the rounded values.
    @Test(arguments: halfFormats)
    func bulkConversions(_ precision: StoragePrecision) throws {
        var generator = Xoshiro256StarStar(seed: 1719)
        let matrix = try Matrix<Float>.randomGaussian(rows: 7, columns: 5, using: &generator).scaled(by: 100)
        let rounded = precision.rounded(matrix)
        #expect(rounded.elements == matrix.elements.map { precision.rounded($0) })
        let asDouble = try Matrix<Double>(rows: 7, columns: 5, columnMajor: matrix.elements.map(Double.init))
        #expect(precision.rounded(asDouble).elements == rounded.elements.map(Double.init))
        let words = try precision.encode(matrix.elements)
        #expect(try precision.decode(words) == rounded.elements)
        let stored = try LowPrecisionMatrix(matrix, precision: precision)
        #expect(stored.float() == rounded)
        #expect(stored.byteCount == 2 * 35)
        rounded.withUnsafeBufferPointer { #expect(precision.holdsOnlyStoredValues($0)) }
        matrix.withUnsafeBufferPointer { #expect(!precision.holdsOnlyStoredValues($0)) }
    }

    @Test func badArgumentsThrow() throws {
        #expect(throws: LinearAlgebraError.self) { try StoragePrecision.float32.encode([1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try LowPrecisionMatrix(Matrix<Float>(), precision: .float32) }
        #expect(throws: LinearAlgebraError.self) {
            try LowPrecisionMatrix(rows: 2, columns: 2, words: [1, 2, 3], precision: .bfloat16)
        }
        var words = [UInt16](repeating: 0, count: 3)
        #expect(throws: LinearAlgebraError.self) {
            try [Float(1), 2].withUnsafeBufferPointer { source in
                try words.withUnsafeMutableBufferPointer { try StoragePrecision.bfloat16.encode(source, into: $0) }
            }
        }
    }
}
