import DenseLinearAlgebra

/// The shapes of a 2-D convolution over channel-fastest images, and its
/// im2col / col2im rearrangements.
///
/// An example is an `H × W × C` image in one column, pixel `(h, w)` channel `c`
/// at row `(h·W + w)·C + c` (NHWC with the batch in the columns). The output has
/// `H_out = (H + 2p − k_h)/s + 1` rows of `W_out = (W + 2p − k_w)/s + 1` positions
/// (integer division: trailing input rows that no window reaches are ignored,
/// as in cuDNN and PyTorch), `P = H_out·W_out` positions in all.
///
/// im2col turns a batch into the `(k_h·k_w·C) × (batch·P)` patch matrix whose
/// column `i·P + (o_h·W_out + o_w)` is the receptive field of output pixel
/// `(o_h, o_w)` of example `i`, rows ordered `(κ_h·k_w + κ_w)·C + c`; zero padding
/// contributes zeros. A convolution is then one GEMM (Chellapilla, Puri, Simard
/// 2006, "High performance convolutional neural networks for document processing").
public struct ConvolutionGeometry: Sendable, Hashable, Codable {
    /// Input height `H`, width `W` and channels `C`.
    public let inputHeight: Int, inputWidth: Int, inputChannels: Int
    /// Kernel height `k_h` and width `k_w`.
    public let kernelHeight: Int, kernelWidth: Int
    /// Step `s` between windows, the same along both axes.
    public let stride: Int
    /// Zero rows/columns `p` added on each side.
    public let padding: Int

