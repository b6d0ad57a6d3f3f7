import DenseLinearAlgebra
import Testing
import KronKitTestSupport

/// Naive triple loop, the reference for gemm.
func naiveProduct<Scalar: LinearAlgebraScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
    try Matrix(rows: a.rows, columns: b.columns) { i, j in
        (0..<a.columns).reduce(Scalar(0)) { $0 + a[i, $1] * b[$1, j] }
    }
}

@Suite("BLAS wrappers against naive loops")
struct BLASTests {
    func gemmMatchesNaive<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 11)
        for (m, k, n) in [(0, 3, 2), (1, 1, 1), (7, 5, 3), (33, 17, 40), (64, 0, 5)] {
            let a = try Matrix<Scalar>.randomGaussian(rows: m, columns: k, using: &generator)
            let b = try Matrix<Scalar>.randomGaussian(rows: k, columns: n, using: &generator)
            let reference = try naiveProduct(a, b)
            // Each entry is a k-term dot product: error ≤ k·eps·Σ|a||b| ≈ k·eps·√k for Gaussians.
            let tolerance = Tolerance.backward(Scalar.self, order: k * k + 1)
            #expect(try (a * b).relativeDistance(to: reference) <= tolerance)
            let viaTransposes = try a.transposed().multiplied(by: b.transposed(), transposingSelf: .transpose,
                                                              transposingOther: .transpose)
            #expect(try viaTransposes.relativeDistance(to: reference) <= tolerance)
            var accumulated = try Matrix<Scalar>(rows: m, columns: n, repeating: 1)
            try Matrix.multiply(a, b, alpha: 2, beta: 3, into: &accumulated)
            let expected = try reference.scaled(by: 2) + Matrix(rows: m, columns: n, repeating: 3)
            #expect(try accumulated.relativeDistance(to: expected) <= 2 * tolerance)
        }
    }

    @Test func gemm() throws {
        try gemmMatchesNaive(Float.self)
        try gemmMatchesNaive(Double.self)
    }

    func gemvAndSyrk<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 12)
        for (m, n) in [(0, 0), (1, 1), (9, 4), (40, 61)] {
            let a = try Matrix<Scalar>.randomGaussian(rows: m, columns: n, using: &generator)
            let x = try Scalar.randomGaussians(count: n, using: &generator)
            let y = try a.multiplied(by: x)
            let reference = try naiveProduct(a, try Matrix(column: x))
            let tolerance = Tolerance.backward(Scalar.self, order: n * n + 1)
            #expect(try Matrix(column: y).relativeDistance(to: reference) <= tolerance)
            let yt = try a.multiplied(by: y, transpose: .transpose)
            #expect(try Matrix(column: yt).relativeDistance(to: naiveProduct(a.transposed(), Matrix(column: y)))
                <= Tolerance.backward(Scalar.self, order: m * m + 1) * Swift.max(1, Matrix(column: y).maxAbsoluteEntry))
            let gram = try a.gram(.transpose)
            #expect(gram.isSymmetric())
            #expect(try gram.relativeDistance(to: naiveProduct(a.transposed(), a))
                <= Tolerance.backward(Scalar.self, order: m * m + 1))
        }
    }

    @Test func gemvAndGram() throws {
        try gemvAndSyrk(Float.self)
        try gemvAndSyrk(Double.self)
    }

    func triangular<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 13)
        for n in propertySizes {
            // A well-conditioned lower-triangular matrix: unit-ish diagonal, small off-diagonal.
            var l = try Matrix<Scalar>.randomUniform(rows: n, columns: n, in: -0.1...0.1, using: &generator)
            l.zeroStrictTriangle(.upper)
            try l.addToDiagonal(2)
            let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 3, using: &generator)
            var x = b
            try Matrix.triangularSolve(l, &x, triangle: .lower)
            let tolerance = Tolerance.backward(Scalar.self, order: n)
            #expect(try naiveProduct(l, x).relativeDistance(to: b) <= tolerance)
            let checked = try Matrix.solveTriangular(l, b, triangle: .lower)
            #expect(try checked.relativeDistance(to: x) <= tolerance)
            var product = x
            try Matrix.triangularMultiply(l, &product, triangle: .lower)
            #expect(try product.relativeDistance(to: b) <= tolerance)
            var right = b.transposed()
            try Matrix.triangularSolve(l, &right, side: .right, triangle: .lower, transpose: .transpose)
            #expect(try right.relativeDistance(to: x.transposed()) <= tolerance)
        }
    }

    @Test func triangularSolveAndMultiply() throws {
        try triangular(Float.self)
        try triangular(Double.self)
    }

    @Test func levelOneOnArrays() throws {
        var x: [Double] = [3, 4]
        #expect(x.norm2 == 5)
        #expect(try x.dot([1, 2]) == 11)
        try x.add([1, 1], scaledBy: 2)
        #expect(x == [5, 6])
        x.scale(by: 0.5)
        #expect(x == [2.5, 3])
        let huge: [Float] = [3e30, 4e30]
        #expect(huge.norm2 == 5e30, "nrm2 must not overflow")
        #expect(throws: LinearAlgebraError.self) { try x.dot([1]) }
        #expect(throws: LinearAlgebraError.self) { try x.add([1, 2, 3], scaledBy: 1) }
    }

    /// `β·m + x` in one pass rounds as `scale(by: β)` then `add(x, scaledBy: 1)` (the product,
    /// then the sum), so it equals the two BLAS passes bit for bit.
    func fusedScaleAddMatchesTwoPasses<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 5)
        for (m, n) in [(0, 3), (1, 1), (17, 9), (64, 33)] {
            let start = try Matrix<Scalar>.randomGaussian(rows: m, columns: n, using: &generator)
            let x = try Matrix<Scalar>.randomGaussian(rows: m, columns: n, using: &generator)
            var fused = start, twoPasses = start
            try fused.scale(by: Scalar(0.9), adding: x)
            twoPasses.scale(by: Scalar(0.9))
            try twoPasses.add(x, scaledBy: 1)
            #expect(fused.elements == twoPasses.elements)
            #expect(throws: LinearAlgebraError.self) { try fused.scale(by: 1, adding: Matrix(rows: n + 1, columns: m)) }
            // With α: two rounded products and a rounded sum, within 2·eps·(|βm| + |αx|) of the exact value.
            var scaled = start
            try scaled.scale(by: Scalar(0.9), adding: x, scaledBy: Scalar(-0.3))
            for k in scaled.elements.indices {
                let (product, term) = (Double(Scalar(0.9)) * Double(start.elements[k]),
                                       Double(Scalar(-0.3)) * Double(x.elements[k]))
                #expect(abs(Double(scaled.elements[k]) - (product + term))
                    <= 2 * Double(Scalar.ulpOfOne) * (abs(product) + abs(term)), "entry \(k)")
            }
        }
    }

    @Test func fusedScaleAdd() throws {
        try fusedScaleAddMatchesTwoPasses(Float.self)
        try fusedScaleAddMatchesTwoPasses(Double.self)
    }

    @Test func shapeMismatchesThrow() throws {
        let a = try Matrix<Double>(rows: 2, columns: 3)
        let b = try Matrix<Double>(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try a * b }
        #expect(throws: LinearAlgebraError.self) { try a + Matrix(rows: 3, columns: 2) }
        var c = try Matrix<Double>(rows: 3, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try Matrix.multiply(a, b, transposingB: .transpose, into: &c) }
        #expect(throws: LinearAlgebraError.self) { try a.multiplied(by: [1, 2]) }
        var d = try Matrix<Double>(rows: 3, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try Matrix.rankKUpdate(a, into: &d) }
        var e = try Matrix<Double>(rows: 3, columns: 1)
        #expect(throws: LinearAlgebraError.self) { try Matrix.triangularSolve(a, &e, triangle: .lower) }
        #expect(throws: LinearAlgebraError.self) { try a.trace() }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: 2, columns: 2, columnMajor: [1, 2, 3]) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rowsOf: [[1, 2], [3]]) }
    }
}
