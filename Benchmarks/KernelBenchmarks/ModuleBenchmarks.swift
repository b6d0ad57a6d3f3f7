import Benchmark
import KronKit

// One benchmark per public kernel of every kernel module, at one small size and in
// Float and Double (the kernels are generic; both precisions take different BLAS/LAPACK
// routines and FFTW plans). Sizes are chosen so that each benchmark's iteration takes
// milliseconds and the whole suite runs in a few minutes on 2 cores; kernel-report
// (Benchmarks/KernelReport) has the large sizes and the dense baselines.

/// The tolerance of `swift package benchmark baseline check`: a regression is a median wall clock
/// more than 25 % above the baseline's (the plugin's `relaxed` preset; on a shared 2-core machine
/// run-to-run noise reaches 10–20 %, so a tighter threshold would flag noise).
var kernelThresholds: [BenchmarkMetric: BenchmarkThresholds] {
    [.wallClock: .init(relative: BenchmarkThresholds.Relative.relaxed)]
}

/// The configuration of the module benchmarks: wall clock and throughput, at most one second each.
var moduleConfiguration: Benchmark.Configuration {
    .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(1), thresholds: kernelThresholds)
}

/// Registers the benchmark "`module`: `name`, `Scalar`" running `body` once per iteration.
func registerKernel<Scalar: LinearAlgebraScalar, Result>(
    _ module: String, _ name: String, _: Scalar.Type, _ body: @escaping () throws -> Result
) {
    Benchmark("\(module): \(name), \(Scalar.self)", configuration: moduleConfiguration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try body()) }
    }
}

/// SymmetricEigen: full and top-k decompositions, spectral functions, the partial damped inverse.
func registerSymmetricEigenBenchmarks<Scalar: LinearAlgebraScalar>(_ type: Scalar.Type) throws {
    var generator = Xoshiro256StarStar(seed: 31)
    let n = 256
    let m = try MatrixEnsemble<Scalar>.positiveDefinite(n, spectrum: .spikedDecay(spikes: 16), conditionNumber: 1e4,
                                                        using: &generator)
    let eig = try SymmetricEigendecomposition(m)
    let top = try SymmetricEigendecomposition.largest(16, of: m)
    let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: 16, using: &generator)
    let module = "SymmetricEigen"
    registerKernel(module, "syevd \(n)×\(n)", type) { try SymmetricEigendecomposition(m) }
    registerKernel(module, "largest(16) \(n)×\(n)", type) { try SymmetricEigendecomposition.largest(16, of: m) }
    registerKernel(module, "inversePthRoot(4) \(n)×\(n)", type) { try eig.inversePthRoot(4) }
    registerKernel(module, "squareRoot \(n)×\(n)", type) { try eig.squareRoot() }
    registerKernel(module, "dampedInverse, top 16 of \(n), 16 columns", type) {
        try top.dampedInverse(applyingTo: x, damping: Scalar(1e-3))
    }
}

/// KroneckerOperators: products, solves and the eigen route of `A ⊗ G`, and the Kronecker sum solve.
func registerKroneckerBenchmarks<Scalar: LinearAlgebraScalar>(_ type: Scalar.Type) throws {
    var generator = Xoshiro256StarStar(seed: 32)
    let (n, k) = (64, 16)
    let a = try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
    let g = try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
    let product = try KroneckerProduct(a, g)
    let x = try Matrix<Scalar>.randomGaussian(rows: n * n, columns: k, using: &generator)
    let v = try Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator)
    let eig = try product.symmetricEigendecomposition()
    let sum = try KroneckerSum(a, g)
    let sumEig = try sum.symmetricEigendecomposition()
    let module = "KroneckerOperators"
    let size = "\(n)×\(n) ⊗ \(n)×\(n), \(k) columns"
    registerKernel(module, "matmat \(size)", type) { try product.apply(to: x) }
    registerKernel(module, "matrix form A·V·Gᵀ \(n)×\(n)", type) { try product.apply(toMatrix: v) }
    registerKernel(module, "solve \(size)", type) { try product.solve(x) }
    registerKernel(module, "eigendecomposition \(n)×\(n) ⊗ \(n)×\(n)", type) { try product.symmetricEigendecomposition() }
    registerKernel(module, "damped inverse apply \(size)", type) { try eig.dampedInverse(applyingTo: x, damping: Scalar(1e-3)) }
    registerKernel(module, "damped inverse, matrix form \(n)×\(n)", type) {
        try eig.dampedInverse(applyingToMatrix: v, damping: Scalar(1e-3))
    }
    registerKernel(module, "Kronecker sum solve \(size)", type) { try sumEig.solve(x, shift: Scalar(1e-3)) }
    registerKernel(module, "Kronecker sum matmat \(size)", type) { try sum.apply(to: x) }
    registerKernel(module, "transposed matmat \(size)", type) { try product.applyTransposed(to: x) }
}

