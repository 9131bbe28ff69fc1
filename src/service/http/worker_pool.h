// WorkerPool: a fixed set of threads running handler tasks from a bounded
// queue, so CPU work (retrieval, answers, JSON) stays off the I/O threads and
// overload turns into quick 503s instead of unbounded memory.
//
// Thread-safety: safe for concurrent use. The destructor (or Stop()) runs the
// tasks already queued, then joins the threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ohlcv {

class WorkerPool {
 public:
  // threads: 0 = hardware concurrency, at least 2. max_queued: tasks waiting
  // beyond the running ones; REQUIRES: > 0.
  WorkerPool(size_t threads, size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a task; false (task dropped) when the queue is full or stopped.
  bool TryPost(std::function<void()> task);
  // Tasks queued or running.
  size_t pending() const;
  size_t threads() const { return threads_.size(); }
  void Stop();

 private:
  void Loop();

  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  size_t running_ = 0;                       // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace ohlcv
