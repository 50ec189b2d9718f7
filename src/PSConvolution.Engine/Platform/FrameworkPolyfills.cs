#if !NET8_0_OR_GREATER
using System;
using System.Buffers.Binary;
using System.Numerics;

namespace PSConvolution.Engine.Platform;

/// <summary>
/// The few .NET 8 members the engine uses that netstandard2.0 lacks and the Polyfill package does not supply,
/// as extension members of the same types, so the calling code is the same on both builds.
/// </summary>
internal static class FrameworkPolyfills
{
    extension(double)
    {
        public static bool IsFinite(double d) => !double.IsNaN(d) && !double.IsInfinity(d);
    }

    extension(float)
    {
        public static bool IsFinite(float f) => !float.IsNaN(f) && !float.IsInfinity(f);
    }

    extension(BitOperations)
    {
        /// <summary>The position of the highest set bit (0 for 0, as on .NET 8).</summary>
        public static int Log2(uint value)
        {
            int log = 0;
            while ((value >>= 1) != 0)
            {
                log++;
            }

            return log;
        }

        /// <summary>The number of zero bits below the lowest set bit (32 for 0, as on .NET 8).</summary>
        public static int TrailingZeroCount(uint value)
        {
            if (value == 0)
            {
                return 32;
            }

            int count = 0;
            while ((value & 1) == 0)
            {
                value >>= 1;
                count++;
            }

            return count;
        }
    }

    extension(BinaryPrimitives)
    {
        public static void ReverseEndianness(ReadOnlySpan<ushort> source, Span<ushort> destination)
        {
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = BinaryPrimitives.ReverseEndianness(source[i]);
            }
        }
    }
}
#endif
