using System;
using System.IO;
using PSConvolution.Engine;
using PSConvolution.Engine.Imaging;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Fuzz;

/// <summary>
/// The module's per-file path on one input: header probe, pixel limit, decode, convolve with a small kernel,
/// encode in the source's own format into memory. The module's own per-file errors are the expected outcome of a
/// bad file; anything else escapes and is a finding.
/// </summary>
public static class FileTarget
{
    /// <summary>
    /// Small enough that a crafted header cannot make a run slow through its declared size alone (a 4 MP WebP took
    /// 6 s to decode, convolve and encode under instrumentation); large enough for every seed and most mutations.
    /// </summary>
    public const long MaxPixels = 1_000_000;

    private static readonly ConvolutionRequest Request = new(new[] { KernelLibrary.Get("Gaussian3") }, ConvolutionOptions.Default with { MaxDegreeOfParallelism = 1 }) { MaxPixels = MaxPixels };

    /// <summary>Runs the path; returns "ok" or the error id of a clean per-file error.</summary>
    public static string Run(Stream input)
    {
        using var source = new MemoryStream();
        input.CopyTo(source);
        source.Position = 0;
        using var output = new MemoryStream();
        try
        {
            ImageFileConvolver.Convert(source, "input", output, Request);
            return "ok " + output.Length + " bytes";
        }
        catch (ConvolutionException e) when (!IsMemoryFailure(e))
        {
            if (e.Kind == ConvolutionErrorKind.ImageTooLarge && e.PixelLimit is null && e.InnerException is not null)
            {
                // ImageSharp refusing an allocation for an image under the pixel limit: a clean error, but noted.
                Note(e.InnerException);
            }

            if (e.Kind == ConvolutionErrorKind.CorruptImage && e.InnerException is not null and not SixLabors.ImageSharp.ImageFormatException)
            {
                // A decoder failing in a way it did not mean to: guarded by the module, so not a crash here, but
                // noted for the write-up of what the decoders do with hostile input.
                Note(e.InnerException);
                return "error CorruptImage (guarded " + e.InnerException.GetType().Name + ")";
            }

            return "error " + e.Kind;
        }
    }

    // One line per guarded decoder failure (type and the frame that threw) in the file PSCONVOLUTION_FUZZ_NOTES names.
    private static void Note(Exception e)
    {
        string? path = Environment.GetEnvironmentVariable("PSCONVOLUTION_FUZZ_NOTES");
        if (path is null)
        {
            return;
        }

        // The decoder's own frame, not a throw helper's: the first that names a format.
        string[] frames = (e.StackTrace ?? string.Empty).Split('\n');
        string frame = Array.Find(frames, f => f.Contains(".Formats.", StringComparison.Ordinal)) ?? (frames.Length > 0 ? frames[0] : string.Empty);
        File.AppendAllText(path, e.GetType().Name + "\t" + frame.Trim() + Environment.NewLine);
    }

    // Running out of memory on an image the pixel limit lets through is a finding, even though the module turns
    // it into ImageTooLarge; so is an ImageSharp allocation refusal for such an image.
    private static bool IsMemoryFailure(ConvolutionException e)
        => e.Kind == ConvolutionErrorKind.ImageTooLarge && e.PixelLimit is null && e.InnerException is OutOfMemoryException;
}
