using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    /// <summary>The stored sample for linear light in its own levels (clamped to the range, rounded to nearest).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static T FromLinear<T>(float linear)
        where T : unmanaged
        => typeof(T) == typeof(byte) ? (T)(object)EncodeByte(linear) : (T)(object)EncodeWord(linear);

    /// <summary>
    /// Widens whole pixels of stored samples to floats in linear light; with <paramref name="alphaLast"/> the
    /// last channel is alpha, which is linear already and is copied.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Linearise<T>(ReadOnlySpan<T> source, Span<float> destination, int channels, bool alphaLast)
        where T : unmanaged
    {
        // The table in a local: read through the static field in this loop (compiled optimised at once, before the
        // type's initialiser is known to have run) every sample paid a check, a third more time.
        float[] table = typeof(T) == typeof(byte) ? ByteToLinear : WordToLinear;
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = table[Index(source[i])];
        }

        if (alphaLast)
        {
            for (int i = channels - 1; i < source.Length; i += channels)
            {
                destination[i] = SampleConversion.ToFloat(source[i]);
            }
        }
    }

    /// <summary>
    /// Stores <c>values / divisor + bias</c> (made absolute when asked, clamped), sRGB-encoded for colour
    /// channels and rounded for alpha.
    /// </summary>
    [MethodImpl(Jit.HotLoop)]
    public static void Store<T>(ReadOnlySpan<float> values, float divisor, float bias, float max, bool absolute, int channels, bool alphaLast, Span<T> destination)
        where T : unmanaged
    {
        // 8-bit samples a vector at a time but for the table's lookups, alpha's rounded in the same vectors; 16-bit
        // ones through the exact function, one at a time.
        int done = typeof(T) == typeof(byte) ? StoreBytes(values, divisor, bias, absolute, alphaLast ? channels : 0, MemoryMarshal.Cast<T, byte>(destination)) : 0;
        for (int i = done; i < destination.Length; i++)
        {
            float v = (values[i] / divisor) + bias;
            v = absolute ? Math.Abs(v) : v;
            bool alpha = alphaLast && (i % channels) == channels - 1;
            destination[i] = alpha ? SampleConversion.Quantize<T>(v, max, false) : FromLinear<T>(v);
        }
    }

    // The first samples of the row, a whole number of vectors, as EncodeByte stores them: the same float quotient,
    // sum, clamp and scaling, and the position rounded to nearest with ties to even by adding and taking away
    // SampleConversion.RoundingMagic (exact for the positions 0-65536, as Math.Round is); then the table, lane by lane. Every alphaEvery-th sample
    // (none when 0) is alpha, rounded as SampleConversion.Quantize rounds it and looked up past the encoding in the
    // table's copy of the 256 levels. Returns how many samples were stored: none where a vector's lanes are not a
    // whole number of pixels or vectors are not accelerated.
    [MethodImpl(Jit.HotLoop)]
    private static int StoreBytes(ReadOnlySpan<float> values, float divisor, float bias, bool absolute, int alphaEvery, Span<byte> destination)
    {
        if (!Vector.IsHardwareAccelerated || (alphaEvery > 0 && Vector<float>.Count % alphaEvery != 0))
        {
            return 0;
        }

        Span<int> lanes = stackalloc int[Vector<int>.Count];
        for (int j = 0; j < lanes.Length; j++)
        {
            lanes[j] = alphaEvery > 0 && j % alphaEvery == alphaEvery - 1 ? -1 : 0;
        }

        Vector<int> alpha = MemoryMarshal.Cast<int, Vector<int>>(lanes)[0];
        var levels = new Vector<int>(EncodeSteps + 1);
        var d = new Vector<float>(divisor);
        var b = new Vector<float>(bias);
        var top = new Vector<float>(255f);
        var scale = new Vector<float>(EncodeSteps / 255f);
        var rounding = new Vector<float>(SampleConversion.RoundingMagic);
        byte[] table = LinearToByte;
        int i = 0;
        for (; i <= destination.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector<float> v = (VectorMemory.Load(values, i) / d) + b;
            v = Vector.Min(Vector.Max(absolute ? Vector.Abs(v) : v, Vector<float>.Zero), top);
            Vector<int> position = Vector.ConvertToInt32(((v * scale) + rounding) - rounding);
            Vector<int> level = Vector.ConvertToInt32((v + rounding) - rounding) + levels;
            MemoryMarshal.Cast<int, Vector<int>>(lanes)[0] = Vector.ConditionalSelect(alpha, level, position);
            for (int j = 0; j < lanes.Length; j++)
            {
                destination[i + j] = table[lanes[j]];
            }
        }

        return i;
    }

    // A stored sample's value, the index of its table entry.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Index<T>(T sample)
        where T : unmanaged
        => typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref sample) : Unsafe.As<T, ushort>(ref sample);

    /// <summary>Linear light of an encoded value given in levels of a channel whose maximum is <paramref name="max"/>.</summary>
    public static float ToLinearLevel(float value, float max) => (float)(max * Decode(value / max));

    private static byte[] EncodeTable()
    {
        // The encoding at every step, then the 256 levels themselves (alpha's, for StoreBytes).
        var table = new byte[EncodeSteps + 1 + 256];
        for (int i = 0; i <= EncodeSteps; i++)
        {
            table[i] = (byte)Math.Round(255 * Encode(i / (double)EncodeSteps), MidpointRounding.ToEven);
        }

        for (int i = 0; i < 256; i++)
        {
            table[EncodeSteps + 1 + i] = (byte)i;
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
