import DenseLinearAlgebra
import Testing

/// LU and Cholesky condition estimates (`?gecon`, `?pocon`) against the exact 1-norm condition
/// number from the dense inverse, the refusal of numerically singular solves, and of non-finite
/// right-hand sides.
@Suite("LU and Cholesky: condition estimates and refused solves")
struct ConditionEstimateTests {
    /// `max_j Σ_i |a_ij|` in Double.
    func oneNorm(_ a: Matrix<Double>) -> Double {
        (0..<a.columns).map { j in (0..<a.rows).reduce(0) { $0 + abs(a[$1, j]) } }.max() ?? 0
    }

    /// `1/(‖A‖₁·‖A⁻¹‖₁)` of `a` widened to Double, the inverse by a Double LU (accurate to
    /// `n·eps_Double·κ`, negligible for the κ ≤ 10⁶ used here).
    func exactReciprocalCondition<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>) throws -> Double {
        let wide = try Matrix<Double>(rows: a.rows, columns: a.columns) { i, j in Double(a[i, j]) }
        let inverse = try LUFactorization(wide).solve(.identity(a.rows))
        return 1 / (oneNorm(wide) * oneNorm(inverse))
    }

    func estimates<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 61)
        for n in [1, 7, 33, 120] {
            for kappa in [10.0, 1e3, 1e5] {
                let spd = try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: kappa, using: &generator)
                // A nonsymmetric matrix of the same singular values: Q·Σ·Wᵀ.
                let general = try MatrixEnsemble<Scalar>.randomOrthogonal(n, using: &generator).multiplied(by: spd)
                for (estimate, matrix) in [(try LUFactorization(general).reciprocalCondition, general),
                                           (try CholeskyFactorization(spd).reciprocalCondition, spd)] {
                    let exact = try exactReciprocalCondition(matrix)
                    // Higham's estimator finds a lower bound of ‖A⁻¹‖₁, so the estimate is at least
                    // the exact value (less rounding: n·eps·κ relative in the factors); it is
                    // rarely more than 3 times it [Higham 2002, §15.3], 10 leaves room.
                    let rounding = 1 + 10 * Double(n) * Double(Scalar.ulpOfOne) * kappa
                    #expect(Double(estimate) * rounding >= exact, "n = \(n), κ = \(kappa)")
                    #expect(Double(estimate) <= 10 * exact * rounding, "n = \(n), κ = \(kappa)")
                }
            }
        }
        // The empty matrix is perfectly conditioned.
        #expect(try LUFactorization(Matrix<Scalar>(rows: 0, columns: 0)).reciprocalCondition == 1)
        #expect(try CholeskyFactorization(Matrix<Scalar>(rows: 0, columns: 0)).reciprocalCondition == 1)
    }

    @Test func estimatesBoundTheExactReciprocalCondition() throws {
        try estimates(Float.self)
        try estimates(Double.self)
    }

    func isNumericallySingular(_ error: any Error) -> Bool {
        if case .numericallySingular = error as? LinearAlgebraError { return true }
        return false
    }

    func refusals<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 62)
        let n = 8
        let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 2, using: &generator)
        // The case: a rank-1 matrix. getrf's pivots after the first are rounding
        // residue, not zero, so the old solve returned entries of order 1/eps.
        let u = try Matrix<Scalar>.randomGaussian(rows: n, columns: 1, using: &generator)
        let v = try Matrix<Scalar>.randomGaussian(rows: n, columns: 1, using: &generator)
        let rankOne = try u.multiplied(by: v, transposingOther: .transpose)
        do {
            let lu = try LUFactorization(rankOne)
            #expect(lu.reciprocalCondition < Scalar.ulpOfOne && !lu.isNumericallyNonsingular)
            #expect { try lu.solve(b) } throws: { isNumericallySingular($0) }
            #expect { try lu.solve(b, transpose: .transpose) } throws: { isNumericallySingular($0) }
            // The factors stay available: the determinant of a numerically singular matrix is tiny.
            #expect(lu.logAbsoluteDeterminant().logAbs < Scalar.log(Scalar.ulpOfOne))
        } catch LinearAlgebraError.singularMatrix {
            // An exactly zero pivot is reported at factorization, as before.
        }
        // diag(1, …, 1, eps/100) is positive definite with rcond = eps/100 exactly: refused (a
        // random basis would round it indefinite). An SPD matrix of 2-norm condition 10⁻²/eps
        // (κ₁ ≤ n·κ₂, so rcond ≥ 12·eps) is solved.
        let eps = Double(Scalar.ulpOfOne)
        let singular = try Matrix<Scalar>(diagonal: (0..<n).map { $0 == n - 1 ? Scalar.ulpOfOne / 100 : 1 })
        let cholesky = try CholeskyFactorization(singular)
        #expect(!cholesky.isNumericallyNonsingular)
        #expect { try cholesky.solve(b) } throws: { isNumericallySingular($0) }
        #expect { try cholesky.inverse() } throws: { isNumericallySingular($0) }
        #expect { try LUFactorization(singular).solve(b) } throws: { isNumericallySingular($0) }
        let conditioned = try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 1e-2 / eps, using: &generator)
        #expect(try CholeskyFactorization(conditioned).isNumericallyNonsingular)
        _ = try CholeskyFactorization(conditioned).solve(b)
        _ = try LUFactorization(conditioned).solve(b)
        // Non-finite right-hand sides are refused like every other solve's (NaN for Cholesky
        // and ∞ for LU were the cases; both for both).
        for poison in [Scalar.nan, .infinity, -.infinity] {
            var bad = b
            bad[5, 1] = poison
            let nonFinite = { (error: any Error) -> Bool in
                if case let .nonFiniteInput(_, argument) = error as? LinearAlgebraError { return argument == "B" }
                return false
            }
            #expect(performing: { try CholeskyFactorization(conditioned).solve(bad) }, throws: nonFinite)
            #expect(performing: { try LUFactorization(conditioned).solve(bad) }, throws: nonFinite)
            #expect(performing: { try LUFactorization(conditioned).solve(bad, transpose: .transpose) }, throws: nonFinite)
        }
        let error = LinearAlgebraError.numericallySingular(operation: "LU solve (dgetrs)", reciprocalCondition: 1e-18)
        #expect(error.description.contains("numerically singular") && error.description.contains("1e-18"))
    }

    @Test func numericallySingularAndNonFiniteSolvesThrow() throws {
        try refusals(Float.self)
        try refusals(Double.self)
    }
}