/// RandomizedRange: range finder, randomized EVD and SVD, Nyström, adaptive range finder.
func registerRandomizedRangeBenchmarks<Scalar: LinearAlgebraScalar>(_ type: Scalar.Type) throws {
    var generator = Xoshiro256StarStar(seed: 33)
    let (n, k) = (512, 16)
    let m = try MatrixEnsemble<Scalar>.positiveDefinite(n, spectrum: .spikedDecay(spikes: k), conditionNumber: 1e4,
                                                        using: &generator)
    let general = try MatrixEnsemble<Scalar>.lowRankPlusNoise(rows: n, columns: n / 2, rank: k, noise: Scalar(1e-3),
                                                              using: &generator)
    let finder = RangeFinder<Scalar>(options: .init(rank: k, oversampling: 10, powerIterations: 2))
    let adaptive = AdaptiveRangeFinder<Scalar>(options: .init(tolerance: Scalar(1e-2)))
    let module = "RandomizedRange"
    let size = "\(n)×\(n), k = \(k), p = 10, q = 2"
    var seeded = Xoshiro256StarStar(seed: 34)
    registerKernel(module, "range finder \(size)", type) { try finder.basis(of: m, using: &seeded) }
    registerKernel(module, "randomized EVD \(size)", type) {
        try SymmetricEigendecomposition.randomizedLargest(of: m, rangeFinder: finder, using: &seeded)
    }
    registerKernel(module, "Nyström \(size)", type) {
        try SymmetricEigendecomposition.nystrom(of: m, rangeFinder: finder, using: &seeded)
    }
    registerKernel(module, "randomized SVD \(n)×\(n / 2), k = \(k), p = 10, q = 2", type) {
        try RandomizedSingularValueDecomposition(general, rangeFinder: finder, using: &seeded)
    }
    registerKernel(module, "adaptive range finder \(n)×\(n / 2), rank \(k) + noise 1e-3, ε = 1e-2", type) {
        try adaptive.basis(of: general, using: &seeded)
    }
}

/// OnlineEigenUpdates: the Brand update (EMA form), the Rayleigh–Ritz correction, re-orthonormalisation.
func registerOnlineEigenUpdatesBenchmarks<Scalar: LinearAlgebraScalar>(_ type: Scalar.Type) throws {
    var generator = Xoshiro256StarStar(seed: 35)
    let (n, rank, batch) = (1024, 32, 16)
    let basis = try Matrix<Scalar>.randomGaussian(rows: n, columns: rank, using: &generator).orthonormalized()
    let start = try SymmetricEigendecomposition(eigenvalues: (0..<rank).map { Scalar(rank - $0) }, eigenvectors: basis)
    let columns = try Matrix<Scalar>.randomGaussian(rows: n, columns: batch, using: &generator)
    let factor = try MatrixEnsemble<Scalar>.positiveDefinite(n, spectrum: .spikedDecay(spikes: rank),
                                                             conditionNumber: 1e4, using: &generator)
    let update = BrandUpdate<Scalar>(options: .init(targetRank: rank))
    let module = "OnlineEigenUpdates"
    registerKernel(module, "Brand EMA update n = \(n), r = \(rank), c = \(batch)", type) {
        try update.movingAverage(start, batch: columns, decay: Scalar(0.95))
    }
    registerKernel(module, "Rayleigh–Ritz correction n = \(n), 8 of \(rank) columns", type) {
        try RayleighRitzCorrection<Scalar>().corrected(start, against: factor, columns: Array(0..<8))
    }
    registerKernel(module, "reorthonormalized n = \(n), r = \(rank)", type) { try start.reorthonormalized() }
}

