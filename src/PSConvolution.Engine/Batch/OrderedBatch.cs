using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace PSConvolution.Engine.Batch;

/// <summary>
/// Runs jobs on worker threads as they are added and hands them back, done, in the order they were added. The
/// caller (a pipeline thread) adds jobs and takes finished ones; workers never call back into it. Work starts
/// with the first job, and <see cref="Pending"/> tells how many are held, so a caller that waits whenever it
/// reaches its bound keeps memory flat however many jobs pass through.
/// </summary>
/// <typeparam name="TJob">A job, which carries its own result.</typeparam>
public sealed class OrderedBatch<TJob> : IDisposable
    where TJob : class
{
    private readonly BlockingCollection<Entry> work = new();
    private readonly Queue<Entry> order = new();
    private readonly SemaphoreSlim finished = new(0);
    private readonly CancellationTokenSource cancellation;
    private readonly Action<TJob, CancellationToken> run;
    private readonly Action<TJob>? abandon;
    private readonly List<Task> workers = new();
    private readonly int maxWorkers;
    private int running;
    private bool disposed;

    /// <summary>Creates a batch.</summary>
    /// <param name="maxWorkers">Most jobs run at once; workers start as jobs arrive.</param>
    /// <param name="run">Does one job on a worker thread; an exception it throws is the job's failure.</param>
    /// <param name="cancellationToken">Stops the work: jobs not started are not run.</param>
    /// <param name="abandon">
    /// Called by <see cref="Dispose"/>, once the workers have stopped, for every job added and never taken back, done or
    /// not, so whatever a done job holds for its caller (a file not yet put in place) is released.
    /// </param>
    public OrderedBatch(int maxWorkers, Action<TJob, CancellationToken> run, CancellationToken cancellationToken, Action<TJob>? abandon = null)
    {
        if (maxWorkers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxWorkers), maxWorkers, "At least one worker.");
        }

        this.maxWorkers = maxWorkers;
        this.run = run ?? throw new ArgumentNullException(nameof(run));
        this.abandon = abandon;
        cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Jobs added and not yet taken back.</summary>
    public int Pending => order.Count;

    /// <summary>Jobs running right now.</summary>
    public int Running => Volatile.Read(ref running);

    /// <summary>Adds a job to run.</summary>
    public void Add(TJob job)
    {
        var entry = new Entry(job);
        order.Enqueue(entry);
        if (workers.Count < maxWorkers && workers.Count < order.Count)
        {
            // A thread of its own, not one of the thread pool's: a worker lives as long as the batch and blocks
            // between jobs, and workers on pool threads (maxWorkers of them; the cmdlet's -ThrottleLimit) left the
            // pool's first threads busy for the whole call. What the runtime queues to the pool then waited for it
            // to add threads, half a second at a time: the engine's bands, and .NET's handler of SIGHUP, so with
            // more workers than processors a closed terminal ended the process 0.7 s late, after an output started
            // later had been put in place.
            workers.Add(Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }

        work.Add(entry);
    }

    /// <summary>Adds a job that failed before it could start; it comes back, with its failure, in its turn.</summary>
    public void AddFailed(TJob job, Exception failure)
    {
        var entry = new Entry(job) { Failure = failure };
        entry.Done = true;
        order.Enqueue(entry);
    }

    /// <summary>Takes the oldest job once it is done, with the exception it failed with, or null.</summary>
    /// <param name="wait">Wait for the oldest job to finish; otherwise return false at once when it has not.</param>
    /// <param name="job">The job.</param>
    /// <param name="failure">What it threw, if anything.</param>
    /// <exception cref="OperationCanceledException">The batch was cancelled while waiting.</exception>
    public bool TryTake(bool wait, out TJob job, out Exception? failure)
    {
        job = null!;
        failure = null;
        if (order.Count == 0)
        {
            return false;
        }

        Entry head = order.Peek();
        while (!head.Done)
        {
            if (!wait)
            {
                return false;
            }

            finished.Wait(cancellation.Token);
        }

        order.Dequeue();
        job = head.Job;
        failure = head.Failure;
        return true;
    }

    /// <summary>No more jobs will be added; workers finish the queued ones and stop.</summary>
    public void Complete() => work.CompleteAdding();

    /// <summary>
    /// Cancels what has not finished and waits for the workers, so nothing runs after the caller is gone; then
    /// abandons every job not taken back.
    /// </summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        cancellation.Cancel();
        work.CompleteAdding();
        try
        {
            Task.WaitAll(workers.ToArray());
        }
        catch (AggregateException)
        {
        }

        while (order.Count > 0)
        {
            // Dequeued first: with no callback, a?.Invoke(...) would not evaluate its argument.
            Entry left = order.Dequeue();
            abandon?.Invoke(left.Job);
        }

        work.Dispose();
        finished.Dispose();
        cancellation.Dispose();
    }

    private void Work()
    {
        CancellationToken token = cancellation.Token;
        try
        {
            foreach (Entry entry in work.GetConsumingEnumerable(token))
            {
                Interlocked.Increment(ref running);
                try
                {
                    run(entry.Job, token);
                }
                catch (Exception e)
                {
                    entry.Failure = e;
                }
                finally
                {
                    Interlocked.Decrement(ref running);
                }

                entry.Done = true;
                finished.Release();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: jobs not started stay undone; the caller is going away.
        }
    }

    private sealed class Entry
    {
        private volatile bool done;

        public Entry(TJob job) => Job = job;

        public TJob Job { get; }

        public Exception? Failure { get; set; }

        public bool Done
        {
            get => done;
            set => done = value;
        }
    }
}
