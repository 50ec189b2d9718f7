using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PSConvolution.Engine.Kernels;

/// <summary>
/// Reads kernels written as text: rows separated by ';' or new lines, weights by spaces or commas, and anything
/// from '#' to the end of a line a comment (kernel files often name and explain their weights). Kernels copied from
/// elsewhere read as written there: nested lists as Python, NumPy and JSON write them (<c>[[0, -1, 0], [-1, 5, -1],
/// [0, -1, 0]]</c>) and MATLAB's brackets (<c>[0 -1 0; -1 5 -1; 0 -1 0]</c>), a factor outside the brackets as books
/// write it (<c>1/16 [1 2 1; 2 4 2; 1 2 1]</c>, <c>[[...]] / 16</c>), a weight as a fraction (<c>1/16</c>), and typeset
/// text's minus sign (U+2212) and non-breaking spaces.
/// </summary>
public static class KernelParser
{
    private static readonly char[] LineSeparators = { '\n', '\r' };
    private static readonly char[] WeightSeparators = { ' ', '\t', ',' };

    /// <summary>Parses text such as <c>0 -1 0; -1 5 -1; 0 -1 0</c> into rows of weights.</summary>
    public static double[][] ParseRows(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckText(text);
        var rows = new List<double[]>();
        string plain = WithoutFactor(Typed(WithoutComments(text)), out double factor);
        foreach (string untrimmed in WithoutBrackets(plain).Split(';'))
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
                if (!TryParseWeight(cells[i], out row[i]))
                {
                    throw new InvalidKernelException(string.Format(
                        CultureInfo.InvariantCulture,
                        "'{0}' in kernel row {1} is not a number. Write weights like '0 -1 0; -1 5 -1; 0 -1 0'.",
                        Shown(cells[i]),
                        rows.Count));
                }

                row[i] *= factor;
            }

