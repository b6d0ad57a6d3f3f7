import ArgumentParser

/// The shape flags of `--model vit` (``ModelKind/vit``), kept together so the model's
/// options stay out of the general training options.
struct TransformerShape: ParsableArguments {
    @Option(help: "vit: number of pre-norm transformer blocks (default: \(VisionTransformerShape().depth)).")
    var depth: Int?

    @Option(help: "vit: token width, features per patch after the embedding (default: \(VisionTransformerShape().width)).")
    var width: Int?

    @Option(help: "vit: attention heads, dividing --width (default: \(VisionTransformerShape().heads)).")
    var heads: Int?

    @Option(help: ArgumentHelp("vit: patch side in pixels, dividing the image side (default: side/4, so 16 tokens).",
                               valueName: "pixels"))
    var patch: Int?

    func validate() throws {
        let shape = shape
        guard shape.depth >= 0 else { throw ValidationError("--depth must be at least 0, got \(shape.depth)") }
        guard shape.width >= 1, shape.heads >= 1, shape.width % shape.heads == 0 else {
            throw ValidationError("--heads \(shape.heads) must be at least 1 and divide --width \(shape.width)")
        }
        if let patch, patch < 1 { throw ValidationError("--patch must be at least 1, got \(patch)") }
    }

    /// The parsed values, defaults filled in, as a plain value for
    /// ``ModelKind/build(featureCount:classCount:hidden:transformer:as:using:)``.
    var shape: VisionTransformerShape {
        let defaults = VisionTransformerShape()
        return VisionTransformerShape(depth: depth ?? defaults.depth, width: width ?? defaults.width,
                                      heads: heads ?? defaults.heads, patch: patch)
    }

    /// The flags given on the command line, in the order of the help.
    var givenFlags: [String] {
        [("--depth", depth), ("--width", width), ("--heads", heads), ("--patch", patch)].compactMap { $0.1 == nil ? nil : $0.0 }
    }
}

/// The vision transformer's shape: blocks, token width, heads, and the patch side (`nil`: a
/// quarter of the image side).
struct VisionTransformerShape: Sendable, Hashable {
    var depth = 2
    var width = 64
    var heads = 4
    var patch: Int?

    /// The flags that fix a `vit` run's model, for the checkpoint identity.
    var identity: [String: String] {
        ["--depth": "\(depth)", "--width": "\(width)", "--heads": "\(heads)", "--patch": patch.map(String.init) ?? "side/4"]
    }
}
