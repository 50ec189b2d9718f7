using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using PSConvolution.Engine.Kernels;

namespace PSConvolution.Commands;

/// <summary>
/// Turns what a user writes for a kernel into kernel objects: a built-in name, kernel text, a kernel object,
/// a jagged or 2-D numeric array, or a list of any of these.
/// </summary>
internal static class KernelConverter
{
    /// <summary>Converts a -Kernel argument to one or more kernels, in order.</summary>
    public static ConvolutionKernel[] ToKernels(object? argument)
    {
        object? value = Unwrap(argument);
        if (value is null)
        {
            throw new InvalidKernelException("No kernel was given.");
        }

        // A list whose items are all numbers or all rows of numbers is one matrix, not a list of kernels.
        if (value is IList list && !(value is Array { Rank: 2 }) && !IsMatrix(list))
        {
            var kernels = new List<ConvolutionKernel>(list.Count);
            foreach (object? item in list)
            {
                try
                {
                    kernels.Add(ToKernel(item));
                }
                catch (InvalidKernelException) when (IsJsonObjectText(string.Concat(list.Cast<object?>().Select(line => Unwrap(line) as string))))
                {
                    // -Kernel (Get-Content k.json): a JSON kernel's lines.
                    throw new InvalidKernelException(JsonObjectText);
                }
                catch (InvalidKernelException e) when (IsOneKernelInLines(list))
                {
                    // -Kernel (Get-Content k.txt) gives a kernel file's lines, each a kernel of its own: a line such as
                    // '[' or '[0, -1, 0],' is none.
                    throw new InvalidKernelException($"{e.Message} The strings given to -Kernel are a kernel each, as Get-Content gives a file's lines; together they are one kernel: read the file whole with -Kernel (Get-Content -Raw <file>), or use New-ConvolutionKernel -Text (Get-Content <file>).");
                }
            }

            if (kernels.Count == 0)
            {
                throw new InvalidKernelException("The kernel list is empty.");
            }

            return kernels.ToArray();
        }

        // The argument itself, not its base object: a saved kernel is known by its wrapper's type names.
        return new[] { ToKernel(argument) };
    }

    // True when every item is a string and the strings, one line each, are one kernel's text.
    private static bool IsOneKernelInLines(IList list)
    {
        var lines = new List<string>(list.Count);
        foreach (object? item in list)
        {
            if (Unwrap(item) is not string line)
            {
                return false;
            }

            lines.Add(line);
        }

        try
        {
            KernelParser.Parse(string.Join("\n", lines));
            return true;
        }
        catch (InvalidKernelException)
        {
            return false;
        }
    }

    /// <summary>
    /// The string given as a kernel, alone or in a list, that is the path of an existing file from the current location
    /// and no kernel by itself (the name of a file of weights, where its text was meant), or the full path of a file
    /// given as its FileInfo (Get-Item); null where there is none.
    /// </summary>
    public static string? FileNamed(PathIntrinsics? path, object? inputData)
    {
        object? value = Unwrap(inputData);
        if (path is null)
        {
            return null;
        }

        foreach (object? item in value as object[] ?? new[] { value })
        {
            if (Unwrap(item) is string name && NamesFile(path, name) && !Converts(name))
            {
                return name;
            }

            if (Unwrap(item) is FileInfo { Exists: true } file)
            {
                // -Kernel (Get-Item ./sharpen.txt): the file itself.
                return file.FullName;
            }
        }

        return null;
    }

    // True when the text is a path, from the current location, of an existing file.
    private static bool NamesFile(PathIntrinsics path, string text)
    {
        if (text.Length is 0 or > 4096 || text.IndexOfAny(new[] { '\n', '\r', ';' }) >= 0)
        {
            return false;
        }

        try
        {
            return File.Exists(path.GetUnresolvedProviderPathFromPSPath(text));
        }
        catch (Exception e) when (e is ItemNotFoundException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException or ArgumentException or PSInvalidOperationException)
        {
            return false;
        }
    }

