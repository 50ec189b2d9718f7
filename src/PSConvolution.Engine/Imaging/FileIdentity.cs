using System;
using System.IO;
using System.Runtime.InteropServices;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// What makes a file someone's on Unix: its mode bits, its owner and, on Linux, its extended attributes, among them
/// the POSIX access control list. A rewritten file takes them over, so a private photo stays private, a photo shared
/// with one other user through its ACL stays shared with that user alone, and a file a root script rewrites stays
/// its user's. (On Windows the ACL and attributes are kept by <see cref="File.Replace(string, string, string?)"/>
/// instead.)
/// </summary>
internal readonly struct FileIdentity
{
    /// <summary>The extended attribute that holds a file's POSIX access control list on Linux.</summary>
    internal const string AccessControlList = "system.posix_acl_access";

    private static readonly (string Name, byte[] Value)[] NoAttributes = new (string, byte[])[0];

    private readonly (string Name, byte[] Value)[]? attributes;

    private FileIdentity(UnixFileMode mode, uint? user, uint? group, uint? links, (string Name, byte[] Value)[] attributes)
    {
        Mode = mode;
        User = user;
        Group = group;
        Links = links;
        this.attributes = attributes;
    }

    /// <summary>Permission bits, set-id and sticky bits.</summary>
    public UnixFileMode Mode { get; }

    /// <summary>The owning user, when it could be read (Linux x64 and arm64).</summary>
    public uint? User { get; }

    /// <summary>The owning group, when it could be read.</summary>
    public uint? Group { get; }

    /// <summary>
    /// The file's names (hard links) in its file system, when they could be read (Linux x64 and arm64). A file written
    /// anew and renamed over one of them leaves the others showing the old content.
    /// </summary>
    public uint? Links { get; }

    /// <summary>The extended attributes (Linux), each name with its value; the access control list among them.</summary>
    public (string Name, byte[] Value)[] Attributes => attributes ?? NoAttributes;

    /// <summary>
    /// The mode with only the read and write permissions kept, and for a file with an access control list the
    /// owning group's own permissions in the group bits: what a new file derived from this one may have. With an
    /// ACL the mode's group bits are its mask, the most any named user or group may have, and may well be more than
    /// the owning group has: a photo shared with one user (<c>setfacl -m u:ann:r</c>) while its group may not read it
    /// shows group read in its mode.
    /// </summary>
    public UnixFileMode ReadWriteMode
    {
        get
        {
            UnixFileMode mode = Mode & (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
            return OwningGroupPermissions() is int group ? (mode & ~GroupPermissions) | (UnixFileMode)((group & ((int)mode >> 3) & 6) << 3) : mode;
        }
    }

    private const UnixFileMode GroupPermissions = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;

    // The permissions (rwx as 4, 2, 1) the access control list gives the owning group, limited by its mask, or null
    // without an ACL. Its extended attribute is a version (2) and then 8-byte entries, little-endian: a tag, the
    // permissions and an id (acl_ea_header and acl_ea_entry in the kernel's posix_acl_xattr.h).
    private int? OwningGroupPermissions()
    {
        foreach ((string name, byte[] value) in Attributes)
        {
            if (name != AccessControlList || value.Length < 4)
            {
                continue;
            }

            const int OwningGroup = 0x04, Mask = 0x10;
            int group = 0, mask = 7;
            for (int e = 4; e + 8 <= value.Length; e += 8)
            {
                int tag = value[e] | (value[e + 1] << 8);
                int permissions = (value[e + 2] | (value[e + 3] << 8)) & 7;
                group = tag == OwningGroup ? permissions : group;
                mask = tag == Mask ? permissions : mask;
            }

            return group & mask;
        }

        return null;
    }

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
            (uint? user, uint? group, uint? links) = ReadStat(path);
            return new FileIdentity(mode, user, group, links, ReadAttributes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Gives <paramref name="path"/> (the new file) this identity: the owner where the process may set it, the exact
    /// mode, then the extended attributes. Failures are worded without the path, which the caller's message names as
    /// the output it is to become.
    /// </summary>
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

        // An access control list the new file took from its folder's default ACL, where this file has none of its own:
        // it would give the new file permissions this one never gave. Taken off before the mode is set, so that the
        // mode's group bits are the group's again.
        if (OperatingSystem.IsLinux() && OwningGroupPermissions() is null && !Libc.RemoveExtendedAttribute(path, AccessControlList))
        {
            throw new IOException("The file system refused to take off the new file the access control list it took from its folder; the file it replaces has none.");
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
                throw new IOException($"The file system refused to give the new file the mode {Octal(Mode)} of the file it replaces, and its own mode, {Octal(actual)}, is wider.", e);
            }
        }

        // The extended attributes last: setting the ACL sets the mode's group bits to its mask, as the replaced file
        // has them. Its ACL and user attributes (tags, comments, checksums other programs keep) must come along, or
        // the rewrite fails and the file stays as it was; security labels and trusted attributes, which need
        // privileges to set, are kept where the process may set them, and otherwise are what the folder gives a new
        // file, as when an editor saves over a file.
        foreach ((string name, byte[] value) in Attributes)
        {
            int error = Libc.SetExtendedAttribute(path, name, value);
            if (error != 0 && (name == AccessControlList || name.StartsWith("user.", StringComparison.Ordinal)))
            {
                string what = name == AccessControlList ? "access control list" : $"extended attribute '{name}'";
                throw new IOException($"The file system refused to give the new file the {what} of the file it replaces: {Libc.ErrorText(error)}.");
            }
        }
    }

    // The extended attributes of a file on Linux; none elsewhere, or where the C library lacks the calls.
    private static (string Name, byte[] Value)[] ReadAttributes(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return NoAttributes;
        }

        try
        {
            return Libc.ExtendedAttributes(path);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return NoAttributes;
        }
    }

    // Read, write and execute for owner, group and others.
    private const UnixFileMode Permissions = (UnixFileMode)0x1FF;

    private static string Octal(UnixFileMode mode) => System.Convert.ToString((int)mode & 0xFFF, 8);

    // The owner, the group and the count of names, from stat(2).
    private static unsafe (uint? User, uint? Group, uint? Links) ReadStat(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (null, null, null);
        }

        // struct stat differs by architecture; these are the kernel's generic and x86-64 layouts (st_nlink is 8 bytes
        // on x86-64, 4 in the generic layout).
        (int userOffset, int groupOffset, int linksOffset) = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => (28, 32, 16),
            Architecture.Arm64 => (24, 28, 20),
            _ => (-1, -1, -1),
        };
        if (userOffset < 0)
        {
            return (null, null, null);
        }

        byte* buffer = stackalloc byte[256];
        try
        {
            if (Libc.Stat(path, buffer) != 0)
            {
                return (null, null, null);
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return (null, null, null);
        }

        // A count of more than one may be the kernel's cached one: a FUSE file system (sshfs, bindfs, rclone) keeps a
        // file's attributes for a second or so, and a name moved there by link and unlink (Libc.MoveWithoutReplacing,
        // where the file system refuses renameat2's no-replace flag) still counts the unlinked one. Only then is the
        // file system asked again.
        uint links = *(uint*)(buffer + linksOffset);
        return (*(uint*)(buffer + userOffset), *(uint*)(buffer + groupOffset), links > 1 ? Libc.SyncedLinks(path) ?? links : links);
    }
}
