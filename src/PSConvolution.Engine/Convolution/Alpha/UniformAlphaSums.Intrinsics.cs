#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>
/// The vector checks: each pixel's sums are one 64-bit lane (RGBA) or 32-bit lane (grey and alpha), alpha in its
/// top 16 bits. A pixel passes when its lane is 0 or its top 16 bits are the full sum (the level's, 255·2^shift
/// unless the rows' highest alpha is known to be lower).
/// </summary>
internal partial struct UniformAlphaSums
{
    partial void PrepareVectors()
    {
        ulong rgba = ((ulong)full << 48) - 1;
        uint grey = ((uint)full << 16) - 1;
        signedBelow = Vector256.Create((long)(rgba ^ (1UL << 63)));
        signedBelow2 = Vector256.Create((int)(grey ^ (1U << 31)));
        below = Vector512.Create(rgba);
        below2 = Vector512.Create(grey);
        fullAlpha = channels == 4 ? Vector256.Create((ulong)full << 48).AsUInt16() : Vector256.Create((uint)full << 16).AsUInt16();
        fullAlpha512 = Vector512.Create(fullAlpha, fullAlpha);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vectors(Vector256<ushort> a0, Vector256<ushort> a1, int x)
    {
        // 32 samples, half a mask word, a0's pixels below a1's. Most vectors lie inside a cut-out or outside it, where
        // one AND and one test pass them all: no alpha sum is above the full one, so one that has all of its bits
        // set is the full one, and an AND of sums has them all only where every sum has. Outside, one OR and one
        // test: every sum 0. Vectors come in long runs of one kind, so the kind the last vector was is tried first.
        // The rest (rims) take the pixel by pixel comparisons below.
        if (outside)
        {
            if (Avx.TestZ(a0 | a1, a0 | a1))
            {
                return;
            }

            if (Avx.TestC(a0 & a1, fullAlpha))
            {
                outside = false;
                return;
            }
        }
        else
        {
            if (Avx.TestC(a0 & a1, fullAlpha))
            {
                return;
            }

            if (Avx.TestZ(a0 | a1, a0 | a1))
            {
                outside = true;
                return;
            }
        }

        if (channels == 4)
        {
            Vector256<long> offset = Vector256.Create(long.MaxValue);
            Vector256<long> failed0 = Vector256.GreaterThan(signedBelow, a0.AsInt64() + offset);
            Vector256<long> failed1 = Vector256.GreaterThan(signedBelow, a1.AsInt64() + offset);
            if ((failed0 | failed1) != Vector256<long>.Zero)
            {
                Mark(x, failed0.ExtractMostSignificantBits() | (failed1.ExtractMostSignificantBits() << 4));
            }
        }
        else
        {
            Vector256<int> offset = Vector256.Create(int.MaxValue);
            Vector256<int> failed0 = Vector256.GreaterThan(signedBelow2, a0.AsInt32() + offset);
            Vector256<int> failed1 = Vector256.GreaterThan(signedBelow2, a1.AsInt32() + offset);
            if ((failed0 | failed1) != Vector256<int>.Zero)
            {
                Mark(x, failed0.ExtractMostSignificantBits() | (failed1.ExtractMostSignificantBits() << 8));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vectors(Vector256<ushort> a0, Vector256<ushort> a1, Vector256<ushort> a2, Vector256<ushort> a3, int x)
    {
        // 64 samples, one mask word: the AND and OR of all four first, the last vectors' kind first; where the four
        // are not all of one kind, each half as above.
        if (outside)
        {
            Vector256<ushort> any = (a0 | a1) | (a2 | a3);
            if (Avx.TestZ(any, any))
            {
                return;
            }

            if (Avx.TestC((a0 & a1) & (a2 & a3), fullAlpha))
            {
                outside = false;
                return;
            }
        }
        else
        {
            if (Avx.TestC((a0 & a1) & (a2 & a3), fullAlpha))
            {
                return;
            }

            Vector256<ushort> any = (a0 | a1) | (a2 | a3);
            if (Avx.TestZ(any, any))
            {
                outside = true;
                return;
            }
        }

        Vectors(a0, a1, x);
        Vectors(a2, a3, x + 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vectors(Vector512<ushort> a0, Vector512<ushort> a1, int x)
    {
        // 64 samples: one mask word. The same AND and OR first as for AVX2, the last vector's kind first.
        if (outside)
        {
            if ((a0 | a1) == Vector512<ushort>.Zero)
            {
                return;
            }

            if ((a0 & a1 & fullAlpha512) == fullAlpha512)
            {
                outside = false;
                return;
            }
        }
        else
        {
            if ((a0 & a1 & fullAlpha512) == fullAlpha512)
            {
                return;
            }

            if ((a0 | a1) == Vector512<ushort>.Zero)
            {
                outside = true;
                return;
            }
        }

        if (channels == 4)
        {
            Vector512<ulong> failed0 = Vector512.LessThan(a0.AsUInt64() - Vector512<ulong>.One, below);
            Vector512<ulong> failed1 = Vector512.LessThan(a1.AsUInt64() - Vector512<ulong>.One, below);
            if ((failed0 | failed1) != Vector512<ulong>.Zero)
            {
                Mark(x, (uint)(failed0.ExtractMostSignificantBits() | (failed1.ExtractMostSignificantBits() << 8)));
            }
        }
        else
        {
            Vector512<uint> failed0 = Vector512.LessThan(a0.AsUInt32() - Vector512<uint>.One, below2);
            Vector512<uint> failed1 = Vector512.LessThan(a1.AsUInt32() - Vector512<uint>.One, below2);
            if ((failed0 | failed1) != Vector512<uint>.Zero)
            {
                Mark(x, (uint)(failed0.ExtractMostSignificantBits() | (failed1.ExtractMostSignificantBits() << 16)));
            }
        }
    }
}
#endif
