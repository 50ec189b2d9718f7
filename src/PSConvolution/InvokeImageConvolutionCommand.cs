using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
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
    private readonly HashSet<string> seen = new(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
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

    /// <summary>Convolve colour weighted by alpha where alpha varies (default); -AlphaWeighted:$false treats channels independently.</summary>
    [Parameter]
    public SwitchParameter AlphaWeighted { get; set; } = true;

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

    /// <summary>Largest number of files processed at once.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

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
            Channels = Channel is { Length: > 0 } ? Channel.Aggregate((all, c) => all | c) : null,
            Grayscale = Grayscale,
            AlphaWeighted = AlphaWeighted,
        };
        try
        {
            request = new ConvolutionRequest(Kernel, options) { Format = Format, Quality = Quality, MaxPixels = MaxPixels };
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidOption", ErrorCategory.InvalidArgument, null));
        }

        if (Divisor is null)
        {
            WarnAboutSmallSums();
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

    // A sum far below the weights' magnitudes (weights meant to sum to 0, rounded in a script) would amplify
    // every result; the contract uses it, but says so.
    private void WarnAboutSmallSums()
    {
        foreach (ConvolutionKernel kernel in Kernel)
        {
            if (kernel.ExplicitDivisor is not null)
            {
                continue;
            }

            foreach (KernelMatrix matrix in kernel.Matrices)
            {
                double amplification = matrix.SmallSumAmplification;
                if (amplification > 1)
                {
                    WriteWarning(string.Format(
                        CultureInfo.CurrentCulture,
                        "The weights of kernel '{0}' sum to {1:G4}, only {2:0.####%} of the sum of their magnitudes ({3:G4}); dividing by that sum amplifies the result {4:N0} times. Use -Divisor 1 to read it as a zero-sum kernel, or -Divisor to set the scale.",
                        kernel.Name,
                        matrix.Sum,
                        Math.Abs(matrix.Sum) / matrix.AbsoluteSum,
                        matrix.AbsoluteSum,
                        amplification));
                    break;
                }
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
        // Everything that talks to the host (ShouldProcess, errors about outputs) happens here, on the pipeline thread.
        var jobs = new List<FileJob>(sources.Count);
        foreach (string source in sources)
        {
            string output = GetOutputPath(source);
            if (!InPlace && PathsEqual(output, source))
            {
                WriteError(ErrorRecords.From(ConvolutionErrorKind.DestinationIsSource, source, $"The output for '{source}' would replace the source file. Use -Suffix, -Destination, or -InPlace to replace it on purpose."));
                continue;
            }

            string kernels = string.Join(", ", Kernel.Select(k => k.Name));
            string action = InPlace ? $"Replace with its convolution by {kernels}" : $"Write convolution of '{source}' by {kernels}";
            if (ShouldProcess(output, action))
            {
                jobs.Add(new FileJob(jobs.Count, source, output) { Overwrite = Force || InPlace });
            }
        }

        if (jobs.Count > 0)
        {
            RunJobs(jobs);
        }
    }

    // Files run on worker threads under one budget of cores: with w workers each image gets cores / w threads.
    // Workers only post completions to a queue; the pipeline thread writes output, errors and progress,
    // in input order.
    private void RunJobs(List<FileJob> jobs)
    {
        int workers = Math.Min(ThrottleLimit, jobs.Count);
        int threadsPerImage = Math.Max(1, Environment.ProcessorCount / workers);
        ConvolutionRequest shared = request!;
        var perWorker = new ConvolutionRequest(shared.Kernels, shared.Options with { MaxDegreeOfParallelism = threadsPerImage })
        {
            Format = shared.Format,
            Quality = shared.Quality,
            MaxPixels = shared.MaxPixels,
        };
        CancellationToken token = cancellation.Token;
        using var completions = new BlockingCollection<FileJob>();
        int next = -1;
        int running = workers;
        var tasks = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            tasks[w] = Task.Run(() =>
            {
                try
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < jobs.Count && !token.IsCancellationRequested)
                    {
                        FileJob job = jobs[i];
                        job.Failure = Convert(job, perWorker, token);
                        if (job.Failure is OperationCanceledException)
                        {
                            break;
                        }

                        completions.Add(job, CancellationToken.None);
                    }
                }
                finally
                {
                    if (Interlocked.Decrement(ref running) == 0)
                    {
                        completions.CompleteAdding();
                    }
                }
            });
        }

        var watch = Stopwatch.StartNew();
        bool showProgress = jobs.Count > 1;
        int emitted = 0;
        int done = 0;
        try
        {
            foreach (FileJob finished in completions.GetConsumingEnumerable(token))
            {
                done++;
                finished.Done = true;
                while (emitted < jobs.Count && jobs[emitted].Done)
                {
                    Emit(jobs[emitted]);
                    emitted++;
                }

                if (showProgress)
                {
                    double perFile = watch.Elapsed.TotalSeconds / done;
                    string status = string.Format(CultureInfo.CurrentCulture, "{0} of {1} files done: {2}", done, jobs.Count, System.IO.Path.GetFileName(finished.Source));
                    WriteProgress(new ProgressRecord(ProgressId, ProgressActivity, status)
                    {
                        PercentComplete = (int)(100L * done / jobs.Count),
                        SecondsRemaining = (int)Math.Ceiling(perFile * (jobs.Count - done)),
                        CurrentOperation = finished.Output,
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped (Ctrl+C): workers see the same token and clean up their temporary files.
        }
        finally
        {
            // Also reached when -ErrorAction Stop turns an error into an exception: stop the rest, wait for them.
            cancellation.Cancel();
            try
            {
                Task.WaitAll(tasks);
            }
            catch (AggregateException)
            {
            }

            if (showProgress)
            {
                WriteProgress(new ProgressRecord(ProgressId, ProgressActivity, "Done") { RecordType = ProgressRecordType.Completed, PercentComplete = 100 });
            }
        }
    }

    private static Exception? Convert(FileJob job, ConvolutionRequest request, CancellationToken token)
    {
        try
        {
            string folder = System.IO.Path.GetDirectoryName(job.Output)!;
            Directory.CreateDirectory(folder);
            ImageFileConvolver.Convert(job.Source, job.Output, request, overwrite: job.Overwrite, token);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private void Emit(FileJob job)
    {
        switch (job.Failure)
        {
            case null:
                foreach (PSObject item in InvokeProvider.Item.Get(new[] { job.Output }, force: true, literalPath: true))
                {
                    WriteObject(item);
                }

                break;
            case ConvolutionException e:
                WriteError(ErrorRecords.From(e, job.Source));
                break;
            case IOException or UnauthorizedAccessException:
                WriteError(ErrorRecords.From(ConvolutionErrorKind.WriteFailed, job.Output, $"The output file '{job.Output}' could not be written: {job.Failure.Message}"));
                break;
            default:
                WriteError(new ErrorRecord(job.Failure, "UnexpectedError", ErrorCategory.NotSpecified, job.Source));
                break;
        }
    }

    /// <summary>One file to convolve and, once a worker is done with it, how it went.</summary>
    private sealed class FileJob
    {
        public FileJob(int index, string source, string output)
        {
            Index = index;
            Source = source;
            Output = output;
        }

        public int Index { get; }

        public string Source { get; }

        public string Output { get; }

        public bool Overwrite { get; set; }

        public Exception? Failure { get; set; }

        public bool Done { get; set; }
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
            else if (seen.Add(file))
            {
                // A file named twice is processed once: two workers must never write the same output.
                sources.Add(file);
            }
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
