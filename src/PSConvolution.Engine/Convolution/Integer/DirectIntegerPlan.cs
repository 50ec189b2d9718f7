namespace PSConvolution.Engine.Convolution.Integer;

/// <summary>How <see cref="DirectIntegerPath"/> runs a step: the integer taps and how their sum is stored.</summary>
/// <param name="Weights">The taps' weights: the non-zero weights, or with <paramref name="Runs"/> +w and -w for each run.</param>
/// <param name="TapRows">The kernel row each tap reads.</param>
/// <param name="TapColumns">The pixel column each tap reads, from 0 to the kernel width (inclusive with <paramref name="Runs"/>).</param>
/// <param name="Runs">
/// The rows hold running sums along the row instead of samples, so a run of equal weights costs two taps (its
/// end minus its start) whatever its length: a 15x15 disk is 30 taps instead of 149.
/// </param>
/// <param name="Unsigned">Every weight is positive: the sums are unsigned 16-bit.</param>
/// <param name="Shift">log2 of the divisor when the sum is rounded in integers; -1 when it goes through the float store.</param>
/// <param name="StoreDivisor">
/// What the float store divides the integer sum by: the divisor, or, for weights that are all whole multiples of
/// one step (0.2 0.2 0.2, or 1/149 over a disk), the divisor over that step.
/// </param>
/// <param name="Border">The constant border value.</param>
internal sealed record DirectIntegerPlan(short[] Weights, int[] TapRows, int[] TapColumns, bool Runs, bool Unsigned, int Shift, float StoreDivisor, short Border);
