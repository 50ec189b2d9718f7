using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// What a byte pass stores for the channels a step does not select. The pass computes every sample of a pixel; a form
/// of this puts the source's bytes back in the unselected ones as each vector is stored, where a second pass over the
/// stored row (<see cref="Planning.OutputRows.CopyUnselected{T}(ReadOnlySpan{T}, int, int, int, Planning.KernelSamplingMap, Planning.KernelSamplingMap, bool[], Span{T})"/>)
/// reads the row and the source again and writes the row again. The pass is compiled once for each implementation (a
/// struct), so <see cref="NoKeptSamples"/> adds nothing to it.
/// </summary>
internal partial interface IKeptSamples
{
    /// <summary>The levels of the bytes from <paramref name="x"/> on, the unselected ones replaced by those of <paramref name="kept"/> there.</summary>
    Vector<byte> Keep(Vector<byte> levels, ref byte kept, int x);

    /// <summary>The level of byte <paramref name="x"/>, or that of <paramref name="kept"/> there where its channel is not selected.</summary>
    byte Keep(byte level, ref byte kept, int x);
}

/// <summary>Every channel selected: the levels as computed.</summary>
internal readonly partial struct NoKeptSamples : IKeptSamples
{
    public Vector<byte> Keep(Vector<byte> levels, ref byte kept, int x) => levels;

    public byte Keep(byte level, ref byte kept, int x) => level;
}

/// <summary>
/// Some channels of two- or four-channel pixels not selected (alpha, with independent channels; or colours left out):
/// a mask with 0xFF in each byte of such a channel, pixel after pixel. Such pixels divide every vector, and each vector
/// a pass stores starts at a pixel, so one mask serves them all, read as an operand. Three-channel pixels would need
/// the mask of each vector's phase in its pixel: a first form that read it from a pattern at each store (the phase
/// computed, and the pattern loaded, at every store, with registers spilled) saved nothing on the RGBA blur, so
/// those rows still copy after the pass (<see cref="For"/> gives no form for them).
/// </summary>
internal readonly partial struct KeptSamples : IKeptSamples
{
    private readonly Vector<byte> mask;

    // Four bytes of the mask, byte x of a row at x % 4.
    private readonly uint word;
#if NET8_0_OR_GREATER
    private readonly System.Runtime.Intrinsics.Vector256<byte> mask256;
#endif

    private KeptSamples(int channels, bool[] selected)
    {
        for (int i = 0; i < 4; i++)
        {
            word |= selected[i % channels] ? 0 : 0xFFu << (8 * i);
        }

        mask = Vector.AsVectorByte(new Vector<uint>(word));
#if NET8_0_OR_GREATER
        mask256 = System.Runtime.Intrinsics.Vector256.AsByte(System.Runtime.Intrinsics.Vector256.Create(word));
#endif
    }

    /// <summary>A form for the selection, or null where every channel is selected or the pixels have three channels.</summary>
    public static KeptSamples? For(int channels, bool[] selected)
        => channels is 2 or 4 && Array.IndexOf(selected, false) >= 0 ? new KeptSamples(channels, selected) : null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<byte> Keep(Vector<byte> levels, ref byte kept, int x) => Vector.ConditionalSelect(mask, VectorMemory.LoadUnsafe(ref kept, x), levels);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Keep(byte level, ref byte kept, int x) => ((word >> (8 * (x & 3))) & 1) != 0 ? Unsafe.Add(ref kept, x) : level;
}
