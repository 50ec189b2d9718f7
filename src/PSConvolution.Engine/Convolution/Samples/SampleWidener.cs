using System;

namespace PSConvolution.Engine.Convolution.Samples;

/// <summary>Converts a run of stored samples into working samples (bytes to floats, bytes to 16-bit words, ...).</summary>
internal delegate void SampleWidener<TSource, TTarget>(ReadOnlySpan<TSource> source, Span<TTarget> target);
