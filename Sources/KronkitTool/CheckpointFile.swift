import CurvatureOptimizers
import Foundation

/// Reading and writing the tool's checkpoints, and reading a checkpoint's run identity
/// (the flags that fixed its trajectory) before its whole state, so that a resume with
/// other flags is refused by name rather than by a decoding error.
enum CheckpointFile {
    /// The identity stored by ``write(_:to:)`` (the checkpoint's `userInfo` without the loop state).
    /// - Throws: ``OptimizerError/malformedCheckpoint(path:reason:)`` for a missing or unreadable
    ///   file or one that is no kronkit checkpoint.
    static func identity(at path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OptimizerError.malformedCheckpoint(path: path, reason: "cannot be read (missing or not readable)")
        }
        guard let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else {
            throw OptimizerError.malformedCheckpoint(path: path, reason: "is not a kronkit checkpoint")
        }
        var identity = manifest.userInfo
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

    /// The part of a checkpoint read before its state.
    private struct Manifest: Decodable {
        var userInfo: [String: String]
    }
}
