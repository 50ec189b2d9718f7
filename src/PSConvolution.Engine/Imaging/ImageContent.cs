using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// What a decoded image holds (transparency, colour), compositing it over white for formats without alpha, and
/// making it all or nothing for GIF.
/// </summary>
internal static class ImageContent
{
    public static bool HasTransparency<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
        => bitDepth == 8
            ? FramePixels.AnyRow<TPixel, byte>(image, row => AnyAlphaBelow(row, byte.MaxValue))
            : FramePixels.AnyRow<TPixel, ushort>(image, row => AnyAlphaBelow(row, ushort.MaxValue));

    /// <summary>True when some alpha is neither 0 nor full.</summary>
    public static bool HasPartialTransparency<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
        => bitDepth == 8
            ? FramePixels.AnyRow<TPixel, byte>(image, row => AnyAlphaBetween(row, byte.MaxValue))
            : FramePixels.AnyRow<TPixel, ushort>(image, row => AnyAlphaBetween(row, ushort.MaxValue));

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

    private static bool AnyAlphaBetween<TSample>(ReadOnlySpan<TSample> rgba, TSample opaque)
        where TSample : unmanaged, IEquatable<TSample>
    {
        for (int i = 3; i < rgba.Length; i += 4)
        {
            if (!rgba[i].Equals(opaque) && !rgba[i].Equals(default))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Alpha from half up made full, and below half 0 with the colour 0 too, every frame in place: what a format
    /// that keys one colour transparent (GIF) can hold. Done before the encoder's quantizer sees the image, whose
    /// dithering otherwise spreads alpha errors and leaves opaque specks in transparent areas and holes in opaque
    /// ones.
    /// </summary>
    public static void ThresholdAlpha<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
        => EachRow(image, bitDepth, Threshold, Threshold);

    private static void Threshold<TSample>(Span<TSample> row, int channels, ulong max)
        where TSample : unmanaged
    {
        for (int i = 0; i < row.Length; i += channels)
        {
            bool opaque = 2 * ToUInt64(row[i + channels - 1]) >= max + 1;
            if (opaque)
            {
                row[i + channels - 1] = FromUInt64<TSample>(max);
            }
            else
            {
                row.Slice(i, channels).Clear();
            }
        }
    }

    // C' = C·A/max + max·(1 − A/max), A' = max, rounded to nearest: every frame, in place.
    public static void CompositeOverWhite<TPixel>(Image<TPixel> image, int bitDepth)
        where TPixel : unmanaged, IPixel<TPixel>
        => EachRow(image, bitDepth, Composite, Composite);

    private delegate void RowAction<TSample>(Span<TSample> row, int channels, ulong max)
        where TSample : unmanaged;

    // Every row of every frame, in place, as 8-bit or 16-bit samples with the pixel's channel count and full value.
    private static void EachRow<TPixel>(Image<TPixel> image, int bitDepth, RowAction<byte> eight, RowAction<ushort> sixteen)
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
                        eight(MemoryMarshal.Cast<TPixel, byte>(accessor.GetRowSpan(y)), channels, byte.MaxValue);
                    }
                    else
                    {
                        sixteen(MemoryMarshal.Cast<TPixel, ushort>(accessor.GetRowSpan(y)), channels, ushort.MaxValue);
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
    /// Turns every frame upright as <paramref name="orientation"/> says a viewer shows it (ImageSharp's AutoOrient,
    /// which leaves the EXIF orientation at 1), for a format whose viewers would not apply the tag.
    /// </summary>
    public static void TurnUpright(Image image, DisplayOrientation orientation)
    {
        image.Metadata.ExifProfile ??= new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)orientation);
        image.Mutate(x => x.AutoOrient());
    }

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
