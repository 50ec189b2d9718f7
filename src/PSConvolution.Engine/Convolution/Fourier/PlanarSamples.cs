using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Convolution.Fourier;

/// <summary>
/// Interleaved rows of float samples split into one plane per channel and merged back: the Fourier path
/// transforms a channel's tile as contiguous rows, while the padded rows and the stored rows interleave channels.
/// </summary>
internal static partial class PlanarSamples
{
    /// <summary>
    /// <c>planes[c × planeStride + x] = interleaved[x × channels + c] − offset</c> for every channel and the first
    /// <paramref name="pixels"/> pixels.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Split(ReadOnlySpan<float> interleaved, int channels, int pixels, float offset, Span<float> planes, int planeStride)
    {
        if (interleaved.Length < pixels * channels || planes.Length < ((channels - 1) * planeStride) + pixels || planeStride < pixels)
        {
            throw new ArgumentException("The row and the planes hold every pixel.");
        }

        ref float source = ref MemoryMarshal.GetReference(interleaved);
        ref float target = ref MemoryMarshal.GetReference(planes);
        int x = 0;
        SplitVectors(ref source, channels, pixels, offset, ref target, planeStride, ref x);
        for (; x < pixels; x++)
        {
            for (int c = 0; c < channels; c++)
            {
                Unsafe.Add(ref target, (c * planeStride) + x) = Unsafe.Add(ref source, (x * channels) + c) - offset;
            }
        }
    }

    /// <summary>
    /// <c>interleaved[x × channels + c] = planes[c × planeStride + x] + offset</c> for every channel and the first
    /// <paramref name="pixels"/> pixels.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Merge(ReadOnlySpan<float> planes, int planeStride, int channels, int pixels, float offset, Span<float> interleaved)
    {
        if (interleaved.Length < pixels * channels || planes.Length < ((channels - 1) * planeStride) + pixels || planeStride < pixels)
        {
            throw new ArgumentException("The row and the planes hold every pixel.");
        }

        ref float source = ref MemoryMarshal.GetReference(planes);
        ref float target = ref MemoryMarshal.GetReference(interleaved);
        int x = 0;
        MergeVectors(ref source, planeStride, channels, pixels, offset, ref target, ref x);
        for (; x < pixels; x++)
        {
            for (int c = 0; c < channels; c++)
            {
                Unsafe.Add(ref target, (x * channels) + c) = Unsafe.Add(ref source, (c * planeStride) + x) + offset;
            }
        }
    }

    /// <summary><see cref="Split(ReadOnlySpan{float}, int, int, float, Span{float}, int)"/> into planes of the tiles' precision, float or double.</summary>
    public static void Split<T>(ReadOnlySpan<float> interleaved, int channels, int pixels, float offset, Span<T> planes, int planeStride)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Split(interleaved, channels, pixels, offset, MemoryMarshal.Cast<T, float>(planes), planeStride);
        }
        else
        {
            Split(interleaved, channels, pixels, offset, MemoryMarshal.Cast<T, double>(planes), planeStride);
        }
    }

    /// <summary><see cref="Merge(ReadOnlySpan{float}, int, int, int, float, Span{float})"/> from planes of the tiles' precision, float or double.</summary>
    public static void Merge<T>(ReadOnlySpan<T> planes, int planeStride, int channels, int pixels, float offset, Span<float> interleaved)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Merge(MemoryMarshal.Cast<T, float>(planes), planeStride, channels, pixels, offset, interleaved);
        }
        else
        {
            Merge(MemoryMarshal.Cast<T, double>(planes), planeStride, channels, pixels, offset, interleaved);
        }
    }

    /// <summary>The same split into double-precision planes, for tiles transformed in double precision.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Split(ReadOnlySpan<float> interleaved, int channels, int pixels, float offset, Span<double> planes, int planeStride)
    {
        if (interleaved.Length < pixels * channels || planes.Length < ((channels - 1) * planeStride) + pixels || planeStride < pixels)
        {
            throw new ArgumentException("The row and the planes hold every pixel.");
        }

        for (int c = 0; c < channels; c++)
        {
            Span<double> plane = planes.Slice(c * planeStride, pixels);
            for (int x = 0; x < plane.Length; x++)
            {
                plane[x] = (double)interleaved[(x * channels) + c] - offset;
            }
        }
    }

    /// <summary>The same merge from double-precision planes: each sum rounded once to float.</summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Merge(ReadOnlySpan<double> planes, int planeStride, int channels, int pixels, float offset, Span<float> interleaved)
    {
        if (interleaved.Length < pixels * channels || planes.Length < ((channels - 1) * planeStride) + pixels || planeStride < pixels)
        {
            throw new ArgumentException("The row and the planes hold every pixel.");
        }

        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<double> plane = planes.Slice(c * planeStride, pixels);
            for (int x = 0; x < plane.Length; x++)
            {
                interleaved[(x * channels) + c] = (float)(plane[x] + offset);
            }
        }
    }

    // Vector loops from x on, where the machine has them (PlanarSamples.Intrinsics.cs); they advance x.
    static partial void SplitVectors(ref float source, int channels, int pixels, float offset, ref float target, int planeStride, ref int x);

    static partial void MergeVectors(ref float source, int planeStride, int channels, int pixels, float offset, ref float target, ref int x);
}
