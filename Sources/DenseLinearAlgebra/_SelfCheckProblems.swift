/// The problems of ``BLASSelfCheck``: each builds its input from a fixed seed, runs the
/// routine, and judges a result separately, so that tests can judge corrupted results.
extension BLASSelfCheck {
    /// Every measurement of the self-check in one precision.
    static func measurements<Scalar: LinearAlgebraScalar>(_: Scalar.Type) -> [Measurement] {
        var generator = Xoshiro256StarStar(seed: 0x6B72_6F6E)
        var result: [Measurement] = []
        for (transpose, alpha, beta) in [(Transpose.none, 1.0, 0.0), (.transpose, -0.75, 0.5)] {
            let problem = _GEMMProblem<Scalar>(transpose: transpose, alpha: Scalar(alpha), beta: Scalar(beta),
                                               using: &generator)
            result.append(problem.measurement(of: problem.computed()))
        }
        let eigenproblem = _SymmetricEigenProblem<Scalar>(using: &generator)
        let (info, eigenvalues, vectors) = eigenproblem.computed()
        return result + eigenproblem.measurements(info: info, eigenvalues: eigenvalues, vectors: vectors)
    }

    /// The largest of `ratios`, with NaN (a non-finite result) counted as infinite.
    static func worst(_ ratios: some Sequence<Double>) -> Double {
        ratios.reduce(0) { $1.isNaN ? .infinity : Swift.max($0, $1) }
    }
}

/// `C ← α·op(A)·op(B) + β·C` with both operands transposed alike, `C` of size 70 × 37, inner
/// dimension 61, Gaussian entries; judged against a triple loop in Double.
struct _GEMMProblem<Scalar: LinearAlgebraScalar> {
    let m = 70, n = 37, k = 61
    let transpose: Transpose
    let alpha: Scalar
    let beta: Scalar
    /// `op(A)` is `m × k`: `A` is stored `m × k`, or `k × m` when transposed.
    let a: [Scalar]
    /// `op(B)` is `k × n`.
    let b: [Scalar]
    /// The initial `C`, `m × n`.
    let c: [Scalar]

    init(transpose: Transpose, alpha: Scalar, beta: Scalar, using generator: inout some RandomNumberGenerator) {
        self.transpose = transpose
        self.alpha = alpha
        self.beta = beta
        a = (0..<m * k).map { _ in Scalar.randomGaussian(using: &generator) }
        b = (0..<k * n).map { _ in Scalar.randomGaussian(using: &generator) }
        c = (0..<m * n).map { _ in Scalar.randomGaussian(using: &generator) }
    }

    /// `op(A)[i, p]` and `op(B)[p, j]`.
    func opA(_ i: Int, _ p: Int) -> Scalar { transpose == .none ? a[i + p * m] : a[p + i * k] }
    func opB(_ p: Int, _ j: Int) -> Scalar { transpose == .none ? b[p + j * k] : b[j + p * n] }

    /// The product by the BLAS under test.
    func computed() -> [Scalar] {
        var result = c
        withinIndexRange {
            try Scalar.gemm(transposeA: transpose, transposeB: transpose, m: m, n: n, k: k, alpha: alpha,
                            a: a, lda: transpose == .none ? m : k, b: b, ldb: transpose == .none ? k : n, beta: beta,
                            c: &result, ldc: m)
        }
        return result
    }

    /// The largest entrywise error of `product` in units of `(k + 4)·eps·(|α|·|op(A)|·|op(B)| + |β|·|C|)`.
    func measurement(of product: [Scalar]) -> BLASSelfCheck.Measurement {
        let unit = Double(k + 4) * Double(Scalar.ulpOfOne)
        var ratios: [Double] = []
        ratios.reserveCapacity(m * n)
        for j in 0..<n {
            for i in 0..<m {
                var sum = 0.0
                var magnitude = 0.0
                for p in 0..<k {
                    let term = Double(opA(i, p)) * Double(opB(p, j))
                    sum += term
                    magnitude += abs(term)
                }
                let exact = Double(alpha) * sum + Double(beta) * Double(c[i + j * m])
                magnitude = abs(Double(alpha)) * magnitude + abs(Double(beta)) * abs(Double(c[i + j * m]))
                let error = abs(Double(product[i + j * m]) - exact)
                ratios.append(error == 0 ? 0 : error / (unit * magnitude))
            }
        }
        let name = "\(Scalar.routinePrefix)gemm \(transpose == .none ? "NN" : "TT")"
        return .init(name: name, ratio: BLASSelfCheck.worst(ratios), bound: 2)
    }
}

