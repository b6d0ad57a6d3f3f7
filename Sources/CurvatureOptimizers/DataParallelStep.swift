import DenseLinearAlgebra
import Distributed
import NeuralNetworks

/// The data-parallel parts of an optimizer step, called from the hooks in
/// ``KroneckerFactoredOptimizer/step(_:input:target:loss:communicator:)`` and
/// ``FirstOrderOptimizer``'s step only when the communicator has more than one process (so one
/// process runs the single-process code unchanged). Every process passes its equal, contiguous
/// slice of the global batch (`B = P·b` examples, rank order); after each function every process
/// holds the same values, equal to one process's on the whole batch up to summation order.
///
/// Communication per step (`Notes/Distributed.md` has the formulas and tables):
/// - every step: one all-reduce of all gradients (`Σ d_out·d_in` numbers) and the loss; for the
///   K-FAC family also an all-gather of the batch gradient's factors `g`, `a` (`(d_out + d_in)·b`
///   per process) of each layer whose block prefers the rank-`B` form (small global batches);
/// - factor steps: an all-gather of each layer's capture (`(d_in + passes·d_out)·b` per process),
///   and of the outputs for the Monte-Carlo labels (`classes·b`);
/// - refresh steps: each block refreshed by one process (``WorkAssignment``, cost `d_in³ + d_out³`)
///   and what the refresh changed broadcast (``BlockStateExchange``).
enum DataParallelStep {
    /// The global batch's mean gradients, one per layer (in one all-reduce), and `loss` replaced by
    /// the global batch's mean loss.
    /// - Complexity: one all-reduce of `Σ d_out·d_in + 1` numbers.
    /// - Throws: ``/Distributed/CommunicationError`` when the all-reduce fails.
    static func averageGradients<Scalar: LinearAlgebraScalar>(_ gradients: [Matrix<Scalar>], loss: inout Scalar,
                                                              communicator: any Communicator) throws -> [Matrix<Scalar>] {
        var packed = try Matrix<Scalar>(column: gradients.flatMap(\.elements) + [loss])
        try communicator.allReduceSum(&packed)
        packed.scale(by: 1 / Scalar(communicator.size))
        var offset = 0
        let averaged = try gradients.map { gradient in
            defer { offset += gradient.elements.count }
            return try Matrix(rows: gradient.rows, columns: gradient.columns,
                              columnMajor: Array(packed.elements[offset..<offset + gradient.elements.count]))
        }
        loss = packed.elements[offset]
        return averaged
    }

    /// The K-FAC family's gradients made global: each weight gradient averaged (with the loss). Where
    /// the block prefers the rank-`B` form for the global batch (`Block.prefersFactoredForm`), its
    /// factors `∇W = g·aᵀ` are gathered, `g` scaled by `1/P` so that `[g₀…g_{P−1}]/P·[a₀…a_{P−1}]ᵀ` is
    /// the averaged gradient (each `g_p` carries the `1/b` of its slice's mean loss). Elsewhere they
    /// become empty: a slice's own factors do not multiply to the averaged gradient, and every block
    /// checks the factors' shapes against the gradient before it uses them, so it then preconditions
    /// the dense averaged gradient, as one process would.
    /// - Throws: ``/Distributed/CommunicationError`` when a collective fails.
    static func synchronize<Block: CurvatureBlock>(_ gradients: inout [LayerGradient<Block.Scalar>], loss: inout Block.Scalar,
                                                   block _: Block.Type, communicator: any Communicator) throws {
        let averaged = try averageGradients(gradients.map { try $0.formedWeight() }, loss: &loss, communicator: communicator)
        for index in gradients.indices {
            let weight = averaged[index]
            gradients[index].weight = weight
            guard let (outputGradients, inputs) = gradients[index].factors else { continue }
            if Block.prefersFactoredForm(outputs: weight.rows, inputs: weight.columns,
                                         columns: inputs.columns * communicator.size) {
                gradients[index].factors = (try globalGradients(outputGradients, communicator),
                                            try communicator.allGatherColumns(inputs))
            } else {
                gradients[index].factors = (Matrix(), Matrix())
            }
        }
    }

