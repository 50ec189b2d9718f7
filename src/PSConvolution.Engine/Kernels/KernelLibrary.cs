using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace PSConvolution.Engine.Kernels;

/// <summary>
/// The built-in kernels and the parametric kernel families. Sign convention for every X/Y pair: X is positive
/// where intensity rises to the right, Y is positive where it rises downwards.
/// </summary>
public static class KernelLibrary
{
    private static readonly Lazy<IReadOnlyList<ConvolutionKernel>> BuiltIns = new(CreateBuiltIns);

    /// <summary>Category of blurs.</summary>
    public const string BlurCategory = "Blur";

    /// <summary>Category of sharpening kernels.</summary>
    public const string SharpenCategory = "Sharpen";

    /// <summary>Category of edge detectors.</summary>
    public const string EdgeCategory = "Edge";

    /// <summary>Category of emboss kernels.</summary>
    public const string EmbossCategory = "Emboss";

    /// <summary>Category of kernels that change nothing.</summary>
    public const string IdentityCategory = "Identity";

    /// <summary>Category of user-defined kernels.</summary>
    public const string CustomCategory = "Custom";

    /// <summary>Every built-in kernel, in a stable order.</summary>
    public static IReadOnlyList<ConvolutionKernel> All => BuiltIns.Value;

    /// <summary>Names of the parametric families accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Families { get; } = new[] { "Gaussian", "Box", "MotionBlur", "UnsharpMask" };

    /// <summary>Finds a built-in kernel by name, ignoring case.</summary>
    public static bool TryGet(string name, out ConvolutionKernel kernel)
    {
        foreach (ConvolutionKernel k in All)
        {
            if (string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                kernel = k;
                return true;
            }
        }

        kernel = null!;
        return false;
    }

    /// <summary>Finds a built-in kernel by name, ignoring case, or throws an error listing the names.</summary>
    public static ConvolutionKernel Get(string name)
    {
        if (TryGet(name, out ConvolutionKernel kernel))
        {
            return kernel;
        }

        throw UnknownName(name);
    }

    /// <summary>
    /// The error for a name no built-in kernel has, listing those there are; <paramref name="hint"/>, where given, is a
    /// sentence put before the list (the cmdlets say there how to make a kernel of a family). Without a hint, the
    /// nearest names (<see cref="Nearest"/>) are offered, as a mistyped name is the commonest cause. With
    /// <paramref name="families"/>, where a family's name is accepted too (<see cref="Create"/>), the families are
    /// offered and listed as well.
    /// </summary>
    public static InvalidKernelException UnknownName(string name, string? hint = null, bool families = false)
    {
        IEnumerable<string> names = All.Select(k => k.Name);
        hint ??= DidYouMean(Nearest(name, families ? Families.Concat(names) : names));
        return new(string.Format(
            CultureInfo.InvariantCulture,
            "'{0}' is not a built-in kernel.{1} Built-in kernels: {2}.{3}",
            KernelParser.Shown(name),
            hint is null ? string.Empty : " " + hint,
            string.Join(", ", names),
            families ? " Kernels with parameters: " + string.Join(", ", Families) + "." : string.Empty));
    }

    /// <summary>
    /// The names among <paramref name="candidates"/> nearest to <paramref name="name"/>, ignoring case, in their own
    /// order: those fewest edits away (a letter added, left out or changed, or two neighbouring letters swapped), and
    /// only where that is at most one edit for a name of up to four letters, two for a longer one. Where none is that
    /// near, the names that begin with it (at least three letters, and at most four such names: Motion, Unsharp).
    /// Empty where neither: a name so far from every candidate was not mistyped.
    /// </summary>
    public static IReadOnlyList<string> Nearest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        string given = name.Trim().ToUpperInvariant();
        int limit = given.Length <= 4 ? 1 : 2;
        string[] distinct = candidates.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var nearest = new List<string>();
        int best = limit + 1;
        foreach (string candidate in distinct)
        {
            // Names whose lengths differ by more than the limit are further apart than it: not measured (a whole
            // file's text given as a name would otherwise cost a table of its length for each name).
            int distance = Math.Abs(given.Length - candidate.Length) > limit ? int.MaxValue : EditDistance(given, candidate.ToUpperInvariant());
            if (distance > limit)
            {
                continue;
            }

            if (distance < best)
            {
                best = distance;
                nearest.Clear();
            }

            if (distance == best)
            {
                nearest.Add(candidate);
            }
        }

