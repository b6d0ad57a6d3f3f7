import CurvatureOptimizers
import DenseLinearAlgebra
import Foundation
import Testing
@testable import KronkitTool

/// 60 examples of 16 "pixels" 0…255 and labels 0…2 (the class sets a bright block), as CSV text.
func pixelCSV(labelLast: Bool, extraLabel: Int? = nil) -> String {
    var generator = Xoshiro256StarStar(seed: 3)
    var lines: [String] = []
    for k in 0..<60 {
        let label = k % 3
        let pixels = (0..<16).map { i -> UInt64 in
            i / 6 == label ? 200 + generator.next(upperBound: UInt64(56)) : generator.next(upperBound: UInt64(40))
        }
        let fields = pixels.map(String.init)
        lines.append((labelLast ? fields + ["\(label)"] : ["\(label)"] + fields).joined(separator: ","))
    }
    if let extraLabel { lines.append(([String](repeating: "0", count: 16) + ["\(extraLabel)"]).joined(separator: ",")) }
    return lines.joined(separator: "\n") + "\n"
}

/// The runs a user makes with files nobody prepared: each load, warning and refusal.
@Suite("User data, warnings and checkpoint checks")
struct UserDataTests {
    /// Runs `arguments` expecting `status`; returns the result.
    func run(_ arguments: [String], status: Int32, _ note: Comment? = nil) -> ToolHarness.Result {
        let result = ToolHarness.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.errors)")
        return result
    }

    let small = ["--batch-size", "8", "--hidden", "8", "--eval-every", "2", "--steps", "4"]

    @Test("a label-last CSV: refused label-first with a hint, trained with --label-column last or its number")
    func labelLastCSV() throws {
        let folder = temporaryFolder()
        let plain = folder + "/digits.csv"
        try pixelCSV(labelLast: true).write(toFile: plain, atomically: true, encoding: .utf8)
        let refused = run(["train", "--data", "csv:\(plain)", "--label-column", "first", "-o", folder + "/a"] + small,
                          status: 1)
        #expect(refused.errors.contains("--label-column") && refused.errors.contains(plain), "\(refused.errors)")
        let detected = run(["train", "--data", "csv:\(plain)", "-o", folder + "/d"] + small, status: 0)
        #expect(detected.output.contains("Note: labels from the last column (17)"), "\(detected.output)")
        let trained = run(["train", "--data", "csv:\(plain)", "--label-column", "last", "-o", folder + "/b"] + small,
                          status: 0)
        #expect(trained.output.contains("sizes 16 → 8 → 3") && !trained.output.contains("Note:"), "\(trained.output)")
        func losses(_ output: String) throws -> [String] {
            try String(contentsOfFile: output + "/metrics.csv", encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false)[4...6].joined(separator: ",") }
        }
        #expect(try losses(folder + "/d") == losses(folder + "/b"), "the detected column trains as the given one")
        #expect(trained.errors.isEmpty, "no warning for 0…255 pixels under the default --normalize unit")
        let raw = run(["train", "--data", "csv:\(plain)", "--label-column", "17", "--normalize", "none",
                       "-o", folder + "/c"] + small, status: 0)
        #expect(raw.errors.contains("warning: features reach 25") && raw.errors.contains("--normalize"), "\(raw.errors)")
        #expect(run(["train", "--data", "csv:\(plain)", "--label-column", "0", "-o", folder] + small, status: 64)
            .errors.contains("label column '0'"))
        // A test file of one class, label last: detected alone its first column (pixels under 40)
        // would pass for labels; it is read with the training file's column.
        let oneClass = folder + "/one-class.csv"
        try pixelCSV(labelLast: true).split(separator: "\n").filter { $0.hasSuffix(",1") }.joined(separator: "\n")
            .write(toFile: oneClass, atomically: true, encoding: .utf8)
        let separate = run(["train", "--data", "csv:\(plain)", "--test-data", "csv:\(oneClass)", "-o", folder + "/t"] + small,
                           status: 0)
        #expect(separate.output.contains("sizes 16 → 8 → 3 ("), "\(separate.output)")
        // Class ids at both ends of the lines: the column is asked for, with the flag that gives it.
        let ambiguous = folder + "/ambiguous.csv"
        try "2,0.5,5\n0,0.25,3\n1,0.75,7\n".write(toFile: ambiguous, atomically: true, encoding: .utf8)
        #expect(run(["train", "--data", "csv:\(ambiguous)", "-o", folder + "/e"] + small, status: 1).errors
            .contains("first and its last column (3 and 8 classes), so its label column must be given (--label-column"))
        // One label that is no class id, the column left to detection: the error names it.
        var lines = pixelCSV(labelLast: true).split(separator: "\n").map(String.init)
        lines[4] = lines[4].split(separator: ",").dropLast().joined(separator: ",") + ",3.5"
        let stray = folder + "/stray-label.csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: stray, atomically: true, encoding: .utf8)
        let named = run(["train", "--data", "csv:\(stray)", "-o", folder + "/e"] + small, status: 1)
        #expect(named.errors.contains("line 5, column 17: label 3.5 is not a class id"), "\(named.errors)")
    }

    @Test("class counts: a stray label warns of empty classes, --classes refuses it, a huge label is refused")
    func classCounts() throws {
        let folder = temporaryFolder()
        let stray = folder + "/stray.csv", huge = folder + "/huge.csv"
        try pixelCSV(labelLast: true, extraLabel: 12).write(toFile: stray, atomically: true, encoding: .utf8)
        try pixelCSV(labelLast: true, extraLabel: 1_000_000_000).write(toFile: huge, atomically: true, encoding: .utf8)
        let base = ["train", "--label-column", "last", "--test-fraction", "0.1"] + small
        let warned = run(base + ["--data", "csv:\(stray)", "-o", folder + "/a"], status: 0)
        #expect(warned.errors.contains("warning: 9 of 13 classes have no training example (3, 4, 5"), "\(warned.errors)")
        let limited = run(base + ["--data", "csv:\(stray)", "--classes", "3", "-o", folder + "/b"], status: 1)
        #expect(limited.errors.contains(stray) && limited.errors.contains("label 12"), "\(limited.errors)")
        let refused = run(base + ["--data", "csv:\(huge)", "-o", folder + "/c"], status: 1)
        #expect(refused.errors.contains("more than 10000"), "\(refused.errors)")
        #expect(run(base + ["--classes", "1"], status: 64).errors.contains("--classes"))
    }

    @Test("int64 .npy labels train; a NaN feature names the file")
    func numPyFiles() throws {
        let folder = temporaryFolder()
        let features = folder + "/x.npy", labels = folder + "/y.npy"
        var generator = Xoshiro256StarStar(seed: 9)
        let x = try Matrix<Double>.randomGaussian(rows: 40, columns: 6, using: &generator)
        try x.writeNumPyFile(to: features)
        var header = "{'descr': '<i8', 'fortran_order': False, 'shape': (40,), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
        for k in 0..<40 { bytes += withUnsafeBytes(of: Int64(k % 4).littleEndian, Array.init) }
        try Data(bytes).write(to: URL(fileURLWithPath: labels))
        let trained = run(["train", "--data", "npy:\(features),\(labels)", "--precision", "float64", "-o", folder + "/a"]
            + small, status: 0)
        #expect(trained.output.contains("sizes 6 → 8 → 4"), "\(trained.output)")
        var bad = x
        bad[3, 2] = .nan
        try bad.writeNumPyFile(to: features)
        let refused = run(["train", "--data", "npy:\(features),\(labels)", "--precision", "float64", "-o", folder + "/b"]
            + small, status: 1)
        #expect(refused.errors.contains(features) && refused.errors.contains("example 4, feature 3 is nan"),
                "\(refused.errors)")
    }

    /// Rewrites the loop state of the SGD checkpoint at `path`.
    func editLoopState(_ path: String, _ edit: (inout LoopState) -> Void) throws {
        var checkpoint = try CheckpointFile.read(TrainingCheckpoint<StochasticGradientDescent<Float>>.self, from: path)
        var state = try LoopState(json: try #require(checkpoint.userInfo["loop"]))
        edit(&state)
        checkpoint.userInfo["loop"] = try state.json()
        try CheckpointFile.write(checkpoint, to: path)
    }

    @Test("hand-edited loop counters and changed hyper-parameters are refused on resume, naming the value or flag")
    func checkpointValidation() throws {
        let folder = temporaryFolder()
        let base = ["train", "--optimizer", "sgd", "-o", folder] + tinyRun
        #expect(run(base + ["--steps", "3"], status: 0).errors.isEmpty)
        let path = folder + "/checkpoint.npz"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let edits: [(String, (inout LoopState) -> Void)] = [
            ("batch index 999", { $0.batchIndex = 999 }),
            ("beyond this run's 6 steps", { $0.step = 1_000_000_000 }),
            ("does not match epoch", { $0.step = 2 }),
            ("negative", { $0.epoch = -1 }),
            ("beyond this run's 6 steps", { $0.epoch = Int.max }),
            ("metrics rows", { $0.metrics.reverse() }),
            ("recorded training losses", { $0.recentLosses = [.nan] }),
            ("elapsed time", { $0.elapsed = -1 }),
            ("rows near the target", { $0.approachRows = 99 }),
        ]
        for (words, edit) in edits {
            try original.write(to: URL(fileURLWithPath: path))
            try editLoopState(path, edit)
            let refused = run(base + ["--steps", "6", "--resume", path], status: 1)
            #expect(refused.errors.contains(words) && refused.errors.contains(path), "\(words): \(refused.errors)")
        }
        // A loop state that does not decode is named as such.
        try original.write(to: URL(fileURLWithPath: path))
        var checkpoint = try CheckpointFile.read(TrainingCheckpoint<StochasticGradientDescent<Float>>.self, from: path)
        checkpoint.userInfo["loop"] = "{\"epoch\": 1}"
        try CheckpointFile.write(checkpoint, to: path)
        let malformed = run(base + ["--steps", "6", "--resume", path], status: 1)
        #expect(malformed.errors.contains("training-loop state is malformed (no step)"), "\(malformed.errors)")
        try original.write(to: URL(fileURLWithPath: path))
        for (flag, value) in [("--learning-rate", "0.2"), ("--momentum", "0.5"), ("--normalize", "standard")] {
            let refused = run(base + ["--steps", "6", flag, value, "--resume", path], status: 1)
            #expect(refused.errors.contains("this run has \(flag) \(value)"), "\(refused.errors)")
        }
        let other = run(["train", "--optimizer", "kfac", "--steps", "6", "-o", folder, "--resume", path] + tinyRun,
                        status: 1)
        #expect(other.errors.contains("--optimizer sgd, this run has --optimizer kfac"), "\(other.errors)")
        let unread = run(base + ["--steps", "6", "--damping", "0.5", "--resume", path], status: 64)
        #expect(unread.errors.contains("--damping is not an option of sgd"), "an option SGD does not read is refused")
        let resumed = run(base + ["--steps", "6", "--resume", path], status: 0)
        #expect(resumed.output.contains("Resuming sgd at step 3"), "\(resumed.errors)")
    }

    @Test("a checkpoint path that is a directory is refused before training; nothing is lost")
    func checkpointDirectory() throws {
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/checkpoint.npz", withIntermediateDirectories: true)
        let refused = run(["train", "--optimizer", "sgd", "--steps", "2", "-o", folder] + tinyRun, status: 1)
        #expect(refused.errors.contains("checkpoint.npz is a directory"), "\(refused.errors)")
        #expect(!refused.output.contains("step 1/"), "no training before the refusal")
    }

    @Test("compare: a method that fails is reported in the table; the others' results are written")
    func compareWithFailure() throws {
        let folder = temporaryFolder()
        // SGD refuses momentum 1.5; Adam does not read momentum.
        let result = run(["compare", "--optimizers", "sgd,adam", "--momentum", "1.5", "--steps", "4", "-o", folder]
            + tinyRun, status: 0)
        #expect(result.output.contains("| sgd (failed) |") && result.output.contains("| adam |"), "\(result.output)")
        #expect(result.output.contains("- sgd failed:") && result.output.contains("momentum"))
        let csv = try String(contentsOfFile: folder + "/metrics.csv", encoding: .utf8)
        #expect(csv.contains("\nadam,4,") && !csv.contains("\nsgd,"))
        #expect(FileManager.default.fileExists(atPath: folder + "/report.svg"))
        let allFailed = run(["compare", "--optimizers", "sgd", "--momentum", "1.5", "--steps", "4",
                             "-o", folder + "/b"] + tinyRun, status: 1)
        #expect(allFailed.errors.contains("every method failed"))
    }

    @Test("steps to a target are exact to the step: rows at every step near it")
    func oneStepResolution() throws {
        let folder = temporaryFolder()
        let flags = ["--optimizer", "sgd", "--steps", "12", "--learning-rate", "0.5"] + tinyRun.filter { $0 != "2" && $0 != "--eval-every" }
        #expect(run(["train", "--eval-every", "1", "-o", folder + "/every"] + flags, status: 0).errors.isEmpty)
        let csv = try String(contentsOfFile: folder + "/every/metrics.csv", encoding: .utf8)
        let losses = csv.split(separator: "\n").dropFirst()
            .map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[5])! }
        // A step s ≥ 3 whose test loss is a new minimum and within the approach margin of step s − 1's.
        func qualifies(_ s: Int) -> Bool {
            let isNewMinimum = losses[s] < losses[..<s].min()!
            return isNewMinimum && losses[s - 1] <= losses[s] * (1 + RunRecord.approachMargin)
        }
        let s = try #require((3..<losses.count).first(where: qualifies))
        let compare = ["compare", "--optimizers", "sgd", "--learning-rate", "0.5", "--steps", "12",
                       "--target-loss", "\(losses[s])", "--eval-every", "\(s - 1)", "-o", folder + "/compare"]
            + tinyRun.filter { $0 != "2" && $0 != "--eval-every" }
        let result = run(compare, status: 0)
        #expect(result.output.contains("| sgd |") && result.output.contains("| \(s) |"), "step \(s): \(result.output)")
        #expect(result.output.contains("resolution of one step"))
    }

    @Test("train_loss at a step does not depend on --eval-every")
    func trainLossWindow() throws {
        let folder = temporaryFolder()
        let flags = ["train", "--optimizer", "sgd", "--steps", "6"] + tinyRun.filter { $0 != "2" && $0 != "--eval-every" }
        func trainLoss(every: Int) throws -> [Int: String] {
            let output = folder + "/\(every)"
            #expect(run(flags + ["--eval-every", "\(every)", "-o", output], status: 0).errors.isEmpty)
            let rows = try String(contentsOfFile: output + "/metrics.csv", encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            return Dictionary(uniqueKeysWithValues: rows.map { (Int($0[1])!, String($0[4])) })
        }
        let (one, three) = (try trainLoss(every: 1), try trainLoss(every: 3))
        #expect(three.keys.sorted() == [0, 3, 6])
        for step in [3, 6] { #expect(one[step] == three[step] && one[step]?.isEmpty == false, "step \(step)") }
    }

    @Test("messages: negative values parse as values, unknown choices list the valid ones, help defaults read well")
    func messages() throws {
        let folder = temporaryFolder()
        let negative = run(["train", "--learning-rate", "-1", "-o", folder] + tinyRun, status: 64)
        #expect(negative.errors.contains("learning rate '-1' is not a positive number"), "\(negative.errors)")
        #expect(run(["train", "--damping", "-1", "-o", folder] + tinyRun, status: 1).errors.contains("damping"))
        let optimizer = run(["train", "--optimizer", "foo"], status: 64)
        #expect(optimizer.errors.contains("'foo'") && optimizer.errors.contains("kfac-inverse, tkfac"), "\(optimizer.errors)")
        #expect(optimizer.errors.split(separator: "\n").count == 1)
        let structures = run(["train", "--structures", "dense,foo"], status: 64)
        #expect(structures.errors.contains("unknown structure 'foo'") && structures.errors.contains("hierarchical"))
        let help = run(["train", "--help"], status: 0)
        #expect(help.output.contains("default: dense,dense") && !help.output.contains("SINGDStructures("), "\(help.output)")
        #expect(run(["train", "--normalize", "max"], status: 64).errors.contains("none, unit, standard"))
    }

    @Test("a loss growing past 10× its start draws one warning; the run goes on")
    func divergenceWarning() throws {
        let folder = temporaryFolder()
        let result = run(["train", "--optimizer", "sgd", "--learning-rate", "20", "--steps", "6", "-o", folder] + tinyRun,
                         status: 0)
        let warnings = result.errors.split(separator: "\n").filter { $0.contains("may be diverging") }
        #expect(warnings.count == 1, "\(result.errors)")
    }
}

@Suite("A run that fails during training keeps its results")
struct FailedRunTests {
    @Test("an unwritable periodic checkpoint stops the run; metrics.csv and report.svg are still written")
    func checkpointWriteFailure() throws {
        let folder = temporaryFolder()
        // A read-only sub-folder named as the checkpoint's temporary file blocks the write at step 2.
        let result = ToolHarness.run(["train", "--optimizer", "sgd", "--steps", "4", "--checkpoint-every", "2",
                                      "-o", folder] + tinyRun, stop: { step in
            if step == 1 {
                try? FileManager.default.createDirectory(
                    atPath: folder + "/checkpoint.npz.partial-\(ProcessInfo.processInfo.processIdentifier)",
                    withIntermediateDirectories: true)
            }
            return false
        })
        #expect(result.status == 1, "\(result.errors)")
        #expect(result.errors.contains("sgd stopped after 2 steps") && result.errors.contains("checkpoint.npz"),
                "\(result.errors)")
        let csv = try String(contentsOfFile: folder + "/metrics.csv", encoding: .utf8)
        #expect(csv.contains("\nsgd,2,"), "the rows up to the failure are kept")
        #expect(FileManager.default.fileExists(atPath: folder + "/report.svg"))
    }
}
