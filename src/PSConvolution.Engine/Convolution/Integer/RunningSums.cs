using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>Per-channel running sums along a padded row, which let a run of equal weights cost two taps.</summary>
internal static partial class RunningSums
{
    /// <summary>
    /// Running sums per channel, wrapping at 16 bits: <c>sums[0..channels) = 0</c> and
    /// <c>sums[k + channels] = sums[k] + source[k]</c>, so <c>sums[b] - sums[a]</c> is the sum of <c>source[a..b)</c>
    /// taken every <paramref name="channels"/> samples.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void RunningSum(ReadOnlySpan<ushort> source, Span<ushort> sums, int channels)
    {
        int n = source.Length;
        if (sums.Length < n + channels)
        {
            throw new ArgumentOutOfRangeException(nameof(sums));
        }

        sums.Slice(0, channels).Clear();
        ref ushort src = ref MemoryMarshal.GetReference(source);
        ref ushort dst = ref MemoryMarshal.GetReference(sums);
        int vectorised = 0;
        RunningSumVectors(ref src, n, ref dst, channels, ref vectorised);

        // The rest one pixel at a time with each channel's sum kept in a register: through memory, every sum would
        // wait for the store of the one before it. The position is a local of its own for the same reason: the one
        // passed by reference above lives in memory, and the loop would store and load it again at every step.
        int k = vectorised;
        if (channels <= 4)
        {
            ushort a0 = Unsafe.Add(ref dst, k), a1 = channels > 1 ? Unsafe.Add(ref dst, k + 1) : (ushort)0;
            ushort a2 = channels > 2 ? Unsafe.Add(ref dst, k + 2) : (ushort)0, a3 = channels > 3 ? Unsafe.Add(ref dst, k + 3) : (ushort)0;
            for (; k <= n - channels; k += channels)
            {
                ref ushort s = ref Unsafe.Add(ref src, k);
                ref ushort d = ref Unsafe.Add(ref dst, k + channels);
                a0 += s;
                d = a0;
                if (channels > 1)
                {
                    a1 += Unsafe.Add(ref s, 1);
                    Unsafe.Add(ref d, 1) = a1;
                }

                if (channels > 2)
                {
                    a2 += Unsafe.Add(ref s, 2);
                    Unsafe.Add(ref d, 2) = a2;
                }

                if (channels > 3)
                {
                    a3 += Unsafe.Add(ref s, 3);
                    Unsafe.Add(ref d, 3) = a3;
                }
            }
        }

        for (; k < n; k++)
        {
            Unsafe.Add(ref dst, k + channels) = unchecked((ushort)(Unsafe.Add(ref dst, k) + Unsafe.Add(ref src, k)));
        }
    }

    // The AVX-512 or AVX2 scan, where the machine has one; without an implementation (netstandard2.0) the call is
    // removed.
    static partial void RunningSumVectors(ref ushort source, int n, ref ushort sums, int channels, ref int k);
}
