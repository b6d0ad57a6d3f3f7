@testable import DenseLinearAlgebra
import KronKitTestSupport
import Testing

/// The capability sets of the test table.
private let avx512CPU: CPUCapabilities = [.sse3, .ssse3, .sse41, .sse42, .avx, .fma, .avx2, .skylakeAVX512]
private let avx2CPU: CPUCapabilities = [.sse3, .ssse3, .sse41, .sse42, .avx, .fma, .avx2]
private let avxCPU: CPUCapabilities = [.sse3, .ssse3, .sse41, .sse42, .avx]
private let sseCPU: CPUCapabilities = [.sse3, .ssse3, .sse41, .sse42]

@Suite("BLAS configuration: core recommendation, CPU capabilities, self-check")
struct BLASConfigurationTests {
    /// (core OpenBLAS selected, CPU capabilities, expected recommendation).
    static let recommendations: [(String, CPUCapabilities, String?)] = [
        ("Prescott", avx512CPU, "SkylakeX"),
        ("PRESCOTT", avx512CPU, "SkylakeX"),
        ("Prescott", avx2CPU, "Haswell"),
        ("Prescott", avxCPU, "Sandybridge"),
        ("Prescott", sseCPU, nil),
        ("Prescott", [], nil),
        ("Katmai", avx2CPU, "Haswell"),
        ("Core2", avx512CPU, "SkylakeX"),
        ("Nehalem", avx2CPU, "Haswell"),
        ("Atom", avxCPU, "Sandybridge"),
        ("Nehalem", sseCPU, nil),
        ("Sandybridge", avx2CPU, "Haswell"),
        ("Sandybridge", avxCPU, nil),
        ("Bulldozer", avx2CPU, "Haswell"),
        ("Haswell", avx512CPU, "SkylakeX"),
        ("Zen", avx512CPU, "SkylakeX"),
        ("Zen", avx2CPU, nil),
        ("Haswell", avx2CPU, nil),
        ("SkylakeX", avx512CPU, nil),
        ("Cooperlake", avx512CPU, nil),
        ("SapphireRapids", avx512CPU, nil),
        ("SkylakeX", avx2CPU, nil),
        // AVX2 without FMA runs no AVX2 kernel of OpenBLAS: the AVX family is the best.
        ("Prescott", avxCPU.union(.avx2), "Sandybridge"),
        // AVX-512 without VL (Knights Landing-like) does not run the SkylakeX kernels.
        ("Haswell", avx512CPU.subtracting(.avx512VL), nil),
        ("Prescott", avx512CPU.subtracting(.avx512BW), "Haswell"),
        // Names this table does not know are never overridden.
        ("ARMV8", avx512CPU, nil),
        ("NeoverseN1", avx512CPU, nil),
        ("", avx512CPU, nil),
    ]

    @Test(arguments: recommendations)
    func recommendedCore(selected: String, capabilities: CPUCapabilities, expected: String?) {
        #expect(BLASConfiguration.recommendedCore(selected: selected, capabilities: capabilities) == expected)
    }

