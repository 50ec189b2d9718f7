using System;
using System.Management.Automation;
using PSConvolution.Engine;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Commands;

/// <summary>One place that turns failures into error records: the error id is the stable <see cref="ConvolutionErrorKind"/> name.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(ConvolutionException exception, object? target)
        => new(exception, exception.Kind.ToString(), CategoryOf(exception.Kind), exception.Path ?? target);

    public static ErrorRecord From(ConvolutionErrorKind kind, string path, string message)
        => From(new ConvolutionException(kind, path, message), path);

    public static ErrorRecord InvalidKernel(InvalidKernelException exception, object? target)
        => new(exception, "InvalidKernel", ErrorCategory.InvalidArgument, target);

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
        _ => ErrorCategory.NotSpecified,
    };
}
