using System;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>Writes the working samples of a run of source columns into a padded row (see <see cref="RowPadding"/>).</summary>
/// <typeparam name="TTarget">The padded row's sample type.</typeparam>
internal interface IPaddedRunSource<TTarget>
{
    /// <summary>Fills <paramref name="target"/> from the source pixels that start at column <paramref name="column"/>.</summary>
    void Fill(int column, Span<TTarget> target);
}

/// <summary>Writes four padded rows' samples of a run of source columns at once (see <see cref="RowPadding.FillFour"/>).</summary>
/// <typeparam name="TTarget">The padded rows' sample type.</typeparam>
internal interface IFourRowRunSource<TTarget>
{
    /// <summary>Fills <paramref name="n"/> samples of each of four rows, row k at <c>k × pitch</c> in <paramref name="target"/>, from source sample <paramref name="offset"/> of each source row.</summary>
    void Fill(int offset, Span<TTarget> target, int pitch, int n);
}
