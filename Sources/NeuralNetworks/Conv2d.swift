import DenseLinearAlgebra

/// A 2-D convolution by im2col and one GEMM, on channel-fastest (NHWC) images
/// stored one per column (see ``ConvolutionGeometry``).
///
/// The kernel is a dense map from a `k_h·k_w·C_in` receptive field to `C_out`
/// channels, shared over the `P` output positions: `W̃` is
/// `C_out × (k_h·k_w·C_in + 1)` (bias last), `ã` the im2col patch matrix with a row
/// of ones, `(k_h·k_w·C_in + 1) × (batch·P)`, so the layer conforms to
/// ``ParameterizedLayer`` with `R = P`. That is exactly the view of K-FAC for
/// convolutions (KFC, Grosse & Martens 2016, arXiv 1602.01407) and of
/// K-FAC-expand/-reduce. The GEMM's `C_out × (batch·P)` result is already the NHWC
/// output batch, so the output needs no transposition.
///
/// Outside the GEMMs the layer only moves memory, so both passes work through the batch in
/// blocks of whole examples whose patch columns fit in the core's cache (`examplesPerBlock`):
/// forward writes a block's im2col and multiplies it right away, while it is in cache;
/// backward multiplies `Wᵀ G` for a block into a small reused workspace and col2im's it into
/// the input gradient at once, so the `(k_h·k_w·C_in) × (batch·P)` patch gradient never
/// exists in full. Nothing is allocated in a step of unchanged batch size.
///
/// - Complexity: forward `2·C_out·(k_h·k_w·C_in + 1)·P` flops per example plus the
///   im2col copy; backward twice the flops plus col2im.
public struct Conv2d<Scalar: LinearAlgebraScalar>: ParameterizedLayer {
    /// Input, kernel, stride and padding.
    public let geometry: ConvolutionGeometry
    @usableFromInline var map: _SharedAffineMap<Scalar>
    /// `∂L/∂input` of the last backward pass (`inputSize × batch`), overwritten by the next.
    @usableFromInline var inputGradientBuffer: Matrix<Scalar>
    /// `Wᵀ G` for one block of examples, `(k_h·k_w·C_in) × (examplesPerBlock·P)`, reused by
    /// every block and step; col2im reads it while it is in cache.
    @usableFromInline var patchGradientBlock: Matrix<Scalar>