    private static bool Converts(string text)
    {
        try
        {
            ToKernel(text);
            return true;
        }
        catch (InvalidKernelException)
        {
            return false;
        }
    }

    /// <summary>Converts one item to a kernel.</summary>
    public static ConvolutionKernel ToKernel(object? item)
    {
        if (Saved(item) is ConvolutionKernel saved)
        {
            return saved;
        }

        object? value = Unwrap(item);
        if (value is string given)
        {
            // -Kernel (Get-Content -Raw photo.jpg): an image's bytes as text, said so rather than quoted whole.
            KernelParser.CheckText(given);
        }

        switch (value)
        {
            case null:
                throw new InvalidKernelException("A kernel in the list is empty ($null).");
            case ConvolutionKernel kernel:
                return kernel;
            case string json when IsJsonObjectText(json):
                // -Kernel (Get-Content -Raw k.json), where the file holds a kernel written by ConvertTo-Json.
                throw new InvalidKernelException(JsonObjectText);
            case string text when KernelParser.LooksLikeMatrix(text):
                return Custom(KernelParser.Parse(text));
            case string name when !KernelLibrary.TryGet(name.Trim(), out _) && name.Split(',') is { Length: > 1 } parts && parts.All(p => KernelLibrary.TryGet(p.Trim(), out _)):
                // "Gaussian5,Sharpen" in quotes (from a file, or typed so) is one string, where the names unquoted
                // are a list.
                throw new InvalidKernelException($"'{name}' is not a built-in kernel, but a list of them in one string. To apply them in turn, give them as a list: -Kernel {string.Join(", ", parts.Select(p => p.Trim()))} (unquoted), or -Kernel ('{name}' -split ',').");
            case string name:
                return BuiltIn(name.Trim());
            default:
                return Custom(KernelMatrix.Create(ToRows(value)));
        }
    }

    /// <summary>Reads a numeric matrix: a 2-D array, a list of rows, or one row of numbers.</summary>
    public static double[][] ToRows(object? matrix)
    {
        object? value = Unwrap(matrix);
        if (value is Array { Rank: 2 } grid)
        {
            int height = grid.GetLength(0);
            int width = grid.GetLength(1);
            var rows = new double[height][];
            for (int r = 0; r < height; r++)
            {
                rows[r] = new double[width];
                for (int c = 0; c < width; c++)
                {
                    rows[r][c] = ToNumber(grid.GetValue(r, c), r, c);
                }
            }

            return rows;
        }

        if (value is IList list)
        {
            if (list.Count == 0)
            {
                throw new InvalidKernelException("The kernel matrix is empty.");
            }

            if (IsNumber(Unwrap(list[0])))
            {
                return new[] { ToRow(list, 0) };
            }

            var rows = new double[list.Count][];
            for (int r = 0; r < list.Count; r++)
            {
                object? row = Unwrap(list[r]);
                rows[r] = row is IList cells ? ToRow(cells, r) : new[] { ToNumber(row, r, 0) };
            }

            return rows;
        }

        if (value is string text)
        {
            return KernelParser.ParseRows(text);
        }

        throw new InvalidKernelException(string.Format(
            CultureInfo.InvariantCulture,
            "A kernel of type {0} cannot be used. Give a built-in name, a kernel from New-ConvolutionKernel, or a matrix such as @(@(0,-1,0), @(-1,5,-1), @(0,-1,0)).",
            value?.GetType().Name ?? "null"));
    }

