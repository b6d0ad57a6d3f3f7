import DenseLinearAlgebra

extension ReferenceModels {
    /// A small vision transformer (Dosovitskiy et al. 2021) for `height × width × channels` images:
    ///
    /// - patch embedding: ``Patchify`` into `R = (H/p)(W/p)` patches of `p × p`, one ``Dense``
    ///   layer `p²C → width` shared over the patches, learned ``PositionEmbedding``s;
    /// - `depth` pre-norm blocks, each `x ← x + MHSA(LN(x))` and `x ← x + MLP(LN(x))` with
    ///   ``MultiHeadSelfAttention`` (`heads` heads) and the MLP `width → mlpRatio·width → width`
    ///   (GELU between), every dense layer shared over the `R` tokens;
    /// - a final ``LayerNorm``, the mean over tokens (``MeanPool``, in place of a class token) and a
    ///   dense classification head to `classCount` logits.
    ///
    /// The defaults (16 × 16 images, 4 × 4 patches so `R = 16`, width 64, 4 heads, 2 blocks,
    /// MLP ratio 2) are the small model; on 28 × 28 MNIST take `patchSize: 7` (`R = 16`)
    /// or `4` (`R = 49`).
    /// - Complexity: per example about `R·width²·(4 + 2·mlpRatio)·2` flops per block for the
    ///   dense layers and `4·R²·width` for the attention, forward.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` when the patch size does
    ///   not divide the image, `heads` does not divide `width`, or a size is below 1.
    public static func visionTransformer<Scalar: LinearAlgebraScalar>(
        height: Int = 16, width imageWidth: Int = 16, channels: Int = 1, patchSize: Int = 4, width: Int = 64,
        depth: Int = 2, heads: Int = 4, mlpRatio: Int = 2, classCount: Int = 10, as: Scalar.Type = Scalar.self,
        using generator: inout some RandomNumberGenerator
    ) throws -> Sequential<Scalar> {
        guard depth >= 0, mlpRatio >= 1 else {
            throw LinearAlgebraError.invalidArgument(
                operation: "visionTransformer", detail: "depth \(depth) must be ≥ 0 and the MLP ratio \(mlpRatio) ≥ 1")
        }
        let patches = try Patchify<Scalar>(height: height, width: imageWidth, channels: channels, patchSize: patchSize)
        let r = patches.patchCount
        var layers: [any Layer<Scalar>] = [
            patches,
            try Dense(inputSize: patchSize * patchSize * channels, outputSize: width, sharedDimension: r,
                      initialization: .glorotUniform, using: &generator),
            try PositionEmbedding(features: width, positions: r, using: &generator),
        ]
        for _ in 0..<depth {
            layers.append(try Residual([
                try LayerNorm<Scalar>(features: width, positions: r),
                try MultiHeadSelfAttention<Scalar>(features: width, positions: r, heads: heads, using: &generator),
            ]))
            layers.append(try Residual([
                try LayerNorm<Scalar>(features: width, positions: r),
                try Dense<Scalar>(inputSize: width, outputSize: mlpRatio * width, sharedDimension: r,
                                  initialization: .glorotUniform, using: &generator),
                try Activation<Scalar>(.gelu, size: r * mlpRatio * width),
                try Dense<Scalar>(inputSize: mlpRatio * width, outputSize: width, sharedDimension: r,
                                  initialization: .glorotUniform, using: &generator),
            ]))
        }
        layers.append(try LayerNorm<Scalar>(features: width, positions: r))
        layers.append(try MeanPool<Scalar>(sharedDimension: r, features: width))
        layers.append(try Dense<Scalar>(inputSize: width, outputSize: classCount, initialization: .glorotUniform,
                                        using: &generator))
        return try Sequential(layers)
    }
}
