using System.Collections.Generic;
using System.IO;
using PSConvolution.Engine.Imaging;

namespace PSConvolution.Engine.Batch;

/// <summary>
/// Every input a batch has taken and every output it has claimed, with the input that claimed it, decided in input
/// order as inputs arrive: two inputs never write one output (the first keeps it), an output never replaces an
/// input of the same batch, and a file the batch writes is not read back. Paths count as the file they lead to, every
/// symbolic link on the way (a linked folder too) resolved: two names of one file rewritten in place are one file,
/// rewritten once, and an output that leads to a file another output or an input of the batch is, collides with it.
/// Paths are kept as 128-bit
/// <see cref="PathKey"/>s; a claimed output keeps its input's path, to name it in the collision error.
/// </summary>
public sealed class OutputLedger
{
    private readonly HashSet<PathKey> inputs = new();

    // The files the inputs are, and the files the outputs land in, after symbolic links: two names of one file are
    // one file to write.
    private readonly HashSet<PathKey> inputFiles = new();

    // The last input taken and the file it is: Claim follows TakeInput for the same input, and need not resolve it again.
    private (string Source, string File) lastTaken = (string.Empty, string.Empty);
    private readonly Dictionary<PathKey, string> outputs = new();

    // The outputs put in place, by their key with the path upper-cased, each with its own key: where the file
    // system ignores case (FAT, exFAT, an SMB share, a case-folded folder), names the ledger tells apart are one file.
    // Windows and macOS keys are upper-cased already.
    private readonly Dictionary<PathKey, PathKey> placed = new();
    private readonly bool inPlace;

    /// <summary>Creates an empty ledger; <paramref name="inPlace"/> when each output replaces its own source.</summary>
    public OutputLedger(bool inPlace) => this.inPlace = inPlace;

    /// <summary>Inputs taken so far.</summary>
    public int InputCount => inputs.Count;

    /// <summary>Takes an input (a full path), unless it was taken before or is an output of this batch.</summary>
    /// <param name="source">The input.</param>
    /// <param name="writer">For <see cref="InputAdmission.OwnOutput"/>, the input whose output it is.</param>
    public InputAdmission TakeInput(string source, out string? writer)
    {
        string resolved = WrittenFile(source);
        lastTaken = (source, resolved);
        PathKey file = PathKey.Of(resolved);
        if (outputs.TryGetValue(file, out writer))
        {
            // In place each output is its input: a file reached again, by its name or through another link, is a
            // repeat, rewritten once.
            return inPlace ? InputAdmission.Repeated : InputAdmission.OwnOutput;
        }

        if (!inputs.Add(PathKey.Of(source)))
        {
            return InputAdmission.Repeated;
        }

        inputFiles.Add(file);
        return InputAdmission.Taken;
    }

    /// <summary>Claims <paramref name="output"/> for a taken <paramref name="source"/>.</summary>
    /// <exception cref="ConvolutionException">
    /// The output would replace its source (<see cref="ConvolutionErrorKind.DestinationIsSource"/>), another output of
    /// the batch or another input of it (<see cref="ConvolutionErrorKind.DestinationCollision"/>); nothing is claimed.
    /// </exception>
    public void Claim(string source, string output)
    {
        string written = WrittenFile(output);
        PathKey key = PathKey.Of(written);
        string sourceFile = source == lastTaken.Source ? lastTaken.File : WrittenFile(source);
        if (!inPlace && PathKey.Comparer.Equals(written, sourceFile))
        {
            throw new ConvolutionException(ConvolutionErrorKind.DestinationIsSource, source, $"The output for '{source}' would replace the source file.");
        }

        // A path through a link is named with the file it leads to, which is what would be written twice.
        string target = PathKey.Comparer.Equals(written, Path.GetFullPath(output)) ? $"'{output}'" : $"'{output}' (that is, '{written}')";
        if (outputs.TryGetValue(key, out string? first))
        {
            throw new ConvolutionException(ConvolutionErrorKind.DestinationCollision, source, $"'{source}' would be written to {target}, which '{first}' writes in this batch, so it was not processed.") { OtherSource = first };
        }

        if (!inPlace && inputFiles.Contains(key))
        {
            throw new ConvolutionException(ConvolutionErrorKind.DestinationCollision, source, $"'{source}' would be written to {target}, which is an input of this batch, so it was not processed.");
        }

        outputs[key] = source;
    }

