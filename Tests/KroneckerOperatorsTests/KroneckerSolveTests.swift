import DenseLinearAlgebra
import KroneckerOperators
import Testing
import KronKitTestSupport

@Suite("Kronecker product: solve, inverse, log-determinant")
struct KroneckerSolveTests {
    func solves<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 61)
        for orders in squareOrders {
            for kind in FactorKind.allCases {
                // The product's condition number is Π cond(Aᵢ); with a 10⁸ factor that exceeds
                // 1/eps in Float, where no solver promises a digit: those run in Double only.
                let condition = orders.indices.reduce(1.0) { result, i in result * (i == 0 ? kind.conditionBound : 1e2) }
                if condition * Double(Scalar.ulpOfOne) > 1e-3 { continue }
                var factors: [Matrix<Scalar>] = [try kind.matrix(orders[0], using: &generator)]
                for n in orders.dropFirst() { factors.append(try FactorKind.indefinite.matrix(n, using: &generator)) }
                let product = try KroneckerProduct(factors)
                let dense = try product.dense()
                let n = dense.rows
                let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 3, using: &generator)
                let x = try product.solve(b)
                let reference = try denseSolve(dense, b)
                // Forward error of either solve ≤ c·N·eps·cond(A⊗B) relative to ‖x‖ (relativeDistance
                // already divides by max(1, max|x|)).
                let forward = Tolerance.backward(Scalar.self, order: n) * Scalar(condition)
                #expect(try x.relativeDistance(to: reference) <= forward)
                let inverse = try product.inverse()
                #expect(try (dense * inverse.dense()).relativeDistance(to: .identity(n)) <= forward)
                // log|det| through the factors against the dense LU; each log|uᵢᵢ| carries a
                // relative error ≲ c·N·eps·cond, summed over N pivots.
                let (logAbs, sign) = try product.logAbsoluteDeterminant()
                let (denseLogAbs, denseSign) = try LUFactorization(dense).logAbsoluteDeterminant()
                #expect(sign == denseSign)
                #expect(abs(logAbs - denseLogAbs) <= forward * Scalar(n) * Swift.max(1, abs(denseLogAbs)))
            }
        }
    }

    @Test func solveInverseAndLogDeterminantMatchDenseLU() throws {
        try solves(Float.self)
        try solves(Double.self)
    }

    func exactLogDeterminant<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        // diag(2, −1) ⊗ diag(3, 3, 3): det = (−2)³·3⁶ < 0, log|det| = 3 log 2 + 6 log 3.
        let product = try KroneckerProduct(Matrix<Scalar>(diagonal: [2, -1]), Matrix<Scalar>(diagonal: [3, 3, 3]))
        let (logAbs, sign) = try product.logAbsoluteDeterminant()
        #expect(sign == -1)
        #expect(abs(logAbs - (3 * .log(2) + 6 * .log(3))) <= 8 * Scalar.ulpOfOne * logAbs)
        let empty = try KroneckerProduct(Matrix<Scalar>(), .identity(2))
        #expect(try empty.logAbsoluteDeterminant() == (0, 1))
    }

    @Test func logDeterminantPowersAndSigns() throws {
        try exactLogDeterminant(Float.self)
        try exactLogDeterminant(Double.self)
    }

    func errors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        let rectangular = try KroneckerProduct(Matrix<Scalar>(rows: 2, columns: 3), .identity(2))
        #expect(throws: LinearAlgebraError.self) { try rectangular.inverse() }
        #expect(throws: LinearAlgebraError.self) { try rectangular.solve(Matrix<Scalar>(rows: 4, columns: 1)) }
        #expect(throws: LinearAlgebraError.self) { try rectangular.logAbsoluteDeterminant() }
        let singular = try KroneckerProduct(Matrix<Scalar>.identity(2), Matrix<Scalar>(diagonal: [1, 0]))
        #expect {
            try singular.inverse()
        } throws: { error in
            // diag(1, 0) is the second factor: LU meets the zero pivot in row 2.
            guard let error = error as? LinearAlgebraError,
                  case .inContext("KroneckerProduct.inverse: factor 2 of 2 (2×2)", _) = error else { return false }
            if case .singularMatrix(_, 2) = error.rootCause { return true }
            return false
        }
        #expect(throws: LinearAlgebraError.self) { try singular.logAbsoluteDeterminant() }
        // A numerically singular factor (diagonal entry eps/100: rcond = eps/100 exactly, not an
        // exact zero pivot) is refused by the solve instead of returning entries of order 100/eps;
        // its log-determinant stays available (finite, exact here).
        let nearlySingular = try KroneckerProduct(Matrix<Scalar>.identity(2), Matrix<Scalar>(diagonal: [1, .ulpOfOne / 100]))
        #expect {
            try nearlySingular.solve(Matrix<Scalar>(rows: 4, columns: 1, repeating: 1))
        } throws: { error in
            (error as? LinearAlgebraError)?.description.contains("numerically singular") ?? false
        }
        #expect(try nearlySingular.logAbsoluteDeterminant().logAbs == 2 * Scalar.log(.ulpOfOne / 100))
        let square = try KroneckerProduct(Matrix<Scalar>.identity(2), .identity(2))
        #expect(throws: LinearAlgebraError.self) { try square.solve(Matrix<Scalar>(rows: 3, columns: 1)) }
        var poisoned = try Matrix<Scalar>(rows: 4, columns: 1)
        poisoned[2, 0] = .infinity
        #expect(throws: LinearAlgebraError.self) { try square.solve(poisoned) }
    }

    @Test func singularAndRectangularFactorsThrow() throws {
        try errors(Float.self)
        try errors(Double.self)
    }
}
