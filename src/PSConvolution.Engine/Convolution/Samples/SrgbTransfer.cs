using System;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>
/// The sRGB transfer function (IEC 61966-2-1), in channel levels: 8-bit samples through a table of their 256
/// linear values, 16-bit samples through a table of all 65,536 (each entry the exact function), and back to
/// 8 bits through a table over the linear range fine enough to round to the nearest level, to 16 bits exactly.
/// </summary>
internal static class SrgbTransfer
{
    // Linear values are looked up in steps of 1/65536 of full scale: near black the curve's slope is 12.92, so a
    // step moves the 8-bit result by at most 0.05 of a level.
    private const int EncodeSteps = 65536;

    // Built when linear light is first used (the type is touched only then), and read per sample without a check.
    private static readonly float[] ByteToLinear = Table(256, 255.0);
    private static readonly float[] WordToLinear = Table(65536, 65535.0);
    private static readonly byte[] LinearToByte = EncodeTable();

    /// <summary>Decodes: sRGB-encoded value (0-1) to linear light (0-1).</summary>
    public static double Decode(double v) => v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);

    /// <summary>Encodes: linear light (0-1) to the sRGB-encoded value (0-1).</summary>
    public static double Encode(double v) => v <= 0.0031308 ? v * 12.92 : (1.055 * Math.Pow(v, 1 / 2.4)) - 0.055;

    /// <summary>The 8-bit sample for linear light in 8-bit levels, clamped to 0-255.</summary>
    public static byte EncodeByte(float linear)
    {
        float position = Math.Clamp(linear, 0f, 255f) * (EncodeSteps / 255f);
        return LinearToByte[(int)Math.Round(position)];
    }

    /// <summary>The 16-bit sample for linear light in 16-bit levels, clamped to 0-65535.</summary>
    public static ushort EncodeWord(float linear)
        => (ushort)Math.Round(65535 * Encode(Math.Clamp(linear, 0f, 65535f) / 65535.0), MidpointRounding.ToEven);

    /// <summary>Linear light of a stored sample, in its own levels.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static float ToLinear<T>(T sample)
        where T : unmanaged
        => typeof(T) == typeof(byte) ? ByteToLinear[(byte)(object)sample] : WordToLinear[(ushort)(object)sample];

    /// <summary>The stored sample for linear light in its own levels (clamped to the range, rounded to nearest).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static T FromLinear<T>(float linear)
        where T : unmanaged
        => typeof(T) == typeof(byte) ? (T)(object)EncodeByte(linear) : (T)(object)EncodeWord(linear);

    /// <summary>
    /// Widens whole pixels of stored samples to floats in linear light; with <paramref name="alphaLast"/> the
    /// last channel is alpha, which is linear already and is copied.
    /// </summary>
    public static void Linearise<T>(ReadOnlySpan<T> source, Span<float> destination, int channels, bool alphaLast)
        where T : unmanaged
    {
        int colour = alphaLast ? channels - 1 : channels;
        for (int i = 0; i < source.Length; i += channels)
        {
            for (int c = 0; c < colour; c++)
            {
                destination[i + c] = ToLinear(source[i + c]);
            }

            if (alphaLast)
            {
                destination[i + channels - 1] = SampleConversion.ToFloat(source[i + channels - 1]);
            }
        }
    }

    /// <summary>
    /// Stores <c>values / divisor + bias</c> (made absolute when asked, clamped), sRGB-encoded for colour
    /// channels and rounded for alpha.
    /// </summary>
    public static void Store<T>(ReadOnlySpan<float> values, float divisor, float bias, float max, bool absolute, int channels, bool alphaLast, Span<T> destination)
        where T : unmanaged
    {
        for (int i = 0; i < destination.Length; i++)
        {
            float v = (values[i] / divisor) + bias;
            v = absolute ? Math.Abs(v) : v;
            bool alpha = alphaLast && (i % channels) == channels - 1;
            destination[i] = alpha ? SampleConversion.Quantize<T>(v, max, false) : FromLinear<T>(v);
        }
    }

    /// <summary>Linear light of an encoded value given in levels of a channel whose maximum is <paramref name="max"/>.</summary>
    public static float ToLinearLevel(float value, float max) => (float)(max * Decode(value / max));

    private static byte[] EncodeTable()
    {
        var table = new byte[EncodeSteps + 1];
        for (int i = 0; i <= EncodeSteps; i++)
        {
            table[i] = (byte)Math.Round(255 * Encode(i / (double)EncodeSteps), MidpointRounding.ToEven);
        }

        return table;
    }

    private static float[] Table(int count, double max)
    {
        var table = new float[count];
        for (int i = 0; i < count; i++)
        {
            table[i] = (float)(max * Decode(i / max));
        }

        return table;
    }
}
