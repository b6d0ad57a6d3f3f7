/// Random test matrices with a prescribed structure, for property tests and benchmarks.
///
/// Every function takes its generator explicitly, so a matrix is reproducible from its seed.
public enum MatrixEnsemble<Scalar: LinearAlgebraScalar> {
    /// A Haar-distributed random orthogonal `n × n` matrix: the `Q` of the QR
    /// factorization of a Gaussian matrix, with column signs fixed so that `R`
    /// has a positive diagonal [Mezzadri 2007, "How to generate random matrices
    /// from the classical compact groups"].
    /// - Complexity: `O(n³)`.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for `n × n`, before any work.
    public static func randomOrthogonal(_ n: Int,
                                        using generator: inout some RandomNumberGenerator) throws -> Matrix<Scalar> {
        try SizePolicy.check("MatrixEnsemble.randomOrthogonal", "matrix", rows: n, columns: n, of: Scalar.self)
        let gaussian = try Matrix<Scalar>.randomGaussian(rows: n, columns: n, using: &generator)
        // A Gaussian matrix is finite, so QR cannot fail.
        let qr = try QRFactorization(gaussian)
        var q = qr.q
        for j in 0..<n where qr.r[j, j] < 0 {
            for i in 0..<n { q[i, j] = -q[i, j] }
        }
        return q
    }

    /// `Q·diag(eigenvalues)·Qᵀ` with a random orthogonal `Q`, made exactly symmetric.
    /// - Complexity: `O(n³)`.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for `n × n`, before any work.
    public static func symmetric(eigenvalues: [Scalar],
                                 using generator: inout some RandomNumberGenerator) throws -> Matrix<Scalar> {
        let n = eigenvalues.count
        try SizePolicy.check("MatrixEnsemble.symmetric", "matrix", rows: n, columns: n, of: Scalar.self)
        let q = try randomOrthogonal(n, using: &generator)
        var scaled = q
        for j in 0..<n {
            for i in 0..<n { scaled[i, j] *= eigenvalues[j] }
        }
        var result = try scaled.multiplied(by: q, transposingOther: .transpose)
        try result.symmetrize(from: .lower)
        return result
    }

    /// A symmetric positive definite `n × n` matrix with eigenvalues of the given
    /// shape, from 1 down to `1/conditionNumber`.
    /// - Throws: as ``SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for `n × n`, before any work,
    ///   then as ``SpectrumShape/eigenvalues(count:conditionNumber:as:)``.
    public static func positiveDefinite(
        _ n: Int, spectrum: SpectrumShape = .exponential, conditionNumber: Double,
        using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        try SizePolicy.check("MatrixEnsemble.positiveDefinite", "matrix", rows: n, columns: n, of: Scalar.self)
        let values: [Scalar] = try spectrum.eigenvalues(count: n, conditionNumber: conditionNumber)
        return try symmetric(eigenvalues: values, using: &generator)
    }

    /// A rank-`rank` matrix `X·Yᵀ` (Gaussian factors scaled by `1/√rank`) plus
    /// Gaussian noise of standard deviation `noise`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(operation:detail:)`` for a negative rank or noise.
    public static func lowRankPlusNoise(
        rows: Int, columns: Int, rank: Int, noise: Scalar,
        using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        guard rank >= 0, noise >= 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "MatrixEnsemble.lowRankPlusNoise", detail: "rank \(rank) and noise \(noise) must be ≥ 0")
        }
        try SizePolicy.check("MatrixEnsemble.lowRankPlusNoise", "matrix", rows: rows, columns: columns, of: Scalar.self)
        let x = try Matrix<Scalar>.randomGaussian(rows: rows, columns: rank, using: &generator)
        let y = try Matrix<Scalar>.randomGaussian(rows: columns, columns: rank, using: &generator)
        var result = try Matrix<Scalar>.randomGaussian(rows: rows, columns: columns, using: &generator)
            .scaled(by: noise)
        let scale = rank > 0 ? 1 / Scalar.sqrt(Scalar(rank)) : 0
        try Matrix.multiply(x, y, transposingB: .transpose, alpha: scale, beta: 1, into: &result)
        return result
    }
}
