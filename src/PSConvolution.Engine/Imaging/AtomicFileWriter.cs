using System;
using System.IO;
using System.Threading;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Writes a file so that a failure leaves nothing behind and a replaced file keeps its identity: the content goes
/// into a temporary file beside the final target, created no wider than the file it replaces, which then takes
/// over the old file's owner and mode and is renamed over it. A symbolic link stays a link: its target is
/// rewritten.
/// </summary>
internal static partial class AtomicFileWriter
{
    /// <summary>Writes <paramref name="destinationPath"/> through <paramref name="write"/>.</summary>
    /// <param name="destinationPath">The file to write (full path); its folder must exist.</param>
    /// <param name="modeSource">A file whose read and write permission bits a new file takes (the source image), or null.</param>
    /// <param name="overwrite">Replace an existing file.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="cancellationToken">Checked once the content is written, before the target is touched.</param>
    public static void Write(string destinationPath, string? modeSource, bool overwrite, Action<Stream> write, CancellationToken cancellationToken)
    {
        string target = FinalTarget(destinationPath);
        if (!overwrite && File.Exists(target))
        {
            throw DestinationExists(destinationPath, null);
        }

        // A replaced file keeps its own identity; a new one is no more readable than the image it came from
        // (the process's umask narrows it further, as for any new file).
        FileIdentity? replaced = File.Exists(target) ? FileIdentity.Of(target) : null;
        FileIdentity? template = replaced ?? (modeSource is null ? null : FileIdentity.Of(modeSource));
        string folder = Path.GetDirectoryName(target)!;
        string temporary = Path.Combine(folder, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        try
        {
            using (FileStream stream = CreateTemporary(temporary, template))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!overwrite && File.Exists(target))
            {
                throw DestinationExists(destinationPath, null);
            }

            replaced?.ApplyTo(temporary);
            if (OperatingSystem.IsWindows() && overwrite && File.Exists(target))
            {
                // ReplaceFile keeps the replaced file's ACL, attributes and creation time.
                File.Replace(temporary, target, null, ignoreMetadataErrors: true);
            }
            else
            {
                MoveOver(temporary, target, overwrite);
            }
        }
        catch (Exception e)
        {
            TryDelete(temporary);
            if (e is ConvolutionException or OperationCanceledException)
            {
                throw;
            }

            if (e is IOException && !overwrite && File.Exists(target))
            {
                throw DestinationExists(destinationPath, e);
            }

            if (e is IOException or UnauthorizedAccessException or SixLabors.ImageSharp.ImageFormatException or NotSupportedException)
            {
                throw new ConvolutionException(ConvolutionErrorKind.WriteFailed, destinationPath, $"The output file '{destinationPath}' could not be written: {e.Message}", e);
            }

            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The error for an output that exists when overwriting was not asked for.</summary>
    internal static ConvolutionException DestinationExists(string path, Exception? inner)
        => new(ConvolutionErrorKind.DestinationExists, path, $"The output file '{path}' already exists.", inner);
}
