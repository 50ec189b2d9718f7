#if !NET8_0_OR_GREATER
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// The file-system calls of <see cref="AtomicFileWriter"/> for netstandard2.0, which lacks symbolic-link APIs,
/// creation modes and overwriting moves: on Windows (Windows PowerShell 5.1) the framework's calls; on Linux
/// (PowerShell 7 loading this build) the C library's <c>realpath</c>, <c>open</c> and <c>rename</c>.
/// </summary>
internal static partial class AtomicFileWriter
{
    private const int OpenWriteOnly = 0x1;
    private const int OpenCreate = 0x40;
    private const int OpenExclusive = 0x80;
    private const int OpenCloseOnExec = 0x80000;

    /// <summary>
    /// The file a write to <paramref name="path"/> lands in: on Linux the final target of a symbolic link; elsewhere
    /// the path itself (.NET Framework cannot read a link's target; a link is then replaced by a file).
    /// </summary>
    public static string FinalTarget(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path) || (File.GetAttributes(path) & FileAttributes.ReparsePoint) == 0)
        {
            return path;
        }

        IntPtr resolved = NativeMethods.realpath(NativePath(path), IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return path;
        }

        try
        {
            return PtrToUtf8(resolved);
        }
        finally
        {
            NativeMethods.free(resolved);
        }
    }

    // A new file, created with no more than the template's read and write bits from the first moment.
    private static FileStream CreateTemporary(string path, FileIdentity? template)
    {
        if (!OperatingSystem.IsLinux() || template is not FileIdentity t)
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }

        // Created empty with its final mode, then opened by name: Mono's FileStream cannot take a C library
        // descriptor, and the empty file under a fresh random name is the one just made.
        int fd = NativeMethods.open(NativePath(path), OpenWriteOnly | OpenCreate | OpenExclusive | OpenCloseOnExec, (int)t.ReadWriteMode);
        if (fd < 0)
        {
            throw new IOException($"The file '{path}' could not be created (error {Marshal.GetLastWin32Error()}).");
        }

        NativeMethods.close(fd);
        return new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None, 1 << 16);
    }

    private static void MoveOver(string temporary, string target, bool overwrite)
    {
        if (!overwrite || !OperatingSystem.IsLinux())
        {
            File.Move(temporary, target);
            return;
        }

        // rename(2) replaces the target in one step, as File.Move(..., overwrite: true) does on .NET 8.
        if (NativeMethods.rename(NativePath(temporary), NativePath(target)) != 0)
        {
            throw new IOException($"The file '{temporary}' could not be renamed to '{target}' (error {Marshal.GetLastWin32Error()}).");
        }
    }

    private static byte[] NativePath(string path) => Encoding.UTF8.GetBytes(path + "\0");

    private static unsafe string PtrToUtf8(IntPtr text)
    {
        byte* start = (byte*)text;
        int length = 0;
        while (start[length] != 0)
        {
            length++;
        }

        return Encoding.UTF8.GetString(start, length);
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern IntPtr realpath(byte[] path, IntPtr resolved);

        [DllImport("libc")]
        public static extern void free(IntPtr pointer);

        [DllImport("libc", SetLastError = true)]
        public static extern int open(byte[] path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        public static extern int rename(byte[] from, byte[] to);

        [DllImport("libc")]
        public static extern int close(int fd);
    }
}
#endif