/// The symmetric eigenproblem of ``BLASSelfCheck``: `A = QΛQᵀ` of order 64 with known
/// eigenvalues, `Q` a product of three Householder reflectors, built in Double and rounded
/// once to `Scalar`.
struct _SymmetricEigenProblem<Scalar: LinearAlgebraScalar> {
    let n = 64
    /// The eigenvalues, ascending: equally spaced in [−1, 1] with entries 10…13 made equal.
    let eigenvalues: [Double]
    /// `A`, full symmetric column-major storage.
    let matrix: [Scalar]

    init(using generator: inout some RandomNumberGenerator) {
        let n = self.n
        var values = (0..<n).map { -1 + 2 * Double($0) / Double(n - 1) }
        for i in 11..<14 { values[i] = values[10] }
        eigenvalues = values
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { a[i + i * n] = values[i] }
        for _ in 0..<3 {
            // A ← HAH with H = I − τvvᵀ, τ = 2/vᵀv: with w = Av and s = vᵀw,
            // HAH = A − τ(vwᵀ + wvᵀ) + τ²s·vvᵀ; the lower triangle is computed and mirrored.
            let v = (0..<n).map { _ in Double.randomGaussian(using: &generator) }
            let tau = 2 / v.reduce(0) { $0 + $1 * $1 }
            let w = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + a[i + $1 * n] * v[$1] } }
            let s = zip(v, w).reduce(0) { $0 + $1.0 * $1.1 }
            for j in 0..<n {
                for i in j..<n {
                    let updated = a[i + j * n] - tau * (v[i] * w[j] + w[i] * v[j]) + tau * tau * s * v[i] * v[j]
                    a[i + j * n] = updated
                    a[j + i * n] = updated
                }
            }
        }
        matrix = a.map { Scalar($0) }
    }

    /// `?syevd`'s `info`, eigenvalues and eigenvectors (column-major `n × n`).
    func computed() -> (info: Int, eigenvalues: [Scalar], vectors: [Scalar]) {
        var vectors = matrix
        var values = [Scalar](repeating: 0, count: n)
        let info = withinIndexRange {
            try Scalar.syevd(computeVectors: true, triangle: .lower, n: n, a: &vectors, lda: n, eigenvalues: &values)
        }
        return (info, values, vectors)
    }

    /// The eigenvalue error over `n·eps·max|λ|`, the residual `‖AV − VΛ̂‖_F` over `n·eps·‖A‖_F`
    /// and the orthogonality `‖VᵀV − I‖_F` over `n·eps`, all computed in Double; infinite
    /// when `info ≠ 0`.
    func measurements(info: Int, eigenvalues computed: [Scalar], vectors: [Scalar]) -> [BLASSelfCheck.Measurement] {
        let prefix = "\(Scalar.routinePrefix)syevd"
        let names = ["eigenvalues", "residual", "orthogonality"].map { "\(prefix) \($0)" }
        guard info == 0 else {
            return names.map { .init(name: "\($0) (info \(info))", ratio: .infinity, bound: 60) }
        }
        let unit = Double(n) * Double(Scalar.ulpOfOne)
        let largest = eigenvalues.map(abs).max() ?? 0
        let eigenvalueError = zip(computed, eigenvalues).map { abs(Double($0) - $1) / (unit * largest) }
        var residual = 0.0
        var departure = 0.0
        for j in 0..<n {
            for i in 0..<n {
                var av = 0.0
                var vv = 0.0
                for p in 0..<n {
                    av += Double(matrix[i + p * n]) * Double(vectors[p + j * n])
                    vv += Double(vectors[p + i * n]) * Double(vectors[p + j * n])
                }
                let r = av - Double(vectors[i + j * n]) * Double(computed[j])
                let d = vv - (i == j ? 1 : 0)
                residual += r * r
                departure += d * d
            }
        }
        let normA = matrix.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let ratios = [BLASSelfCheck.worst(eigenvalueError), residual.squareRoot() / (unit * normA),
                      departure.squareRoot() / unit]
        return zip(names, ratios).map { .init(name: $0, ratio: $1.isNaN ? .infinity : $1, bound: 60) }
    }
}