    /// <summary>
    /// Puts <paramref name="output"/> in place for <paramref name="source"/> with <paramref name="commit"/>, after
    /// checking, where the file system may take names that differ only in case for one file (FAT, exFAT, an SMB share,
    /// a case-folded folder; on Linux, where the ledger compares names exactly): refuses it where the file it would replace is its own source, reached
    /// through a folder typed in another case (<c>/media/card/DCIM</c> for <c>/media/card/dcim</c>), or one an earlier
    /// output of the batch put in place under a name that differs only in case (IMG_1.JPG and img_1.jpg). Outputs are
    /// put in place in input order, so the first source keeps the file.
    /// </summary>
    /// <param name="source">The input.</param>
    /// <param name="output">Its output.</param>
    /// <param name="temporaryPath">The output's temporary file, written beside it: seen through the source's folder, it
    /// shows the two folders to be one.</param>
    /// <param name="commit">Puts the output in place; called once the checks pass, and the output recorded after it.</param>
    /// <exception cref="ConvolutionException">
    /// <see cref="ConvolutionErrorKind.DestinationIsSource"/>, or <see cref="ConvolutionErrorKind.DestinationCollision"/>
    /// naming the earlier source.
    /// </exception>
    public void Place(string source, string output, string temporaryPath, System.Action commit)
    {
        if (PathKey.IgnoreCase)
        {
            commit();
            return;
        }

        string written = WrittenFile(output);
        PathKey key = PathKey.Of(written), folded = PathKey.Of(written.ToUpperInvariant());
        CheckPlacing(source, output, written, key, folded, temporaryPath);
        commit();
        placed[folded] = key;
    }

    private void CheckPlacing(string source, string output, string written, PathKey key, PathKey folded, string temporaryPath)
    {
        // Only an output that exists already can be its source: one look at the disk first. The source's own path
        // is resolved only then, which costs more (a realpath) whenever the batch has taken later inputs since this
        // one, as it has when outputs are put in place behind the inputs arriving.
        if (!inPlace && File.Exists(written))
        {
            string sourceFile = source == lastTaken.Source ? lastTaken.File : WrittenFile(source);
            string sourceFolder = Path.GetDirectoryName(sourceFile)!, folder = Path.GetDirectoryName(written)!;
            if (!string.Equals(sourceFolder, folder, System.StringComparison.Ordinal) && string.Equals(sourceFolder, folder, System.StringComparison.OrdinalIgnoreCase)
                && string.Equals(Path.GetFileName(sourceFile), Path.GetFileName(written), System.StringComparison.OrdinalIgnoreCase)
                && File.Exists(Path.Combine(sourceFolder, Path.GetFileName(temporaryPath))))
            {
                throw new ConvolutionException(ConvolutionErrorKind.DestinationIsSource, source, $"The output for '{source}' would replace the source file: this file system takes '{folder}' for '{sourceFolder}' (the names differ only in case).");
            }
        }

        if (!placed.TryGetValue(folded, out PathKey earlier) || earlier == key || !File.Exists(written) || ListedName(written) is not string onDisk)
        {
            return;
        }

        string first = outputs[earlier];
        string other = Path.Combine(Path.GetDirectoryName(written)!, onDisk);
        throw new ConvolutionException(ConvolutionErrorKind.DestinationCollision, source, $"'{source}' would be written to '{output}', which this file system takes for '{other}', written from '{first}' in this batch (the names differ only in case), so it was not put in place.") { OtherSource = first, OneFileOnDisk = true };
    }

    // The name under which the folder of an existing file lists it, where that is another spelling of the name given:
    // the file system found it ignoring case. Null where the folder lists the name itself. Asked only of a name that
    // differs in case from an output put in place, so seldom.
    private static string? ListedName(string path)
    {
        string name = Path.GetFileName(path);
        string? other = null;
        foreach (string entry in Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(path)!))
        {
            string listed = Path.GetFileName(entry);
            if (string.Equals(listed, name, System.StringComparison.Ordinal))
            {
                return null;
            }

            if (other is null && string.Equals(listed, name, System.StringComparison.OrdinalIgnoreCase))
            {
                other = listed;
            }
        }

        return other;
    }

    // The file a write to the path lands in, every link on the way resolved: a link to the source, or the source
    // reached through a linked folder, counts as the source. The full path itself where a link cannot be followed.
    private static string WrittenFile(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            return AtomicFileWriter.ResolvedPath(full);
        }
        catch (IOException)
        {
            return full;
        }
    }
}
