using System.IO;
using PSConvolution.Engine.Imaging;
using PSConvolution.Engine.Kernels;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>Each format's side limit, as OutputTooLarge documents it: an image at the limit is written, one pixel over is refused.</summary>
public sealed class OutputSizeLimitTests
{
    [Theory]
    [InlineData(OutputFormat.Jpeg, 65_534)]
    [InlineData(OutputFormat.Gif, 65_535)]
    [InlineData(OutputFormat.Tga, 32_767)]
    [InlineData(OutputFormat.Webp, 16_383)]
    public void AnImageAtTheLimitIsWrittenAndOnePixelOverIsRefused(OutputFormat format, int limit)
    {
        using (var output = new MemoryStream())
        {
            ImageFileConvolver.Convert(Strip(limit), "at-limit", output, Request(format));
            output.Position = 0;
            Assert.Equal(limit, Image.Identify(output).Width);
        }

        var error = Assert.Throws<ConvolutionException>(() => ImageFileConvolver.Convert(Strip(limit + 1), "over-limit", new MemoryStream(), Request(format)));
        Assert.Equal(ConvolutionErrorKind.OutputTooLarge, error.Kind);
        Assert.Contains($"{limit:N0} pixels a side", error.Message, System.StringComparison.Ordinal);
    }

    private static ConvolutionRequest Request(OutputFormat format) => new(new[] { KernelLibrary.Get("Identity") }, ConvolutionOptions.Default) { Format = format };

    // One row of pixels, as a PNG (which holds any width).
    private static MemoryStream Strip(int width)
    {
        var stream = new MemoryStream();
        using (var image = new Image<Rgb24>(width, 1, new Rgb24(90, 120, 200)))
        {
            image.Save(stream, new PngEncoder());
        }

        stream.Position = 0;
        return stream;
    }
}
