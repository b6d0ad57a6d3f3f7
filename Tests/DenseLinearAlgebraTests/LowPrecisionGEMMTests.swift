import DenseLinearAlgebra
import Testing
import KronKitTestSupport

/// The low-precision GEMM is defined as `round(sgemm(widened operands))`, so it is compared
/// bit for bit with that composition computed through `Matrix<Float>`; and, against the
/// naive product in Double, the rounding adds at most `u·|c|` to sgemm's `k·eps·Σ|a||b|`.
@Suite("Low-precision GEMM: Float accumulation, rounded on store")
struct LowPrecisionGEMMTests {
    @Test(arguments: [StoragePrecision.bfloat16, .float16])
    func equalsRoundedSgemmOfRoundedInputs(_ precision: StoragePrecision) throws {
        var generator = Xoshiro256StarStar(seed: 1720)
        for (m, k, n) in [(0, 3, 2), (1, 1, 1), (3, 0, 4), (7, 5, 3), (33, 17, 40), (16, 64, 9)] {
            for (ta, tb) in [(Transpose.none, Transpose.none), (.transpose, .none), (.none, .transpose)] {
                let aShape = ta == .none ? (m, k) : (k, m)
                let bShape = tb == .none ? (k, n) : (n, k)
                let a = try LowPrecisionMatrix(Matrix<Float>.randomGaussian(rows: aShape.0, columns: aShape.1,
                                                                           using: &generator), precision: precision)
                let b = try LowPrecisionMatrix(Matrix<Float>.randomGaussian(rows: bShape.0, columns: bShape.1,
                                                                           using: &generator), precision: precision)
                var c = try LowPrecisionMatrix(Matrix<Float>(rows: m, columns: n), precision: precision)
                try LowPrecisionMatrix.multiply(a, b, transposingA: ta, transposingB: tb, into: &c)
                var product = try Matrix<Float>(rows: m, columns: n)
                try Matrix.multiply(a.float(), b.float(), transposingA: ta, transposingB: tb, into: &product)
                #expect(c.float() == precision.rounded(product))
                #expect(c == (try LowPrecisionMatrix(product, precision: precision)))
                // Against the exact (Double) product of the stored operands: sgemm errs by
                // ≤ k·eps_F·Σ|a||b| per entry, the store by ≤ u·|c| (+ half the least subnormal).
                let exact = try Matrix<Double>(rows: aShape.0, columns: aShape.1,
                                               columnMajor: a.float().elements.map(Double.init))
                    .multiplied(by: Matrix<Double>(rows: bShape.0, columns: bShape.1,
                                                   columnMajor: b.float().elements.map(Double.init)),
                                transposingSelf: ta, transposingOther: tb)
                let absA = try Matrix<Double>(rows: aShape.0, columns: aShape.1,
                                              columnMajor: a.float().elements.map { Double(abs($0)) })
                let absB = try Matrix<Double>(rows: bShape.0, columns: bShape.1,
                                              columnMajor: b.float().elements.map { Double(abs($0)) })
                let magnitude = try absA.multiplied(by: absB, transposingSelf: ta, transposingOther: tb)
                for index in exact.elements.indices {
                    let bound = Double(k) * Double(Float.ulpOfOne) * magnitude.elements[index] * (1 + precision.unitRoundoff)
                        + precision.unitRoundoff * abs(exact.elements[index]) + 0x1p-24
                    #expect(abs(Double(c.float().elements[index]) - exact.elements[index]) <= bound)
                }
            }
        }
    }

    /// A float16 product beyond 65504 is stored as ∞ (reported by the caller, not clamped).
    @Test func float16OverflowGivesInfinity() throws {
        let a = try LowPrecisionMatrix(Matrix<Float>(rows: 1, columns: 2, repeating: 200), precision: .float16)
        var c = try LowPrecisionMatrix(Matrix<Float>(rows: 1, columns: 1), precision: .float16)
        try LowPrecisionMatrix.multiply(a, a, transposingB: .transpose, into: &c)  // 2·200² = 80000
        #expect(c.float()[0, 0] == .infinity)
    }

    @Test func shapeMismatchThrows() throws {
        let a = try LowPrecisionMatrix(Matrix<Float>(rows: 2, columns: 3), precision: .bfloat16)
        var c = try LowPrecisionMatrix(Matrix<Float>(rows: 2, columns: 2), precision: .bfloat16)
        #expect(throws: LinearAlgebraError.self) { try LowPrecisionMatrix.multiply(a, a, into: &c) }
    }
}
