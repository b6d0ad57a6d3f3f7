import Foundation
import Synchronization

/// Set by SIGINT (Ctrl-C) so that the training loop can stop at the next step
/// boundary, write a checkpoint and say how to resume. A second Ctrl-C exits at once.
enum InterruptFlag {
    /// Whether Ctrl-C was pressed since ``install()``.
    static let raised = Atomic<Bool>(false)

    /// Installs the SIGINT handler (an atomic exchange: async-signal-safe).
    static func install() {
        signal(SIGINT) { _ in
            if InterruptFlag.raised.exchange(true, ordering: .relaxed) { _exit(130) }
        }
    }

    /// Whether Ctrl-C was pressed.
    static var isRaised: Bool { raised.load(ordering: .relaxed) }
}
