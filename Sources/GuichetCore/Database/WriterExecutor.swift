// SPDX-License-Identifier: MPL-2.0
import Dispatch
import NIOPosix

/// Runs the write queue's task on the writer's own SQLite thread, the thread that also runs the writer's statements.
///
/// A statement is a call to that thread, and the writer's task resumes when the statement is done. On Swift's shared
/// threads the resumed task queued behind every request being handled, and each writer waits for the one before it, so
/// every statement of a batch paid that wait (on two busy cores, most of a submission's time in the queue). Here the
/// statement and the task that resumes after it are two items in one thread's queue: no wake-up, no other work between.
final class WriterExecutor: TaskExecutor {
    let pool: NIOThreadPool

    init(pool: NIOThreadPool) {
        self.pool = pool
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        pool.submit { state in
            guard case .active = state else {
                // The pool has stopped (the server is shutting down): the task still ends, on the shared threads.
                DispatchQueue.global().async { job.runSynchronously(on: executor) }
                return
            }
            job.runSynchronously(on: executor)
        }
    }
}
