using System;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>The one check every row loop makes before it reads without bounds checks.</summary>
internal static class TapBounds
{
    /// <summary>Throws unless <c>source[x + offsets[t]]</c> lies inside <paramref name="sourceLength"/> for every x below <paramref name="length"/>.</summary>
    public static void Check(int sourceLength, int length, ReadOnlySpan<int> offsets)
    {
        int maxOffset = 0;
        foreach (int o in offsets)
        {
            if (o < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(offsets));
            }

            maxOffset = Math.Max(maxOffset, o);
        }

        if (sourceLength < length + maxOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceLength));
        }
    }
}
