using System;

namespace PSConvolution.Engine.Convolution.Planning;

/// <summary>Writes the working samples of a run of source columns into a padded row (see <see cref="RowPadding"/>).</summary>
/// <typeparam name="TTarget">The padded row's sample type.</typeparam>
internal interface IPaddedRunSource<TTarget>
{
    /// <summary>Fills <paramref name="target"/> from the source pixels that start at column <paramref name="column"/>.</summary>
    void Fill(int column, Span<TTarget> target);
}
