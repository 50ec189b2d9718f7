namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>How <see cref="SeparableIntegerPath"/> runs a step: the integer factors and the shift.</summary>
/// <param name="RowTaps">The horizontal factor.</param>
/// <param name="ColumnTaps">The vertical factor.</param>
/// <param name="Shift">log2 of the divisor, the product of the factors' sums.</param>
/// <param name="Border">The constant border value.</param>
internal sealed record SeparableIntegerPlan(ushort[] RowTaps, ushort[] ColumnTaps, int Shift, ushort Border);
