import DenseLinearAlgebra

/// Cuts each image into non-overlapping `p × p` patches, laid out as a sequence
/// of `R = (H/p)·(W/p)` positions of `p·p·C` features: the input of a ``Dense``
/// layer shared over patches (as in a vision transformer's patch embedding).
///
/// Patch `r = (t_h·(W/p) + t_w)` of an example occupies rows `r·p²C ..< (r+1)·p²C`
/// of the output column, its pixels ordered `(κ_h·p + κ_w)·C + c`. This is the
/// im2col of a `p × p` convolution with stride `p` (``ConvolutionGeometry``), so
/// `Patchify` followed by a shared dense layer equals that convolution.
///
/// - Complexity: one copy of the input (forward) and one scatter (backward).
public struct Patchify<Scalar: LinearAlgebraScalar>: Layer {
    /// The equivalent stride-`p` convolution's geometry.
    public let geometry: ConvolutionGeometry

    /// Patches of `patchSize × patchSize` from `height × width × channels` images.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` unless `patchSize ≥ 1`
    ///   divides both `height` and `width`.
    public init(height: Int, width: Int, channels: Int = 1, patchSize: Int) throws {
        guard patchSize >= 1, height % patchSize == 0, width % patchSize == 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Patchify", detail: "patch size \(patchSize) must divide the image \(height)×\(width)")
        }
        geometry = try ConvolutionGeometry(inputHeight: height, inputWidth: width, inputChannels: channels,
                                           kernelHeight: patchSize, kernelWidth: patchSize, stride: patchSize)
    }

    /// `H·W·C`.
    @inlinable public var inputSize: Int { geometry.inputSize }
    /// `H·W·C` as well: patching only reorders.
    @inlinable public var outputSize: Int { geometry.positions * geometry.patchSize }
    /// `R`, the number of patches per image.
    @inlinable public var patchCount: Int { geometry.positions }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try requireInputRows(input, "Patchify.forward")
        return try geometry.im2col(input).reshaped(rows: outputSize, columns: input.columns)
    }

    @inlinable
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard outputGradient.rows == outputSize else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Patchify.backward", expected: "output gradient with \(outputSize) rows",
                actual: "\(outputGradient.rows)×\(outputGradient.columns)")
        }
        let patches = try outputGradient.reshaped(rows: geometry.patchSize,
                                                  columns: outputGradient.columns * patchCount)
        return try geometry.col2im(patches)
    }
}