            rows.Add(row);
        }

        if (rows.Count == 0)
        {
            throw new InvalidKernelException("The kernel text holds no weights. Write weights like '0 -1 0; -1 5 -1; 0 -1 0'.");
        }

        return rows.ToArray();
    }

    // A number, or a fraction of two (1/16) whose divisor is not 0.
    private static bool TryParseWeight(string cell, out double weight)
    {
        int slash = cell.IndexOf('/');
        if (slash < 0)
        {
            return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out weight);
        }

        weight = 0;
        if (!double.TryParse(cell.Substring(0, slash), NumberStyles.Float, CultureInfo.InvariantCulture, out double numerator)
            || !double.TryParse(cell.Substring(slash + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double denominator)
            || denominator == 0)
        {
            return false;
        }

        weight = numerator / denominator;
        return true;
    }

    // A factor written outside the brackets, as books and NumPy scale a kernel: 1/16 [1 2 1; 2 4 2; 1 2 1] or
    // 1/16 * [[...]] before them, [[...]] / 16 or [[...]] * 0.5 after them. The text is returned without it.
    private static string WithoutFactor(string text, out double factor)
    {
        factor = 1;
        int first = text.IndexOf('[');
        int last = text.LastIndexOf(']');
        if (first < 0 || last < first)
        {
            return text;
        }

        string before = text.Substring(0, first).Trim(' ', ';');
        string after = text.Substring(last + 1).Trim(' ', ';');
        if (before.Length > 0)
        {
            string number = before.TrimEnd('*', '\u00D7', '\u00B7', ' ').Trim('(', ')', ' ');
            if (!TryParseWeight(number, out double scale))
            {
                throw new InvalidKernelException(string.Format(CultureInfo.InvariantCulture, "'{0}' before the kernel's brackets is not a factor. Write a factor as '1/16 [[1, 2, 1], [2, 4, 2], [1, 2, 1]]', or the weights alone.", Shown(before)));
            }

            factor *= scale;
        }

        if (after.Length > 0)
        {
            bool divide = after[0] == '/';
            if (!(divide || after[0] is '*' or '\u00D7') || !TryParseWeight(after.Substring(1).Trim().Trim('(', ')', ' '), out double scale) || (divide && scale == 0))
            {
                throw new InvalidKernelException(string.Format(CultureInfo.InvariantCulture, "'{0}' after the kernel's brackets is not a factor. Write a factor as '[[1, 2, 1], [2, 4, 2], [1, 2, 1]] / 16', or the weights alone.", Shown(after)));
            }

            factor = divide ? factor / scale : factor * scale;
        }

        return text.Substring(first, last + 1 - first);
    }

    // Typeset text as plain: the minus sign (U+2212) as '-', and every kind of space (no-break, thin) as a space, the
    // invisible ones of text read or copied whole (a byte order mark, a zero-width space) included.
    private static string Typed(string text)
    {
        var plain = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            plain.Append(c == '\u2212' ? '-' : char.IsWhiteSpace(c) || c is '\uFEFF' or '\u200B' ? ' ' : c);
        }

        return plain.ToString();
    }

    // Brackets as lists are written: each innermost list is a row ([[a, b], [c, d]], or [a, b], [c, d]), and the
    // commas between lists separate rows; within one (MATLAB's [0 -1 0; -1 5 -1]) ';' still ends a row. Deeper
    // nesting than a list of rows, or unbalanced brackets, are refused.
    private static string WithoutBrackets(string text)
    {
        if (text.IndexOf('[') < 0 && text.IndexOf(']') < 0)
        {
            return text;
        }

        int deepest = 0;
        int depth = 0;
        foreach (char c in text)
        {
            depth += c == '[' ? 1 : c == ']' ? -1 : 0;
            if (depth < 0)
            {
                throw new InvalidKernelException("The kernel text closes a bracket that it did not open. Write weights like '0 -1 0; -1 5 -1; 0 -1 0' or '[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]'.");
            }

            deepest = Math.Max(deepest, depth);
        }

        if (depth != 0)
        {
            throw new InvalidKernelException("The kernel text opens a bracket that it does not close. Write weights like '0 -1 0; -1 5 -1; 0 -1 0' or '[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]'.");
        }

        if (deepest > 2)
        {
            throw new InvalidKernelException("The kernel text nests lists more than two deep; a kernel is a list of rows. Write weights like '[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]'.");
        }

        var rows = new StringBuilder(text.Length);
        depth = 0;
        foreach (char c in text)
        {
            if (c == '[')
            {
                depth++;
                rows.Append(' ');
            }
            else if (c == ']')
            {
                depth--;
                rows.Append(depth == deepest - 1 ? ';' : ' ');
            }
            else if (depth < deepest && (c == ',' || c == ';'))
            {
                rows.Append(' '); // between rows: the row's own ']' ended it
            }
            else
            {
                rows.Append(c);
            }
        }

        return rows.ToString();
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
                    Shown(line),
                    Shown(word)));
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

    /// <summary>
    /// Refuses text holding a control character other than a line break or tab: what a binary file's bytes (an
    /// image's, read with Get-Content) look like as text, which is neither a kernel's name nor its weights.
    /// </summary>
    /// <exception cref="InvalidKernelException">The text holds such a character.</exception>
    public static void CheckText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (char c in text)
        {
            if (char.IsControl(c) && !char.IsWhiteSpace(c))
            {
                throw new InvalidKernelException(string.Format(
                    CultureInfo.InvariantCulture,
                    "The kernel text '{0}' ({1:N0} characters) holds the control character U+{2:X4}, as a binary file (an image's, say) read as text does: it is neither a kernel's name nor its weights, which are text such as '0 -1 0; -1 5 -1; 0 -1 0'.",
                    Shown(text),
                    text.Length,
                    (int)c));
            }
        }
    }

    /// <summary>
    /// Text a user gave, as an error message quotes it: control characters written as \uXXXX, and where that comes
    /// to more than 60 characters, its first 40 or fewer (no character's escape split) and "...", so a mistaken
    /// argument (a file's whole content) cannot flood the message or reach the terminal as raw bytes.
    /// </summary>
    public static string Shown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const int Longest = 60, Kept = 40;
        var shown = new StringBuilder(Math.Min(text.Length, Longest) + 8);
        int kept = 0;
        foreach (char c in text)
        {
            if (char.IsControl(c))
            {
                shown.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                shown.Append(c);
            }

            if (shown.Length > Longest)
            {
                shown.Length = kept;
                return shown.Append("...").ToString();
            }

            kept = shown.Length <= Kept ? shown.Length : kept;
        }

        return shown.ToString();
    }

    /// <summary>True when the text looks like a matrix of numbers rather than a kernel name.</summary>
    public static bool LooksLikeMatrix(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = Typed(WithoutComments(text)).Trim(' ', '\t', ';');
        return trimmed.Length > 0 && (char.IsDigit(trimmed[0]) || trimmed[0] is '-' or '+' or '.' or '[' or '(');
    }
}
