#if !NET8_0_OR_GREATER
using System;
using System.IO;
using System.Reflection;

namespace PSConvolution.Loader;

/// <summary>
/// Windows PowerShell (.NET Framework) has no AssemblyLoadContext. There the cmdlets load from the module's
/// netstandard2.0 folder, and an <see cref="AppDomain.AssemblyResolve"/> handler serves the module's own copies of
/// the assemblies in that folder (the engine, ImageSharp, System.Memory, System.Buffers, System.Numerics.Vectors,
/// System.Runtime.CompilerServices.Unsafe) whenever the framework's binder cannot: when the version a reference
/// asks for is not in the application's folders, or another version is already loaded. This is the approach of
/// Microsoft's "Resolving PowerShell module assembly dependency conflicts". It is weaker than a load context: an
/// assembly of the same identity that another module loaded first is shared.
/// </summary>
public static class DependencyResolver
{
    private static readonly object Gate = new object();
    private static string? folder;

    /// <summary>Registers the handler (once per process) and loads the cmdlet assembly from <paramref name="path"/>.</summary>
    public static Assembly LoadModule(string path)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        lock (Gate)
        {
            if (folder is null)
            {
                folder = Path.GetFullPath(path);
                AppDomain.CurrentDomain.AssemblyResolve += Resolve;
            }
        }

        return Assembly.LoadFrom(Path.Combine(folder, "PSConvolution.dll"));
    }

    // Only names the module carries are answered; anything else is left to other handlers.
    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        string candidate = Path.Combine(folder!, new AssemblyName(args.Name).Name + ".dll");
        return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
    }
}
#endif
