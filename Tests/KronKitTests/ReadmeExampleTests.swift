import CurvatureOptimizers
import KronKit
import NeuralNetworks
import Testing

/// The example of README.md, verbatim, so that it keeps compiling.
@Test func readmeExample() throws {
    var generator = Xoshiro256StarStar(seed: 42)
    // A 100 × 100 SPD matrix with exponentially decaying spectrum, condition number 1e6.
    let a = try MatrixEnsemble<Double>.positiveDefinite(100, spectrum: .exponential,
                                                       conditionNumber: 1e6, using: &generator)
    let b = try Matrix<Double>.randomGaussian(rows: 100, columns: 3, using: &generator)
    let x = try CholeskyFactorization(a).solve(b)
    let residual = try (a * x - b).frobeniusNorm / b.frobeniusNorm
    print("relative residual \(residual)")
    // Backward-stable solve: the residual is O(n·eps·cond) at worst, far below this bound.
    #expect(residual < 1e-8)
}

/// The training example of README.md, verbatim.
@Test func readmeTrainingExample() throws {
    var generator = Xoshiro256StarStar(seed: 1)
    let (train, test) = try SyntheticGlyphs.trainAndTest(seed: 7, trainCount: 2_000, testCount: 500, as: Float.self)
    var model = try ReferenceModels.multilayerPerceptron(sizes: [256, 128, 10], as: Float.self, using: &generator)
    var optimizer = try KFAC<Float>(
        model: model, options: .init(learningRate: 0.05, factorUpdatePeriod: 5, inverseUpdatePeriod: 20),
        configuration: .init(options: .init(damping: 1e-2)))
    let loss = SoftmaxCrossEntropy<Float>()
    for batch in try train.miniBatches(size: 100, using: &generator) {
        _ = try optimizer.step(&model, input: batch.features, target: batch.oneHotLabels, loss: loss)
    }
    let accuracy = try SoftmaxCrossEntropy<Float>.accuracy(logits: model.predict(test.features), labels: test.labels)
    print("test accuracy after one epoch: \(accuracy)")
    // Ten classes: chance is 0.1; one K-FAC epoch on 2 000 images must be well above it.
    #expect(accuracy > 0.3)
}

/// The randomized-EVD example of README.md, verbatim.
@Test func readmeRandomizedExample() throws {
    var generator = Xoshiro256StarStar(seed: 3)
    // A K-FAC-like factor: 32 spikes, then a geometrically decaying bulk.
    let factor = try MatrixEnsemble<Double>.positiveDefinite(500, spectrum: .spikedDecay(spikes: 32),
                                                            conditionNumber: 1e6, using: &generator)
    let finder = RangeFinder<Double>(options: .init(rank: 32, oversampling: 10, powerIterations: 2))
    let top = try SymmetricEigendecomposition.randomizedLargest(of: factor, rangeFinder: finder, using: &generator)
    let gradient = try Matrix<Double>.randomGaussian(rows: 500, columns: 4, using: &generator)
    // (U·D·Uᵀ + λI)⁻¹·X in O(n·r) per column (RS-KFAC).
    let preconditioned = try top.dampedInverse(applyingTo: gradient, damping: 1e-3)
    print("largest eigenvalue \(top.eigenvalues[0]), output \(preconditioned.rows)×\(preconditioned.columns)")
    // Ritz values interlace from below; the leading spike 1 is separated from the rest
    // by a factor 2, so q = 2 power iterations resolve it to far better than 10⁻⁶.
    #expect(abs(top.eigenvalues[0] - 1) < 1e-6)
    #expect(preconditioned.rows == 500 && preconditioned.columns == 4)
}

