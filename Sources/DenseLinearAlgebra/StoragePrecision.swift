/// The format values are stored in while a computation runs in `Float` (or `Double`):
/// rounding at each store point to the nearest storage value, ties to even, makes the
/// computation bit-identical to one that keeps 16-bit words and widens them to `Float`
/// before each operation — arithmetic as on bf16/fp16 tensor hardware. The store points
/// of a training run are listed in `Notes/LowPrecision.md`.
///
/// - ``bfloat16``: ``BFloat16`` (Float's exponent range, 8 significant bits).
/// - ``float16``: IEEE binary16, Swift's `Float16` (max 65504, subnormals down to `2⁻²⁴`,
///   11 significant bits).
/// - ``float32``: `Float` itself (rounding a Float is the identity; a Double is narrowed).
///
/// **Accuracy contract.** Every rounding is correct (nearest, ties to even) from `Float`
/// and from `Double` alike; overflow gives ±∞; NaN stays NaN; the sign of zero is kept.
public enum StoragePrecision: String, CaseIterable, Sendable, Codable, Hashable {
    case bfloat16
    case float16
    case float32

    /// Bytes a stored value takes: 2 for the 16-bit formats, 4 for `float32`.
    public var bytesPerValue: Int { self == .float32 ? 4 : 2 }

    /// The unit roundoff `u` (half the distance from 1 to the next value): `2⁻⁸`, `2⁻¹¹`, `2⁻²⁴`.
    /// A rounding of a value in the normal range has relative error at most `u`.
    public var unitRoundoff: Double {
        switch self {
        case .bfloat16: return 0x1p-8
        case .float16: return 0x1p-11
        case .float32: return 0x1p-24
        }
    }

    /// The largest finite stored value.
    public var greatestFiniteMagnitude: Double {
        switch self {
        case .bfloat16: return Double(BFloat16.greatestFiniteMagnitude.float)
        case .float16: return Double(Float16.greatestFiniteMagnitude)
        case .float32: return Double(Float.greatestFiniteMagnitude)
        }
    }

    /// The smallest positive normal stored value; below it, roundings lose relative accuracy
    /// (absolute error at most half the least nonzero magnitude).
    public var leastNormalMagnitude: Double {
        switch self {
        case .bfloat16: return Double(BFloat16.leastNormalMagnitude.float)
        case .float16: return Double(Float16.leastNormalMagnitude)
        case .float32: return Double(Float.leastNormalMagnitude)
        }
    }

    /// The nearest stored value to `value`, as a `Float` (exact).
    /// - Complexity: `O(1)`.
    @inlinable
    public func rounded(_ value: Float) -> Float {
        switch self {
        case .bfloat16: return BFloat16(value).float
        case .float16: return Float(Float16(value))
        case .float32: return value
        }
    }

    /// The nearest stored value to `value`, as a `Double` (exact), rounded once.
    /// - Complexity: `O(1)`.
    @inlinable
    public func rounded(_ value: Double) -> Double {
        switch self {
        case .bfloat16: return Double(BFloat16(value).float)
        case .float16: return Double(Float16(value))
        case .float32: return Double(Float(value))
        }
    }

    /// Rounds every value of `values` in place to the nearest stored value.
    /// - Complexity: one pass; a `Float` buffer takes the Float conversions, any other scalar
    ///   goes through `Double` (exact for Float and Double, so the result is the same).
    @inlinable
    public func round<Scalar: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<Scalar>) {
        guard self != .float32 || Scalar.self != Float.self else { return }
        if Scalar.self == Float.self {
            values.withMemoryRebound(to: Float.self) { floats in
                switch self {
                case .bfloat16:
                    for k in floats.indices { floats[k] = BFloat16(floats[k]).float }
                case .float16:
                    for k in floats.indices { floats[k] = Float(Float16(floats[k])) }
                case .float32:
                    break
                }
            }
        } else {
            for k in values.indices { values[k] = Scalar(rounded(Double(values[k]))) }
        }
    }

    /// Rounds every entry of `matrix` in place to the nearest stored value.
    /// - Complexity: one pass over the entries.
    @inlinable
    public func round<Scalar>(_ matrix: inout Matrix<Scalar>) {
        matrix.withUnsafeMutableBufferPointer { round($0) }
    }

    /// `matrix` with every entry rounded to the nearest stored value.
    /// - Complexity: one copy and one pass over the entries.
    @inlinable
    public func rounded<Scalar>(_ matrix: Matrix<Scalar>) -> Matrix<Scalar> {
        var copy = matrix
        round(&copy)
        return copy
    }

    /// Whether every value of `values` is a stored value (rounding leaves it unchanged; NaN counts).
    /// - Complexity: one pass.
    @inlinable
    public func holdsOnlyStoredValues<Scalar: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<Scalar>) -> Bool {
        values.allSatisfy { value in
            value.isNaN || Scalar(rounded(Double(value))) == value
        }
    }

    /// The largest magnitude in `values` ignoring NaN (0 for none): what a report of an
    /// overflow compares with ``greatestFiniteMagnitude``.
    @inlinable
    public static func largestMagnitude<Scalar: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<Scalar>) -> Double {
        values.reduce(0.0) { largest, value in value.isNaN ? largest : Swift.max(largest, Double(Swift.abs(value))) }
    }
}
