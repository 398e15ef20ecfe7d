import Foundation

// Test helpers the test targets share (SluiceSQLTests, SluiceShellTests).

/// Runs `body` on a thread with an 8 MB stack, the size of a main thread's, and returns what
/// it returns: deep recursion is tested against that stack, not against whatever stack the
/// test runner's threads happen to have.
public func onMainThreadSizedStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let box = ThreadResult<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    done.wait()
    return box.value!
}

/// What the thread of `onMainThreadSizedStack` returns: written before the semaphore is
/// signalled, read after it is waited for.
private final class ThreadResult<T>: @unchecked Sendable {
    var value: T?
}
