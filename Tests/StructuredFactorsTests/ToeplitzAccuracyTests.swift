import DenseLinearAlgebra
import StructuredFactors
import Testing

/// Triangular Toeplitz solves whose inverse grows (ill-conditioned matrices), against LAPACK's
/// `?trtrs` on the formed triangle: the solve must be as accurate as substitution, componentwise.
@Suite("Triangular Toeplitz solves as accurate as ?trtrs")
struct ToeplitzAccuracyTests {
    /// First columns (lower) / rows (upper) whose inverse series grows: `(1, −2)` (the issue's,
    /// `s_k = 2^k`), `(1 − z)(1 − 0.9z)` (`s_k ≈ 10`, a double-root-like growth), `(1 + z)³`
    /// (binomial growth `~k²/2`, alternating), and a small `t₀ = 0.1` under Gaussian `t_k`.
    func examples(_ n: Int, using generator: inout Xoshiro256StarStar) -> [[Double]] {
        let padded = { (head: [Double]) in head + [Double](repeating: 0, count: n - head.count) }
        let random = (0..<n).map { k in k == 0 ? 0.1 : Double.randomGaussian(using: &generator) }
        return [padded([1, -2]), padded([1, -1.9, 0.9]), padded([1, 3, 3, 1]), random]
    }

    /// `|T⁻¹|·|T|·|x|` in Double: the componentwise forward-error bound of substitution divided by
    /// `γ_n` [Higham 2002, Thm 8.5 with (7.13)]; `|T⁻¹|` from a Double `?trtrs`.
    func substitutionBound<Scalar: LinearAlgebraScalar>(_ t: Matrix<Scalar>, _ x: Matrix<Scalar>,
                                                        triangle: Triangle) throws -> Matrix<Double> {
        let wide = try Matrix<Double>(rows: t.rows, columns: t.columns) { i, j in Double(t[i, j]) }
        let inverse = try Matrix.solveTriangular(wide, .identity(t.rows), triangle: triangle)
        let absolute = { (m: Matrix<Double>) in try Matrix<Double>(rows: m.rows, columns: m.columns) { abs(m[$0, $1]) } }
        let xWide = try Matrix<Double>(rows: x.rows, columns: x.columns) { i, j in abs(Double(x[i, j])) }
        return try absolute(inverse).multiplied(by: absolute(wide).multiplied(by: xWide))
    }

    func accuracy<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 71)
        for n in [16, 64] {
            let eps = Double(Scalar.ulpOfOne)
            let gamma = Double(n) * eps / (1 - Double(n) * eps)
            for first in examples(n, using: &generator) {
                let values = first.map { Scalar($0) }
                let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 3, using: &generator)
                let lower = try LowerTriangularToeplitz(column: values)
                let upper = try UpperTriangularToeplitz(row: values)
                for (solution, dense, triangle) in [(try lower.solve(b), try lower.dense(), Triangle.lower),
                                                    (try upper.solve(b), try upper.dense(), Triangle.upper)] {
                    let reference = try Matrix.solveTriangular(dense, b, triangle: triangle)
                    // Both satisfy |x̂ − x| ≤ γ_n·|T⁻¹|·|T|·|x̂| (componentwise backward error γ_n|T|),
                    // so they differ by at most 2γ_n·|T⁻¹||T||x| to first order; 3γ_n covers the
                    // second-order terms and the use of |x̂_trtrs| for |x|.
                    let bound = try substitutionBound(dense, reference, triangle: triangle)
                    for j in 0..<b.columns {
                        for i in 0..<n {
                            let difference = abs(Double(solution[i, j]) - Double(reference[i, j]))
                            #expect(difference <= 3 * gamma * bound[i, j],
                                    "\(triangle) t = \(first.prefix(4)), n = \(n), entry (\(i), \(j))")
                        }
                    }
                }
                // The inverse is the solve of e₁ (its first column), with the same accuracy.
                let unit = try Matrix<Scalar>(rows: n, columns: 1) { i, _ in i == 0 ? 1 : 0 }
                let column = try Matrix.solveTriangular(lower.dense(), unit, triangle: .lower)
                let bound = try substitutionBound(lower.dense(), column, triangle: .lower)
                let inverse = try lower.inverse().column
                for i in 0..<n {
                    #expect(abs(Double(inverse[i]) - Double(column[i, 0])) <= 3 * gamma * bound[i, 0])
                }
            }
        }
    }

    @Test func growingInversesSolveAsAccuratelyAsSubstitution() throws {
        try accuracy(Float.self)
        try accuracy(Double.self)
    }

    func issueExample<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // L(1, −2, 0, …)·x = e₁ has x_i = 2^i, exactly representable, and substitution computes it
        // exactly (every operation is exact); the Newton product gave x₀ = −204 at n = 64.
        let n = 64
        let column = [1, -2] + [Scalar](repeating: 0, count: n - 2)
        let lower = try LowerTriangularToeplitz(column: column)
        let exact = (0..<n).map { Scalar.pow(2, Scalar($0)) }
        let e1 = try Matrix<Scalar>(rows: n, columns: 1) { i, _ in i == 0 ? 1 : 0 }
        #expect(try lower.solve(e1).column(0) == exact)
        #expect(try lower.inverse().column == exact)
        // U(1, −2, 0, …)·x = e_n has x_{n−1−i} = 2^i.
        let upper = try UpperTriangularToeplitz(row: column)
        let en = try Matrix<Scalar>(rows: n, columns: 1) { i, _ in i == n - 1 ? 1 : 0 }
        #expect(try upper.solve(en).column(0) == Array(exact.reversed()))
        #expect(try upper.inverse().row == exact)
    }

    @Test func theIssueExampleIsExact() throws {
        try issueExample(Float.self)
        try issueExample(Double.self)
    }
}
