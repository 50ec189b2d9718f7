#if NET8_0_OR_GREATER
using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Imaging;

/// <summary>The file-system calls of <see cref="AtomicFileWriter"/> that .NET 8 has built in.</summary>
internal static partial class AtomicFileWriter
{
    /// <summary>
    /// <paramref name="fullPath"/> with every symbolic link (or junction) in it resolved, folders included, as far as
    /// it exists; what does not exist yet is kept as given: the file a write to the path lands in (a link to a file
    /// stays a link, and its target is written). Two paths to one file, through a linked folder or not, come out the
    /// same. On Unix the C library's <c>realpath</c> of the longest existing part; on Windows each existing part's
    /// link target in turn.
    /// </summary>
    public static string ResolvedPath(string fullPath)
    {
        if (!OperatingSystem.IsWindows())
        {
            return RealPathOfExistingPart(fullPath);
        }

        string? root = Path.GetPathRoot(fullPath);
        if (string.IsNullOrEmpty(root))
        {
            return fullPath;
        }

        string current = root;
        string[] parts = fullPath.Substring(root.Length).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            string next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (!info.Exists)
            {
                return Path.Combine(next, string.Join(Path.DirectorySeparatorChar.ToString(), parts, i + 1, parts.Length - i - 1));
            }

            current = info.LinkTarget is null ? next : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next;
        }

        return current;
    }

    // A new file, created with no more than the template's read and write bits from the first moment.
    private static FileStream CreateTemporary(string path, FileIdentity? template)
    {
        // Windows lets another handle delete an open file only when its opener shares deletion: the process's exit
        // deletes its unfinished temporaries (Unfinished) while their writers may still hold them open.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None, BufferSize = 1 << 16 };
        if (!OperatingSystem.IsWindows() && template is FileIdentity t)
        {
            options.UnixCreateMode = t.ReadWriteMode;
        }

        return new FileStream(path, options);
    }

    internal static partial class Unfinished
    {
        // Since .NET 10 a SIGTERM ends the process without raising ProcessExit (before, it did), and a SIGHUP never
        // raised it. Each registration here deletes the unfinished files and does not cancel the signal, which then
        // does what it would have done without it. The runtime holds registrations weakly: these fields keep them.
        private static PosixSignalRegistration? terminate;
        private static PosixSignalRegistration? hangUp;

        static partial void WatchSignals()
        {
            terminate = Register(PosixSignal.SIGTERM);
            hangUp = Register(PosixSignal.SIGHUP);
        }

        private static PosixSignalRegistration? Register(PosixSignal signal)
        {
            try
            {
                return PosixSignalRegistration.Create(signal, _ => DeleteAll());
            }
            catch (Exception e) when (e is PlatformNotSupportedException or IOException or System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }
    }

    private static void MoveOver(string temporary, string target, bool overwrite) => File.Move(temporary, target, overwrite);
}
#endif
