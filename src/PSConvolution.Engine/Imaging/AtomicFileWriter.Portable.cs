#if !NET8_0_OR_GREATER
using System;
using System.IO;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// The file-system calls of <see cref="AtomicFileWriter"/> for netstandard2.0, which lacks symbolic-link APIs,
/// creation modes and overwriting moves: on Windows (Windows PowerShell 5.1) the framework's calls; on Unix
/// (PowerShell 7 loading this build) the C library's <c>realpath</c>, <c>open</c> and <c>rename</c>.
/// </summary>
internal static partial class AtomicFileWriter
{
    /// <summary>
    /// <paramref name="fullPath"/> with every symbolic link in it resolved, folders included, as far as it exists:
    /// the file a write to the path lands in. On Unix the C library's <c>realpath</c> of the longest existing part; on
    /// Windows the path itself (.NET Framework cannot read a link's target; a link is then replaced by a file).
    /// </summary>
    public static string ResolvedPath(string fullPath)
        => OperatingSystem.IsWindows() ? fullPath : RealPathOfExistingPart(fullPath);

    // A new file, created with no more than the template's read and write bits from the first moment.
    private static FileStream CreateTemporary(string path, FileIdentity? template)
    {
        if (!OperatingSystem.IsLinux() || template is not FileIdentity t)
        {
            // Shared for deletion on Windows, as on .NET 8 (see there).
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None, 1 << 16);
        }

        // Created empty with its final mode, then opened by name: Mono's FileStream cannot take a C library
        // descriptor, and the empty file under a fresh random name is the one just made. Opening it by name needs
        // the owner's write bit, which a read-only template (0444) lacks: the file is made with it, and it comes off
        // once the file is open, where writing stays allowed.
        UnixFileMode mode = t.ReadWriteMode;
        int fd = Libc.Open(path, Libc.OpenWriteOnly | Libc.OpenCreate | Libc.OpenExclusive | Libc.OpenCloseOnExec, (int)(mode | UnixFileMode.UserWrite));
        if (fd < 0)
        {
            throw Libc.LastError(path);
        }

        Libc.Close(fd);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None, 1 << 16);
        if ((mode & UnixFileMode.UserWrite) == 0)
        {
            try
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) & ~UnixFileMode.UserWrite);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        return stream;
    }

    private static void MoveOver(string temporary, string target, bool overwrite)
    {
        if (!overwrite || !OperatingSystem.IsLinux())
        {
            File.Move(temporary, target);
            return;
        }

        // rename(2) replaces the target in one step, as File.Move(..., overwrite: true) does on .NET 8.
        if (Libc.Rename(temporary, target) != 0)
        {
            throw Libc.LastError(target);
        }
    }
}
#endif
