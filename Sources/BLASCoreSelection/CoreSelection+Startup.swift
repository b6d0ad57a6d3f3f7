import DenseLinearAlgebra
import Foundation

extension CoreSelection {
    /// Carries out the start-up selection: call it first thing in an executable's `main`,
    /// before any BLAS call. It may replace the process (`execv` of `/proc/self/exe` with the
    /// same arguments and a changed environment) and returns when the process is to run on.
    ///
    /// Prints one line on standard error, prefixed with `program`, when an auto-selected core
    /// fails its self-check or a re-execution is impossible; otherwise nothing.
    /// - Complexity: reading `/proc/cpuinfo`; in a re-executed process the self-check (about
    ///   13 ms) and at most one more re-execution.
    public static func applyAtStartup(program: String) {
        let facts = Facts.current
        var action = action(for: facts)
        if case .verify(let core, let original) = action {
            let check = BLASConfiguration.selfCheck()
            action = self.action(afterSelfCheckOf: core, replacing: original, passed: check.passed)
            if !check.passed {
                warn("\(program): warning: OpenBLAS's \(core) kernels failed the start-up self-check "
                     + "(\(check)); running OpenBLAS's own choice, \(original)")
            }
        }
        guard let changes = action.environmentChanges else { return }
        reexecute(with: changes, program: program, runningCore: facts.runningCore)
    }

    /// Replaces the process by `/proc/self/exe` with the same arguments and `changes` applied to
    /// the environment; on failure restores the environment, warns, and returns.
    private static func reexecute(with changes: [String: String?], program: String, runningCore: String) {
        let saved = changes.keys.map { ($0, ProcessInfo.processInfo.environment[$0]) }
        for (name, value) in changes { set(name, value) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        let reason = String(cString: strerror(errno))
        for (name, value) in saved { set(name, value) }
        warn("\(program): warning: could not re-execute to select OpenBLAS's kernels (\(reason)); "
             + "running \(runningCore)")
    }

    /// Sets or (for `nil`) unsets an environment variable.
    private static func set(_ name: String, _ value: String?) {
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }

    /// One line on standard error.
    private static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
