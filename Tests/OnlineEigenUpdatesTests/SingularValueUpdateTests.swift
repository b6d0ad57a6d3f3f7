import DenseLinearAlgebra
import OnlineEigenUpdates
import Testing
import KronKitTestSupport

/// Brand's thin-SVD update against `gesdd` of the updated matrix formed densely.
@Suite("Brand updates of a thin SVD")
struct SingularValueUpdateTests {
    func updates<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 91)
        let (m, n, k, c) = (30, 20, 4, 3)
        // An exact rank-4 start: A = B·Cᵀ and its thin SVD truncated to 4.
        let a = try Matrix<Scalar>.randomGaussian(rows: m, columns: k, using: &generator)
            .multiplied(by: Matrix<Scalar>.randomGaussian(rows: n, columns: k, using: &generator), transposingOther: .transpose)
        let full = try SingularValueDecomposition(a)
        let start = try SingularValueDecomposition(
            u: full.u.columns(0..<k), singularValues: Array(full.singularValues.prefix(k)),
            vt: full.vt.submatrix(rows: 0..<k, columns: 0..<n))
        let x = try Matrix<Scalar>.randomGaussian(rows: m, columns: c, using: &generator)
        let y = try Matrix<Scalar>.randomGaussian(rows: n, columns: c, using: &generator)
        let (alpha, beta): (Scalar, Scalar) = (0.8, 0.5)
        var dense = a.scaled(by: alpha)
        try dense.add(x.multiplied(by: y, transposingOther: .transpose), scaledBy: beta)
        let reference = try SingularValueDecomposition(dense, computeVectors: false).singularValues
        let scale = reference[0]
        let bound = Tolerance.backward(Scalar.self, order: m)
        for rank in [nil, 5] as [Int?] {
            let updated = try BrandUpdate<Scalar>(options: .init(targetRank: rank))
                .updated(start, adding: x, times: y, currentWeight: alpha, updateWeight: beta)
            let kept = rank ?? k + c
            #expect(updated.singularValues.count == kept)
            #expect(maxDifference(updated.singularValues, Array(reference.prefix(kept))) <= bound * scale)
            // Left and right vectors orthonormal and paired: Uᵀ·A'·V = diag(σ).
            #expect(try updated.u.gram(.transpose).relativeDistance(to: .identity(kept)) <= bound)
            #expect(try updated.vt.gram().relativeDistance(to: .identity(kept)) <= bound)
            let coupled = try updated.u.multiplied(by: dense, transposingSelf: .transpose)
                .multiplied(by: updated.vt, transposingOther: .transpose)
            var diagonal = try Matrix<Scalar>(rows: kept, columns: kept)
            for i in 0..<kept { diagonal[i, i] = updated.singularValues[i] }
            #expect(try (coupled - diagonal).maxAbsoluteEntry <= bound * scale)
        }
        // Untruncated, the update reconstructs A'.
        let exact = try BrandUpdate<Scalar>().updated(start, adding: x, times: y, currentWeight: alpha, updateWeight: beta)
        #expect(try exact.reconstructed().relativeDistance(to: dense) <= bound)
        // From nothing: the SVD of X·Yᵀ.
        let empty = try SingularValueDecomposition<Scalar>(u: Matrix(rows: m, columns: 0), singularValues: [],
                                                           vt: Matrix(rows: 0, columns: n))
        let outer = try BrandUpdate<Scalar>().updated(empty, adding: x, times: y)
        let product = try x.multiplied(by: y, transposingOther: .transpose)
        #expect(try outer.reconstructed().relativeDistance(to: product) <= bound)
    }

    @Test func updatesMatchTheDenseSVD() throws {
        try updates(Float.self)
        try updates(Double.self)
    }

    func errors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 92)
        let svd = try SingularValueDecomposition(Matrix<Scalar>.randomGaussian(rows: 6, columns: 4, using: &generator))
        let x = try Matrix<Scalar>.randomGaussian(rows: 6, columns: 2, using: &generator)
        let y = try Matrix<Scalar>.randomGaussian(rows: 4, columns: 2, using: &generator)
        let update = BrandUpdate<Scalar>()
        #expect(throws: LinearAlgebraError.self) { try update.updated(svd, adding: x, times: Matrix(rows: 5, columns: 2)) }
        #expect(throws: LinearAlgebraError.self) { try update.updated(svd, adding: x, times: Matrix(rows: 4, columns: 3)) }
        var poisoned = y
        poisoned[0, 0] = .infinity
        #expect(throws: LinearAlgebraError.self) { try update.updated(svd, adding: x, times: poisoned) }
        let valuesOnly = try SingularValueDecomposition(Matrix<Scalar>.identity(4), computeVectors: false)
        #expect(throws: LinearAlgebraError.self) {
            try update.updated(valuesOnly, adding: Matrix(rows: 4, columns: 1), times: Matrix(rows: 4, columns: 1))
        }
        // Building a decomposition from parts checks them.
        #expect(throws: LinearAlgebraError.self) {
            try SingularValueDecomposition(u: Matrix<Scalar>(rows: 3, columns: 2), singularValues: [1], vt: Matrix(rows: 1, columns: 3))
        }
        #expect(throws: LinearAlgebraError.self) {
            try SingularValueDecomposition(u: Matrix<Scalar>(rows: 3, columns: 2), singularValues: [1, 2], vt: Matrix(rows: 2, columns: 3))
        }
        #expect(throws: LinearAlgebraError.self) {
            try SingularValueDecomposition(u: Matrix<Scalar>(rows: 3, columns: 1), singularValues: [-1], vt: Matrix(rows: 1, columns: 3))
        }
        #expect(throws: LinearAlgebraError.self) {
            try SingularValueDecomposition(u: Matrix<Scalar>(rows: 3, columns: 1), singularValues: [.nan], vt: Matrix(rows: 1, columns: 3))
        }
    }

    @Test func badInputThrows() throws {
        try errors(Float.self)
        try errors(Double.self)
    }
}
