import DenseLinearAlgebra
import Testing
import KronKitTestSupport

@Suite("LAPACK factorizations: reconstruction identities")
struct FactorizationTests {
    func cholesky<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 21)
        for n in propertySizes {
            let a = try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
            let cholesky = try CholeskyFactorization(a)
            let l = cholesky.factor
            // Backward error of Cholesky: ‖LLᵀ − A‖ ≤ c·n·eps·‖A‖ (Higham Thm 10.3).
            #expect(try l.multiplied(by: l, transposingOther: .transpose).relativeDistance(to: a)
                <= Tolerance.backward(Scalar.self, order: n))
            #expect(l.elements.enumerated().allSatisfy { index, value in
                n == 0 || index % n >= index / n || value == 0 }, "L is lower triangular")
            let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 2, using: &generator)
            let x = try cholesky.solve(b)
            // Residual of a backward-stable solve: ‖Ax − b‖ ≤ c·n·eps·‖A‖·‖x‖.
            let residual = try (a * x).relativeDistance(to: b)
            #expect(residual <= Tolerance.backward(Scalar.self, order: n) * Swift.max(1, x.maxAbsoluteEntry))
            // The inverse by LAPACK's test ratio for one (?pot03): ‖I − A·X‖₁ ≤ 30·n·eps·‖A‖₁·‖X‖₁,
            // exactly symmetric, and the solve against the identity within the same bound.
            let inverse = try cholesky.inverse()
            #expect(inverse.isSymmetric())
            let oneNorm = { (m: Matrix<Scalar>) in (0..<m.columns).map { j in (0..<m.rows).reduce(0) { $0 + abs(m[$1, j]) } }.max() ?? 0 }
            let inverseBound = Tolerance.backward(Scalar.self, order: n) * oneNorm(a) * oneNorm(inverse)
            #expect(try oneNorm(Matrix.identity(n) - a * inverse) <= inverseBound)
            #expect(try oneNorm(inverse - cholesky.solve(.identity(n))) <= inverseBound * oneNorm(inverse))
            // log det from the eigenvalues: Σ log λᵢ of the prescribed spectrum.
            let spectrum: [Scalar] = try SpectrumShape.exponential.eigenvalues(count: n, conditionNumber: 1e3)
            let logDet = spectrum.reduce(Scalar(0)) { $0 + .log($1) }
            #expect(abs(cholesky.logDeterminant() - logDet) <= Tolerance.backward(Scalar.self, order: n, factor: 1e3))
        }
    }

    @Test func choleskyReconstructsAndSolves() throws {
        try cholesky(Float.self)
        try cholesky(Double.self)
    }

    func qr<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 22)
        for (m, n) in [(0, 0), (1, 1), (7, 3), (33, 33), (200, 40), (5, 9)] {
            let a = try Matrix<Scalar>.randomGaussian(rows: m, columns: n, using: &generator)
            let qr = try QRFactorization(a)
            let k = Swift.min(m, n)
            #expect(qr.q.rows == m && qr.q.columns == k && qr.r.rows == k && qr.r.columns == n)
            let tolerance = Tolerance.backward(Scalar.self, order: m * n + 1)
            // Orthogonality ‖QᵀQ − I‖ and reconstruction ‖QR − A‖ ≤ c·m·n·eps (Higham Thm 19.4).
            #expect(try qr.q.gram(.transpose).relativeDistance(to: .identity(k)) <= tolerance)
            #expect(try (qr.q * qr.r).relativeDistance(to: a) <= tolerance)
            #expect((0..<k).allSatisfy { j in (j + 1..<k).allSatisfy { qr.r[$0, j] == 0 } }, "R is upper triangular")
        }
    }

    @Test func thinQRIsOrthonormalAndReconstructs() throws {
        try qr(Float.self)
        try qr(Double.self)
    }

    func svd<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 23)
        for (m, n) in [(0, 0), (1, 1), (7, 3), (3, 7), (40, 40), (200, 30)] {
            let a = try MatrixEnsemble<Scalar>.lowRankPlusNoise(rows: m, columns: n, rank: Swift.min(m, n) / 2,
                                                               noise: 0.01, using: &generator)
            let svd = try SingularValueDecomposition(a)
            let k = Swift.min(m, n)
            let tolerance = Tolerance.backward(Scalar.self, order: m * n + 1)
            #expect(try svd.reconstructed().relativeDistance(to: a) <= tolerance)
            #expect(try svd.u.gram(.transpose).relativeDistance(to: .identity(k)) <= tolerance)
            #expect(try svd.vt.gram().relativeDistance(to: .identity(k)) <= tolerance)
            #expect(zip(svd.singularValues, svd.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
            let valuesOnly = try SingularValueDecomposition(a, computeVectors: false)
            for (s, t) in zip(valuesOnly.singularValues, svd.singularValues) {
                #expect(abs(s - t) <= tolerance * Swift.max(1, svd.singularValues.first ?? 1))
            }
            if k > 0 {
                #expect(throws: LinearAlgebraError.self) { try valuesOnly.reconstructed() }
            }
        }
    }

    @Test func svdReconstructsWithOrthonormalFactors() throws {
        try svd(Float.self)
        try svd(Double.self)
    }

    @Test func svdOfKnownMatrix() throws {
        // diag(3, 2) rotated: singular values are exactly 3 and 2.
        let a = try Matrix<Double>(rowsOf: [[0, 2], [3, 0]])
        let svd = try SingularValueDecomposition(a)
        #expect(abs(svd.singularValues[0] - 3) <= 4 * Double.ulpOfOne)
        #expect(abs(svd.singularValues[1] - 2) <= 4 * Double.ulpOfOne)
    }

    func lu<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 24)
        for n in propertySizes {
            var a = try Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator)
            try a.addToDiagonal(Scalar(n))  // diagonally dominant: condition number O(1)
            let lu = try LUFactorization(a)
            let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 3, using: &generator)
            let x = try lu.solve(b)
            #expect(try (a * x).relativeDistance(to: b) <= Tolerance.backward(Scalar.self, order: n * n + 1))
            let xt = try lu.solve(b, transpose: .transpose)
            #expect(try (a.transposed() * xt).relativeDistance(to: b) <= Tolerance.backward(Scalar.self, order: n * n + 1))
        }
    }

    @Test func luSolves() throws {
        try lu(Float.self)
        try lu(Double.self)
    }

    @Test func luDeterminantOfPermutation() throws {
        let swap = try Matrix<Double>(rowsOf: [[0, 2], [3, 0]])
        let (logAbs, sign) = try LUFactorization(swap).logAbsoluteDeterminant()
        #expect(sign == -1)
        #expect(abs(logAbs - .log(6)) <= 4 * Double.ulpOfOne)
    }
}