/// StructuredFactors: Toeplitz products and solves, block-diagonal and hierarchical products and
/// projected Gram matrices, the Woodbury solve and determinant lemma.
func registerStructuredFactorsBenchmarks<Scalar: LinearAlgebraScalar>(_ type: Scalar.Type) throws {
    var generator = Xoshiro256StarStar(seed: 36)
    let (n, k) = (1024, 32)
    let u = try Matrix<Scalar>.randomUniform(rows: n, columns: 1, using: &generator).column(0)
    let column = (0..<n).map { $0 == 0 ? Scalar(1) : u[$0] / Scalar(2 * $0 * $0) }
    let lower = try LowerTriangularToeplitz(column: column)
    let upper = try UpperTriangularToeplitz(row: column)
    let x = try Matrix<Scalar>.randomGaussian(rows: n, columns: k, using: &generator)
    let square = try Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator)
    let symmetric = try square.gram(.transpose)
    let blockDiagonal = try BlockDiagonalMatrix.projecting(symmetric, layout: .init(blockSize: 30))
    let hierarchical = try HierarchicalFactor.projecting(symmetric, layout: .init(topLeftOrder: 15, bottomRightOrder: 15))
    let batch = try Matrix<Scalar>.randomGaussian(rows: 128, columns: n, using: &generator)
    let d = try Matrix<Scalar>.randomUniform(rows: n, columns: 1, in: 0.5...1.5, using: &generator).column(0)
    let lowRank = try LowRankPlusDiagonal(diagonal: d, factor: Matrix<Scalar>.randomGaussian(rows: n, columns: k,
                                                                                             using: &generator))
    let module = "StructuredFactors"
    let size = "n = \(n), \(k) columns"
    registerKernel(module, "LowerTriangularToeplitz matmat \(size)", type) { try lower.apply(to: x) }
    registerKernel(module, "LowerTriangularToeplitz solve \(size)", type) { try lower.solve(x) }
    registerKernel(module, "UpperTriangularToeplitz solve \(size)", type) { try upper.solve(x) }
    registerKernel(module, "UpperTriangularToeplitz matmat \(size)", type) { try upper.apply(to: x) }
    registerKernel(module, "LowerTriangularToeplitz inverse (Newton) n = \(n)", type) { try lower.inverse() }
    registerKernel(module, "BlockDiagonalMatrix matmat (block 30) \(size)", type) { try blockDiagonal.apply(to: x) }
    registerKernel(module, "BlockDiagonalMatrix projectingGram (block 30), X 128×\(n)", type) {
        try BlockDiagonalMatrix.projectingGram(of: batch, layout: .init(blockSize: 30))
    }
    registerKernel(module, "HierarchicalFactor matmat (15, 15) \(size)", type) { try hierarchical.apply(to: x) }
    registerKernel(module, "LowerTriangularToeplitz projectingGram, X 128×\(n)", type) {
        try LowerTriangularToeplitz.projectingGram(of: batch, layout: .init())
    }
    registerKernel(module, "LowRankPlusDiagonal solve (Woodbury) n = \(n), rank \(k), \(k) columns", type) {
        try lowRank.solve(x)
    }
    registerKernel(module, "LowRankPlusDiagonal log-determinant n = \(n), rank \(k)", type) {
        try lowRank.logAbsoluteDeterminant()
    }
}

