using System;
using System.Management.Automation;
using System.Threading;
using PSConvolution.Engine.Imaging;

namespace PSConvolution;

/// <summary>
/// When the module is imported, compiles the decode, convolve and encode path on a background thread of its own (<see
/// cref="ImageFileConvolver.WarmUp"/>), so a script's first image does not pay for all of that compiling alone: most of
/// it is done while PowerShell binds the first command and opens the first file. The thread is not one of .NET's thread
/// pool: the warm-up compiles for a few hundred milliseconds, and a pool thread held that long is one fewer for the
/// rows of the script's first image, which the pool would replace only after its injection delay (on two processors, 16
/// pairs of fresh processes timed the first 12 MP call alike either way). Setting PSCONVOLUTION_NO_WARMUP=1 turns it
/// off (on a single core it only competes with the script).
/// </summary>
public sealed class ModuleWarmUp : IModuleAssemblyInitializer
{
    /// <summary>Starts the warm-up; returns at once.</summary>
    public void OnImport()
    {
        if (Environment.GetEnvironmentVariable("PSCONVOLUTION_NO_WARMUP") == "1" || Environment.ProcessorCount < 2)
        {
            return;
        }

        // A background thread: a script that ends during the warm-up does not wait for it.
        var thread = new Thread(WarmUp) { IsBackground = true, Name = "PSConvolution warm-up" };
        thread.Start();
    }

    private static void WarmUp()
    {
        try
        {
            ImageFileConvolver.WarmUp();
        }
        catch (Exception)
        {
            // Only a head start: whatever fails here fails again, with its error, on a real file.
        }
    }
}
