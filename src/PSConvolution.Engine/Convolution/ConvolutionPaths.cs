using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using PSConvolution.Engine.Convolution.Alpha;
using PSConvolution.Engine.Convolution.Float;
using PSConvolution.Engine.Convolution.Fourier;
using PSConvolution.Engine.Convolution.Integer;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Convolution.Samples;

namespace PSConvolution.Engine.Convolution;

/// <summary>
/// Chooses the path for one step, above the paths themselves: an exact integer path where the step is an 8-bit
/// integer kernel one of them takes (with alpha edges then corrected when the step is alpha-weighted), the
/// fixed-point path for other 8-bit separable blurs within its error bound, the Fourier path for a large kernel it
/// runs within its error bound more cheaply, and the single-precision path for everything else.
/// </summary>
internal static class ConvolutionPaths
{
    public static void Convolve<T>(ReadOnlyMemory<T> source, int width, int height, int channels, Memory<T> destination, in ConvolutionStep step, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel)
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte) && !step.LinearLight)
        {
            ReadOnlyMemory<T> s = source;
            Memory<T> d = destination;
            ReadOnlyMemory<byte> bytes = Unsafe.As<ReadOnlyMemory<T>, ReadOnlyMemory<byte>>(ref s);
            Memory<byte> output = Unsafe.As<Memory<T>, Memory<byte>>(ref d);

            // Alpha-weighted 8-bit steps run unweighted on an integer path where they can; the pixels whose
            // kernel window holds more than one alpha value are then corrected, block by block while the
            // block's rows are still in cache.
            AlphaWeighting? alpha = step.Alpha;
            ConvolutionStep unweighted = alpha is not null && AlphaEdgeCorrection.Applies(step, alpha) ? step.With(null, alpha.Bias) : step;
            Action<int, int, ParallelOptions>? integer = unweighted.Alpha is null ? IntegerRows(bytes, width, height, channels, output, unweighted, rows, columns) : null;
            if (integer is not null)
            {
                if (alpha is null)
                {
                    integer(0, rows.OutputLength, parallel);
                }
                else
                {
                    AlphaEdgeCorrection.Run(bytes, width, height, channels, output, step, alpha, rows, columns, parallel, integer, ListingRows(bytes, width, height, channels, output, unweighted, rows, columns), FloatRows(source, width, height, channels, destination, step, rows, columns, parallel));
                }

                return;
            }

            // Other blurs in 15-bit fixed point, where the bound on its error allows (never alpha-weighted ones).
            if (FixedPointPath.TryPlan(step, out FixedPointPlan fixedPoint))
            {
                FixedPointPath.Convolve(bytes, width, height, channels, output, step, fixedPoint, rows, columns, parallel);
                return;
            }
        }

        var plan = new FloatPlan(step, rows, columns, channels, parallel.CancellationToken);
        SampleWidener<T, float> widen = FloatPath.Widener<T>(step, channels);
        if (FourierPlan.TryCreate(step, rows, columns, channels) is FourierPlan fourier
            && (step.Decomposition == KernelDecomposition.Fourier || (!plan.Separable && fourier.Cost < plan.Cost)))
        {
            FourierPath.Run(source, width, height, channels, destination, fourier, widen, parallel);
            return;
        }

        RowBands.Run(rows.OutputLength, parallel, (start, end) => FloatPath.ConvolveBand(source, width, height, channels, destination, plan, widen, start, end));
    }

    // Output rows [start, end) of the step on the float path; its plan is built only for a step that may take it.
    private static Action<int, int> FloatRows<T>(ReadOnlyMemory<T> source, int width, int height, int channels, Memory<T> destination, in ConvolutionStep step, KernelSamplingMap rows, KernelSamplingMap columns, ParallelOptions parallel)
        where T : unmanaged
    {
        var plan = new FloatPlan(step, rows, columns, channels, parallel.CancellationToken);
        SampleWidener<T, float> widen = FloatPath.Widener<T>(step, channels);
        return (start, end) => FloatPath.ConvolveBand(source, width, height, channels, destination, plan, widen, start, end);
    }

    // Output rows [start, end) of the unweighted step on the separable integer path, listing the pixels whose window
    // may hold more than one alpha value as it goes; null where that path does not take the step or cannot list
    // them a vector at a time.
    private static Action<int, int, ParallelOptions, EdgePixels>? ListingRows(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, KernelSamplingMap rows, KernelSamplingMap columns)
    {
        if (!CanList(step, channels, out SeparableIntegerPlan separable))
        {
            return null;
        }

        return (start, end, parallel, edges) => SeparableIntegerPath.Convolve(source, width, height, channels, destination, step, separable, rows, columns, parallel, start, end, edges);
    }

    /// <summary>
    /// True where the alpha-weighted <paramref name="step"/> runs unweighted on the separable integer path, which lists
    /// the pixels whose window may hold more than one alpha value from its exact sums as it goes: where alpha is
    /// uniform it lists none, and the result is the unweighted one.
    /// </summary>
    public static bool ListsAlphaEdges<T>(in ConvolutionStep step, int channels)
        where T : unmanaged
        => typeof(T) == typeof(byte) && !step.LinearLight && step.Alpha is AlphaWeighting alpha && AlphaEdgeCorrection.Applies(step, alpha)
            && CanList(step.With(null, alpha.Bias), channels, out _);

    // The unweighted step runs on the separable integer path, listing the pixels that may need weighting a vector at a time.
    private static bool CanList(in ConvolutionStep unweighted, int channels, out SeparableIntegerPlan plan)
    {
        plan = null!;
        return UniformAlphaSums.Vectorised && channels is 2 or 4 && SeparableIntegerPath.TryPlan(unweighted, out plan);
    }

    // Output rows [start, end) of the step on one of the exact integer paths, or null when neither takes it.
    private static Action<int, int, ParallelOptions>? IntegerRows(ReadOnlyMemory<byte> source, int width, int height, int channels, Memory<byte> destination, ConvolutionStep step, KernelSamplingMap rows, KernelSamplingMap columns)
    {
        if (SeparableIntegerPath.TryPlan(step, out SeparableIntegerPlan separable))
        {
            return (start, end, parallel) => SeparableIntegerPath.Convolve(source, width, height, channels, destination, step, separable, rows, columns, parallel, start, end);
        }

        if (DirectIntegerPath.TryPlan(step, out DirectIntegerPlan direct))
        {
            return (start, end, parallel) => DirectIntegerPath.Convolve(source, width, height, channels, destination, step, direct, rows, columns, parallel, start, end);
        }

        if (DirectIntegerPath.TryPlanCombined(step, out DirectIntegerPlan[] combined))
        {
            return (start, end, parallel) => DirectIntegerPath.ConvolveCombined(source, width, height, channels, destination, step, combined, rows, columns, parallel, start, end);
        }

        return null;
    }
}
