#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PSConvolution.Engine.Convolution.Alpha;

/// <summary>
/// The vector checks: each pixel's sums are one 64-bit lane (RGBA) or 32-bit lane (grey and alpha), alpha in its
/// top 16 bits. A pixel passes when its top 16 bits are 0 or the full sum (the level's, 255·2^shift unless the rows'
/// highest alpha is known to be lower); one whose alpha sum is 0 but whose lane is not sets InvisibleColour.
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

    // All ones in every pixel's alpha lane, 0 in the others: constants, not fields, so that making a row's check
    // copies no more than it did.
    private readonly Vector256<ushort> AlphaLanes => channels == 4 ? Vector256.Create(0xFFFF000000000000UL).AsUInt16() : Vector256.Create(0xFFFF0000U).AsUInt16();

    private readonly Vector512<ushort> AlphaLanes512 => channels == 4 ? Vector512.Create(0xFFFF000000000000UL).AsUInt16() : Vector512.Create(0xFFFF0000U).AsUInt16();

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

        // Every alpha sum 0 but some colour not: invisible windows over colour kept under transparent pixels, whose
        // colour is made 0 after the store (ClearTransparent).
        if (Avx.TestZ(a0 | a1, AlphaLanes))
        {
            invisibleColour = true;
            outside = true;
            return;
        }

        // The rest pixel by pixel; one whose alpha sum is 0 passes, its colour made 0 after the store.
        if (channels == 4)
        {
            Vector256<long> offset = Vector256.Create(long.MaxValue);
            Vector256<long> invisible0 = Vector256.Equals(a0.AsInt64() & AlphaLanes.AsInt64(), Vector256<long>.Zero);
            Vector256<long> invisible1 = Vector256.Equals(a1.AsInt64() & AlphaLanes.AsInt64(), Vector256<long>.Zero);
            Vector256<long> failed0 = Vector256.GreaterThan(signedBelow, a0.AsInt64() + offset);
            Vector256<long> failed1 = Vector256.GreaterThan(signedBelow, a1.AsInt64() + offset);
            invisibleColour |= ((failed0 & invisible0) | (failed1 & invisible1)) != Vector256<long>.Zero;
            failed0 = Vector256.AndNot(failed0, invisible0);
            failed1 = Vector256.AndNot(failed1, invisible1);
            if ((failed0 | failed1) != Vector256<long>.Zero)
            {
                Mark(x, failed0.ExtractMostSignificantBits() | (failed1.ExtractMostSignificantBits() << 4));
            }
        }
        else
        {
            Vector256<int> offset = Vector256.Create(int.MaxValue);
            Vector256<int> invisible0 = Vector256.Equals(a0.AsInt32() & AlphaLanes.AsInt32(), Vector256<int>.Zero);
            Vector256<int> invisible1 = Vector256.Equals(a1.AsInt32() & AlphaLanes.AsInt32(), Vector256<int>.Zero);
            Vector256<int> failed0 = Vector256.GreaterThan(signedBelow2, a0.AsInt32() + offset);
            Vector256<int> failed1 = Vector256.GreaterThan(signedBelow2, a1.AsInt32() + offset);
            invisibleColour |= ((failed0 & invisible0) | (failed1 & invisible1)) != Vector256<int>.Zero;
            failed0 = Vector256.AndNot(failed0, invisible0);
            failed1 = Vector256.AndNot(failed1, invisible1);
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

        if (Avx.TestZ((a0 | a1) | (a2 | a3), AlphaLanes))
        {
            invisibleColour = true;
            outside = true;
            return;
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

        if (((a0 | a1) & AlphaLanes512) == Vector512<ushort>.Zero)
        {
            invisibleColour = true;
            outside = true;
            return;
        }

        if (channels == 4)
        {
            Vector512<ulong> invisible0 = Vector512.Equals(a0.AsUInt64() & AlphaLanes512.AsUInt64(), Vector512<ulong>.Zero);
            Vector512<ulong> invisible1 = Vector512.Equals(a1.AsUInt64() & AlphaLanes512.AsUInt64(), Vector512<ulong>.Zero);
            Vector512<ulong> failed0 = Vector512.LessThan(a0.AsUInt64() - Vector512<ulong>.One, below);
            Vector512<ulong> failed1 = Vector512.LessThan(a1.AsUInt64() - Vector512<ulong>.One, below);
            invisibleColour |= ((failed0 & invisible0) | (failed1 & invisible1)) != Vector512<ulong>.Zero;
            failed0 = Vector512.AndNot(failed0, invisible0);
            failed1 = Vector512.AndNot(failed1, invisible1);
            if ((failed0 | failed1) != Vector512<ulong>.Zero)
            {
                Mark(x, (uint)(failed0.ExtractMostSignificantBits() | (failed1.ExtractMostSignificantBits() << 8)));
            }
        }
        else
        {
            Vector512<uint> invisible0 = Vector512.Equals(a0.AsUInt32() & AlphaLanes512.AsUInt32(), Vector512<uint>.Zero);
            Vector512<uint> invisible1 = Vector512.Equals(a1.AsUInt32() & AlphaLanes512.AsUInt32(), Vector512<uint>.Zero);
            Vector512<uint> failed0 = Vector512.LessThan(a0.AsUInt32() - Vector512<uint>.One, below2);
            Vector512<uint> failed1 = Vector512.LessThan(a1.AsUInt32() - Vector512<uint>.One, below2);
            invisibleColour |= ((failed0 & invisible0) | (failed1 & invisible1)) != Vector512<uint>.Zero;
            failed0 = Vector512.AndNot(failed0, invisible0);
            failed1 = Vector512.AndNot(failed1, invisible1);
            if ((failed0 | failed1) != Vector512<uint>.Zero)
            {
                Mark(x, (uint)(failed0.ExtractMostSignificantBits() | (failed1.ExtractMostSignificantBits() << 16)));
            }
        }
    }
}
#endif