    /// <summary>
    /// A kernel that was saved and read back as a property bag, made a kernel again: from Import-Clixml, a job or a
    /// remote session (its type name starts with "Deserialized."), or from ConvertFrom-Json (a PSCustomObject with the
    /// kernel's Matrices). Each matrix's text (its Text property, or its ToString, both written with every weight's
    /// round-trip digits; a job's shallower serialization and ConvertTo-Json -Depth 1 keep only that of a matrix), the
    /// anchor, and the kernel's name, divisor, bias, combination and output range come back as they were. Null for
    /// anything else.
    /// </summary>
    private static ConvolutionKernel? Saved(object? item)
    {
        if (item is not PSObject saved)
        {
            return null;
        }

        bool deserialized = saved.TypeNames.Contains("Deserialized." + typeof(ConvolutionKernel).FullName);
        if (!deserialized && !(saved.BaseObject is PSCustomObject && saved.Properties["Matrices"] is not null))
        {
            return null;
        }

        string name = Property(saved, "Name") as string ?? string.Empty;
        try
        {
            // An enumeration comes back as its number (Import-Clixml, JSON) or its name (a job's serialization,
            // ConvertTo-Json -EnumsAsStrings).
            var combination = LanguagePrimitives.ConvertTo<KernelCombination>(Property(saved, "Combination"));
            var range = LanguagePrimitives.ConvertTo<OutputRange>(Property(saved, "OutputRange"));
            if (!Enum.IsDefined(typeof(KernelCombination), combination) || !Enum.IsDefined(typeof(OutputRange), range))
            {
                throw new InvalidKernelException("its combination or output range is not one this module knows");
            }

            // ConvertTo-Json -Depth 1 of a list of kernels writes each kernel's matrices as one string, their texts
            // joined by spaces: whole only where the kernel has one matrix. (Export-Csv writes the array's type name,
            // which is no matrix.)
            IEnumerable? stored = Property(saved, "Matrices") switch
            {
                string joined when combination == KernelCombination.Single && KernelParser.LooksLikeMatrix(joined) => new[] { joined },
                string => null,
                IEnumerable list => list,
                _ => null,
            };

            var matrices = new List<KernelMatrix>();
            foreach (object? matrix in stored ?? Array.Empty<object>())
            {
                if (matrix is not null)
                {
                    // The anchor is each matrix's (Import-Clixml, JSON) or the kernel's (a job keeps matrices as text
                    // only). A deserialized matrix's ToString is the one it was saved with; a JSON object's is its
                    // property list.
                    var properties = matrix as PSObject;
                    string text = Unwrap(matrix) as string
                        ?? Property(properties, "Text") as string
                        ?? (deserialized ? matrix.ToString() : null)
                        ?? throw new InvalidKernelException("its matrices carry no weights (no Text property)");
                    matrices.Add(KernelMatrix.Create(
                        KernelParser.ParseRows(text),
                        Anchor(Property(properties, "AnchorX") ?? Property(saved, "AnchorX")),
                        Anchor(Property(properties, "AnchorY") ?? Property(saved, "AnchorY"))));
                }
            }

            if (matrices.Count == 0)
            {
                throw new InvalidKernelException("it holds no weights");
            }

            object? divisor = Property(saved, "ExplicitDivisor");
            return new ConvolutionKernel(
                LanguagePrimitives.ConvertTo<bool>(Property(saved, "IsNamed")) ? name : string.Empty,
                Property(saved, "Category") as string ?? KernelLibrary.CustomCategory,
                Property(saved, "Description") as string ?? string.Empty,
                matrices,
                combination,
                divisor is null ? null : LanguagePrimitives.ConvertTo<double>(divisor),
                LanguagePrimitives.ConvertTo<double>(Property(saved, "Bias")),
                range);
        }
        catch (Exception e) when (e is InvalidKernelException or PSInvalidCastException or ArgumentException)
        {
            throw new InvalidKernelException($"The saved kernel '{KernelParser.Shown(name)}' cannot be read: {e.Message.TrimEnd('.')}.");
        }
    }

    private const string JsonObjectText = "The kernel text is JSON of an object, not a kernel's name or weights. Read a kernel saved with ConvertTo-Json as an object: -Kernel (Get-Content -Raw <file> | ConvertFrom-Json).";

    // True for the text of a JSON object or a JSON list of objects, as ConvertTo-Json writes kernels.
    private static bool IsJsonObjectText(string text)
    {
        string trimmed = text.TrimStart();
        return trimmed.StartsWith("{", StringComparison.Ordinal) || (trimmed.StartsWith("[", StringComparison.Ordinal) && trimmed.Substring(1).TrimStart().StartsWith("{", StringComparison.Ordinal));
    }

