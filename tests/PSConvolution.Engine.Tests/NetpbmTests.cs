using System.IO;
using System.Linq;
using System.Text;
using PSConvolution.Engine.Imaging;
using PSConvolution.Engine.Kernels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>Netpbm in and out: each kind keeps its own kind, depth and header, and nothing is written as another format.</summary>
public sealed class NetpbmTests
{
    [Theory]
    [InlineData("P2\n3 2\n255\n0 128 255\n10 20 30\n", "P5", 255, 1)]
    [InlineData("P1\n4 2\n0 1 1 0\n1 0 0 1\n", "P5", 255, 1)]
    [InlineData("P3\n2 1\n255\n255 0 0 0 0 255\n", "P6", 255, 3)]
    [InlineData("P2\n2 2\n65535\n0 40000\n65535 1234\n", "P5", 65535, 2)]
    public void EachKindIsWrittenAsBinaryNetpbmOfItsOwnDepth(string source, string magic, int maxValue, int bytesPerPixel)
    {
        (byte[] written, ConversionReport report) = Convert(Encoding.ASCII.GetBytes(source), OutputFormat.Auto);
        (string header, int width, int height, int max, int offset) = Header(written);
        Assert.Equal(magic, header);
        Assert.Equal(maxValue, max);
        Assert.Equal(width * height * bytesPerPixel, written.Length - offset);
        Assert.False(report.DepthReduced);
    }

    [Fact]
    public void IdentityKeepsSixteenBitSamples()
    {
        (byte[] written, _) = Convert(Encoding.ASCII.GetBytes("P2\n2 2\n65535\n0 40000\n65535 1234\n"), OutputFormat.Auto);
        (_, _, _, _, int offset) = Header(written);
        ushort[] samples = Enumerable.Range(0, 4).Select(i => (ushort)((written[offset + (2 * i)] << 8) | written[offset + (2 * i) + 1])).ToArray();
        Assert.Equal(new ushort[] { 0, 40000, 65535, 1234 }, samples);
    }

    // Binary 16-bit samples are most significant byte first, as ImageMagick writes them: 0x9C40 is 40000.
    [Fact]
    public void BinarySixteenBitSamplesAreReadAndWrittenMostSignificantByteFirst()
    {
        byte[] source = Encoding.ASCII.GetBytes("P5\n2 1\n65535\n").Concat(new byte[] { 0x9C, 0x40, 0x04, 0xD2 }).ToArray();
        (byte[] written, _) = Convert(source, OutputFormat.Auto);
        Assert.Equal(source, written);
        (byte[] png, _) = Convert(source, OutputFormat.Png);
        using var image = Image.Load<L16>(png);
        Assert.Equal(40000, image[0, 0].PackedValue);
        Assert.Equal(1234, image[1, 0].PackedValue);
    }

    [Fact]
    public void TransparencyIsCompositedOverWhite()
    {
        using var png = new MemoryStream();
        using (var image = new Image<Rgba32>(2, 1))
        {
            image[0, 0] = new Rgba32(0, 0, 0, 0);
            image[1, 0] = new Rgba32(10, 20, 30, 255);
            image.Save(png, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        }

        (byte[] written, ConversionReport report) = Convert(png.ToArray(), OutputFormat.Pbm);
        (string header, _, _, _, int offset) = Header(written);
        Assert.Equal("P6", header);
        Assert.True(report.TransparencyComposited);
        Assert.Equal(new byte[] { 255, 255, 255, 10, 20, 30 }, written.Skip(offset).ToArray());
        Assert.Equal(".pnm", ImageFormats.GetExtension(OutputFormat.Pbm));
    }

    private static (byte[] Written, ConversionReport Report) Convert(byte[] source, OutputFormat format)
    {
        var request = new ConvolutionRequest(new[] { KernelLibrary.Get("Identity") }, ConvolutionOptions.Default) { Format = format };
        using var output = new MemoryStream();
        ConversionReport report = ImageFileConvolver.Convert(new MemoryStream(source), "test", output, request);
        return (output.ToArray(), report);
    }

    // The binary header: magic, width, height, maximum value, each followed by one whitespace byte.
    private static (string Magic, int Width, int Height, int Max, int Offset) Header(byte[] file)
    {
        int at = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)file[at]))
            {
                at++;
            }

            int start = at;
            while (!char.IsWhiteSpace((char)file[at]))
            {
                at++;
            }

            return Encoding.ASCII.GetString(file, start, at - start);
        }

        string magic = Token();
        int width = int.Parse(Token());
        int height = int.Parse(Token());
        int max = int.Parse(Token());
        return (magic, width, height, max, at + 1);
    }
}
