using System;

namespace PSConvolution.Engine.Kernels;

/// <summary>A kernel definition that cannot be used: ragged rows, an even size without an anchor, a non-finite weight, ...</summary>
public sealed class InvalidKernelException : ArgumentException
{
    /// <summary>Creates the exception with a message that says what is wrong with the kernel.</summary>
    public InvalidKernelException(string message)
        : base(message)
    {
    }

    /// <summary>True when the kernel was asked to be normalised and its weights sum to 0.</summary>
    public bool CannotNormalize { get; init; }

    /// <summary>True when the kernel has an even width or height and no anchor was given.</summary>
    public bool NeedsAnchor { get; init; }

    /// <summary>The parameter of <see cref="KernelLibrary.Create"/> that the kernel does not take, when that is the problem.</summary>
    public string? UnusedParameter { get; init; }
}