    /// Validates and stores the geometry.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when a size is below 1,
    ///   the padding is negative, the padded input is smaller than the kernel, or a derived
    ///   size (`H + 2p`, `H·W·C`, `k_h·k_w·C`, `P·k_h·k_w·C`) overflows `Int`.
    public init(inputHeight: Int, inputWidth: Int, inputChannels: Int, kernelHeight: Int, kernelWidth: Int,
                stride: Int = 1, padding: Int = 0) throws {
        let sizes = [inputHeight, inputWidth, inputChannels, kernelHeight, kernelWidth, stride]
        guard sizes.allSatisfy({ $0 >= 1 }), padding >= 0 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "ConvolutionGeometry",
                detail: "input \(inputHeight)×\(inputWidth)×\(inputChannels), kernel \(kernelHeight)×\(kernelWidth), "
                    + "stride \(stride) must be ≥ 1 and padding \(padding) ≥ 0")
        }
        func checked(_ result: (partialValue: Int, overflow: Bool)) throws -> Int {
            guard !result.overflow else {
                throw LinearAlgebraError.invalidArgument(
                    operation: "ConvolutionGeometry",
                    detail: "input \(inputHeight)×\(inputWidth)×\(inputChannels), kernel \(kernelHeight)×\(kernelWidth), "
                        + "padding \(padding): a derived size overflows Int")
            }
            return result.partialValue
        }
        func product(_ factors: Int...) throws -> Int {
            try factors.reduce(1) { try checked($0.multipliedReportingOverflow(by: $1)) }
        }
        let border = try product(2, padding)
        let paddedHeight = try checked(inputHeight.addingReportingOverflow(border))
        let paddedWidth = try checked(inputWidth.addingReportingOverflow(border))
        guard paddedHeight >= kernelHeight, paddedWidth >= kernelWidth else {
            throw LinearAlgebraError.invalidArgument(
                operation: "ConvolutionGeometry",
                detail: "kernel \(kernelHeight)×\(kernelWidth) is larger than the padded input \(paddedHeight)×\(paddedWidth)")
        }
        let outputHeight = (paddedHeight - kernelHeight) / stride + 1, outputWidth = (paddedWidth - kernelWidth) / stride + 1
        _ = try product(inputHeight, inputWidth, inputChannels)
        _ = try product(outputHeight, outputWidth, kernelHeight, kernelWidth, inputChannels)
        (self.inputHeight, self.inputWidth, self.inputChannels) = (inputHeight, inputWidth, inputChannels)
        (self.kernelHeight, self.kernelWidth, self.stride, self.padding) = (kernelHeight, kernelWidth, stride, padding)
    }

    private enum CodingKeys: String, CodingKey {
        case inputHeight, inputWidth, inputChannels, kernelHeight, kernelWidth, stride, padding
    }

    /// Decodes a geometry and validates it as ``init(inputHeight:inputWidth:inputChannels:kernelHeight:kernelWidth:stride:padding:)``
    /// does, so a corrupt checkpoint cannot produce a zero stride or a kernel larger than the input.
    /// - Throws: a `DecodingError`, or ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)``.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        func value(_ key: CodingKeys) throws -> Int { try values.decode(Int.self, forKey: key) }
        try self.init(inputHeight: value(.inputHeight), inputWidth: value(.inputWidth),
                      inputChannels: value(.inputChannels), kernelHeight: value(.kernelHeight),
                      kernelWidth: value(.kernelWidth), stride: value(.stride), padding: value(.padding))
    }

    /// `H_out = (H + 2p − k_h)/s + 1`.
    @inlinable public var outputHeight: Int { (inputHeight + 2 * padding - kernelHeight) / stride + 1 }
    /// `W_out = (W + 2p − k_w)/s + 1`.
    @inlinable public var outputWidth: Int { (inputWidth + 2 * padding - kernelWidth) / stride + 1 }
    /// `P = H_out·W_out`, the positions sharing the kernel.
    @inlinable public var positions: Int { outputHeight * outputWidth }
    /// `k_h·k_w·C`, the length of one receptive field.
    @inlinable public var patchSize: Int { kernelHeight * kernelWidth * inputChannels }
    /// `H·W·C`, the rows of an input column.
    @inlinable public var inputSize: Int { inputHeight * inputWidth * inputChannels }

    /// The patch matrix `(k_h·k_w·C) × (batch·P)` of `images` (`inputSize × batch`).
    /// - Complexity: `k_h·k_w·C·P` copies per example, in runs of `C` contiguous values.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the patch matrix.
    @inlinable
    public func im2col<Scalar: LinearAlgebraScalar>(_ images: Matrix<Scalar>) throws -> Matrix<Scalar> {
        precondition(images.rows == inputSize, "callers check the input rows")
        var patches = try Matrix<Scalar>(rows: patchSize, columns: images.columns * positions)
        writePatches(of: images, into: &patches)
        return patches
    }

    /// im2col into `patches`, `(k_h·k_w·C) × (batch·P)` or, with a trailing row of ones
    /// (the homogeneous coordinate of a biased convolution), `(k_h·k_w·C + 1) × (batch·P)`.
    /// Only the entries a window takes from the image are written (and the row of ones):
    /// entries from the zero padding must already be zero, as in a new matrix or one last
    /// written by this function for the same geometry and batch — the layer's reused workspace.
    /// - Complexity: as ``im2col(_:)``, without the allocation.
    @inlinable
    func writePatches<Scalar: LinearAlgebraScalar>(of images: Matrix<Scalar>, into patches: inout Matrix<Scalar>) {
        let batch = images.columns
        let rows = patches.rows
        precondition(images.rows == inputSize && (rows == patchSize || rows == patchSize + 1)
                         && patches.columns == batch * positions, "callers size the patch matrix")
        images.withUnsafeBufferPointer { source in
            patches.withUnsafeMutableBufferPointer { target in
                forEachWindowRun(batch: batch, patchStride: rows) { imageOffset, patchOffset, count in
                    _ = target.extracting(patchOffset ..< patchOffset + count)
                        .update(fromContentsOf: source.extracting(imageOffset ..< imageOffset + count))
                }
                if rows == patchSize + 1 {
                    for column in 0..<batch * positions { target[column * rows + patchSize] = 1 }
                }
            }
        }
    }

    /// The adjoint of ``im2col(_:)``: sums every patch entry back into the image
    /// pixel it was copied from (`inputSize × batch`), the input gradient of a convolution.
    /// - Complexity: `k_h·k_w·C·P` additions per example.
    /// - Throws: as ``/DenseLinearAlgebra/SizePolicy/check(_:_:rows:columns:of:reachesBLAS:)`` for the images.
    @inlinable
    public func col2im<Scalar: LinearAlgebraScalar>(_ patches: Matrix<Scalar>) throws -> Matrix<Scalar> {
        precondition(patches.rows == patchSize && patches.columns % positions == 0, "callers check the shape")
        var images = try Matrix<Scalar>(rows: inputSize, columns: patches.columns / positions)
        accumulateImages(of: patches, into: &images)
        return images
    }

    /// col2im into `images` (`inputSize × batch`), overwriting it: the same sums as
    /// ``col2im(_:)`` in the same order, without the allocation.
    /// - Complexity: one pass to clear `images`, then as ``col2im(_:)``.
    @inlinable
    func accumulateImages<Scalar: LinearAlgebraScalar>(of patches: Matrix<Scalar>, into images: inout Matrix<Scalar>) {
        precondition(patches.rows == patchSize && images.rows == inputSize
                         && patches.columns == images.columns * positions, "callers check the shape")
        let batch = images.columns
        patches.withUnsafeBufferPointer { source in
            images.withUnsafeMutableBufferPointer { target in
                target.update(repeating: 0)
                forEachWindowRun(batch: batch, patchStride: patchSize) { imageOffset, patchOffset, count in
                    for k in 0..<count { target[imageOffset + k] += source[patchOffset + k] }
                }
            }
        }
    }

    /// Calls `body(imageOffset, patchOffset, count)` for every run of `count` contiguous
    /// values that im2col copies from the image column at `imageOffset` to the patch matrix
    /// at `patchOffset`. One kernel row of one window is one run: its `k_w` pixels are
    /// adjacent in the image (channel-fastest) and in the patch, so a run holds `k_w·C`
    /// values, fewer where the window overlaps the zero padding, which is skipped. Patch
    /// columns are `patchStride` apart (`patchSize`, or one more with a row of ones).
    @inlinable
    func forEachWindowRun(batch: Int, patchStride rows: Int,
                          _ body: (_ imageOffset: Int, _ patchOffset: Int, _ count: Int) -> Void) {
        let (hOut, wOut, c) = (outputHeight, outputWidth, inputChannels)
        for example in 0..<batch {
            let imageBase = example * inputSize
            for oh in 0..<hOut {
                for ow in 0..<wOut {
                    let column = (example * hOut + oh) * wOut + ow
                    // Kernel columns κ_w with 0 ≤ ow·s − p + κ_w < W.
                    let left = ow * stride - padding
                    let (first, end) = (Swift.max(0, -left), Swift.min(kernelWidth, inputWidth - left))
                    guard first < end else { continue }
                    for kh in 0..<kernelHeight {
                        let ih = oh * stride - padding + kh
                        guard ih >= 0, ih < inputHeight else { continue }
                        body(imageBase + (ih * inputWidth + left + first) * c,
                             column * rows + (kh * kernelWidth + first) * c, (end - first) * c)
                    }
                }
            }
        }
    }
}
