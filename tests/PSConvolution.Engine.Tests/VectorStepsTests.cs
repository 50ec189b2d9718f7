using PSConvolution.Engine.Platform;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>The steps of a vector loop that leaves no tail: every sample from the start to the row's end, no read past either.</summary>
public sealed class VectorStepsTests
{
    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    public void CoverEverySampleOnceAtLeastAndNoneOutsideTheRow(int step)
    {
        for (int n = 0; n <= (3 * step) + 5; n++)
        {
            for (int start = 0; start <= n; start++)
            {
                var covered = new int[n];
                int x;
                for (x = VectorSteps.First(start, n, step); x <= n - step; x = VectorSteps.Next(x, n, step))
                {
                    Assert.InRange(x, 0, n - step);
                    for (int i = x; i < x + step; i++)
                    {
                        covered[i]++;
                    }
                }

                // A row shorter than a vector is left whole to the loops after; otherwise the loop ends at the row's end.
                bool shorter = n - start > 0 && n < step;
                Assert.Equal(shorter ? start : n, x);
                for (int i = start; i < (shorter ? start : n); i++)
                {
                    Expect.True(covered[i] >= 1, $"n={n} start={start}: sample {i} not covered");
                }

                // Samples before the start are computed again only by the one vector moved back.
                for (int i = 0; i < start; i++)
                {
                    Assert.True(covered[i] <= 1);
                }
            }
        }
    }
}
