using System;
using System.Collections.Generic;
using System.Threading;
using Xunit;
using PSConvolution.Engine.Batch;

namespace PSConvolution.Engine.Tests;

public sealed class OrderedBatchTests
{
    [Fact]
    public void JobsComeBackInTheOrderTheyWereAddedWhateverFinishesFirst()
    {
        using var batch = new OrderedBatch<int[]>(3, (job, _) => Thread.Sleep(job[1]), CancellationToken.None);
        int[] delays = { 60, 5, 30, 1, 20, 0 };
        for (int i = 0; i < delays.Length; i++)
        {
            batch.Add(new[] { i, delays[i] });
        }

        batch.Complete();
        var order = new List<int>();
        while (batch.TryTake(wait: true, out int[] job, out Exception? failure))
        {
            Assert.Null(failure);
            order.Add(job[0]);
        }

        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5 }, order);
    }

    [Fact]
    public void WorkStartsWithTheFirstJobAndTakingWithoutWaitingNeverBlocks()
    {
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var batch = new OrderedBatch<string>(2, (_, _) => { started.Set(); release.Wait(); }, CancellationToken.None);
        batch.Add("first");
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)), "the first job did not start before the input ended");
        Assert.False(batch.TryTake(wait: false, out _, out _));
        Assert.Equal(1, batch.Pending);
        release.Set();
        Assert.True(batch.TryTake(wait: true, out string job, out _));
        Assert.Equal("first", job);
        Assert.Equal(0, batch.Pending);
    }

    [Fact]
    public void FailuresComeBackInTheirTurnWithTheJob()
    {
        using var batch = new OrderedBatch<string>(2, (job, _) => { if (job == "bad") { throw new InvalidOperationException(job); } }, CancellationToken.None);
        batch.Add("good");
        batch.AddFailed("refused", new ArgumentException("refused before it started"));
        batch.Add("bad");
        batch.Complete();
        var seen = new List<string>();
        while (batch.TryTake(wait: true, out string job, out Exception? failure))
        {
            seen.Add($"{job}:{failure?.GetType().Name}");
        }

        Assert.Equal(new[] { "good:", "refused:ArgumentException", "bad:InvalidOperationException" }, seen);
    }

    [Fact]
    public void CancellingStopsJobsThatHaveNotStartedAndWakesAWaitingCaller()
    {
        using var cancel = new CancellationTokenSource();
        int ran = 0;
        using var batch = new OrderedBatch<int[]>(1, (_, token) => { Interlocked.Increment(ref ran); token.WaitHandle.WaitOne(); }, cancel.Token);
        for (int i = 0; i < 10; i++)
        {
            batch.Add(new[] { i });
        }

        ThreadPool.QueueUserWorkItem(_ => { Thread.Sleep(100); cancel.Cancel(); });

        // The job that was running may finish as the cancellation lands; waiting for the next one must not hang.
        int taken = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            while (batch.TryTake(wait: true, out _, out _))
            {
                taken++;
            }
        });
        batch.Dispose();
        Assert.InRange(ran, 0, 1);
        Assert.InRange(taken, 0, 1);
    }

    [Fact]
    public void JobsNeverTakenBackAreAbandonedInOrderOnceTheWorkersStop()
    {
        var abandoned = new List<string>();
        var batch = new OrderedBatch<string>(2, (job, _) => Thread.Sleep(job == "slow" ? 200 : 0), CancellationToken.None, abandon: abandoned.Add);
        foreach (string job in new[] { "first", "slow", "quick", "last" })
        {
            batch.Add(job);
        }

        Assert.True(batch.TryTake(wait: true, out string taken, out _));
        Assert.Equal("first", taken);
        batch.Dispose();

        // Done or not, every job added and not taken comes back once, after the workers have stopped.
        Assert.Equal(new[] { "slow", "quick", "last" }, abandoned);
        batch.Dispose();
        Assert.Equal(3, abandoned.Count);
    }

    [Fact]
    public void WorkersRunOnThreadsOfTheirOwnAndLeaveTheThreadPoolFree()
    {
        // More workers than the pool starts threads for at once, each held in its job: on pool threads they would
        // leave nothing free, and work the runtime queues to the pool (the engine's bands, .NET's handler of SIGHUP)
        // would wait for the pool to add threads, about one each half second.
        ThreadPool.GetMinThreads(out int poolThreads, out _);
        int workers = poolThreads + 32;
        using var release = new ManualResetEventSlim();
        using var allStarted = new CountdownEvent(workers);
        int onPoolThreads = 0;
        using var batch = new OrderedBatch<string>(workers, (_, _) =>
        {
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                Interlocked.Increment(ref onPoolThreads);
            }

            allStarted.Signal();
            release.Wait();
        }, CancellationToken.None);
        try
        {
            for (int i = 0; i < workers; i++)
            {
                batch.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            using var ran = new ManualResetEventSlim();
            ThreadPool.UnsafeQueueUserWorkItem(_ => ran.Set(), null);
            Assert.True(ran.Wait(TimeSpan.FromSeconds(10)), $"a work item queued to the thread pool waited more than 10 s behind {workers} workers held in their jobs");
            Assert.True(allStarted.Wait(TimeSpan.FromSeconds(10)), "not every worker started");
            Assert.Equal(0, Volatile.Read(ref onPoolThreads));
        }
        finally
        {
            release.Set();
        }

        batch.Complete();
        for (int i = 0; i < workers; i++)
        {
            Assert.True(batch.TryTake(wait: true, out string job, out Exception? failure));
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), job);
            Assert.Null(failure);
        }
    }
}
