using System;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// A converted image whose file is written but not yet in place (<see cref="ImageFileConvolver.Prepare"/>): it waits in
/// a temporary file beside its target until <see cref="Commit"/> puts it there. Disposing it uncommitted deletes the
/// temporary file, so a batch that stops keeps only the results it reported.
/// </summary>
public sealed class PreparedOutput : IDisposable
{
    private readonly AtomicFileWriter.PendingFile file;

    internal PreparedOutput(string path, ConversionReport report, AtomicFileWriter.PendingFile file)
    {
        Path = path;
        Report = report;
        this.file = file;
    }

    /// <summary>The output file's path.</summary>
    public string Path { get; }

    /// <summary>The hidden temporary file the output waits in until <see cref="Commit"/>, beside its target.</summary>
    public string TemporaryPath => file.TemporaryPath;

    /// <summary>What the output format could not hold and was converted.</summary>
    public ConversionReport Report { get; }

    /// <summary>Renames the written file over its target.</summary>
    /// <exception cref="ConvolutionException">It could not be put in place (<see cref="ConvolutionErrorKind.WriteFailed"/>, or <see cref="ConvolutionErrorKind.DestinationExists"/> when a file took the name meanwhile); the temporary file is gone.</exception>
    public void Commit()
    {
        file.Commit();
        Report.OtherNamesKeptOld = file.OtherNames;
    }

    /// <summary>Deletes the written file unless it was committed.</summary>
    public void Dispose() => file.Dispose();
}
