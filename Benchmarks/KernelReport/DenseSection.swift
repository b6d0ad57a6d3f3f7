import CLinearAlgebra
import DenseLinearAlgebra

/// DenseLinearAlgebra rows: wrapper overhead over direct C calls, and gemm's
/// GFLOP/s across sizes — the machine's reference peak for every later row.
enum DenseSection {
    static func run(_ report: inout KernelReport) throws {
        var generator = Xoshiro256StarStar(seed: 1)
        for n in report.quick ? [256, 512] : [256, 512, 1024] {
            try gemmOverhead(n, &report, using: &generator)
            try choleskyOverhead(n, &report, using: &generator)
        }
        let peakSizes = report.quick ? [256, 512, 1024] : [256, 512, 1024, 2048]
        for n in peakSizes {
            let a = try Matrix<Double>.randomGaussian(rows: n, columns: n, using: &generator)
            let b = try Matrix<Double>.randomGaussian(rows: n, columns: n, using: &generator)
            var c = try Matrix<Double>(rows: n, columns: n)
            let single = (a: a.map { Double(Float($0)) }, b: b.map { Double(Float($0)) })
            let af = try Matrix<Float>(rows: n, columns: n) { Float(single.a[$0, $1]) }
            let bf = try Matrix<Float>(rows: n, columns: n) { Float(single.b[$0, $1]) }
            var cf = try Matrix<Float>(rows: n, columns: n)
            try report.compare("gemm Float vs Double", size: "\(n)×\(n)×\(n)", flops: 2 * pow3(n),
                               kernel: { try Matrix.multiply(af, bf, into: &cf) },
                               baseline: "gemm Double") { try Matrix.multiply(a, b, into: &c) }
        }
        // Operands allocated outside the timed closure: the row times gemm alone.
        let inputs = Dictionary(uniqueKeysWithValues: try peakSizes.map { ($0, try Matrix<Double>(rows: $0, columns: $0, repeating: 0.5)) })
        var outputs = Dictionary(uniqueKeysWithValues: try peakSizes.map { ($0, try Matrix<Double>(rows: $0, columns: $0)) })
        try report.scale("gemm Double n×n×n", sizes: peakSizes) { n in
            try Matrix.multiply(inputs[n]!, inputs[n]!, into: &outputs[n]!)
        }
    }

    static func pow3(_ n: Int) -> Double { Double(n) * Double(n) * Double(n) }

    /// `Matrix.multiply` against `cblas_dgemm` on the same buffers.
    static func gemmOverhead(_ n: Int, _ report: inout KernelReport,
                             using generator: inout Xoshiro256StarStar) throws {
        let a = try Matrix<Double>.randomGaussian(rows: n, columns: n, using: &generator)
        let b = try Matrix<Double>.randomGaussian(rows: n, columns: n, using: &generator)
        var c = try Matrix<Double>(rows: n, columns: n)
        var raw = [Double](repeating: 0, count: n * n)
        let (ea, eb) = (a.elements, b.elements)
        let size = Int32(n)
        try report.compare("gemm wrapper Double", size: "\(n)×\(n)×\(n)", flops: 2 * pow3(n),
                           kernel: { try Matrix.multiply(a, b, into: &c) },
                           baseline: "cblas_dgemm direct") {
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1, ea, size, eb, size,
                        0, &raw, size)
        }
    }

    /// `CholeskyFactorization` (copy, `potrf_work`, an `O(n)` look at the diagonal; the
    /// factor stays packed) against a copy plus `LAPACKE_dpotrf` (which scans for NaN itself).
    static func choleskyOverhead(_ n: Int, _ report: inout KernelReport,
                                 using generator: inout Xoshiro256StarStar) throws {
        let spd = try MatrixEnsemble<Double>.positiveDefinite(n, conditionNumber: 1e4, using: &generator)
        let elements = spd.elements
        let size = Int32(n)
        try report.compare("Cholesky wrapper Double", size: "\(n)×\(n)", flops: pow3(n) / 3,
                           kernel: { _ = try CholeskyFactorization(spd) },
                           baseline: "LAPACKE_dpotrf direct") {
            var copy = elements
            _ = LAPACKE_dpotrf(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), size, &copy, size)
        }
    }
}
