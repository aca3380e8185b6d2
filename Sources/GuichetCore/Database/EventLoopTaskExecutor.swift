// SPDX-License-Identifier: MPL-2.0
import NIOCore

/// Runs a task on one NIO event loop: on PostgreSQL, a write transaction's body runs on the event loop of the connection
/// it holds.
///
/// Each statement is sent by that event loop and answered on it. From Swift's shared threads, every statement crossed to
/// the event loop and its answer crossed back, two thread wake-ups per statement (a profile of submissions on PostgreSQL
/// showed a quarter of the server's time in the kernel, switching threads). On the connection's event loop the statement
/// and the task that resumes after it are items in one thread's queue. A/B on a durable PostgreSQL, submissions at 64
/// connections: 362–434 → 442–470/s. Handling whole requests on the event loops as well measured no better (the
/// wake-ups left are PostgreSQL's, one per statement) and was not kept.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
