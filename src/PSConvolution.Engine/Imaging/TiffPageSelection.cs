using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// Which pages of a multi-page TIFF the decoder is given, and in what order it finds them. ImageSharp 2.1 decodes
/// every page of a TIFF into one image, so it refuses a TIFF whose pages differ in size ("Images with different sizes
/// are not supported"): a scan with a smaller page, or a picture followed by its thumbnail. It also refuses a chain of
/// directories that runs backwards in the file as a loop, and libtiff writes such chains whenever it rewrites a
/// directory (a description added with tiffset to a two-page scan). Written to a format of one picture only the first
/// page is kept, so only the first is decoded, whatever the others are (and a 300-page scan no longer decodes 300
/// pages to write one). Written as TIFF or GIF, which keep every page, pages of the first page's size are decoded and
/// smaller thumbnails (marked reduced-resolution) are left out, as other formats' previews are; a page of another size
/// that is no thumbnail cannot be kept, and the file is refused with a way out. The decoder reads through a view of
/// the file whose directory chain holds the kept pages in order; the file itself is not changed.
/// </summary>
internal static class TiffPageSelection
{
    // The most bytes of directories copied for the decoder's view.
    private const long MostCopied = 16 << 20;

    /// <summary>
    /// The stream to decode <paramref name="source"/> (a TIFF) from, and whether pages other than thumbnails were left
    /// out; <paramref name="source"/> itself where every page is decoded.
    /// </summary>
    /// <exception cref="ConvolutionException">
    /// <see cref="ConvolutionErrorKind.UnsupportedImage"/>: the output keeps every page, and a page that is no
    /// thumbnail differs in size from the first.
    /// </exception>
    public static (Stream Decoded, bool PagesLeftOut, int Pages) ForDecoding(Stream source, string path, OutputFormat format)
    {
        if (HeaderChecks.TiffPages(source) is not (bool little, bool big, List<HeaderChecks.TiffPage> pages) || pages.Count < 2)
        {
            return (source, false, 1);
        }

        HeaderChecks.TiffPage first = pages[0];
        bool SameSize(HeaderChecks.TiffPage page) => page.Width == first.Width && page.Height == first.Height;
        List<HeaderChecks.TiffPage> kept;
        if (!ImageFormats.HoldsFrames(format))
        {
            kept = new List<HeaderChecks.TiffPage> { first };
        }
        else
        {
            int other = pages.FindIndex(page => !SameSize(page) && !page.Reduced);
            if (other > 0)
            {
                throw new ConvolutionException(
                    ConvolutionErrorKind.UnsupportedImage,
                    path,
                    string.Format(CultureInfo.InvariantCulture, "'{0}' has pages of different sizes (page 1 is {1}x{2}, page {3} {4}x{5}), which the decoder (ImageSharp 2.1) cannot hold in one image, and {6} would keep every page. Written as PNG or JPEG, or any format of one picture, its first page is converted; or split its pages first.", path, first.Width, first.Height, other + 1, pages[other].Width, pages[other].Height, format.ToString().ToUpperInvariant()));
            }

            kept = pages.FindAll(SameSize);
        }

        bool leftOut = pages.Except(kept).Any(page => !page.Reduced);
        return (View(source, little, big, pages, kept), leftOut, kept.Count);
    }

    /// <summary>
    /// The stream to identify a TIFF from: its first page alone, so that what the decoder refuses in later pages (other
    /// sizes, directories out of file order) does not stop the header read, which concerns the first page only.
    /// </summary>
    public static Stream FirstPage(Stream source)
        => HeaderChecks.TiffPages(source) is (bool little, bool big, List<HeaderChecks.TiffPage> pages) && pages.Count > 1
            ? View(source, little, big, pages, new List<HeaderChecks.TiffPage> { pages[0] })
            : source;

