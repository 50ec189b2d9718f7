#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>The 512-bit form of <see cref="PixelWords"/>'s blends.</summary>
internal static partial class PixelWords
{
    static partial void WideVectorBytes(ref int bytes)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            bytes = Vector512<byte>.Count;
        }
    }

    // The portable Blend in 512-bit vectors: whole periods of one to three masks, then the whole vectors left.
    [MethodImpl(Jit.HotLoop)]
    static partial void BlendWide(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<byte> pattern, int period, ref int done)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            return;
        }

        const int N = 64;
        Vector512<byte> m0 = Vector512.Create(pattern);
        Vector512<byte> m1 = period > 1 ? Vector512.Create(pattern.Slice(N)) : m0;
        Vector512<byte> m2 = period > 1 ? Vector512.Create(pattern.Slice(2 * N)) : m0;
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)destination.Length;
        nuint i = 0;
        for (; i + (3 * N) <= length; i += 3 * N)
        {
            Vector512.ConditionalSelect(m0, Vector512.LoadUnsafe(ref src, i), Vector512.LoadUnsafe(ref dst, i)).StoreUnsafe(ref dst, i);
            Vector512.ConditionalSelect(m1, Vector512.LoadUnsafe(ref src, i + N), Vector512.LoadUnsafe(ref dst, i + N)).StoreUnsafe(ref dst, i + N);
            Vector512.ConditionalSelect(m2, Vector512.LoadUnsafe(ref src, i + (2 * N)), Vector512.LoadUnsafe(ref dst, i + (2 * N))).StoreUnsafe(ref dst, i + (2 * N));
        }

        if (i + N <= length)
        {
            Vector512.ConditionalSelect(m0, Vector512.LoadUnsafe(ref src, i), Vector512.LoadUnsafe(ref dst, i)).StoreUnsafe(ref dst, i);
            i += N;
            if (i + N <= length)
            {
                Vector512.ConditionalSelect(m1, Vector512.LoadUnsafe(ref src, i), Vector512.LoadUnsafe(ref dst, i)).StoreUnsafe(ref dst, i);
                i += N;
            }
        }

        done = (int)i;
    }
}
#endif
