#if NET8_0_OR_GREATER
using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace PSConvolution.Loader;

/// <summary>
/// The module's own AssemblyLoadContext. The cmdlets, the engine and ImageSharp all load here from the module's
/// dependencies folder, so a session that already holds another ImageSharp (from another module) keeps working,
/// and so do we. Only this small loader lives in the default context.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static ModuleLoadContext? shared;
    private readonly string folder;

    private ModuleLoadContext(string folder)
        : base("PSConvolution", isCollectible: false)
    {
        this.folder = folder;
    }

    /// <summary>Loads (once per process) the cmdlet assembly from <paramref name="folder"/> into the module's context.</summary>
    public static Assembly LoadModule(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);

        // Several runspaces (ForEach-Object -Parallel, thread jobs) may import the module at the same moment.
        lock (Gate)
        {
            shared ??= new ModuleLoadContext(Path.GetFullPath(folder));
            return shared.LoadFromAssemblyName(new AssemblyName("PSConvolution"));
        }
    }

    /// <summary>
    /// Our own assemblies come from the dependencies folder, ahead of anything of the same name in the default
    /// context; PowerShell and the framework (not in the folder) come from the default context.
    /// </summary>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string candidate = Path.Combine(folder, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
#endif
