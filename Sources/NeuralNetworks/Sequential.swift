import DenseLinearAlgebra

/// A chain of layers applied in order, with backpropagation through all of them.
///
/// After ``forward(_:)`` and ``backward(_:)`` every ``TrainableLayer`` holds its parameter
/// gradient for that step, and every ``ParameterizedLayer`` also its captured `ã` and `g`.
/// Trainable layers inside composite layers (``Residual``, ``MultiHeadSelfAttention``, a
/// nested `Sequential`) count too. An optimizer reads them through ``trainableLayers``
/// (numbered `0 ..< trainableLayerCount` in network order, depth first) and writes parameters
/// back with ``setWeight(_:ofParameterizedLayer:)`` or ``apply(update:scaledBy:toParameterizedLayer:)``,
/// which take that numbering. For a model whose trainable layers are all parameterised
/// (every model without LayerNorm or position embeddings), ``parameterizedLayers`` is the same
/// list with the same numbering.
///
/// A `Sequential` is itself a ``CompositeLayer``, so a sub-chain can sit inside another layer
/// (the body of a ``Residual``).
public struct Sequential<Scalar: LinearAlgebraScalar>: CompositeLayer {
    /// The layers, input first. Set inside the module only to replace layers by layers of the
    /// same types (a loss scale passed to the storage wrappers), which keeps the map of trainable layers below valid.
    public internal(set) var layers: [any Layer<Scalar>]
    /// Where trainable layer `k` lives: `layers[layer]` itself (`inner == nil`) or that
    /// composite's trainable layer `inner`.
    private let slots: [(layer: Int, inner: Int?)]

