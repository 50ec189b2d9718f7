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

    /// <summary>
    /// The 16-bit sample for linear light in 16-bit levels, clamped to 0-65535: <see cref="WordLevel"/>'s level, found
    /// from the linear values where that level steps (<see cref="WordSteps"/>) rather than by a power per sample.
    /// </summary>
    public static ushort EncodeWord(float linear) => EncodeWord(linear, WordSteps.Thresholds, WordSteps.Starts);

    /// <summary>
    /// The 16-bit sample for linear light in 16-bit levels by the formula itself, in double precision, rounded to
    /// nearest with ties to even: what <see cref="EncodeWord(float)"/> returns, at a power per call.
    /// </summary>
    internal static ushort WordLevel(float linear)
        => (ushort)Math.Round(65535 * Encode(Math.Clamp(linear, 0f, 65535f) / 65535.0), MidpointRounding.ToEven);

    // The level is the number of thresholds at or below the value: the bucket of the value's bits gives the level at
    // the bucket's start, and at most a few thresholds lie inside a bucket. Negative values, NaN and values below the
    // buckets (all of which the formula takes to 0) fail the first test.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort EncodeWord(float linear, float[] thresholds, ushort[] starts)
    {
        if (!(linear >= WordSteps.Lowest))
        {
            return 0;
        }

        if (linear >= 65535f)
        {
            return 65535;
        }

        // The bucket's three next thresholds, counted without a branch (a loop that stopped at the first one above
        // would mispredict about once a sample) and read all three from the start, so no read waits on another.
        int start = starts[(Unsafe.As<float, int>(ref linear) - WordSteps.LowestBits) >> WordSteps.BucketBits];
        int passed = (thresholds[start + 1] <= linear ? 1 : 0) + (thresholds[start + 2] <= linear ? 1 : 0) + (thresholds[start + 3] <= linear ? 1 : 0);
        return (ushort)(start + passed);
    }

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
        // ones one at a time through the thresholds of the exact function.
        if (typeof(T) == typeof(ushort))
        {
            StoreWords(values, divisor, bias, max, absolute, alphaLast ? channels : 0, MemoryMarshal.Cast<T, ushort>(destination));
            return;
        }

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

    // Store's loop for 16-bit samples: the quotients a vector at a time (the same correctly rounded division), then
    // each sample through the encoder's tables, held in locals: read through their static fields in this loop
    // (compiled optimised at once, before the type's initialiser is known to have run) each read would pay a check.
    [MethodImpl(Jit.HotLoop)]
    private static void StoreWords(ReadOnlySpan<float> values, float divisor, float bias, float max, bool absolute, int alphaEvery, Span<ushort> destination)
    {
        float[] thresholds = WordSteps.Thresholds;
        ushort[] starts = WordSteps.Starts;
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        var d = new Vector<float>(divisor);
        var b = new Vector<float>(bias);
        int i = 0;
        int channel = 0;
        int last = alphaEvery - 1;
        for (; Vector.IsHardwareAccelerated && i <= destination.Length - lanes.Length; i += lanes.Length)
        {
            Vector<float> v = (VectorMemory.Load(values, i) / d) + b;
            MemoryMarshal.Cast<float, Vector<float>>(lanes)[0] = absolute ? Vector.Abs(v) : v;
            for (int j = 0; j < lanes.Length; j++)
            {
                destination[i + j] = channel == last ? SampleConversion.Quantize<ushort>(lanes[j], max, false) : EncodeWord(lanes[j], thresholds, starts);
                channel = channel == last ? 0 : channel + 1;
            }
        }

        for (; i < destination.Length; i++)
        {
            float v = (values[i] / divisor) + bias;
            v = absolute ? Math.Abs(v) : v;
            destination[i] = channel == last ? SampleConversion.Quantize<ushort>(v, max, false) : EncodeWord(v, thresholds, starts);
            channel = channel == last ? 0 : channel + 1;
        }
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

    /// <summary>
    /// Where <see cref="WordLevel"/> steps: <see cref="Thresholds"/>[L] is the least float at which it gives L or more
    /// (L = 1-65535; [65536]-[65538] are infinity, which no value reaches), and <see cref="Starts"/>[b] its level at
    /// the start of bucket b: the floats from <see cref="Lowest"/> up, 2^<see cref="BucketBits"/> to a bucket in the
    /// order of their bits. A bucket holds at most three thresholds (just above 2^15, where it is 4 linear levels wide
    /// and the encoded levels step every 1.5), one or two in most of the range; the test of every threshold would
    /// fail at a fourth. The formula only increases with its argument, so the level is the number of thresholds at
    /// or below a value. Built on first use of 16-bit linear light (about 410,000 evaluations of the formula), in a
    /// class of its own so that 8-bit linear light does not pay for it.
    /// </summary>
    internal static class WordSteps
    {
        /// <summary>2^-6: below it the formula gives 0 (12.92 × 2^-6 is 0.2 of a level).</summary>
        public const float Lowest = 0.015625f;

        public const int LowestBits = 0x3C800000;

        public const int BucketBits = 10;

        public static readonly float[] Thresholds = MakeThresholds();

        public static readonly ushort[] Starts = MakeStarts();

        private static float[] MakeThresholds()
        {
            var thresholds = new float[65539];
            for (int level = 1; level <= 65535; level++)
            {
                // The exact step is within a few floats of the decoded half-level; walk to the least float that reaches it.
                float f = (float)(65535 * Decode((level - 0.5) / 65535));
                while (f > 0 && WordLevel(f) >= level)
                {
                    f = Next(f, -1);
                }

                while (WordLevel(f) < level)
                {
                    f = Next(f, 1);
                }

                thresholds[level] = f;
            }

            thresholds[65536] = thresholds[65537] = thresholds[65538] = float.PositiveInfinity;
            return thresholds;
        }

        private static ushort[] MakeStarts()
        {
            float top = 65535f;
            var starts = new ushort[((Unsafe.As<float, int>(ref top) - LowestBits) >> BucketBits) + 1];
            for (int b = 0; b < starts.Length; b++)
            {
                int bits = LowestBits + (b << BucketBits);
                starts[b] = WordLevel(Unsafe.As<int, float>(ref bits));
            }

            return starts;
        }

        // The float next to a non-negative one, up (1) or down (-1).
        private static float Next(float f, int direction)
        {
            int bits = Unsafe.As<float, int>(ref f) + direction;
            return Unsafe.As<int, float>(ref bits);
        }
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
