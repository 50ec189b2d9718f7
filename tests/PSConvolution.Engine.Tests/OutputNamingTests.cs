using System;
using System.IO;
using PSConvolution.Engine.Batch;
using PSConvolution.Engine.Imaging;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>Where a batch writes each output, and what its ledger refuses.</summary>
public sealed class OutputNamingTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "psconv-naming-" + Guid.NewGuid().ToString("N"));

    public OutputNamingTests()
    {
        Directory.CreateDirectory(Path.Combine(root, "a"));
        Directory.CreateDirectory(Path.Combine(root, "b"));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void BesideTheSourceTheKernelNamesAreTheSuffix()
    {
        var naming = new OutputNaming(null, null, null, OutputFormat.Auto, inPlace: false, new[] { "Gaussian5", "Unsharp Mask [2]" });
        Assert.Equal(Path.Combine(root, "a", "p_Gaussian5_UnsharpMask2.jpg"), naming.OutputOf(Path.Combine(root, "a", "p.jpg")));

        // The characters Windows refuses in a name are left out on every system, so a script names its outputs alike
        // everywhere (a colon, say, would make an alternate data stream of the name on NTFS).
        var portable = new OutputNaming(null, null, null, OutputFormat.Auto, inPlace: false, new[] { "Edge: left/right \\ <v2> | \"x\"\t" });
        Assert.Equal(Path.Combine(root, "p_Edgeleftrightv2x.jpg"), portable.OutputOf(Path.Combine(root, "p.jpg")));
    }

    [Fact]
    public void InADestinationTheNameIsKeptAndTheFormatSetsTheExtension()
    {
        string destination = Path.Combine(root, "out");
        var naming = new OutputNaming(destination, null, null, OutputFormat.Png, inPlace: false, new[] { "Box3" });
        Assert.Equal(Path.Combine(destination, "p.png"), naming.OutputOf(Path.Combine(root, "a", "p.jpg")));
        var suffixed = new OutputNaming(destination, null, "-blur", OutputFormat.Auto, inPlace: false, new[] { "Box3" });
        Assert.Equal(Path.Combine(destination, "p-blur.jpg"), suffixed.OutputOf(Path.Combine(root, "a", "p.jpg")));
    }

    /// <summary>
    /// -Format Jpeg gave 'x.jpeg' the name 'x.jpg' and 'P.JPG' the name 'P.jpg', so 'a.jpg' and 'a.jpeg' collided: an
    /// extension that already names the format is kept. Netpbm's are each one kind of its files, and stay '.pnm'.
    /// </summary>
    [Theory]
    [InlineData("x.jpeg", OutputFormat.Jpeg, "x.jpeg")]
    [InlineData("P.JPG", OutputFormat.Jpeg, "P.JPG")]
    [InlineData("p.jfif", OutputFormat.Jpeg, "p.jfif")]
    [InlineData("x.jpeg", OutputFormat.Png, "x.png")]
    [InlineData("s.TIFF", OutputFormat.Tiff, "s.TIFF")]
    [InlineData("s.png", OutputFormat.Tiff, "s.tif")]
    [InlineData("g.pgm", OutputFormat.Pbm, "g.pnm")]
    [InlineData("noext", OutputFormat.Jpeg, "noext.jpg")]
    [InlineData("x.jpeg.png", OutputFormat.Jpeg, "x.jpeg.jpg")]
    public void AnExtensionThatNamesTheFormatIsKept(string name, OutputFormat format, string expected)
    {
        string destination = Path.Combine(root, "out");
        var naming = new OutputNaming(destination, null, null, format, inPlace: false, new[] { "Box3" });
        Assert.Equal(Path.Combine(destination, expected), naming.OutputOf(Path.Combine(root, name)));
    }

    [Fact]
    public void ARelativeBaseKeepsTheSourcesFoldersAndRefusesSourcesOutsideIt()
    {
        string destination = Path.Combine(root, "out");
        var naming = new OutputNaming(destination, root + Path.DirectorySeparatorChar, null, OutputFormat.Auto, inPlace: false, new[] { "Box3" });
        Assert.Equal(Path.Combine(destination, "a", "p.jpg"), naming.OutputOf(Path.Combine(root, "a", "p.jpg")));
        Assert.Equal(Path.Combine(destination, "p.jpg"), naming.OutputOf(Path.Combine(root, "p.jpg")));
        var error = Assert.Throws<ConvolutionException>(() => naming.OutputOf(Path.Combine(Path.GetDirectoryName(root)!, "elsewhere", "p.jpg")));
        Assert.Equal(ConvolutionErrorKind.NotUnderRelativeBasePath, error.Kind);
        Assert.Throws<ArgumentException>(() => new OutputNaming(null, root, null, OutputFormat.Auto, inPlace: false, new[] { "Box3" }));
    }

    [Fact]
    public void InPlaceTheOutputIsTheSource()
    {
        var naming = new OutputNaming(null, null, null, OutputFormat.Auto, inPlace: true, new[] { "Box3" });
        string source = Path.Combine(root, "a", "p.jpg");
        Assert.Equal(source, naming.OutputOf(source));
        var ledger = new OutputLedger(inPlace: true);
        Assert.Equal(InputAdmission.Taken, ledger.TakeInput(source, out _));
        ledger.Claim(source, source);
    }

    [Fact]
    public void TheFirstInputKeepsAContestedNameAndTheSecondIsRefusedNamingBoth()
    {
        string destination = Path.Combine(root, "out");
        var naming = new OutputNaming(destination, null, null, OutputFormat.Auto, inPlace: false, new[] { "Box3" });
        var ledger = new OutputLedger(inPlace: false);
        string a = Path.Combine(root, "a", "p.jpg");
        string b = Path.Combine(root, "b", "p.jpg");
        Assert.Equal(InputAdmission.Taken, ledger.TakeInput(a, out _));
        ledger.Claim(a, naming.OutputOf(a));
        Assert.Equal(InputAdmission.Taken, ledger.TakeInput(b, out _));
        var error = Assert.Throws<ConvolutionException>(() => ledger.Claim(b, naming.OutputOf(b)));
        Assert.Equal(ConvolutionErrorKind.DestinationCollision, error.Kind);
        Assert.Equal(a, error.OtherSource);
        Assert.Contains(a, error.Message);
        Assert.Contains(b, error.Message);
    }

    [Fact]
    public void RepeatsAndOwnOutputsAreNotTakenAgain()
    {
        var naming = new OutputNaming(null, null, null, OutputFormat.Auto, inPlace: false, new[] { "Box3" });
        var ledger = new OutputLedger(inPlace: false);
        string a = Path.Combine(root, "a", "p.jpg");
        Assert.Equal(InputAdmission.Taken, ledger.TakeInput(a, out _));
        ledger.Claim(a, naming.OutputOf(a));
        Assert.Equal(InputAdmission.Repeated, ledger.TakeInput(a, out _));
        Assert.Equal(InputAdmission.OwnOutput, ledger.TakeInput(naming.OutputOf(a), out string? writer));
        Assert.Equal(a, writer);
        Assert.Equal(1, ledger.InputCount);
    }

    [Fact]
    public void AnOutputMayNotReplaceItsSourceOrAnotherInput()
    {
        var ledger = new OutputLedger(inPlace: false);
        string a = Path.Combine(root, "a", "p.jpg");
        string b = Path.Combine(root, "a", "q.jpg");
        ledger.TakeInput(a, out _);
        Assert.Equal(ConvolutionErrorKind.DestinationIsSource, Assert.Throws<ConvolutionException>(() => ledger.Claim(a, a)).Kind);
        ledger.TakeInput(b, out _);
        ConvolutionException error = Assert.Throws<ConvolutionException>(() => ledger.Claim(b, a));
        Assert.Equal(ConvolutionErrorKind.DestinationCollision, error.Kind);
        Assert.Null(error.OtherSource);
    }

    /// <summary>A suffix is part of a file name: one with a folder separator would put outputs in other folders.</summary>
    [Theory]
    [InlineData("/x")]
    [InlineData("_a/../../b")]
    [InlineData("\\x")]
    public void ASuffixThatIsNoPartOfAFileNameIsRefused(string suffix)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new OutputNaming(null, null, suffix, OutputFormat.Auto, inPlace: false, new[] { "Box3" }));
        Assert.Equal("suffix", error.ParamName);
        Assert.Contains(suffix, error.Message);
        Assert.Equal(Path.Combine(root, "p_x.jpg"), new OutputNaming(null, null, "_x", OutputFormat.Auto, inPlace: false, new[] { "Box3" }).OutputOf(Path.Combine(root, "p.jpg")));
    }

    /// <summary>A character no file name can hold is named visibly: a NUL printed as itself showed as "holds ' '".</summary>
    [Fact]
    public void AControlCharacterInASuffixIsNamedByItsCodePoint()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new OutputNaming(null, null, "_a\0b", OutputFormat.Auto, inPlace: false, new[] { "Box3" }));
        Assert.StartsWith("The suffix '_a\\u0000b' holds the control character U+0000, which a file name cannot.", error.Message);
    }

    [Theory]
    [InlineData("Jpeg", OutputFormat.Jpeg)]
    [InlineData("png", OutputFormat.Png)]
    [InlineData(" Tiff ", OutputFormat.Tiff)]
    [InlineData("jpg", OutputFormat.Jpeg)]
    [InlineData(".JPEG", OutputFormat.Jpeg)]
    [InlineData("jfif", OutputFormat.Jpeg)]
    [InlineData("tif", OutputFormat.Tiff)]
    [InlineData(".webp", OutputFormat.Webp)]
    [InlineData("pgm", OutputFormat.Pbm)]
    [InlineData("ppm", OutputFormat.Pbm)]
    [InlineData("pnm", OutputFormat.Pbm)]
    [InlineData("auto", OutputFormat.Auto)]
    public void AFormatIsReadFromItsNameOrAnyOfItsExtensions(string text, OutputFormat expected)
    {
        Assert.True(ImageFormats.TryParse(text, out OutputFormat format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("heic")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("jpgx")]
    public void TextThatNamesNoFormatIsNotReadAsOne(string text)
        => Assert.False(ImageFormats.TryParse(text, out _));
}
