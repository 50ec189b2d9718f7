using System;
using System.IO;
using System.Text;
using System.Threading;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Writes a file so that a failure leaves nothing behind and a replaced file keeps its identity: the content goes
/// into a temporary file beside the final target, created no wider than the file it replaces, which then takes
/// over the old file's owner and mode and is renamed over it when the caller commits it. A symbolic link stays a
/// link: its target is rewritten.
/// </summary>
internal static partial class AtomicFileWriter
{
    /// <summary>
    /// Writes the content of <paramref name="destinationPath"/> into its temporary file and stops there: the target is
    /// untouched until <see cref="PendingFile.Commit"/>, and disposing the pending file uncommitted deletes it.
    /// </summary>
    /// <param name="destinationPath">The file to write (full path); its folder must exist.</param>
    /// <param name="modeSource">A file whose read and write permission bits a new file takes (the source image), or null.</param>
    /// <param name="overwrite">Replace an existing file.</param>
    /// <param name="replaceReadOnly">Replace it even when it is read-only (<see cref="IsReadOnly"/>); it stays read-only.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="cancellationToken">Checked once the content is written.</param>
    public static PendingFile Prepare(string destinationPath, string? modeSource, bool overwrite, bool replaceReadOnly, Action<Stream> write, CancellationToken cancellationToken)
    {
        string target = ResolvedPath(destinationPath);
        CheckReplaceable(destinationPath, target, overwrite, replaceReadOnly);

        // A replaced file keeps its own identity; a new one is no more readable than the image it came from
        // (the process's umask narrows it further, as for any new file).
        FileIdentity? replaced = File.Exists(target) ? FileIdentity.Of(target) : null;
        FileIdentity? template = replaced ?? (modeSource is null ? null : FileIdentity.Of(modeSource));
        string folder = Path.GetDirectoryName(target)!;
        string temporary = Path.Combine(folder, TemporaryName(Path.GetFileName(target), Guid.NewGuid().ToString("N").Substring(0, 8)));
        Unfinished.Add(temporary, destinationPath);
        try
        {
            using (FileStream stream = CreateTemporary(temporary, template))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new PendingFile(destinationPath, target, temporary, overwrite, replaceReadOnly);
        }
        catch (Exception e)
        {
            TryDelete(temporary);
            Unfinished.Remove(temporary);
            throw Translate(e, destinationPath, target, overwrite);
        }
    }

    // The longest file name Linux and macOS file systems take, in bytes of UTF-8 (NTFS: UTF-16 units).
    private const int LongestName = 255;

    /// <summary>
    /// The hidden temporary name of a file named <paramref name="fileName"/>: "." + the name + "." + <paramref name="tag"/>
    /// + ".tmp", the name cut short where the whole would pass 255 bytes of UTF-8, the longest name Linux and macOS
    /// file systems take (NTFS takes 255 UTF-16 units, which 255 bytes of UTF-8 never pass). A file whose own name is
    /// near that length (85 Chinese or Japanese characters are 255 bytes) is then written like any other.
    /// </summary>
    internal static string TemporaryName(string fileName, string tag)
    {
        int room = LongestName - (1 + 1 + tag.Length + 4);
        int end = 0, bytes = 0;
        while (end < fileName.Length)
        {
            bool pair = char.IsSurrogatePair(fileName, end);
            int c = fileName[end];
            int size = pair ? 4 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (bytes + size > room)
            {
                break;
            }

            bytes += size;
            end += pair ? 2 : 1;
        }

        return "." + fileName.Substring(0, end) + "." + tag + ".tmp";
    }

