import DenseLinearAlgebra

/// Tolerances for the property tests, in units of the scalar's machine epsilon.
///
/// Backward-stable dense factorizations reproduce their input to `c·n·eps·‖A‖`
/// (Higham 2002, Ch. 8–10, 19); `c = 10` leaves room for the constants in those
/// bounds without letting a real error through (a wrong result is O(1)).
enum Tolerance {
    static func backward<Scalar: LinearAlgebraScalar>(_: Scalar.Type, order n: Int, factor: Double = 10) -> Scalar {
        Scalar(factor * Double(Swift.max(n, 1))) * Scalar.ulpOfOne
    }
}

/// The sizes every property test runs: the empty case, 1, odd, and a few hundred.
let propertySizes = [0, 1, 7, 33, 200]

/// Runs `body` for Float and Double.
func forBothPrecisions(_ body: (any LinearAlgebraScalar.Type) throws -> Void) rethrows {
    try body(Float.self)
    try body(Double.self)
}
