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

    /// <summary>
    /// The count of names (hard links) of <paramref name="path"/> (following links) as its file system has it now, not
    /// as the kernel cached it: statx(2) with AT_STATX_FORCE_SYNC, which makes a FUSE or network file system ask
    /// its server again. Null where statx fails or is missing (Linux before 4.11, glibc before 2.28).
    /// </summary>
    public static unsafe uint? SyncedLinks(string path)
    {
        // struct statx is the same on every architecture: stx_nlink is the 4 bytes at offset 16; 256 bytes in all.
        const int ForceSync = 0x2000;
        const uint WantLinks = 0x4;
        byte* buffer = stackalloc byte[256];
        try
        {
            return NativeMethods.statx(AtCurrentFolder, Bytes(path), ForceSync, WantLinks, buffer) == 0 && (*(uint*)buffer & WantLinks) != 0
                ? *(uint*)(buffer + 16)
                : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

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

        // The error number as its HResult, as .NET's own exceptions for a C library error on Unix carry it.
        return new System.IO.IOException($"{ErrorText(error)} : '{path}'", error);
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

    // errno values for extended attributes on Linux: the list or value outgrew the buffer (ERANGE), the file system
    // keeps none (EOPNOTSUPP), the attribute is absent (ENODATA).
    private const int OutOfRange = 34;
    private const int NoAttribute = 61;

    /// <summary>
    /// The extended attributes of the file at <paramref name="path"/> (following links) on Linux, each name with its
    /// value: user attributes, the POSIX access control list (<c>system.posix_acl_access</c>), security labels. Empty
    /// where the file system keeps none; the attributes the process may not read are left out.
    /// </summary>
    public static (string Name, byte[] Value)[] ExtendedAttributes(string path)
    {
        byte[] file = Bytes(path);
        byte[] names = Array.Empty<byte>();
        long length;
        while (true)
        {
            length = NativeMethods.listxattr(file, names, (UIntPtr)names.Length).ToInt64();
            if (length >= 0 && (names.Length > 0 || length == 0))
            {
                break;
            }

            if (length < 0 && Marshal.GetLastWin32Error() != OutOfRange)
            {
                return Array.Empty<(string, byte[])>();
            }

            // Asked for the size first (an empty buffer), or the list grew since: ask with room for it.
            names = new byte[Math.Max(length, 2 * names.Length) + 64];
        }

        var attributes = new System.Collections.Generic.List<(string, byte[])>();
        for (int start = 0; start < length;)
        {
            int end = Array.IndexOf(names, (byte)0, start, (int)length - start);
            end = end < 0 ? (int)length : end;
            string name = Encoding.UTF8.GetString(names, start, end - start);
            if (name.Length > 0 && Attribute(file, names, start, end) is byte[] value)
            {
                attributes.Add((name, value));
            }

            start = end + 1;
        }

        return attributes.ToArray();
    }

    // The value of the attribute named by names[start, end), or null where it cannot be read (gone since it was listed,
    // or not for this process to read).
    private static byte[]? Attribute(byte[] file, byte[] names, int start, int end)
    {
        byte[] name = new byte[end - start + 1];
        Array.Copy(names, start, name, 0, end - start);
        byte[] value = Array.Empty<byte>();
        while (true)
        {
            long length = NativeMethods.getxattr(file, name, value, (UIntPtr)value.Length).ToInt64();
            if (length >= 0 && (value.Length > 0 || length == 0))
            {
                return value.Length == length ? value : value.AsSpan(0, (int)length).ToArray();
            }

            if (length < 0 && Marshal.GetLastWin32Error() != OutOfRange)
            {
                return null;
            }

            value = new byte[Math.Max(length, 2 * value.Length) + 64];
        }
    }

    /// <summary>Sets the extended attribute <paramref name="name"/> of <paramref name="path"/>; 0, or the C library's error number.</summary>
    public static int SetExtendedAttribute(string path, string name, byte[] value)
        => NativeMethods.setxattr(Bytes(path), Bytes(name), value, (UIntPtr)value.Length, 0) == 0 ? 0 : Marshal.GetLastWin32Error();

    /// <summary>Removes the extended attribute <paramref name="name"/> of <paramref name="path"/>; true unless it was there and stayed.</summary>
    public static bool RemoveExtendedAttribute(string path, string name)
        => NativeMethods.removexattr(Bytes(path), Bytes(name)) == 0 || Marshal.GetLastWin32Error() is NoAttribute or NotSupported;

    /// <summary>The C library's words for error number <paramref name="error"/>.</summary>
    public static string ErrorText(int error) => Marshal.PtrToStringAnsi(NativeMethods.strerror(error)) ?? "Error " + error;

    private static byte[] Bytes(string path) => Encoding.UTF8.GetBytes(path + "\0");

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int chown(byte[] path, uint owner, uint group);

        [DllImport("libc", SetLastError = true)]
        public static extern unsafe int stat(byte[] path, byte* buffer);

        [DllImport("libc", SetLastError = true)]
        public static extern unsafe int statx(int folder, byte[] path, int flags, uint mask, byte* buffer);

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

        [DllImport("libc", SetLastError = true)]
        public static extern IntPtr listxattr(byte[] path, byte[] list, UIntPtr size);

        [DllImport("libc", SetLastError = true)]
        public static extern IntPtr getxattr(byte[] path, byte[] name, byte[] value, UIntPtr size);

        [DllImport("libc", SetLastError = true)]
        public static extern int setxattr(byte[] path, byte[] name, byte[] value, UIntPtr size, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int removexattr(byte[] path, byte[] name);

        [DllImport("libc")]
        public static extern int madvise(IntPtr address, UIntPtr length, int advice);
    }
}