    // A property's value, unwrapped; null where the object or the property is missing.
    private static object? Property(PSObject? saved, string name) => Unwrap(saved?.Properties[name]?.Value);

    // A built-in kernel by name. A family's name (Gaussian, Gaussian7) is what users guess a kernel of any size is
    // called: the error says how to make one.
    private static ConvolutionKernel BuiltIn(string name)
    {
        try
        {
            return KernelLibrary.Get(name);
        }
        catch (InvalidKernelException) when ((FamilyHint(name, ", to give to -Kernel") ?? WildcardHint(name)) is string hint)
        {
            throw KernelLibrary.UnknownName(name, hint);
        }
    }

    // For a wildcard pattern (Gauss*, *edge*), as PowerShell users try wherever names are taken: the kernels
    // Get-ConvolutionKernel gives for it, which matches names and categories alike; null for any other name.
    private static string? WildcardHint(string name)
    {
        if (!WildcardPattern.ContainsWildcardCharacters(name))
        {
            return null;
        }

        var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
        string[] matched;
        try
        {
            matched = KernelLibrary.All.Where(k => pattern.IsMatch(k.Name) || pattern.IsMatch(k.Category)).Select(k => k.Name).ToArray();
        }
        catch (WildcardPatternException)
        {
            // 'Box[' is no pattern either: the nearest names are offered instead.
            return null;
        }

        string quoted = ErrorRecords.Quoted(name);
        return matched.Length == 0
            ? $"-Kernel takes names, not wildcards, and {quoted} matches no built-in kernel."
            : $"-Kernel takes names, not wildcards: Get-ConvolutionKernel {quoted} gives the kernels it matches ({string.Join(", ", matched)}), and -Kernel (Get-ConvolutionKernel {quoted}) applies them one after the other.";
    }

    /// <summary>
    /// For a family's name, alone or with a size: how to make a kernel of it (the sentence ends with
    /// <paramref name="purpose"/>); null for any other name.
    /// </summary>
    public static string? FamilyHint(string name, string purpose)
        => KernelLibrary.TryFamily(name, out string family, out int? size)
            ? string.Format(CultureInfo.InvariantCulture, "{0} is a family of kernels with parameters: New-ConvolutionKernel -Name {0} -Size {1} makes one{2}.", family, size ?? 7, purpose)
            : null;

    // A saved anchor, or null (the centre) where none was saved.
    private static int? Anchor(object? value) => value is null ? null : LanguagePrimitives.ConvertTo<int>(value);

    private static ConvolutionKernel Custom(KernelMatrix matrix)
        => new(string.Empty, KernelLibrary.CustomCategory, "User-defined kernel", new[] { matrix });

    private static bool IsMatrix(IList list)
    {
        if (list.Count == 0)
        {
            return false;
        }

        foreach (object? item in list)
        {
            object? value = Unwrap(item);
            if (IsNumber(value))
            {
                continue;
            }

            if (value is IList row && row.Count > 0)
            {
                foreach (object? cell in row)
                {
                    if (!IsNumber(Unwrap(cell)))
                    {
                        return false;
                    }
                }

                continue;
            }

            return false;
        }

        return true;
    }

    private static double[] ToRow(IList cells, int rowIndex)
    {
        var row = new double[cells.Count];
        for (int c = 0; c < cells.Count; c++)
        {
            row[c] = ToNumber(Unwrap(cells[c]), rowIndex, c);
        }

        return row;
    }

    private static double ToNumber(object? value, int row, int column)
    {
        value = Unwrap(value);
        if (IsNumber(value))
        {
            return System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }

        if (value is string s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            return parsed;
        }

        throw new InvalidKernelException(string.Format(
            CultureInfo.InvariantCulture,
            "The kernel weight at row {0}, column {1} ('{2}') is not a number.",
            row,
            column,
            value is null ? "$null" : KernelParser.Shown(System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty)));
    }

    private static bool IsNumber(object? value) => value is byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal;

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;
}
