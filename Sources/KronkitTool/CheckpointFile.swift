import CurvatureOptimizers
import Foundation

/// Reading and writing the tool's checkpoints, and reading a checkpoint's run identity
/// (the flags that fixed its trajectory) before its whole state, so that a resume with
/// other flags is refused by name rather than by a decoding error.
enum CheckpointFile {
    /// The checkpoint's file name in the output folder: a zip of `.npy` files and a JSON
    /// manifest (``TrainingCheckpoint``), which `np.load` opens.
    static var fileName: String { "checkpoint.npz" }

    /// The identity stored by ``write(_:to:)`` (the checkpoint's `userInfo` without the loop state).
    /// - Throws: ``OptimizerError/malformedCheckpoint(path:reason:)`` for a missing or unreadable
    ///   file or one that is no kronkit checkpoint.
    static func identity(at path: String) throws -> [String: String] {
        var identity = try TrainingCheckpoint<StochasticGradientDescent<Float>>.userInfo(at: path)
        identity["loop"] = nil
        return identity
    }

    /// Reads a checkpoint of optimizer type `O`.
    /// - Throws: as ``TrainingCheckpoint/read(from:)``.
    static func read<O: Optimizer>(_: TrainingCheckpoint<O>.Type, from path: String) throws -> TrainingCheckpoint<O> {
        try TrainingCheckpoint<O>.read(from: path)
    }

    /// Writes `checkpoint` to `path` atomically.
    /// - Throws: as ``TrainingCheckpoint/write(to:)``.
    static func write<O: Optimizer>(_ checkpoint: TrainingCheckpoint<O>, to path: String) throws {
        try checkpoint.write(to: path)
    }
}
