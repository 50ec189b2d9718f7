#if NET8_0_OR_GREATER
using System;
using System.IO;

namespace PSConvolution.Engine.Imaging;

/// <summary>The file-system calls of <see cref="AtomicFileWriter"/> that .NET 8 has built in.</summary>
internal static partial class AtomicFileWriter
{
    /// <summary>The file a write to <paramref name="path"/> lands in: the final target of a symbolic link, else the path itself.</summary>
    public static string FinalTarget(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
        {
            return path;
        }

        FileSystemInfo? final = info.ResolveLinkTarget(returnFinalTarget: true);
        return final?.FullName ?? path;
    }

    // A new file, created with no more than the template's read and write bits from the first moment.
    private static FileStream CreateTemporary(string path, FileIdentity? template)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows() && template is FileIdentity t)
        {
            options.UnixCreateMode = t.ReadWriteMode;
        }

        return new FileStream(path, options);
    }

    private static void MoveOver(string temporary, string target, bool overwrite) => File.Move(temporary, target, overwrite);
}
#endif
