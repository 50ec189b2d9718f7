using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// What makes a file someone's on Unix: its mode bits and its owner. A rewritten file takes them over, so a
/// private photo stays private and a file a root script rewrites stays its user's. (On Windows the ACL and
/// attributes are kept by <see cref="File.Replace(string, string, string?)"/> instead.)
/// </summary>
internal readonly struct FileIdentity
{
    private FileIdentity(UnixFileMode mode, uint? user, uint? group)
    {
        Mode = mode;
        User = user;
        Group = group;
    }

    /// <summary>Permission bits, set-id and sticky bits.</summary>
    public UnixFileMode Mode { get; }

    /// <summary>The owning user, when it could be read (Linux x64 and arm64).</summary>
    public uint? User { get; }

    /// <summary>The owning group, when it could be read.</summary>
    public uint? Group { get; }

    /// <summary>The mode with only the read and write permissions kept: what a new file derived from this one may have.</summary>
    public UnixFileMode ReadWriteMode => Mode & (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

    /// <summary>The identity of an existing file (following links), or null on Windows or when it cannot be read.</summary>
    public static FileIdentity? Of(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            UnixFileMode mode = File.GetUnixFileMode(path);
            (uint? user, uint? group) = ReadOwner(path);
            return new FileIdentity(mode, user, group);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Gives <paramref name="path"/> this identity: the owner where the process may set it, then the exact mode.</summary>
    public void ApplyTo(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (User is uint user && Group is uint group)
        {
            // Refused (EPERM) for a user who is not root: the file is then theirs, as with any editor's save.
            _ = Libc.Chown(path, user, group);
        }

        // After chown, which clears the set-id bits. A file system that keeps no Unix modes (FAT or exFAT, SMB, some
        // FUSE file systems, mounted so) refuses chmod outright; its files all show the mount's mode. The new file is
        // then taken as it is where that mode is no wider than this one, and refused where it is wider.
        try
        {
            File.SetUnixFileMode(path, Mode);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            UnixFileMode actual = File.GetUnixFileMode(path);
            if ((actual & ~Mode & Permissions) != 0)
            {
                throw new IOException($"The file system refused to give '{path}' the mode {Octal(Mode)} of the file it replaces, and its own mode, {Octal(actual)}, is wider.", e);
            }
        }
    }

    // Read, write and execute for owner, group and others.
    private const UnixFileMode Permissions = (UnixFileMode)0x1FF;

    private static string Octal(UnixFileMode mode) => System.Convert.ToString((int)mode & 0xFFF, 8);

    private static unsafe (uint? User, uint? Group) ReadOwner(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, null);
        }

        // struct stat differs by architecture; these are the kernel's generic and x86-64 layouts.
        (int userOffset, int groupOffset) = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => (28, 32),
            Architecture.Arm64 => (24, 28),
            _ => (-1, -1),
        };
        if (userOffset < 0)
        {
            return (null, null);
        }

        byte* buffer = stackalloc byte[256];
        try
        {
            if (Libc.Stat(path, buffer) != 0)
            {
                return (null, null);
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return (null, null);
        }

        return (*(uint*)(buffer + userOffset), *(uint*)(buffer + groupOffset));
    }
}
