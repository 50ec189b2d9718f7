using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;
using PSConvolution.Engine.Imaging;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Tests;

public sealed class ImageFileConvolverTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("psconv-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void WarmUpRunsTheWholePathInMemoryWithoutError()
    {
        // The module runs this on a background thread at import and ignores its failures, so a break here (a
        // renamed kernel, a refused option) would only show as a slower first call: this test is what notices.
        ImageFileConvolver.WarmUp();
        ImageFileConvolver.WarmUp();
    }

    [Fact]
    public void SixteenBitRgbaPngStaysSixteenBitRgbaAndAlphaIsCopied()
    {
        string source = Path.Combine(folder, "deep.png");
        using (var image = new Image<Rgba64>(9, 7))
        {
            for (int y = 0; y < 7; y++)
            {
                for (int x = 0; x < 9; x++)
                {
                    image[x, y] = new Rgba64((ushort)(x * 7001), (ushort)(y * 9001), 1234, (ushort)(1000 * (x + y)));
                }
            }

            image.Save(source, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.RgbWithAlpha });
        }

        string output = Path.Combine(folder, "deep_out.png");
        ImageFileConvolver.Convert(source, output, Request("Identity"), overwrite: false);
        using var result = Image.Load<Rgba64>(output);
        PngMetadata png = result.Metadata.GetPngMetadata();
        Assert.Equal(PngBitDepth.Bit16, png.BitDepth);
        Assert.Equal(PngColorType.RgbWithAlpha, png.ColorType);
        Assert.Equal(new Rgba64(7001 * 3, 9001 * 2, 1234, 5000), result[3, 2]);
    }

    /// <summary>
    /// A TIFF's depth was judged by its bits a pixel: a 16-bit grey TIFF (16 bits a pixel) was read and written in 8
    /// bits, and a 32-bit floating-point grey one (32 a pixel) as 8-bit RGB, both without a word. The depth is read
    /// from its tags: 16-bit grey stays 16-bit grey, sample for sample; floating point is written in 16 bits, grey,
    /// with the values beyond 0-1 clipped, and the report says so.
    /// </summary>
    [Fact]
    public void ATiffKeepsItsSixteenBitGreyAndFloatingPointIsWrittenInSixteenBitsAndSaidSo()
    {
        string png = Path.Combine(folder, "grey16.png");
        using (var image = new Image<L16>(7, 5))
        {
            for (int y = 0; y < 5; y++)
            {
                for (int x = 0; x < 7; x++)
                {
                    image[x, y] = new L16((ushort)((9000 * x) + (1234 * y) + 1));
                }
            }

            image.Save(png, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 });
        }

        string tiff = Path.Combine(folder, "grey16.tif");
        ImageFileConvolver.Convert(png, tiff, new ConvolutionRequest(new[] { KernelLibrary.Get("Identity") }, ConvolutionOptions.Default) { Format = OutputFormat.Tiff }, overwrite: false);
        using (var stream = File.OpenRead(tiff))
        {
            Assert.Equal((16, 1, 1), HeaderChecks.TiffSamples(stream));
        }

        string again = Path.Combine(folder, "grey16_out.tif");
        ConversionReport report = ImageFileConvolver.Convert(tiff, again, Request("Identity"), overwrite: false);
        Assert.False(report.SamplesNarrowed);
        using (var stream = File.OpenRead(again))
        {
            Assert.Equal((16, 1, 1), HeaderChecks.TiffSamples(stream));
        }

        using (var expected = Image.Load<L16>(png))
        using (var actual = Image.Load<L16>(again))
        {
            for (int y = 0; y < 5; y++)
            {
                for (int x = 0; x < 7; x++)
                {
                    Assert.Equal(expected[x, y].PackedValue, actual[x, y].PackedValue);
                }
            }
        }

        // A 4x1 grey TIFF of 32-bit floats, written by hand: 0, 0.5, 1.5 and -0.25.
        float[] values = { 0f, 0.5f, 1.5f, -0.25f };
        var file = new List<byte>();
        void U16(int v) => file.AddRange(BitConverter.GetBytes((ushort)v));
        void U32(int v) => file.AddRange(BitConverter.GetBytes(v));
        void Entry(int tag, int type, int count, int value) { U16(tag); U16(type); U32(count); U32(value); }
        file.AddRange(new byte[] { (byte)'I', (byte)'I', 42, 0 });
        U32(8);
        const int Entries = 10;
        int data = 8 + 2 + (Entries * 12) + 4;
        U16(Entries);
        Entry(256, 3, 1, 4);
        Entry(257, 3, 1, 1);
        Entry(258, 3, 1, 32);
        Entry(259, 3, 1, 1);
        Entry(262, 3, 1, 1);
        Entry(273, 4, 1, data);
        Entry(277, 3, 1, 1);
        Entry(278, 3, 1, 1);
        Entry(279, 4, 1, 16);
        Entry(339, 3, 1, 3);
        U32(0);
        foreach (float v in values)
        {
            file.AddRange(BitConverter.GetBytes(v));
        }

        string floating = Path.Combine(folder, "float.tif");
        File.WriteAllBytes(floating, file.ToArray());
        string narrowed = Path.Combine(folder, "float_out.tif");
        report = ImageFileConvolver.Convert(floating, narrowed, Request("Identity"), overwrite: false);
        Assert.True(report.SamplesNarrowed);
        using (var stream = File.OpenRead(narrowed))
        {
            Assert.Equal((16, 1, 1), HeaderChecks.TiffSamples(stream));
        }

        using (var written = Image.Load<L16>(narrowed))
        {
            Assert.Equal(new ushort[] { 0, 32768, 65535, 0 }, Enumerable.Range(0, 4).Select(x => written[x, 0].PackedValue).ToArray());
        }
    }

    [Fact]
    public void GreyPngStaysGreyAndGrayscaleTurnsColourGrey()
    {
        string grey = Path.Combine(folder, "grey.png");
        using (var image = new Image<L8>(5, 5, new L8(90)))
        {
            image.Save(grey, new PngEncoder { ColorType = PngColorType.Grayscale });
        }

        string output = Path.Combine(folder, "grey_out.png");
        ImageFileConvolver.Convert(grey, output, Request("Box3"), overwrite: false);
        using (var result = Image.Load<Rgba32>(output))
        {
            Assert.Equal(PngColorType.Grayscale, result.Metadata.GetPngMetadata().ColorType);
            Assert.Equal(new Rgba32(90, 90, 90, 255), result[2, 2]);
        }

        string colour = Path.Combine(folder, "colour.jpg");
        using (var image = new Image<Rgb24>(16, 16, new Rgb24(200, 30, 30)))
        {
            image.Save(colour, new JpegEncoder { Quality = 95 });
        }

        string edges = Path.Combine(folder, "colour_edges.jpg");
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Identity") }, new ConvolutionOptions { Grayscale = true });
        ImageFileConvolver.Convert(colour, edges, request, overwrite: false);
        using var greyJpeg = Image.Load<Rgba32>(edges);
        Assert.Equal(JpegColorType.Luminance, greyJpeg.Metadata.GetJpegMetadata().ColorType);
    }

    [Fact]
    public void EveryFrameOfAnAnimatedGifIsProcessedAndStrideShrinksThemAll()
    {
        string source = Path.Combine(folder, "anim.gif");
        using (var image = new Image<Rgba32>(10, 10, new Rgba32(255, 0, 0)))
        {
            using var second = new Image<Rgba32>(10, 10, new Rgba32(0, 0, 255));
            image.Frames.AddFrame(second.Frames.RootFrame);
            image.Save(source, new GifEncoder());
        }

        string output = Path.Combine(folder, "anim_out.gif");
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, new ConvolutionOptions { Stride = 2 });
        ImageFileConvolver.Convert(source, output, request, overwrite: false);
        using var result = Image.Load<Rgba32>(output);
        Assert.Equal(2, result.Frames.Count);
        Assert.Equal(5, result.Width);
        Assert.Equal(255, result.Frames[0][2, 2].R);
        Assert.Equal(255, result.Frames[1][2, 2].B);
    }

    /// <summary>
    /// PNG, JPEG, WebP, BMP, TGA and Netpbm hold one picture: an animation written to one keeps its first frame, and the
    /// report says the rest were left out; GIF and TIFF keep every frame.
    /// </summary>
    [Theory]
    [InlineData(OutputFormat.Png, 1)]
    [InlineData(OutputFormat.Jpeg, 1)]
    [InlineData(OutputFormat.Webp, 1)]
    [InlineData(OutputFormat.Bmp, 1)]
    [InlineData(OutputFormat.Tiff, 3)]
    [InlineData(OutputFormat.Gif, 3)]
    public void AFormatOfOnePictureGetsTheFirstFrameAndSaysSo(OutputFormat format, int frames)
    {
        string source = Path.Combine(folder, "three.gif");
        using (var image = new Image<Rgba32>(10, 10, new Rgba32(255, 0, 0)))
        {
            using var green = new Image<Rgba32>(10, 10, new Rgba32(0, 255, 0));
            using var blue = new Image<Rgba32>(10, 10, new Rgba32(0, 0, 255));
            image.Frames.AddFrame(green.Frames.RootFrame);
            image.Frames.AddFrame(blue.Frames.RootFrame);
            image.Save(source, new GifEncoder());
        }

        string output = Path.Combine(folder, "three_out" + ImageFormats.GetExtension(format));
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = format }, overwrite: false);
        Assert.Equal(frames == 1, report.FramesDropped);
        using var result = Image.Load<Rgba32>(output);
        Assert.Equal(frames, result.Frames.Count);
        Assert.True(result.Frames[0][5, 5].R > 200 && result.Frames[0][5, 5].B < 50, "the first frame is the one written");
    }

    [Fact]
    public void ExifMetadataIsKept()
    {
        string source = Path.Combine(folder, "exif.jpg");
        using (var image = new Image<Rgb24>(8, 8, new Rgb24(10, 20, 30)))
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Artist, "Convolution Tester");
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
            image.Save(source, new JpegEncoder { Quality = 90 });
        }

        string output = Path.Combine(folder, "exif_out.jpg");
        ImageFileConvolver.Convert(source, output, Request("Gaussian3"), overwrite: false);
        using var result = Image.Load<Rgb24>(output);
        Assert.Equal("Convolution Tester", result.Metadata.ExifProfile?.GetValue(ExifTag.Artist)?.Value);
        Assert.Equal((ushort)6, result.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value);
    }

    /// <summary>
    /// ImageSharp reads a TIFF's tags onto its first frame, mixed with those that lay out its strips; the image's own
    /// (orientation, artist, description) reach every format written, and the layout tags none. A WebP is written
    /// upright (see <see cref="WebpGetsThePictureUprightAndItsMetadataSaysSo"/>), its orientation then 1.
    /// </summary>
    [Theory]
    [InlineData(OutputFormat.Jpeg)]
    [InlineData(OutputFormat.Png)]
    [InlineData(OutputFormat.Webp)]
    [InlineData(OutputFormat.Tiff)]
    public void ATiffsOwnTagsAreKeptInEveryFormat(OutputFormat format)
    {
        string source = Path.Combine(folder, "tagged.tiff");
        using (var image = new Image<Rgb24>(12, 10, new Rgb24(90, 120, 150)))
        {
            var tags = new ExifProfile();
            tags.SetValue(ExifTag.Orientation, (ushort)8);
            tags.SetValue(ExifTag.Artist, "Convolution Tester");
            tags.SetValue(ExifTag.ImageDescription, "a grey card");
            image.Frames.RootFrame.Metadata.ExifProfile = tags;
            image.Save(source, new SixLabors.ImageSharp.Formats.Tiff.TiffEncoder());
        }

        string output = Path.Combine(folder, "tagged_out." + format.ToString().ToLowerInvariant());
        ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Gaussian3") }, ConvolutionOptions.Default) { Format = format }, overwrite: false);
        using var result = Image.Load<Rgb24>(output);
        ExifProfile? written = result.Metadata.ExifProfile ?? result.Frames.RootFrame.Metadata.ExifProfile;
        Assert.NotNull(written);

        // WebP gets the picture turned upright, since browsers ignore its orientation: the tag then says so.
        Assert.Equal(format == OutputFormat.Webp ? (ushort)1 : (ushort)8, written!.GetValue(ExifTag.Orientation)?.Value);
        Assert.Equal(format == OutputFormat.Webp ? (10, 12) : (12, 10), (result.Width, result.Height));
        Assert.Equal("Convolution Tester", written.GetValue(ExifTag.Artist)?.Value);
        Assert.Equal("a grey card", written.GetValue(ExifTag.ImageDescription)?.Value);
        if (format != OutputFormat.Tiff)
        {
            Assert.Null(written.GetValue(ExifTag.StripOffsets));
            Assert.Null(written.GetValue(ExifTag.ImageWidth));
        }
    }

    /// <summary>
    /// A phone's portrait photo is stored on its side and tagged to be turned: the emboss is lit from the top left of
    /// the picture as shown, and the result keeps the stored order and the tag. ImageSharp's AutoOrient, which reads
    /// the tag on its own, turns both for the comparison.
    /// </summary>
    [Theory]
    [InlineData(".jpg", 6)]
    [InlineData(".png", 8)]
    [InlineData(".tiff", 3)]
    [InlineData(".webp", 5)]
    public void ATaggedOrientationIsHowTheKernelSeesThePicture(string extension, ushort orientation)
    {
        string source = Path.Combine(folder, "turned" + extension);
        using (var image = new Image<Rgb24>(40, 26))
        {
            var random = new Random(orientation);
            for (int y = 0; y < image.Height; y++)
            {
                for (int x = 0; x < image.Width; x++)
                {
                    image[x, y] = new Rgb24((byte)(x * 6), (byte)(y * 9), (byte)random.Next(256));
                }
            }

            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
            image.Frames.RootFrame.Metadata.ExifProfile = image.Metadata.ExifProfile.DeepClone();
            image.Save(source, extension switch
            {
                ".jpg" => new JpegEncoder { Quality = 90 },
                ".png" => new PngEncoder(),
                ".tiff" => new SixLabors.ImageSharp.Formats.Tiff.TiffEncoder(),
                _ => new SixLabors.ImageSharp.Formats.Webp.WebpEncoder { FileFormat = SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossless },
            });
        }

        // The same decoded pixels, turned upright and untagged.
        string upright = Path.Combine(folder, "upright.png");
        using (var image = Image.Load<Rgb24>(source))
        {
            // ImageSharp keeps a TIFF's tags with its frame, where AutoOrient does not look.
            image.Metadata.ExifProfile ??= image.Frames.RootFrame.Metadata.ExifProfile;
            Assert.Equal(orientation, image.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value);
            image.Mutate(x => x.AutoOrient());
            image.Metadata.ExifProfile = null;
            image.Save(upright, new PngEncoder());
        }

        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Emboss"), KernelLibrary.Get("MotionBlur") }, new ConvolutionOptions { Stride = 3 }) { Format = OutputFormat.Png };
        string turnedOut = Path.Combine(folder, "turned_out.png"), uprightOut = Path.Combine(folder, "upright_out.png");
        ImageFileConvolver.Convert(source, turnedOut, request, overwrite: false);
        ImageFileConvolver.Convert(upright, uprightOut, request, overwrite: false);

        using var expected = Image.Load<Rgb24>(uprightOut);
        using var actual = Image.Load<Rgb24>(turnedOut);
        Assert.Equal(orientation, actual.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value);
        actual.Mutate(x => x.AutoOrient());
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        int differing = 0;
        for (int y = 0; y < expected.Height; y++)
        {
            for (int x = 0; x < expected.Width; x++)
            {
                differing += expected[x, y].Equals(actual[x, y]) ? 0 : 1;
            }
        }

        Assert.Equal(0, differing);
    }

    /// <summary>
    /// BMP, TGA and Netpbm keep no EXIF: a picture stored on its side is written upright, as it was shown, and the
    /// report says so; formats that keep the tag keep the stored order.
    /// </summary>
    [Theory]
    [InlineData(OutputFormat.Bmp, true)]
    [InlineData(OutputFormat.Tga, true)]
    [InlineData(OutputFormat.Pbm, true)]
    [InlineData(OutputFormat.Png, false)]
    public void AFormatWithoutExifGetsThePictureUpright(OutputFormat format, bool turned)
    {
        (string source, string upright) = SidewaysPicture(null);
        var options = new ConvolutionOptions { Stride = 2 };
        string written = Path.Combine(folder, "side_out." + ImageFormats.GetExtension(format).TrimStart('.'));
        ConversionReport report = ImageFileConvolver.Convert(source, written, new ConvolutionRequest(new[] { KernelLibrary.Get("Emboss") }, options) { Format = format }, overwrite: false);
        string expectedPath = Path.Combine(folder, "up_out.png");
        ImageFileConvolver.Convert(upright, expectedPath, new ConvolutionRequest(new[] { KernelLibrary.Get("Emboss") }, options), overwrite: false);
        Assert.Equal(turned, report.TurnedUpright);

        using var expected = Image.Load<Rgb24>(expectedPath);
        using var actual = Image.Load<Rgb24>(written);
        if (!turned)
        {
            actual.Mutate(x => x.AutoOrient());
        }

        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        for (int y = 0; y < expected.Height; y++)
        {
            for (int x = 0; x < expected.Width; x++)
            {
                Assert.Equal(expected[x, y], actual[x, y]);
            }
        }
    }

    // A 30x20 PNG tagged orientation 6 (side.png, with what `tag` adds to its metadata), and the same pixels turned
    // upright and untagged (up.png).
    private (string Source, string Upright) SidewaysPicture(Action<Image>? tag)
    {
        string source = Path.Combine(folder, "side.png"), upright = Path.Combine(folder, "up.png");
        using var image = new Image<Rgb24>(30, 20);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 8), (byte)(y * 12), (byte)((x * y) % 256));
            }
        }

        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        tag?.Invoke(image);
        image.Save(source, new PngEncoder());
        image.Mutate(x => x.AutoOrient());
        image.Metadata.ExifProfile = null;
        image.Metadata.XmpProfile = null;
        image.Save(upright, new PngEncoder());
        return (source, upright);
    }

    /// <summary>
    /// Browsers show a WebP in stored order whatever its EXIF orientation (Chromium showed a phone's portrait written as
    /// WebP on its side), so a WebP gets the picture upright, and its EXIF and XMP say upright and the turned size.
    /// </summary>
    [Fact]
    public void WebpGetsThePictureUprightAndItsMetadataSaysSo()
    {
        const string Xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
            + "<rdf:Description rdf:about=\"\" xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\" tiff:Orientation=\"6\" tiff:ImageWidth=\"30\" tiff:ImageLength=\"20\"/>"
            + "</rdf:RDF></x:xmpmeta>";
        (string source, string upright) = SidewaysPicture(image =>
        {
            image.Metadata.ExifProfile!.SetValue(ExifTag.PixelXDimension, 30);
            image.Metadata.ExifProfile.SetValue(ExifTag.PixelYDimension, 20);
            image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile(System.Text.Encoding.UTF8.GetBytes(Xmp));
        });
        var options = new ConvolutionOptions { Stride = 2 };
        string written = Path.Combine(folder, "side_out.webp");
        ConversionReport report = ImageFileConvolver.Convert(source, written, new ConvolutionRequest(new[] { KernelLibrary.Get("Emboss") }, options) { Format = OutputFormat.Webp, Quality = 100 }, overwrite: false);
        string expectedPath = Path.Combine(folder, "up_out.png");
        ImageFileConvolver.Convert(upright, expectedPath, new ConvolutionRequest(new[] { KernelLibrary.Get("Emboss") }, options), overwrite: false);
        Assert.True(report.TurnedUpright);

        using var expected = Image.Load<Rgb24>(expectedPath);
        using var actual = Image.Load<Rgb24>(written);
        Assert.Equal((10, 15), (actual.Width, actual.Height));
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        long difference = 0;
        for (int y = 0; y < expected.Height; y++)
        {
            for (int x = 0; x < expected.Width; x++)
            {
                difference += Math.Abs(expected[x, y].R - actual[x, y].R) + Math.Abs(expected[x, y].G - actual[x, y].G) + Math.Abs(expected[x, y].B - actual[x, y].B);
            }
        }

        // Lossy WebP at quality 100: within a few levels on average; the picture on its side would differ by far more.
        Expect.True(difference < 8L * 3 * expected.Width * expected.Height, $"mean difference {difference / (3.0 * expected.Width * expected.Height):F1} levels");

        ExifProfile exif = actual.Metadata.ExifProfile!;
        Assert.Equal((ushort)1, exif.GetValue(ExifTag.Orientation)!.Value);
        Assert.Equal(10, (int)exif.GetValue(ExifTag.PixelXDimension)!.Value);
        Assert.Equal(15, (int)exif.GetValue(ExifTag.PixelYDimension)!.Value);
        System.Xml.Linq.XElement description = actual.Metadata.XmpProfile!.GetDocument()!.Descendants().Single(e => e.Name.LocalName == "Description");
        System.Xml.Linq.XNamespace tiff = "http://ns.adobe.com/tiff/1.0/";
        Assert.Equal("1", (string?)description.Attribute(tiff + "Orientation"));
        Assert.Equal("10", (string?)description.Attribute(tiff + "ImageWidth"));
        Assert.Equal("15", (string?)description.Attribute(tiff + "ImageLength"));
    }

    /// <summary>
    /// A colour profile describes one colour model: an RGB one is left out of a grey result (-Grayscale), a grey one
    /// out of an RGB result (WebP is always RGB), and a profile that fits stays.
    /// </summary>
    [Theory]
    [InlineData(false, true, OutputFormat.Png, false)]
    [InlineData(false, true, OutputFormat.Jpeg, false)]
    [InlineData(false, true, OutputFormat.Tiff, false)]
    [InlineData(false, true, OutputFormat.Webp, true)]
    [InlineData(false, false, OutputFormat.Png, true)]
    [InlineData(true, false, OutputFormat.Webp, false)]
    [InlineData(true, false, OutputFormat.Png, true)]
    [InlineData(true, false, OutputFormat.Jpeg, true)]
    public void AColourProfileStaysOnlyOnTheColourModelItDescribes(bool greySource, bool grayscale, OutputFormat format, bool kept)
    {
        // The header of a display profile: size, class, data colour space, connection space XYZ, signature.
        var profile = new byte[132];
        profile[3] = 132;
        System.Text.Encoding.ASCII.GetBytes("mntr" + (greySource ? "GRAY" : "RGB ") + "XYZ ").CopyTo(profile, 12);
        System.Text.Encoding.ASCII.GetBytes("acsp").CopyTo(profile, 36);
        string source = Path.Combine(folder, "profiled.jpg");
        using (var image = new Image<Rgb24>(12, 8, new Rgb24(200, 120, 40)))
        {
            image.Metadata.IccProfile = new SixLabors.ImageSharp.Metadata.Profiles.Icc.IccProfile(profile);
            image.Save(source, new JpegEncoder { Quality = 90, ColorType = greySource ? JpegColorType.Luminance : JpegColorType.YCbCrRatio444 });
        }

        string output = Path.Combine(folder, "profiled_out" + ImageFormats.GetExtension(format));
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, new ConvolutionOptions { Grayscale = grayscale }) { Format = format };
        ConversionReport report = ImageFileConvolver.Convert(source, output, request, overwrite: false);
        Assert.Equal(!kept, report.ProfileLeftOut);

        // Read back from the bytes written: ImageSharp 2.1 reads no profile from PNG or WebP.
        byte[] written = File.ReadAllBytes(output);
        bool hasProfile = format switch
        {
            OutputFormat.Png => PngChunks(output).Contains("iCCP"),
            OutputFormat.Webp => System.Text.Encoding.ASCII.GetString(written).Contains("ICCP"),
            _ => System.Text.Encoding.ASCII.GetString(written).Contains("acsp"),
        };
        Assert.Equal(kept, hasProfile);
    }

    [Theory]
    [InlineData("RGB ", false, true)]
    [InlineData("RGB ", true, false)]
    [InlineData("GRAY", true, true)]
    [InlineData("GRAY", false, false)]
    [InlineData("CMYK", false, false)]
    [InlineData("Lab ", false, false)]
    public void AProfileFitsTheColourModelItsHeaderNames(string space, bool grey, bool fits)
    {
        // A CMYK JPEG's print profile does not describe the RGB it is decoded to.
        var profile = new byte[132];
        profile[3] = 132;
        System.Text.Encoding.ASCII.GetBytes("prtr" + space + "Lab ").CopyTo(profile, 12);
        System.Text.Encoding.ASCII.GetBytes("acsp").CopyTo(profile, 36);
        Assert.Equal(fits, MetadataFidelity.ProfileFits(new SixLabors.ImageSharp.Metadata.Profiles.Icc.IccProfile(profile), grey));
        Assert.False(MetadataFidelity.ProfileFits(new SixLabors.ImageSharp.Metadata.Profiles.Icc.IccProfile(new byte[12]), grey));
    }

    [Theory]
    [InlineData("chroma444.jpg", false)]
    [InlineData("chroma422.jpg", false)]
    [InlineData("chroma440.jpg", false)]
    [InlineData("chroma411.jpg", false)]
    [InlineData("chroma420.jpg", true)]
    [InlineData("grey.jpg", true)]
    public void JpegKeepsItsChromaResolution(string name, bool halved)
    {
        // ImageSharp's own metadata calls the 4:2:2 and 4:4:0 files 4:2:0; the frame header says otherwise.
        string source = Path.Combine(RepositoryPaths.Find("tests", "corpus", "jpeg"), name);
        using (FileStream stream = File.OpenRead(source))
        {
            Assert.Equal(halved, SourceProbe.JpegChromaHalved(stream));
            Assert.Equal(0, stream.Position);
        }

        // Finer chroma than 4:2:0 is written 4:4:4 (the encoder has no 4:2:2), 4:2:0 stays 4:2:0, grey stays grey.
        string output = Path.Combine(folder, name);
        ImageFileConvolver.Convert(source, output, Request("Sharpen"), overwrite: false);
        using var result = Image.Load<Rgb24>(output);
        JpegColorType expected = name == "grey.jpg" ? JpegColorType.Luminance : halved ? JpegColorType.YCbCrRatio420 : JpegColorType.YCbCrRatio444;
        Assert.Equal(expected, result.Metadata.GetJpegMetadata().ColorType);
    }

    [Fact]
    public void JpegFromAnotherFormatIsWrittenFourTwoZeroAndABrokenHeaderReadsAsHalved()
    {
        string source = Path.Combine(folder, "colour.png");
        using (var image = new Image<Rgb24>(16, 16, new Rgb24(200, 30, 30)))
        {
            image.Save(source);
        }

        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = OutputFormat.Jpeg };
        string output = Path.Combine(folder, "colour.jpg");
        ImageFileConvolver.Convert(source, output, request, overwrite: false);
        using (var result = Image.Load<Rgb24>(output))
        {
            Assert.Equal(JpegColorType.YCbCrRatio420, result.Metadata.GetJpegMetadata().ColorType);
        }

        // Cut inside the frame header, or not a JPEG at all: no answer is read, and the stream is left at its start.
        byte[] whole = File.ReadAllBytes(Path.Combine(RepositoryPaths.Find("tests", "corpus", "jpeg"), "chroma444.jpg"));
        int frame = Enumerable.Range(0, whole.Length - 1).First(i => whole[i] == 0xFF && whole[i + 1] == 0xC0);
        foreach (byte[] bytes in new[] { whole.AsSpan(0, frame + 12).ToArray(), new byte[] { 0x89, 0x50, 0x4E, 0x47 }, Array.Empty<byte>() })
        {
            using var stream = new MemoryStream(bytes);
            Assert.True(SourceProbe.JpegChromaHalved(stream));
            Assert.Equal(0, stream.Position);
        }
    }

    /// <summary>
    /// Photoshop keeps clipping paths, slices and print settings as image resources in APP13, beside the IPTC record.
    /// ImageSharp 2.1 writes back the IPTC record alone, so a product photo's clipping path was lost. A JPEG written
    /// from a JPEG keeps the resources, without the thumbnail, which would show the old pixels; resources that do not
    /// parse are left to ImageSharp's IPTC record, as before.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AJpegKeepsPhotoshopsResourcesButItsThumbnail(bool wellFormed)
    {
        static byte[] Resource(int id, byte[] data) => System.Text.Encoding.ASCII.GetBytes("8BIM").Concat(new[] { (byte)(id >> 8), (byte)id, (byte)0, (byte)0 })
            .Concat(new[] { (byte)(data.Length >> 24), (byte)(data.Length >> 16), (byte)(data.Length >> 8), (byte)data.Length }).Concat(data).Concat(new byte[data.Length & 1]).ToArray();
        byte[] iptc = { 0x1C, 0x02, 0x00, 0x00, 0x02, 0x00, 0x04, 0x1C, 0x02, 0x78, 0x00, 0x05, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' };
        byte[] resources = System.Text.Encoding.ASCII.GetBytes("Photoshop 3.0\0")
            .Concat(Resource(0x0404, iptc)).Concat(Resource(0x07D0, new byte[78])).Concat(Resource(0x040C, new byte[31])).Concat(Resource(0x0BB7, new byte[] { 1, 2, 3 })).ToArray();
        if (!wellFormed)
        {
            resources[resources.Length - 13] = (byte)'X'; // the last resource's signature, "8BIX"
        }

        byte[] plain;
        using (var image = new Image<Rgb24>(16, 8, new Rgb24(30, 60, 90)))
        using (var encoded = new MemoryStream())
        {
            image.SaveAsJpeg(encoded);
            plain = encoded.ToArray();
        }

        byte[] app13 = new byte[] { 0xFF, 0xED, (byte)((resources.Length + 2) >> 8), (byte)(resources.Length + 2) }.Concat(resources).ToArray();
        string source = Path.Combine(folder, "resources.jpg");
        File.WriteAllBytes(source, plain.Take(2).Concat(app13).Concat(plain.Skip(2)).ToArray());
        string output = Path.Combine(folder, "resources_out.jpg");
        ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false);

        byte[] written = File.ReadAllBytes(output);
        var ids = new List<int>();
        int segments = 0;
        for (int i = 2; i + 4 <= written.Length && written[i] == 0xFF && written[i + 1] != 0xDA; i += 2 + ((written[i + 2] << 8) | written[i + 3]))
        {
            if (written[i + 1] != 0xED)
            {
                continue;
            }

            segments++;
            int end = i + 2 + ((written[i + 2] << 8) | written[i + 3]);
            for (int r = i + 4 + 14; r + 12 <= end && System.Text.Encoding.ASCII.GetString(written, r, 4) == "8BIM";)
            {
                ids.Add((written[r + 4] << 8) | written[r + 5]);
                int size = (written[r + 8] << 24) | (written[r + 9] << 16) | (written[r + 10] << 8) | written[r + 11];
                r += 12 + size + (size & 1);
            }
        }

        Assert.Equal(1, segments);
        Assert.Equal(wellFormed ? new[] { 0x0404, 0x07D0, 0x0BB7 } : new[] { 0x0404 }, ids.ToArray());
    }

    /// <summary>
    /// Photoshop and Lightroom write an XMP packet too large for one JPEG segment as a standard packet naming, by GUID,
    /// an extended one split over APP1 segments of its own. ImageSharp 2.1 reads past those, so the history in them
    /// was lost. A JPEG written from a JPEG keeps the parts its standard packet names, as they were, and not parts of
    /// another GUID.
    /// </summary>
    [Fact]
    public void AJpegKeepsTheExtendedXmpItsPacketNames()
    {
        byte[] extended = System.Text.Encoding.UTF8.GetBytes("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"><photoshop:History>" + new string('h', 100_000) + "</photoshop:History></rdf:Description></rdf:RDF></x:xmpmeta>");
        string guid;
        using (var md5 = System.Security.Cryptography.MD5.Create())
        {
            guid = BitConverter.ToString(md5.ComputeHash(extended)).Replace("-", string.Empty);
        }

        string standard = "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:xmpNote=\"http://ns.adobe.com/xmp/note/\" xmpNote:HasExtendedXMP=\"" + guid + "\"/></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
        static byte[] App1(byte[] payload) => new byte[] { 0xFF, 0xE1, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2) }.Concat(payload).ToArray();
        static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);
        var parts = new List<byte[]>();
        for (int offset = 0; offset < extended.Length; offset += 65000)
        {
            byte[] chunk = extended.Skip(offset).Take(65000).ToArray();
            byte[] numbers = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(numbers, extended.Length);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(numbers.AsSpan(4), offset);
            parts.Add(App1(Ascii("http://ns.adobe.com/xmp/extension/\0" + guid).Concat(numbers).Concat(chunk).ToArray()));
        }

        // A part of another packet, which the standard one does not name.
        byte[] stray = App1(Ascii("http://ns.adobe.com/xmp/extension/\0" + new string('0', 32)).Concat(new byte[8]).Concat(Ascii("stray")).ToArray());
        byte[] plain;
        using (var image = new Image<Rgb24>(16, 8, new Rgb24(30, 60, 90)))
        using (var encoded = new MemoryStream())
        {
            image.SaveAsJpeg(encoded);
            plain = encoded.ToArray();
        }

        string source = Path.Combine(folder, "extended.jpg");
        File.WriteAllBytes(source, plain.Take(2).Concat(App1(Ascii("http://ns.adobe.com/xap/1.0/\0" + standard))).Concat(parts.SelectMany(p => p)).Concat(stray).Concat(plain.Skip(2)).ToArray());
        string output = Path.Combine(folder, "extended_out.jpg");
        ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false);
        byte[] written = File.ReadAllBytes(output);
        var app1 = new List<byte[]>();
        for (int i = 2; i + 4 <= written.Length && written[i] == 0xFF && written[i + 1] != 0xDA; i += 2 + ((written[i + 2] << 8) | written[i + 3]))
        {
            if (written[i + 1] == 0xE1)
            {
                app1.Add(written.Skip(i).Take(2 + ((written[i + 2] << 8) | written[i + 3])).ToArray());
            }
        }

        Assert.Equal(1 + parts.Count, app1.Count);
        Assert.Contains(guid, System.Text.Encoding.UTF8.GetString(app1[0]));
        for (int k = 0; k < parts.Count; k++)
        {
            Assert.Equal(parts[k], app1[1 + k]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JpegCommentsAreKeptInOrderAfterTheApplicationSegments(bool grayscale)
    {
        // ImageSharp writes no comment segment, so the source gets two put in by hand, after its APP0 segment.
        string source = Path.Combine(folder, "commented.jpg");
        using (var image = new Image<Rgb24>(12, 10, new Rgb24(90, 120, 30)))
        {
            using var encoded = new MemoryStream();
            image.Save(encoded, new JpegEncoder { Quality = 90 });
            byte[] bytes = encoded.ToArray();
            File.WriteAllBytes(source, WithComments(bytes, System.Text.Encoding.ASCII.GetBytes("first comment"), System.Text.Encoding.ASCII.GetBytes("(c) second")));
        }

        string output = Path.Combine(folder, grayscale ? "commented_grey.jpg" : "commented_out.jpg");
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, new ConvolutionOptions { Grayscale = grayscale });
        ImageFileConvolver.Convert(source, output, request, overwrite: false);

        // The output's segments before the scan, read here byte by byte.
        byte[] written = File.ReadAllBytes(output);
        var markers = new System.Collections.Generic.List<byte>();
        var texts = new System.Collections.Generic.List<string>();
        for (int i = 2; written[i + 1] != 0xDA; i += 2 + ((written[i + 2] << 8) | written[i + 3]))
        {
            Assert.Equal(0xFF, written[i]);
            markers.Add(written[i + 1]);
            if (written[i + 1] == 0xFE)
            {
                texts.Add(System.Text.Encoding.ASCII.GetString(written, i + 4, ((written[i + 2] << 8) | written[i + 3]) - 2));
            }
        }

        Assert.Equal(new[] { "first comment", "(c) second" }, texts);
        // JFIF's APP0 first, as it requires; the comments after every APPn segment, together.
        int firstComment = markers.IndexOf(0xFE);
        Assert.Equal(0xE0, markers[0]);
        Assert.All(markers.Take(firstComment), m => Assert.InRange(m, (byte)0xE0, (byte)0xEF));
        Assert.DoesNotContain(markers.Skip(firstComment + 2), m => m == 0xFE);
        using var result = Image.Load<Rgb24>(output);
        Assert.Equal(grayscale ? JpegColorType.Luminance : JpegColorType.YCbCrRatio420, result.Metadata.GetJpegMetadata().ColorType);
    }

    [Theory]
    [InlineData("jpg", OutputFormat.Png)]
    [InlineData("jpg", OutputFormat.Gif)]
    [InlineData("jpg", OutputFormat.Tiff)]
    [InlineData("jpg", OutputFormat.Webp)]
    [InlineData("png", OutputFormat.Jpeg)]
    [InlineData("png", OutputFormat.Gif)]
    [InlineData("png", OutputFormat.Bmp)]
    [InlineData("png", OutputFormat.Tiff)]
    [InlineData("gif", OutputFormat.Jpeg)]
    [InlineData("gif", OutputFormat.Png)]
    [InlineData("gif", OutputFormat.Tiff)]
    public void CommentsCrossBetweenJpegPngAndGifAndWhatHasNoPlaceIsReported(string from, OutputFormat to)
    {
        // ImageSharp 2.1 keeps a JPEG's comment segments, a PNG's text and a GIF's comments only within one format:
        // written to another, every one of them was lost without a word.
        string source = Path.Combine(folder, "noted." + from);
        using (var image = new Image<Rgb24>(12, 10, new Rgb24(90, 120, 30)))
        {
            using var encoded = new MemoryStream();
            switch (from)
            {
                case "jpg":
                    image.Save(encoded, new JpegEncoder { Quality = 90 });
                    break;
                case "png":
                    image.Metadata.GetPngMetadata().TextData.Add(new PngTextData("Comment", "(c) Ana, Caf\u00e9", string.Empty, string.Empty));
                    image.Metadata.GetPngMetadata().TextData.Add(new PngTextData("parameters", "a cat, Steps: 20", string.Empty, string.Empty));
                    image.Save(encoded, new PngEncoder());
                    break;
                default:
                    image.Metadata.GetGifMetadata().Comments.Add("(c) Ana");
                    image.Save(encoded, new GifEncoder());
                    break;
            }

            byte[] bytes = encoded.ToArray();
            if (from == "jpg")
            {
                // Two comments after APP0: one in UTF-8, one in Latin-1 (older tools'), read as the characters they hold.
                bytes = WithComments(bytes, System.Text.Encoding.UTF8.GetBytes("(c) Ana, Caf\u00e9"), new byte[] { 0xC4, 0x72, 0x67, 0x65, 0x72 });
            }

            File.WriteAllBytes(source, bytes);
        }

        string output = Path.Combine(folder, "out." + to.ToString().ToLowerInvariant());
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to }, overwrite: false);

        string[] expected = from switch
        {
            "jpg" => new[] { "(c) Ana, Caf\u00e9", "\u00c4rger" },
            "png" => new[] { "(c) Ana, Caf\u00e9" },
            _ => new[] { "(c) Ana" },
        };
        string[] written;
        using (var result = Image.Load<Rgb24>(output))
        {
            written = to switch
            {
                OutputFormat.Png => result.Metadata.GetPngMetadata().TextData.Select(t => t.Keyword + ": " + t.Value).ToArray(),
                OutputFormat.Gif => result.Metadata.GetGifMetadata().Comments.ToArray(),
                OutputFormat.Jpeg => JpegComments(File.ReadAllBytes(output)),
                // ImageSharp reads a TIFF's own tags onto its first frame.
                OutputFormat.Tiff => result.Frames.RootFrame.Metadata.ExifProfile?.GetValue(ExifTag.ImageDescription)?.Value.Split('\n') ?? Array.Empty<string>(),
                _ => Array.Empty<string>(),
            };
        }

        switch (to)
        {
            case OutputFormat.Png:
                Assert.Equal(expected.Select(c => "Comment: " + c), written);
                Assert.False(report.TextLeftOut);
                break;
            case OutputFormat.Jpeg:
                // A comment, in UTF-8; a PNG's other text has no place in a JPEG.
                Assert.Equal(expected, written);
                Assert.Equal(from == "png", report.TextLeftOut);
                break;
            case OutputFormat.Tiff:
                // In ImageDescription, one comment a line, as ImageMagick writes them.
                Assert.Equal(expected, written);
                Assert.Equal(from == "png", report.TextLeftOut);
                break;
            case OutputFormat.Gif:
                // GIF's comments are ASCII: one with another character is left out, not garbled.
                Assert.Equal(expected.Where(c => c.All(ch => ch < 0x80)), written);
                Assert.True(report.TextLeftOut);
                break;
            default:
                Assert.True(report.TextLeftOut);
                break;
        }
    }

    [Fact]
    public void ATiffKeepsTheDescriptionItsSourceHasAndReportsTheCommentLeftOut()
    {
        // EXIF's ImageDescription becomes the TIFF's: a JPEG's comment beside it has no place there.
        string source = Path.Combine(folder, "described.jpg");
        using (var image = new Image<Rgb24>(12, 10, new Rgb24(90, 120, 30)))
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.ImageDescription, "a field at dawn");
            using var encoded = new MemoryStream();
            image.Save(encoded, new JpegEncoder { Quality = 90 });
            byte[] bytes = encoded.ToArray();
            File.WriteAllBytes(source, WithComments(bytes, System.Text.Encoding.ASCII.GetBytes("(c) Ana")));
        }

        string output = Path.Combine(folder, "described.tif");
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = OutputFormat.Tiff }, overwrite: false);
        Assert.True(report.TextLeftOut);
        using var result = Image.Load<Rgb24>(output);
        Assert.Equal("a field at dawn", result.Frames.RootFrame.Metadata.ExifProfile?.GetValue(ExifTag.ImageDescription)?.Value);
    }

    [Fact]
    public void AFileWithoutTextReportsNoneLeftOut()
    {
        string source = Path.Combine(folder, "plain.png");
        using (var image = new Image<Rgb24>(12, 10, new Rgb24(90, 120, 30)))
        {
            image.Save(source, new PngEncoder());
        }

        foreach (OutputFormat to in new[] { OutputFormat.Jpeg, OutputFormat.Tiff, OutputFormat.Webp })
        {
            ConversionReport report = ImageFileConvolver.Convert(source, Path.Combine(folder, "plain_out." + to), new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to }, overwrite: false);
            Assert.False(report.TextLeftOut);
        }
    }

    [Theory]
    [InlineData(1.0f, false, OutputFormat.Jpeg, true)]
    [InlineData(1.0f, false, OutputFormat.Tiff, true)]
    [InlineData(1.0f, false, OutputFormat.Webp, true)]
    [InlineData(1.0f, false, OutputFormat.Png, false)]
    [InlineData(1.0f, true, OutputFormat.Jpeg, false)]
    [InlineData(0.45455f, false, OutputFormat.Jpeg, false)]
    [InlineData(0f, false, OutputFormat.Jpeg, false)]
    public void APngsOwnGammaLeftOutOfAnotherFormatIsReported(float gamma, bool srgbChunk, OutputFormat to, bool reported)
    {
        // A gAMA of 1.0 (linear) written as JPEG was left out without a word, and viewers then showed the picture
        // darker in its midtones than the PNG; sRGB's own gamma (1/2.2), none, or an sRGB chunk (which viewers follow
        // instead of gAMA) changes nothing.
        string source = Path.Combine(folder, $"gamma{gamma}{srgbChunk}.png");
        using (var image = new Image<Rgb24>(12, 10, new Rgb24(90, 120, 30)))
        {
            image.Metadata.GetPngMetadata().Gamma = gamma;
            using var encoded = new MemoryStream();
            image.Save(encoded, new PngEncoder());
            byte[] bytes = encoded.ToArray();
            File.WriteAllBytes(source, srgbChunk ? bytes.Take(33).Concat(PngChunk("sRGB", new byte[] { 0 })).Concat(bytes.Skip(33)).ToArray() : bytes);
        }

        string output = Path.Combine(folder, $"gamma{gamma}{srgbChunk}_out." + to);
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to }, overwrite: false);
        Assert.Equal(reported, report.ColourSpaceLeftOut);
        if (to == OutputFormat.Png)
        {
            using var result = Image.Load<Rgb24>(output);
            Assert.Equal(gamma, result.Metadata.GetPngMetadata().Gamma, 4);
        }
    }

    [Theory]
    [InlineData("adobe", false, OutputFormat.Jpeg, true)]
    [InlineData("adobe", false, OutputFormat.Webp, true)]
    [InlineData("wide white", false, OutputFormat.Tiff, true)]
    [InlineData("srgb", false, OutputFormat.Jpeg, false)]
    [InlineData("srgb rounded", false, OutputFormat.Jpeg, false)]
    [InlineData("adobe", true, OutputFormat.Jpeg, false)]
    [InlineData("adobe", false, OutputFormat.Png, false)]
    public void APngsOwnPrimariesLeftOutOfAnotherFormatAreReported(string primaries, bool srgbChunk, OutputFormat to, bool reported)
    {
        // A wide-gamut PNG saved without a profile states its primaries in a cHRM chunk. Written as JPEG they were left
        // out without a word, and colour-managed viewers then showed its colours duller; sRGB's own primaries (as
        // ImageMagick writes them beside gAMA 0.45455), or an sRGB chunk, change nothing.
        int[] values = primaries switch
        {
            "adobe" => new[] { 31270, 32900, 64000, 33000, 21000, 71000, 15000, 6000 },
            "wide white" => new[] { 34567, 35850, 64000, 33000, 30000, 60000, 15000, 6000 },
            "srgb rounded" => new[] { 31269, 32899, 64000, 33000, 30000, 60000, 15000, 6000 },
            _ => new[] { 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000 },
        };
        byte[] chrm = values.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }).ToArray();
        string source = Path.Combine(folder, $"primaries {primaries}{srgbChunk}.png");
        using (var image = new Image<Rgb24>(12, 10, new Rgb24(90, 120, 30)))
        {
            using var encoded = new MemoryStream();
            image.Save(encoded, new PngEncoder());
            byte[] bytes = encoded.ToArray();
            IEnumerable<byte> chunks = PngChunk("cHRM", chrm);
            if (srgbChunk)
            {
                chunks = chunks.Concat(PngChunk("sRGB", new byte[] { 0 }));
            }

            File.WriteAllBytes(source, bytes.Take(33).Concat(chunks).Concat(bytes.Skip(33)).ToArray());
        }

        string output = Path.Combine(folder, $"primaries {primaries}{srgbChunk}_out." + to);
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to }, overwrite: false);
        Assert.Equal(reported, report.ColourSpaceLeftOut);
        if (to == OutputFormat.Png)
        {
            // Kept in a PNG, as they were.
            Assert.True(File.ReadAllBytes(output).AsSpan().IndexOf(PngChunk("cHRM", chrm)) > 0);
        }
    }

    // A JPEG with comment segments (COM) put in after its APP0 segment, as ImageSharp writes none.
    private static byte[] WithComments(byte[] jpeg, params byte[][] texts)
    {
        int app0 = 4 + ((jpeg[4] << 8) | jpeg[5]);
        IEnumerable<byte> segments = texts.SelectMany(text => new byte[] { 0xFF, 0xFE, (byte)((text.Length + 2) >> 8), (byte)(text.Length + 2) }.Concat(text));
        return jpeg.Take(app0).Concat(segments).Concat(jpeg.Skip(app0)).ToArray();
    }

    // The texts of a JPEG's comment segments, as UTF-8.
    private static string[] JpegComments(byte[] jpeg)
    {
        var texts = new System.Collections.Generic.List<string>();
        for (int i = 2; jpeg[i + 1] != 0xDA; i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]))
        {
            if (jpeg[i + 1] == 0xFE)
            {
                texts.Add(System.Text.Encoding.UTF8.GetString(jpeg, i + 4, ((jpeg[i + 2] << 8) | jpeg[i + 3]) - 2));
            }
        }

        return texts.ToArray();
    }

    [Theory]
    [InlineData("cmyk.tif", "Separated")]
    [InlineData("cielab.tif", "CieLab")]
    [InlineData("lzma.tif", "34925")]
    [InlineData("animated.webp", "Animated webp")]
    [InlineData("animated.png", "APNG) of 3 frames")]
    public void WellFormedFilesTheDecoderCannotReadAreUnsupportedNotCorrupt(string name, string feature)
    {
        string source = Path.Combine(folder, name);
        File.Copy(Path.Combine(RepositoryPaths.Find("tests", "corpus", "unsupported"), name), source);
        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(source, Path.Combine(folder, "out.png"), Request("Box3"), overwrite: false));
        Assert.Equal(ConvolutionErrorKind.UnsupportedImage, error.Kind);
        Assert.Contains(source, error.Message);
        Assert.Contains(feature, error.Message);
        Assert.DoesNotContain("damaged", error.Message);
        Assert.Equal(new[] { name }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ATransparentColourKeyBecomesAlphaAndIsNotWrittenAgain(bool colour, bool sixteen)
    {
        // A grey or RGB PNG whose tRNS chunk makes one colour transparent: decoded with alpha, written with an alpha
        // channel, and (PNG 11.3.2.1) without tRNS, which ImageSharp 2.1 copied from the source's metadata.
        string source = Path.Combine(folder, "keyed.png");
        using (var image = new Image<Rgb48>(10, 6, new Rgb48(20000, 20000, 20000)))
        {
            image[3, 2] = new Rgb48(5140, 5140, 5140);
            using var encoded = new MemoryStream();
            image.Save(encoded, new PngEncoder { ColorType = colour ? PngColorType.Rgb : PngColorType.Grayscale, BitDepth = sixteen ? PngBitDepth.Bit16 : PngBitDepth.Bit8 });

            // The key after IHDR (8 + 25 bytes): 5140 (20 in 8 bits) for grey, or for each of R, G and B, 16 bits each.
            byte[] sample = { (byte)(sixteen ? 0x14 : 0), 0x14 };
            byte[] key = colour ? sample.Concat(sample).Concat(sample).ToArray() : sample;
            byte[] bytes = encoded.ToArray();
            File.WriteAllBytes(source, bytes.Take(33).Concat(PngChunk("tRNS", key)).Concat(bytes.Skip(33)).ToArray());
        }

        Assert.Contains("tRNS", PngChunks(source));
        string output = Path.Combine(folder, "keyed_out.png");
        ImageFileConvolver.Convert(source, output, Request("Identity"), overwrite: false);
        Assert.DoesNotContain("tRNS", PngChunks(output));
        using var result = Image.Load<Rgba64>(output);
        PngMetadata png = result.Metadata.GetPngMetadata();
        Assert.Equal(colour ? PngColorType.RgbWithAlpha : PngColorType.GrayscaleWithAlpha, png.ColorType);
        Assert.Equal(sixteen ? PngBitDepth.Bit16 : PngBitDepth.Bit8, png.BitDepth);
        Assert.Equal(0, result[3, 2].A);
        Assert.Equal(ushort.MaxValue, result[4, 2].A);
    }

    [Theory]
    [InlineData(45455u)]
    [InlineData(60000u)]
    [InlineData(22000u)]
    [InlineData(100000u)]
    [InlineData(1u)]
    public void APngKeepsItsGammaExactly(uint gamma)
    {
        // gAMA is an integer, the gamma times 100,000: it is written back as it was read, not one less.
        string source = Path.Combine(folder, "gamma.png");
        using (var image = new Image<Rgb24>(10, 6, new Rgb24(90, 120, 150)))
        {
            using var encoded = new MemoryStream();
            image.Save(encoded, new PngEncoder { ColorType = PngColorType.Rgb });
            byte[] value = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(value, gamma);
            byte[] bytes = encoded.ToArray();
            File.WriteAllBytes(source, bytes.Take(33).Concat(PngChunk("gAMA", value)).Concat(bytes.Skip(33)).ToArray());
        }

        string output = Path.Combine(folder, "gamma_out.png");
        ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false);
        using var written = File.OpenRead(output);
        byte[]? chunk = MetadataFidelity.ReadPngChunk(written, "gAMA");
        Assert.NotNull(chunk);
        Assert.Equal(gamma, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(chunk));
    }

    /// <summary>
    /// A PNG's cHRM (primaries and white point) and sRGB (rendering intent) were dropped: ImageSharp 2.1 reads past
    /// them. They are written back, ahead of the image data; sRGB not beside an iCCP chunk, as the specification asks,
    /// and not from a chunk of the wrong size. -Grayscale keeps them (both apply to grey); other formats have neither.
    /// </summary>
    [Theory]
    [InlineData(false, false, PngColorType.Rgb)]
    [InlineData(true, false, PngColorType.Rgb)]
    [InlineData(false, true, PngColorType.Rgb)]
    [InlineData(false, false, PngColorType.Palette)]
    public void APngKeepsItsChromaticitiesAndRenderingIntent(bool profiled, bool grayscale, PngColorType colorType)
    {
        byte[] chromaticities = new byte[32];
        uint[] values = { 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000 };
        for (int i = 0; i < 8; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(chromaticities.AsSpan(4 * i), values[i]);
        }

        string source = Path.Combine(folder, "colour.png");
        using (var image = new Image<Rgb24>(10, 6, new Rgb24(90, 120, 150)))
        {
            using var encoded = new MemoryStream();
            image.Save(encoded, new PngEncoder { ColorType = colorType });
            byte[] bytes = encoded.ToArray();
            var profile = new byte[132];
            profile[3] = 132;
            System.Text.Encoding.ASCII.GetBytes("mntrRGB XYZ ").CopyTo(profile, 12);
            System.Text.Encoding.ASCII.GetBytes("acsp").CopyTo(profile, 36);
            byte[] icc = profiled ? MetadataFidelity.PngIccChunk(new SixLabors.ImageSharp.Metadata.Profiles.Icc.IccProfile(profile))! : Array.Empty<byte>();
            File.WriteAllBytes(source, bytes.Take(33).Concat(icc).Concat(PngChunk("cHRM", chromaticities)).Concat(PngChunk("sRGB", new byte[] { 1 })).Concat(PngChunk("sBIT", new byte[] { 8, 8, 8 })).Concat(bytes.Skip(33)).ToArray());
        }

        string output = Path.Combine(folder, "colour_out.png");
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, new ConvolutionOptions { Grayscale = grayscale });
        ImageFileConvolver.Convert(source, output, request, overwrite: false);
        using (var written = File.OpenRead(output))
        {
            Assert.Equal(chromaticities, MetadataFidelity.ReadPngChunk(written, "cHRM"));
            Assert.Equal(profiled ? null : new byte[] { 1 }, MetadataFidelity.ReadPngChunk(written, "sRGB"));
            Assert.Equal(profiled, MetadataFidelity.ReadPngChunk(written, "iCCP") is not null);
        }

        string[] chunks = PngChunks(output);
        Assert.True(Array.IndexOf(chunks, "cHRM") < Array.IndexOf(chunks, "IDAT"));
        Assert.True(Array.IndexOf(chunks, "PLTE") < 0 || Array.IndexOf(chunks, "cHRM") < Array.IndexOf(chunks, "PLTE"));

        // To another format, nothing of them; a damaged sRGB (two bytes) is left out.
        string jpeg = Path.Combine(folder, "colour_out.jpg");
        ImageFileConvolver.Convert(source, jpeg, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, new ConvolutionOptions()) { Format = OutputFormat.Jpeg }, overwrite: false);
        Assert.DoesNotContain("cHRM", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(jpeg)));
        byte[] plain = File.ReadAllBytes(source);
        int at = System.Text.Encoding.ASCII.GetString(plain).IndexOf("sRGB", StringComparison.Ordinal) - 4;
        File.WriteAllBytes(source, plain.Take(at).Concat(PngChunk("sRGB", new byte[] { 1, 0 })).Concat(plain.Skip(at + 13)).ToArray());
        ImageFileConvolver.Convert(source, output, request, overwrite: true);
        using (var written = File.OpenRead(output))
        {
            Assert.Null(MetadataFidelity.ReadPngChunk(written, "sRGB"));
            Assert.Equal(chromaticities, MetadataFidelity.ReadPngChunk(written, "cHRM"));
        }
    }

    // A PNG chunk: length, type, data, and the CRC-32 of type and data.
    private static byte[] PngChunk(string type, byte[] data)
    {
        byte[] body = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        uint crc = 0xFFFFFFFF;
        foreach (byte b in body)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320 & (0 - (crc & 1)));
            }
        }

        crc = ~crc;
        byte[] BigEndian(uint v) => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v };
        return BigEndian((uint)data.Length).Concat(body).Concat(BigEndian(crc)).ToArray();
    }

    // The chunk types of a PNG file, in order.
    private static string[] PngChunks(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var types = new System.Collections.Generic.List<string>();
        for (int i = 8; i + 8 <= bytes.Length; i += 12 + ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]))
        {
            types.Add(System.Text.Encoding.ASCII.GetString(bytes, i + 4, 4));
        }

        return types.ToArray();
    }

    [Fact]
    public void GifGetsAllOrNothingAlphaAtHalfWithNoSpecks()
    {
        // A cut-out whose blurred rim has every alpha from 0 to 255. ImageSharp's GIF quantizer dithered alpha: in
        // a trial, 476 of 7,921 pixels transparent in the blurred result came out opaque, and opaque ones transparent.
        string source = Path.Combine(folder, "cutout.png");
        using (var image = new Image<Rgba32>(60, 40))
        {
            for (int y = 0; y < 40; y++)
            {
                for (int x = 0; x < 60; x++)
                {
                    bool inside = ((x - 30) * (x - 30) / 400.0) + ((y - 20) * (y - 20) / 144.0) <= 1;
                    image[x, y] = inside ? new Rgba32((byte)(4 * x), (byte)(6 * y), 200, 255) : new Rgba32(0, 0, 0, 0);
                }
            }

            image.Save(source);
        }

        var blur = new ConvolutionRequest(new[] { KernelLibrary.Gaussian(7, 2) }, ConvolutionOptions.Default);
        string png = Path.Combine(folder, "cutout_blur.png");
        Assert.False(ImageFileConvolver.Convert(source, png, blur, overwrite: false).AlphaThresholded);
        var toGif = new ConvolutionRequest(new[] { KernelLibrary.Gaussian(7, 2) }, ConvolutionOptions.Default) { Format = OutputFormat.Gif };
        string gif = Path.Combine(folder, "cutout_blur.gif");
        Assert.True(ImageFileConvolver.Convert(source, gif, toGif, overwrite: false).AlphaThresholded);

        using var expected = Image.Load<Rgba32>(png);
        using var written = Image.Load<Rgba32>(gif);
        int partial = 0;
        for (int y = 0; y < 40; y++)
        {
            for (int x = 0; x < 60; x++)
            {
                byte a = expected[x, y].A;
                partial += a is > 0 and < 255 ? 1 : 0;
                Assert.Equal(a >= 128 ? 255 : 0, written[x, y].A);
            }
        }

        Expect.True(partial > 50, $"{partial} partly transparent pixels");

        // Alpha that is already all or nothing is left to the encoder, and no conversion is reported.
        string binary = Path.Combine(folder, "cutout_again.gif");
        Assert.False(ImageFileConvolver.Convert(source, binary, new ConvolutionRequest(new[] { KernelLibrary.Get("Identity") }, ConvolutionOptions.Default) { Format = OutputFormat.Gif }, overwrite: false).AlphaThresholded);
    }

    [Theory]
    [InlineData("empty.png", new byte[0], ConvolutionErrorKind.NotAnImage)]
    [InlineData("text.jpg", new byte[] { 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a }, ConvolutionErrorKind.NotAnImage)]
    public void NonImagesAreRefusedAndNothingIsWritten(string name, byte[] content, ConvolutionErrorKind kind)
    {
        string source = Path.Combine(folder, name);
        File.WriteAllBytes(source, content);
        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(source, Path.Combine(folder, "out.png"), Request("Box3"), overwrite: false));
        Assert.Equal(kind, error.Kind);
        Assert.Contains(source, error.Message);
        Assert.Equal(new[] { name }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
    }

    /// <summary>
    /// An iPhone's HEIC photo, an AVIF or JPEG XL image and a Photoshop document were "not an image in a supported
    /// format", which leaves a user wondering what is wrong with the photo. The error names the format; so it does for
    /// Netpbm's PAM and floating-point maps, which that message's "Netpbm" seemed to promise, JPEG 2000 and OpenEXR.
    /// </summary>
    [Theory]
    [InlineData("IMG_0001.HEIC", "\0\0\0\u0018ftypheic\0\0\0\0mif1heic", "a HEIF image (HEIC)")]
    [InlineData("photo.heic", "\0\0\0\u0018ftypmif1\0\0\0\0mif1heic", "a HEIF image (HEIC)")]
    [InlineData("picture.avif", "\0\0\0\u001cftypavif\0\0\0\0avifmif1miaf", "an AVIF image")]
    [InlineData("a.jxl", "\xff\x0a\xfa", "a JPEG XL image")]
    [InlineData("b.jxl", "\0\0\0\x0cJXL \r\n\x87\n", "a JPEG XL image")]
    [InlineData("layers.psd", "8BPS\0\x01", "a Photoshop document (PSD)")]
    [InlineData("alpha.pam", "P7\nWIDTH 4\nHEIGHT 4\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n", "a Netpbm PAM image (P7)")]
    [InlineData("hdr.pfm", "PF\n4 4\n-1.0\n", "a Netpbm floating-point map (PFM)")]
    [InlineData("grey.pfm", "Pf\n4 4\n-1.0\n", "a Netpbm floating-point map (PFM)")]
    [InlineData("scan.jp2", "\0\0\0\x0cjP  \r\n\x87\n", "a JPEG 2000 image")]
    [InlineData("scan.j2k", "\xff\x4f\xff\x51\0\x2f", "a JPEG 2000 image")]
    [InlineData("render.exr", "\x76\x2f\x31\x01\x02\0\0\0", "an OpenEXR image")]
    public void FormatsTheDecoderDoesNotReadAreNamed(string name, string start, string format)
    {
        string source = Path.Combine(folder, name);
        File.WriteAllBytes(source, start.Select(c => (byte)c).Concat(new byte[200]).ToArray());
        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(source, Path.Combine(folder, "out.png"), Request("Box3"), overwrite: false));
        Assert.Equal(ConvolutionErrorKind.NotAnImage, error.Kind);
        Assert.Equal($"'{source}' is {format}, a format the decoder (ImageSharp 2.1) does not read; convert it to one it does (PNG, JPEG, GIF, BMP, TIFF, WebP, TGA, Netpbm PBM, PGM and PPM) first.", error.Message);
        Assert.Equal(new[] { name }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());

        // An ISO file of another kind (an MP4 video) is still just not an image.
        File.WriteAllBytes(source, "\0\0\0\u0018ftypisom\0\0\0\0isomavc1".Select(c => (byte)c).Concat(new byte[200]).ToArray());
        Assert.Contains("is not an image in a supported format", Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(source, Path.Combine(folder, "out.png"), Request("Box3"), overwrite: false)).Message);
    }

    /// <summary>
    /// A camera's raw file is a TIFF whose first image is a small preview (NEF, most DNGs) or the sensor's data. Given
    /// a NEF, the module convolved its 160x120 preview and wrote it under the raw file's name, without a word. Raw
    /// files are refused; a TIFF that only looks like one in part (a reduced-resolution first image without
    /// sub-images, pixel bytes "CR" where a CR2 has its signature) is processed as before.
    /// </summary>
    [Theory]
    [InlineData("raw.NEF", 1, true, false, false, true)]
    [InlineData("raw.dng", 0, false, true, false, true)]
    [InlineData("raw.CR2", 0, false, false, true, true)]
    [InlineData("preview.tif", 1, false, false, false, false)]
    [InlineData("pixels.tif", 0, false, false, false, false)]
    public void CameraRawFilesAreRefusedAndTiffsThatLookAlikeAreNot(string name, int subfileType, bool subImages, bool dng, bool canon, bool refused)
    {
        // An 8x6 grey TIFF, little-endian: its pixels right after the header (the first two "CR", version 2.0), its
        // directory after them, or at 16 behind a CR2 signature.
        const int W = 8, H = 6;
        byte[] pixels = new byte[W * H];
        pixels[0] = (byte)'C';
        pixels[1] = (byte)'R';
        pixels[2] = 2;
        var entries = new List<(int Tag, int Type, int Value)> { (254, 4, subfileType), (256, 3, W), (257, 3, H), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 0), (277, 3, 1), (278, 3, H), (279, 4, pixels.Length) };
        if (subImages)
        {
            entries.Add((330, 4, 0));
        }

        if (dng)
        {
            entries.Add((50706, 1, 0x00000401));
        }

        int directory = canon ? 16 : 8 + pixels.Length;
        int data = canon ? 16 + 2 + (12 * entries.Count) + 4 : 8;
        var file = new List<byte> { (byte)'I', (byte)'I', 42, 0 };
        file.AddRange(BitConverter.GetBytes(directory));
        var body = new List<byte>();
        body.AddRange(BitConverter.GetBytes((ushort)entries.Count));
        foreach ((int tag, int type, int value) in entries)
        {
            body.AddRange(BitConverter.GetBytes((ushort)tag));
            body.AddRange(BitConverter.GetBytes((ushort)type));
            body.AddRange(BitConverter.GetBytes(type == 1 ? 4 : 1));
            body.AddRange(BitConverter.GetBytes(tag == 273 ? data : tag == 330 ? directory : value));
        }

        body.AddRange(BitConverter.GetBytes(0));
        if (canon)
        {
            file.AddRange(new byte[] { (byte)'C', (byte)'R', 2, 0, 0, 0, 0, 0 });
            file.AddRange(body);
            file.AddRange(pixels);
        }
        else
        {
            file.AddRange(pixels);
            file.AddRange(body);
        }

        string source = Path.Combine(folder, name);
        File.WriteAllBytes(source, file.ToArray());
        string output = Path.Combine(folder, "out.tif");
        if (!refused)
        {
            ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false);
            using var written = Image.Load<Rgb24>(output);
            Assert.Equal((W, H), (written.Width, written.Height));
            return;
        }

        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false));
        Assert.Equal(ConvolutionErrorKind.UnsupportedImage, error.Kind);
        Assert.StartsWith($"'{source}' is a camera's raw file", error.Message);
        Assert.Equal(new[] { name }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
    }

    [Fact]
    public async System.Threading.Tasks.Task ANamedPipeIsRefusedWithoutWaitingForAWriter()
    {
        string pipe = Path.Combine(folder, "pipe.jpg");
        using (var make = System.Diagnostics.Process.Start("mkfifo", "\"" + pipe + "\""))
        {
            make.WaitForExit();
            Assert.Equal(0, make.ExitCode);
        }

        string output = Path.Combine(folder, "out.jpg");
        var run = System.Threading.Tasks.Task.Run(() => ImageFileConvolver.Convert(pipe, output, Request("Box3"), overwrite: false));
        bool answered = await System.Threading.Tasks.Task.WhenAny(run, System.Threading.Tasks.Task.Delay(20_000)) == run;
        if (!answered)
        {
            // Opening the pipe to write lets a reader waiting on it go on, so a failing test does not hang the run.
            File.OpenWrite(pipe).Dispose();
        }

        Assert.True(answered, "The conversion waited for something to write to the pipe.");
        var error = Assert.IsType<ConvolutionException>(run.Exception?.InnerException);
        Assert.Equal(ConvolutionErrorKind.NotAnImage, error.Kind);
        Assert.Contains(pipe, error.Message);
        Assert.False(File.Exists(output));
    }

    // A 64x64 PNG cut off halfway, in the test's folder: decoding it fails as CorruptImage.
    private string CutOffPng(string name)
    {
        using var image = new Image<Rgb24>(64, 64);
        for (int i = 0; i < 64; i++)
        {
            image[i, i] = new Rgb24((byte)i, 100, 200);
        }

        using var whole = new MemoryStream();
        image.SaveAsPng(whole);
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, whole.ToArray().AsSpan(0, (int)whole.Length / 2).ToArray());
        return path;
    }

    [Fact]
    public void TruncatedPngIsCorruptAndLeavesNoOutput()
    {
        string truncated = CutOffPng("cut.png");
        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(truncated, Path.Combine(folder, "cut_out.png"), Request("Box3"), overwrite: false));
        Assert.Equal(ConvolutionErrorKind.CorruptImage, error.Kind);
        Assert.Equal(new[] { "cut.png" }, Directory.GetFiles(folder).Select(Path.GetFileName).ToArray());
    }

    [Fact]
    public void TruncatedJpegIsCorruptThoughTheDecoderWouldFillItIn()
    {
        string whole = Path.Combine(folder, "whole.jpg");
        using (var image = new Image<Rgb24>(256, 256))
        {
            for (int y = 0; y < 256; y++)
            {
                for (int x = 0; x < 256; x++)
                {
                    image[x, y] = new Rgb24((byte)x, (byte)y, (byte)(x ^ y));
                }
            }

            image.Save(whole, new JpegEncoder { Quality = 90 });
        }

        string cut = Path.Combine(folder, "cut.jpg");
        byte[] bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length * 2 / 3).ToArray());
        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(cut, Path.Combine(folder, "cut_out.jpg"), Request("Box3"), overwrite: false));
        Assert.Equal(ConvolutionErrorKind.CorruptImage, error.Kind);
        Assert.Contains("truncated", error.Message);
        ImageFileConvolver.Convert(whole, Path.Combine(folder, "whole_out.jpg"), Request("Box3"), overwrite: false);
        Assert.True(File.Exists(Path.Combine(folder, "whole_out.jpg")));
    }

    // A noisy 160x120 image in each format and form the decoder reads, whole: big enough that PNG's data spans
    // several IDAT chunks and a cut keeps some rows decodable, which ImageSharp then fills out in black.
    private static byte[] Encoded(string form)
    {
        if (form == "tiff, directory first")
        {
            return TiffWithoutResolution(160, 120);
        }

        using var image = new Image<Rgb24>(160, 120);
        var random = new Random(7);
        for (int y = 0; y < 120; y++)
        {
            for (int x = 0; x < 160; x++)
            {
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)(x + y), (byte)(x * 3));
            }
        }

        SixLabors.ImageSharp.Formats.IImageEncoder encoder = form switch
        {
            "png" => new PngEncoder(),
            "jpeg" => new JpegEncoder { Quality = 90 },
            "gif" => new GifEncoder(),
            "webp, lossy" => new SixLabors.ImageSharp.Formats.Webp.WebpEncoder { FileFormat = SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossy },
            "webp, lossless" => new SixLabors.ImageSharp.Formats.Webp.WebpEncoder { FileFormat = SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossless },
            "bmp" => new SixLabors.ImageSharp.Formats.Bmp.BmpEncoder(),
            "tga" => new SixLabors.ImageSharp.Formats.Tga.TgaEncoder { Compression = SixLabors.ImageSharp.Formats.Tga.TgaCompression.None },
            "tga, run-length" => new SixLabors.ImageSharp.Formats.Tga.TgaEncoder { Compression = SixLabors.ImageSharp.Formats.Tga.TgaCompression.RunLength },
            "ppm" => new SixLabors.ImageSharp.Formats.Pbm.PbmEncoder { Encoding = SixLabors.ImageSharp.Formats.Pbm.PbmEncoding.Binary, ColorType = SixLabors.ImageSharp.Formats.Pbm.PbmColorType.Rgb },
            "ppm, plain" => new SixLabors.ImageSharp.Formats.Pbm.PbmEncoder { Encoding = SixLabors.ImageSharp.Formats.Pbm.PbmEncoding.Plain, ColorType = SixLabors.ImageSharp.Formats.Pbm.PbmColorType.Rgb },
            "tiff" => new SixLabors.ImageSharp.Formats.Tiff.TiffEncoder(),
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    [Theory]
    [InlineData("jpeg", 0.5)]
    [InlineData("jpeg", -1)]
    [InlineData("png", 0.5)]
    [InlineData("png", 0.9)]
    [InlineData("png", -1)]
    [InlineData("gif", 0.5)]
    [InlineData("gif", -1)]
    [InlineData("webp, lossy", 0.5)]
    [InlineData("webp, lossy", -1)]
    [InlineData("webp, lossless", 0.9)]
    [InlineData("bmp", 0.5)]
    [InlineData("bmp", -1)]
    [InlineData("tga", 0.5)]
    [InlineData("tga, run-length", 0.5)]
    [InlineData("tga, run-length", 0.95)]
    [InlineData("ppm", 0.5)]
    [InlineData("ppm", -1)]
    [InlineData("ppm, plain", 0.5)]
    [InlineData("tiff", 0.5)]
    [InlineData("tiff, directory first", 0.5)]
    [InlineData("tiff, directory first", -1)]
    public void AFileCutShortIsCorruptInEveryFormatThoughTheDecoderWouldFillItIn(string form, double keep)
    {
        // A download that stopped: before, every format but JPEG was decoded as far as it went and written with the
        // rest black (or smeared, for lossy WebP), without a word. keep -1 cuts the last byte only.
        byte[] whole = Encoded(form);
        int length = keep < 0 ? whole.Length - 1 : (int)(whole.Length * keep);
        string cut = Path.Combine(folder, "cut");
        File.WriteAllBytes(cut, whole.AsSpan(0, length).ToArray());
        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(cut, Path.Combine(folder, "cut_out.png"), Request("Box3"), overwrite: false));
        Assert.Equal(ConvolutionErrorKind.CorruptImage, error.Kind);
        Assert.Contains("is a truncated", error.Message);
        Assert.Contains(cut, error.Message);
        Assert.False(File.Exists(Path.Combine(folder, "cut_out.png")));

        string complete = Path.Combine(folder, "whole");
        File.WriteAllBytes(complete, whole);
        ImageFileConvolver.Convert(complete, Path.Combine(folder, "whole_out.png"), Request("Box3"), overwrite: false);
        Assert.True(File.Exists(Path.Combine(folder, "whole_out.png")));
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    [InlineData("gif")]
    [InlineData("bmp")]
    [InlineData("ppm")]
    public void BytesAfterTheEndOfAnImageAreNotTakenForDamage(string form)
    {
        // What follows a whole image (a phone's motion photo appends its video to the JPEG, tools leave padding) is
        // not the image's: it converts. The bytes hold a scan marker (FF DA) with no end-of-image marker after it,
        // which a JPEG cut short would end with: the JPEG check once scanned the whole file for those two markers, and
        // refused about half of all motion photos.
        byte[] whole = Encoded(form);
        string padded = Path.Combine(folder, "padded");
        var video = new byte[5000];
        new Random(3).NextBytes(video);
        for (int i = 0; i < video.Length - 1; i++)
        {
            video[i] = video[i] == 0xFF && video[i + 1] == 0xD9 ? (byte)0 : video[i];
        }

        video[4000] = 0xFF;
        video[4001] = 0xDA;
        File.WriteAllBytes(padded, whole.Concat(video).ToArray());
        ImageFileConvolver.Convert(padded, Path.Combine(folder, "padded_out.png"), Request("Box3"), overwrite: false);
        Assert.True(File.Exists(Path.Combine(folder, "padded_out.png")));
    }

    [Theory]
    [InlineData("png", "photo.jpg", true)]
    [InlineData("png", "photo.png", false)]
    [InlineData("png", "photo.dat", false)]
    [InlineData("bmp", "photo.tif", true)]
    [InlineData("ppm", "photo.pgm", false)]
    [InlineData("ppm", "photo.pnm", false)]
    public void AnOutputNamedAsAnotherFormatIsReported(string form, string name, bool reported)
    {
        // A PNG renamed photo.jpg keeps its format, and its output its name: said, since programs that go by the
        // extension may refuse a PNG called .jpg. An extension of no image format, or another of the format's own
        // (.pgm and .pnm for Netpbm), claims nothing else.
        string source = Path.Combine(folder, "source");
        File.WriteAllBytes(source, Encoded(form));
        ConversionReport report = ImageFileConvolver.Convert(source, Path.Combine(folder, name), Request("Box3"), overwrite: false);
        Assert.Equal(reported, report.ExtensionMismatch);
        Assert.Equal(form switch { "png" => OutputFormat.Png, "bmp" => OutputFormat.Bmp, _ => OutputFormat.Pbm }, report.Format);
    }

    [Theory]
    [InlineData("jpeg", "motion")]
    [InlineData("jpeg", "still")]
    [InlineData("png", "motion")]
    [InlineData("jpeg", "gain map")]
    public void AMotionPhotosVideoAndItsDescriptionAreLeftOut(string to, string kind)
    {
        // A phone's motion photo: its XMP says a video follows the picture (GCamera's MicroVideo properties, and
        // Container:Directory's items). ImageSharp writes the picture alone; before, the output kept the description,
        // which sent a viewer to the last 20,000 bytes of the new file for a video that is not there.
        const string Motion = "<rdf:Description rdf:about=\"\" xmlns:GCamera=\"http://ns.google.com/photos/1.0/camera/\" xmlns:Container=\"http://ns.google.com/photos/1.0/container/\""
            + " xmlns:Item=\"http://ns.google.com/photos/1.0/container/item/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
            + " GCamera:MicroVideo=\"1\" GCamera:MicroVideoOffset=\"20000\" GCamera:MotionPhoto=\"1\" dc:format=\"image/jpeg\">"
            + "<Container:Directory><rdf:Seq><rdf:li rdf:parseType=\"Resource\"><Container:Item Item:Mime=\"video/mp4\" Item:Semantic=\"MotionPhoto\" Item:Length=\"20000\"/></rdf:li></rdf:Seq></Container:Directory>"
            + "</rdf:Description>";
        const string Still = "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" dc:format=\"image/jpeg\"/>";
        // An Ultra HDR JPEG lists its appended gain map the same way, and says it has one (hdrgm:Version).
        const string GainMap = "<rdf:Description rdf:about=\"\" xmlns:Container=\"http://ns.google.com/photos/1.0/container/\" xmlns:Item=\"http://ns.google.com/photos/1.0/container/item/\""
            + " xmlns:hdrgm=\"http://ns.adobe.com/hdr-gain-map/1.0/\" hdrgm:Version=\"1.0\""
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" dc:format=\"image/jpeg\"><Container:Directory><rdf:Seq>"
            + "<rdf:li rdf:parseType=\"Resource\"><Container:Item Item:Semantic=\"Primary\" Item:Mime=\"image/jpeg\"/></rdf:li>"
            + "<rdf:li rdf:parseType=\"Resource\"><Container:Item Item:Semantic=\"GainMap\" Item:Mime=\"image/jpeg\" Item:Length=\"20000\"/></rdf:li>"
            + "</rdf:Seq></Container:Directory></rdf:Description>";
        bool appended = kind != "still";
        string packet = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" + kind switch { "motion" => Motion, "gain map" => GainMap, _ => Still } + "</rdf:RDF></x:xmpmeta>";
        string source = Path.Combine(folder, "motion.jpg");
        using (var image = new Image<Rgb24>(40, 30))
        {
            image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile(System.Text.Encoding.UTF8.GetBytes(packet));
            image.Save(source, new JpegEncoder());
        }

        File.WriteAllBytes(source, File.ReadAllBytes(source).Concat(new byte[20000]).ToArray());
        string output = Path.Combine(folder, "motion_out." + (to == "png" ? "png" : "jpg"));
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to == "png" ? OutputFormat.Png : OutputFormat.Auto };
        ConversionReport report = ImageFileConvolver.Convert(source, output, request, overwrite: false);
        Assert.Equal(appended, report.AppendedLeftOut);
        using Image written = Image.Load(output);
        System.Xml.Linq.XDocument xmp = written.Metadata.XmpProfile!.GetDocument()!;
        string text = xmp.ToString();
        Assert.DoesNotContain("MicroVideo", text);
        Assert.DoesNotContain("MotionPhoto", text);
        Assert.DoesNotContain("Directory", text);
        Assert.DoesNotContain("GainMap", text);
        Assert.DoesNotContain("hdr-gain-map", text);
        Assert.Contains("image/jpeg", text);
    }

    [Theory]
    [InlineData("gain map", true, 0x000000u, true)]
    [InlineData("gain map, big-endian", false, 0x000000u, true)]
    [InlineData("stereo pair's other view", true, 0x020002u, true)]
    [InlineData("panorama frame", false, 0x020001u, true)]
    [InlineData("camera's large thumbnail (VGA)", true, 0x010001u, false)]
    [InlineData("camera's large thumbnail (full HD)", false, 0x010002u, false)]
    [InlineData("segment with no index", true, null, false)]
    public void AnImageListedByMpfIsLeftOutWithAWarningUnlessAPreview(string kind, bool littleEndian, uint? type, bool reported)
    {
        // An iPhone's HDR photo lists its gain map, appended after the picture, in an MPF segment (APP2 "MPF", CIPA
        // DC-007), not in XMP; so do stereo cameras (MPO files) for the other view. Cameras list a large preview the
        // same way. The picture is written alone and the segment is not carried, so nothing points at an image that is
        // not there; the report says so where what was left out was more than a preview.
        _ = kind;
        byte[] primary = Encoded("jpeg");
        byte[] appended = Encoded("jpeg");
        byte[] mpf = type is uint t ? MpfSegment(littleEndian, primary.Length, appended.Length, t) : new byte[] { 0xFF, 0xE2, 0x00, 0x0E, (byte)'M', (byte)'P', (byte)'F', 0x00, (byte)'I', (byte)'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00 };
        string source = Path.Combine(folder, "listed.jpg");
        File.WriteAllBytes(source, primary.Take(2).Concat(mpf).Concat(primary.Skip(2)).Concat(appended).ToArray());
        string output = Path.Combine(folder, "listed_out.jpg");
        ConversionReport report = ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false);
        Assert.Equal(reported, report.AppendedLeftOut);
        byte[] written = File.ReadAllBytes(output);
        Assert.Equal(-1, written.AsSpan().IndexOf("MPF\0"u8));
        Assert.Equal(new byte[] { 0xFF, 0xD9 }, written.Skip(written.Length - 2).ToArray());
        Assert.Equal(-1, written.AsSpan(2).IndexOf(new byte[] { 0xFF, 0xD8, 0xFF }));
    }

    [Fact]
    public void AnUltraHdrJpegFromTheReferenceEncoderIsWrittenAsItsPictureWithAWarning()
    {
        // libultrahdr 2 lists the gain map in MPF only, with ISO 21496-1's version segment, and no XMP: before, the
        // gain map was left out without a word.
        string source = Path.Combine(RepositoryPaths.Find("tests", "corpus", "jpeg"), "ultrahdr.jpg");
        string output = Path.Combine(folder, "ultrahdr_out.jpg");
        ConversionReport report = ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false);
        Assert.True(report.AppendedLeftOut);
        byte[] written = File.ReadAllBytes(output);
        Assert.Equal(-1, written.AsSpan().IndexOf("MPF\0"u8));
        Assert.Equal(-1, written.AsSpan().IndexOf("urn:iso:std:iso:ts:21496"u8));
        Assert.Equal(-1, written.AsSpan(2).IndexOf(new byte[] { 0xFF, 0xD8, 0xFF }));
        Assert.Equal(new byte[] { 0xFF, 0xD9 }, written.Skip(written.Length - 2).ToArray());
        using Image image = Image.Load(output);
        Assert.Equal((64, 48), (image.Width, image.Height));
        Assert.NotNull(image.Metadata.IccProfile);
    }

    [Theory]
    [InlineData("jpeg", "motion photo", true)]
    [InlineData("jpeg", "timestamp only", false)]
    [InlineData("png", "sound shot", true)]
    [InlineData("jpeg", "dual camera image", true)]
    [InlineData("jpeg", "damaged directory", false)]
    [InlineData("jpeg", "no trailer", false)]
    public void MediaASamsungTrailerListsAreReportedLeftOut(string form, string kind, bool reported)
    {
        // A Galaxy phone's motion photo before Google's XMP: the video in a Samsung trailer (SEF) after the picture,
        // found only by the trailer's directory at the end of the file. Before, it was left out without a word. Blocks
        // of timestamps and capture settings alone (as most Galaxy photos have) are not media.
        byte[] video = new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'m', (byte)'p', (byte)'4', (byte)'2' }.Concat(new byte[3000]).ToArray();
        byte[] timestamp = "1700000000000"u8.ToArray();
        byte[] trailer = kind switch
        {
            "motion photo" => SamsungTrailer((0x0a30, "MotionPhoto_Data", video), (0x0a01, "Image_UTC_Data", timestamp)),
            "timestamp only" => SamsungTrailer((0x0a01, "Image_UTC_Data", timestamp)),
            "sound shot" => SamsungTrailer((0x0100, "SoundShot_000", new byte[2000])),
            "dual camera image" => SamsungTrailer((0x0a20, "FlipPhoto_002", Encoded("jpeg"))),
            "damaged directory" => SamsungTrailer((0x0a30, "MotionPhoto_Data", video)),
            _ => Array.Empty<byte>(),
        };
        if (kind == "damaged directory")
        {
            // The directory's one entry (after its 12-byte head, before the length and "SEFT") points back further
            // than the file goes: the trailer is not read, and nothing is reported.
            int entry = trailer.Length - 8 - 24 + 12;
            BitConverter.GetBytes(int.MaxValue).CopyTo(trailer, entry + 4);
        }

        string source = Path.Combine(folder, $"samsung {kind}.{(form == "png" ? "png" : "jpg")}");
        File.WriteAllBytes(source, Encoded(form).Concat(trailer).ToArray());
        string output = Path.Combine(folder, $"samsung {kind}_out.{(form == "png" ? "png" : "jpg")}");
        ConversionReport report = ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false);
        Assert.Equal(reported, report.AppendedLeftOut);
        Assert.Equal(-1, File.ReadAllBytes(output).AsSpan().IndexOf("SEFH"u8));
    }

    // A Samsung trailer as exiftool reads it: each block (two zero bytes, its type, its name's length, the name, the
    // data), then the SEFH directory (version 101, the count, and for each block its type, its offset back from the
    // directory and its size), the directory's length and "SEFT", all little-endian.
    private static byte[] SamsungTrailer(params (int Type, string Name, byte[] Data)[] blocks)
    {
        var data = new List<byte>();
        var entries = new List<(int Type, int Start, int Size)>();
        foreach ((int type, string name, byte[] bytes) in blocks)
        {
            byte[] block = BitConverter.GetBytes((ushort)0).Concat(BitConverter.GetBytes((ushort)type)).Concat(BitConverter.GetBytes(name.Length)).Concat(System.Text.Encoding.ASCII.GetBytes(name)).Concat(bytes).ToArray();
            entries.Add((type, data.Count, block.Length));
            data.AddRange(block);
        }

        var directory = new List<byte>("SEFH"u8.ToArray());
        directory.AddRange(BitConverter.GetBytes(101));
        directory.AddRange(BitConverter.GetBytes(entries.Count));
        foreach ((int type, int start, int size) in entries)
        {
            directory.AddRange(BitConverter.GetBytes((ushort)0));
            directory.AddRange(BitConverter.GetBytes((ushort)type));
            directory.AddRange(BitConverter.GetBytes(data.Count - start));
            directory.AddRange(BitConverter.GetBytes(size));
        }

        return data.Concat(directory).Concat(BitConverter.GetBytes(directory.Count)).Concat("SEFT"u8.ToArray()).ToArray();
    }

    // An APP2 MPF segment listing the picture (a baseline primary image) and one image of the given type after it:
    // the MP Index IFD's version, number of images and MP entries, as CIPA DC-007 lays them out.
    private static byte[] MpfSegment(bool littleEndian, int primaryLength, int appendedLength, uint type)
    {
        var tiff = new List<byte>();
        void U16(int v) => tiff.AddRange(littleEndian ? new[] { (byte)v, (byte)(v >> 8) } : new[] { (byte)(v >> 8), (byte)v });
        void U32(uint v) => tiff.AddRange(littleEndian ? new[] { (byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24) } : new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v });
        tiff.AddRange(littleEndian ? "II*\0"u8.ToArray() : "MM\0*"u8.ToArray());
        U32(8);
        U16(3);
        U16(0xB000); U16(7); U32(4); tiff.AddRange("0100"u8.ToArray());
        U16(0xB001); U16(4); U32(1); U32(2);
        U16(0xB002); U16(7); U32(32); U32(8 + 2 + (3 * 12) + 4);
        U32(0);
        U32(0x20030000); U32((uint)primaryLength); U32(0); U16(0); U16(0);
        U32(type); U32((uint)appendedLength); U32((uint)primaryLength); U16(0); U16(0);
        byte[] payload = "MPF\0"u8.ToArray().Concat(tiff).ToArray();
        return new byte[] { 0xFF, 0xE2, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2) }.Concat(payload).ToArray();
    }

    [Fact]
    public void DeclaredSizeAboveTheLimitIsRefusedBeforeDecoding()
    {
        string source = Path.Combine(folder, "big.png");
        using (var image = new Image<Rgb24>(300, 200))
        {
            image.Save(source);
        }

        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { MaxPixels = 59_999 };
        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(source, Path.Combine(folder, "big_out.png"), request, overwrite: false));
        Assert.Equal(ConvolutionErrorKind.ImageTooLarge, error.Kind);
    }

    [Fact]
    public void APreparedOutputTakesItsPlaceOnlyWhenCommitted()
    {
        string source = Path.Combine(folder, "prepared.png");
        using (var image = new Image<Rgb24>(8, 6, new Rgb24(40, 80, 120)))
        {
            image.Save(source, new PngEncoder());
        }

        string output = Path.Combine(folder, "out", "prepared.png");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using (PreparedOutput abandoned = ImageFileConvolver.Prepare(source, output, Request("Box3"), overwrite: false))
        {
            // Written, beside its target, and not in place.
            Assert.False(File.Exists(output));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(output)!));
        }

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!));

        using (PreparedOutput kept = ImageFileConvolver.Prepare(source, output, Request("Box3"), overwrite: false))
        {
            kept.Commit();
            Assert.Equal(output, kept.Path);
            Assert.Throws<InvalidOperationException>(() => kept.Commit());
        }

        Assert.Equal(new[] { output }, Directory.GetFiles(Path.GetDirectoryName(output)!));

        // A file that took the name after the content was written is kept, and the written one goes.
        File.Delete(output);
        using (PreparedOutput late = ImageFileConvolver.Prepare(source, output, Request("Box3"), overwrite: false))
        {
            File.WriteAllText(output, "someone else's");
            Assert.Equal(ConvolutionErrorKind.DestinationExists, Assert.Throws<ConvolutionException>(() => late.Commit()).Kind);
        }

        Assert.Equal("someone else's", File.ReadAllText(output));
        Assert.Equal(new[] { output }, Directory.GetFiles(Path.GetDirectoryName(output)!));
    }

    [Theory]
    [InlineData(250, "a")]
    [InlineData(83, "\u5199")] // 83 characters of 3 bytes: 249 bytes of UTF-8, 253 with ".png"
    [InlineData(62, "\U0001F5BC")] // 62 pictures of 4 bytes (surrogate pairs): 248 bytes, 252 with ".png"
    public void AFileWhoseNameIsNearTheLongestIsWrittenAndReplaced(int count, string character)
    {
        // A temporary name of "." + name + ".12345678.tmp" passed the 255 bytes a Linux file name may hold, so such a
        // file could be neither written nor rewritten in place, though its own name is valid.
        string name = string.Concat(Enumerable.Repeat(character, count)) + ".png";
        string path = Path.Combine(folder, "in", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var image = new Image<Rgb24>(8, 6, new Rgb24(40, 80, 120)))
        {
            image.Save(path, new PngEncoder());
        }

        string output = Path.Combine(folder, "out", name);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        ImageFileConvolver.Convert(path, output, Request("Box3"), overwrite: false);
        ImageFileConvolver.Convert(path, path, Request("Box3"), overwrite: true);
        Assert.Equal(new[] { output }, Directory.GetFiles(Path.GetDirectoryName(output)!));
        Assert.Equal(new[] { path }, Directory.GetFiles(Path.GetDirectoryName(path)!));
        Assert.Equal(File.ReadAllBytes(output), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(256, "a")]
    [InlineData(86, "\u5199")] // 258 bytes of UTF-8 in 86 characters
    public void AnOutputNameLongerThanFileSystemsTakeIsRefusedBeforeTheImageIsRead(int count, string character)
    {
        // A long kernel name in the default suffix makes such a name. The write failed with "file name too long", but
        // only after the image was decoded and convolved; the source here is cut off, so reading it would fail too.
        string source = CutOffPng("cut.png");
        string output = Path.Combine(folder, string.Concat(Enumerable.Repeat(character, count)));
        var e = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false));
        Assert.Equal(ConvolutionErrorKind.WriteFailed, e.Kind);
        string expected = OperatingSystem.IsWindows() ? $"{count} characters" : $"{System.Text.Encoding.UTF8.GetByteCount(output.Substring(folder.Length + 1))} bytes of UTF-8";
        Assert.EndsWith($"could not be written: its name is {expected} long, and file systems take at most 255.", e.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { source }, Directory.GetFiles(folder));
    }

    [Fact]
    public void TemporaryNamesStayWithinTheLongestNameAndCutNoCharacter()
    {
        Assert.Equal(".photo.jpg.0123abcd.tmp", AtomicFileWriter.TemporaryName("photo.jpg", "0123abcd"));
        foreach (string character in new[] { "a", "\u00e9", "\u5199", "\U0001F5BC" })
        {
            for (int count = 1; count < 260; count += 7)
            {
                string name = string.Concat(Enumerable.Repeat(character, count));
                string temporary = AtomicFileWriter.TemporaryName(name, "0123abcd");
                Assert.True(System.Text.Encoding.UTF8.GetByteCount(temporary) <= 255, temporary);
                Assert.EndsWith(".0123abcd.tmp", temporary, StringComparison.Ordinal);
                string kept = temporary.Substring(1, temporary.Length - ".0123abcd.tmp".Length - 1);
                Assert.StartsWith(kept, name, StringComparison.Ordinal);
                Assert.Equal(0, kept.Length % character.Length);
                if (System.Text.Encoding.UTF8.GetByteCount(name) <= 255 - 14)
                {
                    Assert.Equal(name, kept);
                }
            }
        }
    }

    [Theory]
    [InlineData("png")]
    [InlineData("gif")]
    [InlineData("tga")]
    [InlineData("bmp")]
    [InlineData("tif")]
    [InlineData("ppm")]
    [InlineData("webp")]
    public void ASourceThatStatesNoResolutionIsNotWrittenAsNinetySixDpi(string extension)
    {
        // ImageSharp decodes such a source with its default, 96 pixels an inch, and every encoder wrote that as if
        // the source had stated it. Each output now says "not stated" in its own way.
        string source = Path.Combine(folder, "plain." + extension);
        using (var image = new Image<Rgb24>(8, 6, new Rgb24(40, 80, 120)))
        {
            image.Save(source, extension switch
            {
                "png" => new PngEncoder { ChunkFilter = PngChunkFilter.ExcludePhysicalChunk },
                "gif" => new GifEncoder(),
                "tga" => new SixLabors.ImageSharp.Formats.Tga.TgaEncoder(),
                "bmp" => new SixLabors.ImageSharp.Formats.Bmp.BmpEncoder(),
                "ppm" => new SixLabors.ImageSharp.Formats.Pbm.PbmEncoder(),
                "webp" => new SixLabors.ImageSharp.Formats.Webp.WebpEncoder { FileFormat = SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossless },
                _ => (SixLabors.ImageSharp.Formats.IImageEncoder)new SixLabors.ImageSharp.Formats.Tiff.TiffEncoder(),
            });
        }

        if (extension == "bmp")
        {
            // ImageSharp writes its default as 3780 pixels a metre: make it the 0 that states none.
            byte[] bytes = File.ReadAllBytes(source);
            Array.Clear(bytes, 38, 8);
            File.WriteAllBytes(source, bytes);
        }
        else if (extension == "tif")
        {
            // ImageSharp always writes XResolution, YResolution and ResolutionUnit: a TIFF without them, by hand.
            File.WriteAllBytes(source, TiffWithoutResolution(8, 6));
        }

        var outputs = new[] { OutputFormat.Png, OutputFormat.Jpeg, OutputFormat.Tiff, OutputFormat.Bmp }.ToDictionary(
            f => f,
            f =>
            {
                string output = Path.Combine(folder, "out", f.ToString(), "plain" + ImageFormats.GetExtension(f));
                Directory.CreateDirectory(Path.GetDirectoryName(output)!);
                ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = f }, overwrite: false);
                return File.ReadAllBytes(output);
            });

        using (var png = new MemoryStream(outputs[OutputFormat.Png]))
        {
            Assert.Null(MetadataFidelity.ReadPngChunk(png, "pHYs"));
        }

        // JFIF APP0 right after SOI: "JFIF\0", version, then the density unit, 0 for none, and a 1:1 density.
        byte[] jpeg = outputs[OutputFormat.Jpeg];
        Assert.Equal("JFIF", System.Text.Encoding.ASCII.GetString(jpeg, 6, 4));
        Assert.Equal(new byte[] { 0, 0, 1, 0, 1 }, jpeg.AsSpan(13, 5).ToArray());

        // BMP: 0 pixels a metre both ways.
        Assert.Equal(new byte[8], outputs[OutputFormat.Bmp].AsSpan(38, 8).ToArray());

        // TIFF: the baseline's required tags, as a ratio without a unit (ResolutionUnit 1).
        using (Image tiff = Image.Load(outputs[OutputFormat.Tiff]))
        {
            Assert.Equal(SixLabors.ImageSharp.Metadata.PixelResolutionUnit.AspectRatio, tiff.Metadata.ResolutionUnits);
        }
    }

    // An uncompressed 8-bit RGB TIFF with only the tags it needs to be read: no resolution tags.
    private static byte[] TiffWithoutResolution(int width, int height)
    {
        (ushort Tag, ushort Type, uint Value)[] entries =
        {
            (256, 3, (uint)width), (257, 3, (uint)height), (258, 3, 0), (259, 3, 1), (262, 3, 2),
            (273, 4, 0), (277, 3, 3), (278, 3, (uint)height), (279, 4, (uint)(width * height * 3)),
        };
        int bitsAt = 8 + 2 + (entries.Length * 12) + 4;
        int pixelsAt = bitsAt + 6;
        var bytes = new byte[pixelsAt + (width * height * 3)];
        bytes[0] = bytes[1] = (byte)'I';
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), 42);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 8);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            (ushort tag, ushort type, uint value) = entries[i];
            Span<byte> entry = bytes.AsSpan(10 + (i * 12), 12);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(entry, tag);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(2), type);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(4), tag == 258 ? 3u : 1u);
            uint held = tag switch { 258 => (uint)bitsAt, 273 => (uint)pixelsAt, _ => value };
            if (type == 3 && tag != 258)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(8), (ushort)held);
            }
            else
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(8), held);
            }
        }

        for (int i = 0; i < 3; i++)
        {
            bytes[bitsAt + (2 * i)] = 8;
        }

        for (int i = pixelsAt; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 7);
        }

        return bytes;
    }

    [Fact]
    public void XmpPixelSizesFollowTheStrideAndAnUnchangedSizeLeavesThePacketAsItWas()
    {
        // Lightroom and cameras write the size into XMP too, as attributes or as elements; after -Stride 2 an XMP
        // packet said 40x30 of a 20x15 picture.
        const string Packet = "<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
            + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
            + "<rdf:Description rdf:about=\"\" xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\""
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" exif:PixelXDimension=\"40\" exif:PixelYDimension=\"30\">"
            + "<tiff:ImageWidth>40</tiff:ImageWidth><tiff:ImageLength>30</tiff:ImageLength>"
            + "<dc:creator><rdf:Seq><rdf:li>Jane</rdf:li></rdf:Seq></dc:creator>"
            + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
        string source = Path.Combine(folder, "tagged.jpg");
        using (var image = new Image<Rgb24>(40, 30, new Rgb24(40, 80, 120)))
        {
            image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile(System.Text.Encoding.UTF8.GetBytes(Packet));
            image.Save(source, new JpegEncoder());
        }

        string strided = Path.Combine(folder, "strided.jpg");
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, new ConvolutionOptions { Stride = 2 });
        ImageFileConvolver.Convert(source, strided, request, overwrite: false);
        using (Image written = Image.Load(strided))
        {
            Assert.Equal((20, 15), (written.Width, written.Height));
            System.Xml.Linq.XDocument xmp = written.Metadata.XmpProfile!.GetDocument()!;
            System.Xml.Linq.XNamespace exif = "http://ns.adobe.com/exif/1.0/";
            System.Xml.Linq.XNamespace tiff = "http://ns.adobe.com/tiff/1.0/";
            System.Xml.Linq.XElement description = xmp.Descendants().Single(e => e.Name.LocalName == "Description");
            Assert.Equal("20", (string?)description.Attribute(exif + "PixelXDimension"));
            Assert.Equal("15", (string?)description.Attribute(exif + "PixelYDimension"));
            Assert.Equal("20", (string?)description.Element(tiff + "ImageWidth"));
            Assert.Equal("15", (string?)description.Element(tiff + "ImageLength"));
            Assert.Contains("Jane", xmp.ToString(), StringComparison.Ordinal);
            Assert.Contains(xmp.Nodes(), n => n is System.Xml.Linq.XProcessingInstruction { Target: "xpacket" });
        }

        string same = Path.Combine(folder, "same.jpg");
        ImageFileConvolver.Convert(source, same, Request("Box3"), overwrite: false);
        using (Image written = Image.Load(same))
        {
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(Packet), written.Metadata.XmpProfile!.ToByteArray());
        }
    }

    /// <summary>
    /// ImageSharp 2.1 wrote an EXIF block or XMP packet larger than one JPEG segment over several, which no reader
    /// joins (the first holds a cut TIFF structure or half an XML document). What fits one segment is written whole;
    /// one byte more is left out, and the report says so. PNG keeps either, whatever its size.
    /// </summary>
    [Theory]
    [InlineData(65500, 0, false, false)]
    [InlineData(65501, 0, true, false)]
    [InlineData(0, MetadataFidelity.JpegXmpRoom, false, false)]
    [InlineData(0, MetadataFidelity.JpegXmpRoom + 1, false, true)]
    public void ExifOrXmpLargerThanAJpegSegmentIsLeftOutOfAJpegAndSaidSo(int description, int xmpBytes, bool exifOut, bool xmpOut)
    {
        string source = Path.Combine(folder, "big.png");
        using (var image = new Image<Rgb24>(8, 6, new Rgb24(10, 20, 30)))
        {
            if (description > 0)
            {
                var exif = new ExifProfile();
                exif.SetValue(ExifTag.ImageDescription, new string('d', description));
                image.Metadata.ExifProfile = exif;
            }

            if (xmpBytes > 0)
            {
                string head = "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>";
                string tail = "<?xpacket end=\"w\"?>";
                byte[] packet = System.Text.Encoding.UTF8.GetBytes(head + new string(' ', xmpBytes - head.Length - tail.Length) + tail);
                image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile(packet);
            }

            image.SaveAsPng(source);
        }

        string output = Path.Combine(folder, "big.jpg");
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = OutputFormat.Jpeg }, overwrite: false);
        Assert.Equal((exifOut, xmpOut), (report.ExifTooLarge, report.XmpTooLarge));

        // The APP1 segments written: one for what was kept, none for what was left out.
        byte[] bytes = File.ReadAllBytes(output);
        int exifSegments = 0, xmpSegments = 0;
        for (int i = 2; i + 4 <= bytes.Length && bytes[i] == 0xFF && bytes[i + 1] != 0xDA; i += 2 + ((bytes[i + 2] << 8) | bytes[i + 3]))
        {
            if (bytes[i + 1] == 0xE1)
            {
                string start = System.Text.Encoding.ASCII.GetString(bytes, i + 4, 6);
                exifSegments += start == "Exif\0\0" ? 1 : 0;
                xmpSegments += start == "http:/" ? 1 : 0;
            }
        }

        Assert.Equal(description > 0 && !exifOut ? 1 : 0, exifSegments);
        Assert.Equal(xmpBytes > 0 && !xmpOut ? 1 : 0, xmpSegments);
        string png = Path.Combine(folder, "big_out.png");
        Assert.False(ImageFileConvolver.Convert(source, png, Request("Box3"), overwrite: false) is { ExifTooLarge: true } or { XmpTooLarge: true });
    }

    /// <summary>
    /// A photo's IPTC record (caption, keywords, copyright) was dropped from every TIFF written, though TIFF keeps it in
    /// tag 33723. It is written there, once, and read back from a TIFF source too.
    /// </summary>
    [Fact]
    public void TheIptcRecordIsKeptInATiff()
    {
        string source = Path.Combine(folder, "captioned.jpg");
        using (var image = new Image<Rgb24>(12, 8, new Rgb24(200, 120, 40)))
        {
            image.Metadata.IptcProfile = new SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcProfile();
            image.Metadata.IptcProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption, "a caption");
            image.Metadata.IptcProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.CopyrightNotice, "someone");
            image.SaveAsJpeg(source);
        }

        string tiff = Path.Combine(folder, "captioned.tif");
        ImageFileConvolver.Convert(source, tiff, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = OutputFormat.Tiff }, overwrite: false);
        string again = Path.Combine(folder, "captioned_again.tif");
        ImageFileConvolver.Convert(tiff, again, Request("Box3"), overwrite: false);
        foreach (string written in new[] { tiff, again })
        {
            byte[] bytes = File.ReadAllBytes(written);
            int directory = BitConverter.ToInt32(bytes, 4);
            int count = BitConverter.ToUInt16(bytes, directory);
            Assert.Equal(1, Enumerable.Range(0, count).Count(e => BitConverter.ToUInt16(bytes, directory + 2 + (12 * e)) == 33723));
            using var read = Image.Load<Rgb24>(written);
            var iptc = read.Frames.RootFrame.Metadata.IptcProfile ?? read.Metadata.IptcProfile;
            Assert.NotNull(iptc);
            Assert.Equal("a caption", iptc!.GetValues(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption).Single().Value);
            Assert.Equal("someone", iptc.GetValues(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.CopyrightNotice).Single().Value);
        }

        // libtiff and Photoshop type the tag LONG, a count of four-byte values: the record is read whole from that too.
        byte[] record = { 0x1C, 0x02, 0x00, 0x00, 0x02, 0x00, 0x04, 0x1C, 0x02, 0x78, 0x00, 0x0B, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', (byte)' ', (byte)'w', (byte)'o', (byte)'r', (byte)'l', (byte)'d', 0 };
        const int W = 8, H = 6;
        var entries = new List<(int Tag, int Type, int Count, int Value)> { (256, 3, 1, W), (257, 3, 1, H), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1), (278, 3, 1, H), (279, 4, 1, W * H), (33723, 4, record.Length / 4, 8 + (W * H)) };
        string longTyped = Path.Combine(folder, "long.tif");
        File.WriteAllBytes(longTyped, HandMadeTiff(new byte[W * H].Concat(record), entries));
        string fromLong = Path.Combine(folder, "long_out.tif");
        ImageFileConvolver.Convert(longTyped, fromLong, Request("Box3"), overwrite: false);
        using var whole = Image.Load<Rgb24>(fromLong);
        Assert.Equal("hello world", (whole.Frames.RootFrame.Metadata.IptcProfile ?? whole.Metadata.IptcProfile)!.GetValues(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption).Single().Value);
    }

    /// <summary>
    /// A photo's EXIF (camera, place), colour profile, XMP and IPTC record went into formats that have no place for
    /// them without a word: BMP, TGA and Netpbm kept none, GIF only the XMP, PNG and WebP all but the IPTC record (here
    /// one with a dataset no XMP property stands for, so it is not written as XMP whole). Each format's report names
    /// exactly what it left out, and what it does not name is in the file written.
    /// </summary>
    [Theory]
    [InlineData(OutputFormat.Jpeg, MetadataKinds.None)]
    [InlineData(OutputFormat.Tiff, MetadataKinds.None)]
    [InlineData(OutputFormat.Png, MetadataKinds.Iptc)]
    [InlineData(OutputFormat.Webp, MetadataKinds.Iptc)]
    [InlineData(OutputFormat.Gif, MetadataKinds.Exif | MetadataKinds.ColourProfile | MetadataKinds.Iptc)]
    [InlineData(OutputFormat.Bmp, MetadataKinds.Exif | MetadataKinds.ColourProfile | MetadataKinds.Xmp | MetadataKinds.Iptc)]
    [InlineData(OutputFormat.Tga, MetadataKinds.Exif | MetadataKinds.ColourProfile | MetadataKinds.Xmp | MetadataKinds.Iptc)]
    [InlineData(OutputFormat.Pbm, MetadataKinds.Exif | MetadataKinds.ColourProfile | MetadataKinds.Xmp | MetadataKinds.Iptc)]
    public void MetadataAFormatHasNoPlaceForIsReportedLeftOut(OutputFormat to, MetadataKinds leftOut)
    {
        var profile = new byte[132];
        profile[3] = 132;
        System.Text.Encoding.ASCII.GetBytes("mntrRGB XYZ ").CopyTo(profile, 12);
        System.Text.Encoding.ASCII.GetBytes("acsp").CopyTo(profile, 36);
        string source = Path.Combine(folder, $"described {to}.jpg");
        using (var image = new Image<Rgb24>(12, 8, new Rgb24(200, 120, 40)))
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Make, "TestCam");
            image.Metadata.ExifProfile.SetValue(ExifTag.GPSLatitudeRef, "N");
            image.Metadata.IccProfile = new SixLabors.ImageSharp.Metadata.Profiles.Icc.IccProfile(profile);
            image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile(System.Text.Encoding.UTF8.GetBytes("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:format>image/jpeg</dc:format></rdf:Description></rdf:RDF></x:xmpmeta>"));
            image.Metadata.IptcProfile = new SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcProfile();
            image.Metadata.IptcProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption, "a caption");

            // A dataset no XMP property stands for: the record cannot go into the XMP whole.
            image.Metadata.IptcProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.EditStatus, "final");
            image.SaveAsJpeg(source);
        }

        string output = Path.Combine(folder, $"described {to}_out." + to);
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to }, overwrite: false);
        Assert.Equal(leftOut, report.MetadataLeftOut);

        // What is not reported left out is in the file: read back, or found in its bytes where ImageSharp 2.1 reads
        // past it (a PNG's iCCP and a WebP's ICCP chunk).
        byte[] bytes = File.ReadAllBytes(output);
        SixLabors.ImageSharp.Metadata.ImageMetadata? read = to == OutputFormat.Pbm ? null : Image.Identify(output).Metadata;
        var frame = to == OutputFormat.Pbm ? null : Image.Load(output).Frames.RootFrame.Metadata;
        Assert.Equal((leftOut & MetadataKinds.Exif) == 0, (read?.ExifProfile ?? frame?.ExifProfile)?.GetValue(ExifTag.Make)?.Value == "TestCam");
        Assert.Equal((leftOut & MetadataKinds.Xmp) == 0, (read?.XmpProfile ?? frame?.XmpProfile) is not null);
        Assert.Equal((leftOut & MetadataKinds.Iptc) == 0, (read?.IptcProfile ?? frame?.IptcProfile)?.GetValues(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption).Any() == true);
        static bool Contains(byte[] haystack, string needle) => System.Text.Encoding.Latin1.GetString(haystack).Contains(needle, StringComparison.Ordinal);
        bool profileWritten = (read?.IccProfile ?? frame?.IccProfile) is not null || Contains(bytes, "iCCP") || Contains(bytes, "ICCP");
        Assert.Equal((leftOut & MetadataKinds.ColourProfile) == 0, profileWritten);
    }

    /// <summary>
    /// Photo desks' programs append metadata after a JPEG's picture, which ImageSharp neither reads nor writes: an AFCP
    /// trailer's or FotoStation's IPTC record (captions, bylines) was lost without a word, and so were Photo Mechanic's
    /// ratings and soft crops. The record becomes the image's own where it has none; previews are left out quietly;
    /// anything else is reported.
    /// </summary>
    [Theory]
    [InlineData("afcp iptc nail", OutputFormat.Jpeg, "from trailer", false)]
    [InlineData("afcp iptc text", OutputFormat.Jpeg, "from trailer", true)]
    [InlineData("afcp* iptc", OutputFormat.Jpeg, "from trailer", false)]
    [InlineData("afcp iptc nail", OutputFormat.Png, null, false)]
    [InlineData("afcp iptc nail", OutputFormat.Tiff, "from trailer", false)]
    [InlineData("fotostation iptc softedit", OutputFormat.Jpeg, "from trailer", true)]
    [InlineData("fotostation thumbnail", OutputFormat.Jpeg, null, false)]
    [InlineData("photomechanic", OutputFormat.Jpeg, null, true)]
    [InlineData("photomechanic fotostation iptc", OutputFormat.Jpeg, "from trailer", true)]
    [InlineData("app13 afcp same", OutputFormat.Jpeg, "own", false)]
    [InlineData("app13 afcp other", OutputFormat.Jpeg, "own", true)]
    [InlineData("resources afcp", OutputFormat.Jpeg, null, true)]
    [InlineData("resources afcp", OutputFormat.Tiff, "from trailer", false)]
    [InlineData("afcp damaged", OutputFormat.Jpeg, null, true)]
    [InlineData("none", OutputFormat.Jpeg, null, false)]
    public void APhotoDesksTrailerGivesItsIptcRecordAndTheRestIsReported(string trailers, OutputFormat to, string? caption, bool reported)
    {
        static byte[] Iptc(string caption) => new byte[] { 0x1C, 0x02, 0x78, 0, (byte)caption.Length }.Concat(System.Text.Encoding.ASCII.GetBytes(caption)).ToArray();
        static byte[] U32(uint v, bool big) => big ? new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v } : BitConverter.GetBytes(v);

        // An AFCP trailer at `at`: header, directory, data, end record; offsets are the file's.
        static byte[] Afcp(long at, bool big, params (string Tag, byte[] Data)[] entries)
        {
            byte[] signature = System.Text.Encoding.ASCII.GetBytes(big ? "AXS!" : "AXS*");
            var trailer = new List<byte>(signature);
            trailer.AddRange(big ? new byte[] { 0, 1, 0, (byte)entries.Length } : new byte[] { 1, 0, (byte)entries.Length, 0 });
            trailer.AddRange(new byte[4]);
            long data = at + 12 + (12 * entries.Length);
            foreach ((string tag, byte[] bytes) in entries)
            {
                trailer.AddRange(System.Text.Encoding.ASCII.GetBytes(tag));
                trailer.AddRange(U32((uint)bytes.Length, big));
                trailer.AddRange(U32((uint)data, big));
                data += bytes.Length;
            }

            trailer.AddRange(entries.SelectMany(e => e.Data));
            trailer.AddRange(signature);
            trailer.AddRange(U32((uint)at, big));
            trailer.AddRange(new byte[4]);
            return trailer.ToArray();
        }

        static byte[] FotoStation(int type, byte[] data) => data.Concat(new[] { (byte)(type >> 8), (byte)type }).Concat(U32((uint)data.Length + 10, big: true)).Concat(new byte[] { 0xA1, 0xB2, 0xC3, 0xD4 }).ToArray();
        byte[] photoMechanic = new byte[] { 0x1C, 0x02, 0xDD, 0, 4, 0, 0, 0, 6 }.Concat(U32(9, big: true)).Concat(System.Text.Encoding.ASCII.GetBytes("cbipcbbl")).ToArray();

        string source = Path.Combine(folder, $"desk {trailers} {to}.jpg");
        using (var image = new Image<Rgb24>(12, 8, new Rgb24(200, 120, 40)))
        {
            if (trailers.StartsWith("app13", StringComparison.Ordinal))
            {
                image.Metadata.IptcProfile = new SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcProfile();
                image.Metadata.IptcProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption, "own");
            }

            image.SaveAsJpeg(source);
        }

        var file = File.ReadAllBytes(source).ToList();
        if (trailers.StartsWith("resources", StringComparison.Ordinal))
        {
            // Photoshop's image resources without an IPTC record (resolution info, 0x03ED): a JPEG written from this
            // one keeps them in place of the encoder's IPTC record, so the trailer's record cannot be written there.
            byte[] resources = System.Text.Encoding.ASCII.GetBytes("Photoshop 3.0\08BIM").Concat(new byte[] { 0x03, 0xED, 0, 0, 0, 0, 0, 16 }).Concat(new byte[16]).ToArray();
            file.InsertRange(2, new byte[] { 0xFF, 0xED, 0, (byte)(resources.Length + 2) }.Concat(resources));
        }

        if (trailers.StartsWith("photomechanic", StringComparison.Ordinal))
        {
            file.AddRange(photoMechanic);
        }

        switch (trailers)
        {
            case "afcp iptc nail":
                file.AddRange(Afcp(file.Count, big: true, ("IPTC", Iptc("from trailer")), ("Nail", new byte[] { 1, 2, 3 })));
                break;
            case "afcp iptc text":
                file.AddRange(Afcp(file.Count, big: true, ("IPTC", Iptc("from trailer")), ("TEXT", System.Text.Encoding.ASCII.GetBytes("a note"))));
                break;
            case "afcp* iptc":
                file.AddRange(Afcp(file.Count, big: false, ("IPTC", Iptc("from trailer"))));
                break;
            case "fotostation iptc softedit":
                file.AddRange(FotoStation(1, Iptc("from trailer")));
                file.AddRange(FotoStation(2, new byte[24]));
                break;
            case "fotostation thumbnail":
            case "photomechanic fotostation iptc":
                file.AddRange(FotoStation(trailers == "fotostation thumbnail" ? 3 : 1, trailers == "fotostation thumbnail" ? new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 } : Iptc("from trailer")));
                break;
            case "app13 afcp same":
                file.AddRange(Afcp(file.Count, big: true, ("IPTC", Iptc("own"))));
                break;
            case "app13 afcp other":
            case "resources afcp":
                file.AddRange(Afcp(file.Count, big: true, ("IPTC", Iptc("from trailer"))));
                break;
            case "afcp damaged":
                byte[] damaged = Afcp(file.Count, big: true, ("IPTC", Iptc("from trailer")));
                damaged[^5] = 0xFF;
                file.AddRange(damaged);
                break;
        }

        File.WriteAllBytes(source, file.ToArray());
        string output = Path.Combine(folder, $"desk {trailers} {to}_out." + to);
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to }, overwrite: false);
        Assert.Equal(reported, report.TrailerLeftOut);
        using var read = Image.Load(output);
        var iptc = read.Metadata.IptcProfile ?? read.Frames.RootFrame.Metadata.IptcProfile;
        Assert.Equal(caption, iptc?.GetValues(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption).Single().Value);
        Assert.Equal(MetadataKinds.None, report.MetadataLeftOut);
        if (to == OutputFormat.Png && caption is null && trailers == "afcp iptc nail")
        {
            // PNG has no place for the record: its caption is written as XMP.
            Assert.Contains("<rdf:li xml:lang=\"x-default\">from trailer</rdf:li>", System.Text.Encoding.UTF8.GetString(read.Metadata.XmpProfile!.ToByteArray()), StringComparison.Ordinal);
        }

        // Nothing of a trailer is written after the picture.
        byte[] written = File.ReadAllBytes(output);
        string text = System.Text.Encoding.Latin1.GetString(written);
        Assert.DoesNotContain("AXS", text, StringComparison.Ordinal);
        Assert.DoesNotContain("cbipcbbl", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// PNG, WebP and GIF have no place for an IPTC record but keep XMP: the record's captions, keywords, credits and
    /// places are written there as the IPTC standard maps them, where the XMP does not already say them, and only a
    /// record with a dataset XMP has no property for is still reported left out. A JPEG keeps the record as it is.
    /// </summary>
    [Theory]
    [InlineData(OutputFormat.Png, "", false)]
    [InlineData(OutputFormat.Webp, "", false)]
    [InlineData(OutputFormat.Gif, "", false)]
    [InlineData(OutputFormat.Png, "xmp", false)]
    [InlineData(OutputFormat.Png, "edit status", true)]
    [InlineData(OutputFormat.Png, "bad time", true)]
    [InlineData(OutputFormat.Png, "nul", false)]
    [InlineData(OutputFormat.Jpeg, "xmp", false)]
    public void AnIptcRecordIsWrittenAsXmpWhereTheFormatHasNoPlaceForIt(OutputFormat to, string variant, bool reported)
    {
        XNamespace dc = "http://purl.org/dc/elements/1.1/", photoshop = "http://ns.adobe.com/photoshop/1.0/", core = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/", rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
        string source = Path.Combine(folder, $"iptc {variant} {to}.jpg");
        using (var image = new Image<Rgb24>(12, 8, new Rgb24(200, 120, 40)))
        {
            var record = new SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcProfile();
            // Writers end IIM strings with NUL, which XML cannot hold.
            record.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption, variant == "nul" ? "a caption\0" : "a caption");
            record.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Byline, "Ana");
            record.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.City, "Porto");
            record.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.CountryCode, "PRT");
            record.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.CreatedDate, "20240226");
            record.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.CreatedTime, variant == "bad time" ? "25xx00+0100" : "101112+0100");
            record.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Keywords, "harbour");
            record.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Keywords, "boats");
            if (variant == "edit status")
            {
                record.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.EditStatus, "final");
            }

            image.Metadata.IptcProfile = record;
            if (variant == "xmp")
            {
                image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile(System.Text.Encoding.UTF8.GetBytes("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" photoshop:City=\"Lisboa\"><dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">the XMP's own</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>"));
            }

            image.SaveAsJpeg(source);
        }

        string output = Path.Combine(folder, $"iptc {variant} {to}_out." + to);
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to }, overwrite: false);
        Assert.Equal(reported ? MetadataKinds.Iptc : MetadataKinds.None, report.MetadataLeftOut & MetadataKinds.Iptc);
        using var read = Image.Load(output);
        XDocument xmp = (read.Metadata.XmpProfile ?? read.Frames.RootFrame.Metadata.XmpProfile)?.GetDocument() ?? new XDocument();
        string? Text(XName name) => xmp.Descendants(name).Select(e => e.Value).Concat(xmp.Descendants(rdf + "Description").Select(d => (string?)d.Attribute(name)).Where(v => v is not null)).FirstOrDefault();
        if (to == OutputFormat.Jpeg)
        {
            // The record stays a record, and the XMP as it was.
            Assert.Null(Text(dc + "subject"));
            Assert.Equal("a caption", (read.Metadata.IptcProfile ?? read.Frames.RootFrame.Metadata.IptcProfile)!.GetValues(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption).Single().Value);
            return;
        }

        Assert.Equal(variant == "xmp" ? "the XMP's own" : "a caption", Text(dc + "description"));
        Assert.Equal(variant == "xmp" ? "Lisboa" : "Porto", Text(photoshop + "City"));
        Assert.Equal(new[] { "harbour", "boats" }, xmp.Descendants(dc + "subject").Descendants(rdf + "li").Select(e => e.Value));
        Assert.Equal("Ana", xmp.Descendants(dc + "creator").Descendants(rdf + "li").Single().Value);
        Assert.Equal("PRT", Text(core + "CountryCode"));
        Assert.Equal(variant == "bad time" ? "2024-02-26" : "2024-02-26T10:11:12+01:00", Text(photoshop + "DateCreated"));
    }

    /// <summary>
    /// JPEG allows an XMP packet in UTF-16, which ImageSharp reads as UTF-8 and so could not parse: written to a GIF, whose
    /// XMP extension ends at the first zero byte, it came out as invalid XMP, and into a PNG's iTXt chunk, which holds
    /// UTF-8 only, as UTF-16. It is written as UTF-8, and an IPTC record can go into it.
    /// </summary>
    [Theory]
    [InlineData(OutputFormat.Gif, true, true)]
    [InlineData(OutputFormat.Gif, false, false)]
    [InlineData(OutputFormat.Png, true, false)]
    [InlineData(OutputFormat.Png, false, true)]
    [InlineData(OutputFormat.Jpeg, false, true)]
    public void AnXmpPacketInUtf16IsWrittenAsUtf8(OutputFormat to, bool bigEndian, bool captioned)
    {
        const string Packet = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">wide title</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
        string source = Path.Combine(folder, $"wide {to} {bigEndian} {captioned}.jpg");
        using (var image = new Image<Rgb24>(12, 8, new Rgb24(200, 120, 40)))
        {
            image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile((bigEndian ? System.Text.Encoding.BigEndianUnicode : System.Text.Encoding.Unicode).GetBytes(Packet));
            if (captioned)
            {
                image.Metadata.IptcProfile = new SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcProfile();
                image.Metadata.IptcProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Iptc.IptcTag.Caption, "a caption");
            }

            image.SaveAsJpeg(source);
        }

        string output = Path.Combine(folder, $"wide {to} {bigEndian} {captioned}_out." + to);
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to }, overwrite: false);
        Assert.Equal(MetadataKinds.None, report.MetadataLeftOut);
        using var read = Image.Load(output);
        byte[] packet = (read.Metadata.XmpProfile ?? read.Frames.RootFrame.Metadata.XmpProfile)!.ToByteArray();
        Assert.DoesNotContain((byte)0, packet);
        string text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(packet);
        Assert.Contains(">wide title<", text, StringComparison.Ordinal);
        Assert.Equal(captioned && to != OutputFormat.Jpeg, text.Contains(">a caption<", StringComparison.Ordinal));
    }

    /// <summary>
    /// Photoshop's image resources hold the paths saved with a picture, a product photo's clipping path among them. Only
    /// a JPEG written from a JPEG kept them: in a TIFF (tag 34377), written from a JPEG or a TIFF, they were lost, and in
    /// any other output too, all without a word. A TIFF keeps them now, without the thumbnails; elsewhere their paths are
    /// reported left out.
    /// </summary>
    [Theory]
    [InlineData("jpeg", 2000, OutputFormat.Png, true)]
    [InlineData("jpeg", 2999, OutputFormat.Tiff, false)]
    [InlineData("jpeg", 2000, OutputFormat.Jpeg, false)]
    [InlineData("jpeg", 0x03ED, OutputFormat.Png, false)]
    [InlineData("tiff", 2000, OutputFormat.Tiff, false)]
    [InlineData("tiff", 2000, OutputFormat.Webp, true)]
    [InlineData("tiff", 0x03ED, OutputFormat.Tiff, false)]
    public void PhotoshopPathsLeftOutAreReported(string from, int resource, OutputFormat to, bool reported)
    {
        // One resource: "8BIM", its id, an empty name (padded to two bytes), its size and eight bytes of data; then a
        // thumbnail (0x040C), which shows the old pixels.
        byte[] block = "8BIM"u8.ToArray().Concat(new byte[] { (byte)(resource >> 8), (byte)resource, 0, 0, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 }).ToArray();
        byte[] thumbnail = "8BIM"u8.ToArray().Concat(new byte[] { 0x04, 0x0C, 0, 0, 0, 0, 0, 2, 0xFF, 0xD8 }).ToArray();
        block = block.Concat(thumbnail).ToArray();
        string source = Path.Combine(folder, $"paths {from} {resource} {to}.{(from == "jpeg" ? "jpg" : "tif")}");
        if (from == "jpeg")
        {
            using (var image = new Image<Rgb24>(12, 8, new Rgb24(200, 120, 40)))
            {
                image.SaveAsJpeg(source);
            }

            List<byte> file = File.ReadAllBytes(source).ToList();
            byte[] payload = System.Text.Encoding.ASCII.GetBytes("Photoshop 3.0\0").Concat(block).ToArray();
            file.InsertRange(2, new byte[] { 0xFF, 0xED, 0, (byte)(payload.Length + 2) }.Concat(payload));
            File.WriteAllBytes(source, file.ToArray());
        }
        else
        {
            const int W = 8, H = 6;
            var entries = new List<(int Tag, int Type, int Count, int Value)> { (256, 3, 1, W), (257, 3, 1, H), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1), (278, 3, 1, H), (279, 4, 1, W * H), (34377, 7, block.Length, 8 + (W * H)) };
            File.WriteAllBytes(source, HandMadeTiff(new byte[W * H].Concat(block), entries));
        }

        string output = Path.Combine(folder, $"paths {from} {resource} {to}_out." + to);
        ConversionReport report = ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = to }, overwrite: false);
        Assert.Equal(reported, (report.MetadataLeftOut & MetadataKinds.PhotoshopPaths) != 0);
        if (to == OutputFormat.Jpeg)
        {
            // Kept with the source's resources.
            Assert.Contains("8BIM\u0007\u00D0", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(output)), StringComparison.Ordinal);
        }

        if (to == OutputFormat.Tiff)
        {
            // Tag 34377 holds the resource as it was, without the thumbnail.
            using FileStream written = File.OpenRead(output);
            Assert.Equal(block.Take(20), HeaderChecks.TiffTagBytes(written, 34377));
        }
    }

    [Fact]
    public void MetadataThatOnlyDescribesTheStoredPixelsIsNotReportedLeftOut()
    {
        // An editor's EXIF of orientation, resolution, colour space, pixel size and its own name, or a TIFF's own layout tags with
        // sRGB's white point and primaries (as ImageMagick writes every TIFF), says nothing a BMP would lose.
        string jpeg = Path.Combine(folder, "layout only.jpg");
        using (var image = new Image<Rgb24>(12, 8, new Rgb24(200, 120, 40)))
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)1);
            image.Metadata.ExifProfile.SetValue(ExifTag.XResolution, new Rational(300, 1));
            image.Metadata.ExifProfile.SetValue(ExifTag.YResolution, new Rational(300, 1));
            image.Metadata.ExifProfile.SetValue(ExifTag.ColorSpace, (ushort)1);
            image.Metadata.ExifProfile.SetValue(ExifTag.PixelXDimension, 12);

            // The program that wrote the source, not the one that writes the output.
            image.Metadata.ExifProfile.SetValue(ExifTag.Software, "GIMP 2.10");
            image.SaveAsJpeg(jpeg);
        }

        string tiff = Path.Combine(folder, "layout tags.tif");
        File.WriteAllBytes(tiff, GreyTiffWithPrimaries(0.30));

        foreach (string source in new[] { jpeg, tiff })
        {
            string output = Path.ChangeExtension(source, null) + "_out.bmp";
            Assert.Equal(MetadataKinds.None, ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = OutputFormat.Bmp }, overwrite: false).MetadataLeftOut);
        }

        // Primaries of another colour space (Adobe RGB's green) are more than layout: a BMP has no place for them.
        string wide = Path.Combine(folder, "wide.tif");
        File.WriteAllBytes(wide, GreyTiffWithPrimaries(0.21));

        Assert.Equal(MetadataKinds.Exif, ImageFileConvolver.Convert(wide, Path.Combine(folder, "wide_out.bmp"), new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = OutputFormat.Bmp }, overwrite: false).MetadataLeftOut);
    }

    // An 8x6 grey TIFF stating sRGB's white point and primaries, as ImageMagick writes them, with green's x as given
    // (sRGB's 0.30; Adobe RGB's 0.21).
    private static byte[] GreyTiffWithPrimaries(double greenX)
    {
        const int W = 8, H = 6;
        double[] white = { 0.3127, 0.3290 };
        double[] primaries = { 0.64, 0.33, greenX, 0.60, 0.15, 0.06 };
        int values = 8 + (W * H);
        var rationals = new List<byte>();
        foreach (double v in white.Concat(primaries))
        {
            rationals.AddRange(BitConverter.GetBytes((uint)Math.Round(v * 100000)));
            rationals.AddRange(BitConverter.GetBytes(100000u));
        }

        var entries = new List<(int Tag, int Type, int Count, int Value)> { (256, 3, 1, W), (257, 3, 1, H), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1), (278, 3, 1, H), (279, 4, 1, W * H), (318, 5, 2, values), (319, 5, 6, values + 16) };
        return HandMadeTiff(Enumerable.Repeat((byte)100, W * H).Concat(rationals), entries);
    }

    /// <summary>
    /// ImageSharp 2.1 decodes every page of a TIFF into one image and refuses pages of different sizes, and it takes a
    /// chain of directories that runs backwards in the file for a loop, as libtiff writes one whenever it rewrites a
    /// directory (tiffset adding a description to a two-page scan). Each was an error for the whole file, the second
    /// "damaged or truncated" for a valid one. Now a format of one picture gets the first page, whatever the others; a
    /// TIFF gets every page in order, smaller thumbnails (reduced-resolution pages) left out, and only a page of
    /// another size that is no thumbnail is refused, with a way out.
    /// </summary>
    [Theory]
    [InlineData("sizes", true, "png", new[] { 80 }, true)]
    [InlineData("sizes", true, "tif", null, false)]
    [InlineData("thumbnail", true, "png", new[] { 80 }, true)]
    [InlineData("only thumbnail", true, "png", new[] { 80 }, false)]
    [InlineData("only thumbnail", false, "tif", new[] { 80 }, false)]
    [InlineData("thumbnail", true, "tif", new[] { 80, 160 }, false)]
    [InlineData("thumbnail", false, "tif", new[] { 80, 160 }, false)]
    [InlineData("backwards", true, "tif", new[] { 80, 120, 160 }, false)]
    [InlineData("backwards", false, "tif", new[] { 80, 120, 160 }, false)]
    [InlineData("backwards", true, "png", new[] { 80 }, true)]
    [InlineData("backwards", true, "gif", new[] { 80, 120, 160 }, false)]
    public void MultiPageTiffsTheDecoderRefusedAreWrittenAsTheOutputKeepsThem(string kind, bool little, string extension, int[]? levels, bool framesDropped)
    {
        // Uniform grey pages (a level each), so a Box3 leaves each page's level as it was.
        (int W, int H, byte Level, bool Reduced)[] pages = kind switch
        {
            "sizes" => new (int, int, byte, bool)[] { (8, 6, 80, false), (5, 4, 120, false), (8, 6, 160, false) },
            "thumbnail" => new (int, int, byte, bool)[] { (8, 6, 80, false), (4, 3, 120, true), (8, 6, 160, false) },
            "only thumbnail" => new (int, int, byte, bool)[] { (8, 6, 80, false), (4, 3, 120, true) },
            _ => new (int, int, byte, bool)[] { (8, 6, 80, false), (8, 6, 120, false), (8, 6, 160, false) },
        };
        string source = Path.Combine(folder, kind + ".tif");
        File.WriteAllBytes(source, MultiPageGreyTiff(pages, little, backwards: kind == "backwards"));
        string output = Path.Combine(folder, "out." + extension);
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = extension switch { "png" => OutputFormat.Png, "gif" => OutputFormat.Gif, _ => OutputFormat.Tiff } };
        if (levels is null)
        {
            var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(source, output, request, overwrite: false));
            Assert.Equal(ConvolutionErrorKind.UnsupportedImage, error.Kind);
            Assert.Equal($"'{source}' has pages of different sizes (page 1 is 8x6, page 2 5x4), which the decoder (ImageSharp 2.1) cannot hold in one image, and TIFF would keep every page. Written as PNG or JPEG, or any format of one picture, its first page is converted; or split its pages first.", error.Message);
            Assert.False(File.Exists(output));
            return;
        }

        ConversionReport report = ImageFileConvolver.Convert(source, output, request, overwrite: false);
        Assert.Equal(framesDropped, report.FramesDropped);
        using Image<L8> written = Image.Load<L8>(output);
        Assert.Equal(levels, Enumerable.Range(0, written.Frames.Count).Select(f => (int)written.Frames[f][3, 3].PackedValue).ToArray());
        Assert.Equal((8, 6), (written.Width, written.Height));
    }

    // A TIFF of uncompressed 8-bit grey pages: the pixels of every page after the header, then the directories, each
    // pointing at the next; with backwards, the first page's directory is written last, after the others', as libtiff
    // puts a rewritten directory at the end. A reduced page is marked so (NewSubfileType 1).
    internal static byte[] MultiPageGreyTiff((int W, int H, byte Level, bool Reduced)[] pages, bool little, bool backwards)
    {
        var file = new List<byte>();
        void Put(long at, uint value, int size)
        {
            for (int b = 0; b < size; b++)
            {
                file[(int)at + b] = (byte)(value >> (8 * (little ? b : size - 1 - b)));
            }
        }

        void Add(uint value, int size)
        {
            file.AddRange(new byte[size]);
            Put(file.Count - size, value, size);
        }

        file.AddRange(little ? "II"u8.ToArray() : "MM"u8.ToArray());
        Add(42, 2);
        Add(0, 4);
        var data = new int[pages.Length];
        for (int p = 0; p < pages.Length; p++)
        {
            data[p] = file.Count;
            file.AddRange(Enumerable.Repeat(pages[p].Level, pages[p].W * pages[p].H));
        }

        if ((file.Count & 1) != 0)
        {
            file.Add(0);
        }

        var directories = new int[pages.Length];
        var pointers = new int[pages.Length];
        int[] order = backwards ? Enumerable.Range(1, pages.Length - 1).Append(0).ToArray() : Enumerable.Range(0, pages.Length).ToArray();
        foreach (int p in order)
        {
            directories[p] = file.Count;
            var entries = new List<(int Tag, int Type, uint Value)> { (254, 4, pages[p].Reduced ? 1u : 2u), (256, 3, (uint)pages[p].W), (257, 3, (uint)pages[p].H), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, (uint)data[p]), (277, 3, 1), (278, 3, (uint)pages[p].H), (279, 4, (uint)(pages[p].W * pages[p].H)) };
            Add((uint)entries.Count, 2);
            foreach ((int tag, int type, uint value) in entries)
            {
                Add((uint)tag, 2);
                Add((uint)type, 2);
                Add(1, 4);
                // A SHORT sits in the first two bytes of the value field.
                if (type == 3)
                {
                    Add(value, 2);
                    Add(0, 2);
                }
                else
                {
                    Add(value, 4);
                }
            }

            pointers[p] = file.Count;
            Add(0, 4);
        }

        Put(4, (uint)directories[0], 4);
        for (int p = 0; p + 1 < pages.Length; p++)
        {
            Put(pointers[p], (uint)directories[p + 1], 4);
        }

        return file.ToArray();
    }

    // A little-endian TIFF: the header, the data (pixels first, at offset 8, then the entries' values), and one
    // directory of the entries after it.
    private static byte[] HandMadeTiff(IEnumerable<byte> data, List<(int Tag, int Type, int Count, int Value)> entries)
    {
        byte[] values = data.ToArray();
        var file = new List<byte> { (byte)'I', (byte)'I', 42, 0 };
        file.AddRange(BitConverter.GetBytes(8 + values.Length));
        file.AddRange(values);
        file.AddRange(BitConverter.GetBytes((ushort)entries.Count));
        foreach ((int tag, int type, int count, int value) in entries)
        {
            file.AddRange(BitConverter.GetBytes((ushort)tag));
            file.AddRange(BitConverter.GetBytes((ushort)type));
            file.AddRange(BitConverter.GetBytes(count));
            file.AddRange(BitConverter.GetBytes(value));
        }

        file.AddRange(BitConverter.GetBytes(0));
        return file.ToArray();
    }

    [Fact]
    public void AStatedResolutionIsKeptInEveryFormat()
    {
        string source = Path.Combine(folder, "printed.png");
        using (var image = new Image<Rgb24>(8, 6, new Rgb24(40, 80, 120)))
        {
            image.Metadata.ResolutionUnits = SixLabors.ImageSharp.Metadata.PixelResolutionUnit.PixelsPerInch;
            image.Metadata.HorizontalResolution = 300;
            image.Metadata.VerticalResolution = 300;
            image.Save(source, new PngEncoder());
        }

        foreach (OutputFormat format in new[] { OutputFormat.Png, OutputFormat.Jpeg, OutputFormat.Tiff, OutputFormat.Bmp })
        {
            string output = Path.Combine(folder, "out", "printed" + ImageFormats.GetExtension(format));
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            ImageFileConvolver.Convert(source, output, new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = format }, overwrite: false);
            using Image written = Image.Load(output);
            SixLabors.ImageSharp.Metadata.ImageMetadata m = written.Metadata;
            double perInch = m.ResolutionUnits switch
            {
                SixLabors.ImageSharp.Metadata.PixelResolutionUnit.PixelsPerCentimeter => m.HorizontalResolution * 2.54,
                SixLabors.ImageSharp.Metadata.PixelResolutionUnit.PixelsPerMeter => m.HorizontalResolution * 0.0254,
                SixLabors.ImageSharp.Metadata.PixelResolutionUnit.PixelsPerInch => m.HorizontalResolution,
                _ => 0,
            };
            Assert.InRange(perInch, 299.5, 300.5);
        }
    }

    [Fact]
    public void AnExistingOutputIsKeptWithoutOverwrite()
    {
        string source = Path.Combine(folder, "a.png");
        using (var image = new Image<Rgb24>(4, 4))
        {
            image.Save(source);
        }

        string output = Path.Combine(folder, "a_out.png");
        File.WriteAllText(output, "keep me");
        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: false));
        Assert.Equal(ConvolutionErrorKind.DestinationExists, error.Kind);
        Assert.Equal("keep me", File.ReadAllText(output));
        ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: true);
        Assert.NotEqual("keep me", File.ReadAllText(output));
        Assert.Equal(2, Directory.GetFiles(folder).Length);
    }

    [Fact]
    public void AReplacedFileWithOtherNamesIsCountedAndTheyKeepTheOldContent()
    {
        // A replaced file is written anew and renamed over its one name, so its other names (hard links) keep the old
        // content: the report counts them, so that the user hears of it. Linux counts names (stat's st_nlink).
        string source = Path.Combine(folder, "a.png");
        using (var image = new Image<Rgb24>(4, 4))
        {
            image[1, 1] = new Rgb24(200, 100, 50);
            image.Save(source);
        }

        string output = Path.Combine(folder, "a_out.png");
        string alone = Path.Combine(folder, "alone.png");
        File.WriteAllText(output, "old");
        File.WriteAllText(alone, "old");
        if (!OperatingSystem.IsLinux())
        {
            Assert.Equal(0, ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: true).OtherNamesKeptOld);
            return;
        }

        foreach (string name in new[] { "b_out.png", "c_out.png" })
        {
            using var ln = System.Diagnostics.Process.Start("ln", $"\"{output}\" \"{Path.Combine(folder, name)}\"");
            ln.WaitForExit();
            Assert.Equal(0, ln.ExitCode);
        }

        using (PreparedOutput prepared = ImageFileConvolver.Prepare(source, output, Request("Box3"), overwrite: true))
        {
            // Counted when the file is put in place, since the names may change until then.
            Assert.Equal(0, prepared.Report.OtherNamesKeptOld);
            prepared.Commit();
            Assert.Equal(2, prepared.Report.OtherNamesKeptOld);
        }

        Assert.Equal("old", File.ReadAllText(Path.Combine(folder, "b_out.png")));
        Assert.Equal("old", File.ReadAllText(Path.Combine(folder, "c_out.png")));
        Assert.NotEqual("old", File.ReadAllText(output));

        // The output now has one name, and a file of one name counts none; nor does a new output.
        Assert.Equal(0, ImageFileConvolver.Convert(source, output, Request("Box3"), overwrite: true).OtherNamesKeptOld);
        Assert.Equal(0, ImageFileConvolver.Convert(source, alone, Request("Box3"), overwrite: true).OtherNamesKeptOld);
        Assert.Equal(0, ImageFileConvolver.Convert(source, Path.Combine(folder, "new.png"), Request("Box3"), overwrite: false).OtherNamesKeptOld);
    }

    [Fact]
    public void AMoveWithoutReplacingKeepsAFileMadeSinceTheCheck()
    {
        // Without overwrite, a commit asks whether the output exists and then moves the new file into place, and
        // File.Move on Unix renames over a file made in between: of two processes writing the same 40 names with
        // different kernels, both wrote one of them. On Linux the move itself now refuses, in the same step.
        string temporary = Path.Combine(folder, ".a.png.0123abcd.tmp");
        string target = Path.Combine(folder, "a.png");
        File.WriteAllText(temporary, "new");
        File.WriteAllText(target, "made meanwhile");
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(Libc.MoveWithoutReplacing(temporary, target));
            return;
        }

        IOException error = Assert.ThrowsAny<IOException>(() => Libc.MoveWithoutReplacing(temporary, target));
        Assert.Contains(target, error.Message);
        Assert.Equal("made meanwhile", File.ReadAllText(target));
        Assert.Equal("new", File.ReadAllText(temporary));
        File.Delete(target);
        Assert.True(Libc.MoveWithoutReplacing(temporary, target));
        Assert.Equal("new", File.ReadAllText(target));
        Assert.False(File.Exists(temporary));
    }

    [Fact]
    public void SplitBuffersOfVeryLargeImagesGiveTheSameFiles()
    {
        // Images above ImageFileConvolver.ContiguousLimit decode into ImageSharp's split buffers and are copied
        // once; with the limit at 0 every image takes that path, and the files must not change.
        string jpeg = Path.Combine(folder, "large.jpg");
        using (var image = new Image<Rgb24>(Configuration.Default, 2000, 1500))
        {
            // The precondition: at this size ImageSharp's default allocator splits the frame.
            Assert.False(image.Frames.RootFrame.DangerousTryGetSinglePixelMemory(out _));
            for (int y = 0; y < 1500; y++)
            {
                for (int x = 0; x < 2000; x++)
                {
                    image[x, y] = new Rgb24((byte)x, (byte)y, (byte)(x ^ y));
                }
            }

            image.Save(jpeg, new JpegEncoder { Quality = 90 });
        }

        var requests = new[]
        {
            Request("Gaussian5"),
            new ConvolutionRequest(new[] { KernelLibrary.Get("Sobel") }, new ConvolutionOptions { Stride = 2, Grayscale = true }),
        };
        for (int r = 0; r < requests.Length; r++)
        {
            string contiguous = Path.Combine(folder, $"contiguous{r}.png");
            string split = Path.Combine(folder, $"split{r}.png");
            var png = new ConvolutionRequest(requests[r].Kernels, requests[r].Options) { Format = OutputFormat.Png };
            ImageFileConvolver.Convert(jpeg, contiguous, png, overwrite: false);
            long saved = ImageFileConvolver.ContiguousLimit;
            try
            {
                ImageFileConvolver.ContiguousLimit = 0;
                ImageFileConvolver.Convert(jpeg, split, png, overwrite: false);
            }
            finally
            {
                ImageFileConvolver.ContiguousLimit = saved;
            }

            Assert.Equal(File.ReadAllBytes(contiguous), File.ReadAllBytes(split));
        }
    }

    [Theory]
    [InlineData(OutputFormat.Jpeg)]
    [InlineData(OutputFormat.Png)]
    [InlineData(OutputFormat.Tiff)]
    [InlineData(OutputFormat.Webp)]
    public void ADamagedExifBlockIsLeftOutAndThePixelsAreWritten(OutputFormat format)
    {
        // An EXIF entry (Orientation) that counts two billion values: viewers show the photo, and ImageSharp throws
        // when the block is first read.
        string plain = Path.Combine(folder, "plain.jpg");
        using (var image = new Image<Rgb24>(32, 24))
        {
            for (int y = 0; y < 24; y++)
            {
                for (int x = 0; x < 32; x++)
                {
                    image[x, y] = new Rgb24((byte)(x * 8), (byte)(y * 10), (byte)((x + y) * 4));
                }
            }

            image.SaveAsJpeg(plain);
        }

        byte[] jpeg = File.ReadAllBytes(plain);
        byte[] exif =
        {
            (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0, (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,
            1, 0, 0x12, 0x01, 3, 0, 0xFF, 0xFF, 0xFF, 0x7F, 8, 0, 0, 0, 0, 0, 0, 0,
        };
        string damaged = Path.Combine(folder, "damaged.jpg");
        File.WriteAllBytes(damaged, jpeg.Take(2).Concat(new byte[] { 0xFF, 0xE1, 0, (byte)(exif.Length + 2) }).Concat(exif).Concat(jpeg.Skip(2)).ToArray());

        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Box3") }, ConvolutionOptions.Default) { Format = format };
        string output = Path.Combine(folder, "damaged_out" + ImageFormats.GetExtension(format));
        string expected = Path.Combine(folder, "plain_out" + ImageFormats.GetExtension(format));
        Assert.True(ImageFileConvolver.Convert(damaged, output, request, overwrite: false).ExifLeftOut);
        Assert.False(ImageFileConvolver.Convert(plain, expected, request, overwrite: false).ExifLeftOut);
        using Image<Rgb24> written = Image.Load<Rgb24>(output);
        using Image<Rgb24> reference = Image.Load<Rgb24>(expected);
        for (int y = 0; y < 24; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                Assert.Equal(reference[x, y], written[x, y]);
            }
        }
    }

    [Theory]
    [InlineData(OutputFormat.Jpeg)]
    [InlineData(OutputFormat.Tiff)]
    public void AnOrientationOutsideOneToEightIsWrittenAsOne(OutputFormat format)
    {
        // Viewers ignore Orientation 9 and show the picture as stored, as the engine reads it; TIFF allows only 1-8.
        string source = Path.Combine(folder, "nine.jpg");
        using (var image = new Image<Rgb24>(30, 20, new Rgb24(10, 200, 90)))
        {
            // Red in the left third: mirrored or turned, the top-left corner would be green.
            for (int y = 0; y < 20; y++)
            {
                for (int x = 0; x < 10; x++)
                {
                    image[x, y] = new Rgb24(255, 0, 0);
                }
            }

            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)9);
            image.SaveAsJpeg(source);
        }

        string output = Path.Combine(folder, "nine_out" + ImageFormats.GetExtension(format));
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Identity") }, ConvolutionOptions.Default) { Format = format };
        ImageFileConvolver.Convert(source, output, request, overwrite: false);
        using FileStream stream = File.OpenRead(output);
        ushort orientation = format == OutputFormat.Tiff ? HeaderChecks.TiffOrientation(stream) : Image.Identify(stream).Metadata.ExifProfile!.GetValue(ExifTag.Orientation)!.Value;
        Assert.Equal(1, orientation);
        stream.Position = 0;
        using Image<Rgb24> written = Image.Load<Rgb24>(stream);
        Assert.Equal((30, 20), (written.Width, written.Height));
        Assert.True(written[0, 0].R > 200, "The picture is written as stored, not turned.");
    }

    private static ConvolutionRequest Request(string kernel) => new(new[] { KernelLibrary.Get(kernel) }, ConvolutionOptions.Default);
}
