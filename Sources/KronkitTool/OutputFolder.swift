import Foundation

/// The folder a run writes `metrics.csv`, `report.svg` and `checkpoint.npz` into.
struct OutputFolder: Sendable {
    let path: String
    /// `false` on the processes of a data-parallel run other than rank 0: they write nothing (rank 0
    /// writes the run's files), and their writes return the path only.
    let writes: Bool

    /// Creates the folder if needed and checks that a file can be written in it, so that a
    /// bad `--output` fails before training rather than after.
    /// - Parameter writes: `false` for a process that writes nothing (no folder is created or checked).
    /// - Throws: ``ToolError/unwritableOutput(path:reason:)``.
    init(path: String, writes: Bool = true) throws {
        self.path = path
        self.writes = writes
        guard writes else { return }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ToolError.unwritableOutput(path: path, reason: "it is a file") }
        } else {
            do {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw ToolError.unwritableOutput(path: path, reason: "it cannot be created (\(Self.reason(error)))")
            }
        }
        let probe = file(".kronkit-write-test")
        guard manager.createFile(atPath: probe, contents: Data()) else {
            throw ToolError.unwritableOutput(path: path, reason: "files cannot be created in it")
        }
        try? manager.removeItem(atPath: probe)
    }

    /// Checks, before a run starts, that each of `names` can be written in the folder: not a
    /// directory, and writable if it exists (an existing file is left as it is: it may be the
    /// checkpoint being resumed).
    /// - Throws: ``ToolError/unwritableOutput(path:reason:)`` naming the file.
    func requireWritable(_ names: [String]) throws {
        for name in names where writes {
            let target = file(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                throw ToolError.unwritableOutput(path: path, reason: "\(name) is a directory; remove it or choose "
                    + "another --output")
            }
            if !FileManager.default.isWritableFile(atPath: target) {
                throw ToolError.unwritableOutput(path: path, reason: "\(name) exists and is not writable")
            }
        }
    }

    /// The path of `name` inside the folder.
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `text` to `name` atomically.
    /// - Throws: ``ToolError/unwritableOutput(path:reason:)``.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        let target = file(name)
        guard writes else { return target }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            throw ToolError.unwritableOutput(path: path, reason: "\(name) cannot be written (\(Self.reason(error)))")
        }
        return target
    }

    /// The underlying POSIX reason of a Foundation file error when there is one.
    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let message = strerror(Int32(underlying.code)) {
            return String(cString: message)
        }
        return nsError.localizedDescription
    }
}
