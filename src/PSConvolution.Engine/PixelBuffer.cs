using System;

namespace PSConvolution.Engine;

/// <summary>
/// An interleaved image in memory, 8 or 16 bits per channel, rows packed one after another: the form decoders
/// and other libraries hand over. 16-bit samples are stored as native-endian <see cref="ushort"/> values.
/// The buffer does not own its memory.
/// </summary>
public readonly struct PixelBuffer
{
    /// <summary>Wraps interleaved 8-bit samples.</summary>
    public PixelBuffer(Memory<byte> samples, int width, int height, PixelLayout layout)
        : this(width, height, layout, 8)
    {
        if (samples.Length < SampleCount)
        {
            throw new ArgumentException($"{width}x{height} {layout} needs {SampleCount} samples; the buffer holds {samples.Length}.", nameof(samples));
        }

        Bytes = samples;
    }

    /// <summary>Wraps interleaved 16-bit samples.</summary>
    public PixelBuffer(Memory<ushort> samples, int width, int height, PixelLayout layout)
        : this(width, height, layout, 16)
    {
        if (samples.Length < SampleCount)
        {
            throw new ArgumentException($"{width}x{height} {layout} needs {SampleCount} samples; the buffer holds {samples.Length}.", nameof(samples));
        }

        Words = samples;
    }

    private PixelBuffer(int width, int height, PixelLayout layout, int bitDepth)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "An image needs at least one pixel.");
        }

        Width = width;
        Height = height;
        Layout = layout;
        BitDepth = bitDepth;
        Bytes = default;
        Words = default;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Channels and their order.</summary>
    public PixelLayout Layout { get; }

    /// <summary>8 or 16.</summary>
    public int BitDepth { get; }

    /// <summary>Number of interleaved channels.</summary>
    public int Channels => Layout.ChannelCount();

    /// <summary>Samples in the image: width times height times channels.</summary>
    public int SampleCount => checked(Width * Height * Channels);

    /// <summary>The 8-bit samples (empty for a 16-bit buffer).</summary>
    public Memory<byte> Bytes { get; }

    /// <summary>The 16-bit samples (empty for an 8-bit buffer).</summary>
    public Memory<ushort> Words { get; }
}
