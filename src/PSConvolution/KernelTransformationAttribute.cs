using System;
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
        catch (InvalidKernelException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }
}