    /// Chains `layers`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for no layers;
    ///   ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when a layer's
    ///   `outputSize` differs from the next layer's `inputSize`.
    public init(_ layers: [any Layer<Scalar>]) throws {
        guard !layers.isEmpty else {
            throw LinearAlgebraError.invalidArgument(operation: "Sequential", detail: "needs at least one layer")
        }
        for k in layers.indices.dropLast() where layers[k].outputSize != layers[k + 1].inputSize {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Sequential", expected: "layer \(k + 1) to take layer \(k)'s \(layers[k].outputSize) outputs",
                actual: "\(layers[k + 1].inputSize) inputs")
        }
        self.layers = layers
        slots = layers.indices.flatMap { index -> [(layer: Int, inner: Int?)] in
            if let composite = layers[index] as? any CompositeLayer<Scalar> {
                return composite.trainableLayers.indices.map { (index, $0) }
            }
            return layers[index] is any TrainableLayer<Scalar> ? [(index, nil)] : []
        }
    }

    /// Features per example the network takes.
    public var inputSize: Int { layers[0].inputSize }
    /// Features per example the network produces.
    public var outputSize: Int { layers[layers.count - 1].outputSize }
    /// The number of trainable layers: the range of `k` in ``setWeight(_:ofParameterizedLayer:)``.
    public var trainableLayerCount: Int { slots.count }
    /// The number of parameterised layers (those of the trainable layers that capture `ã` and `g`).
    public var parameterizedLayerCount: Int { parameterizedLayers.count }

    /// Every trainable layer in network order (depth first through composite layers), with its
    /// parameter gradient; the numbering of ``parameters`` and ``setWeight(_:ofParameterizedLayer:)``.
    public var trainableLayers: [any TrainableLayer<Scalar>] {
        slots.map { slot in
            guard let inner = slot.inner else { return layers[slot.layer] as! any TrainableLayer<Scalar> }
            return (layers[slot.layer] as! any CompositeLayer<Scalar>).trainableLayers[inner]
        }
    }

    /// The trainable layers that are parameterised layers, in network order, with their
    /// captured `ã`, `g`, `∇W̃`: what Kronecker-factored optimizers build blocks for.
    public var parameterizedLayers: [any ParameterizedLayer<Scalar>] {
        trainableLayers.compactMap { $0 as? any ParameterizedLayer<Scalar> }
    }

    /// Runs the network on `input` (`inputSize × batch`), capturing every layer's state.
    /// - Complexity: the sum of the layers' forward costs plus one finiteness pass over `input`.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a wrong
    ///   row count, ``/DenseLinearAlgebra/LinearAlgebraError/nonFiniteInput(operation:argument:)`` for NaN or ±∞ input.
    public mutating func forward(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try input.requireFinite("Sequential.forward", argument: "input")
        var x = input
        for k in layers.indices { x = try layers[k].forward(x) }
        return x
    }

    /// The network's output on `input` without touching this value's captured state
    /// (for evaluation).
    /// - Complexity: as ``forward(_:)``.
    /// - Throws: as ``forward(_:)``.
    public func predict(_ input: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var copy = self
        return try copy.forward(input)
    }

    /// Backpropagates `∂L/∂output` of the last ``forward(_:)`` through every layer and
    /// returns `∂L/∂input`.
    /// - Complexity: the sum of the layers' backward costs (about twice the forward flops).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` when the
    ///   gradient's shape is not that of the last forward output.
    @discardableResult
    public mutating func backward(_ outputGradient: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try backward(outputGradient, producing: .all)
    }

    /// Backpropagates `∂L/∂output` of the last ``forward(_:)`` through every layer, so each
    /// parameterised layer captures its `g`, computing only `products`: the parameter
    /// gradients with ``BackwardProducts/parameterGradients`` or either of its two parts (a layer
    /// left out keeps the gradient of the last pass that computed one), and the returned `∂L/∂input` with
    /// ``BackwardProducts/inputGradient`` (else the result may be an empty `inputSize × 0`
    /// matrix and the first layer skips that GEMM). A training step needs
    /// `.parameterGradients`; the Monte-Carlo Fisher's extra pass needs only the captured `g`, `[]`.
    /// - Complexity: the layers' backward costs without the GEMMs not asked for: a dense
    ///   layer's backward is two GEMMs, one for `∇W̃` and one for `∂L/∂a`.
    /// - Throws: as ``backward(_:)``.
    @discardableResult
    public mutating func backward(_ outputGradient: Matrix<Scalar>, producing products: BackwardProducts) throws
        -> Matrix<Scalar> {
        var g = outputGradient
        for k in layers.indices.reversed() {
            var layerProducts = products.intersection(.parameterGradients)
            if k > 0 || products.contains(.inputGradient) { layerProducts.insert(.inputGradient) }
            g = try layers[k].backward(g, producing: layerProducts)
        }
        return g
    }

    /// One training evaluation: forward on `input`, the mean `loss` against `target`,
    /// and backward, so every parameterised layer holds this batch's `ã`, `g`, `∇W̃`.
    /// - Returns: the mean loss over the batch and the network's output (kept for
    ///   accuracy and for sampling labels from the predictive distribution).
    /// - Complexity: one forward, one loss evaluation and one backward pass without the
    ///   gradient with respect to `input` (nobody reads it).
    /// - Parameters:
    ///   - input: the batch, one example per column.
    ///   - target: what `loss` compares the output with (one column per example).
    ///   - loss: the loss, averaged over the batch.
    ///   - gradients: the parameter gradients to form, all by default; without
    ///     ``BackwardProducts/parameterizedLayerGradients`` the parameterised layers keep only their
    ///     captured `g` and `ã` (their `∇W̃` is that of the last pass that formed one).
    /// - Throws: as ``forward(_:)``, ``Loss/valueAndGradient(output:target:)`` and ``backward(_:)``.
    @discardableResult
    public mutating func computeGradients(input: Matrix<Scalar>, target: Matrix<Scalar>, loss: some Loss<Scalar>,
                                          forming gradients: BackwardProducts = .parameterGradients) throws
        -> (loss: Scalar, output: Matrix<Scalar>) {
        let output = try forward(input)
        let (value, gradient) = try loss.valueAndGradient(output: output, target: target)
        try backward(gradient, producing: gradients.intersection(.parameterGradients))
        return (value, output)
    }

    /// Replaces the parameters of trainable layer `k` (numbered as in ``trainableLayers``).
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/invalidArgument(operation:detail:)`` for `k` out of range;
    ///   as ``TrainableLayer/setWeight(_:)``.
    public mutating func setWeight(_ weight: Matrix<Scalar>, ofParameterizedLayer k: Int) throws {
        try updateTrainableLayer(k) { try $0.setWeight(weight) }
    }

    /// `W_k ← W_k + α·U` for trainable layer `k` (numbered as in ``trainableLayers``).
    /// - Throws: as ``setWeight(_:ofParameterizedLayer:)``.
    public mutating func apply(update: Matrix<Scalar>, scaledBy alpha: Scalar, toParameterizedLayer k: Int) throws {
        try updateTrainableLayer(k) { try $0.apply(update: update, scaledBy: alpha) }
    }

    /// Every trainable layer's parameters in order: the model's state for a checkpoint
    /// (`[Matrix]` is `Codable`).
    public var parameters: [Matrix<Scalar>] { trainableLayers.map { $0.weight } }

    /// Restores weights saved from ``parameters``.
    /// - Throws: ``/DenseLinearAlgebra/LinearAlgebraError/dimensionMismatch(operation:expected:actual:)`` for a wrong
    ///   count or shape (nothing is changed then).
    public mutating func setParameters(_ parameters: [Matrix<Scalar>]) throws {
        guard parameters.count == trainableLayerCount else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Sequential.setParameters", expected: "\(trainableLayerCount) weight matrices",
                actual: "\(parameters.count)")
        }
        var updated = self
        for (k, weight) in parameters.enumerated() { try updated.setWeight(weight, ofParameterizedLayer: k) }
        self = updated
    }

    public mutating func updateTrainableLayer(
        _ k: Int, _ body: (inout any TrainableLayer<Scalar>) throws -> Void
    ) throws {
        guard slots.indices.contains(k) else {
            throw LinearAlgebraError.invalidArgument(
                operation: "Sequential", detail: "trainable layer \(k) is not in 0..<\(trainableLayerCount)")
        }
        let slot = slots[k]
        // The layer is moved out of the array (and back, also on a throw) so that its storage is
        // uniquely referenced while `body` runs: an in-place update then copies nothing.
        if let inner = slot.inner {
            var composite = layers.remove(at: slot.layer) as! any CompositeLayer<Scalar>
            defer { layers.insert(composite, at: slot.layer) }
            try composite.updateTrainableLayer(inner, body)
        } else {
            var layer = layers.remove(at: slot.layer) as! any TrainableLayer<Scalar>
            defer { layers.insert(layer, at: slot.layer) }
            try body(&layer)
        }
    }
}
