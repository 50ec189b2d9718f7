using System;
using System.Runtime.CompilerServices;

namespace PSConvolution.Engine.Platform;

/// <summary>
/// The steps of a vector loop that leaves no tail: a row of at least one vector is covered by whole vectors, the
/// last moved back to end at the row's end. That vector recomputes a few samples already stored, to the same values,
/// so it serves any loop whose output at a position depends on its inputs alone, not on what it stored before:
/// <c>for (x = VectorSteps.First(x, n, step); x &lt;= n - step; x = VectorSteps.Next(x, n, step))</c>.
/// </summary>
internal static class VectorSteps
{
    /// <summary>Where the loop starts: <paramref name="x"/>, moved back where less than a vector is left; unchanged where nothing is, or the row is shorter than a vector (the loop then does not run).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int First(int x, int n, int step) => x < n && n >= step ? Math.Min(x, n - step) : x;

    /// <summary>The step after <paramref name="x"/>: the next vector, moved back to end at <paramref name="n"/> where less than a vector is left after it; <paramref name="n"/> when the row is done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Next(int x, int n, int step) => x + step < n ? Math.Min(x + step, n - step) : n;
}
