using System;
using System.Threading;
using PSConvolution.Engine.Convolution.Planning;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Engine.Convolution.Float;

/// <summary>
/// Decides whether a single-kernel step runs as separable passes, and with which terms. A separable kernel runs as
/// its exact factors. A larger kernel runs as the fewest leading terms of its singular value decomposition
/// whose error is provably below half a level, when those terms cost less than the 2-D kernel:
/// <list type="bullet">
/// <item>Every sample the kernel reads is between 0 and max (max² premultiplied), so the terms' result differs
/// from the kernel's by at most Σ|residual| / |divisor| × max. Keeping Σ|residual| ≤ 0.5 × |divisor| / max
/// keeps every output within half a level of the exact sum before rounding: at most one level after it.</item>
/// <item>In linear light the encoding back to sRGB steepens differences by up to 12.92, so the bound is 13
/// times tighter.</item>
/// <item>Alpha weighting divides by an alpha: an error ε (in levels) in the sums becomes up to
/// 2ε × max / D in the colour, where D is the dividing alpha. The bound is 64 times tighter (ε ≤ 1/128), which
/// keeps the colour within half a level wherever D ≥ max / 32; the fainter pixels are recomputed with the 2-D
/// kernel from the padded rows.</item>
/// </list>
/// </summary>
internal static class SeparablePlanning
{
    /// <summary>How much tighter the bound is for alpha-weighted steps.</summary>
    public const double AlphaTightening = 64;

    /// <summary>The sRGB encoding's steepest slope, rounded up.</summary>
    public const double LinearLightTightening = 13;

    /// <summary>Alpha-weighted pixels whose dividing alpha is below this fraction of max are recomputed exactly.</summary>
    public const float FaintAlpha = 1f / 32;

    /// <summary>
    /// A tap of the terms' passes costs about 1.6 taps of the 2-D kernel, which computes four output rows per load
    /// (measured on K6, 41x41: 574 pass taps at 20 Mpx/s against 1681 2-D taps at 11 Mpx/s); terms are chosen
    /// only when their taps, so weighted, are fewer.
    /// </summary>
    public const double CostFraction = 0.6;

    /// <summary>The terms the step runs as, or null for a direct 2-D kernel.</summary>
    public static SeparableTerms? Choose(in ConvolutionStep step, int nonZeroTaps, CancellationToken cancellationToken = default)
    {
        if (step.Matrices.Length != 1)
        {
            return null;
        }

        KernelMatrix m = step.Matrices[0];
        if (m.Width == 1 || m.Height == 1)
        {
            return null;
        }

        if (m.IsSeparable)
        {
            return new SeparableTerms(new[] { Array.ConvertAll(m.ColumnFactor!, w => (float)w) }, new[] { Array.ConvertAll(m.RowFactor!, w => (float)w) });
        }

        if (step.Decomposition == KernelDecomposition.Never)
        {
            return null;
        }

        // Per computed output sample: each term's vertical and horizontal pass, against every non-zero tap of the
        // 2-D kernel.
        int passTaps = m.Width + m.Height;
        int maximumTerms = step.Decomposition == KernelDecomposition.Always
            ? Math.Min(m.Width, m.Height)
            : (int)(CostFraction * nonZeroTaps / passTaps);
        if (maximumTerms < 2)
        {
            return null;
        }

        return m.ApproximateBySeparableTerms(Tolerance(step), maximumTerms, cancellationToken);
    }

    /// <summary>The largest Σ|residual weight| that keeps the step within its error bound.</summary>
    public static double Tolerance(in ConvolutionStep step)
    {
        double scale = Math.Abs(step.Divisors[0]);
        double budget = 0.5 / step.Max;
        if (step.LinearLight)
        {
            budget /= LinearLightTightening;
        }

        if (step.Alpha is Samples.AlphaWeighting alpha)
        {
            budget /= AlphaTightening;

            // A blur's colour is Σ K·C·A / Σ K·A whatever the divisor: its error scales with the weights' sum.
            if (alpha.DivideByConvolvedAlpha)
            {
                scale = Math.Min(scale, step.Matrices[0].AbsoluteSum);
            }
        }

        return budget * scale;
    }
}
