/// A brain floating-point number (bfloat16): a storage type of 16 bits, the upper half of
/// a `Float` — sign, the same 8-bit exponent, 7 stored mantissa bits (8 significant bits,
/// unit roundoff `u = 2⁻⁸`).
///
/// `BFloat16` stores; it does not compute. Arithmetic on it is done in `Float` after the
/// exact widening ``float``, and results come back through `init(_: Float)`, which
/// rounds to the nearest value, ties to even, as tensor hardware does. See
/// ``StoragePrecision`` for rounding a whole Float computation and `Notes/LowPrecision.md`.
///
/// **Edge cases.** Values beyond the largest finite `BFloat16` (`(2 − 2⁻⁷)·2¹²⁷ ≈ 3.39e38`)
/// by half an ulp or more round to ±∞; ±∞ stays ±∞; NaN stays NaN (quieted, sign and the
/// upper payload bits kept); Float subnormals round to bfloat16's subnormals (quantum
/// `2⁻¹³³`) or ±0, keeping the sign.
///
/// Equality and hashing compare bit patterns (this is a storage type): `+0 ≠ −0`, and a
/// NaN equals itself.
public struct BFloat16: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 16 bits: sign (bit 15), exponent (bits 14–7), mantissa (bits 6–0).
    public var bitPattern: UInt16

    /// The value with the given bits.
    @inlinable
    public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    /// The bfloat16 value nearest to `value`, ties to even (see the type's edge cases).
    /// - Complexity: a few integer operations, no branch for finite values.
    @inlinable
    public init(_ value: Float) {
        bitPattern = Self.roundedBits(value.bitPattern)
    }

    /// The bfloat16 value nearest to `value`, ties to even, rounded once (not through the
    /// nearest Float, which could round a second time the wrong way).
    ///
    /// - Accuracy: correctly rounded. `value` is first rounded *to odd* into a `Float`
    ///   (truncate, then set the last bit when inexact); with Float's 16 extra bits this
    ///   intermediate rounding cannot change the final round-to-nearest (Boldo & Melquiond
    ///   2008, "Emulation of FMA and correctly rounded sums: proved algorithms using rounding
    ///   to odd").
    @inlinable
    public init(_ value: Double) {
        guard !value.isNaN else {
            self.init(Float(value))
            return
        }
        var narrowed = Float(value)
        if Double(narrowed) != value {
            // Float(_:) rounded to nearest; step back toward zero when it rounded away
            // (from ±∞ this gives the largest finite Float), then mark the result inexact.
            if Swift.abs(Double(narrowed)) > Swift.abs(value) {
                narrowed = Float(bitPattern: narrowed.bitPattern - 1)
            }
            narrowed = Float(bitPattern: narrowed.bitPattern | 1)
        }
        self.init(narrowed)
    }

    /// The exact value as a `Float` (every bfloat16 value is one).
    @inlinable
    public var float: Float { Float(bitPattern: UInt32(bitPattern) << 16) }

    /// Whether the value is NaN.
    @inlinable public var isNaN: Bool { bitPattern & 0x7FFF > 0x7F80 }
    /// Whether the value is neither ±∞ nor NaN.
    @inlinable public var isFinite: Bool { bitPattern & 0x7F80 != 0x7F80 }

    /// The largest finite value, `(2 − 2⁻⁷)·2¹²⁷`.
    public static let greatestFiniteMagnitude = BFloat16(bitPattern: 0x7F7F)
    /// The smallest positive normal value, `2⁻¹²⁶`.
    public static let leastNormalMagnitude = BFloat16(bitPattern: 0x0080)
    /// The smallest positive value, the subnormal `2⁻¹³³`.
    public static let leastNonzeroMagnitude = BFloat16(bitPattern: 0x0001)
    /// Positive infinity.
    public static let infinity = BFloat16(bitPattern: 0x7F80)

    /// The value as a `Float` would print it.
    public var description: String { "\(float)" }

    /// The upper 16 bits of `bits` (a Float's), rounded to nearest with ties to even; NaN
    /// quieted. Adding `0x7FFF` plus the kept part's last bit carries into the kept part
    /// exactly when the dropped half is above one half, or equal to it with an odd last bit;
    /// a carry out of the largest finite value reaches the exponent of ∞.
    @inlinable
    static func roundedBits(_ bits: UInt32) -> UInt16 {
        if bits & 0x7FFF_FFFF > 0x7F80_0000 { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let lastKept = (bits >> 16) & 1
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ lastKept) >> 16)
    }
}