/// The online-update and HODLR example of README.md, verbatim.
@Test func readmeOnlineAndHierarchicalExample() throws {
    var generator = Xoshiro256StarStar(seed: 5)
    let n = 1_000
    // Start from nothing and fold in 20 batches of 32 columns: ρ·M + (1 − ρ)·XXᵀ/32, rank ≤ 64.
    var factor = try SymmetricEigendecomposition<Double>(eigenvalues: [], eigenvectors: Matrix(rows: n, columns: 0))
    let update = BrandUpdate<Double>(options: .init(targetRank: 64))
    for _ in 0..<20 {
        let batch = try Matrix<Double>.randomGaussian(rows: n, columns: 32, using: &generator)
        factor = try update.movingAverage(factor, batch: batch, decay: 0.95)
    }
    print("rank \(factor.eigenvalues.count), largest eigenvalue \(factor.eigenvalues[0])")

    // A Gaussian kernel on 4096 points, never formed densely: O(n log n) storage and solve.
    let points = (0..<4_096).map { Double($0) / 4_096 }
    let kernel = try HODLRMatrix<Double>(order: points.count) { i, j in
        Double.exp(-Double.pow((points[i] - points[j]) / 0.1, 2)) + (i == j ? 1e-2 : 0)
    }
    let right = try Matrix<Double>.randomGaussian(rows: points.count, columns: 1, using: &generator)
    let solution = try kernel.factorized().solve(right)
    print("off-diagonal rank \(kernel.maximumOffDiagonalRank), solution norm \(solution.frobeniusNorm)")
    // The truncated factor keeps 64 pairs, orthonormal; the kernel compresses and the solve satisfies it.
    #expect(try factor.eigenvalues.count == 64 && factor.orthogonalityLoss() < 1e-12)
    #expect(kernel.maximumOffDiagonalRank < 32)
    let residual = try (kernel.apply(to: solution) - right).frobeniusNorm / right.frobeniusNorm
    #expect(residual < 1e-8)
}

/// The linear-operator example of README.md, verbatim.
@Test func readmeOperatorExample() throws {
    // The 2-D Poisson operator on a 64 × 64 grid as a Kronecker sum T ⊕ T, never formed.
    let m = 64
    let t = try Matrix<Double>(rows: m, columns: m) { i, j in i == j ? 2 : (abs(i - j) == 1 ? -1 : 0) }
    let poisson = try KroneckerSum(t, t)
    var generator = Xoshiro256StarStar(seed: 6)
    let b = try Matrix<Double>.randomGaussian(rows: m * m, columns: 1, using: &generator)
    // Conjugate gradients, plain and preconditioned by a Kronecker product of inverses (T + I)⁻¹ ⊗ (T + I)⁻¹.
    let solver = try ConjugateGradients<Double>(options: .init(relativeTolerance: 1e-8))
    let plain = try solver.solve(poisson, b)
    var shifted = t
    try shifted.addToDiagonal(1)
    let factorInverse = try InverseOperator(SymmetricEigendecomposition(shifted))
    let preconditioner = try KroneckerProductOperator(factorInverse, factorInverse)
    let preconditioned = try solver.solve(poisson, b, preconditioner: preconditioner)
    print("CG iterations: \(plain.iterations[0]) plain, \(preconditioned.iterations[0]) preconditioned")
    // The trace from 60 products by Hutch++, against the exact one from the factors.
    let estimate = try HutchPlusPlusTraceEstimator<Double>(matrixVectorProducts: 60).estimate(poisson, using: &generator)
    print("trace \(try poisson.trace()), Hutch++ estimate \(estimate)")
    // CG stopped at ‖r‖ ≤ 1e-8·‖b‖, and the true residual agrees up to CG's drift eps·κ·‖b‖ (κ ≈ 1.7·10³).
    let residual = try (poisson.apply(to: preconditioned.solution) - b).frobeniusNorm / b.frobeniusNorm
    #expect(residual <= 1e-8 + 1e-12)
    #expect(preconditioned.iterations[0] < plain.iterations[0])
    // Hutch++'s error is Hutchinson's with 20 probes on the deflated operator: variance
    // ≤ (2/20)·‖A‖_F², with ‖T ⊕ T‖_F² = 2m·‖T‖_F² + 2·tr(T)²; Chebyshev at 10σ (≤ 1 % failure, fixed seed).
    let tNorm2 = Double(4 * m + 2 * (m - 1)), tTrace = Double(2 * m)
    let sigma = (2.0 / 20 * (2 * Double(m) * tNorm2 + 2 * tTrace * tTrace)).squareRoot()
    #expect(abs(estimate - (try poisson.trace())) <= 10 * sigma)
}