    @Test func kernelFamilies() {
        #expect(BLASKernelFamily(capabilities: avx512CPU) == .avx512)
        #expect(BLASKernelFamily(capabilities: avx2CPU) == .avx2)
        #expect(BLASKernelFamily(capabilities: avxCPU) == .avx)
        #expect(BLASKernelFamily(capabilities: sseCPU) == .sse)
        #expect(BLASKernelFamily(coreName: "cooperlake") == .avx512)
        #expect(BLASKernelFamily(coreName: "Opteron_SSE3") == .sse)
        #expect(BLASKernelFamily(coreName: "Piledriver") == .avx)
        #expect(BLASKernelFamily(coreName: "POWER10") == nil)
        // Every preferred core belongs to its own family.
        for family in BLASKernelFamily.allCases {
            if let core = family.preferredCore { #expect(BLASKernelFamily(coreName: core) == family) }
        }
    }

    @Test func capabilitiesFromCPUInfo() {
        let text = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            flags\t\t: fpu vme sse sse2 pni ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512cd avx512bw avx512vl
            bugs\t\t: spectre_v1
            processor\t: 1
            flags\t\t: fpu
            """
        let capabilities = CPUCapabilities(cpuinfo: text)
        #expect(capabilities == avx512CPU)
        #expect(capabilities.description == "SSE3 SSSE3 SSE4.1 SSE4.2 AVX FMA AVX2 AVX-512F AVX-512CD AVX-512BW "
            + "AVX-512DQ AVX-512VL")
        // `avx512_bf16` is its own flag; `avx512f` is not read from `avx512fp16`-like prefixes.
        #expect(CPUCapabilities(linuxFlags: ["avx512_bf16", "avx512fp16", "avx"]) == [.avx512BF16, .avx])
        // aarch64 lists `Features`, not `flags`; an empty text has no line at all.
        #expect(CPUCapabilities(cpuinfo: "processor\t: 0\nFeatures\t: fp asimd avx2\n").isEmpty)
        #expect(CPUCapabilities(cpuinfo: "").isEmpty)
        #expect(CPUCapabilities().description == "none detected")
    }

    @Test func currentCapabilities() {
        #if arch(x86_64)
        // Every x86-64 CPU that runs Linux has SSE3 (OpenBLAS's Prescott baseline).
        #expect(CPUCapabilities.current.contains(.sse3))
        #else
        #expect(BLASKernelFamily(capabilities: .current) == .sse)
        #endif
    }

    @Test func selfCheckPassesOnThisMachine() {
        let check = BLASConfiguration.selfCheck()
        #expect(check.passed, "\(check)")
        #expect(check.core == BLASConfiguration.coreName)
        #expect(check.measurements.map(\.name) == [
            "sgemm NN", "sgemm TT", "ssyevd eigenvalues", "ssyevd residual", "ssyevd orthogonality",
            "dgemm NN", "dgemm TT", "dsyevd eigenvalues", "dsyevd residual", "dsyevd orthogonality",
        ])
        #expect(check.description.hasPrefix("passed on \(check.core)"))
    }

    /// The self-check fails on wrong results: a GEMM entry off by 0.6 (a relative 1–2 % error
    /// on an entry of magnitude Σ|a||b| ≈ 0.64·61 ≈ 40, at least 10³ times Float's
    /// `(k + 4)·eps` and the bound 2), and a non-finite entry.
    func gemmCheckDetectsWrongProducts<Scalar: LinearAlgebraScalar>(_: Scalar.Type) {
        var generator = Xoshiro256StarStar(seed: 3)
        for transpose in [Transpose.none, .transpose] {
            let problem = _GEMMProblem<Scalar>(transpose: transpose, alpha: -0.75, beta: 0.5, using: &generator)
            let product = problem.computed()
            #expect(problem.measurement(of: product).passed)
            var wrong = product
            wrong[problem.m * 5 + 7] += Scalar(0.6)
            #expect(!problem.measurement(of: wrong).passed)
            wrong = product
            wrong[3] = .nan
            #expect(problem.measurement(of: wrong).ratio == .infinity)
        }
    }

    @Test func gemmCheckDetectsWrongProducts() {
        gemmCheckDetectsWrongProducts(Float.self)
        gemmCheckDetectsWrongProducts(Double.self)
    }

    /// The eigenvalue, residual and orthogonality measures fail on their kind of error: one
    /// eigenvalue off by 0.01 (`0.01/(64·eps) ≥ 1300` and a residual `0.01/(64·eps·‖A‖_F)` with
    /// `‖A‖_F ≈ √(64/3)`, ≥ 280: over the bound 60 in Float), one eigenvector scaled by 1.01
    /// (departure from orthonormality 0.02), a failed `info`.
    func eigenCheckDetectsWrongDecompositions<Scalar: LinearAlgebraScalar>(_: Scalar.Type) {
        var generator = Xoshiro256StarStar(seed: 4)
        let problem = _SymmetricEigenProblem<Scalar>(using: &generator)
        let (info, values, vectors) = problem.computed()
        #expect(info == 0)
        #expect(problem.measurements(info: info, eigenvalues: values, vectors: vectors).allSatisfy { $0.passed })
        var shifted = values
        shifted[problem.n - 1] += Scalar(0.01)
        let afterShift = problem.measurements(info: 0, eigenvalues: shifted, vectors: vectors)
        #expect(afterShift.map(\.passed) == [false, false, true])
        var scaled = vectors
        for i in 0..<problem.n { scaled[i] *= Scalar(1.01) }
        let afterScaling = problem.measurements(info: 0, eigenvalues: values, vectors: scaled)
        #expect(afterScaling.map(\.passed) == [true, true, false])  // a scaled eigenvector is still one
        let failed = problem.measurements(info: 3, eigenvalues: values, vectors: vectors)
        #expect(failed.allSatisfy { $0.ratio == .infinity && $0.name.hasSuffix("(info 3)") })
        // The reference eigenvalues are those of the stored matrix: its trace is their sum.
        let trace = (0..<problem.n).reduce(0.0) { $0 + Double(problem.matrix[$1 * (problem.n + 1)]) }
        let bound = Double(Tolerance.backward(Scalar.self, order: problem.n))
        #expect(abs(trace - problem.eigenvalues.reduce(0, +)) <= bound)
    }

    @Test func eigenCheckDetectsWrongDecompositions() {
        eigenCheckDetectsWrongDecompositions(Float.self)
        eigenCheckDetectsWrongDecompositions(Double.self)
    }

    @Test func selfCheckDescribesFailures() {
        let check = BLASSelfCheck(core: "Prescott", measurements: [
            .init(name: "sgemm NN", ratio: 0.4, bound: 2), .init(name: "dsyevd residual", ratio: .infinity, bound: 60),
        ])
        #expect(!check.passed)
        #expect(check.failures.map(\.name) == ["dsyevd residual"])
        #expect(check.description == "FAILED on Prescott: dsyevd residual inf (bound 60)")
    }
}
