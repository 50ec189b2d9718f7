using System;
using System.IO;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Tiff.Constants;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace PSConvolution.Fuzz;

/// <summary>
/// Small valid files of every kind the module reads (and PBM, which it refuses), a few hundred bytes to a few KB
/// each: the starting points afl-fuzz mutates. Progressive JPEG comes from ImageMagick where it is installed, as
/// ImageSharp 2.1 writes baseline only.
/// </summary>
public static class Seeds
{
    public static void Write(string folder)
    {
        Save(folder, "jpeg", "baseline-420.jpg", Picture<Rgb24>(), new JpegEncoder { Quality = 75, ColorType = JpegColorType.YCbCrRatio420 });
        Save(folder, "jpeg", "baseline-444.jpg", Picture<Rgb24>(), new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio444 });
        Save(folder, "jpeg", "grey.jpg", Picture<L8>(), new JpegEncoder { Quality = 75, ColorType = JpegColorType.Luminance });
        Save(folder, "png", "grey.png", Picture<L8>(), new PngEncoder { ColorType = PngColorType.Grayscale });
        Save(folder, "png", "grey-alpha.png", Picture<La16>(), new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha });
        Save(folder, "png", "palette.png", Picture<Rgba32>(), new PngEncoder { ColorType = PngColorType.Palette });
        Save(folder, "png", "rgb16.png", Picture<Rgb48>(), new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 });
        Save(folder, "png", "rgba.png", Picture<Rgba32>(), new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        Save(folder, "png", "interlaced.png", Picture<Rgb24>(), new PngEncoder { ColorType = PngColorType.Rgb, InterlaceMethod = PngInterlaceMode.Adam7 });
        Save(folder, "gif", "animated.gif", Animation(), new GifEncoder());
        Save(folder, "bmp", "rgb24.bmp", Picture<Rgb24>(), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 });
        Save(folder, "bmp", "rgba32.bmp", Picture<Rgba32>(), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel32, SupportTransparency = true });
        Save(folder, "bmp", "palette8.bmp", Picture<Rgb24>(), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel8 });
        Save(folder, "tiff", "rgb-deflate.tif", Picture<Rgb24>(), new TiffEncoder { Compression = TiffCompression.Deflate, BitsPerPixel = TiffBitsPerPixel.Bit24 });
        Save(folder, "tiff", "rgb-lzw.tif", Picture<Rgb24>(), new TiffEncoder { Compression = TiffCompression.Lzw, BitsPerPixel = TiffBitsPerPixel.Bit24 });
        Save(folder, "tiff", "grey-packbits.tif", Picture<L8>(), new TiffEncoder { Compression = TiffCompression.PackBits, BitsPerPixel = TiffBitsPerPixel.Bit8 });
        Save(folder, "tiff", "palette.tif", Picture<Rgb24>(), new TiffEncoder { Compression = TiffCompression.None, BitsPerPixel = TiffBitsPerPixel.Bit8, PhotometricInterpretation = TiffPhotometricInterpretation.PaletteColor });
        Save(folder, "tga", "rgb24.tga", Picture<Rgb24>(), new TgaEncoder { BitsPerPixel = TgaBitsPerPixel.Pixel24 });
        Save(folder, "tga", "rgba32-rle.tga", Picture<Rgba32>(), new TgaEncoder { BitsPerPixel = TgaBitsPerPixel.Pixel32, Compression = TgaCompression.RunLength });
        Save(folder, "webp", "lossy.webp", Picture<Rgb24>(), new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 75 });
        Save(folder, "webp", "lossless.webp", Picture<Rgba32>(), new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
        WriteBytes(folder, "pbm", "p1.pbm", Encoding.ASCII.GetBytes("P1\n4 3\n0 1 1 0\n1 0 0 1\n0 1 1 0\n"));
        WriteBytes(folder, "pbm", "p5.pgm", Concat(Encoding.ASCII.GetBytes("P5\n4 3\n255\n"), new byte[] { 0, 40, 80, 120, 160, 200, 240, 255, 10, 20, 30, 40 }));
        WriteBytes(folder, "pbm", "p6.ppm", Concat(Encoding.ASCII.GetBytes("P6\n2 2\n255\n"), new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128 }));
    }

    // 24x16 with gradients and a soft disc of transparency: every channel and alpha carry varied values.
    private static Image<TPixel> Picture<TPixel>()
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var image = new Image<TPixel>(24, 16);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                double d = Math.Sqrt(((x - 12) * (x - 12)) + ((y - 8) * (y - 8)));
                var rgba = new Rgba32((byte)(x * 10), (byte)(y * 15), (byte)((x * y) % 256), (byte)Math.Clamp(255 - (d * 25), 0, 255));
                TPixel pixel = default;
                pixel.FromRgba32(rgba);
                image[x, y] = pixel;
            }
        }

        return image;
    }

    private static Image<Rgba32> Animation()
    {
        Image<Rgba32> image = Picture<Rgba32>();
        for (int f = 1; f < 3; f++)
        {
            using Image<Rgba32> frame = Picture<Rgba32>();
            frame[f, f] = new Rgba32(255, 255, 255, 255);
            image.Frames.AddFrame(frame.Frames.RootFrame);
            image.Frames[f].Metadata.GetGifMetadata().FrameDelay = 10;
        }

        return image;
    }

    private static void Save(string folder, string family, string name, Image image, IImageEncoder encoder)
    {
        using (image)
        {
            using var stream = new MemoryStream();
            image.Save(stream, encoder);
            WriteBytes(folder, family, name, stream.ToArray());
        }
    }

    private static void WriteBytes(string folder, string family, string name, byte[] bytes)
    {
        string target = Path.Combine(folder, family);
        Directory.CreateDirectory(target);
        File.WriteAllBytes(Path.Combine(target, name), bytes);
        Console.WriteLine($"{family}/{name}: {bytes.Length} bytes");
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var result = new byte[a.Length + b.Length];
        a.CopyTo(result, 0);
        b.CopyTo(result, a.Length);
        return result;
    }
}
