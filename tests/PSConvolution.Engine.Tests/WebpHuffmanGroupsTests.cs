using System.Collections.Generic;
using System.IO;
using System.Linq;
using PSConvolution.Engine.Imaging;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>The lossless-WebP check refuses the fuzzer's files and none of libwebp's.</summary>
public sealed class WebpHuffmanGroupsTests
{
    public static IEnumerable<object[]> ValidFiles() => Files("webp", "*.webp");

    public static IEnumerable<object[]> FuzzFiles() => Files("fuzz", "webp-huffman-groups-*.webp");

    // Written by cwebp 1.2 (Debian's webp): lossless at -z 9 (transforms, colour cache, meta Huffman codes), a
    // palette image, and lossy with a losslessly compressed alpha chunk.
    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void PassesWhatLibwebpWrote(string file)
    {
        using FileStream stream = Open("webp", file);
        Assert.Null(WebpHuffmanGroups.Damage(stream, out int groups));
        Expect.True(groups >= 1, $"{file}: no lossless stream was read.");
    }

    [Fact]
    public void ReadsAsFarAsTheGroupsOfAnEntropyImage()
    {
        int most = 0;
        foreach (object[] file in ValidFiles())
        {
            using FileStream stream = Open("webp", (string)file[0]);
            WebpHuffmanGroups.Damage(stream, out int groups);
            most = System.Math.Max(most, groups);
        }

        // At least one valid file has several groups, so the entropy image and the sub-images before it were decoded.
        Expect.True(most > 1, $"The most groups any valid file declared was {most}.");
    }

    [Theory]
    [MemberData(nameof(FuzzFiles))]
    public void RefusesWhatTheFuzzerFound(string file)
    {
        using FileStream stream = Open("fuzz", file);
        Assert.NotNull(WebpHuffmanGroups.Damage(stream));
    }

    // Found by the fuzzer's guarded log: a chunk size of nearly 4 GB put a memory stream past what it can address.
    [Fact]
    public void AChunkClaimingGigabytesEndsTheWalk()
    {
        byte[] file = { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'E', (byte)'B', (byte)'P', (byte)'X', (byte)'Y', (byte)'Z', (byte)'W', 0xF0, 0xFF, 0xFF, 0xFF, 1, 2, 3 };
        using var stream = new MemoryStream(file);
        Assert.Null(WebpHuffmanGroups.Damage(stream, out int groups));
        Assert.Equal(0, groups);
    }

    [Fact]
    public void LeavesOtherFilesAlone()
    {
        using var stream = new MemoryStream(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 4, 0, 0, 0, (byte)'A', (byte)'V', (byte)'I', (byte)' ' });
        Assert.Null(WebpHuffmanGroups.Damage(stream, out int groups));
        Assert.Equal(0, groups);
    }

    // The files of one corpus folder (tests/corpus/<folder>) as theory data, and one of them opened.
    private static IEnumerable<object[]> Files(string folder, string pattern)
        => Directory.EnumerateFiles(RepositoryPaths.Find("tests", "corpus", folder), pattern).OrderBy(f => f).Select(f => new object[] { Path.GetFileName(f) });

    private static FileStream Open(string folder, string file) => File.OpenRead(Path.Combine(RepositoryPaths.Find("tests", "corpus", folder), file));
}