    /// <summary>
    /// Refuses to replace the file at <paramref name="target"/> (<paramref name="destinationPath"/> resolved)
    /// when it exists and <paramref name="overwrite"/> is false (DestinationExists), or when it is read-only and
    /// <paramref name="replaceReadOnly"/> is false (DestinationReadOnly). Renaming over a file needs only the
    /// folder's permission, so without this check a file its owner made read-only would be replaced all the same.
    /// </summary>
    internal static void CheckReplaceable(string destinationPath, string target, bool overwrite, bool replaceReadOnly)
    {
        if (!File.Exists(target))
        {
            return;
        }

        if (!overwrite)
        {
            throw DestinationExists(destinationPath, null);
        }

        if (!replaceReadOnly && IsReadOnly(target))
        {
            throw new ConvolutionException(ConvolutionErrorKind.DestinationReadOnly, destinationPath, $"The file '{destinationPath}' is read-only.");
        }
    }

    /// <summary>
    /// True for a file the process may not write: on Windows one with the ReadOnly attribute; on Unix one whose mode
    /// gives the process's class (owner, group or others) no write permission, unless a privilege overrides it
    /// (root may write any file, as it may with any other command). What the file system's own write checks say.
    /// </summary>
    internal static bool IsReadOnly(string path)
        => OperatingSystem.IsWindows() ? (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0 : Libc.MayNotWrite(path);

    /// <summary>
    /// Refuses, before any image is read, an output at <paramref name="target"/> (<paramref name="destinationPath"/>
    /// resolved) that could not be created: a name longer than file systems take (255 bytes of UTF-8 on Linux and
    /// macOS, 255 UTF-16 units on Windows; a long kernel name in the suffix makes one), or, on Linux and macOS, a
    /// folder the process may not create files in by its permissions or because it is on a read-only file system.
    /// The write would fail the same way, but only after the image was decoded and convolved.
    /// </summary>
    internal static void CheckCreatable(string destinationPath, string target)
    {
        string name = Path.GetFileName(target);
        bool windows = OperatingSystem.IsWindows();
        int length = windows ? name.Length : Encoding.UTF8.GetByteCount(name);
        if (length > LongestName)
        {
            string unit = windows ? "characters" : "bytes of UTF-8";
            throw new ConvolutionException(ConvolutionErrorKind.WriteFailed, destinationPath, $"The output file '{destinationPath}' could not be written: its name is {length} {unit} long, and file systems take at most {LongestName}.");
        }

        // Named, because the file itself may be writable: the content goes into a new file beside it, renamed over it.
        string folder = Path.GetDirectoryName(target)!;
        if (!windows && Libc.CreationRefused(folder) is Exception refused)
        {
            throw new ConvolutionException(ConvolutionErrorKind.WriteFailed, destinationPath, $"The output file '{destinationPath}' could not be written: no file can be created in its folder '{folder}': {Reason(refused)}", refused);
        }
    }

    // What a failed write is reported as: the engine's own errors and a stop as they are, file-system and encoder
    // failures as the output's WriteFailed (or DestinationExists, when a file took the name meanwhile).
    private static Exception Translate(Exception e, string destinationPath, string target, bool overwrite)
    {
        if (e is ConvolutionException or OperationCanceledException)
        {
            return e;
        }

        if (e is IOException && !overwrite && File.Exists(target))
        {
            return DestinationExists(destinationPath, e);
        }

        if (RefusedName(e, target) is string refusal)
        {
            return new ConvolutionException(ConvolutionErrorKind.WriteFailed, destinationPath, $"The output file '{destinationPath}' could not be written: {refusal}", e);
        }

        if (e is IOException or UnauthorizedAccessException or SixLabors.ImageSharp.ImageFormatException or NotSupportedException)
        {
            return new ConvolutionException(ConvolutionErrorKind.WriteFailed, destinationPath, $"The output file '{destinationPath}' could not be written: {Reason(e)}", e);
        }

        return e;
    }

    // Characters FAT, exFAT, NTFS and SMB shares refuse in a name, which Linux and macOS file systems take.
    private static readonly char[] RefusedByWindowsFileSystems = { '"', '*', ':', '<', '>', '?', '\\', '|' };

    // A file that could not be made in a folder that exists, "not found" (ENOENT: exfat-fuse) or "invalid argument" (EINVAL:
    // the kernel's FAT and exFAT, SMB mounts): the file system refuses the name. .NET's message names the hidden
    // temporary file and says nothing of that. Null for any other failure.
    private static string? RefusedName(Exception e, string target)
    {
        const int NotFound = 2, InvalidArgument = 22;
        if (!(e is FileNotFoundException || (e is IOException && e.HResult is NotFound or InvalidArgument)) || !Directory.Exists(Path.GetDirectoryName(target)))
        {
            return null;
        }

        string name = Path.GetFileName(target);
        return name.IndexOfAny(RefusedByWindowsFileSystems) >= 0 || name.EndsWith(" ", StringComparison.Ordinal) || name.EndsWith(".", StringComparison.Ordinal)
            ? "the file system of its folder does not take its name (FAT, exFAT, NTFS and SMB shares refuse \\ : * ? \" < > | in a name, and a space or dot at its end)."
            : "the file system of its folder does not take its name.";
    }

    // What went wrong, without the file .NET names, which is the hidden temporary file beside the output (the message
    // names the output already): "Read-only file system : '/photos/.a_Box3.jpg.1a2b3c4d.tmp'" becomes "Read-only file
    // system.", and "Access to the path '...' is denied." "access was denied."
    private static string Reason(Exception e)
    {
        if (e is UnauthorizedAccessException)
        {
            return "access was denied.";
        }

        string message = e.Message;
        int named = message.LastIndexOf(" : '", StringComparison.Ordinal);
        return named > 0 && message.EndsWith("'", StringComparison.Ordinal) ? message.Substring(0, named) + "." : message;
    }

    /// <summary>
    /// A file whose content is written, in a temporary file beside its target, and not yet in place: <see cref="Commit"/>
    /// renames it over the target (taking over a replaced file's owner and mode); disposing it uncommitted deletes it.
    /// </summary>
    public sealed class PendingFile : IDisposable
    {
        private readonly string destinationPath;
        private readonly string target;
        private readonly string temporary;
        private readonly bool overwrite;
        private readonly bool replaceReadOnly;
        private bool closed;

        /// <summary>
        /// After <see cref="Commit"/>: the other names (hard links) of the file it replaced, which still show the old
        /// content, since the new file took the one name alone; 0 where there were none, or they could not be counted.
        /// </summary>
        public int OtherNames { get; private set; }

        /// <summary>The temporary file the content waits in until <see cref="Commit"/>.</summary>
        public string TemporaryPath => temporary;

        internal PendingFile(string destinationPath, string target, string temporary, bool overwrite, bool replaceReadOnly)
        {
            this.destinationPath = destinationPath;
            this.target = target;
            this.temporary = temporary;
            this.overwrite = overwrite;
            this.replaceReadOnly = replaceReadOnly;
        }

        /// <summary>Puts the file in place; on failure the temporary file is deleted and the target left as it was.</summary>
        public void Commit()
        {
            if (closed)
            {
                throw new InvalidOperationException("The file was already committed or discarded.");
            }

            closed = true;
            try
            {
                // Asked again: the file may have been made, or made read-only, since the content was written.
                CheckReplaceable(destinationPath, target, overwrite, replaceReadOnly);

                // The identity of the file replaced now, which may have changed since the content was written.
                FileIdentity? replaced = File.Exists(target) ? FileIdentity.Of(target) : null;
                replaced?.ApplyTo(temporary);
                int otherNames = replaced?.Links is uint links && links > 1 ? (int)Math.Min(links - 1, int.MaxValue) : 0;
                if (OperatingSystem.IsWindows() && overwrite && File.Exists(target))
                {
                    ReplaceOnWindows(temporary, target);
                }
                else if (overwrite || !Libc.MoveWithoutReplacing(temporary, target))
                {
                    // Without overwrite, File.Move on Unix asks whether the target exists and then renames over it: a
                    // file made in between (another call writing the same name) would be replaced. Linux refuses
                    // that in the same step (Libc.MoveWithoutReplacing); Windows' move never replaces.
                    MoveOver(temporary, target, overwrite);
                }

                OtherNames = otherNames;
            }
            catch (Exception e)
            {
                TryDelete(temporary);
                throw Translate(e, destinationPath, target, overwrite);
            }
            finally
            {
                Unfinished.Remove(temporary);
            }
        }

        /// <summary>Deletes the temporary file unless it was committed.</summary>
        public void Dispose()
        {
            if (!closed)
            {
                closed = true;
                TryDelete(temporary);
                Unfinished.Remove(temporary);
            }
        }
    }

    /// <summary>
    /// The temporary files being written or waiting for their commit. When the process is asked to end (SIGTERM from
    /// <c>kill</c>, <c>timeout</c>, a service manager or a container's stop, SIGHUP from a closed terminal or a
    /// dropped SSH session, a closed console window on Windows) or exits while writers are at work, the files listed
    /// are deleted and no writer may start another, so an ended call leaves its finished outputs and nothing else. A
    /// process killed outright (SIGKILL, a power cut) runs no code, and its hidden temporaries stay.
    /// </summary>
    internal static partial class Unfinished
    {
        private static readonly object Gate = new();
        private static readonly System.Collections.Generic.HashSet<string> Files = new(StringComparer.Ordinal);
        private static bool ending;

        static Unfinished()
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll();
            WatchSignals();
        }

        // Where the runtime can tell: runs DeleteAll when a signal that ends the process arrives, and leaves the
        // signal's own effect as it was.
        static partial void WatchSignals();

        /// <summary>Lists <paramref name="temporary"/> before it is created; refused once the process is ending.</summary>
        internal static void Add(string temporary, string destinationPath)
        {
            lock (Gate)
            {
                if (ending)
                {
                    throw new ConvolutionException(ConvolutionErrorKind.WriteFailed, destinationPath, $"The output file '{destinationPath}' was not written: the process is ending.");
                }

                Files.Add(temporary);
            }
        }

        internal static void Remove(string temporary)
        {
            lock (Gate)
            {
                Files.Remove(temporary);
            }
        }

        /// <summary>Deletes every listed file, and refuses new ones from now on.</summary>
        internal static void DeleteAll()
        {
            lock (Gate)
            {
                ending = true;
                foreach (string file in Files)
                {
                    TryDelete(file);
                }

                Files.Clear();
            }
        }
    }

