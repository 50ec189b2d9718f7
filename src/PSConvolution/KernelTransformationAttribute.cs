using System;
using System.Management.Automation;
using PSConvolution.Engine.Imaging;
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
        catch (InvalidKernelException e) when (KernelConverter.FileNamed(engineIntrinsics?.SessionState.Path, inputData) is string path)
        {
            // -Kernel ./sharpen.txt: the name of a file of weights, where its text was meant; or an image's name, the
            // arguments swapped (Invoke-ImageConvolution Gaussian5 photo.jpg), where reading its text is no help.
            string quoted = ErrorRecords.Quoted(path);
            throw new ArgumentTransformationMetadataException(
                ImageFormats.HasImageExtension(path)
                    ? $"{quoted} is an image file, not a kernel: the images to convolve come first, or with -Path, and the kernel second, or with -Kernel, as in Invoke-ImageConvolution -Path {quoted} -Kernel Gaussian5."
                    : $"{quoted} is a file, not a kernel: -Kernel takes a kernel's name, weights or object. Read the file's text with -Kernel (Get-Content -Raw {quoted}), or a kernel saved with ConvertTo-Json with -Kernel (Get-Content -Raw {quoted} | ConvertFrom-Json).",
                e);
        }
        catch (InvalidKernelException e)
        {
            // -Kernel takes no anchor: an even-sized matrix needs New-ConvolutionKernel's.
            string message = e.NeedsAnchor ? e.Message + " Make the kernel with New-ConvolutionKernel -Matrix <weights> -Anchor <column>,<row>, and give that to -Kernel." : e.Message;
            throw new ArgumentTransformationMetadataException(message, e);
        }
    }
}
