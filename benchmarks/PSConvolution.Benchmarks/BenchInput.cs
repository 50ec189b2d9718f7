using System;
using System.IO;
using ImageMagick;
using OpenCvSharp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace PSConvolution.Benchmarks;

/// <summary>A real photo from samples/ scaled to 4000x3000 8-bit RGB, decoded once and handed to every tool in its own form.</summary>
internal sealed class BenchInput
{
    public const int DefaultWidth = 4000;
    public const int DefaultHeight = 3000;

    public BenchInput(string photo)
    {
        using Image<Rgb24> image = SixLabors.ImageSharp.Image.Load<Rgb24>(photo);
        image.Mutate(c => c.Resize(DefaultWidth, DefaultHeight, KnownResamplers.Bicubic));
        Width = image.Width;
        Height = image.Height;
        Rgb = new byte[Width * Height * 3];
        image.CopyPixelDataTo(Rgb);
        Source = Path.GetFileName(photo);

        Mat = new Mat(Height, Width, MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(Rgb, 0, Mat.Data, Rgb.Length);

        NetVips.Cache.Max = 0; // repeated operations must not be served from libvips' cache
        Vips = NetVips.Image.NewFromMemory(Rgb, Width, Height, 3, NetVips.Enums.BandFormat.Uchar).Copy();

        var settings = new MagickReadSettings { Width = (uint)Width, Height = (uint)Height, Format = MagickFormat.Rgb, Depth = 8 };
        Magick = new MagickImage(Rgb, settings) { VirtualPixelMethod = VirtualPixelMethod.Edge };
    }

    public int Width { get; }

    public int Height { get; }

    public string Source { get; }

    public double Megapixels => Width * (double)Height / 1e6;

    public byte[] Rgb { get; }

    /// <summary>
    /// The photo as RGBA cut out the way product shots and logos are: opaque inside an ellipse, transparent (stored
    /// as 0, 0, 0, 0) outside, with a rim two pixels wide whose alpha falls from 255 to 0.
    /// </summary>
    public byte[] Rgba => rgba ??= CutOut();

    private byte[]? rgba;

    /// <summary>
    /// The cut-out at half opacity (alpha 0-127): a half-transparent layer, where alpha is uniform over most windows
    /// but neither 0 nor full.
    /// </summary>
    public byte[] RgbaHalf => rgbaHalf ??= Halved(Rgba);

    private byte[]? rgbaHalf;

    /// <summary>The photo as RGBA with full alpha everywhere, as a PNG or TIFF saved with an alpha channel it does not use.</summary>
    public byte[] RgbaOpaque => rgbaOpaque ??= Opaque();

    private byte[]? rgbaOpaque;

    private byte[] Opaque()
    {
        var result = new byte[Width * Height * 4];
        for (int i = 0; i < Width * Height; i++)
        {
            result[(4 * i) + 0] = Rgb[(3 * i) + 0];
            result[(4 * i) + 1] = Rgb[(3 * i) + 1];
            result[(4 * i) + 2] = Rgb[(3 * i) + 2];
            result[(4 * i) + 3] = byte.MaxValue;
        }

        return result;
    }

    private static byte[] Halved(byte[] pixels)
    {
        var result = (byte[])pixels.Clone();
        for (int i = 3; i < result.Length; i += 4)
        {
            result[i] /= 2;
        }

        return result;
    }

    /// <summary>
    /// The cut-out with the photo's colour kept under its transparent pixels, as many editors and exporters store it
    /// (alpha 0, colour not): the unweighted sums there are not 0, so the colour of every invisible window must still
    /// be made 0.
    /// </summary>
    public byte[] RgbaColouredInvisible => rgbaColoured ??= ColouredInvisible();

    private byte[]? rgbaColoured;

    /// <summary>The photo in 16 bits a channel (each level times 257).</summary>
    public ushort[] Rgb16 => rgb16 ??= Array.ConvertAll(Rgb, v => (ushort)(v * 257));

    private ushort[]? rgb16;

    private byte[] ColouredInvisible()
    {
        byte[] result = (byte[])Rgba.Clone();
        for (int i = 0; i < Width * Height; i++)
        {
            result[(4 * i) + 0] = Rgb[(3 * i) + 0];
            result[(4 * i) + 1] = Rgb[(3 * i) + 1];
            result[(4 * i) + 2] = Rgb[(3 * i) + 2];
        }

        return result;
    }

    private byte[] CutOut()
    {
        var result = new byte[Width * Height * 4];
        double cx = Width / 2.0, cy = Height / 2.0, rx = Width * 0.4, ry = Height * 0.4;
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                double d = Math.Sqrt(((x - cx) * (x - cx) / (rx * rx)) + ((y - cy) * (y - cy) / (ry * ry)));
                double inside = Math.Clamp((1 - d) * rx / 2, 0, 1);
                byte alpha = (byte)Math.Round(255 * inside);
                int i = (y * Width) + x;
                if (alpha > 0)
                {
                    result[(4 * i) + 0] = Rgb[(3 * i) + 0];
                    result[(4 * i) + 1] = Rgb[(3 * i) + 1];
                    result[(4 * i) + 2] = Rgb[(3 * i) + 2];
                }

                result[(4 * i) + 3] = alpha;
            }
        }

        return result;
    }

    public Mat Mat { get; }

    public NetVips.Image Vips { get; }

    public MagickImage Magick { get; }
}
