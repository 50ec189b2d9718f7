#if NET8_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>The vector loops of <see cref="AlphaWindows"/> that shift lanes (.NET 8's <see cref="Vector{T}"/> operators).</summary>
internal static partial class AlphaWindows
{
    [MethodImpl(Jit.HotLoop)]
    static partial void ExtractAlphaVectors(ReadOnlySpan<byte> pixels, int channels, Span<byte> alpha, ref int x, ref bool coloured)
    {
        if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && channels == 4)
        {
            ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(pixels);
            int n = Vector<uint>.Count;
            var invisible = new Vector<uint>(0x00FFFFFFu);
            Vector<uint> any = Vector<uint>.Zero;
            for (; x <= alpha.Length - (4 * n); x += 4 * n)
            {
                var w0 = new Vector<uint>(words.Slice(x));
                var w1 = new Vector<uint>(words.Slice(x + n));
                var w2 = new Vector<uint>(words.Slice(x + (2 * n)));
                var w3 = new Vector<uint>(words.Slice(x + (3 * n)));

                // w - 1 <= 0x00FFFFFE exactly when 0 < w < 0x01000000 (0 - 1 wraps to the top).
                any |= Vector.LessThanOrEqual(w0 - Vector<uint>.One, invisible - Vector<uint>.One) | Vector.LessThanOrEqual(w1 - Vector<uint>.One, invisible - Vector<uint>.One)
                    | Vector.LessThanOrEqual(w2 - Vector<uint>.One, invisible - Vector<uint>.One) | Vector.LessThanOrEqual(w3 - Vector<uint>.One, invisible - Vector<uint>.One);
                Vector<ushort> lo = Vector.Narrow(w0 >> 24, w1 >> 24);
                Vector<ushort> hi = Vector.Narrow(w2 >> 24, w3 >> 24);
                Vector.Narrow(lo, hi).CopyTo(alpha.Slice(x));
            }

            coloured = any != Vector<uint>.Zero;
        }
        else if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && channels == 2)
        {
            ReadOnlySpan<ushort> words = MemoryMarshal.Cast<byte, ushort>(pixels);
            int n = Vector<ushort>.Count;
            var invisible = new Vector<ushort>((ushort)0x00FF);
            Vector<ushort> any = Vector<ushort>.Zero;
            for (; x <= alpha.Length - (2 * n); x += 2 * n)
            {
                var w0 = new Vector<ushort>(words.Slice(x));
                var w1 = new Vector<ushort>(words.Slice(x + n));
                any |= Vector.LessThanOrEqual(w0 - Vector<ushort>.One, invisible - Vector<ushort>.One) | Vector.LessThanOrEqual(w1 - Vector<ushort>.One, invisible - Vector<ushort>.One);
                Vector.Narrow(w0 >> 8, w1 >> 8).CopyTo(alpha.Slice(x));
            }

            coloured = any != Vector<ushort>.Zero;
        }
    }
}
#endif
