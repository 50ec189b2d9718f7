using System;
using System.Collections.Generic;
using System.Globalization;

namespace PSConvolution.Engine.Kernels;

/// <summary>
/// Reads kernels written as text: rows separated by ';' or new lines, weights by spaces or commas, and anything
/// from '#' to the end of a line a comment (kernel files often name and explain their weights).
/// </summary>
public static class KernelParser
{
    private static readonly char[] LineSeparators = { '\n', '\r' };
    private static readonly char[] WeightSeparators = { ' ', '\t', ',' };

    /// <summary>Parses text such as <c>0 -1 0; -1 5 -1; 0 -1 0</c> into rows of weights.</summary>
    public static double[][] ParseRows(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new List<double[]>();
        foreach (string untrimmed in WithoutComments(text).Split(';'))
        {
            string line = untrimmed.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            CheckSeparators(line, rows.Count);
            string[] cells = line.Split(WeightSeparators, StringSplitOptions.RemoveEmptyEntries);
            var row = new double[cells.Length];
            for (int i = 0; i < cells.Length; i++)
            {
                if (!double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out row[i]))
                {
                    throw new InvalidKernelException(string.Format(
                        CultureInfo.InvariantCulture,
                        "'{0}' in kernel row {1} is not a number. Write weights like '0 -1 0; -1 5 -1; 0 -1 0'.",
                        cells[i],
                        rows.Count));
                }
            }

            rows.Add(row);
        }

        if (rows.Count == 0)
        {
            throw new InvalidKernelException("The kernel text holds no weights. Write weights like '0 -1 0; -1 5 -1; 0 -1 0'.");
        }

        return rows.ToArray();
    }

    // '0,5 1 0,5' is three weights written with decimal commas, not five: a row whose weights are separated by
    // spaces and that also has a comma between two digits is ambiguous, and is refused rather than guessed.
    // '1, 2, 1' and '1,2,1' are plain lists.
    private static void CheckSeparators(string line, int rowIndex)
    {
        string[] words = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2)
        {
            return;
        }

        foreach (string word in words)
        {
            string inner = word.Trim(',');
            if (inner.Contains(','))
            {
                throw new InvalidKernelException(string.Format(
                    CultureInfo.InvariantCulture,
                    "Kernel row {0} ('{1}') separates weights with spaces but also has a comma inside '{2}'. Write decimals with '.' (0.5, not 0,5), and separate weights with spaces or with commas.",
                    rowIndex,
                    line,
                    word));
            }
        }
    }

    // The text with each line's comment left out, its lines joined by ';'.
    private static string WithoutComments(string text)
    {
        string[] lines = text.Split(LineSeparators);
        for (int i = 0; i < lines.Length; i++)
        {
            int comment = lines[i].IndexOf('#');
            if (comment >= 0)
            {
                lines[i] = lines[i].Substring(0, comment);
            }
        }

        return string.Join(";", lines);
    }

    /// <summary>Parses kernel text into a matrix with the anchor at the centre.</summary>
    public static KernelMatrix Parse(string text) => KernelMatrix.Create(ParseRows(text));

    /// <summary>True when the text looks like a matrix of numbers rather than a kernel name.</summary>
    public static bool LooksLikeMatrix(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = WithoutComments(text).Trim(' ', '\t', ';');
        return trimmed.Length > 0 && (char.IsDigit(trimmed[0]) || trimmed[0] is '-' or '+' or '.');
    }
}