        if (nearest.Count == 0 && given.Length >= 3)
        {
            nearest.AddRange(distinct.Where(c => c.StartsWith(given, StringComparison.OrdinalIgnoreCase)));
            if (nearest.Count > 4)
            {
                nearest.Clear();
            }
        }

        return nearest;
    }

    /// <summary>"Did you mean 'A'?", "... 'A' or 'B'?", "... 'A', 'B' or 'C'?" for the names given; null for none.</summary>
    public static string? DidYouMean(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            return null;
        }

        IEnumerable<string> quoted = names.Select(n => "'" + n + "'");
        return names.Count == 1
            ? $"Did you mean {quoted.First()}?"
            : $"Did you mean {string.Join(", ", quoted.Take(names.Count - 1))} or {quoted.Last()}?";
    }

    // Edits between a and b: insertions, deletions, substitutions and swaps of neighbouring letters, each one (the
    // optimal string alignment distance).
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>
    /// True when <paramref name="name"/> names a parametric family, alone or followed by a size (Gaussian, Gaussian7,
    /// box9), as users guess a kernel of a family is named; <paramref name="size"/> is that size, or null.
    /// </summary>
    public static bool TryFamily(string name, out string family, out int? size)
    {
        ArgumentNullException.ThrowIfNull(name);
        string trimmed = name.Trim();
        foreach (string candidate in Families)
        {
            if (trimmed.StartsWith(candidate, StringComparison.OrdinalIgnoreCase)
                && int.TryParse(trimmed.Length == candidate.Length ? "0" : trimmed.Substring(candidate.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                family = candidate;
                size = n > 0 ? n : null;
                return true;
            }
        }

        family = string.Empty;
        size = null;
        return false;
    }

    /// <summary>
    /// Creates a built-in kernel or a kernel of a parametric family. Parameters a kernel does not take must be null.
    /// </summary>
    public static ConvolutionKernel Create(string name, int? size = null, double? sigma = null, double? angle = null, double? amount = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name.ToUpperInvariant())
        {
            case "GAUSSIAN":
                Reject(name, angle, "Angle", amount, "Amount");
                return Gaussian(size, sigma);
            case "BOX":
                Reject(name, angle, "Angle", amount, "Amount");
                Reject(name, sigma, "Sigma", null, null);
                return Box(size ?? 3);
            case "MOTIONBLUR":
                Reject(name, sigma, "Sigma", amount, "Amount");
                return MotionBlur(size ?? 9, angle ?? 0);
            case "UNSHARPMASK":
                Reject(name, angle, "Angle", null, null);
                return UnsharpMask(size, sigma ?? 1.0, amount ?? 1.0);
        }

        ConvolutionKernel fixedKernel = TryGet(name, out ConvolutionKernel found) ? found : throw UnknownName(name, families: true);
        if (size is not null || sigma is not null || angle is not null || amount is not null)
        {
            throw new InvalidKernelException(string.Format(
                CultureInfo.InvariantCulture,
                "The built-in kernel '{0}' takes no parameters. Kernels with parameters: {1}.",
                fixedKernel.Name,
                string.Join(", ", Families)));
        }

        return fixedKernel;
    }

    /// <summary>A normalised Gaussian, separable. Size defaults to 2*ceil(3*sigma)+1; sigma defaults to OpenCV's rule 0.3*((size-1)/2-1)+0.8.</summary>
    public static ConvolutionKernel Gaussian(int? size, double? sigma)
    {
        if (sigma is double s && (!(s > 0) || !double.IsFinite(s)))
        {
            throw new InvalidKernelException(string.Format(CultureInfo.InvariantCulture, "Sigma must be a positive number; {0} was given.", s));
        }

        int n = size ?? (sigma is double sg ? SizeFor(sg) : 5);
        CheckSize(n);
        double sd = sigma ?? ((0.3 * (((n - 1) * 0.5) - 1)) + 0.8);
        double[] g = GaussianProfile(n, sd);
        string label = string.Format(CultureInfo.InvariantCulture, "Gaussian{0}s{1:0.###}", n, sd);
        return new ConvolutionKernel(
            label,
            BlurCategory,
            string.Format(CultureInfo.InvariantCulture, "Gaussian blur, {0}x{0}, sigma {1:0.###}", n, sd),
            new[] { Outer(g, g) });
    }

    /// <summary>A box (mean) blur of an odd size.</summary>
    public static ConvolutionKernel Box(int size)
    {
        CheckSize(size);
        double[] ones = Enumerable.Repeat(1.0, size).ToArray();
        return new ConvolutionKernel(
            string.Format(CultureInfo.InvariantCulture, "Box{0}", size),
            BlurCategory,
            string.Format(CultureInfo.InvariantCulture, "Mean of the {0}x{0} neighbourhood", size),
            new[] { Outer(ones, ones) });
    }

    /// <summary>
    /// A line of the given length through the centre at an angle in degrees, counter-clockwise from the
    /// positive X axis (0 is horizontal, 90 vertical), anti-aliased and normalised.
    /// </summary>
    public static ConvolutionKernel MotionBlur(int size, double angle)
    {
        CheckSize(size);
        if (!double.IsFinite(angle))
        {
            throw new InvalidKernelException("The angle must be a finite number of degrees.");
        }

        double radians = angle * Math.PI / 180;
        double cos = Math.Cos(radians);
        double sin = Math.Sin(radians);
        int r = size / 2;
        var weights = new double[size * size];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double dx = x - r;
                double dy = r - y; // image rows grow downwards; angles are counted upwards
                double along = (dx * cos) + (dy * sin);
                double across = Math.Abs((-dx * sin) + (dy * cos));
                double w = Math.Max(0, 1 - across);
                if (Math.Abs(along) > r + 0.5)
                {
                    w = 0;
                }

                weights[(y * size) + x] = Math.Round(w, 6);
            }
        }

        return new ConvolutionKernel(
            string.Format(CultureInfo.InvariantCulture, "MotionBlur{0}a{1:0.##}", size, angle),
            BlurCategory,
            string.Format(CultureInfo.InvariantCulture, "Motion blur along a {0}-pixel line at {1:0.##} degrees", size, angle),
            new[] { KernelMatrix.Create(weights, size, size) });
    }

    /// <summary>Unsharp mask: (1 + amount) times identity minus amount times a normalised Gaussian.</summary>
    public static ConvolutionKernel UnsharpMask(int? size, double sigma, double amount)
    {
        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new InvalidKernelException(string.Format(CultureInfo.InvariantCulture, "Sigma must be a positive number; {0} was given.", sigma));
        }

        if (!double.IsFinite(amount))
        {
            throw new InvalidKernelException("The amount must be a finite number.");
        }

        int n = size ?? SizeFor(sigma);
        CheckSize(n);
        double[] g = GaussianProfile(n, sigma);
        var weights = new double[n * n];
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                weights[(y * n) + x] = -amount * g[y] * g[x];
            }
        }

        weights[((n / 2) * n) + (n / 2)] += 1 + amount;
        return new ConvolutionKernel(
            string.Format(CultureInfo.InvariantCulture, "UnsharpMask{0}s{1:0.###}a{2:0.###}", n, sigma, amount),
            SharpenCategory,
            string.Format(CultureInfo.InvariantCulture, "Unsharp mask, {0}x{0}, sigma {1:0.###}, amount {2:0.###}", n, sigma, amount),
            new[] { KernelMatrix.Create(weights, n, n) },
            divisor: 1);
    }

    private static IReadOnlyList<ConvolutionKernel> CreateBuiltIns()
    {
        var list = new List<ConvolutionKernel>
        {
            Fixed("Identity", IdentityCategory, "Leaves the image unchanged", "0 0 0; 0 1 0; 0 0 0"),
            Fixed("Box3", BlurCategory, "Mean of the 3x3 neighbourhood", "1 1 1; 1 1 1; 1 1 1"),
            Fixed("Box5", BlurCategory, "Mean of the 5x5 neighbourhood", "1 1 1 1 1; 1 1 1 1 1; 1 1 1 1 1; 1 1 1 1 1; 1 1 1 1 1"),
            Fixed("Gaussian3", BlurCategory, "Binomial Gaussian blur 3x3 (1 2 1 outer product, /16)", "1 2 1; 2 4 2; 1 2 1"),
            Fixed("Gaussian5", BlurCategory, "Binomial Gaussian blur 5x5 (1 4 6 4 1 outer product, /256)", "1 4 6 4 1; 4 16 24 16 4; 6 24 36 24 6; 4 16 24 16 4; 1 4 6 4 1"),
            Fixed("Gaussian5x273", BlurCategory, "Classic 5x5 Gaussian blur approximation (/273)", "1 4 7 4 1; 4 16 26 16 4; 7 26 41 26 7; 4 16 26 16 4; 1 4 7 4 1"),
            Fixed("MotionBlur", BlurCategory, "Horizontal motion blur along 9 pixels", "0 0 0 0 0 0 0 0 0; 0 0 0 0 0 0 0 0 0; 0 0 0 0 0 0 0 0 0; 0 0 0 0 0 0 0 0 0; 1 1 1 1 1 1 1 1 1; 0 0 0 0 0 0 0 0 0; 0 0 0 0 0 0 0 0 0; 0 0 0 0 0 0 0 0 0; 0 0 0 0 0 0 0 0 0"),
            Fixed("Sharpen", SharpenCategory, "Sharpen with the 4 neighbours", "0 -1 0; -1 5 -1; 0 -1 0"),
            Fixed("Sharpen8", SharpenCategory, "Sharpen with all 8 neighbours", "-1 -1 -1; -1 9 -1; -1 -1 -1"),
            Fixed("UnsharpMask5", SharpenCategory, "Unsharp mask 5x5 (binomial, amount 1; -1/256 times 1 4 6 4 1 ... -476)", "1 4 6 4 1; 4 16 24 16 4; 6 24 -476 24 6; 4 16 24 16 4; 1 4 6 4 1"),
            Fixed("Laplacian4", EdgeCategory, "Laplacian with the 4 neighbours", "0 1 0; 1 -4 1; 0 1 0", outputRange: OutputRange.Absolute),
            Fixed("Laplacian8", EdgeCategory, "Laplacian with all 8 neighbours", "1 1 1; 1 -8 1; 1 1 1", outputRange: OutputRange.Absolute),
            Fixed("LaplacianOfGaussian5", EdgeCategory, "Laplacian of Gaussian 5x5 (Mexican hat)", "0 0 -1 0 0; 0 -1 -2 -1 0; -1 -2 16 -2 -1; 0 -1 -2 -1 0; 0 0 -1 0 0", outputRange: OutputRange.Absolute),
            Fixed("SobelX", EdgeCategory, "Sobel horizontal gradient (positive where intensity rises to the right)", SobelX, outputRange: OutputRange.Absolute),
            Fixed("SobelY", EdgeCategory, "Sobel vertical gradient (positive where intensity rises downwards)", Transpose(SobelX), outputRange: OutputRange.Absolute),
            Operator("Sobel", "Sobel gradient magnitude sqrt(SobelX^2 + SobelY^2)", KernelCombination.Magnitude, SobelX, Transpose(SobelX)),
            Fixed("ScharrX", EdgeCategory, "Scharr horizontal gradient (positive where intensity rises to the right)", ScharrX, outputRange: OutputRange.Absolute),
            Fixed("ScharrY", EdgeCategory, "Scharr vertical gradient (positive where intensity rises downwards)", Transpose(ScharrX), outputRange: OutputRange.Absolute),
            Operator("Scharr", "Scharr gradient magnitude sqrt(ScharrX^2 + ScharrY^2)", KernelCombination.Magnitude, ScharrX, Transpose(ScharrX)),
            Fixed("PrewittX", EdgeCategory, "Prewitt horizontal gradient (positive where intensity rises to the right)", PrewittX, outputRange: OutputRange.Absolute),
            Fixed("PrewittY", EdgeCategory, "Prewitt vertical gradient (positive where intensity rises downwards)", Transpose(PrewittX), outputRange: OutputRange.Absolute),
            Operator("Prewitt", "Prewitt gradient magnitude sqrt(PrewittX^2 + PrewittY^2)", KernelCombination.Magnitude, PrewittX, Transpose(PrewittX)),
            Operator("RobertsCross", "Roberts cross gradient magnitude over the 2x2 diagonal differences", KernelCombination.Magnitude, "0 0 0; 0 1 0; 0 0 -1", "0 0 0; 0 0 1; 0 -1 0"),
            Operator("Kirsch", "Kirsch compass edges: maximum over the 8 rotations", KernelCombination.Maximum, CompassRotations("5 5 5; -3 0 -3; -3 -3 -3")),
            Operator("Robinson", "Robinson compass edges: maximum over the 8 rotations", KernelCombination.Maximum, CompassRotations("1 2 1; 0 0 0; -1 -2 -1")),
            Fixed("Emboss", EmbossCategory, "Emboss lit from the top left, mid-grey where flat (bias 128)", "-1 -1 0; -1 0 1; 0 1 1", bias: 128),
            Fixed("Outline", EdgeCategory, "Outline: the centre against its 8 neighbours", "-1 -1 -1; -1 8 -1; -1 -1 -1", outputRange: OutputRange.Absolute),
        };
        return list.AsReadOnly();
    }

    private const string SobelX = "-1 0 1; -2 0 2; -1 0 1";
    private const string ScharrX = "-3 0 3; -10 0 10; -3 0 3";
    private const string PrewittX = "-1 0 1; -1 0 1; -1 0 1";

    private static ConvolutionKernel Fixed(string name, string category, string description, string weights, double bias = 0, OutputRange outputRange = OutputRange.Clamp)
        => new(name, category, description, new[] { KernelParser.Parse(weights) }, KernelCombination.Single, null, bias, outputRange);

    private static ConvolutionKernel Operator(string name, string description, KernelCombination combination, params string[] weights)
        => new(name, EdgeCategory, description, weights.Select(KernelParser.Parse).ToArray(), combination, null, 0, OutputRange.Absolute);

    private static string Transpose(string weights)
    {
        double[][] rows = KernelParser.ParseRows(weights);
        var t = new string[rows[0].Length];
        for (int c = 0; c < rows[0].Length; c++)
        {
            t[c] = string.Join(' ', rows.Select(r => r[c].ToString(CultureInfo.InvariantCulture)));
        }

        return string.Join("; ", t);
    }

    // The eight compass kernels are the outer ring of a 3x3 rotated one step (45 degrees) at a time.
    private static string[] CompassRotations(string north)
    {
        int[] ring = { 0, 1, 2, 5, 8, 7, 6, 3 };
        double[] w = KernelParser.ParseRows(north).SelectMany(r => r).ToArray();
        var result = new string[8];
        for (int k = 0; k < 8; k++)
        {
            var rotated = (double[])w.Clone();
            for (int i = 0; i < 8; i++)
            {
                rotated[ring[(i + k) % 8]] = w[ring[i]];
            }

            result[k] = string.Join("; ", Enumerable.Range(0, 3).Select(r => string.Join(' ', rotated.Skip(r * 3).Take(3).Select(v => v.ToString(CultureInfo.InvariantCulture)))));
        }

        return result;
    }

    private static double[] GaussianProfile(int size, double sigma)
    {
        var g = new double[size];
        int r = size / 2;
        double sum = 0;
        for (int i = 0; i < size; i++)
        {
            g[i] = Math.Exp(-((i - r) * (i - r)) / (2 * sigma * sigma));
            sum += g[i];
        }

        for (int i = 0; i < size; i++)
        {
            g[i] /= sum;
        }

        return g;
    }

    private static KernelMatrix Outer(double[] column, double[] row)
    {
        var weights = new double[column.Length * row.Length];
        for (int y = 0; y < column.Length; y++)
        {
            for (int x = 0; x < row.Length; x++)
            {
                weights[(y * row.Length) + x] = column[y] * row[x];
            }
        }

        return KernelMatrix.Create(weights, row.Length, column.Length);
    }

    // A Gaussian's size from its sigma: three sigmas on either side of the centre. Computed in double, so a sigma too
    // large for any size says so, where the int it overflowed was reported as the size given.
    private static int SizeFor(double sigma)
    {
        double size = (2 * Math.Ceiling(3 * sigma)) + 1;
        if (size > MaxSize)
        {
            throw new InvalidKernelException(string.Format(CultureInfo.InvariantCulture, "Sigma {0} needs a kernel of {1} taps (three sigmas on either side of the centre), more than the {2} allowed: give a sigma of at most {3:0.###}, or a size, which cuts the Gaussian off.", sigma, size, MaxSize, (MaxSize / 2) / 3.0));
        }

        return (int)size;
    }

    private const int MaxSize = 1023;

    private static void CheckSize(int size)
    {
        if (size < 1 || size % 2 == 0 || size > MaxSize)
        {
            throw new InvalidKernelException(string.Format(CultureInfo.InvariantCulture, "The kernel size must be an odd number from 1 to {0}; {1} was given.", MaxSize, size));
        }
    }

    private static void Reject(string family, double? first, string? firstName, double? second, string? secondName)
    {
        string? offending = first is not null ? firstName : second is not null ? secondName : null;
        if (offending is not null)
        {
            string noun = offending.ToLowerInvariant();
            string article = noun[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a";
            throw new InvalidKernelException(string.Format(CultureInfo.InvariantCulture, "The {0} kernel does not take {1} {2}.", family, article, noun)) { UnusedParameter = offending };
        }
    }
}
