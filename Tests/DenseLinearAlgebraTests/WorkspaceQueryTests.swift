@testable import DenseLinearAlgebra
import Testing

/// LAPACK's workspace queries return their sizes as floating-point numbers. Above 2²⁴
/// a `Float` holds only every second integer and more, and LAPACK 3.11 rounds to
/// nearest: `ssyevd` at order 3 000 needs 1 + 6n + 2n² = 18 018 001 and reads back
/// 18 018 000, and its second call failed with info = −9 (issue 10). The size used must
/// never be below the requirement, whatever the rounding.
@Suite("LAPACK workspace queries")
struct WorkspaceQueryTests {
    /// `ssyevd`'s requirement at the orders that failed, and every integer around 2²⁴…2³⁰
    /// that a Float query rounds down.
    @Test func singlePrecisionQueriesNeverRoundBelowTheRequirement() {
        var requirements = [3_000, 3_137, 4_096, 8_192].map { 1 + 6 * $0 + 2 * $0 * $0 }
        for exponent in 24...30 {
            let base = 1 << exponent
            requirements += [base - 1, base + 1, base + 3, base + 5, 3 * base / 2 + 1]
        }
        for required in requirements {
            let reported = Float(required)
            #expect(workspaceCount(fromQuery: reported) >= required, "\(required) read back as \(reported)")
            #expect(workspaceCount(fromQuery: reported) <= required + 2 * Int(reported.ulp) + 1, "no more than an ulp over")
        }
        #expect(Int(Float(18_018_001)) == 18_018_000, "the rounding that broke ssyevd")
    }

    @Test func exactDoubleQueriesKeepTheirSize() {
        for required in [1, 2, 1_000, 18_018_001, 1 << 30] {
            let count = workspaceCount(fromQuery: Double(required))
            #expect(count >= required && count <= required + 1)
        }
    }

    @Test func degenerateQueriesGiveOneElement() {
        #expect(workspaceCount(fromQuery: Float(0)) == 1)
        #expect(workspaceCount(fromQuery: -Float.infinity) == 1)
        #expect(workspaceCount(fromQuery: Double.nan) == 1)
        #expect(workspaceCount(fromQuery: Float(1e20)) == Int(Int32.max), "clamped to LAPACK's 32-bit lwork")
    }
}
