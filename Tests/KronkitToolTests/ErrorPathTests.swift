import CurvatureOptimizers
import Foundation
import Testing
@testable import KronkitTool

/// Every failure must print exactly one `error: …` line and exit non-zero.
@Suite("Error paths")
struct ErrorPathTests {
    /// Runs `arguments` and checks the one-line error contract; returns the line.
    func failure(_ arguments: [String], status expected: Int32) -> String {
        let result = ToolHarness.run(arguments)
        #expect(result.status == expected, "\(arguments): \(result.errors)")
        let lines = result.errors.split(separator: "\n")
        #expect(lines.count == 1, "expected one error line, got: \(result.errors)")
        #expect(result.errors.hasPrefix("error: "))
        return result.errors
    }

    @Test("bad flags are usage errors (status 64)")
    func badFlags() {
        #expect(failure(["train", "--bogus"], status: 64).contains("--bogus"))
        #expect(failure(["train", "--optimizer", "newton"], status: 64).contains("newton"))
        #expect(failure(["train", "--batch-size", "0"], status: 64).contains("--batch-size"))
        #expect(failure(["train", "--epochs", "two"], status: 64).contains("two"))
        #expect(failure(["train", "--hidden", "64,,32"], status: 64).contains("layer width '' is not a positive integer"))
        // Flags the chosen model or data would not read are refused, as method options are.
        #expect(failure(["train", "--model", "cnn", "--hidden", "32"], status: 64)
            .contains("--hidden sets the MLP's widths; --model cnn does not read it"))
        #expect(failure(["train", "--heads", "2"], status: 64).contains("--heads shapes --model vit; --model mlp does not read it"))
        #expect(failure(["train", "--data", "csv:x.csv", "--train-count", "10"], status: 64)
            .contains("--train-count sizes the built-in data"))
        #expect(failure(["train", "--test-fraction", "0.3"], status: 64).contains("the built-in data has --test-count"))
        #expect(failure(["train", "--csv-header"], status: 64).contains("--csv-header describes CSV files; --data builtin is not one"))
        #expect(failure(["compare", "--optimizers", "sgd,lbfgs"], status: 64).contains("lbfgs"))
        #expect(failure(["compare", "--target", "1.5"], status: 64).contains("--target"))
        #expect(failure(["compare", "--target", "0.9", "--target-loss", "0.1"], status: 64).contains("contradict"))
        #expect(failure(["compare", "--model", "autoencoder", "--target", "0.9"], status: 64)
            .contains("--model autoencoder has none, give --target-loss"))
        #expect(failure(["train", "--data", "mnist"], status: 64).contains("mnist"))
        #expect(failure(["train", "--learning-rate", "fast"], status: 64).contains("fast"))
        #expect(failure(["train", "--schedule", "linear"], status: 64).contains("linear"))
        #expect(failure(["train", "--schedule", "cosine:2"], status: 64).contains("cosine floor '2' is not a number in [0, 1]"))
        #expect(failure(["train", "--test-fraction", "1"], status: 64).contains("--test-fraction"))
        #expect(failure(["train", "--checkpoint-every", "0"], status: 64).contains("--checkpoint-every"))
        #expect(failure(["frobnicate"], status: 64).contains("frobnicate"))
    }

    @Test("a missing data file names the file")
    func missingFile() {
        let output = temporaryFolder()
        let message = failure(["train", "--data", "csv:/nonexistent/train.csv", "-o", output], status: 1)
        #expect(message.contains("/nonexistent/train.csv"))
        #expect(failure(["train", "--data", "idx:/nonexistent/i.idx,/nonexistent/l.idx", "-o", output], status: 1)
            .contains("/nonexistent/i.idx"))
    }

    @Test("a malformed CSV file names the line and column")
    func malformedCSV() throws {
        let folder = temporaryFolder()
        let path = folder + "/bad.csv"
        try "0,0.5,0.25\n1,x,0.75\n".write(toFile: path, atomically: true, encoding: .utf8)
        let message = failure(["train", "--data", "csv:\(path)", "-o", folder + "/out"], status: 1)
        #expect(message.contains("line 2") && message.contains("'x'"))
    }

    @Test("data that do not fit the model or the batch")
    func incompatibleData() throws {
        let folder = temporaryFolder()
        let path = folder + "/wide.csv"
        let lines = (0..<20).map { i in "\(i % 2)," + (0..<5).map { "\(Double($0 + i) / 10)" }.joined(separator: ",") }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(failure(["train", "--model", "cnn", "--data", "csv:\(path)", "-o", folder + "/a"], status: 1)
            .contains("square"))
        #expect(failure(["train", "--data", "csv:\(path)", "--batch-size", "64", "-o", folder + "/b"], status: 1)
            .contains("batch of 64"))
        #expect(failure(["train", "--data", "csv:\(path)", "--test-fraction", "0.01", "-o", folder + "/c"], status: 1)
            .contains("test"))
    }

    @Test("an unwritable output folder is reported before training")
    func unwritableOutput() throws {
        let folder = temporaryFolder()
        let file = folder + "/plain-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(failure(["train", "-o", file + "/sub"] + tinyRun, status: 1).contains("cannot write to output folder"))
        #expect(failure(["compare", "-o", file] + tinyRun, status: 1).contains("it is a file"))
    }

    @Test("resume from a missing, foreign or mismatched checkpoint")
    func badResume() throws {
        let folder = temporaryFolder()
        #expect(failure(["train", "--resume", folder + "/none.json", "-o", folder] + tinyRun, status: 1)
            .contains("none.json"))
        let junk = folder + "/junk.json"
        try "{\"hello\": 1}".write(toFile: junk, atomically: true, encoding: .utf8)
        #expect(failure(["train", "--resume", junk, "-o", folder] + tinyRun, status: 1).contains("junk.json"))
        let run = ["train", "--optimizer", "sgd", "--steps", "2", "-o", folder] + tinyRun
        #expect(ToolHarness.run(run).status == 0)
        let checkpoint = folder + "/checkpoint.npz"
        #expect(failure(run + ["--seed", "5", "--resume", checkpoint], status: 1).contains("seed"))
        #expect(failure(run + ["--precision", "float64", "--resume", checkpoint], status: 1).contains("--precision"))
        #expect(failure(["train", "--optimizer", "kfac", "--steps", "2", "-o", folder, "--resume", checkpoint] + tinyRun,
                        status: 1).contains("checkpoint"))
    }

    @Test("invalid optimizer options are reported as such")
    func invalidOptimizerOptions() {
        let folder = temporaryFolder()
        #expect(failure(["train", "--damping=-1", "-o", folder] + tinyRun, status: 1)
            .contains("--damping must be > 0, got -1.0"))
        #expect(failure(["train", "--optimizer", "sgd", "--momentum", "1.5", "-o", folder] + tinyRun, status: 1)
            .contains("--momentum must be in [0, 1), got 1.5"))
        // The library's own words for the same error.
        #expect("\(OptimizerError.optionOutOfRange(option: .damping, value: "-1.0", validRange: "> 0"))"
            == "damping λ must be > 0, got -1.0")
    }

    @Test("a model too large for one allocation suggests a smaller run, not a library call")
    func tooLarge() {
        // K-FAC's input factor of the output layer is 70 001² Float entries, 19.6 GB > 16 GiB (the
        // narrow first layer keeps the weights at 1.3 million).
        let message = failure(["train", "--optimizer", "kfac", "-o", temporaryFolder()] + tinyData
                                  + ["--hidden", "8,70000"], status: 1)
        #expect(message.contains("over the allocation limit") && message.contains("a smaller model (--hidden"), "\(message)")
        #expect(!message.contains("SizePolicy"), "\(message)")
    }

    @Test("a diverging run says so and exits non-zero")
    func divergence() {
        let folder = temporaryFolder()
        let message = failure(["train", "--optimizer", "sgd", "--learning-rate", "1e30", "--steps", "6", "-o", folder]
            + tinyRun, status: 1)
        #expect(message.contains("diverged"))
        #expect(FileManager.default.fileExists(atPath: folder + "/metrics.csv"))
    }
}
