using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PSConvolution.Engine.Imaging;

namespace PSConvolution.Engine.Batch;

/// <summary>
/// Where a batch writes each source's result: beside the source with a suffix, in a destination folder (keeping
/// the sources' folders below a base folder when one is given), or over the source itself.
/// </summary>
public sealed class OutputNaming
{
    private readonly string? destinationFolder;
    private readonly string? relativeBase;
    private readonly string suffix;
    private readonly OutputFormat format;
    private readonly bool inPlace;

    /// <summary>Creates the naming rules of one batch.</summary>
    /// <param name="destinationFolder">The folder outputs go to, or null for each source's own folder.</param>
    /// <param name="relativeBase">With a destination folder: the folder whose layout below it is kept below the destination.</param>
    /// <param name="suffix">Added to each name; null for the default (the kernel names beside the source, nothing in a destination folder).</param>
    /// <param name="format">The output format, or Auto to keep each source's extension.</param>
    /// <param name="inPlace">Each output replaces its source.</param>
    /// <param name="kernelNames">The kernels' names, for the default suffix.</param>
    public OutputNaming(string? destinationFolder, string? relativeBase, string? suffix, OutputFormat format, bool inPlace, IEnumerable<string> kernelNames)
    {
        ArgumentNullException.ThrowIfNull(kernelNames);
        if (relativeBase is not null && destinationFolder is null)
        {
            throw new ArgumentException("A relative base folder needs a destination folder to recreate its layout in.", nameof(relativeBase));
        }

        // A suffix is part of each output's file name: a separator in it would send outputs into other folders.
        if (suffix is not null && suffix.IndexOfAny(Path.GetInvalidFileNameChars().Concat(new[] { '/', '\\' }).ToArray()) is int bad and >= 0)
        {
            char c = suffix[bad];
            throw new ArgumentException(
                c is '/' or '\\'
                    ? $"The suffix '{suffix}' holds '{c}', which a file name cannot: it is added to each output's name, so it names no folder. Give a destination folder for that."
                    : $"The suffix '{Visible(suffix)}' holds {(char.IsControl(c) ? $"the control character U+{(int)c:X4}" : $"'{c}'")}, which a file name cannot.",
                nameof(suffix));
        }

        this.destinationFolder = destinationFolder;
        this.relativeBase = relativeBase is null ? null : Path.TrimEndingDirectorySeparator(relativeBase);
        this.suffix = suffix ?? (destinationFolder is null ? "_" + string.Join("_", kernelNames.Select(SafeName)) : string.Empty);
        this.format = format;
        this.inPlace = inPlace;
    }

    /// <summary>The output path of <paramref name="source"/> (a full path).</summary>
    /// <exception cref="ConvolutionException">The source is not below the relative base folder (<see cref="ConvolutionErrorKind.NotUnderRelativeBasePath"/>).</exception>
    public string OutputOf(string source)
    {
        if (inPlace)
        {
            return source;
        }

        string sourceFolder = Path.GetDirectoryName(source)!;
        string folder = destinationFolder ?? sourceFolder;
        if (relativeBase is not null)
        {
            // The source's folder below the base, recreated below the destination.
            string relative = Path.GetRelativePath(relativeBase, sourceFolder);
            if (relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative))
            {
                throw new ConvolutionException(ConvolutionErrorKind.NotUnderRelativeBasePath, source, $"'{source}' is not below the base folder '{relativeBase}', so it has no place below the destination folder.");
            }

            folder = relative == "." ? folder : Path.Combine(folder, relative);
        }

        // A source whose extension already names the format keeps it: -Format Jpeg leaves 'x.jpeg' and 'P.JPG' as they
        // are named, as Auto does, rather than making them 'x.jpg' and 'P.jpg' (and 'a.jpg' and 'a.jpeg' one name).
        string own = Path.GetExtension(source);
        string extension = format == OutputFormat.Auto || ImageFormats.IsExtensionOf(own, format) ? own : ImageFormats.GetExtension(format);
        return Path.Combine(folder, Path.GetFileNameWithoutExtension(source) + suffix + extension);
    }

    // A kernel name as it may stand in a file name on any system, and that PowerShell's -Path would not read as a
    // wildcard. The characters Windows refuses are left out everywhere, not only where the module runs: a script gives
    // the same names on Linux as on Windows, and the files can go to a memory card, a Windows share or a synchronised
    // folder (a kernel named "Edge: left" gave "p_Edge:left.jpg" on Linux, which Windows cannot name).
    private static string SafeName(string name)
        => new string(name.Where(c => !char.IsControl(c) && !char.IsWhiteSpace(c) && c is not ('[' or ']' or '*' or '?' or '"' or '<' or '>' or '|' or ':' or '/' or '\\')).ToArray());

    // Text with its control characters shown as code points, for a message.
    private static string Visible(string text)
        => string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
