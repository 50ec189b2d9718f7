using System;
using System.Runtime.InteropServices;
using System.Text;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// The C library calls the module makes on Unix, with paths passed as null-terminated UTF-8 bytes (netstandard2.0
/// has no UTF-8 string marshalling). Callers check the platform first.
/// </summary>
internal static class Libc
{
    // open(2) flags as Linux defines them; the netstandard2.0 writer calls Open on Linux only.
    public const int OpenWriteOnly = 0x1;
    public const int OpenCreate = 0x40;
    public const int OpenExclusive = 0x80;
    public const int OpenCloseOnExec = 0x80000;

    public static int Chown(string path, uint owner, uint group) => NativeMethods.chown(Bytes(path), owner, group);

    public static unsafe int Stat(string path, byte* buffer) => NativeMethods.stat(Bytes(path), buffer);

    /// <summary>Creates and opens <paramref name="path"/>; a descriptor, or -1.</summary>
    public static int Open(string path, int flags, int mode) => NativeMethods.open(Bytes(path), flags, mode);

    public static int Close(int descriptor) => NativeMethods.close(descriptor);

    public static int Rename(string from, string to) => NativeMethods.rename(Bytes(from), Bytes(to));

    // renameat2(2) and link(2) on Linux: the current folder as a folder descriptor, the flag, and the errors that
    // mean the file system cannot do it (EPERM, EXDEV, EINVAL, ENOSYS, EOPNOTSUPP).
    private const int AtCurrentFolder = -100;
    private const int RenameNoReplace = 1;
    private const int CrossDevice = 18;
    private const int InvalidArgument = 22;
    private const int NotImplemented = 38;
    private const int NotSupported = 95;

    /// <summary>
    /// Moves <paramref name="from"/> to <paramref name="to"/> on Linux unless a file of that name exists, in one step:
    /// renameat2 with RENAME_NOREPLACE, or where the file system has no such rename, link(2) and then unlink(2). A file
    /// that exists is an <see cref="System.IO.IOException"/> ("File exists"), and stays as it was. False where the file
    /// system can do neither (FAT, some network shares), or off Linux: the caller moves the file its own way.
    /// </summary>
    public static bool MoveWithoutReplacing(string from, string to)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        byte[] source = Bytes(from);
        byte[] target = Bytes(to);
        try
        {
            if (NativeMethods.renameat2(AtCurrentFolder, source, AtCurrentFolder, target, RenameNoReplace) == 0)
            {
                return true;
            }

            if (Marshal.GetLastWin32Error() is not (InvalidArgument or NotImplemented or NotSupported))
            {
                throw LastError(to);
            }
        }
        catch (EntryPointNotFoundException)
        {
            // A C library without renameat2 (glibc before 2.28, musl): link and unlink below.
        }

        if (NativeMethods.link(source, target) != 0)
        {
            return Marshal.GetLastWin32Error() is NotPermitted or CrossDevice or NotSupported ? false : throw LastError(to);
        }

