import DenseLinearAlgebra
import OnlineEigenUpdates
import SymmetricEigen
import Testing
import KronKitTestSupport

/// Brand updates of a truncated symmetric EVD against `syevd` of the updated matrix
/// formed densely: exact when nothing is truncated, the top eigenpairs when it is.
@Suite("Brand updates of a symmetric eigendecomposition")
struct BrandUpdateTests {
    /// Checks `updated` against the dense `m`: its eigenvalues are the `k` largest (or
    /// given) of `m` to `c·n·eps·‖m‖`, its pairs are eigenpairs of `m` and orthonormal.
    func expectEigenpairs<Scalar: LinearAlgebraScalar>(
        _ updated: SymmetricEigendecomposition<Scalar>, of m: Matrix<Scalar>, expected: [Scalar],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let n = m.rows
        let scale = Swift.max(m.maxAbsoluteEntry, 1)
        #expect(updated.eigenvalues.count == expected.count, sourceLocation: sourceLocation)
        #expect(maxDifference(updated.eigenvalues, expected) <= Tolerance.backward(Scalar.self, order: n) * scale,
                sourceLocation: sourceLocation)
        #expect(try updated.residual(against: m) <= Tolerance.backward(Scalar.self, order: n), sourceLocation: sourceLocation)
        #expect(try updated.orthogonalityLoss() <= Tolerance.backward(Scalar.self, order: n), sourceLocation: sourceLocation)
    }

    func exactUpdates<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 81)
        let n = 40
        let (m0, d0) = try lowRankFactor(n, rank: 6, using: &generator) as (Matrix<Scalar>, SymmetricEigendecomposition<Scalar>)
        let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: 5, using: &generator)
        let (alpha, beta): (Scalar, Scalar) = (0.9, 0.02)
        var dense = m0.scaled(by: alpha)
        try dense.add(x.gram(), scaledBy: beta)
        let reference = try SymmetricEigendecomposition(dense).eigenvalues.reversed() as [Scalar]
        // No truncation: rank 6 + 5, every nonzero eigenpair of M'.
        let exact = try BrandUpdate<Scalar>().updated(d0, adding: x, currentWeight: alpha, updateWeight: beta)
        try expectEigenpairs(exact, of: dense, expected: Array(reference.prefix(11)))
        #expect(try exact.reconstructed().relativeDistance(to: dense) <= Tolerance.backward(Scalar.self, order: n))
        // Truncated to 6: the six largest eigenpairs of M'.
        let truncated = try BrandUpdate<Scalar>(options: .init(targetRank: 6))
            .updated(d0, adding: x, currentWeight: alpha, updateWeight: beta)
        try expectEigenpairs(truncated, of: dense, expected: Array(reference.prefix(6)))
        // From nothing: the decomposition of X·Xᵀ, eigenvalues σ(X)².
        let empty = try SymmetricEigendecomposition<Scalar>(eigenvalues: [], eigenvectors: Matrix(rows: n, columns: 0))
        let fromColumns = try BrandUpdate<Scalar>().updated(empty, adding: x)
        let sigma = try SingularValueDecomposition(x, computeVectors: false).singularValues
        try expectEigenpairs(fromColumns, of: x.gram(), expected: sigma.map { $0 * $0 })
        // More columns than room: r + c > n, at most n − r residual directions.
        let (small, smallDecomposition) = try lowRankFactor(10, rank: 8, using: &generator)
            as (Matrix<Scalar>, SymmetricEigendecomposition<Scalar>)
        let wide = try Matrix<Scalar>.randomGaussian(rows: 10, columns: 5, using: &generator)
        let full = try BrandUpdate<Scalar>().updated(smallDecomposition, adding: wide)
        let fullDense = try small + wide.gram()
        try expectEigenpairs(full, of: fullDense,
                             expected: try SymmetricEigendecomposition(fullDense).eigenvalues.reversed())
    }

    @Test func updatesMatchTheDenseEigendecomposition() throws {
        try exactUpdates(Float.self)
        try exactUpdates(Double.self)
    }

    func degenerateColumns<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 82)
        let n = 30
        let (m0, d0) = try lowRankFactor(n, rank: 5, using: &generator) as (Matrix<Scalar>, SymmetricEigendecomposition<Scalar>)
        // Columns inside span(U): no residual direction survives, and none may leak into the basis.
        let inside = try d0.eigenvectors.multiplied(by: Matrix<Scalar>.randomGaussian(rows: 5, columns: 3, using: &generator))
        let updated = try BrandUpdate<Scalar>().updated(d0, adding: inside)
        #expect(updated.eigenvalues.count == 5)
        let dense = try m0 + inside.gram()
        try expectEigenpairs(updated, of: dense, expected: Array(SymmetricEigendecomposition(dense).eigenvalues.reversed().prefix(5)))
        // Repeated columns: rank 1 residual from two columns.
        let column = try Matrix<Scalar>.randomGaussian(rows: n, columns: 1, using: &generator)
        let twice = try Matrix<Scalar>(rows: n, columns: 2) { i, _ in column[i, 0] }
        let repeated = try BrandUpdate<Scalar>().updated(d0, adding: twice)
        #expect(repeated.eigenvalues.count == 6)
        let denseTwice = try m0 + twice.gram()
        try expectEigenpairs(repeated, of: denseTwice,
                             expected: Array(SymmetricEigendecomposition(denseTwice).eigenvalues.reversed().prefix(6)))
        // A zero update only rescales.
        let zero = try BrandUpdate<Scalar>().updated(d0, adding: Matrix(rows: n, columns: 2), currentWeight: 0.5)
        #expect(maxDifference(zero.eigenvalues, d0.eigenvalues.map { $0 / 2 }) <= Tolerance.backward(Scalar.self, order: n) * m0.maxAbsoluteEntry)
    }

    @Test func columnsInsideTheBasisOrRepeatedAddNoSpuriousDirections() throws {
        try degenerateColumns(Float.self)
        try degenerateColumns(Double.self)
    }

    func indefinite<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 83)
        let n = 25
        let (m0, d0) = try lowRankFactor(n, rank: 4, using: &generator) as (Matrix<Scalar>, SymmetricEigendecomposition<Scalar>)
        let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: 3, using: &generator)
        // A downdate: M − 2·X·Xᵀ has large negative eigenvalues, kept by magnitude.
        let dense = try m0 - x.gram().scaled(by: 2)
        let all = try SymmetricEigendecomposition(dense).eigenvalues
        let byMagnitude = all.sorted { abs($0) > abs($1) }
        let update = BrandUpdate<Scalar>(options: .init(targetRank: 5, truncation: .largestMagnitude))
        let updated = try update.updated(d0, adding: x, updateWeight: -2)
        try expectEigenpairs(updated, of: dense, expected: Array(byMagnitude.prefix(5)))
    }

    @Test func downdatesKeepTheLargestEigenvaluesInMagnitude() throws {
        try indefinite(Float.self)
        try indefinite(Double.self)
    }

    func movingAverages<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 84)
        let (n, batch, rho) = (24, 4, Scalar(0.9))
        // K-FAC starts its factors at the identity; with the full rank kept the EMA is exact.
        var decomposition = try SymmetricEigendecomposition<Scalar>(
            eigenvalues: [Scalar](repeating: 1, count: n), eigenvectors: .identity(n))
        var dense = try Matrix<Scalar>.identity(n)
        let update = BrandUpdate<Scalar>()
        for _ in 0..<15 {
            let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: batch, using: &generator)
            decomposition = try update.movingAverage(decomposition, batch: x, decay: rho)
            dense = try dense.scaled(by: rho) + x.gram(alpha: (1 - rho) / Scalar(batch))
        }
        try expectEigenpairs(decomposition, of: dense, expected: try SymmetricEigendecomposition(dense).eigenvalues.reversed())
        // B-KFAC: rank 8 kept; many truncated updates drift, and the tolerance re-orthonormalises.
        let loose: Scalar = Tolerance.backward(Scalar.self, order: n, factor: 4)
        let guarded = BrandUpdate<Scalar>(options: .init(targetRank: 8, orthogonalityTolerance: loose))
        var truncated = try SymmetricEigendecomposition<Scalar>(eigenvalues: [], eigenvectors: Matrix(rows: n, columns: 0))
        for _ in 0..<200 {
            let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: batch, using: &generator)
            truncated = try guarded.movingAverage(truncated, batch: x, decay: rho)
        }
        #expect(truncated.eigenvalues.count == 8)
        #expect(try truncated.orthogonalityLoss() <= loose)
        #expect(truncated.eigenvalues == truncated.eigenvalues.sorted(by: >), "descending")
    }

    @Test func movingAveragesAreExactAtFullRankAndStayOrthonormalTruncated() throws {
        try movingAverages(Float.self)
        try movingAverages(Double.self)
    }

    func reorthonormalization<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 85)
        let n = 30
        let (_, d0) = try lowRankFactor(n, rank: 6, using: &generator) as (Matrix<Scalar>, SymmetricEigendecomposition<Scalar>)
        // Perturb the basis by 1e-3 so it is visibly not orthonormal.
        let noise = try Matrix<Scalar>.randomGaussian(rows: n, columns: 6, using: &generator).scaled(by: 1e-3)
        let drifted = try SymmetricEigendecomposition(eigenvalues: d0.eigenvalues, eigenvectors: d0.eigenvectors + noise)
        #expect(try drifted.orthogonalityLoss() > 1e-4)
        let restored = try drifted.reorthonormalized()
        #expect(try restored.orthogonalityLoss() <= Tolerance.backward(Scalar.self, order: n))
        // The represented matrix is kept: Q·D·Qᵀ before and after.
        #expect(try restored.reconstructed().relativeDistance(to: drifted.reconstructed()) <= Tolerance.backward(Scalar.self, order: n))
        #expect(restored.eigenvalues == restored.eigenvalues.sorted(by: >))
    }

    @Test func reorthonormalizationKeepsTheRepresentedMatrix() throws {
        try reorthonormalization(Float.self)
        try reorthonormalization(Double.self)
    }

    func errors<Scalar: LinearAlgebraScalar>(_: Scalar.Type) throws {
        var generator = Xoshiro256StarStar(seed: 86)
        let (_, d0) = try lowRankFactor(12, rank: 3, using: &generator) as (Matrix<Scalar>, SymmetricEigendecomposition<Scalar>)
        let x = try Matrix<Scalar>.randomGaussian(rows: 12, columns: 2, using: &generator)
        let update = BrandUpdate<Scalar>()
        #expect(throws: LinearAlgebraError.self) { try update.updated(d0, adding: Matrix(rows: 11, columns: 2)) }
        var poisoned = x
        poisoned[3, 1] = .nan
        #expect(throws: LinearAlgebraError.self) { try update.updated(d0, adding: poisoned) }
        #expect(throws: LinearAlgebraError.self) { try update.updated(d0, adding: x, updateWeight: .infinity) }
        let valuesOnly = try SymmetricEigendecomposition.largest(3, of: x.gram(), options: .init(computeVectors: false))
        #expect(throws: LinearAlgebraError.self) { try update.updated(valuesOnly, adding: x) }
        for options in [BrandUpdate<Scalar>.Options(targetRank: -1), .init(projectionPasses: 0),
                        .init(rankTolerance: -1), .init(rankTolerance: .nan), .init(orthogonalityTolerance: -1)] {
            #expect(throws: LinearAlgebraError.self) { try BrandUpdate(options: options).updated(d0, adding: x) }
        }
        #expect(throws: LinearAlgebraError.self) { try update.movingAverage(d0, batch: x, decay: 1.5) }
        #expect(throws: LinearAlgebraError.self) { try update.movingAverage(d0, batch: Matrix(rows: 12, columns: 0), decay: 0.5) }
    }

    @Test func badInputThrows() throws {
        try errors(Float.self)
        try errors(Double.self)
    }
}
