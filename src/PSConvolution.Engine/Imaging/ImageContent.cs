using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.PixelFormats;

namespace PSConvolution.Engine.Imaging;

/// <summary>What a decoded image holds (transparency, colour) and compositing it over white for formats without alpha.</summary>
internal static class ImageContent
{
    public static bool HasTransparency<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
        => bitDepth == 8
            ? FramePixels.AnyRow<TPixel, byte>(image, row => AnyAlphaBelow(row, byte.MaxValue))
            : FramePixels.AnyRow<TPixel, ushort>(image, row => AnyAlphaBelow(row, ushort.MaxValue));

    public static bool IsNeutral<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
        => bitDepth == 8
            ? !FramePixels.AnyRow<TPixel, byte>(image, row => !AllNeutral(row))
            : !FramePixels.AnyRow<TPixel, ushort>(image, row => !AllNeutral(row));

    private static bool AllNeutral<TSample>(ReadOnlySpan<TSample> rgba)
        where TSample : unmanaged, IEquatable<TSample>
    {
        for (int i = 0; i < rgba.Length; i += 4)
        {
            if (!rgba[i].Equals(rgba[i + 1]) || !rgba[i].Equals(rgba[i + 2]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyAlphaBelow<TSample>(ReadOnlySpan<TSample> rgba, TSample opaque)
        where TSample : unmanaged, IEquatable<TSample>
    {
        for (int i = 3; i < rgba.Length; i += 4)
        {
            if (!rgba[i].Equals(opaque))
            {
                return true;
            }
        }

        return false;
    }

    // C' = C·A/max + max·(1 − A/max), A' = max, rounded to nearest: every frame, in place.
    public static void CompositeOverWhite<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        int channels = Unsafe.SizeOf<TPixel>() / (bitDepth / 8);
        foreach (ImageFrame<TPixel> frame in image.Frames)
        {
            frame.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height; y++)
                {
                    if (bitDepth == 8)
                    {
                        Composite(MemoryMarshal.Cast<TPixel, byte>(accessor.GetRowSpan(y)), channels, 255u);
                    }
                    else
                    {
                        Composite(MemoryMarshal.Cast<TPixel, ushort>(accessor.GetRowSpan(y)), channels, 65535u);
                    }
                }
            });
        }
    }

    private static void Composite<TSample>(Span<TSample> row, int channels, ulong max)
        where TSample : unmanaged
    {
        for (int i = 0; i < row.Length; i += channels)
        {
            ulong a = ToUInt64(row[i + channels - 1]);
            for (int c = 0; c < channels - 1; c++)
            {
                ulong v = ((ToUInt64(row[i + c]) * a) + (max * (max - a)) + (max / 2)) / max;
                row[i + c] = FromUInt64<TSample>(v);
            }

            row[i + channels - 1] = FromUInt64<TSample>(max);
        }
    }

    private static ulong ToUInt64<TSample>(TSample value)
        where TSample : unmanaged
        => typeof(TSample) == typeof(byte) ? (byte)(object)value : (ushort)(object)value;

    private static TSample FromUInt64<TSample>(ulong value)
        where TSample : unmanaged
        => typeof(TSample) == typeof(byte) ? (TSample)(object)(byte)value : (TSample)(object)(ushort)value;

    /// <summary>
    /// ImageSharp 2.1.13 reads the 16-bit samples of binary PGM and PPM least significant byte first; the format
    /// stores them most significant byte first (as ImageMagick and netpbm write them). Swaps them back in place.
    /// </summary>
    public static void FixNetpbmByteOrder<TPixel>(Image<TPixel> image, IImageFormat format)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        if (format is not PbmFormat)
        {
            return;
        }

        PbmMetadata pbm = image.Metadata.GetPbmMetadata();
        if (pbm.Encoding != PbmEncoding.Binary || pbm.ComponentType != PbmComponentType.Short || Unsafe.SizeOf<TPixel>() % 2 != 0)
        {
            return;
        }

        foreach (ImageFrame<TPixel> frame in image.Frames)
        {
            frame.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height; y++)
                {
                    Span<ushort> samples = MemoryMarshal.Cast<TPixel, ushort>(accessor.GetRowSpan(y));
                    BinaryPrimitives.ReverseEndianness(samples, samples);
                }
            });
        }
    }
}
