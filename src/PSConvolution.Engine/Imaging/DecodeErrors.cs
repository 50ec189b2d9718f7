using System;
using System.IO;
using SixLabors.ImageSharp;

namespace PSConvolution.Engine.Imaging;

/// <summary>Turns the many ways decoders and files fail into <see cref="ConvolutionException"/>s that name the file.</summary>
internal static class DecodeErrors
{
    // Decoders report damaged data in several ways; all of them mean the same to the user.
    public static T Guard<T>(string path, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (ConvolutionException)
        {
            throw;
        }
        catch (UnknownImageFormatException e)
        {
            throw Error(ConvolutionErrorKind.NotAnImage, path, "'{0}' is not an image in a supported format (PNG, JPEG, GIF, BMP, TIFF, WebP, TGA, Netpbm PBM, PGM and PPM).", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error(ConvolutionErrorKind.ReadFailed, path, "'{0}' could not be read: " + e.Message, e);
        }
        catch (Exception e) when (e is OutOfMemoryException or SixLabors.ImageSharp.Memory.InvalidMemoryOperationException)
        {
            throw Error(ConvolutionErrorKind.ImageTooLarge, path, "'{0}' is too large to decode in the memory available.", e);
        }
        catch (NotSupportedException e)
        {
            // ImageSharp's way of saying a file is well formed as far as it read, but uses what its decoder does
            // not have: a CMYK or CIELab TIFF, LZMA compression, a floating-point predictor.
            throw Error(ConvolutionErrorKind.UnsupportedImage, path, "'{0}' uses a feature of its format that the decoder (ImageSharp 2.1) does not support: " + e.Message, e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever else a decoder throws on crafted or damaged data (ImageFormatException, but also
            // IndexOutOfRange, NullReference or DivideByZero from inside it) says the file cannot be decoded; the
            // inner exception keeps the decoder's own account.
            throw Error(ConvolutionErrorKind.CorruptImage, path, "'{0}' is damaged or truncated and could not be decoded: " + e.Message, e);
        }
    }

    public static ConvolutionException Error(ConvolutionErrorKind kind, string path, string format, Exception? inner = null)
        => new(kind, path, format.Replace("{0}", path), inner);
}
