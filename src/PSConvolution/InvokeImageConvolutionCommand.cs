using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using PSConvolution.Engine;

namespace PSConvolution.Commands;

/// <summary>
/// <para type="synopsis">Convolves image files with one or more kernels and writes the results.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ImageConvolution", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class InvokeImageConvolutionCommand : PSCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const int ProgressId = 0x50c0;
    private const string ProgressActivity = "Invoke-ImageConvolution";

    private readonly CancellationTokenSource cancellation = new();
    private readonly List<string> sources = new();
    private ConvolutionRequest? request;
    private string? destinationFolder;

    /// <summary>Image files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Image files, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Kernels to apply in order: built-in names, kernel objects or numeric matrices.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [KernelTransformation]
    [ArgumentCompleter(typeof(KernelNameCompleter))]
    public ConvolutionKernel[] Kernel { get; set; } = Array.Empty<ConvolutionKernel>();

    /// <summary>How samples beyond the edge are produced.</summary>
    [Parameter]
    public BorderMode BorderMode { get; set; } = BorderMode.Replicate;

    /// <summary>Sample value outside the image for -BorderMode Constant, in 8-bit levels.</summary>
    [Parameter]
    [ValidateRange(0, 255)]
    public double BorderValue { get; set; }

    /// <summary>Same or Valid.</summary>
    [Parameter]
    public PaddingMode Padding { get; set; } = PaddingMode.Same;

    /// <summary>Step between output samples.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int Stride { get; set; } = 1;

    /// <summary>Rotate kernels by 180 degrees (mathematical convolution).</summary>
    [Parameter]
    public SwitchParameter FlipKernel { get; set; }

    /// <summary>Clamp or Absolute; by default each kernel's own.</summary>
    [Parameter]
    public OutputRange? OutputRange { get; set; }

    /// <summary>Overrides every kernel's divisor.</summary>
    [Parameter]
    public double? Divisor { get; set; }

    /// <summary>Overrides every kernel's bias, in 8-bit levels.</summary>
    [Parameter]
    public double? Bias { get; set; }

    /// <summary>Channels to convolve.</summary>
    [Parameter]
    public ColorChannel[]? Channel { get; set; }

    /// <summary>Convert to luminance first; the output is grey.</summary>
    [Parameter]
    public SwitchParameter Grayscale { get; set; }

    /// <summary>Folder for the outputs; created when missing.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>Text added to each output file name before the extension.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Suffix { get; set; }

    /// <summary>Output file format.</summary>
    [Parameter]
    public OutputFormat Format { get; set; } = OutputFormat.Auto;

    /// <summary>JPEG and WebP quality.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int? Quality { get; set; }

    /// <summary>Overwrite existing output files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Replace each source file with its result.</summary>
    [Parameter]
    public SwitchParameter InPlace { get; set; }

    /// <summary>Largest number of pixels per frame.</summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaxPixels { get; set; } = ConvolutionRequest.DefaultMaxPixels;

    /// <summary>Releases the cancellation source.</summary>
    public void Dispose() => cancellation.Dispose();

    /// <inheritdoc/>
    protected override void BeginProcessing()
    {
        if (InPlace && (Destination is not null || Suffix is not null))
        {
            ThrowTerminatingError(ErrorRecords.InvalidParameter("InPlaceWithDestination", "-InPlace replaces each source file, so it cannot be combined with -Destination or -Suffix.", null));
        }

        if (InPlace && Format != OutputFormat.Auto)
        {
            ThrowTerminatingError(ErrorRecords.InvalidParameter("InPlaceWithFormat", "-InPlace keeps each file's own format and name, so it cannot be combined with -Format.", null));
        }

        var options = new ConvolutionOptions
        {
            BorderMode = BorderMode,
            BorderValue = BorderValue,
            Padding = Padding,
            Stride = Stride,
            FlipKernel = FlipKernel,
            OutputRange = OutputRange,
            Divisor = Divisor,
            Bias = Bias,
            Channels = Channel?.Aggregate(ColorChannel.None, (all, c) => all | c) ?? ColorChannel.None,
            Grayscale = Grayscale,
        };
        try
        {
            request = new ConvolutionRequest(Kernel, options) { Format = Format, Quality = Quality, MaxPixels = MaxPixels };
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidOption", ErrorCategory.InvalidArgument, null));
        }

        if (Destination is not null)
        {
            destinationFolder = GetUnresolvedProviderPathFromPSPath(Destination);
            if (File.Exists(destinationFolder))
            {
                ThrowTerminatingError(ErrorRecords.InvalidParameter("DestinationNotFolder", $"-Destination '{destinationFolder}' is a file; give a folder.", Destination));
            }
        }
    }

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string path in literal ? LiteralPath : Path)
        {
            ResolveSources(path, literal);
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        bool showProgress = sources.Count > 1;
        for (int i = 0; i < sources.Count; i++)
        {
            if (cancellation.IsCancellationRequested)
            {
                break;
            }

            string source = sources[i];
            if (showProgress)
            {
                string status = string.Format(CultureInfo.CurrentCulture, "File {0} of {1}: {2}", i + 1, sources.Count, System.IO.Path.GetFileName(source));
                WriteProgress(new ProgressRecord(ProgressId, ProgressActivity, status) { PercentComplete = (int)(100L * i / sources.Count) });
            }

            ProcessFile(source);
        }

        if (showProgress)
        {
            WriteProgress(new ProgressRecord(ProgressId, ProgressActivity, "Done") { RecordType = ProgressRecordType.Completed, PercentComplete = 100 });
        }
    }

    /// <inheritdoc/>
    protected override void StopProcessing() => cancellation.Cancel();

    private void ResolveSources(string path, bool literal)
    {
        ProviderInfo provider;
        List<string> resolved;
        try
        {
            if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
            {
                string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
                resolved = new List<string> { full };
            }
            else
            {
                // A wildcard that matches nothing is silent, as with Get-Item.
                resolved = GetResolvedProviderPathFromPSPath(path, out provider).ToList();
            }
        }
        catch (ItemNotFoundException)
        {
            resolved = new List<string>();
            provider = SessionState.Path.CurrentFileSystemLocation.Provider;
        }
        catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException or ArgumentException)
        {
            WriteError(ErrorRecords.From(ConvolutionErrorKind.NotFileSystemPath, path, $"'{path}' is not a file system path: {e.Message}"));
            return;
        }

        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            WriteError(ErrorRecords.From(ConvolutionErrorKind.NotFileSystemPath, path, $"'{path}' is on the {provider.Name} provider; Invoke-ImageConvolution reads files only."));
            return;
        }

        foreach (string file in resolved)
        {
            if (Directory.Exists(file))
            {
                WriteError(ErrorRecords.From(ConvolutionErrorKind.PathIsDirectory, file, $"'{file}' is a directory, not an image file."));
            }
            else if (!File.Exists(file))
            {
                WriteError(ErrorRecords.From(ConvolutionErrorKind.FileNotFound, file, $"The image file '{file}' does not exist."));
            }
            else
            {
                sources.Add(file);
            }
        }
    }

    private void ProcessFile(string source)
    {
        string output = GetOutputPath(source);
        if (!InPlace && PathsEqual(output, source))
        {
            WriteError(ErrorRecords.From(ConvolutionErrorKind.DestinationIsSource, source, $"The output for '{source}' would replace the source file. Use -Suffix, -Destination, or -InPlace to replace it on purpose."));
            return;
        }

        string kernels = string.Join(", ", Kernel.Select(k => k.Name));
        string action = InPlace ? $"Replace with its convolution by {kernels}" : $"Write convolution of '{source}' by {kernels}";
        if (!ShouldProcess(output, action))
        {
            return;
        }

        try
        {
            string folder = System.IO.Path.GetDirectoryName(output)!;
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
            }

            ImageFileConvolver.Convert(source, output, request!, overwrite: Force || InPlace, cancellation.Token);
        }
        catch (ConvolutionException e)
        {
            WriteError(ErrorRecords.From(e, source));
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorRecords.From(ConvolutionErrorKind.WriteFailed, output, $"The output file '{output}' could not be written: {e.Message}"));
            return;
        }

        foreach (PSObject item in InvokeProvider.Item.Get(new[] { output }, force: true, literalPath: true))
        {
            WriteObject(item);
        }
    }

    private string GetOutputPath(string source)
    {
        if (InPlace)
        {
            return source;
        }

        string folder = destinationFolder ?? System.IO.Path.GetDirectoryName(source)!;
        string suffix = Suffix ?? (destinationFolder is null ? "_" + string.Join("_", Kernel.Select(k => SafeName(k.Name))) : string.Empty);
        string extension = Format == OutputFormat.Auto ? System.IO.Path.GetExtension(source) : ImageFileConvolver.GetExtension(Format);
        return System.IO.Path.Combine(folder, System.IO.Path.GetFileNameWithoutExtension(source) + suffix + extension);
    }

    private static string SafeName(string name)
    {
        char[] invalid = System.IO.Path.GetInvalidFileNameChars();
        return new string(name.Where(c => !invalid.Contains(c) && !char.IsWhiteSpace(c) && c is not '[' and not ']' and not '*' and not '?').ToArray());
    }

    private static bool PathsEqual(string a, string b)
        => string.Equals(System.IO.Path.GetFullPath(a), System.IO.Path.GetFullPath(b), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
