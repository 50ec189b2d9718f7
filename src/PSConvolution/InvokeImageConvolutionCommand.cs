using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using PSConvolution.Engine;
using PSConvolution.Engine.Batch;
using PSConvolution.Engine.Imaging;
using PSConvolution.Engine.Kernels;

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

    private readonly Stopwatch watch = new();
    private OrderedBatch<FileJob>? batch;
    private ConvolutionRequest? request;
    private string? kernelNames;
    private OutputNaming? naming;
    private OutputLedger? ledger;
    private int submitted;
    private int finished;
    private bool inputComplete;
    private readonly int[] converted = new int[Conversions.Length];

    /// <summary>Image files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Image files, taken exactly as written (no wildcards). Bound from the pipeline by PSPath, and by FullName, as
    /// objects carry a file's path after <c>Select-Object FullName</c> or <c>Import-Csv</c> of such a list.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
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
    [ValidateRange(0.0, 255.0)]
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

    /// <summary>Convolve in linear light: sRGB colour is decoded first and encoded again after.</summary>
    [Parameter]
    public SwitchParameter LinearLight { get; set; }

    /// <summary>Folder for the outputs; created when missing.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>Keeps each source's folder below this one as a sub-folder of -Destination.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RelativeBasePath { get; set; }

    /// <summary>Text added to each output file name before the extension.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Suffix { get; set; }

    /// <summary>Output file format: a format's name, or one of its extensions (jpg, .png, pgm).</summary>
    [Parameter]
    [OutputFormatTransformation]
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

    /// <summary>Stops and waits for the workers (each deletes its temporary file), then releases the cancellation source.</summary>
    public void Dispose()
    {
        cancellation.Cancel();
        batch?.Dispose();
        cancellation.Dispose();
    }

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
            LinearLight = LinearLight,
        };
        try
        {
            request = new ConvolutionRequest(Kernel, options) { Format = Format, Quality = Quality, MaxPixels = MaxPixels, Memory = MemoryGate.Shared };
        }
        catch (ArgumentException e)
        {
            // The parameter is named first instead of where .NET names it (ErrorRecords.Reason).
            var record = new ErrorRecord(e, "InvalidOption", ErrorCategory.InvalidArgument, null);
            string? parameter = e.ParamName switch
            {
                "Stride" or "BorderValue" or "Divisor" or "Bias" => e.ParamName,
                "Channels" => "Channel",
                "MaxDegreeOfParallelism" => "ThrottleLimit",
                "kernels" => "Kernel",
                _ => null,
            };
            if (parameter is not null)
            {
                record.ErrorDetails = new ErrorDetails($"-{parameter}: {ErrorRecords.Reason(e)}");
            }

            ThrowTerminatingError(record);
        }

        if (Divisor is null)
        {
            WarnAboutSmallSums();
        }

        WarnAboutRowsGivenApart();
        kernelNames = string.Join(", ", Kernel.Select(k => k.Name));

        string? destinationFolder = null;
        string? relativeBase = null;
        if (Destination is not null)
        {
            destinationFolder = FileSystemFolder(Destination, nameof(Destination));
            if (File.Exists(destinationFolder))
            {
                ThrowTerminatingError(ErrorRecords.InvalidParameter("DestinationNotFolder", $"-Destination '{destinationFolder}' is a file; give a folder.", Destination));
            }

            // A folder that is made when the first output is written cannot be made below a file: every file would fail
            // on "Could not find a part of the path", which names the folder and not the file in the way.
            for (string? above = System.IO.Path.GetDirectoryName(destinationFolder); above is not null; above = System.IO.Path.GetDirectoryName(above))
            {
                if (File.Exists(above))
                {
                    ThrowTerminatingError(ErrorRecords.InvalidParameter("DestinationNotFolder", $"-Destination '{destinationFolder}' cannot be made a folder: '{above}' is a file.", Destination));
                }

                if (Directory.Exists(above))
                {
                    break;
                }
            }

            // Copy-Item's habit, -Destination out.jpg for one file, would make a folder named out.jpg to write into.
            if (!Directory.Exists(destinationFolder) && ImageFormats.HasImageExtension(destinationFolder))
            {
                string message = $"-Destination names the folder to write into, and '{destinationFolder}' does not exist and is named like an image file. "
                    + "To name the output file, convolve into a folder and rename it, or use -Suffix and -Format; for a folder of that name, create it first (New-Item -ItemType Directory).";
                ThrowTerminatingError(ErrorRecords.InvalidParameter("DestinationNotFolder", message, Destination));
            }
        }

        if (RelativeBasePath is not null)
        {
            if (destinationFolder is null)
            {
                ThrowTerminatingError(ErrorRecords.InvalidParameter("RelativeBasePathWithoutDestination", "-RelativeBasePath keeps the sources' folders below -Destination, so it needs -Destination.", RelativeBasePath));
            }

            relativeBase = System.IO.Path.TrimEndingDirectorySeparator(FileSystemFolder(RelativeBasePath, nameof(RelativeBasePath)));
            if (!Directory.Exists(relativeBase))
            {
                ThrowTerminatingError(ErrorRecords.InvalidParameter("RelativeBasePathNotFolder", $"-RelativeBasePath '{relativeBase}' is not an existing folder.", RelativeBasePath));
            }
        }

        try
        {
            naming = new OutputNaming(destinationFolder, relativeBase, Suffix, Format, InPlace, Kernel.Select(k => k.Name));
        }
        catch (ArgumentException e) when (e.ParamName == "suffix")
        {
            ThrowTerminatingError(ErrorRecords.InvalidParameter("InvalidSuffix", ErrorRecords.Reason(e), Suffix));
        }

        ledger = new OutputLedger(InPlace);
        watch.Start();
    }

    // -Kernel (Get-Content k.txt) gives a kernel file's rows as that many one-row kernels, which run one after the
    // other. Three or more one-row custom kernels of one width are hardly ever a chain on purpose (a separable pair
    // is a row and a column), so the call says so and goes on.
    private void WarnAboutRowsGivenApart()
    {
        int width = Kernel[0].Width;
        if (Kernel.Length < 3 || Kernel.Any(k => k.Height != 1 || k.Width != width || k.Category != KernelLibrary.CustomCategory))
        {
            return;
        }

        WriteWarning(string.Format(
            CultureInfo.CurrentCulture,
            "{0} one-row kernels of {1} weights were given, and they run one after the other. If they are the rows of one kernel (Get-Content sends a file a line at a time), give it whole: -Kernel (Get-Content -Raw $file), or New-ConvolutionKernel -Text (Get-Content $file).",
            Kernel.Length,
            width));
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
            foreach ((string source, ConvolutionException? error) in ResolveSources(path, literal))
            {
                if (error is null)
                {
                    Submit(source);
                }
                else
                {
                    Refuse(new FileJob(source, string.Empty), error);
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override void EndProcessing()
    {
        if (batch is null)
        {
            return;
        }

        inputComplete = true;
        batch.Complete();
        try
        {
            Drain(untilPending: 0);
        }
        finally
        {
            if (submitted > 1)
            {
                WriteProgress(new ProgressRecord(ProgressId, ProgressActivity, "Done") { RecordType = ProgressRecordType.Completed, PercentComplete = 100 });
            }
        }

        // One warning per kind of loss for the whole call, not one per file; -Verbose names each file as it is written.
        string which = VerboseShown ? string.Empty : " Run with -Verbose to see which.";
        for (int i = 0; i < Conversions.Length; i++)
        {
            if (converted[i] > 0)
            {
                WriteWarning(string.Format(CultureInfo.CurrentCulture, Conversions[i].Warning, converted[i], FormatName, WithoutAlpha) + which);
            }
        }
    }

    /// <inheritdoc/>
    protected override void StopProcessing() => cancellation.Cancel();

    // What a format could not hold, the warning the call gives once for every file so converted ({0} how many, {1} the
    // format written, {2} the formats without alpha the call may have written), in the order the warnings come, and
    // what -Verbose says of each such file.
    private static readonly (Func<ConversionReport, bool> Applies, string Warning, Func<ConversionReport, string> Change)[] Conversions =
    {
        (r => r.TransparencyComposited, "{0} image(s) had transparency, which {2} cannot hold: it was composited over white. Use -Format Png or Tiff to keep it.", _ => "its transparency was composited over white"),
        (r => r.TurnedUpright, "{0} image(s) had an EXIF orientation, which viewers do not apply in {1}: they were turned upright, as a viewer shows them. Use -Format Jpeg, Png or Tiff to keep the stored order and the tag.", _ => "it was turned upright, as its EXIF orientation says a viewer shows it"),
        (r => r.FramesDropped, "{0} image(s) had several frames (an animation or pages), which {1} cannot hold: only the first was convolved and written. Use -Format Gif or Tiff to keep every frame.", _ => "only its first frame was convolved and written"),
        (r => r.ProfileLeftOut, "{0} image(s) had a colour profile for another colour model than the one written (an RGB profile on a grey result, a grey or CMYK one on an RGB result): it was left out, as readers would misread it.", _ => "its colour profile, for another colour model, was left out"),
        (r => r.ExifLeftOut, "{0} image(s) had a damaged EXIF block, which could not be read: it was left out, and the pixels were convolved and written.", _ => "its damaged EXIF block was left out"),
        (r => r.ExifTooLarge, "{0} image(s) had an EXIF block larger than a JPEG segment holds (64 KB): it was left out of the JPEG. Use -Format Png, Tiff or Webp to keep it.", _ => "its EXIF block, larger than a JPEG segment holds, was left out"),
        (r => r.XmpTooLarge, "{0} image(s) had an XMP packet larger than a JPEG segment holds (64 KB): it was left out of the JPEG. Use -Format Png, Tiff or Webp to keep it.", _ => "its XMP packet, larger than a JPEG segment holds, was left out"),
        (r => r.TextLeftOut, "{0} image(s) had text that {1} has no place for (comments, or PNG text such as a title or a tool's generation parameters): it was left out. Use -Format Png to keep it.", _ => "its text, which the format has no place for, was left out"),
        (r => r.MetadataLeftOut != MetadataKinds.None, "{0} image(s) had metadata that {1} has no place for (EXIF, such as the camera, the date and the place; a colour profile; XMP; an IPTC record of captions, keywords and credits; Photoshop's paths, such as a clipping path): it was left out. Use -Format Tiff to keep all of it, or Jpeg, which keeps paths only from a JPEG.", r => $"its {Listed(r.MetadataLeftOut)}, which the format has no place for, {(Plural(r.MetadataLeftOut) ? "were" : "was")} left out"),
        (r => r.ColourSpaceLeftOut, "{0} image(s) had a PNG gamma or primaries other than sRGB's (a gAMA or cHRM chunk, with no colour profile), which {1} has no place for: they were left out, and viewers will show the picture as sRGB, its midtones lighter or darker or its colours duller or stronger than the PNG. Use -Format Png to keep them.", _ => "its PNG gamma or primaries, other than sRGB's, were left out"),
        (r => r.QualityUnused, "{0} image(s) were written in a format without a quality setting (only JPEG and WebP have one): -Quality was not used for them.", _ => "-Quality was not used: the format has no quality setting"),
        (r => r.AlphaThresholded, "{0} image(s) had partial transparency, which GIF cannot hold: alpha from half up was made opaque and below half transparent. Use -Format Png to keep it.", _ => "its partial transparency was made all or nothing"),
        (r => r.SamplesNarrowed, "{0} image(s) had samples of more than 16 bits or in floating point, which the module reads, convolves and writes as 16-bit integers: floating-point values beyond 0-1 were clipped.", _ => "its samples of more than 16 bits or in floating point were read and written as 16-bit integers"),
        (r => r.DepthReduced, "{0} image(s) had 16 bits per channel, which {1} cannot hold: they were written with 8. Use -Format Png or Tiff to keep 16 bits.", _ => "its 16 bits per channel were written as 8"),
        (r => r.AppendedLeftOut, "{0} image(s) had a video, a sound or another image appended after the picture, as XMP, a JPEG's MPF segment or a Samsung trailer described it (a motion photo, an HDR gain map, a stereo photo's other view, a sound shot's audio): the picture was convolved and written alone, and what described the rest was taken out. A motion photo's video would show what the kernel was to change.", _ => "what was appended after its picture (a motion photo's video, a gain map, a stereo photo's other view, a sound shot's audio) was left out, and so was what described it"),
        (r => r.TrailerLeftOut, "{0} image(s) had metadata a photo desk's program appended after the picture (Photo Mechanic's ratings, colour classes and soft crops, a FotoStation or AFCP trailer's soft crop or text): it was left out. An IPTC record such a trailer held became the image's own where the image had none, and was written as its own would be.", _ => "the metadata appended after its picture by a photo desk's program (ratings, soft crops, text) was left out"),
        (r => r.ExtensionMismatch, "{0} image(s) were in another format than their extension names (a PNG named .jpg): each was written in its own format under its source's extension, and programs that go by the extension may refuse it. Use -Format to write the format the extension names, or rename the sources.", _ => "it was written in its own format, which its extension does not name"),
        (r => r.OtherNamesKeptOld > 0, "{0} file(s) replaced had other names (hard links), which still show the old image: a replaced file is written anew and renamed over the one name given, so that a failure leaves the old one whole. To have every name show the new image, link the others to it again (New-Item -ItemType HardLink -Force).", r => $"the file it replaced had {r.OtherNamesKeptOld} other name(s) (hard links), which still show the old image")
    };

    // The kinds of metadata left out, as -Verbose names them: "EXIF, colour profile and IPTC record".
    private static string Listed(MetadataKinds kinds)
    {
        var names = new List<string>();
        foreach ((MetadataKinds kind, string name) in new[] { (MetadataKinds.Exif, "EXIF"), (MetadataKinds.ColourProfile, "colour profile"), (MetadataKinds.Xmp, "XMP"), (MetadataKinds.Iptc, "IPTC record"), (MetadataKinds.PhotoshopPaths, "Photoshop paths") })
        {
            if ((kinds & kind) != 0)
            {
                names.Add(name);
            }
        }

        return names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];
    }

    // More than one kind, or the paths alone.
    private static bool Plural(MetadataKinds kinds) => (kinds & (kinds - 1)) != 0 || kinds == MetadataKinds.PhotoshopPaths;

    // True when this call's verbose messages are shown (-Verbose, or $VerbosePreference asks for them).
    private bool VerboseShown
        => MyInvocation.BoundParameters.TryGetValue("Verbose", out object? verbose)
            ? verbose is SwitchParameter { IsPresent: true }
            : GetVariableValue("VerbosePreference") is ActionPreference preference && preference is ActionPreference.Continue or ActionPreference.Inquire;

    // The formats without alpha that this call writes: the one -Format names, or both where each file keeps its own.
    private string WithoutAlpha => Format switch
    {
        OutputFormat.Jpeg => "JPEG",
        OutputFormat.Pbm => "Netpbm",
        _ => "JPEG and Netpbm",
    };

    // The written format as warnings name it.
    private string FormatName => Format == OutputFormat.Auto ? "their format" : Format.ToString().ToUpperInvariant();

    // One input, as it arrives: its output is decided and claimed here, on the pipeline thread, before any
    // later input is looked at, so which input keeps a contested name never depends on which worker is faster.
    private void Submit(string source)
    {
        switch (ledger!.TakeInput(source, out string? writer))
        {
            case InputAdmission.OwnOutput:
                WriteVerbose($"Skipping '{source}': it is the output of '{writer}' in this call.");
                return;
            case InputAdmission.Repeated:
                return; // A file named twice is processed once.
        }

        FileJob job;
        try
        {
            job = new FileJob(source, naming!.OutputOf(source));
            ledger.Claim(source, job.Output);
        }
        catch (ConvolutionException e)
        {
            Refuse(new FileJob(source, string.Empty), e);
            return;
        }

        string action = InPlace ? $"Replace with its convolution by {kernelNames}" : $"Write convolution of '{source}' by {kernelNames}";
        if (!ShouldProcess(job.Output, action))
        {
            return;
        }

        job.Overwrite = Force || InPlace;
        job.ReplaceReadOnly = Force;
        Batch.Add(job);
        Submitted();
    }

    // An input that cannot be processed: its error comes out in its turn among the outputs.
    private void Refuse(FileJob job, ConvolutionException error)
    {
        Batch.AddFailed(job, error);
        Submitted();
    }

    // Emits what is done, in input order; past the bound, waits, so memory stays flat for any number of inputs.
    private void Submitted()
    {
        submitted++;
        Drain(untilPending: MaxPending);
    }

    // At most this many files are held between input and output: enough to keep every worker busy.
    private int MaxPending => 4 * ThrottleLimit;

    // A job the call never reports (it stopped first) leaves nothing: its written file is deleted, not put in place.
    private OrderedBatch<FileJob> Batch => batch ??= new OrderedBatch<FileJob>(ThrottleLimit, Convert, cancellation.Token, abandon: job => job.Written?.Dispose());

    // Writes every finished job at the head of the queue; waits while more than untilPending are held.
    private void Drain(int untilPending)
    {
        OrderedBatch<FileJob> jobs = batch!;
        try
        {
            while (jobs.TryTake(wait: jobs.Pending > untilPending, out FileJob job, out Exception? failure))
            {
                finished++;
                Emit(job, failure);
                ReportProgress(job);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped (Ctrl+C): Dispose waits for the workers, which delete their temporary files.
        }
    }

    private void ReportProgress(FileJob job)
    {
        if (submitted <= 1 && batch!.Pending == 0)
        {
            return;
        }

        // While inputs still arrive the total is not known: count files done; once it is, show the share and time left.
        string name = System.IO.Path.GetFileName(job.Source);
        var record = new ProgressRecord(ProgressId, ProgressActivity, string.Format(CultureInfo.CurrentCulture, "{0} files done: {1}", finished, name)) { CurrentOperation = job.Output };
        if (inputComplete)
        {
            double perFile = watch.Elapsed.TotalSeconds / finished;
            record.StatusDescription = string.Format(CultureInfo.CurrentCulture, "{0} of {1} files done: {2}", finished, submitted, name);
            record.PercentComplete = (int)(100L * finished / Math.Max(1, submitted));
            record.SecondsRemaining = (int)Math.Ceiling(perFile * (submitted - finished));
        }

        WriteProgress(record);
    }

    // On a worker thread: the files running at once share the cores, so each image gets cores / running threads.
    private void Convert(FileJob job, CancellationToken token)
    {
        int threads = Math.Max(1, Environment.ProcessorCount / Math.Max(1, batch!.Running));
        ConvolutionRequest perImage = request!.WithParallelism(threads);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(job.Output)!);
        job.Written = ImageFileConvolver.Prepare(job.Source, job.Output, perImage, overwrite: job.Overwrite, replaceReadOnly: job.ReplaceReadOnly, token);
    }

    private void Emit(FileJob job, Exception? failure)
    {
        switch (failure)
        {
            case null:
                // Put in place now, as it is reported: a call stopped before this (an earlier error with -ErrorAction
                // Stop, Ctrl+C, Select-Object -First downstream) leaves no file it did not report.
                PreparedOutput written = job.Written!;
                using (written)
                {
                    try
                    {
                        ledger!.Place(job.Source, job.Output, written.TemporaryPath, written.Commit);
                    }
                    catch (ConvolutionException e)
                    {
                        WriteError(ErrorRecords.From(e, job.Source, sentToDestination: Destination is not null));
                        break;
                    }
                }

                var changes = new List<string>();
                for (int i = 0; i < Conversions.Length; i++)
                {
                    if (Conversions[i].Applies(written.Report))
                    {
                        converted[i]++;
                        changes.Add(Conversions[i].Change(written.Report));
                    }
                }

                if (changes.Count > 0)
                {
                    WriteVerbose($"'{job.Output}', from '{job.Source}': {string.Join("; ", changes)}.");
                }

                foreach (PSObject item in InvokeProvider.Item.Get(new[] { job.Output }, force: true, literalPath: true))
                {
                    WriteObject(item);
                }

                break;
            case ConvolutionException e:
                WriteError(ErrorRecords.From(e, job.Source, sentToDestination: Destination is not null));
                break;
            case IOException or UnauthorizedAccessException:
                WriteError(ErrorRecords.From(ConvolutionErrorKind.WriteFailed, job.Output, $"The output file '{job.Output}' could not be written: {failure.Message}"));
                break;
            case OperationCanceledException:
                break;
            default:
                WriteError(new ErrorRecord(failure, "UnexpectedError", ErrorCategory.NotSpecified, job.Source));
                break;
        }
    }

    /// <summary>One file to convolve: where it goes, whether it may replace a file, and what the format could not hold.</summary>
    private sealed class FileJob
    {
        public FileJob(string source, string output)
        {
            Source = source;
            Output = output;
        }

        public string Source { get; }

        public string Output { get; }

        public bool Overwrite { get; set; }

        // -Force: a read-only file is replaced too (it stays read-only), as Copy-Item -Force and Set-Content -Force do.
        public bool ReplaceReadOnly { get; set; }

        // The converted image, written and waiting to be put in place when it is reported.
        public PreparedOutput? Written { get; set; }
    }

    // A folder parameter's path on the file system, or a terminating error saying why it is not one: a drive that does
    // not exist, or a path on another provider (-Destination Env:/x), which would otherwise fail on every file.
    private string FileSystemFolder(string path, string parameter)
    {
        string full = string.Empty;
        ProviderInfo? provider = null;
        string? problem = null;
        try
        {
            full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException or ArgumentException)
        {
            problem = ErrorRecords.Reason(e);
        }

        if (problem is null && !string.Equals(provider?.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"it is on the {provider?.Name} provider";
        }

        if (problem is not null)
        {
            ThrowTerminatingError(ErrorRecords.InvalidParameter($"{parameter}NotFileSystem", $"-{parameter} '{path}' is not a folder of the file system: {problem.TrimEnd('.')}.", path));
        }

        return full;
    }

    // The inputs a path names, each a file to process or the error that names why it cannot be.
    private List<(string Path, ConvolutionException? Error)> ResolveSources(string path, bool literal)
    {
        var result = new List<(string, ConvolutionException?)>();
        ProviderInfo provider;
        List<string> resolved;
        try
        {
            if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
            {
                // -Path 'photo `[1`].jpg' names the file 'photo [1].jpg', as it does for Get-Item: escaped wildcard
                // characters are no wildcard, and lose their backticks.
                string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(literal ? path : WildcardPattern.Unescape(path), out provider, out _);
                resolved = new List<string> { full };
            }
            else
            {
                // A wildcard that matches nothing is silent, as with Get-Item, unless it is a file's own name: 'photo
                // [1].jpg' as a wildcard matches 'photo 1.jpg' only, and silence would hide why the file was skipped.
                resolved = GetResolvedProviderPathFromPSPath(path, out provider).ToList();
                if (resolved.Count == 0 && provider.Name == "FileSystem" && SessionState.Path.GetUnresolvedProviderPathFromPSPath(path) is string named && File.Exists(named))
                {
                    result.Add((named, new ConvolutionException(ConvolutionErrorKind.FileNotFound, named, $"-Path '{path}' is a wildcard that matches no file ('[' and ']' enclose a set of characters), though a file of that name exists: give it with -LiteralPath, or escape the brackets (`[ `]).")));
                    return result;
                }
            }
        }
        catch (ItemNotFoundException)
        {
            resolved = new List<string>();
            provider = SessionState.Path.CurrentFileSystemLocation.Provider;
        }
        catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException or ArgumentException)
        {
            result.Add((path, new ConvolutionException(ConvolutionErrorKind.NotFileSystemPath, path, $"'{path}' is not a file system path: {ErrorRecords.Reason(e)}")));
            return result;
        }

        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            result.Add((path, new ConvolutionException(ConvolutionErrorKind.NotFileSystemPath, path, $"'{path}' is on the {provider.Name} provider; Invoke-ImageConvolution reads files only.")));
            return result;
        }

        foreach (string file in resolved)
        {
            if (Directory.Exists(file))
            {
                result.Add((file, new ConvolutionException(ConvolutionErrorKind.PathIsDirectory, file, $"'{file}' is a directory, not an image file.")));
            }
            else if (!File.Exists(file))
            {
                result.Add((file, new ConvolutionException(ConvolutionErrorKind.FileNotFound, file, $"The image file '{file}' does not exist.")));
            }
            else
            {
                result.Add((file, null));
            }
        }

        return result;
    }
}
