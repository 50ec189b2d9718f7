using System;
using System.Collections.Generic;
using System.Threading;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using PSConvolution.Engine.Convolution;

namespace PSConvolution.Engine.Imaging;

/// <summary>Hands ImageSharp frames to the engine where they lie (or copied once when ImageSharp splits them) and writes the results back.</summary>
internal static class FramePixels
{
    /// <summary>Result arrays of at least this many bytes get the huge-page advice (several 2 MB pages).</summary>
    private const int HugePageArray = 8 << 20;

    // Convolves every frame where it lies; when the size changes, all results are kept until the frames are cropped.
    public static void ConvolveFrames<TPixel, TSample>(Image<TPixel> image, PixelLayout layout, ConvolutionRequest request, CancellationToken cancellationToken)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        int width = image.Width;
        int height = image.Height;
        (int outWidth, int outHeight, PixelLayout outLayout) = ImageConvolver.GetOutputShape(width, height, layout, request.Kernels, request.Options);
        int outChannels = outLayout.ChannelCount();
        int frameChannels = layout.ChannelCount();
        bool resized = outWidth != width || outHeight != height;
        var results = new List<TSample[]>();
        try
        {
            foreach (ImageFrame<TPixel> frame in image.Frames)
            {
                TSample[]? copy = null;
                try
                {
                    Memory<TSample> pixels = ReadSamples<TPixel, TSample>(frame, out copy);
                    TSample[] result = LargeArrays<TSample>.Rent(outWidth * outHeight * outChannels);
                    results.Add(result);
                    if (result.Length * Unsafe.SizeOf<TSample>() >= HugePageArray && RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                    {
                        // Taken from the system afresh, a 12 MP result is 9,000 pages faulted in one by one as the
                        // engine first writes them; reused from the pool, the advice changes nothing.
                        Libc.PreferHugePages(result);
                    }

                    ImageConvolver.Convolve(Buffer(pixels, width, height, layout), Buffer<TSample>(result, outWidth, outHeight, outLayout), request.Kernels, request.Options, cancellationToken);
                    if (!resized)
                    {
                        WriteFrame<TPixel, TSample>(result, outChannels, frame, frameChannels);
                        LargeArrays<TSample>.Return(result);
                        results.RemoveAt(results.Count - 1);
                    }
                }
                finally
                {
                    if (copy is not null)
                    {
                        LargeArrays<TSample>.Return(copy);
                    }
                }
            }

            if (resized)
            {
                // Cropping keeps every frame and all metadata (EXIF, ICC, frame delays); the pixels are then overwritten.
                image.Mutate(c => c.Crop(new Rectangle(0, 0, outWidth, outHeight)));
                for (int f = 0; f < results.Count; f++)
                {
                    WriteFrame<TPixel, TSample>(results[f], outChannels, image.Frames[f], frameChannels);
                }
            }
        }
        finally
        {
            foreach (TSample[] result in results)
            {
                LargeArrays<TSample>.Return(result);
            }
        }
    }

    /// <summary>Reads one row of samples.</summary>
    public delegate bool RowCheck<TSample>(ReadOnlySpan<TSample> row);

    // A frame's samples where they lie when its buffer is contiguous; otherwise (very large images, which
    // ImageSharp splits) a copy in one array, so the engine always sees one block of rows.
    private static Memory<TSample> ReadSamples<TPixel, TSample>(ImageFrame<TPixel> frame, out TSample[]? copy)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        if (frame.DangerousTryGetSinglePixelMemory(out Memory<TPixel> pixels))
        {
            copy = null;
            return new CastMemoryManager<TPixel, TSample>(pixels).Memory;
        }

        int rowSamples = frame.Width * (Unsafe.SizeOf<TPixel>() / Unsafe.SizeOf<TSample>());
        TSample[] samples = LargeArrays<TSample>.Rent(checked(rowSamples * frame.Height));
        frame.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                MemoryMarshal.Cast<TPixel, TSample>(accessor.GetRowSpan(y)).CopyTo(samples.AsSpan(y * rowSamples, rowSamples));
            }
        });
        copy = samples;
        return samples.AsMemory(0, rowSamples * frame.Height);
    }

    private static void WriteFrame<TPixel, TSample>(TSample[] result, int resultChannels, ImageFrame<TPixel> frame, int frameChannels)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        int width = frame.Width;
        if (frame.DangerousTryGetSinglePixelMemory(out Memory<TPixel> pixels))
        {
            WriteBack<TSample>(result, resultChannels, MemoryMarshal.Cast<TPixel, TSample>(pixels.Span), frameChannels, width * frame.Height);
            return;
        }

        frame.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                WriteBack<TSample>(result.AsSpan(y * width * resultChannels, width * resultChannels), resultChannels, MemoryMarshal.Cast<TPixel, TSample>(accessor.GetRowSpan(y)), frameChannels, width);
            }
        });
    }

    // True when the check holds for some row of some frame.
    public static bool AnyRow<TPixel, TSample>(Image<TPixel> image, RowCheck<TSample> check)
        where TPixel : unmanaged, IPixel<TPixel>
        where TSample : unmanaged
    {
        bool found = false;
        foreach (ImageFrame<TPixel> frame in image.Frames)
        {
            frame.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < accessor.Height && !found; y++)
                {
                    found = check(MemoryMarshal.Cast<TPixel, TSample>(accessor.GetRowSpan(y)));
                }
            });
            if (found)
            {
                return true;
            }
        }

        return false;
    }

    private static PixelBuffer Buffer<TSample>(Memory<TSample> samples, int width, int height, PixelLayout layout)
        where TSample : unmanaged
        => typeof(TSample) == typeof(byte)
            ? new PixelBuffer(Unsafe.As<Memory<TSample>, Memory<byte>>(ref samples), width, height, layout)
            : new PixelBuffer(Unsafe.As<Memory<TSample>, Memory<ushort>>(ref samples), width, height, layout);

    // A grey result (from -Grayscale) goes back into a colour frame as R = G = B, keeping its alpha.
    private static void WriteBack<TSample>(ReadOnlySpan<TSample> result, int resultChannels, Span<TSample> frame, int frameChannels, int pixels)
        where TSample : unmanaged
    {
        if (resultChannels == frameChannels)
        {
            result.Slice(0, pixels * frameChannels).CopyTo(frame);
            return;
        }

        for (int i = 0; i < pixels; i++)
        {
            TSample grey = result[i * resultChannels];
            frame[i * frameChannels] = grey;
            frame[(i * frameChannels) + 1] = grey;
            frame[(i * frameChannels) + 2] = grey;
            if (frameChannels == 4 && resultChannels == 2)
            {
                frame[(i * 4) + 3] = result[(i * 2) + 1];
            }
        }
    }
}
