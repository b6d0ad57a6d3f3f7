import DenseLinearAlgebra

/// A fully connected layer `y = W a + b`, optionally applied with the same
/// weights at each of `R` positions of an example (the weight-sharing case:
/// sequence positions, image patches).
///
/// With `sharedDimension R = 1` this is the ordinary dense layer: input
/// `d_in × batch`, output `d_out × batch`. With `R > 1` each example's column
/// holds `R` positions of `d_in` features (row `r·d_in + k`), the output `R`
/// positions of `d_out` features; internally the input is viewed, without a copy,
/// as `d_in × (batch·R)` with example-major columns, so one GEMM covers all
/// positions. This is the layer of K-FAC-expand and -reduce
/// (Eschenhagen et al. 2023, arXiv 2311.00636, Sec. 2–3).
///
/// - Complexity: forward `2·d_out·(d_in+1)·batch·R` flops (one GEMM), backward twice that.
public struct Dense<Scalar: LinearAlgebraScalar>: ParameterizedLayer {
    @usableFromInline var map: _SharedAffineMap<Scalar>

    /// A layer with weight `W̃` (`d_out × (d_in + 1)` with the bias as last column
    /// when `hasBias`, else `d_out × d_in`) shared over `sharedDimension` positions.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for an empty weight or
    ///   `sharedDimension < 1`; ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN/∞.
    public init(weight: Matrix<Scalar>, hasBias: Bool, sharedDimension: Int = 1) throws {
        map = try _SharedAffineMap(weight: weight, hasBias: hasBias, sharedDimension: sharedDimension,
                                   operation: "Dense")
    }

    /// A freshly initialised `inputSize → outputSize` layer (per position), bias zero.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when a size is below 1.
    public init(inputSize: Int, outputSize: Int, bias: Bool = true, sharedDimension: Int = 1,
                initialization: Initialization = .heNormal,
                using generator: inout some RandomNumberGenerator) throws {
        guard inputSize >= 1, outputSize >= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Dense", detail: "sizes \(inputSize) → \(outputSize) must both be at least 1")
        }
        let weight: Matrix<Scalar> = try initialization.combinedWeight(
            outputs: outputSize, inputs: inputSize, bias: bias, fanIn: inputSize, fanOut: outputSize,
            using: &generator)
        try self.init(weight: weight, hasBias: bias, sharedDimension: sharedDimension)
    }

    /// `R·d_in`.
    @inlinable public var inputSize: Int { map.inputFeatures * map.sharedDimension }
    /// `R·d_out`.
    @inlinable public var outputSize: Int { map.outputFeatures * map.sharedDimension }
    @inlinable public var weight: Matrix<Scalar> { map.weight }
    @inlinable public var hasBias: Bool { map.hasBias }
    @inlinable public var sharedDimension: Int { map.sharedDimension }
    @inlinable public var batchSize: Int { map.batchSize }
    @inlinable public var inputs: Matrix<Scalar> { map.inputs }
    @inlinable public var outputGradients: Matrix<Scalar> { map.outputGradients }
    @inlinable public var weightGradient: Matrix<Scalar> { map.weightGradient }

    public mutating func setWeight(_ newWeight: Matrix<Scalar>) throws {
        try map.setWeight(newWeight, operation: "Dense.setWeight")
    }

    public mutating func apply(update: Matrix<Scalar>, scaledBy alpha: Scalar, storingIn precision: StoragePrecision?)
        throws {
        try map.weight.addStoringFinite(update, scaledBy: alpha, storingIn: precision, operation: "Dense.setWeight")
    }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "Dense.forward")
        let r = sharedDimension
        let positions = try input.reshaped(rows: map.inputFeatures, columns: input.columns * r)
        return try map.forward(positions).reshaped(rows: outputSize, columns: input.columns)
    }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradient, producing: .all)
    }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        try requireGradientShape(outputGradient, rows: outputSize, columns: batchSize, "Dense.backward")
        let g = try outputGradient.reshaped(rows: map.outputFeatures, columns: map.inputs.columns)
        let inputGradient = try map.backward(g, producing: products)
        guard products.contains(.inputGradient) else { return try .placeholder(rows: inputSize) }
        return try inputGradient.reshaped(rows: inputSize, columns: outputGradient.columns)
    }
}
