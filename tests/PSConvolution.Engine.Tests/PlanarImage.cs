using System;
using System.Buffers;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// An image as one pooled plane of floats per channel, values in the channel's own levels (0-255 or 0-65535),
/// the form the reference implementation reads. Channel order follows <see cref="PixelLayout"/>: grey or R, G, B, then alpha.
/// </summary>
public sealed class PlanarImage : IDisposable
{
    private readonly float[][] planes;
    private bool disposed;

    /// <summary>Creates an image with zeroed planes rented from the shared pool.</summary>
    public PlanarImage(int width, int height, PixelLayout layout, int bitDepth)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "An image needs at least one pixel.");
        }

        if (bitDepth is not (8 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(bitDepth), bitDepth, "Only 8 and 16 bits per channel are supported.");
        }

        Width = width;
        Height = height;
        Layout = layout;
        BitDepth = bitDepth;
        planes = new float[layout.ChannelCount()][];
        for (int c = 0; c < planes.Length; c++)
        {
            planes[c] = ArrayPool<float>.Shared.Rent(checked(width * height));
            Array.Clear(planes[c], 0, width * height);
        }
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Colour type.</summary>
    public PixelLayout Layout { get; }

    /// <summary>8 or 16 bits per channel.</summary>
    public int BitDepth { get; }

    /// <summary>Largest level of a channel: 255 or 65535.</summary>
    public float MaxValue => BitDepth == 8 ? 255f : 65535f;

    /// <summary>Number of channels.</summary>
    public int Channels => planes.Length;



    /// <summary>The plane of one channel, row-major, <see cref="Width"/> times <see cref="Height"/> values.</summary>
    public Span<float> GetChannel(int channel)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return planes[channel].AsSpan(0, Width * Height);
    }

    /// <summary>Returns the planes to the pool.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (float[] plane in planes)
        {
            ArrayPool<float>.Shared.Return(plane);
        }
    }
}
