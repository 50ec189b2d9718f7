using System;
using System.IO;
using System.Management.Automation;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Commands;

/// <summary>Lets -Kernel take names, kernel objects and numeric matrices; a bad kernel fails at binding, before any file is touched.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class KernelTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        try
        {
            return KernelConverter.ToKernels(inputData);
        }
        catch (InvalidKernelException e) when (FileNamed(engineIntrinsics, inputData) is string path)
        {
            // -Kernel ./sharpen.txt: the name of a file of weights, where its text was meant.
            string quoted = "'" + path.Replace("'", "''") + "'";
            throw new ArgumentTransformationMetadataException($"{quoted} is a file, not a kernel: -Kernel takes a kernel's name, weights or object. Read the file's text with -Kernel (Get-Content -Raw {quoted}), or a kernel saved with ConvertTo-Json with -Kernel (Get-Content -Raw {quoted} | ConvertFrom-Json).", e);
        }
        catch (InvalidKernelException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }

    // The text of a single string given to -Kernel where it is the path of an existing file, from the current
    // location; null otherwise.
    private static string? FileNamed(EngineIntrinsics? engine, object inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is object[] { Length: 1 } single)
        {
            value = single[0] is PSObject item ? item.BaseObject : single[0];
        }

        if (engine is null || value is not string text || text.Length is 0 or > 4096 || text.IndexOfAny(new[] { '\n', '\r', ';' }) >= 0)
        {
            return null;
        }

        try
        {
            string full = engine.SessionState.Path.GetUnresolvedProviderPathFromPSPath(text);
            return File.Exists(full) ? text : null;
        }
        catch (Exception e) when (e is ItemNotFoundException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException or ArgumentException or PSInvalidOperationException)
        {
            return null;
        }
    }
}
