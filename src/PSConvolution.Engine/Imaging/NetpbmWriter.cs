using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Binary Netpbm: PGM (P5) for grey, PPM (P6) for colour, 8 or 16 bits with samples most significant byte first, as
/// the format requires. ImageSharp 2.1.13's encoder writes 16-bit samples the other way round (and its decoder reads
/// them so, which <see cref="ImageContent.FixNetpbmByteOrder"/> undoes). One image: the first frame.
/// </summary>
internal static class NetpbmWriter
{
    public static void Write<TPixel, TSample>(Stream stream, Image<TPixel> image, PixelLayout layout)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        int sampleSize = Unsafe.SizeOf<TSample>();
        int frameChannels = Unsafe.SizeOf<TPixel>() / sampleSize;
        int channels = layout.IsGray() ? 1 : 3;
        int width = image.Width;
        string header = FormattableString.Invariant($"P{(channels == 1 ? 5 : 6)}\n{width} {image.Height}\n{(sampleSize == 1 ? 255 : 65535)}\n");
        stream.Write(Encoding.ASCII.GetBytes(header));
        byte[] row = new byte[width * channels * sampleSize];
        image.Frames.RootFrame.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<TPixel> pixels = accessor.GetRowSpan(y);
                if (sampleSize == 1)
                {
                    ReadOnlySpan<byte> src = MemoryMarshal.AsBytes(pixels);
                    for (int x = 0; x < width; x++)
                    {
                        for (int c = 0; c < channels; c++)
                        {
                            row[(x * channels) + c] = src[(x * frameChannels) + c];
                        }
                    }
                }
                else
                {
                    ReadOnlySpan<ushort> src = MemoryMarshal.Cast<TPixel, ushort>(pixels);
                    for (int x = 0; x < width; x++)
                    {
                        for (int c = 0; c < channels; c++)
                        {
                            BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(((x * channels) + c) * 2), src[(x * frameChannels) + c]);
                        }
                    }
                }

                stream.Write(row);
            }
        });
    }
}
