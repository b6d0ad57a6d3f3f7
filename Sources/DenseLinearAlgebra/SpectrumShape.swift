/// How the eigenvalues of a test matrix decay from `1` down to `1/κ`.
///
/// Eigenvalues are returned in descending order with `λ₀ = 1` and
/// `λ_{n−1} = 1/κ` (κ the condition number), so every shape hits κ exactly.
/// With `t = i/(n−1)`:
/// - `polynomial(degree: p)`: `λᵢ = (1 + t·(κ^{1/p} − 1))^{−p}`, algebraic decay;
/// - `exponential`: `λᵢ = κ^{−t}`, geometric decay;
/// - `step(rank: r)`: `λᵢ = 1` for `i < r`, else `1/κ` (numerically rank `r`);
/// - `spikedDecay(spikes: s)`: `s` spikes `1, 1/2, …, 1/s`, then a bulk decaying
///   geometrically from `1/(2s)` to `1/κ` (the shape of a K-FAC factor).
///
/// These are the ensembles of Halko, Martinsson & Tropp (2011, §7) and of
/// RandLAPACK's test matrices.
public enum SpectrumShape: Sendable, Hashable {
    case polynomial(degree: Double)
    case exponential
    case step(rank: Int)
    case spikedDecay(spikes: Int)

    /// The `count` eigenvalues of this shape, descending from 1 to `1/conditionNumber`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` when
    ///   `conditionNumber < 1`, a degree is not positive, or a rank/spike count is outside `0...count`.
    public func eigenvalues<Scalar: LinearAlgebraScalar>(count n: Int, conditionNumber kappa: Double,
                                                         as: Scalar.Type = Scalar.self) throws -> [Scalar] {
        let operation = "SpectrumShape.eigenvalues"
        guard n >= 0 else { throw LinearAlgebraError.invalidArgument(operation: operation, detail: "count \(n) < 0") }
        guard kappa >= 1, kappa.isFinite else {
            throw LinearAlgebraError.invalidArgument(
                operation: operation, detail: "condition number \(kappa) must be finite and ≥ 1")
        }
        let smallest = 1 / kappa
        let positions = (0..<n).map { n == 1 ? 0 : Double($0) / Double(n - 1) }
        let values: [Double]
        switch self {
        case let .polynomial(degree):
            guard degree > 0 else {
                throw LinearAlgebraError.invalidArgument(operation: operation, detail: "degree \(degree) must be > 0")
            }
            let base = Double.pow(kappa, 1 / degree) - 1
            values = positions.map { Double.pow(1 + $0 * base, -degree) }
        case .exponential:
            values = positions.map { Double.pow(kappa, -$0) }
        case let .step(rank):
            guard (0...n).contains(rank) else {
                throw LinearAlgebraError.invalidArgument(operation: operation, detail: "rank \(rank) not in 0...\(n)")
            }
            values = (0..<n).map { $0 < rank ? 1 : smallest }
        case let .spikedDecay(spikes):
            guard (0...n).contains(spikes) else {
                throw LinearAlgebraError.invalidArgument(operation: operation, detail: "spikes \(spikes) not in 0...\(n)")
            }
            let bulkCount = n - spikes
            let bulkTop = Swift.max(smallest, 1 / Double(2 * Swift.max(1, spikes)))
            values = (0..<n).map { i in
                if i < spikes { return 1 / Double(i + 1) }
                if bulkCount == 1 { return smallest }
                let t = Double(i - spikes) / Double(bulkCount - 1)
                return bulkTop * Double.pow(smallest / bulkTop, t)
            }
        }
        return values.map { Scalar($0) }
    }
}