    /// The whole batch's capture: inputs and every pass of output gradients gathered in rank order
    /// (example-major columns, as one process would capture them), `g` rescaled from its slice's `1/b`
    /// to the batch's `1/B`, and the batch size `B = P·b`.
    /// - Throws: ``/Distributed/CommunicationError`` when a collective fails.
    static func globalCapture<Scalar: LinearAlgebraScalar>(_ capture: LayerCapture<Scalar>,
                                                           communicator: any Communicator) throws -> LayerCapture<Scalar> {
        try LayerCapture(inputs: communicator.allGatherColumns(capture.inputs),
                         outputGradientPasses: capture.outputGradientPasses.map { try globalGradients($0, communicator) },
                         batchSize: capture.batchSize * communicator.size, sharedDimension: capture.sharedDimension)
    }

    /// This slice's part of the targets one process would sample for the whole batch: the outputs
    /// are gathered, sampled with the optimizer's generator (the same state on every process, so the
    /// same draws), and this process's columns kept.
    /// - Complexity: one all-gather of `classes·b` numbers per process.
    /// - Throws: ``/Distributed/CommunicationError`` when the all-gather fails; the loss's sampling errors.
    static func sampledTargets<L: Loss>(_ loss: L, output: Matrix<L.Scalar>, using generator: inout Xoshiro256StarStar,
                                        communicator: any Communicator) throws -> Matrix<L.Scalar> {
        let sampled = try loss.sampleTargets(output: communicator.allGatherColumns(output), using: &generator)
        let width = sampled.columns / communicator.size
        return try sampled.columns(communicator.rank * width ..< (communicator.rank + 1) * width)
    }

    /// Each block refreshed by the process the cost-greedy ``WorkAssignment`` gives it (cost
    /// `d_in³ + d_out³`, the decompositions' order of growth), then broadcast from there. A refresh
    /// that fails on one process fails on all: the failing process throws its error, the others
    /// ``/Distributed/CommunicationError/failedElsewhere(operation:ranks:)``.
    /// - Throws: as above, and ``/Distributed/CommunicationError`` when a collective fails.
    /// `layers[i]` is block `i`'s trainable layer, the index into `shapes` and `timings` (a model with
    /// diagonal-block layers, such as a transformer's LayerNorms, has fewer blocks than shapes).
    static func refreshed<Block: CurvatureBlock>(_ blocks: [Block], layers: [Int], shapes: ParameterShapes,
                                                 timings: inout [PhaseTimings],
                                                 communicator: any Communicator) throws -> [Block] {
        let costs = layers.map { layer in
            shapes.shapes[layer].reduce(0.0) { $0 + Double($1) * Double($1) * Double($1) }
        }
        let assignment = try WorkAssignment(costs: costs, workers: communicator.size)
        var refreshed = blocks
        var failure: (any Error)?
        for index in assignment.jobs(of: communicator.rank) {
            do {
                timings[layers[index]].inversion += try PhaseTimings.seconds { try refreshed[index].refreshInverse() }
            } catch {
                failure = error
                break
            }
        }
        let failedRanks = try communicator.ranksReporting(failure != nil)
        if let failure { throw failure }
        if !failedRanks.isEmpty {
            throw CommunicationError.failedElsewhere(operation: "refreshing the curvature blocks", ranks: failedRanks)
        }
        for index in blocks.indices {
            refreshed[index] = try BlockStateExchange.broadcast(refreshed[index], previous: blocks[index],
                                                                from: assignment.owners[index], communicator: communicator)
        }
        return refreshed
    }

    /// Output gradients `g_p` (scaled `1/b`) of every process side by side, scaled by `1/P`.
    private static func globalGradients<Scalar: LinearAlgebraScalar>(_ gradients: Matrix<Scalar>,
                                                                     _ communicator: any Communicator) throws -> Matrix<Scalar> {
        var gathered = try communicator.allGatherColumns(gradients)
        gathered.scale(by: 1 / Scalar(communicator.size))
        return gathered
    }
}
