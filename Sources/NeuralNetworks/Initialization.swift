import DenseLinearAlgebra

/// How a layer's weight matrix is drawn; biases start at zero.
///
/// `fanIn` is the number of inputs feeding one output (`d_in`, or `k_h·k_w·C_in`
/// for a convolution) and `fanOut` the number of outputs one input feeds.
public enum Initialization: Sendable, Hashable, Codable {
    /// `W_ij ~ N(0, 2/fanIn)`: keeps the activation variance through ReLU layers
    /// (He, Zhang, Ren, Sun 2015, "Delving deep into rectifiers", eq. 10).
    case heNormal
    /// `W_ij ~ U(−√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut)))`: balances forward and
    /// backward variance for tanh and sigmoid layers (Glorot & Bengio 2010, eq. 16).
    case glorotUniform

    /// A `rows × columns` weight drawn by this scheme.
    /// - Complexity: `rows·columns` draws from `generator`.
    /// - Throws: as `Matrix.randomGaussian(rows:columns:using:)`, before drawing.
    @inlinable
    public func weight<Scalar: LinearAlgebraScalar>(
        rows: Int, columns: Int, fanIn: Int, fanOut: Int, using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        switch self {
        case .heNormal:
            let deviation = Scalar.sqrt(2 / Scalar(Swift.max(fanIn, 1)))
            // Scaled in place: `scaled(by:)` on the temporary would copy it first (the same `?scal`).
            var weight = try Matrix<Scalar>.randomGaussian(rows: rows, columns: columns, using: &generator)
            weight.scale(by: deviation)
            return weight
        case .glorotUniform:
            let limit = Scalar.sqrt(6 / Scalar(Swift.max(fanIn + fanOut, 1)))
            return try Matrix<Scalar>.randomUniform(rows: rows, columns: columns, in: -limit...limit, using: &generator)
        }
    }

    /// `[W | 0]`: a drawn `outputs × inputs` weight, plus a zero bias column when `bias` is set.
    @inlinable
    func combinedWeight<Scalar: LinearAlgebraScalar>(
        outputs: Int, inputs: Int, bias: Bool, fanIn: Int, fanOut: Int,
        using generator: inout some RandomNumberGenerator
    ) throws -> Matrix<Scalar> {
        let w: Matrix<Scalar> = try weight(rows: outputs, columns: inputs, fanIn: fanIn, fanOut: fanOut,
                                           using: &generator)
        guard bias else { return w }
        var elements = w.elements
        elements.append(contentsOf: repeatElement(0, count: outputs))
        return try Matrix(rows: outputs, columns: inputs + 1, columnMajor: elements)
    }
}
