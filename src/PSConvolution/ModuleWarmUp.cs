using System;
using System.Management.Automation;
using System.Threading;
using PSConvolution.Engine.Imaging;

namespace PSConvolution;

/// <summary>
/// When the module is imported, compiles the decode, convolve and encode path on a thread-pool thread
/// (<see cref="ImageFileConvolver.WarmUp"/>), so a script's first image does not pay for all of that compiling
/// alone: most of it is done while PowerShell binds the first command and opens the first file. Setting
/// PSCONVOLUTION_NO_WARMUP=1 turns it off (on a single core it only competes with the script).
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

        ThreadPool.QueueUserWorkItem(_ =>
        {
            try
            {
                ImageFileConvolver.WarmUp();
            }
            catch (Exception)
            {
                // Only a head start: whatever fails here fails again, with its error, on a real file.
            }
        });
    }
}
