using System;
using System.IO;

namespace PSConvolution.Engine.Tests;

/// <summary>Folders of the repository the tests run from, found by walking up from the test binaries.</summary>
internal static class RepositoryPaths
{
    public static string Find(params string[] parts)
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, Path.Combine(parts));
            if (File.Exists(Path.Combine(d.FullName, "PSConvolution.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"{Path.Combine(parts)} was not found in a repository above {AppContext.BaseDirectory}");
    }
}