    // realpath(3) of the longest part of a full Unix path that exists (following links, so a dangling link does not
    // count), with the rest appended as given; the path itself where realpath fails.
    private static string RealPathOfExistingPart(string fullPath)
    {
        string existing = fullPath;
        string rest = string.Empty;
        while (!File.Exists(existing) && !Directory.Exists(existing))
        {
            string? parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return fullPath;
            }

            rest = rest.Length == 0 ? Path.GetFileName(existing) : Path.Combine(Path.GetFileName(existing), rest);
            existing = parent;
        }

        string? real;
        try
        {
            real = Libc.RealPath(existing);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            real = null;
        }

        return real is null ? fullPath : rest.Length == 0 ? real : Path.Combine(real, rest);
    }

    // ReplaceFile keeps the replaced file's ACL, attributes and creation time, but refuses a read-only file: the
    // ReadOnly attribute comes off for the replace and goes back on the file in place, new or old.
    private static void ReplaceOnWindows(string temporary, string target)
    {
        FileAttributes attributes = File.GetAttributes(target);
        bool readOnly = (attributes & FileAttributes.ReadOnly) != 0;
        if (readOnly)
        {
            File.SetAttributes(target, attributes & ~FileAttributes.ReadOnly);
        }

        try
        {
            File.Replace(temporary, target, null, ignoreMetadataErrors: true);
        }
        finally
        {
            if (readOnly)
            {
                File.SetAttributes(target, File.GetAttributes(target) | FileAttributes.ReadOnly);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The error for an output that exists when overwriting was not asked for.</summary>
    internal static ConvolutionException DestinationExists(string path, Exception? inner)
        => new(ConvolutionErrorKind.DestinationExists, path, $"The output file '{path}' already exists.", inner);
}
