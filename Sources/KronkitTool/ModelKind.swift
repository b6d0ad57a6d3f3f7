import ArgumentParser
import DenseLinearAlgebra
import NeuralNetworks

/// The reference networks `kronkit` trains (``ReferenceModels``).
enum ModelKind: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// Multilayer perceptron `d → hidden… → classes`, ReLU.
    case mlp
    /// Two 3×3 convolutions (8 and 16 channels, the second with stride 2), ReLU, dense to the classes.
    case cnn
    /// The Hinton–Salakhutdinov deep autoencoder scaled to `d` inputs (256-512-256-128-32 mirrored).
    case autoencoder
    /// 4×4 patches through one shared dense layer (weight sharing, R = 16 on 16×16 images).
    case patches
    /// A small vision transformer: patch embedding, pre-norm blocks of multi-head self-attention
    /// and a GELU MLP (every dense layer shared over the tokens), LayerNorm, mean over tokens, head.
    case vit

    /// What the model learns, which fixes the loss and the metrics.
    enum Task: Sendable {
        /// Softmax cross-entropy on the labels; test accuracy reported.
        case classification
        /// Squared error against the input itself; no accuracy.
        case reconstruction
    }

    var task: Task { self == .autoencoder ? .reconstruction : .classification }

    static let helpText = "mlp (multilayer perceptron), cnn (small convnet), autoencoder (deep autoencoder, "
        + "squared error), patches (shared dense layer over 4×4 patches), vit (vision transformer; "
        + "--depth, --width, --heads, --patch)."

    /// The network for `featureCount` inputs and `classCount` classes, initialised from `generator`.
    /// - Parameter hidden: the MLP's hidden widths.
    /// - Parameter transformer: the vision transformer's shape.
    /// - Throws: ``ToolError/incompatibleData(_:)`` when the images are not square (cnn, patches)
    ///   or not a multiple of 4 pixels wide (patches) or of the patch side (vit); the layers'
    ///   `LinearAlgebraError` otherwise.
    func build<Scalar: LinearAlgebraScalar>(featureCount: Int, classCount: Int, hidden: [Int],
                                            transformer: VisionTransformerShape = .init(), as: Scalar.Type,
                                            using generator: inout some RandomNumberGenerator) throws
        -> Sequential<Scalar> {
        switch self {
        case .mlp:
            return try ReferenceModels.multilayerPerceptron(sizes: [featureCount] + hidden + [classCount], as: Scalar.self,
                                                            using: &generator)
        case .cnn:
            let side = try squareSide(featureCount)
            return try ReferenceModels.smallConvolutionalNetwork(height: side, width: side, channels: 1,
                                                                 classCount: classCount, as: Scalar.self,
                                                                 using: &generator)
        case .autoencoder:
            return try ReferenceModels.deepAutoencoder(inputSize: featureCount, as: Scalar.self, using: &generator)
        case .patches:
            let side = try squareSide(featureCount)
            guard side % 4 == 0 else {
                throw ToolError.incompatibleData("patches needs square images a multiple of 4 pixels wide, got \(side)×\(side)")
            }
            return try ReferenceModels.patchModel(height: side, width: side, patchSize: 4, classCount: classCount,
                                                  as: Scalar.self, using: &generator)
        case .vit:
            let side = try squareSide(featureCount)
            let patch = transformer.patch ?? side / 4
            guard patch >= 1, side % patch == 0 else {
                throw ToolError.incompatibleData("vit needs a patch side dividing the image side \(side), got \(patch)")
            }
            return try ReferenceModels.visionTransformer(
                height: side, width: side, patchSize: patch, width: transformer.width, depth: transformer.depth,
                heads: transformer.heads, classCount: classCount, as: Scalar.self, using: &generator)
        }
    }

    /// One line naming the network built for the data: the feature count at the input and after
    /// each parameterised layer (`784 → 256 → 256 → 10` for the default MLP on MNIST) and the
    /// number of trained parameters.
    /// - Throws: as ``build(featureCount:classCount:hidden:transformer:as:using:)``.
    func summary(featureCount: Int, classCount: Int, hidden: [Int], transformer: VisionTransformerShape = .init()) throws
        -> String {
        var generator = Xoshiro256StarStar(seed: 0)
        let model = try build(featureCount: featureCount, classCount: classCount, hidden: hidden,
                              transformer: transformer, as: Float.self, using: &generator)
        let sizes = [model.inputSize] + model.parameterizedLayers.map(\.outputSize)
        let parameters = model.parameters.reduce(0) { $0 + $1.rows * $1.columns }
        return "Model: \(rawValue), sizes \(sizes.map(String.init).joined(separator: " → ")) "
            + "(\(model.parameterizedLayerCount) parameterised layers, \(parameters) parameters)"
    }

    /// The side of a square single-channel image of `featureCount` pixels.
    private func squareSide(_ featureCount: Int) throws -> Int {
        let side = Int(Double(featureCount).squareRoot().rounded())
        guard side >= 3, side * side == featureCount else {
            throw ToolError.incompatibleData(
                "\(rawValue) needs square grey images (d = side², side ≥ 3), got \(featureCount) features per example")
        }
        return side
    }
}
