using System;
using System.Management.Automation;
using PSConvolution.Engine.Imaging;

namespace PSConvolution.Commands;

/// <summary>
/// Lets -Format take a file extension as well as a format's name (-Format jpg, -Format .png, -Format pgm), as users
/// name formats after their files; anything else is left to PowerShell's own conversion and its message.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class OutputFormatTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        => (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is string text && ImageFormats.TryParse(text, out OutputFormat format)
            ? format
            : inputData;
}
