using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using PSConvolution.Engine.Imaging;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Commands;

/// <summary>
/// <para type="synopsis">Creates a convolution kernel from a built-in name with parameters, a numeric matrix, or text.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ConvolutionKernel", DefaultParameterSetName = BuiltInSet)]
[OutputType(typeof(ConvolutionKernel))]
public sealed class NewConvolutionKernelCommand : PSCmdlet
{
    private const string BuiltInSet = "BuiltIn";
    private const string MatrixSet = "Matrix";
    private const string TextSet = "Text";

    /// <summary>A built-in kernel or a parametric family (Gaussian, Box, MotionBlur, UnsharpMask); with -Matrix or -Text, the new kernel's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = BuiltInSet)]
    [Parameter(ParameterSetName = MatrixSet)]
    [Parameter(ParameterSetName = TextSet)]
    [ArgumentCompleter(typeof(KernelNameCompleter))]
    [Alias("Label")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Width and height of a Gaussian, Box, MotionBlur or UnsharpMask kernel (odd).</summary>
    [Parameter(ParameterSetName = BuiltInSet)]
    [ValidateRange(1, 1023)]
    public int? Size { get; set; }

    /// <summary>Standard deviation of a Gaussian or UnsharpMask, in pixels.</summary>
    [Parameter(ParameterSetName = BuiltInSet)]
    public double? Sigma { get; set; }

    /// <summary>Direction of a MotionBlur in degrees, counter-clockwise from horizontal.</summary>
    [Parameter(ParameterSetName = BuiltInSet)]
    public double? Angle { get; set; }

    /// <summary>Strength of an UnsharpMask.</summary>
    [Parameter(ParameterSetName = BuiltInSet)]
    public double? Amount { get; set; }

    /// <summary>The weights as a jagged or 2-D numeric array; row 0 is the top row.</summary>
    [Parameter(Mandatory = true, ParameterSetName = MatrixSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object Matrix { get; set; } = null!;

    /// <summary>
    /// The weights as text: rows separated by ';' or new lines, weights by spaces or commas, '#' to the end of a line a
    /// comment. Several strings are rows in turn, so Get-Content's lines of a kernel file give one kernel.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = TextSet)]
    [ValidateNotNull]
    [AllowEmptyString]
    public string[] Text { get; set; } = Array.Empty<string>();

    // -Text as one text, a line for each string.
    private string JoinedText => string.Join("\n", Text);

    /// <summary>Column and row of the weight over the output pixel; required for even sizes.</summary>
    [Parameter(ParameterSetName = MatrixSet)]
    [Parameter(ParameterSetName = TextSet)]
    [ValidateCount(2, 2)]
    public int[]? Anchor { get; set; }

    /// <summary>Each weighted sum is divided by this.</summary>
    [Parameter]
    public double? Divisor { get; set; }

    /// <summary>Added after division, in 8-bit levels.</summary>
    [Parameter]
    public double? Bias { get; set; }

    /// <summary>Scale the weights so they sum to 1.</summary>
    [Parameter]
    public SwitchParameter Normalize { get; set; }

    /// <summary>The kernel's default output range.</summary>
    [Parameter]
    public OutputRange? OutputRange { get; set; }

    // Kernels made from pipeline input, and the width of each when every one so far has a single row (else -1).
    private int piped;
    private int singleRowWidth;

    // A built-in kernel or a parametric family.
    private static bool IsKernelName(string text)
        => KernelLibrary.TryGet(text, out _) || KernelLibrary.Families.Contains(text, StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        try
        {
            ConvolutionKernel kernel = ParameterSetName switch
            {
                BuiltInSet => KernelLibrary.Create(Name, Size, Sigma, Angle, Amount),
                MatrixSet => FromRows(KernelConverter.ToRows(Matrix)),
                _ => FromRows(KernelParser.ParseRows(JoinedText)),
            };
            if (ParameterSetName == MatrixSet && MyInvocation.ExpectingInput)
            {
                singleRowWidth = kernel.Height == 1 && (piped == 0 || singleRowWidth == kernel.Width) ? kernel.Width : -1;
                piped++;
            }

            WriteObject(kernel.With(Divisor, Bias, Normalize, OutputRange));
        }
        catch (InvalidKernelException e)
        {
            ErrorRecord record = ErrorRecords.InvalidKernel(e, ParameterSetName == TextSet ? JoinedText : ParameterSetName == MatrixSet ? Matrix : Name);
            if (ParameterSetName == BuiltInSet && !IsKernelName(Name.Trim()) && KernelConverter.FamilyHint(Name, string.Empty) is string hint)
            {
                // -Name Gaussian7: the family is -Name Gaussian, its size -Size 7.
                record.ErrorDetails = new ErrorDetails(KernelLibrary.UnknownName(Name, hint, families: true).Message);
            }

            // A name given as weights: 'Gaussian5' | New-ConvolutionKernel binds the string to -Matrix, as rows of text.
            object? given = ParameterSetName == TextSet ? JoinedText : ParameterSetName == MatrixSet ? (Matrix is PSObject ps ? ps.BaseObject : Matrix) : null;
            if (given is string text && IsKernelName(text.Trim()))
            {
                record.ErrorDetails = new ErrorDetails($"'{text.Trim()}' is the name of a kernel, not its weights. Use New-ConvolutionKernel -Name {text.Trim()}, or Get-ConvolutionKernel for the built-in ones.");
            }

            if (ParameterSetName != BuiltInSet && KernelConverter.FileNamed(SessionState.Path, given) is string file)
            {
                // -Text ./sharpen.txt: the name of a file of weights, where its lines were meant (an image's, where
                // reading its lines is no help).
                string quoted = ErrorRecords.Quoted(file);
                record.ErrorDetails = new ErrorDetails(ImageFormats.HasImageExtension(file)
                    ? $"{quoted} is an image file, not a kernel's weights. Convolve it with Invoke-ImageConvolution -Path {quoted} -Kernel <the kernel>."
                    : $"{quoted} is a file, not a kernel's weights. Read its lines with New-ConvolutionKernel -Text (Get-Content {quoted}).");
            }

            ThrowTerminatingError(record);
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        // PowerShell sends an array down the pipeline one element at a time, and Get-Content a file one line at a
        // time: the rows of one kernel arrive as that many one-row kernels, which a chain would apply in turn.
        if (piped > 1 && singleRowWidth > 0)
        {
            WriteWarning(string.Format(
                CultureInfo.CurrentCulture,
                "{0} rows of {1} weights came through the pipeline one at a time, so {0} one-row kernels were made. If they are the rows of one kernel, pass it whole: New-ConvolutionKernel -Matrix $m, ,$m | New-ConvolutionKernel (the comma keeps the array together); for a file, Get-Content -Raw, or -Text (Get-Content $file).",
                piped,
                singleRowWidth));
        }
    }

    private ConvolutionKernel FromRows(double[][] rows)
    {
        KernelMatrix matrix = KernelMatrix.Create(rows, Anchor?[0], Anchor?[1]);
        return new ConvolutionKernel(Name, KernelLibrary.CustomCategory, "User-defined kernel", new[] { matrix });
    }
}
