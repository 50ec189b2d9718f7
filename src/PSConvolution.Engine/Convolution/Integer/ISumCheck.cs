using System.Numerics;

namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>
/// Looks at the exact sums of <see cref="SeparableBytePasses.HorizontalStore{TCheck}(System.ReadOnlySpan{ushort}, System.ReadOnlySpan{ushort}, System.ReadOnlySpan{int}, int, System.Span{byte}, ref TCheck)"/> before they are rounded, as
/// each loop computes them. The pass is compiled once for each implementation (a struct), so
/// <see cref="NoSumCheck"/> adds nothing to it.
/// </summary>
internal partial interface ISumCheck
{
    /// <summary>The sum of sample <paramref name="x"/> of the row (the scalar loop, in order).</summary>
    void Sample(int x, int sum);

    /// <summary>The sums of samples from <paramref name="x"/> on: <paramref name="a0"/>, then <paramref name="a1"/> (the portable loop).</summary>
    void Vectors(Vector<ushort> a0, Vector<ushort> a1, int x);
}

/// <summary>No check: the plain pass.</summary>
internal partial struct NoSumCheck : ISumCheck
{
    public void Sample(int x, int sum)
    {
    }

    public void Vectors(Vector<ushort> a0, Vector<ushort> a1, int x)
    {
    }
}

/// <summary>Gives a pass the check for each output row, and takes it back once the row is stored.</summary>
internal interface IRowSumChecks<TCheck>
    where TCheck : struct, ISumCheck
{
    /// <summary>The check for output row <paramref name="y"/>, computed as <paramref name="samples"/> samples at stride 1, divided by 2^<paramref name="shift"/>, every <paramref name="stride"/>-th pixel kept.</summary>
    TCheck Begin(int y, int samples, int shift, int stride);

    /// <summary>Row <paramref name="y"/> is stored in <paramref name="row"/> (at stride 1), which the checks may still change.</summary>
    void End(int y, in TCheck check, System.Span<byte> row);
}