    // The file as the decoder is to read it: the kept pages' directories chained in order. ImageSharp 2.1 also takes a
    // chain whose next directory lies before the last for a loop ("circular directory offsets"), and libtiff puts a
    // rewritten directory at the file's end (tiffset, or any program that edits a tag of a multi-page TIFF with it), so
    // where pages are left out or the chain runs backwards, copies of the kept directories are read after the file's
    // end, each pointing at the next, and the header points at the first. Their entries are the originals' bytes, so
    // values stored elsewhere in the file are read where they are.
    private static Stream View(Stream source, bool little, bool big, List<HeaderChecks.TiffPage> pages, List<HeaderChecks.TiffPage> kept)
    {
        bool ascending = true;
        for (int i = 1; i < kept.Count; i++)
        {
            ascending &= kept[i].Directory > kept[i - 1].Directory;
        }

        if (kept.Count == pages.Count && ascending)
        {
            return source;
        }

        // A directory is a few hundred bytes, and 786 KB at most in a classic TIFF; a damaged file's directories may
        // overlap and each claim most of it. Past this the file is left to the decoder as it is.
        if (kept.Sum(page => page.NextPointer - page.Directory) > MostCopied)
        {
            return source;
        }

        int pointer = big ? 8 : 4;
        long start = source.Length + (source.Length & 1);
        var tail = new MemoryStream();
        tail.SetLength(start - source.Length);
        tail.Position = tail.Length;
        long firstCopy = start;
        for (int i = 0; i < kept.Count; i++)
        {
            HeaderChecks.TiffPage page = kept[i];
            long length = page.NextPointer - page.Directory;
            byte[] directory = new byte[length + pointer];
            source.Position = page.Directory;
            if (source.ReadAtLeast(directory.AsSpan(0, (int)length), (int)length, throwOnEndOfStream: false) != length)
            {
                source.Position = 0;
                return source;
            }

            long next = i + 1 < kept.Count ? source.Length + tail.Length + directory.Length : 0;
            Write(directory.AsSpan((int)length), next, little, big);
            tail.Write(directory, 0, directory.Length);
        }

        source.Position = 0;
        if (!big && source.Length + tail.Length > uint.MaxValue)
        {
            return source;
        }

        byte[] header = new byte[pointer];
        Write(header, firstCopy, little, big);
        return new ChainView(source, big ? 8 : 4, header, tail.ToArray());
    }

    // An offset as the file stores one: 4 or 8 bytes in its byte order.
    private static void Write(Span<byte> at, long value, bool little, bool big)
    {
        if (big)
        {
            if (little)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(at, (ulong)value);
            }
            else
            {
                BinaryPrimitives.WriteUInt64BigEndian(at, (ulong)value);
            }
        }
        else if (little)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(at, (uint)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(at, (uint)value);
        }
    }

    /// <summary>
    /// A read-only view of a TIFF: its bytes with the header's first-directory pointer read as another, and more bytes
    /// after its end. It does not own the stream.
    /// </summary>
    private sealed class ChainView : Stream
    {
        private readonly Stream inner;
        private readonly int headerAt;
        private readonly byte[] header;
        private readonly byte[] tail;
        private long position;

        public ChainView(Stream inner, int headerAt, byte[] header, byte[] tail)
        {
            this.inner = inner;
            this.headerAt = headerAt;
            this.header = header;
            this.tail = tail;
        }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length + tail.Length;

        public override long Position
        {
            get => position;
            set => position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            long end = Math.Min(position + count, Length);
            int done = 0;
            while (position + done < end)
            {
                long at = position + done;
                int n;
                if (at < inner.Length)
                {
                    inner.Position = at;
                    n = inner.Read(buffer, offset + done, (int)(Math.Min(end, inner.Length) - at));
                    if (n <= 0)
                    {
                        break;
                    }

                    // The header's pointer, where this read covers it.
                    for (long p = Math.Max(at, headerAt); p < Math.Min(at + n, headerAt + header.Length); p++)
                    {
                        buffer[offset + done + (p - at)] = header[p - headerAt];
                    }
                }
                else
                {
                    n = (int)(end - at);
                    Array.Copy(tail, at - inner.Length, buffer, offset + done, n);
                }

                done += n;
            }

            position += done;
            return done;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => position + offset,
                _ => Length + offset,
            };
            return position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