        _ = NativeMethods.unlink(source);
        return true;
    }

    // access(2) modes and errors, the same on Linux and macOS.
    private const int WriteAccess = 2;
    private const int SearchAccess = 1;
    private const int NotPermitted = 1;
    private const int PermissionDenied = 13;
    private const int ReadOnlyFileSystem = 30;

    /// <summary>
    /// Why the process may not create a file in <paramref name="folder"/>, as <see cref="LastError"/> words it, or null:
    /// access(2) refuses write and search with EACCES or EPERM (its permissions) or EROFS (a read-only file system).
    /// Any other failure is null: the write itself reports it.
    /// </summary>
    public static Exception? CreationRefused(string folder)
        => NativeMethods.access(Bytes(folder), WriteAccess | SearchAccess) != 0 && Marshal.GetLastWin32Error() is PermissionDenied or NotPermitted or ReadOnlyFileSystem
            ? LastError(folder)
            : null;

    /// <summary>
    /// True when the process may not write the file at <paramref name="path"/> by its permissions (access(2) refuses
    /// W_OK with EACCES or EPERM): no write bit for the process's class, and no privilege that overrides it. Any other
    /// failure (the file gone, a read-only file system) is false: the write itself reports it.
    /// </summary>
    public static bool MayNotWrite(string path)
        => NativeMethods.access(Bytes(path), WriteAccess) != 0 && Marshal.GetLastWin32Error() is PermissionDenied or NotPermitted;

    /// <summary>
    /// The exception .NET throws for the C library's last error on <paramref name="path"/>: access refused (EACCES,
    /// EPERM) as <see cref="UnauthorizedAccessException"/>, anything else as an <see cref="System.IO.IOException"/>
    /// worded as .NET words it ("No space left on device : 'path'"), so callers report both builds' failures alike.
    /// </summary>
    public static Exception LastError(string path)
    {
        int error = Marshal.GetLastWin32Error();
        if (error is PermissionDenied or NotPermitted)
        {
            return new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
        }

        string? text = Marshal.PtrToStringAnsi(NativeMethods.strerror(error));
        return new System.IO.IOException($"{text ?? "Error " + error} : '{path}'");
    }

    /// <summary>The canonical path with every symbolic link resolved, or null when it cannot be resolved.</summary>
    public static unsafe string? RealPath(string path)
    {
        IntPtr resolved = NativeMethods.realpath(Bytes(path), IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            byte* start = (byte*)resolved;
            int length = 0;
            while (start[length] != 0)
            {
                length++;
            }

            return Encoding.UTF8.GetString(start, length);
        }
        finally
        {
            NativeMethods.free(resolved);
        }
    }

    /// <summary>
    /// Asks Linux to back the whole 2 MB pages inside [<paramref name="start"/>, + <paramref name="length"/>) with
    /// transparent huge pages when they are first written (madvise MADV_HUGEPAGE): one fault per 2 MB instead of
    /// one per 4 KB. Only advice: nothing happens where the kernel has them off, and the call's result is ignored.
    /// </summary>
    public static void PreferHugePages(IntPtr start, long length)
    {
        const long Huge = 2 << 20;
        const int MadviseHugePage = 14;
        long first = (start.ToInt64() + Huge - 1) & ~(Huge - 1);
        long end = (start.ToInt64() + length) & ~(Huge - 1);
        if (end > first)
        {
            _ = NativeMethods.madvise(new IntPtr(first), new UIntPtr((ulong)(end - first)), MadviseHugePage);
        }
    }

    /// <summary><see cref="PreferHugePages(IntPtr, long)"/> for the memory of a large array.</summary>
    public static unsafe void PreferHugePages<T>(T[] array)
        where T : unmanaged
    {
        fixed (T* start = array)
        {
            PreferHugePages(new IntPtr(start), (long)array.Length * sizeof(T));
        }
    }

    private static byte[] Bytes(string path) => Encoding.UTF8.GetBytes(path + "\0");

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int chown(byte[] path, uint owner, uint group);

        [DllImport("libc", SetLastError = true)]
        public static extern unsafe int stat(byte[] path, byte* buffer);

        [DllImport("libc", SetLastError = true)]
        public static extern IntPtr realpath(byte[] path, IntPtr resolved);

        [DllImport("libc")]
        public static extern void free(IntPtr pointer);

        [DllImport("libc", SetLastError = true)]
        public static extern int open(byte[] path, int flags, int mode);

        [DllImport("libc")]
        public static extern int close(int descriptor);

        [DllImport("libc", SetLastError = true)]
        public static extern int rename(byte[] from, byte[] to);

        [DllImport("libc", SetLastError = true)]
        public static extern int access(byte[] path, int mode);

        [DllImport("libc", SetLastError = true)]
        public static extern int renameat2(int fromFolder, byte[] from, int toFolder, byte[] to, uint flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int link(byte[] existing, byte[] created);

        [DllImport("libc", SetLastError = true)]
        public static extern int unlink(byte[] path);

        [DllImport("libc")]
        public static extern IntPtr strerror(int error);

        [DllImport("libc")]
        public static extern int madvise(IntPtr address, UIntPtr length, int advice);
    }
}
