import ArgumentParser

/// The shape flags of `--model vit` (``ModelKind/vit``), kept together so the model's
/// options stay out of the general training options.
struct TransformerShape: ParsableArguments {
    @Option(help: "vit: number of pre-norm transformer blocks.")
    var depth = 2

    @Option(help: "vit: token width (features per patch after the embedding).")
    var width = 64

    @Option(help: "vit: attention heads (must divide --width).")
    var heads = 4

    @Option(help: ArgumentHelp("vit: patch side in pixels, dividing the image side (default: side/4, so 16 tokens).",
                               valueName: "pixels"))
    var patch: Int?

    func validate() throws {
        guard depth >= 0 else { throw ValidationError("--depth must be at least 0, got \(depth)") }
        guard width >= 1, heads >= 1, width % heads == 0 else {
            throw ValidationError("--heads \(heads) must be at least 1 and divide --width \(width)")
        }
        if let patch, patch < 1 { throw ValidationError("--patch must be at least 1, got \(patch)") }
    }

    /// The parsed values as a plain value for ``ModelKind/build(featureCount:classCount:hidden:transformer:as:using:)``.
    var shape: VisionTransformerShape { VisionTransformerShape(depth: depth, width: width, heads: heads, patch: patch) }
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