@Suite("Factorization error paths throw")
struct FactorizationErrorTests {
    @Test func choleskyRejectsIndefiniteAndNonFinite() throws {
        let indefinite = try Matrix<Double>(rowsOf: [[1, 2], [2, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(operation: "Cholesky (dpotrf)", minor: 2)) {
            try CholeskyFactorization(indefinite)
        }
        var withNaN = try Matrix<Double>.identity(3)
        withNaN[2, 0] = .nan
        #expect(throws: LinearAlgebraError.nonFiniteInput(operation: "Cholesky (dpotrf)", argument: "A (lower triangle)")) {
            try CholeskyFactorization(withNaN)
        }
        var infiniteDiagonal = try Matrix<Float>.identity(3)
        infiniteDiagonal[2, 2] = .infinity
        #expect(throws: LinearAlgebraError.self) { try CholeskyFactorization(infiniteDiagonal) }
        var infiniteFirst = try Matrix<Float>.identity(3)
        infiniteFirst[0, 0] = .infinity
        #expect(throws: LinearAlgebraError.self) { try CholeskyFactorization(infiniteFirst) }
        #expect(throws: LinearAlgebraError.self) { try CholeskyFactorization(Matrix<Double>(rows: 2, columns: 3)) }
        let cholesky = try CholeskyFactorization(Matrix<Double>.identity(2))
        #expect(throws: LinearAlgebraError.self) { try cholesky.solve(Matrix(rows: 3, columns: 1)) }
    }

    @Test func factorizationsRejectNonFinite() throws {
        var a = try Matrix<Float>.identity(4)
        a[1, 3] = .infinity
        #expect(throws: LinearAlgebraError.self) { try QRFactorization(a) }
        #expect(throws: LinearAlgebraError.self) { try SingularValueDecomposition(a) }
        #expect(throws: LinearAlgebraError.self) { try LUFactorization(a) }
        a[1, 3] = .nan
        #expect(throws: LinearAlgebraError.self) { try Matrix.solveTriangular(a, .identity(4), triangle: .upper) }
    }

    @Test func singularMatricesAreReported() throws {
        let singular = try Matrix<Double>(rowsOf: [[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.singularMatrix(operation: "LU (dgetrf)", index: 2)) {
            try LUFactorization(singular)
        }
        let zeroDiagonal = try Matrix<Double>(rowsOf: [[1, 0], [5, 0]])
        #expect(throws: LinearAlgebraError.singularMatrix(operation: "dtrtrs", index: 2)) {
            try Matrix.solveTriangular(zeroDiagonal, .identity(2), triangle: .lower)
        }
        #expect(throws: LinearAlgebraError.self) { try LUFactorization(Matrix<Double>(rows: 2, columns: 1)) }
    }

    @Test func errorsReadAsSentences() {
        let error = LinearAlgebraError.notPositiveDefinite(operation: "Cholesky (dpotrf)", minor: 3)
        #expect(error.description.contains("leading minor of order 3"))
        let mismatch = LinearAlgebraError.dimensionMismatch(operation: "gemm", expected: "3×3", actual: "2×2")
        #expect(mismatch.description == "gemm: dimension mismatch, expected 3×3 but got 2×2")
    }
}
