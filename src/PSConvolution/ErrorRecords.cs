using System;
using System.IO;
using System.Management.Automation;
using PSConvolution.Engine;
using PSConvolution.Engine.Batch;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Commands;

/// <summary>One place that turns failures into error records: the error id is the stable <see cref="ConvolutionErrorKind"/> name.</summary>
internal static class ErrorRecords
{
    /// <param name="exception">The failure.</param>
    /// <param name="target">What the record names when the failure names no path.</param>
    /// <param name="sentToDestination">
    /// The outputs go to a -Destination folder: an output that would replace its source then means the source lies in
    /// that folder, as an output of an earlier run does when the call reads the folder again.
    /// </param>
    public static ErrorRecord From(ConvolutionException exception, object? target, bool sentToDestination = false)
    {
        var record = new ErrorRecord(exception, exception.Kind.ToString(), CategoryOf(exception.Kind), exception.Path ?? target);
        string? hint = exception switch
        {
            { Kind: ConvolutionErrorKind.DestinationExists } => "Use -Force to overwrite it.",
            { Kind: ConvolutionErrorKind.DestinationReadOnly } => "Use -Force to replace it; it stays read-only.",
            { PixelLimit: not null } => "Raise -MaxPixels to allow it.",
            // Get-ChildItem -Exclude does not keep -Recurse out of a folder; a filter on the full name does.
            { Kind: ConvolutionErrorKind.DestinationIsSource, Path: string source } when sentToDestination
                => $"It is in the -Destination folder, perhaps written by an earlier run: give a -Destination outside the folders read, or leave that folder out of the input (... | Where-Object FullName -NotLike '{Path.GetDirectoryName(source)!.Replace("'", "''")}{Path.DirectorySeparatorChar}*' | Invoke-ImageConvolution ...).",
            { Kind: ConvolutionErrorKind.DestinationIsSource } => "Use -Suffix, -Destination, or -InPlace to replace it on purpose.",
            { OneFileOnDisk: true } => "Use -RelativeBasePath with -Destination to keep the sources' folders apart, or -Suffix; on this file system, names that differ only in case are one file.",
            // Two sources of one folder meet only under -Format: the same name with another extension.
            { OtherSource: string other } when exception.Path is not null && PathKey.Comparer.Equals(Path.GetDirectoryName(other), Path.GetDirectoryName(exception.Path))
                => "Leave out -Format to keep each file's own format and extension, or convert one of them in a call of its own with another -Suffix.",
            { OtherSource: not null } => "Use -RelativeBasePath with -Destination to keep the sources' folders apart, or -Suffix.",
            // An output never replaces a file the call reads, though -Force is given: the input may be a photo named on purpose.
            { Kind: ConvolutionErrorKind.DestinationCollision } => "An output never replaces a file the same call reads. If that file is an output of an earlier run, give a -Destination outside the folders read, or leave it out of the input.",
            { Kind: ConvolutionErrorKind.NotUnderRelativeBasePath } => "Give a -RelativeBasePath that holds every source.",
            { Kind: ConvolutionErrorKind.OutputTooLarge } => "Use -Format Png or Tiff, which hold larger images.",
            { Kind: ConvolutionErrorKind.PathIsDirectory, Path: string folder } => $"To convert the images in it, send its files: Get-ChildItem -LiteralPath {Quoted(folder)} -File | Invoke-ImageConvolution ...",
            _ => null,
        };
        if (hint is not null)
        {
            // The engine speaks of files and limits; the parameter that changes them is the cmdlet's to name.
            record.ErrorDetails = new ErrorDetails(exception.Message + " " + hint);
        }

        return record;
    }

    public static ErrorRecord From(ConvolutionErrorKind kind, string path, string message)
        => From(new ConvolutionException(kind, path, message), path);

    public static ErrorRecord InvalidKernel(InvalidKernelException exception, object? target)
    {
        var record = new ErrorRecord(exception, "InvalidKernel", ErrorCategory.InvalidArgument, target);
        string? hint = exception switch
        {
            { CannotNormalize: true } => "Give -Divisor, or leave out -Normalize.",
            { UnusedParameter: string name } => $"Leave out -{name}.",
            { NeedsAnchor: true } => "Give it with -Anchor <column>,<row>.",
            _ => null,
        };
        if (hint is not null)
        {
            record.ErrorDetails = new ErrorDetails(exception.Message + " " + hint);
        }

        return record;
    }

    /// <summary>A path in single quotes, as PowerShell reads it back: its own single quotes doubled.</summary>
    public static string Quoted(string path) => "'" + path.Replace("'", "''") + "'";

    /// <summary>
    /// An exception's message, an argument exception's without what .NET adds to it: " (Parameter 'suffix')" and "Actual value was 0."
    /// on a line of its own (.NET Framework: "Parameter name: suffix" on the next line).
    /// </summary>
    public static string Reason(Exception e)
    {
        if (e is not ArgumentException)
        {
            return e.Message;
        }

        string reason = e.Message.Split('\r', '\n')[0];
        int added = reason.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return added > 0 ? reason.Substring(0, added) : reason;
    }

    public static ErrorRecord InvalidParameter(string errorId, string message, object? target)
        => new(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target);

    private static ErrorCategory CategoryOf(ConvolutionErrorKind kind) => kind switch
    {
        ConvolutionErrorKind.FileNotFound => ErrorCategory.ObjectNotFound,
        ConvolutionErrorKind.PathIsDirectory => ErrorCategory.InvalidArgument,
        ConvolutionErrorKind.NotAnImage => ErrorCategory.InvalidData,
        ConvolutionErrorKind.CorruptImage => ErrorCategory.InvalidData,
        ConvolutionErrorKind.ImageTooLarge => ErrorCategory.LimitsExceeded,
        ConvolutionErrorKind.ImageSmallerThanKernel => ErrorCategory.InvalidArgument,
        ConvolutionErrorKind.DestinationExists => ErrorCategory.ResourceExists,
        ConvolutionErrorKind.DestinationIsSource => ErrorCategory.InvalidArgument,
        ConvolutionErrorKind.ReadFailed => ErrorCategory.ReadError,
        ConvolutionErrorKind.WriteFailed => ErrorCategory.WriteError,
        ConvolutionErrorKind.NotFileSystemPath => ErrorCategory.InvalidArgument,
        ConvolutionErrorKind.ChannelNotInImage => ErrorCategory.InvalidArgument,
        ConvolutionErrorKind.DestinationCollision => ErrorCategory.ResourceExists,
        ConvolutionErrorKind.NotUnderRelativeBasePath => ErrorCategory.InvalidArgument,
        ConvolutionErrorKind.OutputTooLarge => ErrorCategory.LimitsExceeded,
        ConvolutionErrorKind.UnsupportedImage => ErrorCategory.NotImplemented,
        ConvolutionErrorKind.DestinationReadOnly => ErrorCategory.PermissionDenied,
        _ => ErrorCategory.NotSpecified,
    };
}