/// HierarchicalMatrices: HODLR compression from entries, factorization, solve and product on a
/// Gaussian kernel matrix plus a nugget.
func registerHierarchicalMatricesBenchmarks<Scalar: LinearAlgebraScalar>(_ type: Scalar.Type) throws {
    let n = 1024
    let entry: (Int, Int) -> Scalar = { i, j in
        let d = Scalar(i - j) / Scalar(n)
        return Scalar.exp(-(d / Scalar(0.1)) * (d / Scalar(0.1))) + (i == j ? Scalar(1e-2) : 0)
    }
    var generator = Xoshiro256StarStar(seed: 37)
    let h = try HODLRMatrix<Scalar>(order: n, entry: entry)
    let factorization = try h.factorized()
    let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 1, using: &generator)
    let module = "HierarchicalMatrices"
    let size = "Gaussian kernel n = \(n), leaf 64"
    registerKernel(module, "HODLR from entries (ACA) \(size)", type) { try HODLRMatrix<Scalar>(order: n, entry: entry) }
    registerKernel(module, "HODLR factorization \(size)", type) { try h.factorized() }
    registerKernel(module, "HODLR solve \(size), 1 column", type) { try factorization.solve(b) }
    registerKernel(module, "HODLR matvec \(size)", type) { try h.apply(to: b) }
}

/// LinearOperators and the operator algorithms: conjugate gradients and MINRES, the Hutchinson and
/// Hutch++ trace estimators, stochastic Lanczos quadrature and block Lanczos, on a dense SPD matrix
/// (condition number 10³) seen as an operator.
func registerLinearOperatorsBenchmarks<Scalar: LinearAlgebraScalar>(_ type: Scalar.Type) throws {
    var generator = Xoshiro256StarStar(seed: 38)
    let n = 512
    let m = try MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 1e3, using: &generator)
    let symmetric = try SymmetrizedOperator(m)
    let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: 1, using: &generator)
    let options = KrylovOptions<Scalar>(relativeTolerance: Scalar.ulpOfOne.squareRoot() * 10)
    let cg = try ConjugateGradients<Scalar>(options: options)
    let minres = try MinimumResidual<Scalar>(options: options)
    let hutchinson = try HutchinsonTraceEstimator<Scalar>(matrixVectorProducts: 30)
    let hutchPlusPlus = try HutchPlusPlusTraceEstimator<Scalar>(matrixVectorProducts: 30)
    let quadrature = try StochasticLanczosQuadrature<Scalar>(probes: 10, steps: 20)
    let lanczos = BlockLanczos<Scalar>()
    let module = "LinearOperators"
    let size = "\(n)×\(n), κ = 10³"
    var seeded = Xoshiro256StarStar(seed: 39)
    registerKernel(module, "conjugate gradients \(size), 1 column", type) { try cg.solve(m, b) }
    registerKernel(module, "MINRES \(size), 1 column", type) { try minres.solve(symmetric, b) }
    registerKernel(module, "Hutchinson trace, 30 products, \(size)", type) { try hutchinson.estimate(m, using: &seeded) }
    registerKernel(module, "Hutch++ trace, 30 products, \(size)", type) { try hutchPlusPlus.estimate(m, using: &seeded) }
    registerKernel(module, "SLQ log-determinant, 10 probes × 20 steps, \(size)", type) {
        try quadrature.logDeterminant(symmetric, using: &seeded)
    }
    registerKernel(module, "block Lanczos largest 8, \(size)", type) {
        try lanczos.eigenpairs(8, .largest, of: symmetric, using: &seeded)
    }
}

/// Every kernel module's benchmarks in precision `Scalar`.
func registerModuleBenchmarks<Scalar: LinearAlgebraScalar>(_ type: Scalar.Type) throws {
    try registerLinearOperatorsBenchmarks(type)
    try registerSymmetricEigenBenchmarks(type)
    try registerKroneckerBenchmarks(type)
    try registerRandomizedRangeBenchmarks(type)
    try registerOnlineEigenUpdatesBenchmarks(type)
    try registerStructuredFactorsBenchmarks(type)
    try registerHierarchicalMatricesBenchmarks(type)
}
