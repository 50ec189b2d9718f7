using System.Collections.Generic;
using System.IO;

namespace PSConvolution.Engine.Imaging;

/// <summary>The marker segments of a JPEG file before its first scan, read from a stream.</summary>
internal static class JpegHeader
{
    /// <summary>The comment marker (COM).</summary>
    public const byte Comment = 0xFE;

    /// <summary>
    /// Each segment before the first scan (SOS): its marker and the length of its payload, with the stream at the
    /// payload's start; the next is found from there, whatever the caller read. Ends early where the file is not a
    /// JPEG or its header is cut or damaged.
    /// </summary>
    public static IEnumerable<(byte Marker, int Length)> Segments(Stream stream)
    {
        stream.Position = 0;
        if (stream.ReadByte() != 0xFF || stream.ReadByte() != 0xD8)
        {
            yield break;
        }

        long next = 2;
        while (next + 4 <= stream.Length)
        {
            stream.Position = next;
            if (stream.ReadByte() != 0xFF)
            {
                yield break;
            }

            int marker = stream.ReadByte();
            if (marker == 0xFF)
            {
                // Fill bytes before a marker.
                next++;
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                // Markers without a segment.
                next += 2;
                continue;
            }

            int length = (stream.ReadByte() << 8) | stream.ReadByte();
            if (marker is < 0 or 0xDA or 0xD9 || length < 2 || next + 2 + length > stream.Length)
            {
                yield break;
            }

            next += 2 + length;
            yield return ((byte)marker, length - 2);
        }
    }

    /// <summary>The next <paramref name="length"/> bytes of the stream: a segment's payload.</summary>
    public static byte[] Read(Stream stream, int length)
    {
        byte[] payload = new byte[length];
        int read = 0;
        while (read < length && stream.Read(payload, read, length - read) is int n and > 0)
        {
            read += n;
        }

        return read == length ? payload : System.Array.Empty<byte>();
    }
}
