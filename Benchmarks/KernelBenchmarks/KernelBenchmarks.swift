import Benchmark
import KronKit

// Microbenchmarks of the dense kernels and of every kernel module (ordo-one package-benchmark):
//   swift package --disable-sandbox benchmark --skip-target KernelReport
// (KernelReport shares the Benchmarks folder but is a plain executable, not a
// package-benchmark suite, so the plugin is told to leave it out).
// Each benchmark names its layout, size and precision.

/// Registers gemm, syrk, Cholesky and QR at order `n` for one precision (throws only for a size
/// ``SizePolicy`` rejects; the fixed sizes below are far inside it).
func registerDenseBenchmarks<Scalar: LinearAlgebraScalar>(_: Scalar.Type, order n: Int) throws {
    var generator = Xoshiro256StarStar(seed: 7)
    let a = try Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator)
    let b = try Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator)
    let spd = try! MatrixEnsemble<Scalar>.positiveDefinite(n, conditionNumber: 1e4, using: &generator)
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .throughput], maxDuration: .seconds(2),
                                                    thresholds: kernelThresholds)
    let suffix = "\(n)×\(n), \(Scalar.self)"

    Benchmark("gemm \(suffix)", configuration: configuration) { benchmark in
        var c = try Matrix<Scalar>(rows: n, columns: n)
        for _ in benchmark.scaledIterations { try Matrix.multiply(a, b, into: &c) }
        blackHole(c)
    }
    Benchmark("syrk AᵀA \(suffix)", configuration: configuration) { benchmark in
        var c = try Matrix<Scalar>(rows: n, columns: n)
        for _ in benchmark.scaledIterations { try Matrix.rankKUpdate(a, .transpose, into: &c) }
        blackHole(c)
    }
    Benchmark("Cholesky \(suffix)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try CholeskyFactorization(spd)) }
    }
    Benchmark("thin QR \(suffix)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try QRFactorization(a)) }
    }
}

let benchmarks: @Sendable () -> Void = {
    for n in [128, 512] {
        try! registerDenseBenchmarks(Float.self, order: n)
        try! registerDenseBenchmarks(Double.self, order: n)
    }
    // The kernel modules (ModuleBenchmarks.swift); their set-up cannot fail on these inputs.
    try! registerModuleBenchmarks(Float.self)
    try! registerModuleBenchmarks(Double.self)
}