    /// A convolution with weight `W̃` (`C_out × (k_h·k_w·C_in + 1)` with bias, else
    /// without the last column); column `(κ_h·k_w + κ_w)·C_in + c` of `W̃` multiplies
    /// channel `c` at kernel offset `(κ_h, κ_w)`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   weight's columns do not match the geometry; as ``Dense/init(weight:hasBias:sharedDimension:)``.
    public init(geometry: ConvolutionGeometry, weight: Matrix<Scalar>, hasBias: Bool) throws {
        let expected = geometry.patchSize + (hasBias ? 1 : 0)
        guard weight.columns == expected else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Conv2d", expected: "weight with \(expected) columns (k_h·k_w·C_in\(hasBias ? " + 1" : ""))",
                actual: "\(weight.rows)×\(weight.columns)")
        }
        self.geometry = geometry
        map = try _SharedAffineMap(weight: weight, hasBias: hasBias, sharedDimension: geometry.positions,
                                   operation: "Conv2d")
        inputGradientBuffer = try .placeholder(rows: 0)
        patchGradientBlock = try .placeholder(rows: 0)
    }

    /// A freshly initialised convolution with `outputChannels` kernels, bias zero;
    /// fan-in `k_h·k_w·C_in`, fan-out `k_h·k_w·C_out`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when `outputChannels < 1`.
    public init(geometry: ConvolutionGeometry, outputChannels: Int, bias: Bool = true,
                initialization: Initialization = .heNormal,
                using generator: inout some RandomNumberGenerator) throws {
        guard outputChannels >= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Conv2d", detail: "outputChannels \(outputChannels) must be at least 1")
        }
        let area = geometry.kernelHeight * geometry.kernelWidth
        let weight: Matrix<Scalar> = try initialization.combinedWeight(
            outputs: outputChannels, inputs: geometry.patchSize, bias: bias, fanIn: geometry.patchSize,
            fanOut: area * outputChannels, using: &generator)
        try self.init(geometry: geometry, weight: weight, hasBias: bias)
    }

    /// `C_out`.
    @inlinable public var outputChannels: Int { map.outputFeatures }
    /// `H·W·C_in`.
    @inlinable public var inputSize: Int { geometry.inputSize }
    /// `H_out·W_out·C_out`.
    @inlinable public var outputSize: Int { geometry.positions * map.outputFeatures }
    @inlinable public var weight: Matrix<Scalar> { map.weight }
    @inlinable public var hasBias: Bool { map.hasBias }
    /// `P = H_out·W_out`.
    @inlinable public var sharedDimension: Int { map.sharedDimension }
    @inlinable public var batchSize: Int { map.batchSize }
    @inlinable public var inputs: Matrix<Scalar> { map.inputs }
    @inlinable public var outputGradients: Matrix<Scalar> { map.outputGradients }
    @inlinable public var weightGradient: Matrix<Scalar> { map.weightGradient }

    public mutating func setWeight(_ newWeight: Matrix<Scalar>) throws {
        try map.setWeight(newWeight, operation: "Conv2d.setWeight")
    }

    public mutating func apply(update: Matrix<Scalar>, scaledBy alpha: Scalar, storingIn precision: StoragePrecision?)
        throws {
        try map.weight.addStoringFinite(update, scaledBy: alpha, storingIn: precision, operation: "Conv2d.setWeight")
    }

    /// Examples per block of the forward and backward passes: as many as keep one block of
    /// patch columns (`(k_h·k_w·C_in + 1)·P` scalars per example) within `blockBytes`, at
    /// least one.
    @usableFromInline var examplesPerBlock: Int {
        let bytesPerExample = map.weight.columns * geometry.positions * MemoryLayout<Scalar>.stride
        return Swift.max(1, Self.blockBytes / bytesPerExample)
    }

    /// The bytes of patch columns a block may hold: a quarter of the 1 MiB second-level cache
    /// of a Skylake-SP/Cascade Lake core and half the 512 KiB of a Zen core, leaving room for
    /// the GEMM's packed panels and the block's image columns and outputs.
    @usableFromInline static var blockBytes: Int { 256 * 1024 }

    /// im2col straight into the captured `ã` (the previous step's storage when the batch
    /// size is unchanged, row of ones included), one block of `examplesPerBlock` examples at
    /// a time, each block multiplied by `W̃` into the reused output while it is in cache.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "Conv2d.forward")
        let (geometry, weight, positions, block) = (self.geometry, map.weight, geometry.positions, examplesPerBlock)
        let batch = input.columns
        var output = try Matrix.reusing(&map.outputBuffer, rows: outputChannels, columns: batch * positions)
        defer { map.outputBuffer = output }
        try map.captureInputs(columns: batch * positions) { patches in
            try input.withView { images in
                try weight.withView { w in
                    try patches.withMutableView { patches in
                        try output.withMutableView { output in
                            try geometry.forEachBlock(ofBatch: batch, examplesPerBlock: block) { examples, columns in
                                let patchBlock = try patches.columns(columns)
                                geometry.writePatches(of: try images.columns(examples), into: patchBlock)
                                try Matrix.multiply(w, patchBlock.readOnly, into: try output.columns(columns))
                            }
                        }
                    }
                }
            }
        }
        return try output.reshaped(rows: outputSize, columns: batch)
    }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradient, producing: .all)
    }

    /// The weight gradient `G ãᵀ` as one GEMM when asked for; then, block by block of
    /// `examplesPerBlock` examples, `Wᵀ G` into the reused block workspace and col2im from
    /// there into the reused input-gradient buffer.
    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        try requireGradientShape(outputGradient, rows: outputSize, columns: batchSize, "Conv2d.backward")
        let (geometry, positions, block, batch) = (self.geometry, geometry.positions, examplesPerBlock, batchSize)
        let g = try outputGradient.reshaped(rows: outputChannels, columns: batch * positions)
        _ = try map.backward(g, producing: products.subtracting(.inputGradient))
        guard products.contains(.inputGradient) else { return try .placeholder(rows: inputSize) }
        var images = try Matrix.reusing(&inputGradientBuffer, rows: inputSize, columns: batch)
        defer { inputGradientBuffer = images }
        var patchGradient = try Matrix.reusing(&patchGradientBlock, rows: geometry.patchSize,
                                               columns: Swift.min(block, batch) * positions)
        defer { patchGradientBlock = patchGradient }
        let weight = map.weight
        try weight.withView(rows: 0..<outputChannels, columns: 0..<geometry.patchSize) { w in
            try g.withView { g in
                try patchGradient.withMutableView { patchGradient in
                    try images.withMutableView { images in
                        try geometry.forEachBlock(ofBatch: batch, examplesPerBlock: block) { examples, columns in
                            let blockGradient = try patchGradient.columns(0..<columns.count)
                            try Matrix.multiply(w, try g.columns(columns), transposingA: .transpose, into: blockGradient)
                            geometry.accumulateImages(of: blockGradient.readOnly, into: try images.columns(examples))
                        }
                    }
                }
            }
        }
        return images
    }
}
