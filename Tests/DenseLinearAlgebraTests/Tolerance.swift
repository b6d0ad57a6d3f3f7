import DenseLinearAlgebra

/// The sizes every property test runs: the empty case, 1, odd, and a few hundred.
let propertySizes = [0, 1, 7, 33, 200]

/// Runs `body` for Float and Double.
func forBothPrecisions(_ body: (any LinearAlgebraScalar.Type) throws -> Void) rethrows {
    try body(Float.self)
    try body(Double.self)
}
