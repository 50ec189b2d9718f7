namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>
/// Division by a power of two rounded to nearest, ties to even, in integers: add half less one, plus one when the
/// kept part is odd, then shift. It gives what the float path's rounding gives for the same exact sum.
/// </summary>
internal static class ShiftRounding
{
    /// <summary>Half of 2^shift, less one (0 for a shift of 0).</summary>
    public static int HalfLessOne(int shift) => shift == 0 ? 0 : (1 << (shift - 1)) - 1;

    /// <summary><c>round(value / 2^shift)</c>, ties to even.</summary>
    public static int Divide(int value, int shift) => shift > 0 ? (value + HalfLessOne(shift) + ((value >> shift) & 1)) >> shift : value;
}
